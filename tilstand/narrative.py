"""The report's text: reports, their chapters (sections) and every saved version of each chapter.

Text a leader wrote is never lost: every save is a new version row (never an update), committed before
the call returns, so it survives a browser refresh, a server restart and a kill -9. Two people editing
the same chapter cannot overwrite each other: a save names the version it started from, and a save on
a stale version is refused with both texts (StaleVersionError), nothing written. Only a real clash is a
conflict: a save that fails for any other reason (a full disk) is TextNotSavedError, so the page keeps
the text in the editor and says it was not saved, instead of offering to replace it with the stored one.
"""

from __future__ import annotations

import csv
import difflib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files

import duckdb

from tilstand import store, words
from tilstand.access import Actor, record, require
from tilstand.errors import TilstandError
from tilstand.storage_errors import is_conflict, storage_error

LANGUAGES = words.LANGUAGES
STATUSES = ("empty", "draft", "written")
STATUS_NB = words.section("status", "nb")  # a chapter's status as the writing room names it (messages/*.toml)


class StaleVersionError(TilstandError):
    """Someone saved this chapter after the version the editor started from."""

    def __init__(self, current: Version, attempted_body: str, base_version: int):
        self.current = current
        self.attempted_body = attempted_body
        self.base_version = base_version
        super().__init__(
            f"Kapittelet er endret av {current.author} ({words.when(current.saved_at)}) etter at du begynte "
            f"(du startet fra versjon {base_version}, nå er det versjon {current.n}). Teksten din er ikke lagret "
            "over den andre; begge tekstene vises slik at du kan slå dem sammen."
        )


class TextNotSavedError(TilstandError):
    """A save failed for a reason other than someone else's newer version; nothing was written."""

    def __init__(self, reason: str, body: str):
        self.reason = reason
        self.body = body
        super().__init__(
            f"Teksten er ikke lagret. {reason} Teksten din står fortsatt i redigeringsfeltet; "
            "lukk ikke siden før den er lagret, og kopier den gjerne til et trygt sted."
        )


class StructureError(TilstandError):
    """A change to the chapters that cannot be made as given; nothing was changed."""


@dataclass(frozen=True)
class Report:
    id: int
    region_code: str
    year: int
    language: str
    state: str
    carried_from: int | None


@dataclass(frozen=True)
class Version:
    section_id: int
    n: int
    body: str
    author: str
    saved_at: datetime
    note: str | None
    carried_over: bool


@dataclass(frozen=True)
class Section:
    id: int
    report_id: int
    key: str
    title: str
    position: int
    level: int
    indicators: tuple[str, ...]
    hidden: bool
    status: str
    version: int  # latest version number, 0 when nothing is saved
    body: str
    carried_over: bool  # the latest text came from last year's report and has not been edited


@dataclass(frozen=True)
class Chapter:
    key: str
    position: int
    level: int
    title_nb: str
    title_nn: str
    indicators: tuple[str, ...]
    guidance_nb: str

    def title(self, language: str) -> str:
        return self.title_nn if language == "nn" else self.title_nb


def default_chapters() -> list[Chapter]:
    """Bufdir's recommended structure (tilstand/data/chapters.csv); each report gets its own copy."""
    text = files("tilstand.data").joinpath("chapters.csv").read_text(encoding="utf-8")
    return [
        Chapter(
            r["key"],
            int(r["position"]),
            int(r["level"]),
            r["title_nb"],
            r["title_nn"],
            tuple(r["indicators"].split()),
            r["guidance_nb"],
        )
        for r in csv.DictReader(text.splitlines())
    ]


def chapter_guidance(key: str) -> str:
    return next((c.guidance_nb for c in default_chapters() if c.key == key), "")


@cache
def _chapter_areas() -> dict[str, str]:
    text = files("tilstand.data").joinpath("chapter_areas.csv").read_text(encoding="utf-8")
    return {r["chapter"]: r["area"] for r in csv.DictReader(text.splitlines())}


def area_of_chapter(key: str) -> str | None:
    """The area a chapter is about (tilstand/data/chapter_areas.csv: chapter key -> areas.csv key), so the
    writing room and the review page open the area's page with its peers and positions beside the chapter.
    None for a chapter of the leader's own text (summary, challenges, measures) or one the leader added."""
    return _chapter_areas().get(key)


def _report(row) -> Report:
    return Report(*row)


def find_report(con: duckdb.DuckDBPyConnection, region: str, year: int, language: str = "nb") -> Report | None:
    row = (
        con.cursor()
        .execute(
            "SELECT id, region_code, year, language, state, carried_from FROM report "
            "WHERE region_code = ? AND year = ? AND language = ?",
            [region, year, language],
        )
        .fetchone()
    )
    return _report(row) if row else None


