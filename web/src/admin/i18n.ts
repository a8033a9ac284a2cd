import i18n from "../i18n";
import zh from "./locales/zh-CN.json";
import en from "./locales/en.json";

// The administration chunk brings its own texts, merged under `admin.` when it loads, so the
// first screen does not carry them and the shared locale files stay small.
i18n.addResourceBundle("zh-CN", "translation", zh, true, false);
i18n.addResourceBundle("en", "translation", en, true, false);
