"""The council DOCX: built from the real sample database and the shipped templates, opened back with
python-docx and checked the way a reader (and a screen reader) would meet it."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.conftest import env_flag, leader
from tilstand import catalog, fmt, narrative, profile, report, template_guard
from tilstand.charts import render
from tilstand.errors import InputError
from tilstand.markdown import Span, inline, parse

INJECTION = "<b>&amp; {{ 7*7 }} {% if %} </w:t>"
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def _write(con, region: str, year: int, language: str, texts: dict[str, str]) -> narrative.Report:
    rep = narrative.create_report(con, region, year, language, actor=leader("Test Leder"))
    for s in narrative.sections(con, rep.id):
        if s.key in texts:
            narrative.save(con, s.id, texts[s.key], base_version=s.version, actor=leader("Test Leder"))
    return rep


def _all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def _headings(doc) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]


def _needs_charts() -> None:
    if not render.renderer_available():
        if env_flag("TILSTAND_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required for chart images in CI")
        pytest.skip("no Chromium for chart images")


@pytest.fixture
def trondheim_docx(demo, tmp_path) -> Path:
    _needs_charts()
    _write(
        demo,
        "5001",
        2024,
        "nb",
        {
            "kort_oppsummering": "# Hovedfunn\n\nTjenesten har **god kapasitet** og *stabile* frister. "
            "Les mer hos [Bufdir](https://www.bufdir.no).\n\n- Færre meldinger\n- Flere tiltak\n\n"
            "1. Rekruttere\n2. Beholde\n\n" + INJECTION,
            "dekningsgrad": "Dekningsgraden er stabil.",
        },
    )
    out = tmp_path / "rapport.docx"
    result = report.render(demo, "5001", 2024, "nb", out=out, today=date(2025, 3, 1))
    assert result.path == out and result.charts > 0 and not result.warnings
    return out


def test_chapters_follow_the_report_structure_as_real_word_headings(trondheim_docx, demo):
    doc = Document(trondheim_docx)
    headings = _headings(doc)
    rep = narrative.find_report(demo, "5001", 2024, "nb")
    chapters = [(f"Heading {s.level}", s.title) for s in narrative.sections(demo, rep.id, include_hidden=False)]
    chapter_headings = [h for h in headings if h in chapters]
    assert chapter_headings == chapters
    assert ("Heading 2", "Hovedfunn") in headings  # '#' inside a level-1 chapter is one level down
    assert headings[-1] == ("Heading 1", "Vedlegg: Definisjoner og kilder")


def test_cover_shows_municipality_year_title_date_and_draft_status(trondheim_docx):
    doc = Document(trondheim_docx)
    first = [p.text for p in doc.paragraphs[:8]]
    assert "Tilstandsrapport for barnevernstjenesten" in first
    assert "Trondheim - Tråante" in first and "2024" in first
    assert "Utkast · 1. mars 2025" in first
    assert doc.core_properties.title == "Tilstandsrapport for barnevernstjenesten – Trondheim - Tråante 2024"


def test_no_template_tag_is_left_and_chapter_text_is_literal(trondheim_docx):
    doc = Document(trondheim_docx)
    text = _all_text(doc)
    assert INJECTION in [p.text for p in doc.paragraphs]
    without_injection = text.replace(INJECTION, "")
    assert "{{" not in without_injection and "{%" not in without_injection and "%}" not in without_injection
    xml = zipfile.ZipFile(trondheim_docx).read("word/document.xml").decode()
    assert "&lt;b&gt;&amp;amp; {{ 7*7 }} {% if %} &lt;/w:t&gt;" in xml


def test_markdown_becomes_word_formatting_not_raw_markup(trondheim_docx):
    doc = Document(trondheim_docx)
    para = next(p for p in doc.paragraphs if p.text.startswith("Tjenesten har god kapasitet"))
    assert "**" not in para.text and "](" not in para.text
    assert any(r.bold and r.text == "god kapasitet" for r in para.runs)
    assert any(r.italic and r.text == "stabile" for r in para.runs)
    link = para._p.find(qn("w:hyperlink"))
    assert link is not None and "".join(t.text for t in link.iter(qn("w:t"))) == "Bufdir"
    assert doc.part.rels[link.get(qn("r:id"))].target_ref == "https://www.bufdir.no"
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    numbers = [p.text for p in doc.paragraphs if p.style.name == "List Number"]
    assert bullets == ["Færre meldinger", "Flere tiltak"] and numbers == ["Rekruttere", "Beholde"]


def test_every_chart_is_a_png_with_alt_text_that_states_what_it_shows(trondheim_docx):
    doc = Document(trondheim_docx)
    pics = doc.inline_shapes
    assert len(pics) >= 5
    for shape in pics:
        docpr = shape._inline.find(WP_DOCPR)
        assert len(docpr.get("descr", "")) > 40, docpr.get("descr")
        assert "Trondheim" in docpr.get("descr") and re.search(r"20\d\d", docpr.get("descr"))
        assert docpr.get("title")
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        image = doc.part.related_parts[blip.embed]
        assert image.blob[:8] == b"\x89PNG\r\n\x1a\n"
    ids = [s._inline.find(WP_DOCPR).get("id") for s in pics]
    assert len(set(ids)) == len(ids), "Word wants every drawing id unique"
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("Figur")]
    assert len(captions) == len(pics)


def test_key_figure_tables_have_marked_header_rows_captions_and_a_source_line(trondheim_docx):
    doc = Document(trondheim_docx)
    assert len(doc.tables) >= 5
    for t in doc.tables:
        tr_pr = t.rows[0]._tr.trPr
        assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
        assert t._tbl.tblPr.find(qn("w:tblCaption")) is not None
        assert t._tbl.tblPr.find(qn("w:tblDescription")).get(qn("w:val"))
    key = [t for t in doc.tables if t.rows[0].cells[0].text == "Indikator" and len(t.columns) == 6]
    assert key[0].rows[0].cells[1].text == "Trondheim - Tråante"
    assert [c.text for c in key[0].rows[0].cells[3:]] == ["KOSTRA-gruppe 12", "Trøndelag - Trööndelage", "Landet"]
    # every key-figure table's source line, SSB's or the municipality's own (staff figures, user survey)
    # (the sample report: a table's source line marks the synthetic numbers; a chart's says «Eksempeldata.»)
    sources = [p.text for p in doc.paragraphs if p.text.startswith("Kilde: ") and "(syntetiske tall)" in p.text]
    assert len(sources) >= len(key)


def test_sample_data_is_announced_in_the_header_of_every_page_and_on_the_cover(trondheim_docx):
    doc = Document(trondheim_docx)
    for section in doc.sections:
        assert "EKSEMPELDATA" in "\n".join(p.text for p in section.header.paragraphs)
    assert any(p.text.startswith("Eksempeldata:") for p in doc.paragraphs[:10])


def test_document_language_and_page_numbers_are_set(trondheim_docx):
    doc = Document(trondheim_docx)
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "nb-NO"
    footer = "".join(doc.sections[0].footer._element.itertext())
    instr = [i.text.strip() for i in doc.sections[0].footer._element.iter(qn("w:instrText"))]
    assert footer.startswith("Side") and instr == ["PAGE", "NUMPAGES"]
    toc = [i.text for i in doc.element.body.iter(qn("w:instrText")) if "TOC" in i.text]
    assert toc and '\\o "1-2"' in toc[0]


@pytest.mark.slow
def test_nynorsk_report_uses_nynorsk_template_titles_and_labels(demo, tmp_path):
    _needs_charts()
    _write(demo, "5001", 2024, "nn", {"dekningsgrad": "Tenesta har god kapasitet."})
    out = report.render(demo, "5001", 2024, "nn", out=tmp_path / "nn.docx").path
    doc = Document(out)
    text = _all_text(doc)
    assert "Tilstandsrapport for barnevernstenesta" in text and "Innhald" in text
    assert ("Heading 1", "Kort samandrag") in _headings(doc)
    assert "Nøkkeltal" in text and "Kjelde: SSB" in text and "Vedlegg: Definisjonar og kjelder" in text
    assert "Tenesta har god kapasitet." in text
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "nn-NO"
    descrs = [s._inline.find(WP_DOCPR).get("descr") for s in doc.inline_shapes]
    assert descrs and all(d for d in descrs)


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_appendix_gives_each_definition_in_the_reports_own_malform(demo, tmp_path, language):
    out = report.render(demo, "5001", 2024, language, out=tmp_path / f"{language}.docx", with_charts=False).path
    doc = Document(out)
    header = ["Indikator", "Definisjon", "Kilde" if language == "nb" else "Kjelde", "Retning"]
    appendix = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == header]
    assert len(appendix) == 1
    by_name = {(i.name_nn if language == "nn" else i.name_nb): i for i in catalog.indicators().values()}
    rows = [[c.text for c in r.cells] for r in appendix[0].rows[1:]]
    assert len(rows) >= 10
    other = "nb" if language == "nn" else "nn"
    for name, definition, *_ in rows:
        ind = by_name[name]
        assert definition == ind.definition_in(language) and definition != ind.definition, name
        if ind.definition_nb != ind.definition_nn:
            assert definition != ind.definition_in(other), name
    if language == "nn":  # a few words only nynorsk has
        assert any(re.search(r"\b(innbyggjarar|talet|ikkje|heimen)\b", d) for _, d, *_ in rows)
    else:
        assert any(re.search(r"\b(innbyggere|antall|ikke|hjemmet)\b", d) for _, d, *_ in rows)


def test_suppressed_values_are_ssbs_colon_in_the_docx_never_the_number(demo, tmp_path):
    p = profile.build(demo, "5033", 2024)
    hidden = [r for r in p.rows if r.own.status == "x"]
    assert hidden, "the sample data has suppressed values for Tydal"
    out = report.render(demo, "5033", 2024, "nb", out=tmp_path / "tydal.docx", with_charts=False).path
    doc = Document(out)
    rows = {r.cells[0].text: [c.text for c in r.cells] for t in doc.tables if len(t.columns) == 6 for r in t.rows}
    shown = [r for r in hidden if r.indicator.name_nb in rows]
    assert shown
    for r in shown:
        assert rows[r.indicator.name_nb][1] == ":"
    raw = (
        demo.cursor()
        .execute(
            "SELECT value FROM observation WHERE region_code = '5033' AND year = 2024 "
            "AND indicator_id = 'barn_plasseringstiltak_31_12'"
        )
        .fetchone()
    )
    assert raw and 1 <= raw[0] <= 3
    assert any("skjult av personvernhensyn" in p.text for p in doc.paragraphs)


def test_an_unstarted_report_gives_bufdirs_chapters_with_placeholders(demo, tmp_path):
    out = report.render(demo, "5001", 2023, "nb", out=tmp_path / "tom.docx", with_charts=False).path
    doc = Document(out)
    assert ("Heading 1", "Kort oppsummering") in _headings(doc)
    assert sum(p.text.startswith("[Teksten til dette kapittelet") for p in doc.paragraphs) == len(
        narrative.default_chapters()
    )
    assert narrative.find_report(demo, "5001", 2023, "nb") is None  # exporting never creates a report


def test_hidden_chapters_stay_out_and_renamed_chapters_use_the_new_title(demo, tmp_path):
    rep = _write(demo, "5001", 2024, "nb", {})
    secs = {s.key: s for s in narrative.sections(demo, rep.id)}
    narrative.update_structure(demo, secs["samarbeid"].id, hidden=True, actor=leader())
    narrative.update_structure(demo, secs["innsats"].id, title="Mål og tiltak for 2025", actor=leader())
    doc = Document(report.render(demo, "5001", 2024, "nb", out=tmp_path / "r.docx", with_charts=False).path)
    titles = [t for _, t in _headings(doc)]
    assert "Samarbeid med andre sektorer" not in titles and "Mål og tiltak for 2025" in titles


def test_a_carried_over_chapter_says_so_until_it_is_edited(demo, tmp_path):
    _write(demo, "5001", 2023, "nb", {"utfordringsbildet": "Fjorårets utfordringer."})
    narrative.create_report(demo, "5001", 2024, "nb", actor=leader("Test Leder"), carry_over=True)
    doc = Document(report.render(demo, "5001", 2024, "nb", out=tmp_path / "r.docx", with_charts=False).path)
    texts = [p.text for p in doc.paragraphs]
    i = texts.index("Fjorårets utfordringer.")
    assert texts[i - 1] == "Teksten er overført fra rapporten for 2023 og er ikke oppdatert ennå."


def test_a_broken_or_missing_template_is_a_norwegian_input_error_and_no_file(demo, tmp_path):
    bad = tmp_path / "egen_mal.docx"
    bad.write_bytes(b"not a zip")
    out = tmp_path / "r.docx"
    with pytest.raises(InputError, match=r"egen_mal\.docx.*ikke et Word-dokument"):
        report.render(demo, "5001", 2024, "nb", out=out, template=bad, with_charts=False)
    with pytest.raises(InputError, match="finnes ikke"):
        report.render(demo, "5001", 2024, "nb", out=out, template=tmp_path / "nope.docx", with_charts=False)
    assert not out.exists()


def test_a_template_with_a_broken_tag_names_the_file(demo, tmp_path):
    doc = Document(report.template_path("nb"))
    doc.add_paragraph("{% if %}")
    bad = tmp_path / "kommunens_mal.docx"
    doc.save(bad)
    with pytest.raises(InputError, match=r"kommunens_mal\.docx.*mal-tagg"):
        report.render(demo, "5001", 2024, "nb", out=tmp_path / "r.docx", template=bad, with_charts=False)


def test_a_municipalitys_own_template_is_used(demo, tmp_path):
    doc = Document(report.template_path("nb"))
    doc.paragraphs[0].insert_paragraph_before("Malvik kommune – {{ municipality }} ({{ region_code }})")
    own = tmp_path / "egen.docx"
    doc.save(own)
    out = report.render(demo, "5001", 2024, "nb", out=tmp_path / "r.docx", template=own, with_charts=False).path
    assert Document(out).paragraphs[0].text == "Malvik kommune – Trondheim - Tråante (5001)"


def test_the_shipped_templates_are_what_the_builder_makes(tmp_path, monkeypatch):
    import report_templates.build_templates as builder

    monkeypatch.setattr(builder, "HERE", tmp_path)
    for lang in ("nb", "nn"):
        fresh = zipfile.ZipFile(builder.build(lang))
        shipped = zipfile.ZipFile(report.template_path(lang))
        for name in ("word/document.xml", "word/styles.xml", "word/header1.xml", "word/footer1.xml"):
            if name in fresh.namelist():
                assert fresh.read(name) == shipped.read(name), f"{lang}: {name} is stale; run build_templates.py"


def test_markdown_subset_parses_headings_lists_emphasis_and_links():
    blocks = parse("## Tittel\n\nEn **fet** og _kursiv_ [lenke](https://ks.no) tekst\nfortsetter.\n\n- a\n- b\n1. c")
    assert [b.kind for b in blocks] == ["heading", "paragraph", "bullets", "numbers"]
    assert blocks[0].level == 2
    assert Span("fet", bold=True) in blocks[1].spans and Span("kursiv", italic=True) in blocks[1].spans
    assert Span("lenke", href="https://ks.no") in blocks[1].spans
    assert blocks[1].spans[-1].text.endswith("tekst fortsetter.")


def test_markdown_never_makes_a_link_of_a_script_url_and_drops_control_characters():
    assert inline("[x](javascript:alert(1))")[0].href is None
    assert parse("a\x00b\x0bc")[0].spans[0].text == "abc"
    assert inline("2 * 3 * 4") == (Span("2 * 3 * 4"),)
    assert inline(r"\*ikke kursiv\*") == (Span("*ikke kursiv*"),)


def _template_with(tmp_path: Path, where: str, tag: str, name: str = "kommunens_mal.docx") -> Path:
    """The shipped template with one tag added to the body, the header or the document title."""
    doc = Document(report.template_path("nb"))
    if where == "body":
        doc.add_paragraph(tag)
    elif where == "header":
        doc.sections[0].header.add_paragraph(tag)
    else:
        doc.core_properties.title = tag
    path = tmp_path / name
    doc.save(path)
    return path


@pytest.mark.parametrize("where", ["body", "header", "title"])
def test_a_template_that_reaches_for_python_is_refused_and_runs_nothing(demo, tmp_path, where):
    marker = tmp_path / "eid"
    exploit = f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"
    bad = _template_with(tmp_path, where, exploit)
    out = tmp_path / "r.docx"
    with pytest.raises(InputError, match=r"kommunens_mal.docx.*«\{\{ cycler.__init__") as refused:
        report.render(demo, "5001", 2024, "nb", out=out, template=bad, with_charts=False)
    assert "ikke tillatt" in str(refused.value)
    assert not marker.exists() and not out.exists()


@pytest.mark.parametrize(
    "tag",
    [
        "{{ municipality.__class__ }}",
        "{{ title.upper() }}",
        "{{ municipality|attr('__class__') }}",
        "{{ year|format('%s') }}",
        "{{ lipsum }}",
        "{% for x in range(3) %}{{ x }}{% endfor %}",
        "{% set x = 1 %}",
        "{% include 'x' %}",
        "{{ body['x'] }}",
        "{% if sample.real %}ja{% endif %}",
    ],
)
def test_a_template_may_not_look_up_attributes_call_or_use_unlisted_filters(demo, tmp_path, tag):
    bad = _template_with(tmp_path, "body", tag)
    with pytest.raises(InputError, match=r"kommunens_mal.docx.*taggen «.+» er (ikke tillatt|ukjent)"):
        report.render(demo, "5001", 2024, "nb", out=tmp_path / "r.docx", template=bad, with_charts=False)


def test_a_template_with_an_unknown_tag_is_refused_naming_the_tag(demo, tmp_path):
    bad = _template_with(tmp_path, "header", "{{ ordforer }}")
    with pytest.raises(InputError, match=r"kommunens_mal.docx.*«\{\{ ordforer \}\}».*ukjent"):
        report.render(demo, "5001", 2024, "nb", out=tmp_path / "r.docx", template=bad, with_charts=False)


def test_the_documented_tags_conditions_and_plain_filters_still_render(demo, tmp_path):
    own = _template_with(
        tmp_path,
        "body",
        "{{ municipality|upper }} {% if language == 'nb' and not sample %}"
        "ekte{% elif sample %}eksempel{% else %}nn{% endif %} {{ region_code }}",
    )
    out = report.render(demo, "5001", 2024, "nb", out=tmp_path / "r.docx", template=own, with_charts=False).path
    assert "TRONDHEIM - TRÅANTE eksempel 5001" in [p.text for p in Document(out).paragraphs]


def test_the_tags_a_template_may_use_are_exactly_those_the_readme_documents():
    readme = (Path(report.TEMPLATE_DIR) / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("| `{{")]
    documented = {name for line in table for name in re.findall(r"\{\{p? (\w+) \}\}", line.split("|")[1])}
    assert documented == set(template_guard.TAGS)


def test_a_stored_region_name_with_control_characters_and_5000_characters_still_makes_a_valid_docx(demo, tmp_path):
    # a name imported before names were checked on import (or written into the database some other way)
    long_name = "Trondheim\x07\x1b[31m" + "x" * 5000
    demo.cursor().execute("UPDATE region SET name = ? WHERE code = '5001'", [long_name])
    out = report.render(demo, "5001", 2024, "nb", out=tmp_path / "r.docx", with_charts=False, today=date(2025, 3, 1))
    doc = Document(out.path)
    assert len(doc.core_properties.title) == 255
    assert doc.core_properties.title.startswith("Tilstandsrapport for barnevernstjenesten – Trondheim[31mxxx")
    assert "Trondheim[31m" + "x" * 5000 in [p.text for p in doc.paragraphs]  # the cover, without \x07 and ESC
    assert "\x07" not in _all_text(doc) and "\x1b" not in _all_text(doc)
    assert len(out.path.name) < 100
    assert len(report.file_name("5001", long_name, 2024, "nb", "docx")) <= 120


def _tables_with_footnotes(doc) -> list[tuple[list[list[str]], str]]:
    """Each key-figure table's cells and the paragraph right after it (its source line and footnote)."""
    out: list[tuple[list[list[str]], str]] = []
    body = list(doc.element.body.iterchildren())
    for i, el in enumerate(body):
        if el.tag != qn("w:tbl"):
            continue
        rows = [
            ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.iter(qn("w:tc"))]
            for tr in el.iter(qn("w:tr"))
        ]
        after = next((e for e in body[i + 1 :] if e.tag == qn("w:p")), None)
        text = "".join(t.text or "" for t in after.iter(qn("w:t"))) if after is not None else ""
        if rows and rows[0][0] == "Indikator" and text.startswith(("Kilde", "Kjelde")):
            out.append((rows, text))
    return out


