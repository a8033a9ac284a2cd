import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { Rollback, TenantLayoutQuery, problemsOf } from "./queries";

/** The tenant layout's published versions, newest first; any earlier one can be restored (a
 * rollback publishes a copy of it as the newest version, history is never rewritten). */
export function History({ current, onRolledBack }: { current: number; onRolledBack: (number: number) => void }) {
  const { t } = useTranslation();
  const [{ data }] = useQuery({ query: TenantLayoutQuery, requestPolicy: "network-only" });
  const [, rollback] = useMutation(Rollback);
  const [problems, setProblems] = useState<string[]>([]);
  const versions = data?.portalLayoutHistory.edges.map((e) => e.node) ?? [];
  async function restore(toVersion: number) {
    const outcome = await rollback({ input: { toVersion, expectedVersion: current } });
    const found = problemsOf(outcome).map((p) => p.message);
    setProblems(found);
    const number = outcome.data?.rollbackPortalLayout.layoutVersion?.number;
    if (!found.length && number) onRolledBack(number);
  }
  if (!versions.length) return null;
  return (
    <section className="card history">
      <h2>{t("portal.history")}</h2>
      <table className="list" data-testid="layout-history">
        <thead>
          <tr>
            <th scope="col">{t("portal.version")}</th><th scope="col">{t("portal.template")}</th>
            <th scope="col">{t("portal.placements")}</th><th scope="col">{t("portal.publishedBy")}</th>
            <th scope="col">{t("portal.publishedAt")}</th><th scope="col">{t("actions.title")}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id} data-version={v.number}>
              <td>{v.number}{v.restoredFrom ? ` (${t("portal.restoredFrom", { number: v.restoredFrom })})` : ""}</td>
              <td>{t(`portal.templates.${v.template}`)}</td>
              <td>{v.placements.length}</td>
              <td>{v.publishedByName}</td>
              <td>{new Date(v.publishedAt).toLocaleString()}</td>
              <td>
                {v.number !== current && (
                  <button onClick={() => restore(v.number)} aria-label={t("portal.rollbackTo", { number: v.number })}>{t("portal.rollback")}</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {problems.map((p) => (<p key={p} role="alert" className="problems">{p}</p>))}
    </section>
  );
}
