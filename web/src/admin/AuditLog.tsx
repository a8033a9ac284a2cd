import { useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";

const AuditQuery = graphql(`
  query AdminAudit {
    auditLog(first: 100) { edges { node { id seq at actorName action targetType hash prevHash } } }
  }
`);

type Entry = { seq: number; hash: string; prevHash: string };

/** Whether each entry names the previous one's hash (the links of the chain the server keeps;
 * `officecloud audit verify` also recomputes every hash). */
export function brokenLinks(entries: Entry[]): number[] {
  const bySeq = [...entries].sort((a, b) => a.seq - b.seq);
  return bySeq.filter((e, i) => i > 0 && bySeq[i - 1].seq === e.seq - 1 && e.prevHash !== bySeq[i - 1].hash).map((e) => e.seq);
}

export function AuditLog() {
  const { t } = useTranslation();
  const [{ data, error }] = useQuery({ query: AuditQuery, requestPolicy: "network-only" });
  if (error) return <p role="alert">{error.message}</p>;
  const entries = data?.auditLog.edges.map((e) => e.node) ?? [];
  const broken = brokenLinks(entries);
  return (
    <>
      <p role="status" data-testid="audit-verify" className={broken.length ? "problems" : undefined}>
        {broken.length ? t("admin.chainBroken", { seqs: broken.join(", ") }) : t("admin.chainIntact", { count: entries.length })}
      </p>
      <table className="list">
        <thead><tr><th scope="col">#</th><th scope="col">{t("task.when")}</th><th scope="col">{t("admin.person")}</th><th scope="col">{t("admin.action")}</th><th scope="col">hash</th></tr></thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}><td>{e.seq}</td><td>{new Date(e.at).toLocaleString()}</td><td>{e.actorName}</td><td>{e.action} · {e.targetType}</td><td><code>{e.hash.slice(0, 12)}</code></td></tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