@pytest.mark.parametrize(
    "language,hidden,children,employees,missing,not_imported",
    [
        (
            "nb",
            "«:» skjult av personvernhensyn",
            "for få barn",
            "for få ansatte",
            "«..» tall mangler",
            "ikke importert i Tilstand",
        ),
        (
            "nn",
            "«:» skjult av omsyn til personvernet",
            "for få barn",
            "for få tilsette",
            "«..» tal manglar",
            "ikkje importert i Tilstand",
        ),
    ],
)
def test_key_tables_show_ssbs_symbols_and_each_footnote_names_the_reasons_in_its_own_table(
    demo, tmp_path, language, hidden, children, employees, missing, not_imported
):
    # a figure of the quality chapter that nobody imported, for Tydal or any comparison
    demo.execute("DELETE FROM observation WHERE indicator_id = 'hjelpetiltak_evaluert_andel'")
    out = report.render(demo, "5033", 2024, language, out=tmp_path / f"tydal_{language}.docx", with_charts=False)
    tables = _tables_with_footnotes(Document(out.path))
    assert len(tables) >= 5
    cells = [c for rows, _ in tables for row in rows[1:] for c in row[1:]]
    assert ":" in cells and ".." in cells and "–" not in cells  # SSB's symbols, never a dash
    name = catalog.indicators()["hjelpetiltak_evaluert_andel"].name_in(language)
    rows, note = next((t, n) for t, n in tables if any(r[0] == name for r in t))
    assert next(r for r in rows if r[0] == name)[1:] == ["..", "..", "..", "..", ".."]  # shown, not left out
    assert f"«..» {'tal manglar' if language == 'nn' else 'tall mangler'}: {not_imported}" in note
    for rows, note in tables:
        used = {c for row in rows[1:] for c in row[1:]}
        # the footnote explains exactly the symbols that stand in this table
        assert (hidden in note) is (":" in used), note
        assert (missing in note) is (".." in used), note
        assert ("«.»" in note) is ("." in used), note
    notes = " ".join(note for _, note in tables)
    assert children in notes and employees in notes  # Tydal: few children and few employees, each named
    hidden_staff = [r for rows, note in tables for r in rows[1:] if ":" in r[1:] and employees in note]
    assert hidden_staff, "a staff figure hidden for too few employees, in a table whose footnote says so"
    assert "SSB har skjult" not in notes  # no SSB-hidden cell in Tydal's sample numbers: not mentioned


