import { useState } from "react";
import { useTranslation } from "react-i18next";

const APPLY = `mutation Apply($input: ApplyForTenantInput!) {
  applyForTenant(input: $input) { application { id status } errors { code message field } }
}`;
const FIELDS = ["code", "name", "applicantName", "applicantEmail", "adminUsername", "parentCode"] as const;
type Problem = { message: string; field?: string[] | null };

/** 申请开通: a department registers itself (anonymously); an administrator reviews it. */
export function Register() {
  const { t } = useTranslation();
  const [values, setValues] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<Problem[]>([]);
  const [sent, setSent] = useState(false);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const input = Object.fromEntries(Object.entries(values).filter(([, v]) => v));
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: APPLY, variables: { input } }),
    });
    const body = await response.json();
    const found: Problem[] = body.errors ?? body.data?.applyForTenant.errors ?? [];
    setProblems(found);
    setSent(found.length === 0);
  }
  const at = (name: string) => problems.filter((p) => p.field?.includes(name));
  if (sent) return <p role="status">{t("register.sent")}</p>;
  return (
    <form onSubmit={submit} className="register" aria-labelledby="register-heading">
      <h2 id="register-heading">{t("register.title")}</h2>
      {FIELDS.map((name) => (
        <label key={name}>
          {t(`register.${name}`)}
          <input
            name={name}
            required={name !== "parentCode"}
            value={values[name] ?? ""}
            onChange={(e) => setValues({ ...values, [name]: e.target.value })}
          />
          {at(name).map((p) => (<span key={p.message} role="alert" className="problems"> {p.message}</span>))}
        </label>
      ))}
      <button type="submit">{t("register.submit")}</button>
      {problems.filter((p) => !FIELDS.some((f) => p.field?.includes(f))).map((p) => (
        <p key={p.message} role="alert" className="problems">{p.message}</p>
      ))}
    </form>
  );
}
