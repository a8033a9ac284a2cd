"""A small XML element tree that writes itself, indented (the export builds one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

__all__ = ["El"]


@dataclass
class El:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[El] = field(default_factory=list)
    text: str | None = None

    def add(self, tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> El:
        child = El(tag, attrs or {}, [], text)
        self.children.append(child)
        return child

    def write(self, out: list[str], indent: int) -> None:
        pad = "  " * indent
        attrs = "".join(f" {k}={quoteattr(v)}" for k, v in self.attrs.items())
        if not self.children and self.text is None:
            out.append(f"{pad}<{self.tag}{attrs} />")
            return
        if not self.children:
            out.append(f"{pad}<{self.tag}{attrs}>{escape(self.text or '')}</{self.tag}>")
            return
        out.append(f"{pad}<{self.tag}{attrs}>")
        for c in self.children:
            c.write(out, indent + 1)
        out.append(f"{pad}</{self.tag}>")