def test_counts_have_no_comparison_values_in_the_docx_only_a_not_applicable_mark(demo, tmp_path):
    """Never «Årsverk … 133 | KOSTRA-gruppe 12: 1 330»: a count has no comparison columns, or «.» in them."""
    p = profile.build(demo, "5001", 2024)
    counts = {r.indicator.name_nb for r in p.rows if not r.compared}
    out = report.render(demo, "5001", 2024, "nb", out=tmp_path / "r.docx", with_charts=False)
    tables = _tables_with_footnotes(Document(out.path))
    rows = [row for t, _ in tables for row in t[1:] if row[0] in counts]
    arsverk = [r for r in rows if r[0] == "Årsverk til saksbehandling og administrasjon (funksjon 244)"]
    assert arsverk and rows
    assert all(r[3:] in ([], [".", ".", "."]) for r in rows)  # no KOSTRA group, county or country total
    (group_total,) = demo.execute(
        "SELECT sum(value) FROM observation WHERE region_code = ? AND year = 2024 AND indicator_id = 'arsverk_244'",
        [p.kostra_group],
    ).fetchone()
    assert group_total, "the sample data has the KOSTRA group's FTEs"
    assert all(fmt.value(group_total, "count") not in r for r in arsverk)
    for t, note in tables:  # a «.» in a table is explained as a count not compared with a total
        if any("." in r[3:] for r in t[1:]):
            assert "«.» ikke aktuelt: et antall sammenlignes ikke med KOSTRA-gruppen" in note


