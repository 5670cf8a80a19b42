"""The Markdown leaders write in, parsed once by markdown-it-py into a small block/inline tree.

The same tree becomes Word paragraphs (report, wordml.py) and the pages' HTML (markdown_html.py, every piece
of text escaped), so the writing room's preview and the council's DOCX cannot disagree: both walk what
`parse` returns, and neither passes the text through another Markdown renderer or a template engine. What a
leader types is data, never markup.

The parser is CommonMark with exactly the rules both writers support (`RULES`): headings, paragraphs,
bullet and numbered lists (nested), block quotes, tables, bold, italic, strike-through, links and backslash
escapes. Everything else stays the literal characters typed: raw HTML (html=False), images (an image would
load from anywhere), autolinks, code, entities (`&amp;` stays `&amp;`, as the DOCX always had it), setext
headings and rules, link reference definitions, and a link to another scheme than http(s) or mailto. Jinja
tags (`{{ }}`, `{% %}`) are text like any other (tilstand/template_guard.py keeps the templates' own tags apart).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline.image import image as _image_rule
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token

# XML 1.0 allows tab, newline, carriage return and everything from space upwards (minus surrogates
# and two non-characters); python-docx raises on the rest, so they are dropped here.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SAFE_SCHEMES = ("http://", "https://", "mailto:")
# The parser's rules, and nothing more: each one has a writer in wordml.py and in markdown_html.py.
RULES = ["heading", "list", "blockquote", "table", "emphasis", "strikethrough", "link", "image", "escape", "newline"]


@dataclass(frozen=True)
class Span:
    """A run of text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    strike: bool = False


@dataclass(frozen=True)
class Item:
    """A list item: the text of its first paragraph, then what else it holds (a nested list, more paragraphs)."""

    spans: tuple[Span, ...] = ()
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Block:
    kind: str  # heading | paragraph | bullets | numbers | quote | table
    level: int = 0  # heading level (1..6)
    spans: tuple[Span, ...] = ()  # heading and paragraph
    items: tuple[Item, ...] = ()  # bullets and numbers
    start: int = 1  # the first number of a numbered list
    blocks: tuple[Block, ...] = ()  # what a quote holds
    rows: tuple[tuple[tuple[Span, ...], ...], ...] = ()  # a table's cells, the header row first


def _image_as_text(state: StateInline, silent: bool) -> bool:
    """An image is not in the subset (it would load from any address): the characters typed stay text.
    Without this rule `![x](url)` would become '!' and a link."""
    start = state.pos
    if not _image_rule(state, True):
        return False
    if not silent:
        state.push("text", "", 0).content = state.src[start : state.pos]
    return True


def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False}).enable(RULES)
    md.inline.ruler.at("image", _image_as_text)
    return md


_MD = _parser()


def clean(text: str) -> str:
    """Text that is safe to put in a Word run: no XML-illegal control characters, no tabs or form feeds."""
    return _NOT_XML.sub("", text.replace("\t", " ").replace("\f", " ").replace("\r\n", "\n").replace("\r", "\n"))


def parse(text: str) -> list[Block]:
    """Blocks in reading order; the lines of a paragraph are joined with a space."""
    blocks, _ = _blocks(_MD.parse(clean(text)), 0, "")
    return blocks


def inline(text: str) -> tuple[Span, ...]:
    """Bold, italic, strike-through, links and backslash escapes of one line; everything else is literal text."""
    tokens = _MD.parseInline(clean(text))
    return _spans(tokens[0].children or []) if tokens else ()


def _blocks(tokens: list[Token], i: int, until: str) -> tuple[list[Block], int]:
    """The blocks from tokens[i] up to the closing token `until` (or the end); returns them and where it stopped."""
    out: list[Block] = []
    while i < len(tokens) and tokens[i].type != until:
        t = tokens[i]
        if t.type == "heading_open":
            out.append(Block("heading", level=int(t.tag[1]), spans=_spans(tokens[i + 1].children or [])))
            i += 3
        elif t.type == "paragraph_open":
            out.append(Block("paragraph", spans=_spans(tokens[i + 1].children or [])))
            i += 3
        elif t.type in ("bullet_list_open", "ordered_list_open"):
            block, i = _list(tokens, i)
            out.append(block)
        elif t.type == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close")
            out.append(Block("quote", blocks=tuple(inner)))
            i += 1
        elif t.type == "table_open":
            block, i = _table(tokens, i)
            out.append(block)
        else:  # a closing token of an enclosing block the caller did not ask for: skip it
            i += 1
    return out, i


