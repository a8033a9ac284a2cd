/** The designer's model of a form: an ordered list of fields, saved as JSON Schema (with the
 * order in `uiSchema["ui:order"]`) and loaded back to the same list. */
export type Kind = "text" | "textarea" | "number" | "integer" | "date" | "select" | "checkbox";

export type Field = {
  key: string;
  kind: Kind;
  title: string;
  required: boolean;
  description?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  options?: string[];
  /** Sent to other departments by exchange (`x-public`). */
  public?: boolean;
};

export const KINDS: Kind[] = ["text", "textarea", "number", "integer", "date", "select", "checkbox"];

type Schema = Record<string, any>;

export function toSchemas(fields: Field[]): { jsonSchema: Schema; uiSchema: Schema } {
  const properties: Schema = {};
  const uiSchema: Schema = { "ui:order": fields.map((f) => f.key) };
  for (const f of fields) {
    const p: Schema = { title: f.title };
    if (f.kind === "number" || f.kind === "integer") {
      p.type = f.kind;
      if (f.minimum !== undefined) p.minimum = f.minimum;
      if (f.maximum !== undefined) p.maximum = f.maximum;
    } else if (f.kind === "checkbox") p.type = "boolean";
    else {
      p.type = "string";
      if (f.kind === "date") p.format = "date";
      if (f.kind === "select") p.enum = [...(f.options ?? [])];
      if (f.maxLength !== undefined && f.kind !== "date" && f.kind !== "select") p.maxLength = f.maxLength;
    }
    if (f.description) p.description = f.description;
    if (f.public) p["x-public"] = true;
    properties[f.key] = p;
    if (f.kind === "textarea") uiSchema[f.key] = { "ui:widget": "textarea" };
  }
  const jsonSchema: Schema = { type: "object", properties };
  const required = fields.filter((f) => f.required).map((f) => f.key);
  if (required.length) jsonSchema.required = required;
  return { jsonSchema, uiSchema };
}

export function fromSchemas(jsonSchema: Schema, uiSchema: Schema): Field[] {
  const properties: Schema = jsonSchema?.properties ?? {};
  const order: string[] = uiSchema?.["ui:order"] ?? [];
  const keys = [...order.filter((k) => k in properties), ...Object.keys(properties).filter((k) => !order.includes(k))];
  const required: string[] = jsonSchema?.required ?? [];
  return keys.map((key) => {
    const p = properties[key];
    const f: Field = { key, kind: kindOf(p, uiSchema?.[key]), title: p.title ?? key, required: required.includes(key) };
    if (p.description) f.description = p.description;
    if (p.maxLength !== undefined) f.maxLength = p.maxLength;
    if (p.minimum !== undefined) f.minimum = p.minimum;
    if (p.maximum !== undefined) f.maximum = p.maximum;
    if (Array.isArray(p.enum)) f.options = p.enum.map(String);
    if (p["x-public"]) f.public = true;
    return f;
  });
}

function kindOf(p: Schema, ui: Schema | undefined): Kind {
  if (p.type === "boolean") return "checkbox";
  if (p.type === "number" || p.type === "integer") return p.type;
  if (Array.isArray(p.enum)) return "select";
  if (p.format === "date") return "date";
  return ui?.["ui:widget"] === "textarea" ? "textarea" : "text";
}

export function newField(kind: Kind, taken: string[]): Field {
  let n = taken.length + 1;
  while (taken.includes(`field${n}`)) n += 1;
  return { key: `field${n}`, kind, title: "", required: false, ...(kind === "select" ? { options: [] } : {}) };
}

/** The field a server error names: `[…, "jsonSchema", "properties", key, …]`. */
export function fieldOfError(path: readonly string[] | null | undefined): string | null {
  if (!path) return null;
  const at = path.indexOf("properties");
  return at >= 0 && at + 1 < path.length ? path[at + 1] : null;
}
