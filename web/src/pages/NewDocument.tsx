import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";

const TypesQuery = graphql(`
  query NewDocumentTypes {
    documentTypes(first: 100) {
      edges { node { id name kind active templates { id name title } } }
    }
  }
`);

const Create = graphql(`
  mutation CreateDocument($input: CreateDocumentInput!) {
    createDocument(input: $input) { document { id } errors { code message field } }
  }
`);

const URGENCIES = ["NORMAL", "URGENT", "EXTRA_URGENT", "FLASH"] as const;

/** 拟稿: a new draft from a document type, or from one of its templates. */
export function NewDocument() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [{ data }] = useQuery({ query: TypesQuery });
  const [, create] = useMutation(Create);
  const [typeId, setTypeId] = useState("");
  const [templateId, setTemplateId] = useState("");
  const [title, setTitle] = useState("");
  const [urgency, setUrgency] = useState<(typeof URGENCIES)[number]>("NORMAL");
  const [problems, setProblems] = useState<string[]>([]);
  const types = (data?.documentTypes.edges ?? []).map((e) => e.node).filter((n) => n.active);
  const chosen = types.find((ty) => ty.id === typeId);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const result = await create({
      input: { documentTypeId: typeId, templateId: templateId || null, title: title || null, urgency },
    });
    const payload = result.data?.createDocument;
    if (result.error) setProblems([result.error.message]);
    else if (payload?.errors.length) setProblems(payload.errors.map((p) => p.message));
    else if (payload?.document) navigate(`/documents/${encodeURIComponent(payload.document.id)}`);
  }
  return (
    <form className="card narrow" onSubmit={submit}>
      <h1>{t("new.title")}</h1>
      <label>
        {t("new.type")}
        <select required value={typeId} onChange={(e) => { setTypeId(e.target.value); setTemplateId(""); }}>
          <option value="">—</option>
          {types.map((ty) => (
            <option key={ty.id} value={ty.id}>{ty.name}</option>
          ))}
        </select>
      </label>
      {chosen && chosen.templates.length > 0 && (
        <label>
          {t("new.template")}
          <select value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
            <option value="">—</option>
            {chosen.templates.map((tpl) => (
              <option key={tpl.id} value={tpl.id}>{tpl.name}</option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t("doc.title")}
        <input value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        {t("doc.urgency")}
        <select value={urgency} onChange={(e) => setUrgency(e.target.value as typeof urgency)}>
          {URGENCIES.map((u) => (
            <option key={u} value={u}>{t(`urgency.${u}`)}</option>
          ))}
        </select>
      </label>
      <button className="primary" type="submit">{t("new.create")}</button>
      {problems.length > 0 && (
        <ul role="alert" className="problems">
          {problems.map((p) => (<li key={p}>{p}</li>))}
        </ul>
      )}
    </form>
  );
}
