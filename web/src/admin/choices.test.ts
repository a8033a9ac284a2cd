import { describe, expect, it } from "vitest";
import { treeOrder } from "./choices";

describe("treeOrder", () => {
  it("puts each unit right below its parent, depth first, whatever order they came in", () => {
    const units = [
      { id: "b", name: "规划处", depth: 1, parent: { id: "root" } },
      { id: "b1", name: "规划一科", depth: 2, parent: { id: "b" } },
      { id: "a", name: "办公室", depth: 1, parent: { id: "root" } },
      { id: "root", name: "经信局", depth: 0, parent: null },
    ];
    expect(treeOrder(units).map((u) => u.id)).toEqual(["root", "b", "b1", "a"]);
  });

  it("starts a unit whose parent is not listed at the top, rather than losing it", () => {
    const units = [{ id: "x", name: "外单位", depth: 3, parent: { id: "elsewhere" } }];
    expect(treeOrder(units).map((u) => u.id)).toEqual(["x"]);
  });
});
