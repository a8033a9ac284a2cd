/** The form as the viewer may see and change it: fields hidden at the node are dropped, the
 * rest read-only unless the node (or a draft, for its initiator) makes them editable. */
import type { RJSFSchema } from "@rjsf/utils";

export type Access = "editable" | "readonly" | "hidden";

type JsonSchema = RJSFSchema;
type FlowDefinition = { nodes?: { id: string; fieldAccess?: Record<string, Access> }[] };

export function nodeAccess(definition: FlowDefinition | null | undefined, nodeIds: string[]): Record<string, Access> {
  const access: Record<string, Access> = {};
  for (const node of definition?.nodes ?? []) {
    if (!nodeIds.includes(node.id)) continue;
    for (const [field, mode] of Object.entries(node.fieldAccess ?? {})) {
      // Several held nodes: the most open mode wins, as the server's editable set is a union.
      if (mode === "editable" || !access[field] || access[field] === "hidden") access[field] = mode;
    }
  }
  return access;
}

export function formUnderAccess(
  schema: JsonSchema,
  uiSchema: Record<string, unknown>,
  access: Record<string, Access>,
  everyFieldEditable: boolean,
): { schema: JsonSchema; uiSchema: Record<string, unknown>; editable: string[] } {
  const properties: NonNullable<JsonSchema["properties"]> = {};
  const ui: Record<string, unknown> = { ...uiSchema };
  const editable: string[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const mode = everyFieldEditable ? "editable" : (access[name] ?? "readonly");
    if (mode === "hidden") {
      delete ui[name];
      continue;
    }
    properties[name] = property;
    if (mode === "editable") editable.push(name);
    else ui[name] = { ...((uiSchema[name] as object) ?? {}), "ui:readonly": true };
  }
  const required = (schema.required ?? []).filter((r) => editable.includes(r));
  return { schema: { ...schema, properties, required }, uiSchema: ui, editable };
}

export function pick(data: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => f in data).map((f) => [f, data[f]]));
}
