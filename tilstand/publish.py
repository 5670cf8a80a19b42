"""Publishing: the report frozen exactly as the council receives it.

A publication stores the DOCX (and PDF when LibreOffice is there) as bytes, and a snapshot of what the
published pages show: each visible chapter's text, its charts as plotly JSON, its key figures already
formatted with suppression applied, the definitions and the comparison names. Later imports, text
edits or catalogue changes never touch a publication; publishing again makes a new one, and the old
one stays listed with its date.

Rendering takes seconds, so it happens before the write transaction. Whether the report or the
numbers changed in the meantime is checked inside the transaction (a fingerprint of the report's
chapters, the latest import and the catalogue version); if they did, everything is built again.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from tilstand import charts, narrative, pdf, peers, profile, report, store, tables
from tilstand.access import Actor, record, require
from tilstand.review import STATE_NB, StateError, _write_state

SNAPSHOT_FORMAT = 1
KEY_FIGURE_COLUMNS = tuple(c for c in tables.COLUMNS if c != tables.TREND)
DEFINITION_COLUMNS = (tables.INDICATOR, tables.DEFINITION, tables.SOURCE, tables.DIRECTION)
ATTEMPTS = 3  # builds before giving up when the report keeps changing while it is being published


@dataclass(frozen=True)
class PublicationInfo:
    id: int
    report_id: int
    region_code: str
    region_name: str  # as it was at publishing
    year: int
    language: str
    published_at: datetime
    published_by: str
    has_pdf: bool


@dataclass(frozen=True)
class FrozenChart:
    id: str
    title: str
    figure_json: str  # plotly's fig.to_json(), exactly as built: plotly.io.from_json(...) gives the figure
    alt: str
    source: str
    legend: str = ""  # the symbols behind the chart's gaps and why (empty in snapshots before it)


@dataclass(frozen=True)
class FrozenChapter:
    key: str
    title: str
    level: int
    body: str  # Markdown as the leader wrote it
    charts: tuple[FrozenChart, ...]
    key_figures: tuple[dict[str, str], ...]  # formatted rows, columns key_figure_columns
    key_figure_columns: tuple[str, ...]
    version: int = 0  # the chapter's text version that was published (0: never written)
    carried_over: bool = False  # the text came from last year's report unedited (the DOCX says so too)
    key_figure_legend: str = ""  # the SSB symbols in key_figures and why (empty in snapshots before it)


@dataclass(frozen=True)
class Snapshot:
    info: PublicationInfo
    sample: bool  # Eksempeldata: synthetic numbers
    chapters: tuple[FrozenChapter, ...]
    definitions: tuple[dict[str, str], ...]  # columns DEFINITION_COLUMNS
    names: dict[str, str]  # 'group', 'county', 'country' -> region name


class _Changed(Exception):
    """The report or the numbers changed while the publication was being built."""


# --- publishing ---------------------------------------------------------------------------------


log = logging.getLogger(__name__)


def publish(
    con: duckdb.DuckDBPyConnection, actor: Actor, report_id: int, *, today: date | None = None
) -> PublicationInfo:
    """Freeze the report (state 'done') as a new publication and set it to 'published'."""
    rep = narrative.get_report(con, report_id)
    target = f"report:{report_id}"
    require(con, actor, "publish", rep.region_code, target=target)
    for _ in range(ATTEMPTS):
        before = _fingerprint(con.cursor(), report_id)
        if before[0] != "done":
            raise StateError(
                f"Rapporten er «{STATE_NB[before[0]]}». Den må merkes som «Ferdig» før den kan publiseres."
            )
        started = time.perf_counter()
        docx, pdf_bytes, content, notes = _build(con, rep, today or date.today())
        now = datetime.now()
        try:
            with store.transaction(con) as cur:
                if _fingerprint(cur, report_id) != before:
                    raise _Changed
                publication_id = store.scalar(
                    cur,
                    "INSERT INTO publication (report_id, region_code, year, language, published_at, published_by, "
                    "snapshot, docx, pdf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    [
                        report_id,
                        rep.region_code,
                        rep.year,
                        rep.language,
                        now,
                        actor.display_name,
                        json.dumps(content, ensure_ascii=False),
                        docx,
                        pdf_bytes,
                    ],
                )
                _write_state(cur, actor, report_id, "published")
                detail = (
                    f"publikasjon {publication_id}: {rep.year} {rep.language}, "
                    f"{time.perf_counter() - started:.1f} s" + "".join(f"; {n}" for n in notes)
                )
                record(cur, actor, "publish", region=rep.region_code, target=target, detail=detail)
        except (_Changed, duckdb.TransactionException):
            continue
        log.info(
            "published: region %s, year %s, %s, publication %s, %s, %.2f s",
            rep.region_code,
            rep.year,
            rep.language,
            publication_id,
            "DOCX and PDF" if pdf_bytes is not None else "DOCX",
            time.perf_counter() - started,
        )
        return PublicationInfo(
            publication_id,
            report_id,
            rep.region_code,
            content["region_name"],
            rep.year,
            rep.language,
            now,
            actor.display_name,
            pdf_bytes is not None,
        )
    raise StateError(
        "Rapporten eller tallene ble endret mens rapporten ble publisert, flere ganger på rad. "
        "Ingenting er publisert. Prøv igjen om litt."
    )


def _fingerprint(cur: duckdb.DuckDBPyConnection, report_id: int) -> tuple:
    """Everything the published document depends on: state, chapters with their latest text version,
    the latest import and the catalogue's version."""
    state = store.scalar(cur, "SELECT state FROM report WHERE id = ?", [report_id])
    sections = tuple(narrative.sections(cur, report_id, cursor=cur))
    last_import = store.scalar(cur, "SELECT max(id) FROM import_log")
    reference = cur.execute("SELECT value FROM meta WHERE key = 'reference_digest'").fetchone()
    return state, sections, last_import, reference


