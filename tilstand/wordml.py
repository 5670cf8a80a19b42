"""Writing Word content with python-docx: the parsed Markdown (markdown.py), accessible tables and images.

python-docx has no API for alt text, table captions, repeated header rows, hyperlinks or restarting a
numbered list; those few pieces of WordprocessingML are written here and nowhere else. Everything goes
through python-docx's own run/text API, which escapes text, so a leader's `<b>` or `{{ }}` stays literal.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence

from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from tilstand.markdown import Block, Item, Span, clean

MAX_HEADING = 4
MAX_LIST_DEPTH = 3  # Word's list styles go to 'List Bullet 3' / 'List Number 3'; deeper items stay at 3
LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)  # Word's own hyperlink blue: 5.9:1 on white


def heading(doc, text: str, level: int) -> Paragraph:
    return doc.add_paragraph(clean(text), style=f"Heading {min(max(level, 1), MAX_HEADING)}")


def paragraph(doc, spans: Sequence[Span], style: str | None = None) -> Paragraph:
    p = doc.add_paragraph(style=style)
    add_spans(doc, p, spans)
    return p


def add_spans(doc, p: Paragraph, spans: Sequence[Span]) -> None:
    for s in spans:
        if s.href:
            _hyperlink(doc, p, s)
        else:
            run = p.add_run(clean(s.text))
            run.bold = s.bold or None
            run.italic = s.italic or None
            run.font.strike = s.strike or None


def _hyperlink(doc, p: Paragraph, span: Span) -> None:
    """A real, clickable w:hyperlink (blue, underlined) whose target is an external relationship."""
    r_id = doc.part.relate_to(span.href, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = p.add_run(clean(span.text))
    run.bold = span.bold or None
    run.italic = span.italic or None
    run.font.strike = span.strike or None
    run.font.underline = True
    run.font.color.rgb = LINK_COLOUR  # python-docx keeps rPr children in schema order; Word insists
    p._p.remove(run._r)
    link.append(run._r)
    p._p.append(link)


def blocks(doc, parsed: Sequence[Block], *, base_level: int, depth: int = 0, quoted: bool = False) -> None:
    """Markdown blocks as Word paragraphs, block for block as markdown_html writes them: '#' inside a chapter is
    one level below the chapter heading, a nested list one list style deeper, a quote in the 'Quote' style."""
    for b in parsed:
        if b.kind == "heading":
            p = doc.add_paragraph(style=f"Heading {min(base_level + b.level, MAX_HEADING)}")
            add_spans(doc, p, b.spans)
        elif b.kind == "paragraph":
            paragraph(doc, b.spans, style="Quote" if quoted else _continue_style(depth))
        elif b.kind == "quote":
            blocks(doc, b.blocks, base_level=base_level, depth=depth, quoted=True)
        elif b.kind == "table":
            markdown_table(doc, b.rows)
        else:
            _list(doc, b, base_level=base_level, depth=depth + 1, quoted=quoted)


def _continue_style(depth: int) -> str | None:
    """A further paragraph inside a list item lines up with the item's text."""
    if depth == 0:
        return None
    return "List Continue" + (f" {min(depth, MAX_LIST_DEPTH)}" if depth > 1 else "")


def _list(doc, b: Block, *, base_level: int, depth: int, quoted: bool) -> None:
    level = min(depth, MAX_LIST_DEPTH)
    style = ("List Bullet" if b.kind == "bullets" else "List Number") + (f" {level}" if level > 1 else "")
    num_id = _new_numbering(doc, style, b.start) if b.kind == "numbers" else None
    for item in b.items:
        _item(doc, item, style, num_id)
        blocks(doc, item.blocks, base_level=base_level, depth=depth, quoted=quoted)


def _item(doc, item: Item, style: str, num_id: int | None) -> None:
    p = paragraph(doc, item.spans, style=style)
    _set_num(p, num_id)


