import { describe, expect, it } from "vitest";
import { BpmnModdle } from "bpmn-moddle";
import oc from "./oc.json";
// The server's export (workflow/bpmn) of a flow using every oc: extension the panel edits.
import FIXTURE from "./fixtures/purchase.bpmn?raw";
import {
  applyTaskChanges,
  flowChanges,
  hoursOf,
  readFlow,
  readTask,
  taskChanges,
  timersOf,
  type TaskSettings,
} from "./settings";

const moddle = () => new BpmnModdle({ oc });
async function load(xml: string) {
  const m = moddle();
  const { rootElement } = await m.fromXML(xml);
  const process = rootElement.rootElements.find((e: any) => e.$type === "bpmn:Process");
  const byId = (id: string) => process.flowElements.find((e: any) => e.id === id);
  const attached = (id: string) => process.flowElements.filter((e: any) => e.attachedToRef?.id === id);
  return { m, rootElement, process, byId, attached };
}
async function save(rootElement: any): Promise<string> {
  return (await moddle().toXML(rootElement, { format: true })).xml;
}

/** What the server reads from a process, as plain data: every element with its type, name,
 * oc: attributes, extension elements, loop, condition, default and timers. */
function semantics(process: any): unknown {
  const plain = (el: any): unknown => {
    if (el === null || typeof el !== "object") return el;
    if (Array.isArray(el)) return el.map(plain);
    const out: Record<string, unknown> = { $type: el.$type };
    for (const p of el.$descriptor.properties) {
      if (["di", "incoming", "outgoing", "lanes", "categoryValueRef"].includes(p.name)) continue;
      const v = el.get(p.ns.name);
      if (v === undefined || (Array.isArray(v) && !v.length)) continue;
      out[p.ns.name] = p.isReference ? (Array.isArray(v) ? v.map((r: any) => r.id) : v.id) : plain(v);
    }
    for (const [k, v] of Object.entries(el.$attrs ?? {})) if (!k.startsWith("xmlns") && k !== "xsi:type") out[`@${k}`] = v;
    return out;
  };
  return process.flowElements.map(plain).sort((a: any, b: any) => (a["bpmn:id"] < b["bpmn:id"] ? -1 : 1));
}

