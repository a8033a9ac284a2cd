import { describe, expect, it } from "vitest";
import { fieldOfError, fromSchemas, toSchemas, type Field } from "./formModel";

const designed: Field[] = [
  { key: "subject", kind: "text", title: "主题词", required: true, maxLength: 200, public: true },
  { key: "body", kind: "textarea", title: "正文", required: true },
  { key: "pages", kind: "integer", title: "页数", required: false, minimum: 1, maximum: 99 },
  { key: "due", kind: "date", title: "办结日期", required: false, description: "YYYY-MM-DD" },
  { key: "level", kind: "select", title: "密级", required: false, options: ["公开", "内部"] },
  { key: "urgent", kind: "checkbox", title: "加急", required: false },
];

describe("the form model", () => {
  it("saves fields as JSON Schema and uiSchema and loads the same fields back", () => {
    const saved = toSchemas(designed);
    expect(saved.jsonSchema.required).toEqual(["subject", "body"]);
    expect(saved.jsonSchema.properties.level).toEqual({ title: "密级", type: "string", enum: ["公开", "内部"] });
    expect(saved.uiSchema).toEqual({ "ui:order": designed.map((f) => f.key), body: { "ui:widget": "textarea" } });
    expect(fromSchemas(saved.jsonSchema, saved.uiSchema)).toEqual(designed);
    const again = toSchemas(fromSchemas(saved.jsonSchema, saved.uiSchema));
    expect(again).toEqual(saved);
  });

  it("loads a schema written by hand, keeping unordered properties after the ordered ones", () => {
    const fields = fromSchemas(
      { type: "object", properties: { a: { type: "string" }, b: { type: "number" } } },
      { "ui:order": ["b"] },
    );
    expect(fields.map((f) => [f.key, f.kind, f.title])).toEqual([["b", "number", "b"], ["a", "text", "a"]]);
  });

  it("finds the field a server error names", () => {
    expect(fieldOfError(["input", "jsonSchema", "properties", "pages", "minimum"])).toBe("pages");
    expect(fieldOfError(["input", "jsonSchema"])).toBeNull();
    expect(fieldOfError(null)).toBeNull();
  });
});
