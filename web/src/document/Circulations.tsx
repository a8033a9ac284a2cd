import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";

const CirculationsQuery = graphql(`
  query DocumentCirculations($documentId: ID!) {
    documentCirculations(documentId: $documentId) {
      id source note createdAt sender { id displayName }
      recipients { id status readAt user { id displayName } }
    }
    users(first: 100) { edges { node { id displayName username } } }
  }
`);
const Circulate = graphql(`
  mutation CirculateDocument($input: CirculateDocumentInput!) {
    circulateDocument(input: $input) { circulation { id } errors { code message field } }
  }
`);

/** 传阅: send the document to people to read, and see who has read it and when. The server
 * decides who may circulate; its refusal (FORBIDDEN, CANNOT_READ) is shown as it comes. */
export function Circulations({ documentId }: { documentId: string }) {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({
    query: CirculationsQuery,
    variables: { documentId },
    requestPolicy: "cache-and-network",
  });
  const [, circulate] = useMutation(Circulate);
  const [to, setTo] = useState<string[]>([]);
  const [note, setNote] = useState("");
  const [problems, setProblems] = useState<string[]>([]);
  if (error || !data) return null;
  async function submit() {
    const result = await circulate({ input: { documentId, to: { userIds: to }, note: note || null } });
    const found = result.error
      ? [result.error.message]
      : (result.data?.circulateDocument.errors ?? []).map((e) => e.message);
    setProblems(found);
    if (found.length) return;
    setTo([]);
    setNote("");
    refetch({ requestPolicy: "network-only" });
  }
  const recipients = data.documentCirculations.flatMap((c) => c.recipients.map((r) => ({ ...r, sender: c.sender })));
  return (
    <section aria-labelledby="circulation-heading" className="circulations">
      <h2 id="circulation-heading">{t("circulation.heading")}</h2>
      <label>
        {t("circulation.to")}
        <select multiple value={to} onChange={(e) => setTo(Array.from(e.target.selectedOptions, (o) => o.value))}>
          {data.users.edges.map(({ node: u }) => (
            <option key={u.id} value={u.id}>{u.displayName} ({u.username})</option>
          ))}
        </select>
      </label>
      <label>
        {t("circulation.note")}
        <input value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button disabled={!to.length} onClick={() => void submit()}>{t("circulation.send")}</button>
      {problems.map((p) => (<p key={p} role="alert" className="problems">{p}</p>))}
      {recipients.length > 0 && (
        <>
          <h3>{t("circulation.status")}</h3>
          <ul data-testid="circulation-status">
            {recipients.map((r) => (
              <li key={r.id} data-status={r.status}>
                {r.user?.displayName} · <strong>{t(r.status === "READ" ? "circulation.read" : "circulation.unread")}</strong>
                {r.readAt && <> · <time dateTime={r.readAt}>{new Date(r.readAt).toLocaleString()}</time></>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
