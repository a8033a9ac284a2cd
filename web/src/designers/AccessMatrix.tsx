import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Problem } from "./FormDesigner";

type Mode = "editable" | "readonly" | "hidden";
type Node = { id: string; name?: string; type: string; fieldAccess?: Record<string, Mode> };
type Definition = { nodes: Node[]; [k: string]: unknown };

/** 字段权限: for each task node of a flow that uses the form, each field editable, read-only
 * or hidden; saved into the flow's draft definition. */
export function AccessMatrix({
  flowName,
  fields,
  definition,
  onSave,
}: {
  flowName: string;
  fields: string[];
  definition: Definition | undefined;
  onSave: (definition: Definition) => Promise<Problem[]>;
}) {
  const { t } = useTranslation();
  const [nodes, setNodes] = useState<Node[]>(definition?.nodes ?? []);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const working = nodes.filter((n) => n.type === "task" || n.type === "countersign");
  if (!definition || !working.length) return null;
  const set = (nodeId: string, field: string, mode: Mode) =>
    setNodes(nodes.map((n) => (n.id === nodeId ? { ...n, fieldAccess: { ...(n.fieldAccess ?? {}), [field]: mode } } : n)));
  return (
    <section className="card matrix" aria-label={t("designer.access", { flow: flowName })}>
      <h2>{t("designer.access", { flow: flowName })}</h2>
      <table className="list">
        <thead>
          <tr>
            <th scope="col">{t("designer.node")}</th>
            {fields.map((f) => (<th key={f} scope="col">{f}</th>))}
          </tr>
        </thead>
        <tbody>
          {working.map((n) => (
            <tr key={n.id}>
              <th scope="row">{n.name || n.id}</th>
              {fields.map((f) => (
                <td key={f}>
                  <select
                    aria-label={`${n.name || n.id} · ${f}`}
                    value={n.fieldAccess?.[f] ?? "readonly"}
                    onChange={(e) => set(n.id, f, e.target.value as Mode)}
                  >
                    {(["editable", "readonly", "hidden"] as const).map((m) => (
                      <option key={m} value={m}>{t(`designer.mode.${m}`)}</option>
                    ))}
                  </select>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <button onClick={async () => setProblems(await onSave({ ...definition, nodes }))}>{t("designer.saveAccess")}</button>
      {problems?.length === 0 && <span role="status">{t("designer.saved")}</span>}
      {problems?.map((p) => (<p key={p.message} role="alert" className="problems">{p.message}</p>))}
    </section>
  );
}
