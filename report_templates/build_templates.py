"""Build the report templates tilstandsrapport_nb.docx and tilstandsrapport_nn.docx.

The .docx files are committed so a municipality can open one in Word, change fonts, colours, logo,
cover page and header, and save it as its own template (report_templates/README.md lists the tags).
This script is how we make ours reproducibly: `uv run python report_templates/build_templates.py`.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from tilstand import words

HERE = Path(__file__).resolve().parent
FONT = "Arial"  # on every Windows/Mac; LibreOffice maps it to the metric-compatible Liberation Sans
INK = RGBColor(0x1F, 0x38, 0x64)  # dark blue: 11.9:1 on white (WCAG AA needs 4.5:1)


def labels_for(language: str) -> dict[str, str]:
    """The template's own words (tilstand/messages/*.toml, [template]) and its language tag for Word."""
    return {**words.section("template", language), "lang": f"{language}-NO"}


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A complex field (PAGE, NUMPAGES, TOC): begin, instruction, separate, result, end."""

    def char(kind: str):
        r = OxmlElement("w:r")
        fc = OxmlElement("w:fldChar")
        fc.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            fc.set(qn("w:dirty"), "true")
        r.append(fc)
        return r

    instr_run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    instr_run.append(instr)
    result = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = placeholder
    result.append(t)
    for el in (char("begin"), instr_run, char("separate"), result, char("end")):
        paragraph._p.append(el)


def _styles(doc, lang: str) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    # Document language in the defaults, so spell-checking and screen readers use Norwegian (WCAG 3.1.1).
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in rpr_default.findall(qn("w:lang")):
        rpr_default.remove(old)
    lang_el = OxmlElement("w:lang")
    lang_el.set(qn("w:val"), lang)
    lang_el.set(qn("w:eastAsia"), lang)
    lang_el.set(qn("w:bidi"), "ar-SA")
    rpr_default.append(lang_el)
    fonts = rpr_default.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr_default.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    sizes = {1: 18, 2: 14, 3: 12, 4: 11}
    for level, size in sizes.items():
        h = styles[f"Heading {level}"]
        h.font.name = FONT
        h.font.size = Pt(size)
        h.font.bold = True
        h.font.italic = False
        h.font.color.rgb = INK
        h.paragraph_format.space_before = Pt(18 if level == 1 else 12)
        h.paragraph_format.space_after = Pt(6)
        h.paragraph_format.keep_with_next = True
    title = styles["Title"]
    title.font.name = FONT
    title.font.size = Pt(28)
    title.font.color.rgb = INK
    subtitle = styles["Subtitle"]
    subtitle.font.name = FONT
    subtitle.font.size = Pt(18)
    subtitle.font.italic = False
    subtitle.font.color.rgb = RGBColor(0x26, 0x26, 0x26)
    cap = styles["Caption"]
    cap.font.name = FONT
    cap.font.size = Pt(9)
    cap.font.bold = True
    cap.font.italic = False
    cap.font.color.rgb = RGBColor(0x26, 0x26, 0x26)
    contents = styles.add_style("Innholdstittel", WD_STYLE_TYPE.PARAGRAPH)
    contents.base_style = normal
    contents.font.size = Pt(18)
    contents.font.bold = True
    contents.font.color.rgb = INK
    notice = styles.add_style("Eksempeldata", WD_STYLE_TYPE.PARAGRAPH)
    notice.base_style = normal
    notice.font.bold = True
    notice.font.color.rgb = RGBColor(0x7A, 0x12, 0x00)  # dark red: 8.9:1 on white


def _page(doc, labels: dict[str, str]) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4, not python-docx's US Letter
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = header.add_run("{{ municipality }} · {{ short_title }} {{ year }}")
    run.font.size = Pt(9)
    notice = section.header.add_paragraph()
    notice.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = notice.add_run("{% if sample %}{{ sample_header }}{% endif %}")
    run.font.size = Pt(9)
    run.font.bold = True
    run.font.color.rgb = RGBColor(0x7A, 0x12, 0x00)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{labels['page']} ")
    _field(footer, "PAGE", "1")
    footer.add_run(f" {labels['of']} ")
    _field(footer, "NUMPAGES", "1")


def _body(doc, labels: dict[str, str]) -> None:
    doc.add_paragraph("{{ title }}", style="Title")
    doc.add_paragraph("{{ municipality }}", style="Subtitle")
    year = doc.add_paragraph()
    run = year.add_run("{{ year }}")
    run.font.size = Pt(40)
    run.font.bold = True
    run.font.color.rgb = INK
    doc.add_paragraph("{{ status }} · {{ date }}")
    doc.add_paragraph(labels["prepared"])
    doc.add_paragraph("{%p if sample %}")
    doc.add_paragraph("{{ sample_notice }}", style="Eksempeldata")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph(labels["contents"], style="Innholdstittel")
    _field(doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', labels["toc_hint"])
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("{{p body }}")
    doc.add_paragraph("{{p appendix }}")


def _settings(doc) -> None:
    """Ask Word to refresh the fields (table of contents, page count) when the document is opened."""
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def build(language: str) -> Path:
    labels = labels_for(language)
    doc = Document()
    _styles(doc, labels["lang"])
    _page(doc, labels)
    _body(doc, labels)
    _settings(doc)
    props = doc.core_properties
    props.title = "{{ title }} – {{ municipality }} {{ year }}"
    props.subject = "{{ title }}"
    props.language = labels["lang"]
    props.author = "Tilstand"
    props.comments = ""
    props.keywords = "tilstandsrapport, barnevern"
    out = HERE / f"tilstandsrapport_{language}.docx"
    doc.save(out)
    return out


if __name__ == "__main__":
    for lang in words.LANGUAGES:
        print(build(lang))
