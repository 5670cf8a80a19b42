"""Review before the council: the saksordfører comments on chapters and charts and marks them reviewed,
the leader answers and resolves, and the report moves through its states. Every write is refused for
the wrong role or municipality, with nothing written and the refusal in the audit log."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest

from tilstand import charts, narrative, review
from tilstand.access import Actor, PermissionDenied

LEDER = Actor("lea", "Lea Leder", {"5001": frozenset({"leder"})})
SAKSORDFORER = Actor("sverre", "Sverre Saksordfører", {"5001": frozenset({"saksordforer", "lesar"})})
LESAR = Actor("live", "Live Lesar", {"5001": frozenset({"lesar"})})
ADMIN = Actor("ada", "Ada Administrator", {"*": frozenset({"admin"})})
OTHER_LEDER = Actor("ola", "Ola Leder i Steinkjer", {"5006": frozenset({"leder"})})
OTHER_SAKSORDFORER = Actor("siri", "Siri Saksordfører i Steinkjer", {"5006": frozenset({"saksordforer"})})
OUTSIDERS = (LESAR, ADMIN, OTHER_LEDER, OTHER_SAKSORDFORER)
REVIEW_TABLES = (
    "report",
    "section",
    "section_version",
    "review_comment",
    "section_review",
    "report_state_log",
    "publication",
)


@pytest.fixture
def trondheim(demo):
    """Trondheim's 2024 report with two chapters written; ids of the report and its first chapters."""
    rep = narrative.create_report(demo, "5001", 2024, "nb", actor=LEDER)
    by_key = {s.key: s for s in narrative.sections(demo, rep.id)}
    for key, text in (("om_barnevernet", "Barnetallet er stabilt."), ("dekningsgrad", "Dekningsgraden er lav.")):
        narrative.save(demo, by_key[key].id, text, base_version=0, actor=LEDER)
    return SimpleNamespace(
        con=demo,
        report=rep.id,
        section=by_key["om_barnevernet"].id,
        other_section=by_key["dekningsgrad"].id,
        chart=charts.for_indicators(by_key["om_barnevernet"].indicators)[0].id,
    )


def _digest(con) -> str:
    h = hashlib.sha256()
    for table in REVIEW_TABLES:
        h.update(repr(con.cursor().execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()).encode())
    return h.hexdigest()


def _last_audit(con, username: str) -> tuple:
    return (
        con.cursor()
        .execute(
            "SELECT action, allowed, target FROM audit_log WHERE username = ? ORDER BY id DESC LIMIT 1", [username]
        )
        .fetchone()
    )


def _audit(con, action: str) -> list[tuple]:
    return (
        con.cursor()
        .execute("SELECT username, allowed, target, detail FROM audit_log WHERE action = ? ORDER BY id", [action])
        .fetchall()
    )


# --- who may write ------------------------------------------------------------------------------

WRITES = {
    "submit for review": ("submit_for_review", lambda t, a: review.set_state(t.con, a, t.report, "review")),
    "finish review": ("finish_review", lambda t, a: review.set_state(t.con, a, t.report, "done")),
    "reopen": ("reopen", lambda t, a: review.set_state(t.con, a, t.report, "draft")),
    "comment": ("comment", lambda t, a: review.add_comment(t.con, a, t.section, "Hvorfor?")),
    "answer": ("comment", lambda t, a: review.add_comment(t.con, a, t.section, "Svar", parent_id=t.comment)),
    "resolve": ("resolve_comment", lambda t, a: review.resolve(t.con, a, t.comment)),
    "mark reviewed": ("mark_reviewed", lambda t, a: review.mark_reviewed(t.con, a, t.section)),
}
# The state the report must be in for the write to be a valid move, so only the permission can refuse it.
STATE_FOR = {"finish review": "review", "reopen": "done"}


