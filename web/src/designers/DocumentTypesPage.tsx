import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import "./locales";
import "./designers.css";

const TypesQuery = graphql(`
  query DesignerDocumentTypes {
    documentTypes(first: 100) {
      edges {
        node {
          id code name kind numberPattern seqWidth active
          flow { id name }
          templates { id name title body }
        }
      }
    }
    flows(first: 100) { edges { node { id name key publishedVersion { id } } } }
  }
`);
const CreateType = graphql(`
  mutation DesignerCreateDocumentType($input: CreateDocumentTypeInput!) {
    createDocumentType(input: $input) { documentType { id } errors { code message field } }
  }
`);
const UpdateType = graphql(`
  mutation DesignerUpdateDocumentType($input: UpdateDocumentTypeInput!) {
    updateDocumentType(input: $input) { documentType { id } errors { code message field } }
  }
`);
const CreateTemplate = graphql(`
  mutation DesignerCreateDocumentTemplate($input: CreateDocumentTemplateInput!) {
    createDocumentTemplate(input: $input) { documentTemplate { id } errors { code message field } }
  }
`);

const KINDS = ["DISPATCH", "RECEIPT", "REQUEST", "OTHER"] as const;
type Kind = (typeof KINDS)[number];
type Problem = { message: string; field?: readonly string[] | null };
type Draft = { code: string; name: string; kind: Kind; flowId: string; numberPattern: string; seqWidth: number; active: boolean };
const EMPTY: Draft = { code: "", name: "", kind: "DISPATCH", flowId: "", numberPattern: "", seqWidth: 0, active: true };

/** The input field a server error names (`["input", "numberPattern"]`). */
export function inputOfError(path: readonly string[] | null | undefined): string | null {
  return path && path[0] === "input" && path.length > 1 ? path[1] : null;
}

/** A number as the server makes it (services/documents/numbers.py), for the preview. */
export function formatNumber(pattern: string, year: number, seq: number, width: number): string {
  return pattern.replace("{year}", String(year)).replace("{seq}", String(seq).padStart(width, "0"));
}

const problemsOf = (r: { error?: Error; data?: any }): Problem[] =>
  r.error ? [{ message: r.error.message }] : (Object.values(r.data ?? {})[0] as { errors: Problem[] }).errors;

/** 公文种类: list, create and edit document types (flow, number pattern with a preview) and
 * add templates; each server error is shown at the field it names. */