def test_a_chapter_of_counts_only_gets_a_table_without_comparison_columns(demo, tmp_path):
    rep = narrative.create_report(demo, "5001", 2024, "nb", actor=leader("Test Leder"))
    first = narrative.sections(demo, rep.id)[0]
    demo.cursor().execute(
        "UPDATE section SET indicators = 'barn_melding_antall barn_tiltak_antall' WHERE id = ?", [first.id]
    )
    out = report.render(demo, "5001", 2024, "nb", out=tmp_path / "r.docx", with_charts=False)
    doc = Document(out.path)
    rows, note = next((t, n) for t, n in _tables_with_footnotes(doc) if t[1][0] == "Barn med melding")
    assert rows[0] == ["Indikator", "Trondheim - Tråante", "Endring fra 2023"]
    assert [r[0] for r in rows[1:]] == ["Barn med melding", "Barn med barnevernstiltak i løpet av året"]
    assert "«.»" not in note and "KOSTRA-gruppe 12" not in " ".join(c for r in rows for c in r)


# --- the KOSTRA group in the key-figure tables -------------------------------------------------------------


@pytest.mark.parametrize(
    "language,note",
    [
        ("nb", "KOSTRA-gruppen er anslått ut fra folketallet"),
        ("nn", "KOSTRA-gruppa er anslått ut frå folketalet"),
    ],
)
def test_a_group_guessed_from_population_is_named_estimated_in_the_key_tables_with_a_note(
    demo, tmp_path, language, note
):
    out = report.render(demo, "5006", 2024, language, out=tmp_path / f"steinkjer_{language}.docx", with_charts=False)
    tables = _tables_with_footnotes(Document(out.path))
    compared = [(rows, n) for rows, n in tables if len(rows[0]) == 6]
    assert compared
    for rows, footnote in compared:
        assert rows[0][3] == "KOSTRA-gruppe 9 (anslått)"
        assert note in footnote