def _prepare(t, write: str) -> None:
    t.comment = review.add_comment(t.con, SAKSORDFORER, t.section, "Tallene for 2023 mangler.").id
    if write in STATE_FOR:
        review.set_state(t.con, LEDER, t.report, "review")
        if STATE_FOR[write] == "done":
            review.set_state(t.con, LEDER, t.report, "done")


@pytest.mark.parametrize("actor", OUTSIDERS, ids=lambda a: a.username)
@pytest.mark.parametrize("write", WRITES)
def test_every_review_write_refuses_lesar_admin_and_other_municipalities_and_writes_nothing(trondheim, write, actor):
    action, call = WRITES[write]
    _prepare(trondheim, write)
    before = _digest(trondheim.con)
    with pytest.raises(PermissionDenied, match="har ikke tilgang til å"):
        call(trondheim, actor)
    assert _digest(trondheim.con) == before
    assert _last_audit(trondheim.con, actor.username)[:2] == (action, False)


@pytest.mark.parametrize(
    "write, actor",
    [
        ("submit for review", SAKSORDFORER),
        ("reopen", SAKSORDFORER),
        ("mark reviewed", LEDER),
    ],
)
def test_the_other_role_in_the_same_municipality_is_refused_what_is_not_its_part(trondheim, write, actor):
    action, call = WRITES[write]
    _prepare(trondheim, write)
    before = _digest(trondheim.con)
    with pytest.raises(PermissionDenied):
        call(trondheim, actor)
    assert _digest(trondheim.con) == before
    assert _last_audit(trondheim.con, actor.username)[:2] == (action, False)


# --- comments -----------------------------------------------------------------------------------


def test_saksordforer_comments_on_a_chapter_and_a_chart_and_leader_answers_and_resolves(trondheim):
    con, sid = trondheim.con, trondheim.section
    on_text = review.add_comment(con, SAKSORDFORER, sid, "  Hva betyr dette for barna?  \n")
    on_chart = review.add_comment(con, SAKSORDFORER, sid, "Linjen for landet mangler i 2019.", chart_id=trondheim.chart)
    assert (on_text.author, on_text.body, on_text.chart_id, on_text.report_id) == (
        "Sverre Saksordfører",
        "Hva betyr dette for barna?",
        None,
        trondheim.report,
    )
    assert on_chart.chart_id == trondheim.chart

    answer = review.add_comment(con, LEDER, sid, "Det står i avsnitt to nå.", parent_id=on_text.id)
    assert answer.parent_id == on_text.id and answer.author == "Lea Leder"
    shown = review.comments(con, sid)
    assert [c.id for c in shown] == [on_text.id, on_chart.id]  # oldest first, answers not at the top level
    assert [a.body for a in shown[0].answers] == ["Det står i avsnitt to nå."]
    assert review.open_counts(con, trondheim.report)[sid] == 2

    review.resolve(con, LEDER, on_text.id)
    assert [c.id for c in review.comments(con, sid)] == [on_chart.id]
    closed = review.comments(con, sid, include_resolved=True)[0]
    assert closed.id == on_text.id and closed.resolved_by == "Lea Leder" and closed.resolved_at is not None
    assert all(a.resolved_at is not None for a in closed.answers)  # answers close with their comment
    assert review.open_counts(con, trondheim.report)[sid] == 1

    details = [d for _, _, _, d in _audit(con, "comment")]
    assert f"kommentar om {trondheim.chart} (id {on_chart.id})" in details
    assert f"svar på kommentar {on_text.id} (id {answer.id})" in details
    assert _audit(con, "resolve_comment") == [("lea", True, f"comment:{on_text.id}", f"section:{sid}")]


