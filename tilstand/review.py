"""Review of a report before it goes to the council: comments, chapters marked as reviewed, report states.

The saksordfører (the council's rapporteur for child welfare) reads each chapter with its charts and
comments on it or on one chart; the leader answers and resolves. A report moves
utkast → til gjennomgang → ferdig → publisert, and every move is logged with who and when. Publishing
itself freezes a snapshot and lives in `tilstand.publish`; only a leader may reopen a published report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from tilstand import charts, narrative, store, words
from tilstand.access import Actor, record, require
from tilstand.errors import TilstandError
from tilstand.markdown import clean

STATES = ("draft", "review", "done", "published")
STATE_NB = words.section("state", "nb")  # the same words as the DOCX cover (messages/*.toml)

# (from, to) -> the access action the move needs. Into 'published' only through publish.publish.
MOVES: dict[tuple[str, str], str] = {
    ("draft", "review"): "submit_for_review",
    ("review", "done"): "finish_review",
    ("review", "draft"): "reopen",
    ("done", "draft"): "reopen",
    ("done", "review"): "reopen",
    ("published", "draft"): "reopen",
}
# The action checked when a requested move is not in MOVES, so that someone without any say over the
# report's state is refused (and audited) as such, before being told the move is impossible.
_ENTRY_ACTION = {"draft": "reopen", "review": "submit_for_review", "done": "finish_review", "published": "publish"}

COMMENT_MAX = 4000


class StateError(TilstandError):
    """The report cannot make this move from the state it is in; nothing was written."""


class CommentError(TilstandError):
    """A comment that cannot be saved as given (empty, too long, unknown chart or thread)."""


@dataclass(frozen=True)
class Comment:
    id: int
    report_id: int
    section_id: int
    chart_id: str | None  # None: about the chapter's text; else one chart's id from charts.csv
    parent_id: int | None  # set on an answer: the top-level comment it answers
    author: str
    body: str  # plain text, never Markdown or HTML
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    answers: tuple[Comment, ...] = ()

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


@dataclass(frozen=True)
class StateChange:
    state: str
    changed_at: datetime
    by_user: str


def move_error(current: str, state: str) -> StateError:
    return StateError(f"Rapporten er «{STATE_NB[current]}»; den kan ikke gå direkte til «{STATE_NB[state]}».")


# --- report states ------------------------------------------------------------------------------


def _state(cur: duckdb.DuckDBPyConnection, report_id: int) -> tuple[str, str]:
    row = cur.execute("SELECT state, region_code FROM report WHERE id = ?", [report_id]).fetchone()
    if not row:
        raise KeyError(report_id)
    return row[0], row[1]


def set_state(con: duckdb.DuckDBPyConnection, actor: Actor, report_id: int, state: str) -> None:
    """Move the report to `state` (see MOVES), or raise PermissionDenied / StateError with nothing written.

    Asking for the state the report is already in changes nothing (a double click is not an error).
    """
    if state not in STATES:
        raise ValueError(state)
    current, region = _state(con.cursor(), report_id)
    target = f"report:{report_id}"
    action = MOVES.get((current, state))
    require(con, actor, action or _ENTRY_ACTION[state], region, target=target)
    if state == current:
        return
    if state == "published":
        raise StateError("Rapporten publiseres med «Publiser», som lagrer den slik kommunestyret får den.")
    if action is None:
        raise move_error(current, state)
    with store.transaction(con) as cur:
        now_state, _ = _state(cur, report_id)
        if now_state != current:  # someone else moved it between the check and this transaction
            raise StateError(
                f"Rapporten ble nettopp satt til «{STATE_NB[now_state]}» av noen andre. Se over og prøv igjen."
            )
        _write_state(cur, actor, report_id, state)
        record(cur, actor, action, region=region, target=target, detail=f"{STATE_NB[current]} → {STATE_NB[state]}")


def _write_state(cur: duckdb.DuckDBPyConnection, actor: Actor, report_id: int, state: str) -> None:
    """The state and its log row; the caller records the audit row in the same transaction."""
    cur.execute("UPDATE report SET state = ? WHERE id = ?", [state, report_id])
    cur.execute(
        "INSERT INTO report_state_log VALUES (?, ?, ?, ?)", [report_id, state, datetime.now(), actor.display_name]
    )


def state_history(con: duckdb.DuckDBPyConnection, report_id: int) -> list[StateChange]:
    """Every state the report has been in, oldest first, starting with its creation as 'draft'."""
    cur = con.cursor()
    row = cur.execute("SELECT created_at, created_by FROM report WHERE id = ?", [report_id]).fetchone()
    if not row:
        raise KeyError(report_id)
    rows = cur.execute(
        "SELECT state, changed_at, by_user FROM report_state_log WHERE report_id = ? ORDER BY changed_at, rowid",
        [report_id],
    ).fetchall()
    return [StateChange("draft", row[0], row[1]), *(StateChange(*r) for r in rows)]


# --- comments -----------------------------------------------------------------------------------

_COMMENT_SQL = (
    "SELECT id, report_id, section_id, chart_id, parent_id, author, body, created_at, resolved_at, "
    "resolved_by FROM review_comment"
)


def _comment(row: tuple, answers: tuple[Comment, ...] = ()) -> Comment:
    """A Comment from a row of _COMMENT_SQL, column by column."""
    id_, report_id, section_id, chart_id, parent_id, author, body, created_at, resolved_at, resolved_by = row
    return Comment(
        id_,
        report_id,
        section_id,
        chart_id,
        parent_id,
        author,
        body,
        created_at,
        resolved_at,
        resolved_by,
        answers=answers,
    )


def _find(con: duckdb.DuckDBPyConnection, comment_id: int) -> Comment | None:
    row = con.cursor().execute(f"{_COMMENT_SQL} WHERE id = ?", [comment_id]).fetchone()
    return _comment(row) if row else None


def _get(con: duckdb.DuckDBPyConnection, comment_id: int) -> Comment:
    comment = _find(con, comment_id)
    if comment is None:
        raise KeyError(comment_id)
    return comment


def _clean_body(body: str) -> str:
    text = clean(body or "").strip()
    if not text:
        raise CommentError("Kommentaren er tom.")
    if len(text) > COMMENT_MAX:
        raise CommentError(f"Kommentaren er for lang ({len(text)} tegn); den kan være på høyst {COMMENT_MAX} tegn.")
    return text


def add_comment(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    section_id: int,
    body: str,
    *,
    chart_id: str | None = None,
    parent_id: int | None = None,
) -> Comment:
    """A comment on a chapter (or on one of its charts), or an answer to one (`parent_id`).

    An answer joins its thread: it belongs to the same chapter and chart as the comment it answers,
    and an answer to an answer is filed under the thread's first comment.
    """
    region = narrative.region_of_section(con, section_id)
    require(con, actor, "comment", region, target=f"section:{section_id}")
    text = _clean_body(body)
    sec = narrative.section(con, section_id)
    if parent_id is not None:
        parent = _find(con, parent_id)
        if parent is None or parent.section_id != section_id:
            raise CommentError("Svaret hører ikke til en kommentar i dette kapittelet.")
        if parent.parent_id is not None:
            parent = _get(con, parent.parent_id)
        if parent.resolved:
            raise CommentError("Kommentaren er allerede lukket. Skriv en ny kommentar i stedet.")
        parent_id, chart_id = parent.id, parent.chart_id
    elif chart_id is not None and chart_id not in {c.id for c in charts.for_indicators(sec.indicators)}:
        raise CommentError(f"Kapittelet «{sec.title}» har ikke diagrammet «{chart_id}».")
    now = datetime.now()
    with store.transaction(con) as cur:
        comment_id = store.scalar(
            cur,
            "INSERT INTO review_comment (report_id, section_id, chart_id, parent_id, author, body, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [sec.report_id, section_id, chart_id, parent_id, actor.display_name, text, now],
        )
        what = f"svar på kommentar {parent_id}" if parent_id else "kommentar" + (f" om {chart_id}" if chart_id else "")
        record(cur, actor, "comment", region=region, target=f"section:{section_id}", detail=f"{what} (id {comment_id})")
    return Comment(
        comment_id, sec.report_id, section_id, chart_id, parent_id, actor.display_name, text, now, None, None
    )


def resolve(con: duckdb.DuckDBPyConnection, actor: Actor, comment_id: int) -> None:
    """Close a comment's thread: the top-level comment and all its answers. Closing twice changes nothing."""
    comment = _get(con, comment_id)
    root = comment.parent_id or comment.id
    region = narrative.region_of_section(con, comment.section_id)
    require(con, actor, "resolve_comment", region, target=f"comment:{root}")
    with store.transaction(con) as cur:
        changed = store.scalar(
            cur,
            "UPDATE review_comment SET resolved_at = ?, resolved_by = ? "
            "WHERE (id = ? OR parent_id = ?) AND resolved_at IS NULL",
            [datetime.now(), actor.display_name, root, root],
        )
        if changed:
            record(
                cur,
                actor,
                "resolve_comment",
                region=region,
                target=f"comment:{root}",
                detail=f"section:{comment.section_id}",
            )


