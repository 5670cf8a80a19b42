"""Chapter text as HTML for the pages, written from the same parse as the DOCX (markdown.py).

Streamlit's own st.markdown renders all of Markdown: images from any address (a tracking pixel that tells a
stranger when each council member read the report, from where), LaTeX, icons, colours. A chapter is
therefore never given to st.markdown: markdown.parse reads it with the rules the DOCX writer supports, and
the blocks are written out here with every piece of text escaped, so the writing room's preview shows what
the document will. The only tags are p, h2–h6, ul, ol, li, blockquote, table, thead, tbody, tr, th, td,
strong, em, del and a; a link's address is http(s) or mailto (markdown.SAFE_SCHEMES), and the link tells the
site nothing about the page it came from. Pages show the result with st.html.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from tilstand import markdown
from tilstand.markdown import Block, Span

MAX_LEVEL = 6
_LINK_REL = "noopener noreferrer nofollow"  # no Referer, no window.opener, no ranking for the target
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def render(text: str, *, base_level: int = 2) -> str:
    """The chapter as HTML; a '#' heading inside it is one level below the chapter's own heading
    (`base_level`: 2 under st.header, 3 under st.subheader), as in the DOCX."""
    return "".join(_block(b, base_level) for b in markdown.parse(text))


def _block(b: Block, base_level: int) -> str:
    if b.kind == "heading":
        level = min(base_level + b.level, MAX_LEVEL)
        return f"<h{level}>{spans(b.spans)}</h{level}>"
    if b.kind == "paragraph":
        return f"<p>{spans(b.spans)}</p>"
    if b.kind == "quote":
        return "<blockquote>" + "".join(_block(inner, base_level) for inner in b.blocks) + "</blockquote>"
    if b.kind == "table":
        return _table(b)
    items = "".join(
        f"<li>{spans(item.spans)}" + "".join(_block(inner, base_level) for inner in item.blocks) + "</li>"
        for item in b.items
    )
    if b.kind == "bullets":
        return f"<ul>{items}</ul>"
    start = f' start="{b.start}"' if b.start != 1 else ""
    return f"<ol{start}>{items}</ol>"


def _table(b: Block) -> str:
    """The header row, then the body; cells hold inline text only."""
    head, *body = b.rows
    out = "<table><thead><tr>" + "".join(f"<th>{spans(cell)}</th>" for cell in head) + "</tr></thead>"
    if body:
        out += (
            "<tbody>"
            + "".join("<tr>" + "".join(f"<td>{spans(cell)}</td>" for cell in row) + "</tr>" for row in body)
            + "</tbody>"
        )
    return out + "</table>"


def spans(parts: Sequence[Span]) -> str:
    out = []
    for s in parts:
        text = escape(s.text, quote=False)
        if s.strike:
            text = f"<del>{text}</del>"
        if s.italic:
            text = f"<em>{text}</em>"
        if s.bold:
            text = f"<strong>{text}</strong>"
        if s.href and s.href.lower().startswith(markdown.SAFE_SCHEMES):
            text = f'<a href="{escape(s.href, quote=True)}" rel="{_LINK_REL}" target="_blank">{text}</a>'
        out.append(text)
    return "".join(out)


def literal(text: str) -> str:
    """Text (a person's name, a title) for st.markdown, st.caption and friends, shown exactly as typed:
    every ASCII punctuation character backslash-escaped, so no image, link, LaTeX, icon or colour is made."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", markdown.clean(text).replace("\n", " "))
