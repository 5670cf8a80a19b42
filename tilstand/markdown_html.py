"""Chapter text as HTML for the pages, made from the same parsed Markdown subset as the DOCX (markdown.py).

Streamlit's own st.markdown renders all of Markdown: images from any address (a tracking pixel that tells a
stranger when each council member read the report, from where), LaTeX, icons, colours. A chapter is
therefore never given to st.markdown: it is parsed into the subset leaders write in (paragraphs, headings,
lists, bold, italic, links) and written out here with every piece of text escaped. The only tags are
p, h2–h6, ul, ol, li, strong, em and a; a link's address is http(s) or mailto (markdown.SAFE_SCHEMES), and
the link tells the site nothing about the page it came from. Pages show the result with st.html.
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
    tag = "ul" if b.kind == "bullets" else "ol"
    return f"<{tag}>" + "".join(f"<li>{spans(item)}</li>" for item in b.items) + f"</{tag}>"


def spans(parts: Sequence[Span]) -> str:
    out = []
    for s in parts:
        text = escape(s.text, quote=False)
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