def markdown_table(doc, rows: Sequence[Sequence[Sequence[Span]]]):
    """A table a leader wrote: the first row is the header (repeated on every page, bold), cells keep their
    bold, italic, strike-through and links."""
    t = doc.add_table(rows=len(rows), cols=len(rows[0]))
    t.style = doc.styles["Table Grid"]
    _mark_header(t.rows[0])
    for r, (row, values) in enumerate(zip(t.rows, rows, strict=True)):
        for cell, spans in zip(row.cells, values, strict=False):
            p = cell.paragraphs[0]
            add_spans(doc, p, [Span(s.text, True, s.italic, s.href, s.strike) for s in spans] if r == 0 else spans)
            p.paragraph_format.space_after = Pt(0)
    return t


def _new_numbering(doc, style_name: str = "List Number", start: int = 1) -> int | None:
    """A fresh w:num on the style's numbering definition, so each numbered list starts again (at `start`)."""
    style = doc.styles[style_name]
    num_pr = style.element.find(qn("w:pPr") + "/" + qn("w:numPr"))
    if num_pr is None:
        return None
    base_id = num_pr.find(qn("w:numId")).get(qn("w:val"))
    numbering = doc.part.numbering_part.element
    base = next((n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == base_id), None)
    if base is None:
        return None
    new_id = max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(new_id))
    abstract = copy.deepcopy(base.find(qn("w:abstractNumId")))
    num.append(abstract)
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), "0")
    start_at = OxmlElement("w:startOverride")
    start_at.set(qn("w:val"), str(start))
    override.append(start_at)
    num.append(override)
    numbering.append(num)
    return new_id


def _set_num(p: Paragraph, num_id: int | None) -> None:
    if num_id is None:
        return
    ppr = p._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), "0")
    nid = OxmlElement("w:numId")
    nid.set(qn("w:val"), str(num_id))
    num_pr.extend([ilvl, nid])
    ppr.append(num_pr)


def table(
    doc,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    caption: str,
    description: str,
    widths_cm: Sequence[float] | None = None,
    numeric_from: int = 1,
):
    """A data table: header row repeated on every page and marked as header, caption and description
    for screen readers (w:tblCaption/w:tblDescription), numbers right-aligned."""
    t = doc.add_table(rows=1, cols=len(header))
    t.style = doc.styles["Table Grid"]
    _table_properties(t, caption, description)
    head = t.rows[0]
    _mark_header(head)
    for cell, text in zip(head.cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(clean(text))
        run.bold = True
        _shade(cell, "D9E2F3")
    for values in rows:
        cells = t.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=False)):
            cell.text = clean(text)
            if i >= numeric_from:
                cell.paragraphs[0].alignment = 2  # right
    if widths_cm:
        t.autofit = False  # Word and LibreOffice honour the grid only with autofit off
        for column, w in zip(t.columns, widths_cm, strict=False):
            column.width = Cm(w)
        for row in t.rows:
            for cell, w in zip(row.cells, widths_cm, strict=False):
                cell.width = Cm(w)
    for row in t.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                para.paragraph_format.space_after = Pt(0)
                for run in para.runs:
                    run.font.size = Pt(9)
    return t


def _table_properties(t, caption: str, description: str) -> None:
    tbl_pr = t._tbl.tblPr
    for tag, value in (("w:tblCaption", caption), ("w:tblDescription", description)):
        el = OxmlElement(tag)
        el.set(qn("w:val"), clean(value)[:255])
        tbl_pr.append(el)


def _mark_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def image(doc, png: bytes, *, alt: str, title: str, width_cm: float = 16.0) -> Paragraph:
    """A picture in its own paragraph with alt text (wp:docPr descr/title), which python-docx cannot set."""
    p = doc.add_paragraph()
    p.paragraph_format.keep_with_next = True
    shape = p.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
    shape._inline.docPr.set("descr", clean(alt))
    shape._inline.docPr.set("title", clean(title))
    return p


def caption(doc, text: str) -> Paragraph:
    return doc.add_paragraph(clean(text), style="Caption")


def small(doc, text: str, *, italic: bool = False) -> Paragraph:
    p = doc.add_paragraph()
    run = p.add_run(clean(text))
    run.font.size = Pt(8.5)
    run.italic = italic or None
    return p


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