def get_report(con: duckdb.DuckDBPyConnection, report_id: int) -> Report:
    row = (
        con.cursor()
        .execute("SELECT id, region_code, year, language, state, carried_from FROM report WHERE id = ?", [report_id])
        .fetchone()
    )
    if not row:
        raise KeyError(report_id)
    return _report(row)


def create_report(
    con: duckdb.DuckDBPyConnection,
    region: str,
    year: int,
    language: str = "nb",
    *,
    actor: Actor,
    carry_over: bool = False,
) -> Report:
    """A new report with Bufdir's chapters; optionally each chapter starts from last year's text."""
    if language not in LANGUAGES:
        raise ValueError(language)
    require(con, actor, "create_report", region)
    user = actor.display_name
    existing = find_report(con, region, year, language)
    if existing:
        return existing
    previous = find_report(con, region, year - 1, language) if carry_over else None
    now = datetime.now()
    with store.transaction(con) as cur:
        report_id = store.scalar(
            cur,
            "INSERT INTO report (region_code, year, language, created_at, created_by, carried_from) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [region, year, language, now, user, previous.id if previous else None],
        )
        old = {s.key: s for s in sections(con, previous.id, cursor=cur)} if previous else {}
        chapters = _chapters_for(old, language)
        for ch in chapters:
            section_id = store.scalar(
                cur,
                "INSERT INTO section (report_id, key, title, position, level, indicators, hidden, status) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [
                    report_id,
                    ch["key"],
                    ch["title"],
                    ch["position"],
                    ch["level"],
                    ch["indicators"],
                    ch["hidden"],
                    "draft" if ch["body"] else "empty",
                ],
            )
            if ch["body"]:
                cur.execute(
                    "INSERT INTO section_version VALUES (?, 1, ?, ?, ?, ?, TRUE)",
                    [section_id, ch["body"], user, now, f"overført fra {year - 1}"],
                )
        record(
            cur,
            actor,
            "create_report",
            region=region,
            target=f"report:{report_id}",
            detail=f"{year} {language}" + (f", tekst fra {year - 1}" if previous else ""),
        )
    return get_report(con, report_id)


def _chapters_for(old: dict[str, Section], language: str) -> list[dict]:
    """Last year's structure (renamed, reordered, added, hidden chapters) if there is one, else Bufdir's."""
    if old:
        return [
            {
                "key": s.key,
                "title": s.title,
                "position": s.position,
                "level": s.level,
                "indicators": " ".join(s.indicators),
                "hidden": s.hidden,
                "body": s.body,
            }
            for s in sorted(old.values(), key=lambda s: s.position)
        ]
    return [
        {
            "key": c.key,
            "title": c.title(language),
            "position": c.position,
            "level": c.level,
            "indicators": " ".join(c.indicators),
            "hidden": False,
            "body": "",
        }
        for c in default_chapters()
    ]


SECTIONS_SQL = """
SELECT s.id, s.report_id, s.key, s.title, s.position, s.level, s.indicators, s.hidden, s.status,
       coalesce(v.n, 0), coalesce(v.body, ''), coalesce(v.carried_over, FALSE)
FROM section s
LEFT JOIN (SELECT * FROM section_version QUALIFY row_number() OVER (PARTITION BY section_id ORDER BY n DESC) = 1) v
       ON v.section_id = s.id
WHERE s.report_id = ?
ORDER BY s.position, s.id
"""


def _section(row) -> Section:
    (sid, rid, key, title, position, level, indicators, hidden, status, n, body, carried) = row
    return Section(sid, rid, key, title, position, level, tuple(indicators.split()), hidden, status, n, body, carried)


def sections(
    con: duckdb.DuckDBPyConnection,
    report_id: int,
    *,
    include_hidden: bool = True,
    cursor: duckdb.DuckDBPyConnection | None = None,
) -> list[Section]:
    rows = (cursor or con.cursor()).execute(SECTIONS_SQL, [report_id]).fetchall()
    out = [_section(r) for r in rows]
    return out if include_hidden else [s for s in out if not s.hidden]


def section(con: duckdb.DuckDBPyConnection, section_id: int) -> Section:
    row = con.cursor().execute(SECTIONS_SQL.replace("WHERE s.report_id = ?", "WHERE s.id = ?"), [section_id]).fetchone()
    if not row:
        raise KeyError(section_id)
    return _section(row)


def _latest(cur: duckdb.DuckDBPyConnection, section_id: int) -> Version | None:
    row = cur.execute(
        "SELECT section_id, n, body, author, saved_at, note, carried_over FROM section_version "
        "WHERE section_id = ? ORDER BY n DESC LIMIT 1",
        [section_id],
    ).fetchone()
    return Version(*row) if row else None