def _build(
    con: duckdb.DuckDBPyConnection, rep: narrative.Report, today: date
) -> tuple[bytes, bytes | None, dict, list[str]]:
    """The DOCX, the PDF (None without LibreOffice or when it failed) and the snapshot, from the same data."""
    notes: list[str] = []
    content = _content(con, rep)
    name = report.file_name(rep.region_code, content["region_name"], rep.year, rep.language, "docx")
    with tempfile.TemporaryDirectory(prefix="tilstand-publish-") as tmp:
        docx_path = Path(tmp) / name
        result = report.render(
            con, rep.region_code, rep.year, rep.language, out=docx_path, today=today, state="published"
        )
        notes.extend(result.warnings)
        pdf_bytes = None
        if pdf.available():
            pdf_path = docx_path.with_suffix(".pdf")
            try:
                # The PDF is made from the very DOCX that is frozen, not from a second rendering.
                with report.PDF_SLOTS:
                    pdf.to_pdf(docx_path, pdf_path)
                pdf_bytes = pdf_path.read_bytes()
            except (pdf.PdfUnavailableError, pdf.PdfConversionError) as e:
                notes.append(f"uten PDF: {e}")
        else:
            notes.append("uten PDF: LibreOffice er ikke installert")
        return docx_path.read_bytes(), pdf_bytes, content, notes


def _content(con: duckdb.DuckDBPyConnection, rep: narrative.Report) -> dict:
    """The snapshot as JSON-ready data: the same chapters, charts and numbers report.render uses."""
    p = profile.build(con, rep.region_code, rep.year)
    chapters = []
    seen: set[str] = set()  # as in the DOCX: an indicator in two chapters gets its chart in the first only
    used: set[str] = set()
    peer_set = peers.for_report(con, rep.region_code, rep.year)
    compare = charts.COMPARE_ALL if peer_set else charts.COMPARE_DEFAULT
    for s in narrative.sections(con, rep.id, include_hidden=False):
        frozen_charts = []
        for definition in charts.for_indicators(s.indicators):
            if definition.id in seen:
                continue
            seen.add(definition.id)
            chart = charts.build(
                con, definition, rep.region_code, rep.year, rep.language, compare=compare, peers=peer_set
            )
            if not chart.empty:
                frozen_charts.append(
                    {
                        "id": definition.id,
                        "title": definition.title(rep.language),
                        "figure_json": chart.figure.to_json(),
                        "alt": chart.alt,
                        "source": chart.source,
                        "legend": chart.table.legend if chart.table else "",
                    }
                )
        rows = tables.chapter_rows(p, s.indicators)  # as the DOCX: a figure not imported is a row of «..»
        used |= set(s.indicators)
        chapters.append(
            {
                "key": s.key,
                "title": s.title,
                "level": s.level,
                "body": s.body,
                "version": s.version,
                "carried_over": s.carried_over,
                "charts": frozen_charts,
                "key_figures": [_key_figure(p, r, rep.language) for r in rows],
                "key_figure_columns": list(KEY_FIGURE_COLUMNS),
                "key_figure_legend": tables.legend(rows, rep.language),
            }
        )
    definitions = [_definition(p, r, rep.language) for r in tables.chapter_rows(p, used)]
    return {
        "format": SNAPSHOT_FORMAT,
        "region_name": p.region_name,
        "sample": p.sample,
        "chapters": chapters,
        "definitions": definitions,
        "names": dict(p.names),
    }


