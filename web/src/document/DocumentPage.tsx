import { useEffect, useMemo, useState } from "react";
import { useParams } from "react-router-dom";
import { useMutation, useQuery, useSubscription } from "urql";
import { useTranslation } from "react-i18next";
import Form from "@rjsf/core";
import validator from "@rjsf/validator-ajv8";
import { DocumentChanged, DocumentQuery, MarkRead } from "./queries";
import { formUnderAccess, nodeAccess, pick } from "./fieldAccess";
import { ActionBar } from "./ActionBar";
import { Attachments } from "./Attachments";
import { Timeline } from "./Timeline";
import { Dispatches } from "../exchange/Dispatches";
import { Circulations } from "./Circulations";

/** One document: its form under the viewer's field access, the actions the server offers,
 * attachments and the trail; refetched whenever an event about it arrives. */
export default function DocumentPage() {
  const { t } = useTranslation();
  const id = decodeURIComponent(useParams().id ?? "");
  const [{ data, error }, refetch] = useQuery({
    query: DocumentQuery,
    variables: { id },
    requestPolicy: "cache-and-network",
  });
  const [changed] = useSubscription({ query: DocumentChanged, variables: { documentId: id } });
  const eventId = changed.data?.documentChanged.id;
  useEffect(() => {
    if (eventId) refetch({ requestPolicy: "network-only" });
  }, [eventId, refetch]);
  // 已阅: reads never write, so opening a document records the viewer's copies of it as read
  // (NOT_FOUND, ignored, when she holds none), and the trail then shows it.
  const [, markRead] = useMutation(MarkRead);
  useEffect(() => {
    if (!id) return;
    void markRead({ input: { documentId: id } }).then((result) => {
      if (result.data?.markCirculationRead.errors.length === 0) refetch({ requestPolicy: "network-only" });
    });
  }, [id, markRead, refetch]);
  // `node` is an interface: only a Document has a title here.
  const doc = data?.node && "title" in data.node ? data.node : null;
  const mine = useMemo(() => (doc?.tasks ?? []).filter((task) => task.allowedActions.length), [doc]);
  const draft = doc?.status === "DRAFT" && doc.allowedActions.includes("SUBMIT");
  const form = useMemo(() => {
    if (!doc?.formVersion) return null;
    const access = nodeAccess(doc.flowVersion?.definition, mine.map((task) => task.nodeId));
    return formUnderAccess(doc.formVersion.jsonSchema, doc.formVersion.uiSchema, access, !!draft);
  }, [doc, mine, draft]);
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  useEffect(() => {
    if (doc) setFormData(doc.formData ?? {});
  }, [doc?.id, doc?.version]); // eslint-disable-line react-hooks/exhaustive-deps
  if (error && !doc) return <p role="alert">{error.message}</p>;
  if (!doc) return <p>{data ? t("doc.notFound") : t("app.loading")}</p>;
  const editable = form?.editable ?? [];
  const canEdit = draft || (mine.length > 0 && editable.length > 0);
  return (
    <article className="document" data-testid="document" data-status={doc.status}>
      <header>
        <h1>{doc.title}</h1>
        <p className="meta">
          <span data-testid="doc-status">{t(`status.${doc.status}`)}</span>
          {doc.number && <span> · {doc.number}</span>}
          <span> · {doc.documentType?.name}</span>
          <span> · {t("doc.initiator")}: {doc.initiator?.displayName}</span>
          {doc.currentNodes.length > 0 && (
            <span> · {t("doc.currentNodes")}: {doc.currentNodes.map((n) => n.name).join("、")}</span>
          )}
        </p>
      </header>
      <div className="columns">
        <section aria-labelledby="form-heading" className="form">
          <h2 id="form-heading">{t("doc.form")}</h2>
          {form ? (
            <Form
              schema={form.schema}
              uiSchema={{ ...form.uiSchema, "ui:submitButtonOptions": { norender: true } }}
              formData={formData}
              validator={validator}
              disabled={!canEdit}
              onChange={(e) => setFormData(e.formData ?? {})}
            />
          ) : (
            <p>{t("doc.noForm")}</p>
          )}
          <ActionBar
            document={doc}
            tasks={mine}
            changes={() => (draft ? formData : pick(formData, editable))}
            onDone={() => refetch({ requestPolicy: "network-only" })}
          />
        </section>
        <aside>
          <Attachments documentId={doc.id} attachments={doc.attachments} onDone={() => refetch({ requestPolicy: "network-only" })} />
          {doc.status !== "DRAFT" && <Circulations documentId={doc.id} />}
          {(doc.status === "COMPLETED" || doc.status === "ARCHIVED") && <Dispatches documentId={doc.id} />}
          <Timeline events={doc.timeline.edges.map((e) => e.node)} />
        </aside>
      </div>
    </article>
  );
}