describe("Officecloud's BPMN extensions in bpmn-moddle", () => {
  it("import then export keeps every oc: extension, condition and timer", async () => {
    const first = await load(FIXTURE);
    const again = await load(await save(first.rootElement));
    expect(semantics(again.process)).toEqual(semantics(first.process));
    const xml = await save(again.rootElement);
    for (const kept of ['oc:fieldAccess', 'access="hidden"', "<oc:cc", 'oc:kind="remind"', 'oc:onTimeout="escalate"', 'oc:allocateNumber="true"', "<oc:escalateTo", "form.amount &gt; 10000"]) {
      expect(xml).toContain(kept);
    }
  });

  it("reads each task's assignee rule, pool, countersign and deadline as the server does", async () => {
    const { byId, attached } = await load(FIXTURE);
    const task = (id: string) => readTask(byId(id), attached(id));
    expect(task("review")).toEqual({
      assignee: { kind: "role", roleCode: "office_director" },
      pool: false,
      countersign: null,
      deadline: { unit: "hours", amount: 24, remindBeforeHours: 4, onTimeout: "escalate" },
    });
    expect(task("board")).toEqual({
      assignee: { kind: "users", ids: ["a.b", "c.d", "e.f"] },
      pool: false,
      countersign: { mode: "share", share: 0.6, order: "sequential" },
      deadline: { unit: "workingDays", amount: 3, remindBeforeHours: 8, onTimeout: "none" },
    });
    expect(task("handle")).toMatchObject({ assignee: { kind: "form_field", field: "handlers" }, pool: true, countersign: null, deadline: null });
    expect(task("draft").assignee).toEqual({ kind: "previous_handler" });
    expect(readFlow(byId("big"))).toEqual({ condition: "form.amount > 10000", isDefault: false });
    expect(readFlow(byId("small"))).toEqual({ condition: "", isDefault: true });
  });

  it("writes edited settings that read back the same after export and import, keeping the rest", async () => {
    const { m, rootElement, process, byId, attached } = await load(FIXTURE);
    const edited: TaskSettings = {
      assignee: { kind: "initiator_leader", levelsUp: 2 },
      pool: true,
      countersign: { mode: "any", order: "parallel" },
      deadline: { unit: "hours", amount: 12, remindBeforeHours: 2, onTimeout: "escalate" },
    };
    const review = byId("review");
    const changes = taskChanges(m, review, attached("review"), edited);
    expect(changes.dropAttrs).toEqual(["camunda:candidateGroups"]);
    expect(changes.removeEvents.map((e: any) => e.id).sort()).toEqual(["review_deadline", "review_remind"]);
    applyTaskChanges(review, changes, (event) => process.flowElements.splice(process.flowElements.indexOf(event), 1));
    const flow = flowChanges(m, byId("big"), { condition: " form.amount >= 5000 && doc.urgency == \"urgent\" ", isDefault: false });
    for (const [k, v] of Object.entries(flow.flow)) byId("big").set(k, v);
    expect(flow.gateway).toBeUndefined();

    const back = await load(await save(rootElement));
    expect(readTask(back.byId("review"), back.attached("review"))).toEqual(edited);
    expect(timersOf(back.attached("review"))).toEqual([]);
    const values = back.byId("review").extensionElements.values.map((v: any) => v.$type);
    expect(values).toEqual(["oc:Assignee", "oc:FieldAccess", "oc:Cc", "oc:Deadline"]);
    const deadline = back.byId("review").extensionElements.values[3];
    expect(deadline.escalateTo).toMatchObject({ kind: "initiator_leader", levelsUp: 1 });
    expect(back.byId("review").$attrs["camunda:candidateGroups"]).toBeUndefined();
    expect(readFlow(back.byId("big")).condition).toBe('form.amount >= 5000 && doc.urgency == "urgent"');
    // untouched elements are as they were
    const others = (p: any) => (semantics(p) as any[]).filter((e) => !["review", "big", "review_deadline", "review_remind"].includes(e["bpmn:id"]));
    expect(others(back.process)).toEqual(others(process));
  });

  it("moves the default flow of a gateway and drops the default's condition", async () => {
    const { m, byId } = await load(FIXTURE);
    const big = byId("big");
    const changes = flowChanges(m, big, { condition: "form.amount > 10000", isDefault: true });
    expect(changes.flow.conditionExpression).toBeUndefined();
    expect(changes.gateway).toEqual({ default: big });
    const small = flowChanges(m, byId("small"), { condition: "form.amount <= 10000", isDefault: false });
    expect(small.gateway).toEqual({ default: undefined });
  });

  it("turns a countersign back into a plain task and clears a deadline", async () => {
    const { m, rootElement, byId, attached } = await load(FIXTURE);
    const board = byId("board");
    const settings = { ...readTask(board, attached("board")), countersign: null, deadline: null };
    applyTaskChanges(board, taskChanges(m, board, attached("board"), settings), () => undefined);
    const back = await load(await save(rootElement));
    const again = back.byId("board");
    expect(again.loopCharacteristics).toBeUndefined();
    expect(again.get("oc:countersignMode")).toBeUndefined();
    expect(readTask(again, back.attached("board"))).toEqual({ ...settings, countersign: null, deadline: null });
  });

  it("reads ISO 8601 durations as the server does", () => {
    expect(hoursOf("PT24H")).toBe(24);
    expect(hoursOf("P1DT2H30M")).toBe(26.5);
    expect(hoursOf("PT")).toBeUndefined();
    expect(hoursOf("R3/PT1H")).toBeUndefined();
  });
});
