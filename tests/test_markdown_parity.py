"""Preview = document: the writing room's preview (markdown_html) and the council's DOCX (wordml) are written from
one parse (markdown.parse), so the same text gives the same words in the same order with the same bold, italic,
strike-through and links, the same headings, list items (and their depth), quotes and table cells in both. The
DOCX side is read back with python-docx, once from a bare document and once from a real report."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from tests.conftest import leader
from tilstand import markdown_html, narrative, report, wordml
from tilstand.markdown import Span, parse

CASES = {
    "bold italic": "***fet kursiv*** og ___også___",
    "italic inside bold": "**a*b*c**",
    "nested lists": "- en\n  - to\n    - tre\n- fire\n\n1. a\n   1. b\n2. c\n\nMellom.\n\n3. tre\n4. fire",
    "loose list with a second paragraph": "- første\n\n  mer om første\n- andre",
    "escapes": r"\*ikke kursiv\* og \# ikke overskrift og \~\~ikke strøket\~\~",
    "table": "| Tiltak | Antall |\n|---|---:|\n| **Hjelpetiltak** | 12 |\n| Omsorg | *3* |\n| [Bufdir](https://www.bufdir.no) |",
    "quote": "> Brukerne sier at **de blir hørt**.\n>\n> - og en liste\n\nEtter sitatet.",
    "strike": "~~x~~ og ~~**fet strøket**~~",
    "html tags": "Hei <b>fet</b> <img src=x onerror=alert(1)> <script>alert(1)</script>\n\n<div>\nblokk\n</div>",
    "jinja": "{{ x }} og {% if %}ja{% endif %} og {{ 7*7 }}",
    "norwegian letters": "## Æøå og ÆØÅ\n\nBarn i **Båtsfjord** får *tiltak* før fristen – «så klart».",
    "empty lines": "\n\n\nFørste\n\n\n\n\nAndre\n\n",
    "links and an image": "[Bufdir](https://www.bufdir.no) og [ftp](ftp://x) og ![bilde](https://evil.example/p.png)",
    "headings": "# En\n\n## To\n\ntekst\nsom fortsetter",
    "markup that is not in the subset": "`kode` og &amp; og <https://evil.example>\n\n---\n\nTekst\n===",
}
Record = tuple[str, tuple[tuple[str, bool, bool, bool, str | None], ...]]


def _merged(
    runs: list[tuple[str, bool, bool, bool, str | None]],
) -> tuple[tuple[str, bool, bool, bool, str | None], ...]:
    out: list[tuple[str, bool, bool, bool, str | None]] = []
    for run in runs:
        if not run[0]:
            continue
        if out and out[-1][1:] == run[1:]:
            out[-1] = (out[-1][0] + run[0], *run[1:])
        else:
            out.append(run)
    return tuple(out)


class _HtmlRecords(HTMLParser):
    """Each block of text in the preview with its kind and its runs (text, bold, italic, strike, link)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.records: list[tuple[str, list]] = []
        self.marks = {"strong": 0, "em": 0, "del": 0}
        self.href: str | None = None

    def handle_starttag(self, tag, attrs):
        kind = None
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            kind = f"heading {tag[1]}"
        elif tag == "p":
            kind = "quote" if "blockquote" in self.stack else "continue" if "li" in self.stack else "paragraph"
        elif tag == "li":
            depth = sum(t in ("ul", "ol") for t in self.stack)
            kind = f"{'bullet' if self.stack[-1] == 'ul' else 'number'} {depth}"
        elif tag in ("th", "td"):
            kind = "header cell" if tag == "th" else "cell"
        if kind:
            self.records.append((kind, []))
        if tag in self.marks:
            self.marks[tag] += 1
        if tag == "a":
            self.href = dict(attrs)["href"]
        self.stack.append(tag)

    def handle_endtag(self, tag):
        self.stack.pop()
        if tag in self.marks:
            self.marks[tag] -= 1
        if tag == "a":
            self.href = None

    def handle_data(self, data):
        kind, runs = self.records[-1]
        bold = self.marks["strong"] > 0 or kind == "header cell"  # a browser shows th bold, Word's header row is
        runs.append((data, bold, self.marks["em"] > 0, self.marks["del"] > 0, self.href))


def html_records(text: str) -> list[Record]:
    parser = _HtmlRecords()
    parser.feed(markdown_html.render(text, base_level=1))
    parser.close()
    return [(kind, _merged(runs)) for kind, runs in parser.records if _merged(runs)]


def _style_kind(style: str) -> str:
    if style.startswith("Heading "):
        return "heading " + style.split()[-1]
    for prefix, kind in (("List Bullet", "bullet"), ("List Number", "number")):
        if style.startswith(prefix):
            return f"{kind} {style.split()[-1] if style[-1].isdigit() else 1}"
    return {"Quote": "quote"}.get(style, "continue" if style.startswith("List Continue") else "paragraph")


def _runs(doc, p: Paragraph) -> list[tuple[str, bool, bool, bool, str | None]]:
    """A paragraph's runs in order, those inside a w:hyperlink with its target."""
    out = []
    for child in p._p:
        href = None
        runs = [child]
        if child.tag == qn("w:hyperlink"):
            href = doc.part.rels[child.get(qn("r:id"))].target_ref
            runs = list(child.iter(qn("w:r")))
        for r in runs:
            if r.tag != qn("w:r"):
                continue
            rpr = r.find(qn("w:rPr"))
            on = {name: rpr is not None and rpr.find(qn(f"w:{name}")) is not None for name in ("b", "i", "strike")}
            out.append(("".join(t.text or "" for t in r.iter(qn("w:t"))), on["b"], on["i"], on["strike"], href))
    return out


