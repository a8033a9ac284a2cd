/** bpmn-js's modeler with Officecloud's `oc:` moddle extension, and the panel's changes applied
 * through its command stack. bpmn-js is loaded with the flow designer only. */
import oc from "./oc.json";
import { flowChanges, taskChanges, type FlowSettings, type TaskSettings } from "./settings";

export type Modeler = {
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  saveXML(o: { format: boolean }): Promise<{ xml?: string }>;
  get(name: string): any;
  on(event: string, callback: (e: any) => void): void;
  destroy(): void;
};

/** A modeler in `container`, once bpmn-js and its styles are loaded. */
export async function createModeler(container: HTMLElement): Promise<Modeler> {
  const [{ default: BpmnModeler }] = await Promise.all([
    import("bpmn-js/lib/Modeler"),
    import("bpmn-js/dist/assets/diagram-js.css"),
    import("bpmn-js/dist/assets/bpmn-js.css"),
    import("bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css"),
  ]);
  return new BpmnModeler({ container, moddleExtensions: { oc } }) as unknown as Modeler;
}

export function applyTask(modeler: Modeler, element: any, settings: TaskSettings): void {
  const bo = element.businessObject;
  const attached = (element.attachers ?? []).map((a: any) => a.businessObject);
  const changes = taskChanges(modeler.get("moddle"), bo, attached, settings);
  for (const a of changes.dropAttrs) delete bo.$attrs[a];
  const modeling = modeler.get("modeling");
  modeling.updateProperties(element, changes.properties);
  const shapes = (element.attachers ?? []).filter((a: any) => changes.removeEvents.includes(a.businessObject));
  if (shapes.length) modeling.removeElements(shapes);
}

export function applyFlow(modeler: Modeler, element: any, settings: FlowSettings): void {
  const { flow, gateway } = flowChanges(modeler.get("moddle"), element.businessObject, settings);
  const modeling = modeler.get("modeling");
  modeling.updateProperties(element, flow);
  if (gateway) modeling.updateProperties(element.source, gateway);
}

/** `oc:` attributes of a task, as they are (`{"oc:allowReturn": false}`). */
export function applyFlags(modeler: Modeler, element: any, attrs: Record<string, boolean>): void {
  modeler.get("modeling").updateProperties(element, attrs);
}