def region_of_section(con: duckdb.DuckDBPyConnection, section_id: int) -> str:
    row = (
        con.cursor()
        .execute("SELECT r.region_code FROM section s JOIN report r ON r.id = s.report_id WHERE s.id = ?", [section_id])
        .fetchone()
    )
    if not row:
        raise KeyError(section_id)
    return row[0]


def region_of_report(con: duckdb.DuckDBPyConnection, report_id: int) -> str:
    return get_report(con, report_id).region_code


def save(
    con: duckdb.DuckDBPyConnection,
    section_id: int,
    body: str,
    *,
    base_version: int,
    actor: Actor,
    note: str | None = None,
) -> Version:
    """Save a new version, or refuse (StaleVersionError) when someone saved after base_version.

    Saving the text that is already the latest changes nothing and returns that version.
    """
    region = region_of_section(con, section_id)
    require(con, actor, "write_text", region, target=f"section:{section_id}")
    author = actor.display_name
    try:
        with store.transaction(con) as cur:
            latest = _latest(cur, section_id)
            current_n = latest.n if latest else 0
            if latest and latest.body == body and not note:
                return latest
            if current_n != base_version:
                raise StaleVersionError(latest, body, base_version)  # type: ignore[arg-type]
            version = Version(section_id, current_n + 1, body, author, datetime.now(), note, False)
            cur.execute(
                "INSERT INTO section_version VALUES (?, ?, ?, ?, ?, ?, FALSE)",
                [section_id, version.n, body, author, version.saved_at, note],
            )
            cur.execute(
                "UPDATE section SET status = CASE WHEN ? = '' THEN 'empty' "
                "WHEN status = 'empty' THEN 'draft' ELSE status END WHERE id = ?",
                [body.strip(), section_id],
            )
            record(
                cur,
                actor,
                "save_text",
                region=region,
                target=f"section:{section_id}",
                detail=f"versjon {version.n}" + (f" ({note})" if note else ""),
            )
            return version
    except (duckdb.Error, OSError) as e:
        raise _save_failure(con, section_id, body, base_version, e) from e


def _save_failure(
    con: duckdb.DuckDBPyConnection, section_id: int, body: str, base_version: int, error: BaseException
) -> TilstandError:
    """A clash with a version another session committed first is a conflict; anything else (a full disk, a
    damaged file) is not, whatever DuckDB calls it: a failed commit is a TransactionException too."""
    try:
        latest = _latest(con.cursor(), section_id)
    except duckdb.Error:
        latest = None
    if is_conflict(error) and latest is not None and latest.n != base_version:
        return StaleVersionError(latest, body, base_version)
    mapped = storage_error(error)
    if mapped is None:  # for the developer: the kind of error only, since DuckDB may quote the text itself
        logging.getLogger(__name__).error("saving section %s failed: %s", section_id, type(error).__name__)
    reason = str(mapped) if mapped else "Databasen svarte med en feil Tilstand ikke kjenner igjen."
    return TextNotSavedError(reason, body)


def history(con: duckdb.DuckDBPyConnection, section_id: int) -> list[Version]:
    rows = (
        con.cursor()
        .execute(
            "SELECT section_id, n, body, author, saved_at, note, carried_over "
            "FROM section_version WHERE section_id = ? ORDER BY n DESC",
            [section_id],
        )
        .fetchall()
    )
    return [Version(*r) for r in rows]


def version(con: duckdb.DuckDBPyConnection, section_id: int, n: int) -> Version:
    row = (
        con.cursor()
        .execute(
            "SELECT section_id, n, body, author, saved_at, note, carried_over "
            "FROM section_version WHERE section_id = ? AND n = ?",
            [section_id, n],
        )
        .fetchone()
    )
    if not row:
        raise KeyError((section_id, n))
    return Version(*row)


def restore(con: duckdb.DuckDBPyConnection, section_id: int, n: int, *, actor: Actor, base_version: int) -> Version:
    """Restoring is itself a new version: history is never rewritten."""
    old = version(con, section_id, n)
    return save(
        con, section_id, old.body, base_version=base_version, actor=actor, note=f"gjenopprettet fra versjon {n}"
    )


def set_status(con: duckdb.DuckDBPyConnection, section_id: int, status: str, *, actor: Actor) -> None:
    if status not in STATUSES:
        raise ValueError(status)
    region = region_of_section(con, section_id)
    require(con, actor, "write_text", region, target=f"section:{section_id}")
    with store.transaction(con) as cur:
        cur.execute("UPDATE section SET status = ? WHERE id = ?", [status, section_id])
        record(cur, actor, "chapter_status", region=region, target=f"section:{section_id}", detail=status)


