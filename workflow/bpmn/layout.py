"""The diagram of an exported flow (``bpmndi:BPMNDiagram``): a simple layered layout, so the
file opens in bpmn-js and Camunda Modeler."""

from __future__ import annotations

from collections.abc import Iterable

from workflow.definition import FlowDefinition, NodeType

from .element import El

__all__ = ["diagram"]

_SIZES = {
    NodeType.START: (36, 36),
    NodeType.END: (36, 36),
    NodeType.TASK: (100, 80),
    NodeType.COUNTERSIGN: (100, 80),
    NodeType.EXCLUSIVE_GATEWAY: (50, 50),
    NodeType.PARALLEL_GATEWAY: (50, 50),
}


def _fmt(x: float) -> str:
    return repr(float(x)) if x != int(x) else str(int(x))


def _layout(defn: FlowDefinition) -> dict[str, tuple[float, float]]:
    """Centre points: columns by longest path from the start (back edges ignored), rows in
    order of appearance within a column."""
    ids = [n.id for n in defn.nodes]
    succ: dict[str, list[str]] = {i: [] for i in ids}
    for t in defn.transitions:
        if t.source in succ and t.target in succ:
            succ[t.source].append(t.target)
    roots = [n.id for n in defn.nodes if n.type is NodeType.START] + ids
    layer = _layers(ids, succ, _back_edges(roots, succ))
    rows: dict[int, int] = {}
    pos: dict[str, tuple[float, float]] = {}
    for nid in ids:
        col = layer[nid]
        row = rows.get(col, 0)
        rows[col] = row + 1
        pos[nid] = (150.0 + col * 170.0, 120.0 + row * 130.0)
    return pos


def _back_edges(roots: list[str], succ: dict[str, list[str]]) -> set[tuple[str, str]]:
    """The edges closing a cycle, found by depth-first search from ``roots`` in order."""
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}
    for root in roots:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            v, i = stack.pop()
            if i < len(succ[v]):
                stack.append((v, i + 1))
                w = succ[v][i]
                if state.get(w) == 1:
                    back.add((v, w))
                elif w not in state:
                    state[w] = 1
                    stack.append((w, 0))
            else:
                state[v] = 2
    return back


def _layers(
    ids: list[str], succ: dict[str, list[str]], back: set[tuple[str, str]]
) -> dict[str, int]:
    """Each node's column: the longest path to it over the edges that are not back edges."""
    indeg = {i: 0 for i in ids}
    for v in ids:
        for w in succ[v]:
            if (v, w) not in back:
                indeg[w] += 1
    layer = {i: 0 for i in ids}
    queue = [i for i in ids if indeg[i] == 0]
    while queue:
        v = queue.pop(0)
        for w in succ[v]:
            if (v, w) in back:
                continue
            layer[w] = max(layer[w], layer[v] + 1)
            indeg[w] -= 1
            if indeg[w] == 0:
                queue.append(w)
    return layer


def diagram(root: El, defn: FlowDefinition, boundaries: list[tuple[str, str]]) -> None:
    """Shapes for the nodes and for the ``boundaries`` (event id, task id) on their tasks'
    lower edge, and edges for the transitions."""
    pos = _layout(defn)
    diagram = root.add("bpmndi:BPMNDiagram", {"id": f"BPMNDiagram_{defn.id}"})
    plane = diagram.add("bpmndi:BPMNPlane", {"id": f"BPMNPlane_{defn.id}", "bpmnElement": defn.id})
    sizes = {n.id: _SIZES[n.type] for n in defn.nodes}
    for node in defn.nodes:
        cx, cy = pos[node.id]
        w, h = sizes[node.id]
        attrs = {"id": f"{node.id}_di", "bpmnElement": node.id}
        if node.type is NodeType.EXCLUSIVE_GATEWAY:
            attrs["isMarkerVisible"] = "true"
        shape = plane.add("bpmndi:BPMNShape", attrs)
        shape.add(
            "dc:Bounds",
            {"x": _fmt(cx - w / 2), "y": _fmt(cy - h / 2), "width": _fmt(w), "height": _fmt(h)},
        )
    placed: dict[str, int] = {}
    for event_id, task_id in boundaries:
        cx, cy = pos[task_id]
        slot = placed[task_id] = placed.get(task_id, -1) + 1
        shape = plane.add("bpmndi:BPMNShape", {"id": f"{event_id}_di", "bpmnElement": event_id})
        x, y = cx - 40 + slot * 44, cy + sizes[task_id][1] / 2 - 18
        shape.add("dc:Bounds", {"x": _fmt(x), "y": _fmt(y), "width": "36", "height": "36"})
    bottom = max((y for _, y in pos.values()), default=0.0) + 100.0
    for t in defn.transitions:
        if t.source not in pos or t.target not in pos:
            continue
        edge = plane.add("bpmndi:BPMNEdge", {"id": f"{t.id}_di", "bpmnElement": t.id})
        for x, y in _waypoints(
            pos[t.source], sizes[t.source], pos[t.target], sizes[t.target], bottom
        ):
            edge.add("di:waypoint", {"x": _fmt(x), "y": _fmt(y)})


def _waypoints(
    src: tuple[float, float],
    ssize: tuple[int, int],
    dst: tuple[float, float],
    dsize: tuple[int, int],
    bottom: float,
) -> Iterable[tuple[float, float]]:
    (sx, sy), (tx, ty) = src, dst
    if tx > sx:
        start = (sx + ssize[0] / 2, sy)
        end = (tx - dsize[0] / 2, ty)
        if sy == ty:
            return [start, end]
        mid = (start[0] + end[0]) / 2
        return [start, (mid, sy), (mid, ty), end]
    # backwards or same column: route below everything
    start = (sx, sy + ssize[1] / 2)
    end = (tx, ty + dsize[1] / 2)
    return [start, (sx, bottom), (tx, bottom), end]
