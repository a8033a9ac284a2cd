import { useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { SetTheme, ThemeQuery, problemsOf } from "./queries";

const COLOURS = ["primaryColor", "accentColor", "backgroundColor", "textColor"] as const;
type Fields = Record<(typeof COLOURS)[number] | "logoUrl", string>;

/** The tenant's portal colours and logo; each refusal shown at its field. */
export function ThemeForm() {
  const { t } = useTranslation();
  const [{ data }, refetch] = useQuery({ query: ThemeQuery, requestPolicy: "network-only" });
  const [, setTheme] = useMutation(SetTheme);
  const [fields, setFields] = useState<Fields | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState("");
  const theme = data?.portal?.theme;
  useEffect(() => {
    if (theme) {
      const { primaryColor, accentColor, backgroundColor, textColor, logoUrl } = theme;
      setFields({ primaryColor, accentColor, backgroundColor, textColor, logoUrl: logoUrl ?? "" });
    }
  }, [theme]);
  if (!theme || !fields) return <p>{t("app.loading")}</p>;
  async function save() {
    const found = problemsOf(
      await setTheme({ input: { ...fields!, logoUrl: fields!.logoUrl.trim() || null, expectedVersion: theme!.version } }),
    );
    setErrors(Object.fromEntries(found.map((p) => [p.field?.[p.field.length - 1] ?? "", p.message])));
    setStatus(found.length ? "" : t("portal.saved"));
    if (!found.length) refetch({ requestPolicy: "network-only" });
  }
  return (
    <section className="card" data-testid="theme-form">
      <div className="theme-form">
        {COLOURS.map((name) => (
          <div key={name}>
            <label htmlFor={`theme-${name}`}>{t(`portal.theme.${name}`)}</label>
            <input id={`theme-${name}`} type="text" value={fields[name]} onChange={(e) => setFields({ ...fields, [name]: e.target.value })} />
            <input type="color" aria-label={t("portal.theme.picker", { name: t(`portal.theme.${name}`) })} value={/^#[0-9a-f]{6}$/i.test(fields[name]) ? fields[name].toLowerCase() : "#000000"} onChange={(e) => setFields({ ...fields, [name]: e.target.value })} />
            {errors[name] && <span role="alert" className="problems" data-field-error={name}>{errors[name]}</span>}
          </div>
        ))}
        <div>
          <label htmlFor="theme-logoUrl">{t("portal.theme.logoUrl")}</label>
          <input id="theme-logoUrl" type="text" value={fields.logoUrl} onChange={(e) => setFields({ ...fields, logoUrl: e.target.value })} />
          {errors.logoUrl && <span role="alert" className="problems" data-field-error="logoUrl">{errors.logoUrl}</span>}
        </div>
      </div>
      <div className="buttons">
        <button className="primary" onClick={save}>{t("portal.save")}</button>
        <span role="status">{status}</span>
        {errors[""] && <p role="alert" className="problems">{errors[""]}</p>}
      </div>
    </section>
  );
}