@dataclass(frozen=True)
class ChapterChange:
    """What the leader set for one chapter in the structure table; None leaves that part as it is."""

    section_id: int
    title: str | None = None
    position: int | None = None
    hidden: bool | None = None


TITLE_MAX = 120


def update_structure(
    con: duckdb.DuckDBPyConnection,
    section_id: int,
    *,
    actor: Actor,
    title: str | None = None,
    position: int | None = None,
    hidden: bool | None = None,
) -> None:
    """Rename, move or hide one chapter of one report (the municipality's own structure)."""
    update_chapters(con, [ChapterChange(section_id, title, position, hidden)], actor=actor)


def update_chapters(con: duckdb.DuckDBPyConnection, changes: list[ChapterChange], *, actor: Actor) -> int:
    """Rename, move or hide chapters of one report, all or nothing; returns how many chapters changed.

    Every row is checked before anything is written, so a blank title in the fifth row leaves the first
    four as they were (StructureError, in Norwegian). Rows that change nothing write nothing, not even an
    audit line.
    """
    if not changes:
        return 0
    report_id = section(con, changes[0].section_id).report_id
    region = region_of_report(con, report_id)
    require(con, actor, "edit_structure", region, target=f"report:{report_id}")
    current = {s.id: s for s in sections(con, report_id)}
    updates = [u for u in (_checked(current, c) for c in changes) if u]
    with store.transaction(con) as cur:
        for section_id, values in updates:
            cur.execute(
                f"UPDATE section SET {', '.join(f'{c} = ?' for c in values)} WHERE id = ?",
                [*values.values(), section_id],
            )
            labels = {"title": "tittel", "position": "nr", "hidden": "skjult"}
            record(
                cur,
                actor,
                "edit_structure",
                region=region,
                target=f"section:{section_id}",
                detail=", ".join(f"{labels[c]}={v}" for c, v in values.items()),
            )
    return len(updates)


def _checked(current: dict[int, Section], change: ChapterChange) -> tuple[int, dict[str, object]] | None:
    """The columns that really change for one chapter, or StructureError naming the chapter."""
    old = current.get(change.section_id)
    if old is None:
        raise StructureError("Et av kapitlene hører ikke til denne rapporten. Ingen kapitler er endret.")
    values: dict[str, object] = {}
    if change.title is not None:
        title = _title(change.title, f"Kapittelet «{old.title}»")
        if title != old.title:
            values["title"] = title
    if change.position is not None:
        if isinstance(change.position, bool) or not isinstance(change.position, int) or change.position < 1:
            raise StructureError(
                f"Kapittelet «{old.title}» må ha et nummer fra 1 og oppover. Ingen kapitler er endret."
            )
        if change.position != old.position:
            values["position"] = change.position
    if change.hidden is not None and bool(change.hidden) != old.hidden:
        values["hidden"] = bool(change.hidden)
    return (change.section_id, values) if values else None


def _title(title: str, which: str) -> str:
    """A chapter title as stored: trimmed, not blank, not longer than the table column allows."""
    text = " ".join(str(title).split())
    if not text:
        raise StructureError(f"{which} mangler tittel. Skriv en tittel. Ingen kapitler er endret.")
    if len(text) > TITLE_MAX:
        raise StructureError(
            f"{which}: tittelen er for lang ({len(text)} tegn, høyst {TITLE_MAX}). Ingen kapitler er endret."
        )
    return text


def add_section(
    con: duckdb.DuckDBPyConnection, report_id: int, title: str, *, after_position: int, actor: Actor
) -> Section:
    region = region_of_report(con, report_id)
    require(con, actor, "edit_structure", region, target=f"report:{report_id}")
    title = _title(title, "Det nye kapittelet")
    key = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_") or "kapittel"
    with store.transaction(con) as cur:
        taken = {r[0] for r in cur.execute("SELECT key FROM section WHERE report_id = ?", [report_id]).fetchall()}
        base, i = key, 2
        while key in taken:
            key, i = f"{base}_{i}", i + 1
        cur.execute(
            "UPDATE section SET position = position + 1 WHERE report_id = ? AND position > ?",
            [report_id, after_position],
        )
        section_id = store.scalar(
            cur,
            "INSERT INTO section (report_id, key, title, position) VALUES (?, ?, ?, ?) RETURNING id",
            [report_id, key, title, after_position + 1],
        )
        record(cur, actor, "edit_structure", region=region, target=f"section:{section_id}", detail=f"nytt: {title}")
    return section(con, section_id)


def compare(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level differences: ('same' | 'removed' | 'added', text) runs, for showing two versions."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", "".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(("removed", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("added", "".join(b[j1:j2])))
    return out