def _one(p: profile.Profile, row: profile.ProfileRow) -> profile.Profile:
    return dataclasses.replace(p, rows=(row,))


def _key_figure(p: profile.Profile, row: profile.ProfileRow, language: str) -> dict[str, str]:
    """The row as the profile page shows it (tables.profile_rows), without the trend sparkline."""
    shown = tables.profile_rows(_one(p, row), row.indicator.area)[0]
    out = {c: str(shown[c]) for c in KEY_FIGURE_COLUMNS}
    out[tables.INDICATOR] = row.indicator.name_in(language)
    return out


def _definition(p: profile.Profile, row: profile.ProfileRow, language: str) -> dict[str, str]:
    return dict(tables.definitions(_one(p, row), row.indicator.area, language)[0])


# --- reading publications -----------------------------------------------------------------------

_INFO_COLUMNS = (
    "id, report_id, region_code, snapshot->>'$.region_name', year, language, published_at, "
    "published_by, pdf IS NOT NULL"
)


def publications(con: duckdb.DuckDBPyConnection, actor: Actor, region: str | None = None) -> list[PublicationInfo]:
    """Publications the actor may read, newest first; only one region's when `region` is given."""
    allowed = actor.regions("read_published")
    if allowed is not None and region is not None:
        allowed = [r for r in allowed if r == region]
    elif allowed is None and region is not None:
        allowed = [region]
    sql, params = f"SELECT {_INFO_COLUMNS} FROM publication", []
    if allowed is not None:
        if not allowed:
            return []
        sql += " WHERE list_contains(?, region_code)"
        params.append(allowed)
    rows = con.cursor().execute(sql + " ORDER BY published_at DESC, id DESC", params).fetchall()
    return [PublicationInfo(*r) for r in rows]


def _row(con: duckdb.DuckDBPyConnection, actor: Actor, publication_id: int, columns: str) -> tuple:
    """One publication's columns after checking the actor may read it (PermissionDenied, KeyError)."""
    row = (
        con.cursor()
        .execute(f"SELECT region_code, {columns} FROM publication WHERE id = ?", [publication_id])
        .fetchone()
    )
    if not row:
        raise KeyError(publication_id)
    require(con, actor, "read_published", row[0], target=f"publication:{publication_id}")
    return row[1:]


def snapshot(con: duckdb.DuckDBPyConnection, actor: Actor, publication_id: int) -> Snapshot:
    """The publication as the council got it."""
    *info, content = _row(con, actor, publication_id, f"{_INFO_COLUMNS}, snapshot")
    data = json.loads(content)
    return Snapshot(
        info=PublicationInfo(*info),
        sample=bool(data["sample"]),
        chapters=tuple(
            FrozenChapter(
                key=c["key"],
                title=c["title"],
                level=c["level"],
                body=c["body"],
                charts=tuple(FrozenChart(**f) for f in c["charts"]),
                key_figures=tuple(c["key_figures"]),
                key_figure_columns=tuple(c["key_figure_columns"]),
                version=c.get("version", 0),
                carried_over=c.get("carried_over", False),
                key_figure_legend=c.get("key_figure_legend", ""),
            )
            for c in data["chapters"]
        ),
        definitions=tuple(data["definitions"]),
        names=dict(data["names"]),
    )


def document(con: duckdb.DuckDBPyConnection, actor: Actor, publication_id: int, kind: str = "docx") -> bytes | None:
    """The frozen DOCX or PDF bytes; None when the publication has no PDF."""
    if kind not in ("docx", "pdf"):
        raise ValueError(kind)
    (blob,) = _row(con, actor, publication_id, kind)
    return bytes(blob) if blob is not None else None
