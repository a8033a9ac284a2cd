import { describe, expect, it } from "vitest";
import { formatNumber, inputOfError } from "./DocumentTypesPage";
import { elementOfError } from "./FlowDesignerPage";

describe("the designers' helpers", () => {
  it("previews a number as the server makes it", () => {
    expect(formatNumber("{year}请字第{seq}号", 2026, 7, 3)).toBe("2026请字第007号");
    expect(formatNumber("京经信发〔{year}〕{seq}号", 2026, 12, 0)).toBe("京经信发〔2026〕12号");
  });

  it("finds the input field and the BPMN element a server error names", () => {
    expect(inputOfError(["input", "numberPattern"])).toBe("numberPattern");
    expect(inputOfError(["documentTypeId"])).toBeNull();
    expect(elementOfError(["input", "definition", "transitions", "t_long"])).toBe("t_long");
    expect(elementOfError(["input", "definition", "nodes", "review", "assignee"])).toBe("review");
    expect(elementOfError(["input", "definition"])).toBeNull();
  });
});
