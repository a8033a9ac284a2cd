import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import "../i18n";
import { FormDesigner, type Problem } from "./FormDesigner";

type Schemas = { jsonSchema: Record<string, any>; uiSchema: Record<string, any> };

afterEach(cleanup);

/** Renders the designer on `initial` and returns what its save button writes. */
function designer(initial: Schemas) {
  const saved: Schemas[] = [];
  const onSave = async (s: Schemas): Promise<Problem[]> => {
    saved.push(s);
    return [];
  };
  const view = render(<FormDesigner initial={initial} onSave={onSave} onPublish={onSave} />);
  const save = async () => {
    fireEvent.click(screen.getByRole("button", { name: "保存草稿" }));
    await screen.findByRole("status");
    return saved[saved.length - 1];
  };
  return { view, save };
}

const fieldTitles = () =>
  within(screen.getByRole("region", { name: "字段" })).getAllByRole("button", { pressed: undefined })
    .filter((b) => b.classList.contains("field"))
    .map((b) => b.textContent);

describe("the form designer", () => {
  it("saves a designed form and loads it back to the same design", async () => {
    const first = designer({ jsonSchema: { type: "object", properties: {} }, uiSchema: {} });
    const palette = screen.getByRole("region", { name: "控件" });
    fireEvent.click(within(palette).getByRole("button", { name: "单行文本" }));
    fireEvent.change(screen.getByLabelText("标签"), { target: { value: "事由" } });
    fireEvent.change(screen.getByLabelText("字段名"), { target: { value: "reason" } });
    fireEvent.click(screen.getByLabelText("必填"));
    fireEvent.change(screen.getByLabelText("最大长度"), { target: { value: "50" } });
    fireEvent.click(within(palette).getByRole("button", { name: "下拉选择" }));
    fireEvent.change(screen.getByLabelText("标签"), { target: { value: "假别" } });
    fireEvent.change(screen.getByLabelText("选项（每行一个）"), { target: { value: "事假\n病假" } });
    fireEvent.click(within(palette).getByRole("button", { name: "多行文本" }));
    fireEvent.click(screen.getByLabelText("交换时发送（公开）"));
    fireEvent.click(screen.getByRole("button", { name: "上移 多行文本" }));
    const saved = await first.save();
    expect(saved.uiSchema["ui:order"]).toEqual(["reason", "field3", "field2"]);
    expect(saved.jsonSchema.required).toEqual(["reason"]);
    expect(saved.jsonSchema.properties.reason).toMatchObject({ type: "string", title: "事由", maxLength: 50 });
    expect(saved.jsonSchema.properties.field3).toMatchObject({ "x-public": true });
    const titles = fieldTitles();
    cleanup();

    // the saved schemas go through JSON (as PostgreSQL's jsonb keeps them) and load back
    const stored = JSON.parse(JSON.stringify(saved)) as Schemas;
    const second = designer(stored);
    expect(fieldTitles()).toEqual(titles);
    fireEvent.click(screen.getByRole("button", { name: /^事由/ }));
    expect(screen.getByLabelText("最大长度")).toHaveProperty("value", "50");
    expect(screen.getByLabelText("必填")).toHaveProperty("checked", true);
    expect(await second.save()).toEqual(saved);
  }, 60_000); // rendering react-jsonschema-form in jsdom takes seconds on a busy machine
});
