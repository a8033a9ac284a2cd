import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  COUNTERSIGN_MODES,
  DEADLINE_UNITS,
  RULE_KINDS,
  TIMEOUT_ACTIONS,
  readFlow,
  readTask,
  type FlowSettings,
  type Rule,
  type RuleKind,
  type TaskSettings,
} from "./settings";
import { applyFlags, applyFlow, applyTask, type Modeler } from "./modeler";

type Shape = { id: string; type: string; businessObject: any; attachers?: { businessObject: any }[] };
export type Problem = { message: string; field?: readonly string[] | null };
type Edit = (apply: () => void) => void;
/** Node options the server reads from `oc:` attributes, with its defaults. */
const FLAGS = { allowReturn: true, allowDelegate: true, allowAddSigner: true, allocateNumber: false, archives: false } as const;
type Flag = keyof typeof FLAGS;

const TASKS = ["bpmn:UserTask", "bpmn:Task"];
const num = (v: string): number | undefined => (v.trim() === "" || Number.isNaN(Number(v)) ? undefined : Number(v));

/** Officecloud's settings of the selected element: a task's assignee rule, pool, countersign
 * and deadline; a sequence flow's CEL condition and whether it is its gateway's default. Every
 * change goes straight into the diagram through bpmn-js's command stack (undo works). */
export function PropertiesPanel({
  modeler,
  element,
  problems,
  fields,
  roles,
}: {
  modeler: Modeler;
  element: Shape | null;
  problems: Problem[];
  fields: string[];
  roles: { code: string; name: string }[];
}) {
  const { t } = useTranslation();
  const own = useRef(false);
  const [revision, setRevision] = useState(0);
  useEffect(() => {
    const bus = modeler.get("eventBus");
    const changed = () => { if (!own.current) setRevision((r) => r + 1); };
    bus.on("commandStack.changed", changed);
    return () => bus.off("commandStack.changed", changed);
  }, [modeler]);
  /** A change of the panel's own: the panel keeps its inputs (and focus); any other change
   * (undo, redo, the canvas) rereads the element. */
  const edit = (apply: () => void) => {
    own.current = true;
    try { apply(); } finally { own.current = false; }
  };
  if (!element) return <aside className="oc-panel card" aria-label={t("flowPanel.title")}><p>{t("flowPanel.pick")}</p></aside>;
  const bo = element.businessObject;
  return (
    <aside className="oc-panel card" aria-label={t("flowPanel.title")} data-testid="oc-panel" data-element={element.id}>
      <h2>{bo.name ? `${bo.name} (${element.id})` : element.id}</h2>
      {problems.map((p) => (<p key={p.message} role="alert" className="problems">{p.message}</p>))}
      {TASKS.includes(element.type) && <TaskFields key={`${element.id}:${revision}`} modeler={modeler} edit={edit} element={element} fields={fields} roles={roles} />}
      {element.type === "bpmn:SequenceFlow" && <FlowFields key={`${element.id}:${revision}`} modeler={modeler} edit={edit} element={element} fields={fields} />}
      {!TASKS.includes(element.type) && element.type !== "bpmn:SequenceFlow" && <p>{t("flowPanel.nothing")}</p>}
    </aside>
  );
}

