import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { ApplicationsQuery, Review, problemsOf } from "./queries";

/** 服务申请: the tenant's applications for shared components and resources; the platform's
 * reviewers see every tenant's and approve or reject them (a rejection needs a reason). */
export function ServiceApplications({ reviewer }: { reviewer: boolean }) {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: ApplicationsQuery, requestPolicy: "network-only" });
  const [, review] = useMutation(Review);
  const [reason, setReason] = useState("");
  const [problems, setProblems] = useState<string[]>([]);
  async function decide(id: string, approve: boolean) {
    const found = problemsOf(await review({ input: { id, approve, reason: reason.trim() || null } })).map((p) => p.message);
    setProblems(found);
    if (!found.length) refetch({ requestPolicy: "network-only" });
  }
  if (error && !data) return <p role="alert" className="problems">{error.message}</p>;
  const rows = data?.portalServiceApplications.edges.map((e) => e.node) ?? [];
  if (!rows.length) return <p className="empty">{t("boxes.empty")}</p>;
  return (
    <section className="card">
      {reviewer && (
        <label>{t("portal.reason")}<input value={reason} onChange={(e) => setReason(e.target.value)} /></label>
      )}
      <table className="list" data-testid="service-applications">
        <thead>
          <tr>
            <th scope="col">{t("portal.tenant")}</th><th scope="col">{t("portal.service")}</th>
            <th scope="col">{t("portal.applicant")}</th><th scope="col">{t("doc.status")}</th><th scope="col">{t("actions.title")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id}>
              <td>{a.tenant ? `${a.tenant.name} (${a.tenant.code})` : ""}</td>
              <td>{a.component?.name ?? a.resource?.name ?? a.package?.name}{a.note ? ` · ${a.note}` : ""}</td>
              <td>{a.applicantName} · {new Date(a.createdAt).toLocaleString()}</td>
              <td>{t(`portal.applicationStatus.${a.status}`, a.status)}{a.reason ? ` · ${a.reason}` : ""}</td>
              <td>
                {reviewer && a.status === "PENDING" && (
                  <div className="buttons">
                    <button className="primary" onClick={() => decide(a.id, true)}>{t("admin.approve")}</button>
                    <button onClick={() => decide(a.id, false)}>{t("admin.reject")}</button>
                  </div>
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
