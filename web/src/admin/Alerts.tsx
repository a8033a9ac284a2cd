import { useEffect } from "react";
import { useQuery, useSubscription } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";

const AlertsQuery = graphql(`
  query AdminAlerts {
    alerts(first: 50) { edges { node { id kind status severity message value threshold raisedAt resolvedAt tenant { id name } } } }
  }
`);
const AlertEvents = graphql(`
  subscription AdminAlertEvents { alerts { id topic payload } }
`);

/** 运行告警: the alerts of the tenants the admin sees, newest first, refetched whenever the
 * `alerts` subscription says one was raised or resolved, so they show without a reload. */
export function Alerts() {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: AlertsQuery, requestPolicy: "cache-and-network" });
  const [{ data: event }] = useSubscription({ query: AlertEvents });
  useEffect(() => {
    if (event) refetch({ requestPolicy: "network-only" });
  }, [event, refetch]);
  if (error) return <p role="alert">{error.message}</p>;
  const alerts = data?.alerts.edges.map((e) => e.node) ?? [];
  return (
    <>
      <p className="meta"><span className="live-dot" aria-hidden="true" /> {t("admin.alert.live")}</p>
      {alerts.length === 0 && <p className="empty">{t("admin.alert.empty")}</p>}
      <table className="list" data-testid="alerts" aria-live="polite">
        <thead><tr><th scope="col">{t("admin.alert.raised")}</th><th scope="col">{t("admin.alert.kind")}</th><th scope="col">{t("admin.alert.severity")}</th><th scope="col">{t("admin.alert.tenant")}</th><th scope="col">{t("admin.alert.message")}</th><th scope="col">{t("admin.alert.status")}</th></tr></thead>
        <tbody>
          {alerts.map((a) => (
            <tr key={a.id} data-kind={a.kind} data-status={a.status}>
              <td>{new Date(a.raisedAt).toLocaleString()}</td>
              <td>{t(`admin.alert.kinds.${a.kind}`, { defaultValue: a.kind })}</td>
              <td>{a.severity}</td>
              <td>{a.tenant?.name ?? "—"}</td>
              <td>{a.message}</td>
              <td>{t(`admin.alert.statuses.${a.status}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
