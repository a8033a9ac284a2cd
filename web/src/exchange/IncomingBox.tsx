import { useEffect, useState } from "react";
import { useMutation, useQuery, useSubscription } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";

const IncomingQuery = graphql(`
  query IncomingBox {
    incomingItems(first: 50) {
      edges { node { id title number status role senderName urgency receivedAt returnReason } }
    }
  }
`);
const Sign = graphql(`
  mutation SignIncoming($input: SignIncomingItemInput!) {
    signIncomingItem(input: $input) { errors { code message field } }
  }
`);
const ReturnItem = graphql(`
  mutation ReturnIncoming($input: ReturnIncomingItemInput!) {
    returnIncomingItem(input: $input) { errors { code message field } }
  }
`);
const IncomingChanged = graphql(`
  subscription IncomingChanged { incomingBoxChanged { id topic } }
`);

/** 收文箱: what other departments sent here, signed for (签收) or returned with a reason. */
export function IncomingBox() {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: IncomingQuery, requestPolicy: "cache-and-network" });
  const [changed] = useSubscription({ query: IncomingChanged, pause: !!error });
  const [, sign] = useMutation(Sign);
  const [, giveBack] = useMutation(ReturnItem);
  const [reason, setReason] = useState("");
  const [problems, setProblems] = useState<string[]>([]);
  const eventId = changed.data?.incomingBoxChanged.id;
  useEffect(() => {
    if (eventId) refetch({ requestPolicy: "network-only" });
  }, [eventId, refetch]);
  if (error) return <p role="alert">{error.message}</p>;
  const items = data?.incomingItems.edges.map((e) => e.node) ?? [];
  async function decide(run: Promise<{ data?: any; error?: Error }>) {
    const result = await run;
    const found = result.error ? [result.error.message] : (Object.values(result.data ?? {})[0] as { errors: { message: string }[] }).errors.map((e) => e.message);
    setProblems(found);
    if (!found.length) refetch({ requestPolicy: "network-only" });
  }
  return (
    <section>
      <h1>{t("nav.incoming")}</h1>
      <label>{t("exchange.returnReason")}<input value={reason} onChange={(e) => setReason(e.target.value)} /></label>
      {problems.map((p) => (<p key={p} role="alert" className="problems">{p}</p>))}
      {!items.length && <p className="empty">{t("boxes.empty")}</p>}
      {items.length > 0 && (
        <table className="list" data-testid="incoming">
          <thead><tr><th scope="col">{t("doc.title")}</th><th scope="col">{t("exchange.from")}</th><th scope="col">{t("doc.status")}</th><th scope="col">{t("actions.title")}</th></tr></thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td>{item.title} {item.number && <small>{item.number}</small>}</td>
                <td>{item.senderName} · {t(`exchange.${item.role}`)}</td>
                <td>{t(`exchange.incoming.${item.status}`)}</td>
                <td>
                  {item.status === "PENDING" && (
                    <div className="buttons">
                      <button className="primary" onClick={() => decide(sign({ input: { id: item.id } }))}>{t("exchange.sign")}</button>
                      <button onClick={() => decide(giveBack({ input: { id: item.id, reason } }))}>{t("exchange.return")}</button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
export default IncomingBox;
