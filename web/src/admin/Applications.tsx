import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";

const ApplicationsQuery = graphql(`
  query AdminApplications {
    tenantApplications(first: 50) {
      edges { node { id code name status applicantName applicantEmail adminUsername createdAt reason } }
    }
  }
`);
const Review = graphql(`
  mutation AdminReview($input: ReviewTenantApplicationInput!) {
    reviewTenantApplication(input: $input) { errors { code message field } }
  }
`);

/** 注册审核: pending department registrations, approved or rejected with a reason. */
export function Applications() {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: ApplicationsQuery, requestPolicy: "cache-and-network" });
  const [, review] = useMutation(Review);
  const [reason, setReason] = useState("");
  const [problems, setProblems] = useState<string[]>([]);
  async function decide(id: string, approve: boolean) {
    const result = await review({ input: { id, approve, reason: reason || null } });
    const errors = result.error ? [result.error.message] : (result.data?.reviewTenantApplication.errors ?? []).map((e) => e.message);
    setProblems(errors);
    if (!errors.length) refetch({ requestPolicy: "network-only" });
  }
  if (error) return <p role="alert">{error.message}</p>;
  const rows = data?.tenantApplications.edges.map((e) => e.node) ?? [];
  if (!rows.length) return <p className="empty">{t("boxes.empty")}</p>;
  return (
    <>
      <label>{t("admin.reason")}<input value={reason} onChange={(e) => setReason(e.target.value)} /></label>
      <table className="list" data-testid="applications">
        <thead>
          <tr>
            <th scope="col">{t("admin.code")}</th><th scope="col">{t("admin.name")}</th>
            <th scope="col">{t("admin.applicant")}</th><th scope="col">{t("doc.status")}</th><th scope="col">{t("actions.title")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id}>
              <td>{a.code}</td><td>{a.name}</td><td>{a.applicantName} · {a.applicantEmail} · {a.adminUsername}</td>
              <td>{t(`admin.application.${a.status}`, a.status)}</td>
              <td>
                {a.status === "PENDING" && (
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
    </>
  );
}
