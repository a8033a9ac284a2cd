import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { useQuery, useSubscription } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";

const ChecklistQuery = graphql(`
  query AdminSetupChecklist {
    portalSetupChecklist { doneCount total next { key } steps { key title hint state } }
  }
`);
// What can finish a step: directory changes, published forms and flows, the portal's layout.
const Changes = graphql(`
  subscription AdminSetupChanges($topics: [String!]) {
    tenantEvents(topics: $topics) { id topic }
  }
`);
const TOPICS = ["directory.", "form.published", "flow.published", "portal.layout_"];

/** Where each step is done in the console (the step keys of `portalSetupChecklist`). */
const SCREENS: Record<string, { screen: string; to: string }> = {
  org_units: { screen: "org", to: "/admin?tab=org" },
  users: { screen: "users", to: "/admin?tab=users" },
  roles: { screen: "roles", to: "/admin?tab=roles" },
  forms: { screen: "forms", to: "/designer/forms" },
  flows: { screen: "flows", to: "/designer/flows" },
  portal: { screen: "portal", to: "/portal/editor" },
};

/** 开通向导: the tenant's setup checklist one step at a time, with help on each step, a link
 * to the screen that does it, and each step's state refreshed as the tenant's events arrive. */
export function Setup() {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: ChecklistQuery, requestPolicy: "cache-and-network" });
  const [{ data: change }] = useSubscription({ query: Changes, variables: { topics: TOPICS } });
  useEffect(() => {
    if (change) refetch({ requestPolicy: "network-only" });
  }, [change, refetch]);
  const checklist = data?.portalSetupChecklist;
  const [chosen, setChosen] = useState<string | null>(null);
  if (error) return <p role="alert">{error.message}</p>;
  if (!checklist) return null;
  const steps = checklist.steps;
  const index = Math.max(0, steps.findIndex((s) => s.key === (chosen ?? checklist.next?.key)));
  const step = steps[index];
  const text = (key: string, part: "title" | "help", fallback: string) =>
    t(`admin.wizard.steps.${key}.${part}`, { defaultValue: fallback });
  const target = SCREENS[step.key];
  return (
    <div className="wizard" data-testid="wizard">
      <p>
        <label>
          <span data-testid="wizard-progress">{t("admin.wizard.progress", { done: checklist.doneCount, total: checklist.total })}</span>
          <progress value={checklist.doneCount} max={checklist.total} />
        </label>
      </p>
      {checklist.doneCount === checklist.total && <p role="status">{t("admin.wizard.allDone")}</p>}
      <div className="wizard-body">
        <ol className="steps" aria-label={t("admin.setup")}>
          {steps.map((s, i) => (
            <li key={s.key} data-step={s.key} data-state={s.state}>
              <button aria-current={i === index ? "step" : undefined} onClick={() => setChosen(s.key)}>
                <span aria-hidden="true" className={`mark ${s.state}`}>{s.state === "DONE" ? "✓" : i + 1}</span>
                {text(s.key, "title", s.title)}
                <span className="sr-only"> · {t(`admin.wizard.${s.state === "DONE" ? "done" : "todo"}`)}</span>
              </button>
            </li>
          ))}
        </ol>
        <section className="card step" aria-labelledby="step-title" data-testid="wizard-step">
          <p className="meta">{t("admin.wizard.stepOf", { n: index + 1, total: steps.length })}</p>
          <h2 id="step-title">
            {text(step.key, "title", step.title)}
            <span className={`state ${step.state}`} data-testid="step-state">{t(`admin.wizard.${step.state === "DONE" ? "done" : "todo"}`)}</span>
          </h2>
          <h3>{t("admin.wizard.help")}</h3>
          <p>{text(step.key, "help", step.hint)}</p>
          <p className="meta"><small>{t("admin.wizard.serverHint", { hint: step.hint })}</small></p>
          {target && (
            <p><Link className="button primary" to={target.to}>{t("admin.wizard.go", { screen: t(`admin.wizard.screens.${target.screen}`) })}</Link></p>
          )}
          <div className="buttons">
            <button disabled={index === 0} onClick={() => setChosen(steps[index - 1].key)}>{t("admin.wizard.previous")}</button>
            <button disabled={index === steps.length - 1} onClick={() => setChosen(steps[index + 1].key)}>{t("admin.wizard.next")}</button>
          </div>
        </section>
      </div>
    </div>
  );
}