def _list(tokens: list[Token], i: int) -> tuple[Block, int]:
    opening = tokens[i]
    close = opening.type.replace("_open", "_close")
    start = int(opening.attrGet("start") or 1)
    items: list[Item] = []
    i += 1
    while tokens[i].type != close:  # list_item_open
        inner, i = _blocks(tokens, i + 1, "list_item_close")
        i += 1
        if inner and inner[0].kind == "paragraph":
            items.append(Item(inner[0].spans, tuple(inner[1:])))
        else:
            items.append(Item((), tuple(inner)))
    kind = "bullets" if opening.type == "bullet_list_open" else "numbers"
    return Block(kind, items=tuple(items), start=start), i + 1


def _table(tokens: list[Token], i: int) -> tuple[Block, int]:
    rows: list[tuple[tuple[Span, ...], ...]] = []
    row: list[tuple[Span, ...]] = []
    while tokens[i].type != "table_close":
        t = tokens[i]
        if t.type == "tr_open":
            row = []
        elif t.type == "inline":
            row.append(_spans(t.children or []))
        elif t.type == "tr_close":
            rows.append(tuple(row))
        i += 1
    return Block("table", rows=tuple(rows)), i + 1


def _spans(children: Sequence[Token]) -> tuple[Span, ...]:
    """The inline tokens as spans; a link to another scheme than SAFE_SCHEMES keeps its address as text."""
    out: list[Span] = []
    bold = italic = strike = 0
    href: str | None = None
    shown_url: str | None = None  # an unsafe link's address, written after its label
    for t in children:
        kind = t.type
        if kind == "text":
            out.append(Span(t.content, bold > 0, italic > 0, href, strike > 0))
        elif kind in ("softbreak", "hardbreak"):
            out.append(Span(" ", bold > 0, italic > 0, href, strike > 0))
        elif kind in ("strong_open", "strong_close"):
            bold += 1 if kind.endswith("open") else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind.endswith("open") else -1
        elif kind in ("s_open", "s_close"):
            strike += 1 if kind.endswith("open") else -1
        elif kind == "link_open":
            url = str(t.attrGet("href") or "")
            href, shown_url = (url, None) if url.lower().startswith(SAFE_SCHEMES) else (None, url)
        elif kind == "link_close":
            if shown_url is not None:
                out.append(Span(f" ({shown_url})", bold > 0, italic > 0, None, strike > 0))
            href = shown_url = None
    return _merge(out)


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for s in spans:
        if not s.text:
            continue
        if merged and _marks(merged[-1]) == _marks(s):
            merged[-1] = Span(merged[-1].text + s.text, s.bold, s.italic, s.href, s.strike)
        else:
            merged.append(s)
    return tuple(merged)


def _marks(s: Span) -> tuple[bool, bool, str | None, bool]:
    return s.bold, s.italic, s.href, s.strike


def plain(text: str) -> str:
    """The words without the markup, one line per paragraph, heading, list item or table row."""
    return "\n".join(_plain_lines(parse(text)))


def _plain_lines(blocks: Sequence[Block]) -> list[str]:
    lines: list[str] = []
    for b in blocks:
        if b.kind in ("bullets", "numbers"):
            for item in b.items:
                lines.append(_text(item.spans))
                lines.extend(_plain_lines(item.blocks))
        elif b.kind == "quote":
            lines.extend(_plain_lines(b.blocks))
        elif b.kind == "table":
            lines.extend(" ".join(_text(cell) for cell in row) for row in b.rows)
        else:
            lines.append(_text(b.spans))
    return lines


def _text(spans: Sequence[Span]) -> str:
    return "".join(s.text for s in spans)
