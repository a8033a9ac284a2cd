/** Officecloud's `oc:` settings of a BPMN element, read from and written to bpmn-moddle objects
 * (the business objects behind bpmn-js's shapes), so the properties panel edits exactly what the
 * server imports (workflow/bpmn, docs/flows.md). Pure over moddle objects: the page applies the
 * changes through bpmn-js's `modeling` (undoable), the tests through plain `set`. */

// bpmn-moddle's objects are untyped; these aliases say what is expected where.
type BO = any;
type Moddle = { create(type: string, attrs?: Record<string, unknown>): BO };

export const RULE_KINDS = [
  "users",
  "role",
  "org_unit_leader",
  "initiator_leader",
  "previous_handler",
  "form_field",
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export type Rule = {
  kind: RuleKind;
  ids?: string[];
  roleCode?: string;
  orgUnitId?: string;
  levelsUp?: number;
  field?: string;
};

export const COUNTERSIGN_MODES = ["all", "any", "share"] as const;
export type Countersign = {
  mode: (typeof COUNTERSIGN_MODES)[number];
  share?: number;
  order: "parallel" | "sequential";
};

export const DEADLINE_UNITS = ["hours", "workingHours", "workingDays"] as const;
export const TIMEOUT_ACTIONS = ["none", "approve", "reject", "escalate"] as const;
export type Deadline = {
  unit: (typeof DEADLINE_UNITS)[number];
  amount: number;
  remindBeforeHours?: number;
  onTimeout: (typeof TIMEOUT_ACTIONS)[number];
};

export type TaskSettings = {
  assignee: Rule | null;
  pool: boolean;
  countersign: Countersign | null;
  deadline: Deadline | null;
};

export type FlowSettings = { condition: string; isDefault: boolean };

const CAMUNDA_ASSIGNEE = ["camunda:assignee", "camunda:candidateUsers", "camunda:candidateGroups"];
const MULTI = "bpmn:MultiInstanceLoopCharacteristics";

const extensions = (bo: BO): BO[] => bo.extensionElements?.values ?? [];
const extension = (bo: BO, type: string): BO | undefined => extensions(bo).find((e) => e.$type === type);
const list = (text: string | undefined): string[] =>
  (text ?? "").split(",").map((s) => s.trim()).filter(Boolean);

/** An ISO 8601 duration of days, hours, minutes and seconds in hours (as the server reads
 * timer boundary events); undefined for anything else. */
export function hoursOf(text: string): number | undefined {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    text.trim(),
  );
  if (!m || !m.slice(1).some(Boolean)) return undefined;
  const [d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0));
  return Math.round((d * 24 + h + min / 60 + s / 3600) * 1e9) / 1e9;
}

export function readRule(el: BO | undefined): Rule | null {
  if (!el?.kind) return null;
  const kind = el.kind as RuleKind;
  switch (kind) {
    case "users":
      return { kind, ids: (el.users ?? []).map((u: BO) => u.id).filter(Boolean) };
    case "role":
      return { kind, roleCode: el.roleCode ?? "" };
    case "org_unit_leader":
      return { kind, orgUnitId: el.orgUnitId ?? "" };
    case "initiator_leader":
      return { kind, levelsUp: el.levelsUp ?? 0 };
    case "form_field":
      return { kind, field: el.field ?? "" };
    default:
      return { kind };
  }
}

function ruleElement(moddle: Moddle, type: string, rule: Rule): BO {
  const attrs: Record<string, unknown> = { kind: rule.kind };
  if (rule.kind === "users") attrs.users = (rule.ids ?? []).map((id) => moddle.create("oc:User", { id }));
  if (rule.kind === "role") attrs.roleCode = rule.roleCode ?? "";
  if (rule.kind === "org_unit_leader") attrs.orgUnitId = rule.orgUnitId ?? "";
  if (rule.kind === "initiator_leader") attrs.levelsUp = rule.levelsUp ?? 0;
  if (rule.kind === "form_field") attrs.field = rule.field ?? "";
  return moddle.create(type, attrs);
}

