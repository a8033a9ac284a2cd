import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import { FormDesigner, type Problem } from "./FormDesigner";
import { AccessMatrix } from "./AccessMatrix";

const FormsQuery = graphql(`
  query DesignerForms {
    forms(first: 100) {
      edges {
        node {
          id key name
          draft { id jsonSchema uiSchema }
          publishedVersion { id number jsonSchema uiSchema }
        }
      }
    }
    flows(first: 100) {
      edges { node { id name form { id } draft { id definition } publishedVersion { id definition } } }
    }
  }
`);
const CreateForm = graphql(`
  mutation DesignerCreateForm($input: CreateFormInput!) {
    createForm(input: $input) { form { id } errors { code message field } }
  }
`);
const SaveForm = graphql(`
  mutation DesignerSaveForm($input: UpdateFormDraftInput!) {
    updateFormDraft(input: $input) { form { id } errors { code message field } }
  }
`);
const PublishForm = graphql(`
  mutation DesignerPublishForm($input: PublishFormInput!) {
    publishForm(input: $input) { version { id number } errors { code message field } }
  }
`);
const SaveFlow = graphql(`
  mutation DesignerSaveFlowAccess($input: UpdateFlowDraftInput!) {
    updateFlowDraft(input: $input) { flow { id } errors { code message field } }
  }
`);

type Outcome = { data?: any; error?: Error };
const problemsOf = (r: Outcome): Problem[] =>
  r.error ? [{ message: r.error.message }] : (Object.values(r.data ?? {})[0] as { errors: Problem[] }).errors;

export default function FormDesignerPage() {
  const { t } = useTranslation();
  const [{ data }, refetch] = useQuery({ query: FormsQuery, requestPolicy: "cache-and-network" });
  const [, create] = useMutation(CreateForm);
  const [, save] = useMutation(SaveForm);
  const [, publish] = useMutation(PublishForm);
  const [, saveFlow] = useMutation(SaveFlow);
  const [chosen, setChosen] = useState("");
  const [name, setName] = useState("");
  const [key, setKey] = useState("");
  const [problems, setProblems] = useState<Problem[]>([]);
  const forms = data?.forms.edges.map((e) => e.node) ?? [];
  const form = forms.find((f) => f.id === chosen);
  const version = form?.draft ?? form?.publishedVersion;
  const flows = (data?.flows.edges.map((e) => e.node) ?? []).filter((f) => f.form?.id === chosen);

  async function createForm(e: React.FormEvent) {
    e.preventDefault();
    const result = await create({ input: { key, name, jsonSchema: { type: "object", properties: {} } } });
    const found = problemsOf(result);
    setProblems(found);
    if (!found.length && result.data?.createForm.form) {
      refetch({ requestPolicy: "network-only" });
      setChosen(result.data.createForm.form.id);
    }
  }
  return (
    <section>
      <h1>{t("nav.forms")}</h1>
      <div className="toolbar">
        <label>
          {t("designer.form")}
          <select data-testid="pick" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            <option value="">—</option>
            {forms.map((f) => (<option key={f.id} value={f.id}>{f.name} ({f.key})</option>))}
          </select>
        </label>
        <form onSubmit={createForm} className="inline-form">
          <label>{t("designer.newKey")}<input required value={key} onChange={(e) => setKey(e.target.value)} /></label>
          <label>{t("designer.newName")}<input required value={name} onChange={(e) => setName(e.target.value)} /></label>
          <button type="submit">{t("designer.create")}</button>
        </form>
      </div>
      {problems.map((p) => (<p key={p.message} role="alert" className="problems">{p.message}</p>))}
      {form && version && (
        <FormDesigner
          key={form.id + version.id}
          initial={{ jsonSchema: version.jsonSchema, uiSchema: version.uiSchema }}
          onSave={async (s) => problemsOf(await save({ input: { id: form.id, ...s } }))}
          onPublish={async (s) => {
            const saved = problemsOf(await save({ input: { id: form.id, ...s } }));
            return saved.length ? saved : problemsOf(await publish({ input: { id: form.id } }));
          }}
        />
      )}
      {form && version && flows.map((flow) => (
        <AccessMatrix
          key={flow.id}
          flowName={flow.name}
          fields={Object.keys(version.jsonSchema?.properties ?? {})}
          definition={(flow.draft ?? flow.publishedVersion)?.definition}
          onSave={async (definition) => problemsOf(await saveFlow({ input: { id: flow.id, definition } }))}
        />
      ))}
    </section>
  );
}