def test_an_answer_joins_the_thread_of_the_comment_it_answers(trondheim):
    con, sid = trondheim.con, trondheim.section
    first = review.add_comment(con, SAKSORDFORER, sid, "Figuren er uklar.", chart_id=trondheim.chart)
    answer = review.add_comment(con, LEDER, sid, "Hvilken del?", parent_id=first.id)
    again = review.add_comment(con, SAKSORDFORER, sid, "Aksen.", parent_id=answer.id)
    assert (again.parent_id, again.chart_id) == (first.id, trondheim.chart)
    assert [a.body for a in review.comments(con, sid)[0].answers] == ["Hvilken del?", "Aksen."]

    review.resolve(con, SAKSORDFORER, again.id)  # resolving an answer closes the whole thread
    assert review.comments(con, sid) == []
    with pytest.raises(review.CommentError, match="allerede lukket"):
        review.add_comment(con, LEDER, sid, "Takk", parent_id=first.id)


def test_an_answer_must_belong_to_the_same_chapter(trondheim):
    con = trondheim.con
    elsewhere = review.add_comment(con, SAKSORDFORER, trondheim.other_section, "Kilde?")
    before = _digest(con)
    with pytest.raises(review.CommentError, match="dette kapittelet"):
        review.add_comment(con, LEDER, trondheim.section, "Svar", parent_id=elsewhere.id)
    with pytest.raises(review.CommentError, match="dette kapittelet"):
        review.add_comment(con, LEDER, trondheim.section, "Svar", parent_id=99999)
    assert _digest(con) == before


def test_comment_text_is_plain_cleaned_and_between_one_and_4000_characters(trondheim):
    con, sid = trondheim.con, trondheim.section
    raw = "<b>**Fet?**</b> {{ 7*7 }}\x00\x07\x1b slutt"
    assert review.add_comment(con, SAKSORDFORER, sid, raw).body == "<b>**Fet?**</b> {{ 7*7 }} slutt"
    assert len(review.add_comment(con, SAKSORDFORER, sid, "å" * 4000).body) == 4000
    before = _digest(con)
    for body in ("", "   \n\t ", "\x00\x01", "a" * 4001):
        with pytest.raises(review.CommentError):
            review.add_comment(con, SAKSORDFORER, sid, body)
    with pytest.raises(review.CommentError, match="har ikke diagrammet"):
        review.add_comment(
            con, SAKSORDFORER, sid, "Om et diagram i et annet kapittel", chart_id="trend_barn_per_arsverk"
        )
    assert _digest(con) == before


def test_open_counts_has_every_chapter_and_counts_open_top_level_comments_only(trondheim):
    con = trondheim.con
    a = review.add_comment(con, SAKSORDFORER, trondheim.section, "En")
    review.add_comment(con, LEDER, trondheim.section, "Svar teller ikke", parent_id=a.id)
    review.add_comment(con, SAKSORDFORER, trondheim.section, "To", chart_id=trondheim.chart)
    b = review.add_comment(con, SAKSORDFORER, trondheim.other_section, "Tre")
    review.resolve(con, LEDER, b.id)
    counts = review.open_counts(con, trondheim.report)
    assert set(counts) == {s.id for s in narrative.sections(con, trondheim.report)}
    assert counts[trondheim.section] == 2 and counts[trondheim.other_section] == 0
    assert sum(counts.values()) == 2


# --- chapters reviewed --------------------------------------------------------------------------


def test_a_reviewed_chapter_shows_when_its_text_moved_on_and_marking_again_catches_up(trondheim):
    con, sid = trondheim.con, trondheim.section
    assert review.reviewed(con, trondheim.report) == {}
    review.mark_reviewed(con, SAKSORDFORER, sid)
    by, at, seen = review.reviewed(con, trondheim.report)[sid]
    assert (by, seen) == ("Sverre Saksordfører", 1) == (by, narrative.section(con, sid).version)

    narrative.save(con, sid, "Barnetallet er stabilt, men flere bor i lavinntekt.", base_version=1, actor=LEDER)
    assert review.reviewed(con, trondheim.report)[sid][2] == 1 < narrative.section(con, sid).version == 2

    review.mark_reviewed(con, SAKSORDFORER, sid)
    again = review.reviewed(con, trondheim.report)
    assert again[sid][2] == 2 and again[sid][1] >= at and len(again) == 1
    assert [d for _, _, _, d in _audit(con, "mark_reviewed")] == ["versjon 1", "versjon 2"]