/** The assignee as the server reads it: `oc:assignee`, else Camunda's attributes (and
 * whether those make the task a pool). */
function readAssignee(bo: BO): { rule: Rule | null; pool: boolean } {
  const own = readRule(extension(bo, "oc:Assignee"));
  if (own) return { rule: own, pool: false };
  const attrs = bo.$attrs ?? {};
  const assignee = attrs["camunda:assignee"];
  const users = list(attrs["camunda:candidateUsers"]);
  const groups = list(attrs["camunda:candidateGroups"]);
  if (assignee && !/^[$#]/.test(assignee)) return { rule: { kind: "users", ids: [assignee] }, pool: false };
  if (users.length) return { rule: { kind: "users", ids: users }, pool: true };
  if (groups.length === 1) return { rule: { kind: "role", roleCode: groups[0] }, pool: true };
  return { rule: null, pool: false };
}

function readCountersign(bo: BO): Countersign | null {
  const loop = bo.loopCharacteristics;
  if (loop?.$type !== MULTI) return null;
  const order = loop.isSequential ? "sequential" : "parallel";
  const mode = bo.get("oc:countersignMode");
  if (mode) return { mode, order, ...(bo.get("oc:share") != null ? { share: bo.get("oc:share") } : {}) };
  const cond = (loop.completionCondition?.body ?? "").replace(/\s/g, "");
  const share = /^\$\{nrOfCompletedInstances\/nrOfInstances>=([0-9]*\.?[0-9]+)\}$/.exec(cond);
  if (share) return { mode: "share", share: Number(share[1]), order };
  if (/^\$\{nrOfCompletedInstances(>=|==)1\}$/.test(cond)) return { mode: "any", order };
  return { mode: "all", order };
}

const timerHours = (event: BO): number | undefined => {
  const body = event.eventDefinitions?.[0]?.timeDuration?.body;
  return body ? hoursOf(body) : undefined;
};

/** The timer boundary events attached to a task: its wall-clock deadline and reminder. */
export function timersOf(attached: BO[]): BO[] {
  return attached.filter(
    (e) => e.$type === "bpmn:BoundaryEvent" && e.eventDefinitions?.[0]?.$type === "bpmn:TimerEventDefinition",
  );
}

function readDeadline(bo: BO, attached: BO[]): Deadline | null {
  const timers = timersOf(attached);
  const main = timers.find((e) => e.get("oc:kind") !== "remind");
  const remind = timers.find((e) => e.get("oc:kind") === "remind");
  const hours = main && timerHours(main);
  if (hours !== undefined) {
    const after = remind && timerHours(remind);
    return {
      unit: "hours",
      amount: hours,
      onTimeout: main.get("oc:onTimeout") ?? "none",
      ...(after !== undefined ? { remindBeforeHours: Math.round((hours - after) * 1e9) / 1e9 } : {}),
    };
  }
  const own = extension(bo, "oc:Deadline");
  if (!own) return null;
  const unit = own.workingDays != null ? "workingDays" : own.workingHours != null ? "workingHours" : "hours";
  return {
    unit,
    amount: own[unit] ?? 0,
    onTimeout: own.onTimeout ?? "none",
    ...(own.remindBeforeHours != null ? { remindBeforeHours: own.remindBeforeHours } : {}),
  };
}

export function readTask(bo: BO, attached: BO[] = []): TaskSettings {
  const { rule, pool } = readAssignee(bo);
  const poolAttr = bo.get("oc:pool");
  return {
    assignee: rule,
    pool: poolAttr ?? pool,
    countersign: readCountersign(bo),
    deadline: readDeadline(bo, attached),
  };
}

export type TaskChanges = {
  /** For `modeling.updateProperties` on the task. */
  properties: Record<string, unknown>;
  /** Camunda attributes the `oc:assignee` replaces (kept in `$attrs`, outside the command stack). */
  dropAttrs: string[];
  /** Timer boundary events the `oc:deadline` replaces. */
  removeEvents: BO[];
};

/** What to change on `bo` so that the server reads `settings` from it. A deadline is written as
 * `oc:deadline` (the server exports a wall-clock one back as timer boundary events). */
export function taskChanges(moddle: Moddle, bo: BO, attached: BO[], settings: TaskSettings): TaskChanges {
  const timers = timersOf(attached);
  const oldDeadline = extension(bo, "oc:Deadline");
  const escalateTo =
    oldDeadline?.escalateTo ??
    timers.flatMap((t) => extensions(t)).find((e: BO) => e.$type === "oc:EscalateTo");
  const values = extensions(bo).filter((e) => e.$type !== "oc:Assignee" && e.$type !== "oc:Deadline");
  if (settings.assignee) values.unshift(ruleElement(moddle, "oc:Assignee", settings.assignee));
  const dl = settings.deadline;
  if (dl) {
    const attrs: Record<string, unknown> = { [dl.unit]: dl.amount };
    if (dl.remindBeforeHours !== undefined) attrs.remindBeforeHours = dl.remindBeforeHours;
    if (dl.onTimeout !== "none") attrs.onTimeout = dl.onTimeout;
    if (dl.onTimeout === "escalate" && escalateTo) attrs.escalateTo = escalateTo;
    values.push(moddle.create("oc:Deadline", attrs));
  }
  const properties: Record<string, unknown> = {
    extensionElements: values.length ? moddle.create("bpmn:ExtensionElements", { values }) : undefined,
    "oc:pool": settings.pool,
  };
  const cs = settings.countersign;
  if (cs) {
    const loop = bo.loopCharacteristics?.$type === MULTI ? bo.loopCharacteristics : undefined;
    properties.loopCharacteristics = moddle.create(MULTI, {
      isSequential: cs.order === "sequential",
      ...(loop?.loopCardinality ? { loopCardinality: loop.loopCardinality } : {}),
    });
    properties["oc:countersignMode"] = cs.mode;
    properties["oc:share"] = cs.mode === "share" ? cs.share : undefined;
  } else {
    if (bo.loopCharacteristics?.$type === MULTI) properties.loopCharacteristics = undefined;
    properties["oc:countersignMode"] = undefined;
    properties["oc:share"] = undefined;
  }
  return {
    properties,
    dropAttrs: settings.assignee ? CAMUNDA_ASSIGNEE.filter((a) => a in (bo.$attrs ?? {})) : [],
    removeEvents: timers,
  };
}

export function readFlow(bo: BO): FlowSettings {
  const source = bo.sourceRef;
  return {
    condition: bo.conditionExpression?.body ?? "",
    isDefault: !!source && source.default === bo,
  };
}

/** Changes to a sequence flow (its condition) and to its source gateway (its default). */
export function flowChanges(
  moddle: Moddle,
  bo: BO,
  settings: FlowSettings,
): { flow: Record<string, unknown>; gateway?: Record<string, unknown> } {
  const condition = settings.isDefault ? "" : settings.condition.trim();
  const flow = {
    conditionExpression: condition ? moddle.create("bpmn:FormalExpression", { body: condition }) : undefined,
  };
  const source = bo.sourceRef;
  if (!source || source.$type !== "bpmn:ExclusiveGateway") return { flow };
  const wasDefault = source.default === bo;
  if (settings.isDefault === wasDefault) return { flow };
  return { flow, gateway: { default: settings.isDefault ? bo : undefined } };
}

/** Apply changes with plain `set` (no command stack), as the tests and a file import do. */
export function applyTaskChanges(bo: BO, changes: TaskChanges, remove: (event: BO) => void): void {
  for (const [k, v] of Object.entries(changes.properties)) bo.set(k, v);
  for (const a of changes.dropAttrs) delete bo.$attrs[a];
  changes.removeEvents.forEach(remove);
}
