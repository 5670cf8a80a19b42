"""The Markdown subset leaders write in: headings, paragraphs, lists, bold, italic and links.

Parsed into a tiny block/inline tree so the same text can become Word paragraphs (report, wordml.py)
and the pages' HTML (markdown_html.py, every piece of text escaped) without ever passing through a
Markdown renderer or a template engine: what a leader types is data, never markup. Anything outside the
subset (images, raw HTML, links to other schemes than http(s) and mailto) stays as the literal
characters typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# XML 1.0 allows tab, newline, carriage return and everything from space upwards (minus surrogates
# and two non-characters); python-docx raises on the rest, so they are dropped here.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Block:
    kind: str  # heading | paragraph | bullets | numbers
    level: int = 0  # heading level (1..6)
    spans: tuple[Span, ...] = ()  # heading and paragraph
    items: tuple[tuple[Span, ...], ...] = field(default=())  # list items


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_NUMBER = re.compile(r"^\s{0,3}\d{1,9}[.)]\s+(.*)$")
_INLINE = re.compile(
    r"(?P<image>!\[[^\]\n]*\]\([^)\s]*\))"  # not in the subset: an image would load from anywhere
    r"|(?P<link>\[(?P<label>[^\]\n]+)\]\((?P<url>[^)\s]+)\))"
    r"|(?P<bold>\*\*(?P<b>(?!\s).+?(?<!\s))\*\*|__(?P<b2>(?!\s).+?(?<!\s))__)"
    r"|(?P<italic>(?<![\w*])\*(?P<i>(?!\s)[^*\n]+?(?<!\s))\*(?![\w*])|(?<![\w_])_(?P<i2>(?!\s)[^_\n]+?(?<!\s))_(?![\w_]))"
    r"|(?P<escape>\\(?P<e>[\\`*_{}\[\]()#+\-.!]))"
)
SAFE_SCHEMES = ("http://", "https://", "mailto:")


def clean(text: str) -> str:
    """Text that is safe to put in a Word run: no XML-illegal control characters, no tabs or form feeds."""
    return _NOT_XML.sub("", text.replace("\t", " ").replace("\f", " ").replace("\r\n", "\n").replace("\r", "\n"))


def inline(text: str, *, bold: bool = False, italic: bool = False) -> tuple[Span, ...]:
    """Bold, italic, links and backslash escapes; everything else is literal text."""
    out: list[Span] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            out.append(Span(text[pos:m.start()], bold, italic))
        if m.group("image"):
            out.append(Span(m.group("image"), bold, italic))
        elif m.group("link"):
            url = m.group("url")
            href = url if url.lower().startswith(SAFE_SCHEMES) else None
            out.extend(Span(s.text, s.bold, s.italic, href) for s in inline(m.group("label"), bold=bold, italic=italic))
            if href is None:
                out.append(Span(f" ({url})", bold, italic))
        elif m.group("bold"):
            out.extend(inline(m.group("b") or m.group("b2"), bold=True, italic=italic))
        elif m.group("italic"):
            out.extend(inline(m.group("i") or m.group("i2"), bold=bold, italic=True))
        else:
            out.append(Span(m.group("e"), bold, italic))
        pos = m.end()
    if pos < len(text):
        out.append(Span(text[pos:], bold, italic))
    return _merge(out)


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for s in spans:
        if not s.text:
            continue
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].href) == (s.bold, s.italic, s.href):
            merged[-1] = Span(merged[-1].text + s.text, s.bold, s.italic, s.href)
        else:
            merged.append(s)
    return tuple(merged)


def parse(text: str) -> list[Block]:
    """Blocks in reading order. A blank line ends a paragraph or list; lines of a paragraph are joined."""
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []
    list_kind = ""

    def flush() -> None:
        nonlocal para, items, list_kind
        if para:
            blocks.append(Block("paragraph", spans=inline(" ".join(line.strip() for line in para))))
        if items:
            blocks.append(Block(list_kind, items=tuple(inline(i.strip()) for i in items)))
        para, items, list_kind = [], [], ""

    for line in clean(text).split("\n"):
        if not line.strip():
            flush()
            continue
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        number = _NUMBER.match(line)
        if heading:
            flush()
            blocks.append(Block("heading", level=len(heading.group(1)), spans=inline(heading.group(2))))
        elif bullet or number:
            kind = "bullets" if bullet else "numbers"
            if para or (items and list_kind != kind):
                flush()
            list_kind = kind
            items.append((bullet or number).group(1))  # type: ignore[union-attr]
        elif items and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()  # a continuation line of the last item
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return blocks


def plain(text: str) -> str:
    """The words without the markup, e.g. for counting or a short preview."""
    out = []
    for b in parse(text):
        groups = b.items if b.kind in ("bullets", "numbers") else (b.spans,)
        out.extend("".join(s.text for s in g) for g in groups)
    return "\n".join(out)