def comments(con: duckdb.DuckDBPyConnection, section_id: int, *, include_resolved: bool = False) -> list[Comment]:
    """The chapter's top-level comments with their answers, oldest first; open ones only unless asked."""
    rows = con.cursor().execute(f"{_COMMENT_SQL} WHERE section_id = ? ORDER BY created_at, id", [section_id]).fetchall()
    answers: dict[int, list[Comment]] = {}
    for r in rows:
        if r[4] is not None:
            answers.setdefault(r[4], []).append(_comment(r))
    return [
        _comment(r, tuple(answers.get(r[0], ()))) for r in rows if r[4] is None and (include_resolved or r[8] is None)
    ]


def open_counts(con: duckdb.DuckDBPyConnection, report_id: int) -> dict[int, int]:
    """section_id -> open top-level comments, for every chapter of the report (0 when none)."""
    rows = (
        con.cursor()
        .execute(
            "SELECT s.id, count(c.id) FROM section s "
            "LEFT JOIN review_comment c ON c.section_id = s.id AND c.parent_id IS NULL AND c.resolved_at IS NULL "
            "WHERE s.report_id = ? GROUP BY s.id",
            [report_id],
        )
        .fetchall()
    )
    return {sid: n for sid, n in rows}


# --- chapters reviewed --------------------------------------------------------------------------