export default function DocumentTypesPage() {
  const { t } = useTranslation();
  const [{ data }, refetch] = useQuery({ query: TypesQuery, requestPolicy: "cache-and-network" });
  const [, createType] = useMutation(CreateType);
  const [, updateType] = useMutation(UpdateType);
  const [editing, setEditing] = useState<string | null>(null);
  const types = data?.documentTypes.edges.map((e) => e.node) ?? [];
  const flows = (data?.flows.edges.map((e) => e.node) ?? []).filter((f) => f.publishedVersion);
  const current = types.find((ty) => ty.id === editing);

  async function save(draft: Draft): Promise<Problem[]> {
    const result = current
      ? await updateType({ input: { id: current.id, name: draft.name, flowId: draft.flowId, numberPattern: draft.numberPattern, seqWidth: draft.seqWidth, active: draft.active } })
      : await createType({ input: { code: draft.code, name: draft.name, kind: draft.kind, flowId: draft.flowId, numberPattern: draft.numberPattern, seqWidth: draft.seqWidth } });
    const found = problemsOf(result);
    if (!found.length) {
      refetch({ requestPolicy: "network-only" });
      setEditing(null);
    }
    return found;
  }
  return (
    <section data-testid="document-types">
      <h1>{t("docTypes.title")}</h1>
      {types.length === 0 ? (
        <p>{t("docTypes.none")}</p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">{t("docTypes.code")}</th><th scope="col">{t("docTypes.name")}</th><th scope="col">{t("docTypes.kind")}</th>
              <th scope="col">{t("docTypes.flow")}</th><th scope="col">{t("docTypes.pattern")}</th><th scope="col">{t("docTypes.active")}</th>
              <th scope="col">{t("docTypes.templates")}</th><th scope="col"><span className="sr-only">{t("docTypes.edit")}</span></th>
            </tr>
          </thead>
          <tbody>
            {types.map((ty) => (
              <tr key={ty.id} data-type={ty.code}>
                <td>{ty.code}</td><td>{ty.name}</td><td>{t(`docTypes.kinds.${ty.kind}`)}</td><td>{ty.flow?.name ?? "—"}</td>
                <td>{ty.numberPattern}</td><td>{ty.active ? "✓" : "—"}</td><td>{ty.templates.map((tpl) => tpl.name).join("、")}</td>
                <td><button onClick={() => setEditing(ty.id)} aria-label={`${t("docTypes.edit")} ${ty.name}`}>{t("docTypes.edit")}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="doc-types">
        <TypeForm
          key={editing ?? "new"}
          initial={current ? { ...current, flowId: current.flow?.id ?? "" } : EMPTY}
          isNew={!current}
          flows={flows}
          onSave={save}
          onCancel={() => setEditing(null)}
        />
        {current && <Templates key={current.id} typeId={current.id} onAdded={() => refetch({ requestPolicy: "network-only" })} />}
      </div>
    </section>
  );
}

function TypeForm({ initial, isNew, flows, onSave, onCancel }: {
  initial: Draft;
  isNew: boolean;
  flows: { id: string; name: string; key: string }[];
  onSave: (d: Draft) => Promise<Problem[]>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [d, setD] = useState<Draft>(initial);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saved, setSaved] = useState(false);
  const set = (patch: Partial<Draft>) => { setD({ ...d, ...patch }); setSaved(false); };
  const at = (field: string) => problems.filter((p) => inputOfError(p.field) === field).map((p) => (
    <span key={p.message} role="alert" className="problems" data-field-error={field}>{p.message}</span>
  ));
  const known = ["code", "name", "kind", "flowId", "numberPattern", "seqWidth", "active"];
  const general = problems.filter((p) => !known.includes(inputOfError(p.field) ?? ""));
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const found = await onSave(d);
    setProblems(found);
    setSaved(!found.length);
  }
  return (
    <form className="card" onSubmit={submit} aria-label={isNew ? t("docTypes.create") : `${t("docTypes.edit")} ${initial.name}`}>
      <h2>{isNew ? t("docTypes.create") : `${t("docTypes.edit")} ${initial.name}`}</h2>
      <label>{t("docTypes.code")}<input name="code" required disabled={!isNew} value={d.code} onChange={(e) => set({ code: e.target.value })} />{at("code")}</label>
      <label>{t("docTypes.name")}<input name="name" required value={d.name} onChange={(e) => set({ name: e.target.value })} />{at("name")}</label>
      <label>
        {t("docTypes.kind")}
        <select name="kind" disabled={!isNew} value={d.kind} onChange={(e) => set({ kind: e.target.value as Kind })}>
          {KINDS.map((k) => (<option key={k} value={k}>{t(`docTypes.kinds.${k}`)}</option>))}
        </select>
        {at("kind")}
      </label>
      <label>
        {t("docTypes.flow")}
        <select name="flowId" required value={d.flowId} onChange={(e) => set({ flowId: e.target.value })}>
          <option value="">—</option>
          {flows.map((f) => (<option key={f.id} value={f.id}>{f.name} ({f.key})</option>))}
        </select>
        {at("flowId")}
      </label>
      <label>
        {t("docTypes.pattern")}
        <input name="numberPattern" value={d.numberPattern} aria-describedby="pattern-help" onChange={(e) => set({ numberPattern: e.target.value })} />
        <small id="pattern-help">{t("docTypes.patternHelp")}</small>
        {at("numberPattern")}
      </label>
      <label>{t("docTypes.seqWidth")}<input name="seqWidth" type="number" min={0} max={12} value={d.seqWidth} onChange={(e) => set({ seqWidth: Number(e.target.value) || 0 })} />{at("seqWidth")}</label>
      {d.numberPattern.includes("{seq}") && (
        <p data-testid="number-preview">{t("docTypes.preview", { number: formatNumber(d.numberPattern, new Date().getFullYear(), 1, d.seqWidth) })}</p>
      )}
      {!isNew && (
        <label className="inline"><input type="checkbox" checked={d.active} onChange={(e) => set({ active: e.target.checked })} />{t("docTypes.active")}</label>
      )}
      {general.map((p) => (<p key={p.message} role="alert" className="problems">{p.message}</p>))}
      <div className="buttons">
        <button type="submit" className="primary">{isNew ? t("docTypes.create") : t("docTypes.save")}</button>
        {!isNew && <button type="button" onClick={onCancel}>{t("docTypes.cancel")}</button>}
        {saved && <span role="status">{t("docTypes.saved")}</span>}
      </div>
    </form>
  );
}

function Templates({ typeId, onAdded }: { typeId: string; onAdded: () => void }) {
  const { t } = useTranslation();
  const [, create] = useMutation(CreateTemplate);
  const [name, setName] = useState("");
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [problems, setProblems] = useState<Problem[]>([]);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const found = problemsOf(await create({ input: { documentTypeId: typeId, name, title, body } }));
    setProblems(found);
    if (!found.length) {
      setName(""); setTitle(""); setBody("");
      onAdded();
    }
  }
  const at = (field: string) => problems.filter((p) => inputOfError(p.field) === field).map((p) => (
    <span key={p.message} role="alert" className="problems" data-field-error={field}>{p.message}</span>
  ));
  const general = problems.filter((p) => !["name", "title", "body"].includes(inputOfError(p.field) ?? ""));
  return (
    <form className="card" onSubmit={submit} aria-label={t("docTypes.addTemplate")}>
      <h2>{t("docTypes.addTemplate")}</h2>
      <label>{t("docTypes.templateName")}<input required value={name} onChange={(e) => setName(e.target.value)} />{at("name")}</label>
      <label>{t("docTypes.templateTitle")}<input value={title} onChange={(e) => setTitle(e.target.value)} />{at("title")}</label>
      <label>{t("docTypes.templateBody")}<textarea rows={4} value={body} onChange={(e) => setBody(e.target.value)} />{at("body")}</label>
      {general.map((p) => (<p key={p.message} role="alert" className="problems">{p.message}</p>))}
      <button type="submit">{t("docTypes.addTemplate")}</button>
    </form>
  );
}
