"""A served HTML page read as a browser reads it: parsed, entities decoded, tags balanced."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    """A form as a browser would post it: where, how, and its named inputs' values."""

    action: str = ""
    method: str = "get"
    fields: dict[str, str] = field(default_factory=dict)


class Page(HTMLParser):
    """The text of each block element (inline code in backticks, a line break as a newline;
    text outside any block as a ``text`` block of its own),
    the text of each code element, each link's target, each button's (name, value, text)
    and each form."""

    BLOCKS = ("title", "h1", "h2", "p", "li")
    VOID = ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.blocks: list[tuple[str, str]] = []
        self.codes: list[str] = []
        self.links: list[str] = []
        self.buttons: list[tuple[str, str, str]] = []
        self.forms: list[Form] = []
        self.open: list[str] = []
        self.in_block = False
        self.feed(text)
        self.close()
        assert self.open == [], f"left open: {self.open}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in self.BLOCKS:
            self.blocks.append((tag, ""))
            self.in_block = True
        if tag not in self.VOID:
            self.open.append(tag)
        if tag == "br":
            self._add("\n")
        elif tag == "code":
            self._add("`")
            self.codes.append("")
        elif tag == "a":
            self.links.append(a["href"])
        elif tag == "button":
            self.buttons.append((a.get("name", ""), a.get("value", ""), ""))
        elif tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif tag == "input" and "form" in self.open and a.get("name"):
            self.forms[-1].fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return  # <input/> or a stray </input>: a browser has nothing to close
        assert self.open.pop() == tag, f"</{tag}> closes another element"
        if tag in self.BLOCKS:
            self.in_block = False
        elif tag == "code":
            self._add("`")

    def handle_data(self, data: str) -> None:
        if not self.open:
            return
        if self.in_block and data.strip():
            self._add(data)
        elif data.strip() and self.open[-1] in ("body", "div", "form", "section", "main"):
            self.blocks.append(("text", data))  # stray text a reader sees, outside any block
        if self.open[-1] == "code":
            self.codes[-1] += data
        elif self.open[-1] == "button":
            name, value, text = self.buttons[-1]
            self.buttons[-1] = (name, value, text + data)

    def _add(self, text: str) -> None:
        if not self.in_block:
            return
        tag, was = self.blocks[-1]
        self.blocks[-1] = (tag, was + text)