def test_a_confirmed_or_fetched_group_has_no_estimated_mark_in_the_docx(demo, tmp_path):
    from tests.conftest import FORMATS
    from tilstand.access import SYSTEM
    from tilstand.ingest import klass

    trondheim = report.render(demo, "5001", 2024, "nb", out=tmp_path / "trondheim.docx", with_charts=False)
    assert "anslått" not in _all_text(Document(trondheim.path))
    klass.load_file(demo, SYSTEM, FORMATS / "ssb_klass_131_112_corresponds_from_2020.json", 2020)
    out = report.render(demo, "5006", 2024, "nb", out=tmp_path / "steinkjer.docx", with_charts=False)
    tables = _tables_with_footnotes(Document(out.path))
    assert {rows[0][3] for rows, _ in tables if len(rows[0]) == 6} == {"KOSTRA-gruppe 10"}
    assert "anslått" not in _all_text(Document(out.path))


def test_a_year_before_the_first_grouping_has_no_group_value_and_the_footnote_says_why(demo, tmp_path):
    out = report.render(demo, "5006", 2019, "nb", out=tmp_path / "steinkjer_2019.docx", with_charts=False)
    doc = Document(out.path)
    compared = [(rows, n) for rows, n in _tables_with_footnotes(doc) if len(rows[0]) == 6]
    assert compared
    for rows, footnote in compared:
        assert {row[3] for row in rows[1:]} <= {"..", "."}  # no group, so no group value
        if ".." in {row[3] for row in rows[1:]}:
            assert "kommunen har ingen KOSTRA-gruppe for året" in footnote
    assert "anslått" not in _all_text(doc)


