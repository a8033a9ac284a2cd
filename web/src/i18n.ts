import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import zh from "./locales/zh-CN.json";
import en from "./locales/en.json";

const LANG_KEY = "officecloud.lang";

i18n.use(initReactI18next).init({
  resources: { "zh-CN": { translation: zh }, en: { translation: en } },
  lng: localStorage.getItem(LANG_KEY) ?? "zh-CN",
  fallbackLng: "zh-CN",
  interpolation: { escapeValue: false },
});

export function setLanguage(lng: string): void {
  localStorage.setItem(LANG_KEY, lng);
  void i18n.changeLanguage(lng);
  document.documentElement.lang = lng;
}

document.documentElement.lang = i18n.language;
export default i18n;
