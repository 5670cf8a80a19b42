"""The council document: a report (region, year, language) rendered to DOCX (and PDF) from a template.

The template (report_templates/tilstandsrapport_nb.docx / _nn.docx, or a municipality's own) carries
the look: cover, header, footer, styles and a table-of-contents field. Everything the numbers and the
leader's text make is built here with python-docx as a docxtpl sub-document and dropped into the
template's `{{p body }}` and `{{p appendix }}` tags. Chapter text never passes through jinja2, so
`{{ 7*7 }}` or `<b>` in a chapter comes out exactly as typed.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import jinja2
from docxtpl import DocxTemplate

from tilstand import (
    catalog,
    charts,
    markdown,
    narrative,
    pdf,
    peers,
    profile,
    queries,
    resources,
    template_guard,
    wordml,
    words,
)
from tilstand.charts import render as chart_render
from tilstand.errors import InputError
from tilstand.symbols import legend
from tilstand.tables import chapter_rows, key_cells

TEMPLATE_DIR = resources.REPORT_TEMPLATES

# Each LibreOffice conversion holds ~160 MB; many council members clicking at once must not exhaust memory.
PDF_SLOTS = threading.BoundedSemaphore(2)
MAX_PROPERTY = 255  # python-docx refuses longer core properties, as Word does
MAX_NAME_IN_FILE = 60  # of the region name in a download's file name (file systems allow 255 bytes in all)


@dataclass(frozen=True)
class Part:
    """One chapter as it goes into the document (a saved section, or Bufdir's default when unsaved)."""

    key: str
    title: str
    level: int
    body: str
    indicators: tuple[str, ...]
    carried_over: bool


@dataclass
class Result:
    path: Path
    seconds: float
    charts: int = 0
    chapters: int = 0
    warnings: list[str] = field(default_factory=list)


def template_path(language: str) -> Path:
    return TEMPLATE_DIR / f"tilstandsrapport_{language}.docx"


def parts(con: duckdb.DuckDBPyConnection, region: str, year: int, language: str) -> tuple[list[Part], str]:
    """The visible chapters in order and the report's state; Bufdir's chapters, empty, if none is started."""
    report = narrative.find_report(con, region, year, language)
    if report is None:
        return [
            Part(c.key, c.title(language), c.level, "", c.indicators, False) for c in narrative.default_chapters()
        ], "draft"
    return [
        Part(s.key, s.title, s.level, s.body, s.indicators, s.carried_over)
        for s in narrative.sections(con, report.id, include_hidden=False)
    ], report.state


def _sources(rows: list[profile.ProfileRow], sample: bool, language: str) -> str:
    line = words.t("source.line", language, sources=catalog.source_label([r.indicator for r in rows], language))
    return f"{line} {words.t('source.sample', language)}" if sample else line


def _key_rows(p: profile.Profile, part: Part) -> list[profile.ProfileRow]:
    """The chapter's indicators, one row each; one with nothing imported is a row of «..», not left out."""
    return chapter_rows(p, part.indicators)


def _key_table(doc, p: profile.Profile, part: Part, rows: list[profile.ProfileRow], n: int, language: str) -> None:
    group = p.names.get("group") or words.t("comparison.group", language)
    county, country = p.names.get("county") or "", p.names.get("country") or ""
    header = [words.t("table.indicator", language), p.region_name, words.t("table.change", language, year=p.year - 1)]
    compared = any(r.compared for r in rows)  # a table of counts only has no comparison columns at all
    if compared:
        header += [group, county, country]
    cells = [key_cells(r)[: len(header) - 1] for r in rows]  # numbers, or SSB's symbols (tilstand/symbols.py)
    values = [[r.indicator.name_in(language), *(c for c, _ in row)] for r, row in zip(rows, cells, strict=True)]
    description = words.t(
        "table.description" if compared else "table.description_counts",
        language,
        title=part.title,
        year=p.year,
        group=group,
        county=county,
        country=country,
    )
    caption = words.t("table.caption", language, n=n, title=part.title, year=p.year)
    wordml.caption(doc, caption)
    wordml.table(
        doc,
        header,
        values,
        caption=caption,
        description=description,
        widths_cm=[5.2, 2.2, 2.4, 2.2, 2.0, 2.0] if compared else [8.0, 4.0, 4.0],
    )
    notes = _sources(rows, p.sample, language)
    if p.group_estimated and group in header:  # the group's name says «(anslått)»; the note says why
        notes += " " + words.t("report.group_estimated", language)
    footnote = legend((m for row in cells for _, m in row), language)  # the reasons present in this table
    wordml.small(doc, f"{notes} {footnote}" if footnote else notes)


@dataclass
class _Figure:
    part_key: str
    chart: charts.Chart
    png: bytes | None = None


def _figures(con, p: profile.Profile, chapters: list[Part], language: str, warnings: list[str]) -> list[_Figure]:
    """Every non-empty chart of every chapter, rendered to PNG in one concurrent, cached batch."""
    out = []
    seen: set[str] = set()  # an indicator in two chapters gets its chart in the first only
    peer_set = peers.for_report(con, p.region_code, p.year)
    compare = charts.COMPARE_ALL if peer_set else charts.COMPARE_DEFAULT
    for part in chapters:
        for definition in charts.for_indicators(part.indicators):
            if definition.id in seen:
                continue
            seen.add(definition.id)
            chart = charts.build(con, definition, p.region_code, p.year, language, compare=compare, peers=peer_set)
            if not chart.empty:
                out.append(_Figure(part.key, chart))
    if not out:
        return out
    if not chart_render.renderer_available():
        warnings.append(words.t("report.no_charts", language, reason=words.t("report.no_chromium", language)))
        return out
    try:
        images = chart_render.png([f.chart.figure for f in out])
    except chart_render.ChartRenderError as e:
        warnings.append(words.t("report.no_charts", language, reason=str(e)))
        return out
    for f, png in zip(out, images, strict=False):
        f.png = png
    return out


def _body(
    tpl: DocxTemplate,
    con,
    p: profile.Profile,
    chapters: list[Part],
    language: str,
    carried_from: int,
    warnings: list[str],
    with_charts: bool,
):
    doc = tpl.new_subdoc()
    figures = _figures(con, p, chapters, language, warnings) if with_charts else []
    if warnings:
        wordml.small(doc, " ".join(warnings), italic=True)
    n_fig = n_tab = 0
    for part in chapters:
        wordml.heading(doc, part.title, part.level)
        if part.carried_over and part.body.strip():
            wordml.small(doc, words.t("report.carried", language, year=carried_from), italic=True)
        blocks = markdown.parse(part.body)
        if blocks:
            wordml.blocks(doc, blocks, base_level=part.level)
        else:
            wordml.paragraph(doc, [markdown.Span(words.t("report.empty", language), italic=True)])
        for f in figures:
            if f.part_key != part.key or not f.png:
                continue
            n_fig += 1
            title = f.chart.definition.title(language)
            wordml.image(doc, f.png, alt=f.chart.alt, title=title)
            wordml.caption(doc, words.t("report.figure", language, n=n_fig, title=title))
            # the symbols behind the chart's gaps and the reasons present (the image's note says them short)
            footnote = f.chart.table.legend if f.chart.table is not None else ""
            wordml.small(doc, f"{f.chart.source} {footnote}" if footnote else f.chart.source)
        rows = _key_rows(p, part)
        if rows:
            n_tab += 1
            _key_table(doc, p, part, rows, n_tab, language)
    return doc, n_fig


def _appendix(tpl: DocxTemplate, p: profile.Profile, chapters: list[Part], language: str):
    doc = tpl.new_subdoc()
    used = {i for part in chapters for i in part.indicators}
    rows = chapter_rows(p, used)
    if not rows:
        return doc
    appendix = words.t("table.appendix", language)
    wordml.heading(doc, appendix, 1)
    wordml.paragraph(doc, [markdown.Span(words.t("table.appendix_intro", language))])
    wordml.table(
        doc,
        [
            words.t("table.indicator", language),
            words.t("table.definition", language),
            words.t("table.source", language),
            words.t("table.direction", language),
        ],
        [
            [
                r.indicator.name_in(language),
                r.indicator.definition_in(language),
                catalog.source_label([r.indicator], language),
                words.section("direction", language).get(r.indicator.better, ""),
            ]
            for r in rows
        ],
        caption=appendix,
        description=words.t("table.appendix_description", language),
        widths_cm=[4.0, 7.0, 3.5, 2.5],
        numeric_from=99,
    )
    return doc


class _Template(DocxTemplate):
    """docxtpl's template, with the document properties rendered as plain text (python-docx escapes them
    itself), cleaned of XML-illegal characters and cut to the 255 characters Word allows."""

    def render_properties(self, context, jinja_env=None) -> None:
        plain = jinja_env.overlay(autoescape=False)  # the overlay is a TemplateGuard too
        props = self.docx.core_properties
        for prop in template_guard.PROPERTIES:
            rendered = plain.from_string(getattr(props, prop) or "").render(context)
            setattr(props, prop, markdown.clean(rendered)[:MAX_PROPERTY])


def _open_template(template: Path) -> tuple[_Template, template_guard.TemplateGuard]:
    """The template, checked: only the documented tags (report_templates/README.md), nothing that runs code."""
    if not template.is_file():
        raise InputError(template, None, "mal", "malfilen finnes ikke.")
    if not zipfile.is_zipfile(template):
        raise InputError(template, None, "mal", "filen er ikke et Word-dokument (.docx).")
    try:
        tpl = _Template(template)
        tpl.get_docx()
    except Exception as e:  # noqa: BLE001 - any unreadable template is the user's file, not our bug
        raise InputError(template, None, "mal", f"Word-malen kan ikke leses ({e.__class__.__name__}).") from None
    guard = template_guard.TemplateGuard(template)
    try:
        template_guard.check(guard, tpl)
    except jinja2.TemplateError as e:
        raise _tag_error(e, template) from None
    return tpl, guard


def _tag_error(e: jinja2.TemplateError, template: Path) -> InputError:
    return InputError(template, getattr(e, "lineno", None), "mal", f"feil i en mal-tagg: {e.message or e}.")


def _context_text(value):
    """A context value as it may go into Word XML: no control characters (an imported name could hold them)."""
    return markdown.clean(value) if isinstance(value, str) else value


log = logging.getLogger(__name__)  # what was exported, for whom and how fast; never a word of the text


def render(
    con: duckdb.DuckDBPyConnection,
    region: str,
    year: int,
    language: str = "nb",
    *,
    out: Path,
    template: Path | None = None,
    with_charts: bool = True,
    today: date | None = None,
    state: str | None = None,
) -> Result:
    """Write the DOCX for one report to `out` (atomically: a half-written file never replaces a good one).

    `state` overrides the report's own state on the cover (publishing renders the copy that will be
    «Publisert» while the report is still «Ferdig»)."""
    started = time.perf_counter()
    if language not in narrative.LANGUAGES:
        raise InputError(None, None, "målform", f"ukjent målform «{language}» (bruk nb eller nn).")
    if not queries.run(con, "region", code=region).height:
        raise InputError(None, None, "kommune", f"ukjent kommunenummer «{region}».")
    p = profile.build(con, region, year)
    if not p.rows and not narrative.find_report(con, region, year, language):
        raise InputError(None, None, "kommune", f"ingen tall eller rapport for {region} i {year}.")
    chapters, stored_state = parts(con, region, year, language)
    state = state or stored_state
    tpl, guard = _open_template(template or template_path(language))
    warnings: list[str] = []
    body, n_fig = _body(tpl, con, p, chapters, language, year - 1, warnings, with_charts)
    context = {
        "title": words.t("report.title", language),
        "short_title": words.t("report.short_title", language),
        "municipality": p.region_name,
        "region_code": region,
        "year": year,
        "date": words.date(today or date.today(), language),
        "status": words.section("state", language).get(state, state),
        "language": language,
        "sample": p.sample,
        "sample_notice": words.t("report.sample_notice", language),
        "sample_header": words.t("report.sample_header", language),
        "kostra_group": p.names.get("group", ""),
        "county": p.names.get("county", ""),
        "body": body,
        "appendix": _appendix(tpl, p, chapters, language),
    }
    context = {k: _context_text(v) for k, v in context.items()}
    try:
        tpl.render(context, jinja_env=guard)
    except jinja2.TemplateError as e:
        raise _tag_error(e, template or template_path(language)) from None
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".rapport-", suffix=".docx", dir=out.parent)
    os.close(fd)
    try:
        tpl.save(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    seconds = time.perf_counter() - started
    log.info(
        "exported DOCX: region %s, year %s, %s, %d chapters, %d charts, %.2f s",
        region,
        year,
        language,
        len(chapters),
        n_fig,
        seconds,
    )
    return Result(out, seconds, charts=n_fig, chapters=len(chapters), warnings=warnings)


def render_pdf(
    con: duckdb.DuckDBPyConnection,
    region: str,
    year: int,
    language: str = "nb",
    *,
    out: Path,
    template: Path | None = None,
    today: date | None = None,
) -> Result:
    """The same document as PDF through LibreOffice (table of contents filled in)."""
    started = time.perf_counter()
    if not pdf.available():
        raise pdf.PdfUnavailableError()
    with tempfile.TemporaryDirectory(prefix="tilstand-pdf-") as tmp:
        docx = render(
            con, region, year, language, out=Path(tmp) / f"{Path(out).stem}.docx", template=template, today=today
        )
        with PDF_SLOTS:
            pdf.to_pdf(docx.path, Path(out))
    seconds = time.perf_counter() - started
    log.info("exported PDF: region %s, year %s, %s, %.2f s", region, year, language, seconds)
    return Result(Path(out), seconds, docx.charts, docx.chapters, docx.warnings)


def file_name(region: str, name: str, year: int, language: str, suffix: str) -> str:
    """'Tilstandsrapport_2024_5001_Trondheim_nb.docx': safe on every file system (short enough too), sorts by year."""
    safe = re.sub(r"[^0-9A-Za-zÆØÅæøå]+", "_", name).strip("_")[:MAX_NAME_IN_FILE].rstrip("_")
    return f"Tilstandsrapport_{year}_{region}_{safe}_{language}.{suffix}"
