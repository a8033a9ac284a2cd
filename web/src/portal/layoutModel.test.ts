import { describe, expect, it } from "vitest";
import * as model from "./layoutModel";

const pick = (name: string) => ({ componentId: `id-${name}`, resourceId: null, componentKey: name, version: "1.0.0", name, title: "", settings: {} });

function page(): model.Layout {
  let layout = model.emptyLayout();
  for (const [name, column] of [["a", 0], ["b", 1], ["c", 0], ["d", 1]] as const) [layout] = model.add(layout, pick(name), column);
  return layout;
}
const names = (layout: model.Layout, column: number) => model.inColumn(layout, column).map((p) => p.name);
const keyOf = (layout: model.Layout, name: string) => layout.placements.find((p) => p.name === name)!.key;

describe("the portal layout model", () => {
  it("moves within a column past the other column's placements", () => {
    const layout = page();
    const moved = model.move(layout, keyOf(layout, "c"), -1);
    expect(names(moved, 0)).toEqual(["c", "a"]);
    expect(names(moved, 1)).toEqual(["b", "d"]);
    expect(model.move(moved, keyOf(moved, "c"), -1)).toBe(moved);
  });

  it("shifts across columns and folds dropped columns into the last one", () => {
    const layout = page();
    const shifted = model.shift(layout, keyOf(layout, "a"), 1);
    expect(names(shifted, 1)).toEqual(["b", "d", "a"]);
    const one = model.setTemplate(layout, "ONE_COLUMN");
    expect(names(one, 0)).toEqual(["a", "b", "c", "d"]);
  });

  it("sends the order the server keeps and reads it back the same", () => {
    const layout = page();
    const input = model.toInput(layout);
    const stored = input.map((p, i) => ({
      column: p.column,
      position: input.slice(0, i).filter((q) => q.column === p.column).length,
      settings: p.settings,
      component: { id: p.componentId!, key: p.componentId!.slice(3), name: p.componentId!.slice(3) },
      componentVersion: { version: "1.0.0" },
    }));
    const back = model.fromServer("TWO_COLUMNS", stored.reverse());
    expect(names(back, 0)).toEqual(["a", "c"]);
    expect(names(back, 1)).toEqual(["b", "d"]);
  });

  it("puts each server error at the placement and the setting it names", () => {
    const layout = page();
    const located = model.locate(
      [
        { code: "INVALID", message: "too big", field: ["input", "placements", "2", "settings", "pageSize"] },
        { code: "CONFLICT", message: "someone published", field: ["input", "expectedVersion"] },
      ],
      layout,
    );
    expect(located.general.map((p) => p.message)).toEqual(["someone published"]);
    const problems = located.byPlacement[keyOf(layout, "c")];
    expect(problems[0].field).toEqual(["settings", "pageSize"]);
    expect(model.settingsErrors(problems)).toEqual({ pageSize: { __errors: ["too big"] } });
  });

  it("gives rjsf the settings schema without the 2020-12 $schema, choices as checkboxes", () => {
    const { schema, uiSchema } = model.formSchemas(
      {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: {
          kinds: { type: "array", items: { enum: ["a", "b"] } },
          pageSize: { type: "integer" },
          days: { type: "integer", title: "Days" },
          other: { type: "string" },
        },
      },
      (name) => ({ pageSize: "条数", days: "天数" })[name],
    );
    expect(schema).not.toHaveProperty("$schema");
    expect(uiSchema).toMatchObject({ kinds: { "ui:widget": "checkboxes" }, pageSize: { "ui:title": "条数" } });
    expect(uiSchema).not.toHaveProperty("days");
    expect(uiSchema).not.toHaveProperty("other");
  });
});