def mark_reviewed(con: duckdb.DuckDBPyConnection, actor: Actor, section_id: int) -> None:
    """The saksordfører has read the chapter as it is now; marking again moves the mark to today's text."""
    region = narrative.region_of_section(con, section_id)
    require(con, actor, "mark_reviewed", region, target=f"section:{section_id}")
    with store.transaction(con) as cur:
        version = store.scalar(
            cur, "SELECT coalesce(max(n), 0) FROM section_version WHERE section_id = ?", [section_id]
        )
        cur.execute(
            "INSERT OR REPLACE INTO section_review VALUES (?, ?, ?, ?)",
            [section_id, datetime.now(), actor.display_name, version],
        )
        record(cur, actor, "mark_reviewed", region=region, target=f"section:{section_id}", detail=f"versjon {version}")


def reviewed(con: duckdb.DuckDBPyConnection, report_id: int) -> dict[int, tuple[str, datetime, int]]:
    """section_id -> (by, at, version reviewed). The text has changed since when the section's current
    version (narrative.section(...).version) is greater than the one reviewed."""
    rows = (
        con.cursor()
        .execute(
            "SELECT r.section_id, r.reviewed_by, r.reviewed_at, r.version FROM section_review r "
            "JOIN section s ON s.id = r.section_id WHERE s.report_id = ?",
            [report_id],
        )
        .fetchall()
    )
    return {sid: (by, at, v) for sid, by, at, v in rows}