function TaskFields({ modeler, edit, element, fields, roles }: { modeler: Modeler; edit: Edit; element: Shape; fields: string[]; roles: { code: string; name: string }[] }) {
  const { t } = useTranslation();
  const attached = () => (element.attachers ?? []).map((a) => a.businessObject);
  const [s, setS] = useState<TaskSettings>(() => readTask(element.businessObject, attached()));
  const change = (patch: Partial<TaskSettings>) => {
    const next = { ...s, ...patch };
    setS(next);
    edit(() => applyTask(modeler, element, next));
  };
  const [flags, setFlags] = useState(() =>
    Object.fromEntries((Object.keys(FLAGS) as Flag[]).map((f) => [f, element.businessObject.get(`oc:${f}`) ?? FLAGS[f]])) as Record<Flag, boolean>,
  );
  const setFlag = (flag: Flag, value: boolean) => {
    setFlags({ ...flags, [flag]: value });
    edit(() => applyFlags(modeler, element, { [`oc:${flag}`]: value }));
  };
  const rule = s.assignee;
  const setRule = (patch: Partial<Rule>) => change({ assignee: { ...(rule ?? { kind: "role" }), ...patch } as Rule });
  const cs = s.countersign;
  const dl = s.deadline;
  return (
    <>
      <fieldset>
        <legend>{t("flowPanel.assignee")}</legend>
        <label>
          {t("flowPanel.ruleKind")}
          <select
            value={rule?.kind ?? ""}
            onChange={(e) => change({ assignee: e.target.value ? { kind: e.target.value as RuleKind } : null })}
          >
            <option value="">—</option>
            {RULE_KINDS.map((k) => (<option key={k} value={k}>{t(`flowPanel.kind.${k}`)}</option>))}
          </select>
        </label>
        {rule?.kind === "users" && (
          <label>
            {t("flowPanel.users")}
            <input value={(rule.ids ?? []).join(", ")} onChange={(e) => setRule({ ids: e.target.value.split(/[,，\s]+/).filter(Boolean) })} />
          </label>
        )}
        {rule?.kind === "role" && (
          <label>
            {t("flowPanel.role")}
            <select value={rule.roleCode ?? ""} onChange={(e) => setRule({ roleCode: e.target.value })}>
              <option value="">—</option>
              {roles.some((r) => r.code === rule.roleCode) || !rule.roleCode ? null : <option value={rule.roleCode}>{rule.roleCode}</option>}
              {roles.map((r) => (<option key={r.code} value={r.code}>{r.name} ({r.code})</option>))}
            </select>
          </label>
        )}
        {rule?.kind === "org_unit_leader" && (
          <label>{t("flowPanel.orgUnit")}<input value={rule.orgUnitId ?? ""} onChange={(e) => setRule({ orgUnitId: e.target.value })} /></label>
        )}
        {rule?.kind === "initiator_leader" && (
          <label>{t("flowPanel.levelsUp")}<input type="number" min={0} value={rule.levelsUp ?? 0} onChange={(e) => setRule({ levelsUp: num(e.target.value) ?? 0 })} /></label>
        )}
        {rule?.kind === "form_field" && (
          <label>
            {t("flowPanel.field")}
            <select value={rule.field ?? ""} onChange={(e) => setRule({ field: e.target.value })}>
              <option value="">—</option>
              {[...new Set([...(rule.field ? [rule.field] : []), ...fields])].map((f) => (<option key={f} value={f}>{f}</option>))}
            </select>
          </label>
        )}
        <label className="inline"><input type="checkbox" checked={s.pool} onChange={(e) => change({ pool: e.target.checked })} />{t("flowPanel.pool")}</label>
      </fieldset>
      <fieldset>
        <legend>
          <label className="inline">
            <input type="checkbox" checked={!!cs} onChange={(e) => change({ countersign: e.target.checked ? { mode: "all", order: "parallel" } : null })} />
            {t("flowPanel.countersign")}
          </label>
        </legend>
        {cs && (
          <>
            <label>
              {t("flowPanel.mode")}
              <select value={cs.mode} onChange={(e) => change({ countersign: { ...cs, mode: e.target.value as typeof cs.mode, share: e.target.value === "share" ? (cs.share ?? 0.5) : undefined } })}>
                {COUNTERSIGN_MODES.map((m) => (<option key={m} value={m}>{t(`flowPanel.modes.${m}`)}</option>))}
              </select>
            </label>
            {cs.mode === "share" && (
              <label>{t("flowPanel.share")}<input type="number" min={0.01} max={1} step={0.05} value={cs.share ?? ""} onChange={(e) => change({ countersign: { ...cs, share: num(e.target.value) } })} /></label>
            )}
            <label>
              {t("flowPanel.order")}
              <select value={cs.order} onChange={(e) => change({ countersign: { ...cs, order: e.target.value as typeof cs.order } })}>
                <option value="parallel">{t("flowPanel.parallel")}</option>
                <option value="sequential">{t("flowPanel.sequential")}</option>
              </select>
            </label>
          </>
        )}
      </fieldset>
      <fieldset>
        <legend>
          <label className="inline">
            <input type="checkbox" checked={!!dl} onChange={(e) => change({ deadline: e.target.checked ? { unit: "hours", amount: 24, onTimeout: "none" } : null })} />
            {t("flowPanel.deadline")}
          </label>
        </legend>
        {dl && (
          <>
            <div className="pair">
              <label>{t("flowPanel.amount")}<input type="number" min={0} value={dl.amount} onChange={(e) => change({ deadline: { ...dl, amount: num(e.target.value) ?? 0 } })} /></label>
              <label>
                {t("flowPanel.unit")}
                <select value={dl.unit} onChange={(e) => change({ deadline: { ...dl, unit: e.target.value as typeof dl.unit } })}>
                  {DEADLINE_UNITS.map((u) => (<option key={u} value={u}>{t(`flowPanel.units.${u}`)}</option>))}
                </select>
              </label>
            </div>
            <label>{t("flowPanel.remind")}<input type="number" min={0} value={dl.remindBeforeHours ?? ""} onChange={(e) => change({ deadline: { ...dl, remindBeforeHours: num(e.target.value) } })} /></label>
            <label>
              {t("flowPanel.onTimeout")}
              <select value={dl.onTimeout} onChange={(e) => change({ deadline: { ...dl, onTimeout: e.target.value as typeof dl.onTimeout } })}>
                {TIMEOUT_ACTIONS.map((a) => (<option key={a} value={a}>{t(`flowPanel.timeouts.${a}`)}</option>))}
              </select>
            </label>
          </>
        )}
      </fieldset>
      <fieldset>
        <legend>{t("flowPanel.options")}</legend>
        {(Object.keys(FLAGS) as Flag[]).map((flag) => (
          <label key={flag} className="inline">
            <input type="checkbox" checked={flags[flag]} onChange={(e) => setFlag(flag, e.target.checked)} />
            {t(`flowPanel.flags.${flag}`)}
          </label>
        ))}
      </fieldset>
    </>
  );
}

