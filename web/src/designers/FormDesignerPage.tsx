import { useTranslation } from "react-i18next";

export default function Placeholder() {
  const { t } = useTranslation();
  return <p>{t("app.comingSoon")}</p>;
}