def docx_records(doc, body) -> list[Record]:
    """Each block of text in a DOCX body (paragraphs and table cells) the way html_records reads the preview."""
    records: list[Record] = []
    for element in body.iterchildren():
        if element.tag == qn("w:p"):
            p = Paragraph(element, doc)
            records.append((_style_kind(p.style.name), _merged(_runs(doc, p))))
        elif element.tag == qn("w:tbl"):
            for i, row in enumerate(Table(element, doc).rows):
                for cell in row.cells:
                    runs = [run for p in cell.paragraphs for run in _runs(doc, p)]
                    records.append(("header cell" if i == 0 else "cell", _merged(runs)))
    return [r for r in records if r[1]]


def docx_of(text: str) -> list[Record]:
    doc = Document()
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    wordml.blocks(doc, parse(text), base_level=1)
    return docx_records(doc, body)


@pytest.mark.parametrize("case", list(CASES))
def test_the_preview_and_the_docx_show_the_same_text_with_the_same_marks_in_the_same_order(case):
    html = html_records(CASES[case])
    assert html, case
    assert docx_of(CASES[case]) == html


def test_bold_italic_is_one_run_with_no_stray_asterisk():
    assert html_records("***fet kursiv***") == [("paragraph", (("fet kursiv", True, True, False, None),))]
    assert html_records("**a*b*c**") == [
        (
            "paragraph",
            (("a", True, False, False, None), ("b", True, True, False, None), ("c", True, False, False, None)),
        )
    ]


def test_nested_lists_keep_their_depth_and_a_numbered_list_its_first_number():
    kinds = [kind for kind, _ in html_records(CASES["nested lists"])]
    assert kinds == [
        "bullet 1",
        "bullet 2",
        "bullet 3",
        "bullet 1",
        "number 1",
        "number 2",
        "number 1",
        "paragraph",
        "number 1",
        "number 1",
    ]
    assert '<ol start="3">' in markdown_html.render(CASES["nested lists"])


def test_a_table_a_quote_and_strike_through_are_real_in_both():
    table = html_records(CASES["table"])
    assert [kind for kind, _ in table] == ["header cell"] * 2 + ["cell"] * 5  # the short row gets an empty cell
    assert table[2] == ("cell", (("Hjelpetiltak", True, False, False, None),))
    assert html_records(CASES["quote"])[:2] == [
        (
            "quote",
            (
                ("Brukerne sier at ", False, False, False, None),
                ("de blir hørt", True, False, False, None),
                (".", False, False, False, None),
            ),
        ),
        ("bullet 1", (("og en liste", False, False, False, None),)),
    ]
    assert html_records(CASES["strike"]) == [
        (
            "paragraph",
            (
                ("x", False, False, True, None),
                (" og ", False, False, False, None),
                ("fet strøket", True, False, True, None),
            ),
        )
    ]


@pytest.mark.parametrize(
    "case", ["html tags", "jinja", "escapes", "markup that is not in the subset", "links and an image"]
)
def test_what_is_not_in_the_subset_stays_the_characters_typed_in_both(case):
    shown = " ".join(text for _, runs in html_records(CASES[case]) for text, *_ in runs)
    expected = {
        "html tags": ["<b>fet</b>", "<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "<div> blokk </div>"],
        "jinja": ["{{ x }} og {% if %}ja{% endif %} og {{ 7*7 }}"],
        "escapes": ["*ikke kursiv* og # ikke overskrift og ~~ikke strøket~~"],
        "markup that is not in the subset": ["`kode` og &amp; og <https://evil.example>", "---", "Tekst ==="],
        "links and an image": ["og ftp (ftp://x) og ![bilde](https://evil.example/p.png)"],
    }[case]
    for literal in expected:
        assert literal in shown


def test_a_real_report_docx_has_the_chapter_as_the_preview_shows_it(demo, tmp_path):
    text = "\n\n".join(
        CASES[c]
        for c in (
            "headings",
            "bold italic",
            "nested lists",
            "table",
            "quote",
            "strike",
            "jinja",
            "norwegian letters",
            "links and an image",
        )
    )
    rep = narrative.create_report(demo, "5001", 2024, "nb", actor=leader("Test Leder"))
    first = narrative.sections(demo, rep.id)[0]
    narrative.save(demo, first.id, text, base_version=first.version, actor=leader("Test Leder"))
    out = report.render(
        demo, "5001", 2024, "nb", out=tmp_path / "rapport.docx", with_charts=False, today=date(2025, 3, 1)
    ).path
    doc = Document(out)
    records = docx_records(doc, doc.element.body)
    chapter = ("heading 1", ((first.title, False, False, False, None),))
    start = records.index(chapter) + 1
    expected = html_records(text)
    assert records[start : start + len(expected)] == expected
    assert any(t.style.name == "Table Grid" and t.rows[0].cells[0].text == "Tiltak" for t in doc.tables)


def test_the_parse_is_one_tree_both_writers_walk():
    (block,) = parse("***fet kursiv***")
    assert block.spans == (Span("fet kursiv", bold=True, italic=True),)


def test_a_numbered_list_starting_at_three_starts_at_three_in_word_too():
    doc = Document()
    wordml.blocks(doc, parse("Mellom.\n\n3. tre\n4. fire"), base_level=1)
    item = next(p for p in doc.paragraphs if p.text == "tre")
    num_id = item._p.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
    num = next(n for n in doc.part.numbering_part.element.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
    assert num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}").get(qn("w:val")) == "3"
