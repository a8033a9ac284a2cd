import { useEffect, useRef, useState } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";

const FlowsQuery = graphql(`
  query DesignerFlows {
    flows(first: 100) {
      edges {
        node {
          id key name
          draft { id bpmnXml bpmnNotes }
          publishedVersion { id number bpmnXml }
        }
      }
    }
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

type Problem = { message: string; field?: readonly string[] | null };
type Modeler = {
  importXML(xml: string): Promise<unknown>;
  saveXML(o: { format: boolean }): Promise<{ xml?: string }>;
  get(name: string): any;
  destroy(): void;
};

/** The node a server error names: `[…, "nodes" | "transitions", id, …]`. */
export function elementOfError(path: readonly string[] | null | undefined): string | null {
  if (!path) return null;
  const at = path.findIndex((p) => p === "nodes" || p === "transitions");
  return at >= 0 && at + 1 < path.length ? path[at + 1] : null;
}

/** BPMN flow design on bpmn-js's modeler (loaded with this page only): the draft's BPMN is
 * edited, saved through `importBpmn`, published with each error marked on its node. */
export default function FlowDesignerPage() {
  const { t } = useTranslation();
  const [{ data }] = useQuery({ query: FlowsQuery, requestPolicy: "cache-and-network" });
  const [, importBpmn] = useMutation(ImportBpmn);
  const [, publish] = useMutation(PublishFlow);
  const [chosen, setChosen] = useState("");
  const [problems, setProblems] = useState<Problem[]>([]);
  const [notes, setNotes] = useState<string[]>([]);
  const [status, setStatus] = useState("");
  const holder = useRef<HTMLDivElement>(null);
  const modeler = useRef<Modeler | null>(null);
  const flows = data?.flows.edges.map((e) => e.node) ?? [];
  const flow = flows.find((f) => f.id === chosen);
  const xml = (flow?.draft ?? flow?.publishedVersion)?.bpmnXml;

  useEffect(() => {
    if (!xml || !holder.current) return;
    let cancelled = false;
    setStatus(t("designer.loadingModeler"));
    void (async () => {
      const [{ default: BpmnModeler }] = await Promise.all([
        import("bpmn-js/lib/Modeler"),
        import("bpmn-js/dist/assets/diagram-js.css"),
        import("bpmn-js/dist/assets/bpmn-js.css"),
        import("bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css"),
      ]);
      if (cancelled || !holder.current) return;
      modeler.current?.destroy();
      const m = new BpmnModeler({ container: holder.current }) as unknown as Modeler;
      modeler.current = m;
      await m.importXML(xml);
      m.get("canvas").zoom("fit-viewport");
      setStatus("");
    })();
    return () => {
      cancelled = true;
    };
  }, [xml, t]);
  useEffect(() => () => modeler.current?.destroy(), []);

  function mark(found: Problem[]) {
    setProblems(found);
    const canvas = modeler.current?.get("canvas");
    const registry = modeler.current?.get("elementRegistry");
    registry?.getAll().forEach((el: { id: string }) => canvas.removeMarker(el.id, "has-error"));
    for (const p of found) {
      const id = elementOfError(p.field);
      if (id && registry?.get(id)) canvas.addMarker(id, "has-error");
    }
  }
  async function save(): Promise<boolean> {
    if (!flow || !modeler.current) return false;
    const { xml: edited } = await modeler.current.saveXML({ format: true });
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
    setStatus(found.length ? "" : t("designer.saved"));
  }
  async function exportXml() {
    const { xml: edited } = (await modeler.current?.saveXML({ format: true })) ?? {};
    if (!edited) return;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([edited], { type: "application/xml" }));
    link.download = `${flow?.key ?? "flow"}.bpmn`;
    link.click();
  }
  async function importFile(file: File | undefined) {
    if (file && modeler.current) await modeler.current.importXML(await file.text());
  }
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
        {flow && (
          <div className="buttons">
            <button onClick={() => void save()}>{t("designer.save")}</button>
            <button className="primary" onClick={() => void publishFlow()}>{t("designer.publish")}</button>
            <button onClick={() => void exportXml()}>{t("designer.export")}</button>
            <label className="button">
              {t("designer.import")}
              <input type="file" accept=".bpmn,.xml" className="sr-only" onChange={(e) => void importFile(e.target.files?.[0])} />
            </label>
          </div>
        )}
        <span role="status">{status}</span>
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
      <div ref={holder} className="bpmn" data-testid="bpmn-canvas" hidden={!flow} />
    </section>
  );
}
