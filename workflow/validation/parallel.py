"""Parallel gateways must be block-structured: every branch of a split reaches the same join
without reaching an end (a terminate end is fine) or looping back to the split, nothing enters
the region between them from outside, and every join closes exactly one split. Under this
rule a join cannot wait forever."""

from __future__ import annotations

from i18n import _
from workflow.definition import NodeType, Transition

from .checker import Checker, node_name, transition_name

__all__ = ["check_parallel"]

Block = tuple[str, set[str]]
"""The join closing a split, and the nodes between them."""


def check_parallel(v: Checker) -> None:
    blocks = _Blocks(v)
    splits = [n for n in v.nodes if v.is_split(n)]
    for s in splits:
        blocks.match(s)
    if any(blocks.matches.get(s) is None for s in splits):
        return  # reported at the split; its join may look unowned only because of it
    # A join is closed by one split at most: a second split would have to enter the first's
    # region from outside, which `entered_from_outside` refuses.
    closed = {m[0] for m in blocks.matches.values() if m is not None}
    for j in v.nodes:
        if v.is_join(j) and j not in closed:
            node = v.nodes[j]
            v.add(
                "JOIN_WITHOUT_SPLIT",
                _(
                    "parallel join {node_name} is not closed by a parallel "
                    "split: tokens reaching it from exclusive branches would "
                    "wait forever; use an exclusive gateway to merge",
                    node_name=node_name(node),
                ),
                node,
            )


class _Blocks:
    """Each split's block, found once (a nested split's block first)."""

    def __init__(self, v: Checker) -> None:
        self.v = v
        self.matches: dict[str, Block | None] = {}
        self.in_progress: set[str] = set()

    def match(self, split: str) -> Block | None:
        """The block of ``split``, or None (reported)."""
        if split in self.matches:
            return self.matches[split]
        if split in self.in_progress:
            return None
        self.in_progress.add(split)
        region: set[str] = set()
        joins: set[str] = set()
        failure: str | None = None  # pragma: no mutate (see docs/testing.md)
        for tr in self.v.out.get(split, []):  # pragma: no mutate
            failure = self.walk(split, tr, region, joins)
            if failure is not None:
                break
        result: Block | None = None
        if failure is None:
            failure = _one_join(joins)
        if failure is None:
            join = next(iter(joins))
            failure = self.entered_from_outside(split, join, region)
            if failure is None:
                result = (join, region)
        if failure is not None:
            snode = self.v.nodes[split]
            self.v.add(
                "PARALLEL_UNBALANCED",
                _(
                    "parallel split {node_name}: {failure}",
                    node_name=node_name(snode),
                    failure=failure,
                ),
                snode,
            )
        self.in_progress.discard(split)  # pragma: no mutate
        self.matches[split] = result
        return result

    def walk(self, split: str, tr: Transition, region: set[str], joins: set[str]) -> str | None:
        """Follow the branch through ``tr`` to the joins it reaches (into ``joins``), adding
        the nodes on the way to ``region``; what is wrong with it, if anything."""
        v = self.v
        stack = [tr.target]
        seen: set[str] = set()
        resume: set[str] = set()  # joins of nested blocks that split again
        while stack:
            nid = stack.pop()
            if nid in seen:
                continue
            seen.add(nid)
            if nid == split:
                return f"a branch through {transition_name(tr)} loops back to the split"
            node = v.nodes[nid]
            if node.type is NodeType.END and node.terminate:
                continue  # ends the whole instance: nothing waits at the join
            if node.type is NodeType.END:
                return (
                    f"the branch through {transition_name(tr)} reaches end {node_name(node)} "
                    "before a join"
                )
            if v.is_join(nid) and nid not in resume:
                joins.add(nid)
                continue
            region.add(nid)
            if not v.is_split(nid):
                stack.extend(v.succ(nid))
                continue
            inner = self.match(nid)
            if inner is None:
                return f"the nested split {node_name(node)} is not balanced"
            inner_join, inner_region = inner
            region |= inner_region | {inner_join}
            seen |= inner_region
            if v.is_split(inner_join):
                resume.add(inner_join)
                stack.append(inner_join)
            else:
                seen.add(inner_join)
                stack.extend(v.succ(inner_join))
        return None

    def entered_from_outside(self, split: str, join: str, region: set[str]) -> str | None:
        inside = region | {split}
        for nid in sorted(region | {join}):
            for t in self.v.inc.get(nid, []):  # pragma: no mutate
                if t.source not in inside:
                    return (
                        f"{transition_name(t)} enters the parallel region between the split "
                        f"and join '{join}' from outside"
                    )
        return None


def _one_join(joins: set[str]) -> str | None:
    if len(joins) == 1:
        return None
    if not joins:
        return "its branches never reach a parallel join"
    return (
        f"its branches reach different joins ({', '.join(sorted(joins))}); all "
        "branches must meet at one join"
    )