function FlowFields({ modeler, edit, element, fields }: { modeler: Modeler; edit: Edit; element: Shape; fields: string[] }) {
  const { t } = useTranslation();
  const [s, setS] = useState<FlowSettings>(() => readFlow(element.businessObject));
  const source = element.businessObject.sourceRef;
  const gateway = source?.$type === "bpmn:ExclusiveGateway";
  const change = (patch: Partial<FlowSettings>) => {
    const next = { ...s, ...patch };
    setS(next);
    edit(() => applyFlow(modeler, element, next));
  };
  if (!gateway && !s.condition) return <p>{t("flowPanel.noCondition")}</p>;
  return (
    <fieldset>
      <legend>{t("flowPanel.condition")}</legend>
      {gateway && (
        <label className="inline"><input type="checkbox" checked={s.isDefault} onChange={(e) => change({ isDefault: e.target.checked })} />{t("flowPanel.default")}</label>
      )}
      {!s.isDefault && (
        <label>
          {t("flowPanel.cel")}
          <textarea rows={3} spellCheck={false} value={s.condition} onChange={(e) => change({ condition: e.target.value })} />
        </label>
      )}
      <p className="hint">{t("flowPanel.celHelp", { fields: fields.map((f) => `form.${f}`).join(", ") || "—" })}</p>
    </fieldset>
  );
}
