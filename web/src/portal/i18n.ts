import i18n from "../i18n";
import zh from "./locales/zh-CN.json";
import en from "./locales/en.json";

// The portal's strings come with its chunk, under `portal.*`, so the first screen does not
// carry them and the shared locale files need only the navigation entries.
i18n.addResourceBundle("zh-CN", "translation", { portal: zh }, true, false);
i18n.addResourceBundle("en", "translation", { portal: en }, true, false);
