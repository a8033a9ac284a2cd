import { useEffect, useState } from "react";
import { useMutation, useQuery, useSubscription } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";

const DispatchesQuery = graphql(`
  query DocumentDispatches($documentId: ID!) {
    dispatches(documentId: $documentId) {
      id sentAt sentBy { id displayName }
      recipients { id receiverCode receiverName role status returnReason }
    }
    exchangeRecipients(first: 100) { edges { node { id tenantId code name } } }
  }
`);
const Send = graphql(`
  mutation SendDocument($input: DispatchDocumentInput!) {
    dispatchDocument(input: $input) { dispatch { id } errors { code message field } }
  }
`);
const DispatchChanged = graphql(`
  subscription DispatchChanged($documentId: ID!) {
    dispatchStatusChanged(documentId: $documentId) { id topic }
  }
`);

/** 分发 to other departments, for those who may send: recipients as main or copy, and each
 * recipient's status (sent, delivered, signed, returned) as it changes. */
export function Dispatches({ documentId }: { documentId: string }) {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: DispatchesQuery, variables: { documentId }, requestPolicy: "cache-and-network" });
  const [changed] = useSubscription({ query: DispatchChanged, variables: { documentId }, pause: !!error });
  const [, send] = useMutation(Send);
  const [to, setTo] = useState("");
  const [role, setRole] = useState<"MAIN" | "COPY">("MAIN");
  const [problems, setProblems] = useState<string[]>([]);
  const eventId = changed.data?.dispatchStatusChanged.id;
  useEffect(() => {
    if (eventId) refetch({ requestPolicy: "network-only" });
  }, [eventId, refetch]);
  if (error || !data) return null;
  const recipients = data.exchangeRecipients.edges.map((e) => e.node);
  async function submit() {
    const result = await send({ input: { id: documentId, recipients: [{ tenantId: to, role }] } });
    const found = result.error ? [result.error.message] : (result.data?.dispatchDocument.errors ?? []).map((e) => e.message);
    setProblems(found);
    if (!found.length) refetch({ requestPolicy: "network-only" });
  }
  return (
    <section aria-labelledby="dispatch-heading" className="dispatches">
      <h2 id="dispatch-heading">{t("exchange.dispatch")}</h2>
      <label>
        {t("exchange.to")}
        <select value={to} onChange={(e) => setTo(e.target.value)}>
          <option value="">—</option>
          {recipients.map((r) => (<option key={r.tenantId} value={r.tenantId}>{r.name} ({r.code})</option>))}
        </select>
      </label>
      <label>
        {t("exchange.role")}
        <select value={role} onChange={(e) => setRole(e.target.value as "MAIN" | "COPY")}>
          <option value="MAIN">{t("exchange.MAIN")}</option>
          <option value="COPY">{t("exchange.COPY")}</option>
        </select>
      </label>
      <button disabled={!to} onClick={() => void submit()}>{t("exchange.send")}</button>
      {problems.map((p) => (<p key={p} role="alert" className="problems">{p}</p>))}
      <ul data-testid="dispatch-status">
        {data.dispatches.flatMap((d) =>
          d.recipients.map((r) => (
            <li key={r.id}>
              {r.receiverName} · {t(`exchange.${r.role}`)} · <strong>{t(`exchange.status.${r.status}`)}</strong>
              {r.returnReason && ` · ${r.returnReason}`}
            </li>
          )),
        )}
      </ul>
    </section>
  );
}
