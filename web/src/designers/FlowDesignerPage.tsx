import { useEffect, useRef, useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import "./locales";
import "./designers.css";
import { createModeler, type Modeler } from "./flow/modeler";
import { PropertiesPanel, type Problem } from "./flow/PropertiesPanel";

const FlowsQuery = graphql(`
  query DesignerFlows {
    flows(first: 100) {
      edges {
        node {
          id key name
          form { id draft { id fields } publishedVersion { id fields } }
          draft { id bpmnXml bpmnNotes }
          publishedVersion { id number bpmnXml }
        }
      }
    }
    roles(first: 100) { edges { node { id code name } } }
    forms(first: 100) { edges { node { id key name } } }
  }
`);
const CreateFlow = graphql(`
  mutation DesignerCreateFlow($input: CreateFlowInput!) {
    createFlow(input: $input) { flow { id } errors { code message field } }
  }
`);
const ImportBpmn = graphql(`
  mutation DesignerImportBpmn($input: ImportBpmnInput!) {
    importBpmn(input: $input) { version { id bpmnXml bpmnNotes } errors { code message field } }
  }
`);
const PublishFlow = graphql(`
  mutation DesignerPublishFlow($input: PublishFlowInput!) {
    publishFlow(input: $input) { version { id number } errors { code message field } }
  }
`);

/** A new flow's first draft: a start joined to an end, to be drawn or imported over. */
const blank = (key: string, name: string) => ({
  id: key,
  name,
  nodes: [{ id: "start", type: "start", name: "开始" }, { id: "end", type: "end", name: "结束" }],
  transitions: [{ id: "t1", source: "start", target: "end" }],
});

/** The node a server error names: `[…, "nodes" | "transitions", id, …]`. */
export function elementOfError(path: readonly string[] | null | undefined): string | null {
  if (!path) return null;
  const at = path.findIndex((p) => p === "nodes" || p === "transitions");
  return at >= 0 && at + 1 < path.length ? path[at + 1] : null;
}

/** BPMN flow design on bpmn-js's modeler (loaded with this page only) with a panel for
 * Officecloud's `oc:` settings: the draft's BPMN is edited, saved through `importBpmn`,
 * published with each error marked on its node and shown in the panel.
 *
 * One modeler lives as long as the page; each BPMN to show is imported into it in turn, the
 * last one asked for last, and `data-shown` on the canvas names the flow once it is drawn. */
export default function FlowDesignerPage() {
  const { t } = useTranslation();
  const [{ data }, refetch] = useQuery({ query: FlowsQuery, requestPolicy: "cache-and-network" });
  const [, create] = useMutation(CreateFlow);
  const [draft, setDraft] = useState({ key: "", name: "", formId: "" });
  const [, importBpmn] = useMutation(ImportBpmn);
  const [, publish] = useMutation(PublishFlow);
  const [chosen, setChosen] = useState("");
  const [problems, setProblems] = useState<Problem[]>([]);
  const [notes, setNotes] = useState<string[]>([]);
  const [status, setStatus] = useState("");
  const [modeler, setModeler] = useState<Modeler | null>(null);
  const [selected, setSelected] = useState<any>(null);
  const [shown, setShown] = useState<string | null>(null);
  const holder = useRef<HTMLDivElement>(null);
  const imports = useRef<Promise<unknown>>(Promise.resolve());
  const flows = data?.flows.edges.map((e) => e.node) ?? [];
  const roles = data?.roles.edges.map((e) => e.node) ?? [];
  const forms = data?.forms.edges.map((e) => e.node) ?? [];
  const flow = flows.find((f) => f.id === chosen);
  const xml = (flow?.draft ?? flow?.publishedVersion)?.bpmnXml;
  const formVersion = flow?.form?.draft ?? flow?.form?.publishedVersion;

  useEffect(() => {
    let alive = true;
    let made: Modeler | null = null;
    void createModeler(holder.current!).then((m) => {
      if (!alive) return m.destroy();
      made = m;
      m.on("selection.changed", (e: { newSelection: any[] }) => {
        const [one] = e.newSelection;
        setSelected(e.newSelection.length === 1 ? (one.labelTarget ?? one) : null);
      });
      m.on("import.done", () => setSelected(null));
      setModeler(m);
    });
    return () => {
      alive = false;
      made?.destroy();
    };
  }, []);

  /** Import `text` after any import under way, so the last one asked for is the one shown. */
  function show(text: string, key: string): Promise<unknown> {
    const m = modeler!;
    const done = imports.current.then(async () => {
      await m.importXML(text);
      const canvas = m.get("canvas");
      canvas.resized();
      canvas.zoom("fit-viewport");
      setShown(key);
    });
    imports.current = done.catch(() => undefined);
    return done;
  }

  useEffect(() => {
    if (!modeler || !xml || !flow) return;
    setStatus("");
    show(xml, flow.id).catch((e: Error) => setStatus(`${t("flowPanel.importFailed")}: ${e.message}`));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [modeler, xml]);

  function mark(found: Problem[]) {
    setProblems(found);
    if (!modeler) return;
    const canvas = modeler.get("canvas");
    const registry = modeler.get("elementRegistry");
    registry.getAll().forEach((el: { id: string }) => canvas.removeMarker(el.id, "has-error"));
    for (const p of found) {
      const id = elementOfError(p.field);
      if (id && registry.get(id)) canvas.addMarker(id, "has-error");
    }
    const first = found.map((p) => elementOfError(p.field)).find((id) => id && registry.get(id));
    if (first) modeler.get("selection").select(registry.get(first));
  }
  async function save(): Promise<boolean> {
    if (!flow || !modeler) return false;
    const { xml: edited } = await modeler.saveXML({ format: true });
    const result = await importBpmn({ input: { id: flow.id, xml: edited ?? "" } });
    const payload = result.data?.importBpmn;
    const found = result.error ? [{ message: result.error.message }] : (payload?.errors ?? []);
    mark(found);
    setNotes(payload?.version?.bpmnNotes ?? []);
    setStatus(found.length ? "" : t("designer.saved"));
    return found.length === 0;
  }
  async function publishFlow() {
    if (!flow || !(await save())) return;
    const result = await publish({ input: { id: flow.id } });
    const found = result.error ? [{ message: result.error.message }] : (result.data?.publishFlow.errors ?? []);
    mark(found);
    setStatus(found.length ? "" : t("flowPanel.published", { number: result.data?.publishFlow.version?.number }));
  }
  async function createFlow(e: React.FormEvent) {
    e.preventDefault();
    const result = await create({ input: { ...draft, definition: blank(draft.key, draft.name) } });
    const found = result.error ? [{ message: result.error.message }] : (result.data?.createFlow.errors ?? []);
    mark(found);
    const made = result.data?.createFlow.flow;
    if (!found.length && made) {
      refetch({ requestPolicy: "network-only" });
      setChosen(made.id);
    }
  }
  async function exportXml() {
    const { xml: edited } = (await modeler?.saveXML({ format: true })) ?? {};
    if (!edited) return;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([edited], { type: "application/xml" }));
    link.download = `${flow?.key ?? "flow"}.bpmn`;
    link.click();
  }
  async function importFile(file: File | undefined) {
    if (!file || !flow || !modeler) return;
    await show(await file.text(), flow.id).catch((e: Error) => setStatus(`${t("flowPanel.importFailed")}: ${e.message}`));
  }
  const ready = !!flow && shown === flow.id;
  const selectedProblems = selected ? problems.filter((p) => elementOfError(p.field) === selected.id) : [];
  return (
    <section data-testid="flow-designer">
      <h1>{t("nav.flows")}</h1>
      <div className="toolbar">
        <label>
          {t("designer.flow")}
          <select data-testid="pick" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            <option value="">—</option>
            {flows.map((f) => (<option key={f.id} value={f.id}>{f.name} ({f.key})</option>))}
          </select>
        </label>
        <form onSubmit={createFlow} className="inline-form" data-testid="new-flow">
          <label>{t("flowPanel.newKey")}<input required value={draft.key} onChange={(e) => setDraft({ ...draft, key: e.target.value })} /></label>
          <label>{t("flowPanel.newName")}<input required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} /></label>
          <label>
            {t("flowPanel.newForm")}
            <select required value={draft.formId} onChange={(e) => setDraft({ ...draft, formId: e.target.value })}>
              <option value="">—</option>
              {forms.map((f) => (<option key={f.id} value={f.id}>{f.name} ({f.key})</option>))}
            </select>
          </label>
          <button type="submit">{t("flowPanel.create")}</button>
        </form>
        {flow && (
          <div className="buttons">
            <button disabled={!ready} onClick={() => void save()}>{t("designer.save")}</button>
            <button disabled={!ready} className="primary" onClick={() => void publishFlow()}>{t("designer.publish")}</button>
            <button disabled={!ready} onClick={() => void exportXml()}>{t("designer.export")}</button>
            <label className="button">
              {t("designer.import")}
              <input type="file" accept=".bpmn,.xml" className="sr-only" onChange={(e) => void importFile(e.target.files?.[0])} />
            </label>
          </div>
        )}
        <span role="status">{flow && !ready && !status ? t("designer.loadingModeler") : status}</span>
      </div>
      {problems.map((p) => (
        <p key={p.message} role="alert" className="problems" data-element={elementOfError(p.field) ?? ""}>
          {elementOfError(p.field) ? `${elementOfError(p.field)}: ` : ""}{p.message}
        </p>
      ))}
      {notes.length > 0 && (
        <details open>
          <summary>{t("designer.notes")}</summary>
          <ul>{notes.map((n) => (<li key={n}>{n}</li>))}</ul>
        </details>
      )}
      <div className="flow-designer" hidden={!flow}>
        <div ref={holder} className="bpmn" data-testid="bpmn-canvas" data-shown={ready ? flow.id : ""} />
        {modeler && ready && (
          <PropertiesPanel
            modeler={modeler}
            element={selected}
            problems={selectedProblems}
            fields={formVersion?.fields ?? []}
            roles={roles}
          />
        )}
      </div>
    </section>
  );
}