# --- report states ------------------------------------------------------------------------------


def test_the_report_moves_utkast_til_gjennomgang_ferdig_and_back_with_who_and_when(trondheim):
    con, rid = trondheim.con, trondheim.report
    review.set_state(con, LEDER, rid, "review")
    review.set_state(con, SAKSORDFORER, rid, "done")  # the saksordfører may finish the review
    review.set_state(con, LEDER, rid, "review")  # reopen from done
    review.set_state(con, LEDER, rid, "draft")  # back to the leader
    review.set_state(con, LEDER, rid, "review")
    review.set_state(con, LEDER, rid, "done")
    review.set_state(con, LEDER, rid, "draft")
    assert narrative.get_report(con, rid).state == "draft"
    history = review.state_history(con, rid)
    assert [(h.state, h.by_user) for h in history] == [
        ("draft", "Lea Leder"),
        ("review", "Lea Leder"),
        ("done", "Sverre Saksordfører"),
        ("review", "Lea Leder"),
        ("draft", "Lea Leder"),
        ("review", "Lea Leder"),
        ("done", "Lea Leder"),
        ("draft", "Lea Leder"),
    ]
    assert [h.changed_at for h in history] == sorted(h.changed_at for h in history)
    assert [
        (a, d)
        for a, _, _, d in con.cursor()
        .execute(
            "SELECT action, allowed, target, detail FROM audit_log WHERE target = ? AND action <> 'create_report' "
            "ORDER BY id",
            [f"report:{rid}"],
        )
        .fetchall()
    ][:3] == [
        ("submit_for_review", "Utkast → Til gjennomgang"),
        ("finish_review", "Til gjennomgang → Ferdig"),
        ("reopen", "Ferdig → Til gjennomgang"),
    ]


def test_a_new_report_has_a_history_of_one_utkast(trondheim):
    (only,) = review.state_history(trondheim.con, trondheim.report)
    assert only.state == "draft" and only.by_user == "Lea Leder"


@pytest.mark.parametrize(
    "path, wanted, message",
    [
        ((), "done", "Rapporten er «Utkast»; den kan ikke gå direkte til «Ferdig»."),
        (("review", "done"), "published", "publiseres med «Publiser»"),
        ((), "published", "publiseres med «Publiser»"),
    ],
)
def test_a_move_that_is_not_allowed_is_refused_in_norwegian_and_changes_nothing(trondheim, path, wanted, message):
    con, rid = trondheim.con, trondheim.report
    for state in path:
        review.set_state(con, LEDER, rid, state)
    before = _digest(con)
    with pytest.raises(review.StateError) as e:
        review.set_state(con, LEDER, rid, wanted)
    assert message in str(e.value)
    assert _digest(con) == before


def test_asking_for_the_state_the_report_is_in_changes_nothing(trondheim):
    con, rid = trondheim.con, trondheim.report
    review.set_state(con, LEDER, rid, "review")
    before = _digest(con)
    review.set_state(con, LEDER, rid, "review")  # a double click
    assert _digest(con) == before and len(review.state_history(con, rid)) == 2


def test_unknown_state_and_unknown_report_are_programming_errors(trondheim):
    with pytest.raises(ValueError):
        review.set_state(trondheim.con, LEDER, trondheim.report, "ferdig")
    with pytest.raises(KeyError):
        review.set_state(trondheim.con, LEDER, 99999, "review")


def test_state_names_in_norwegian_cover_every_state():
    assert set(review.STATE_NB) == set(review.STATES)
    assert {to for _, to in review.MOVES} <= set(review.STATES) - {"published"}