@pytest.mark.parametrize(
    "language,reason",
    [
        ("nb", "Tegnforklaring: «:» skjult av personvernhensyn: for få barn"),
        ("nn", "Teiknforklaring: «:» skjult av omsyn til personvernet: for få barn"),
    ],
)
def test_a_charts_source_line_names_the_reason_for_its_gaps(demo, tmp_path, language, reason):
    """Leka's children with measures are hidden in three years: the chart is a line with gaps, and the line
    under the figure names the symbol and the reason, as the chart's table does."""
    _needs_charts()
    rep = narrative.create_report(demo, "5052", 2024, language, actor=leader("Test Leder"))
    sections = narrative.sections(demo, rep.id)
    demo.cursor().execute("UPDATE section SET indicators = '' WHERE report_id = ?", [rep.id])
    demo.cursor().execute("UPDATE section SET indicators = 'barn_tiltak_andel' WHERE id = ?", [sections[0].id])
    out = report.render(demo, "5052", 2024, language, out=tmp_path / f"leka_{language}.docx")
    doc = Document(out.path)
    assert out.charts == 1 and len(doc.inline_shapes) == 1
    texts = [p.text for p in doc.paragraphs]
    caption = next(i for i, t in enumerate(texts) if t.startswith("Figur 1."))
    line = texts[caption + 1]
    assert line.startswith(("Kilde: SSB", "Kjelde: SSB")) and reason in line
    assert "2018" not in line  # the years are in the figure's note and alt text; the line gives the rule
