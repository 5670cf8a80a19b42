"""Failures on the pages, through AppTest: said in Norwegian where they happen, never a traceback, never a
false conflict, nothing half-written and no typed text lost.

AppTest cannot type into the writing room's editor (a custom component) or edit the structure table, so
`_send` runs the page as the browser would after such an edit: with the widget's new value in the widget
states of the rerun (AppTest's own `_run`, the step `AppTest.run` takes after collecting the values it can
set itself). The page code, the library and the database are the real ones.
"""

from __future__ import annotations

import json
import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.apptest import sign_in_as
from tests.conftest import ROOT
from tests.storage_faults import full_disk, random_bytes_file, sqlite_file, text_file
from tilstand import narrative, review, store
from tilstand.access import Actor


def _elements(node, kind: str):
    for child in getattr(node, "children", {}).values():
        if getattr(child, "type", None) == kind:
            yield child
        yield from _elements(child, kind)


def _element(at: AppTest, kind: str, key: str):
    (found,) = [e for e in _elements(at._tree, kind) if e.proto.id.endswith(f"-{key}")]
    return found


def _send(at: AppTest, kind: str, key: str, **value) -> AppTest:
    """Rerun as the browser does after the person changed a widget AppTest cannot set (see the module)."""
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = _element(at, kind, key).proto.id
    for field, v in value.items():
        setattr(state, field, v)
    return at._run(states)


def _type(at: AppTest, report_id: int, section_id: int, text: str, *, base: int, seq: int) -> AppTest:
    """The editor sends what was typed 0.6 s after the last keystroke (ui/editor.py)."""
    draft = {"text": text, "section": section_id, "base": base, "seq": seq}
    return _send(at, "bidi_component", f"editor_{report_id}", json_value=json.dumps({"draft": draft}))


def _editor_data(at: AppTest, report_id: int) -> dict:
    return json.loads(_element(at, "bidi_component", f"editor_{report_id}").proto.json)


def _errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


@pytest.fixture
def writing_room(app, demo_db, tmp_path, monkeypatch):
    """The leader in the writing room of a fresh report for Trondheim 2024, on a private database copy."""
    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("TILSTAND_DB", str(db))
    st.cache_resource.clear()
    sign_in_as(app, "leder")
    app.run()
    app.switch_page("pages/skriverom.py").run()
    app.button(key="start_report").click().run()
    assert not app.exception
    con = store.connect(db)
    report = narrative.find_report(con, "5001", 2024, "nb")
    app.db, app.con, app.report = db, con, report
    app.section = narrative.sections(con, report.id)[0]
    return app


def test_a_save_that_fails_on_a_full_disk_keeps_the_text_says_ikke_lagret_and_offers_no_conflict(writing_room):
    """The disk is really full for the database (storage_faults.full_disk); the page is the real one."""
    at, rid, sid = writing_room, writing_room.report.id, writing_room.section.id
    _type(at, rid, sid, "Første versjon.", base=0, seq=1)
    assert not at.exception
    assert _editor_data(at, rid)["status"] == "Lagret versjon 1"
    reset = _editor_data(at, rid)["reset"]

    with full_disk(at.con, at.db):
        _type(at, rid, sid, "Andre versjon, skrevet mens disken var full.", base=1, seq=2)
    assert not at.exception
    errors = _errors(at)
    assert "Teksten er ikke lagret" in errors and "ikke mer plass på disken" in errors
    assert "endret av" not in errors and "No space" not in errors and str(at.db) not in errors
    assert not [b for b in at.button if b.key in ("take_theirs", "keep_mine")], "no conflict is offered"
    data = _editor_data(at, rid)
    assert data["status"].startswith("Ikke lagret")
    assert data["reset"] == reset, "the editor keeps what was typed (it is replaced only on a new reset)"
    assert [v.body for v in narrative.history(at.con, sid)] == ["Første versjon."]

    # Space is freed (here: the process's connection, which still writes to the full disk, is reopened).
    store.close(at.db)
    st.cache_resource.clear()
    at.button(key="retry_save").click().run()
    assert not at.exception and not at.error
    assert _editor_data(at, rid)["status"] == "Lagret versjon 2"
    assert narrative.history(store.connect(at.db), sid)[0].body == "Andre versjon, skrevet mens disken var full."


def test_a_real_version_clash_is_still_a_conflict_with_both_texts(writing_room):
    at, rid, sid = writing_room, writing_room.report.id, writing_room.section.id
    _type(at, rid, sid, "Min første tekst.", base=0, seq=1)
    other = Actor("anne", "Anne Annen", {"*": frozenset({"leder"})})
    narrative.save(at.con, sid, "Annes tekst.", base_version=1, actor=other)
    _type(at, rid, sid, "Min andre tekst.", base=1, seq=2)
    assert not at.exception
    assert "endret av Anne Annen" in _errors(at)
    assert at.button(key="take_theirs") and at.button(key="keep_mine")
    assert _editor_data(at, rid)["status"].startswith("Ikke lagret")


def test_a_blank_chapter_title_is_refused_in_norwegian_and_no_chapter_changes(writing_room):
    at, rid = writing_room, writing_room.report.id
    before = [s.title for s in narrative.sections(at.con, rid)]
    edits = {
        "edited_rows": {"0": {"Tittel": "Sammendrag"}, "3": {"Tittel": "   "}},
        "added_rows": [],
        "deleted_rows": [],
    }
    _send(at, "dataframe", f"structure_{rid}", string_value=json.dumps(edits))
    next(b for b in at.button if b.label == "Lagre kapittelendringene").click().run()
    assert not at.exception
    assert f"Kapittelet «{before[3]}» mangler tittel" in _errors(at)
    assert [s.title for s in narrative.sections(at.con, rid)] == before


def test_an_empty_answer_to_a_comment_is_refused_in_norwegian(writing_room):
    at, sid = writing_room, writing_room.section.id
    from tilstand import auth

    comment = review.add_comment(at.con, auth.load_actor(at.con, "saksordforer"), sid, "Hva betyr tallet?")
    at.run()
    at.text_input(key=f"answer_{comment.id}").input("  ")
    at.button(key=f"send_answer_{comment.id}").click().run()
    assert not at.exception
    assert "Kommentaren er tom." in _errors(at)
    assert review.comments(at.con, sid)[0].answers == ()


@pytest.fixture
def review_page(app, demo_db, tmp_path, monkeypatch):
    """The saksordfører on the review page of Trondheim's 2024 report, sent for review by the leader."""
    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("TILSTAND_DB", str(db))
    st.cache_resource.clear()
    from tilstand import auth

    con = store.connect(db)
    leader = auth.load_actor(con, "leder")
    report = narrative.create_report(con, "5001", 2024, "nb", actor=leader)
    review.set_state(con, leader, report.id, "review")
    sign_in_as(app, "saksordforer")
    app.run()
    app.switch_page("pages/gjennomgang.py").run()
    assert not app.exception
    app.con, app.report, app.leader = con, report, leader
    return app


def test_an_empty_comment_is_refused_in_norwegian(review_page):
    at = review_page
    next(t for t in at.text_area if t.label == "Ny kommentar til kapittelet").input("   ")
    next(b for b in at.button if b.label == "Send kommentaren").click().run()
    assert not at.exception
    assert "Kommentaren er tom." in _errors(at)
    assert review.comments(at.con, narrative.sections(at.con, at.report.id)[0].id) == []


def _page_with_action(raise_what: str) -> None:
    """A page whose one action fails the way raise_what says (run by AppTest.from_function)."""
    import duckdb
    import streamlit as st

    from tilstand.review import StateError
    from ui.errors import page_action

    st.title("Side")
    with page_action(unsaved="Det jeg skrev."):
        if raise_what == "state":
            raise StateError("Rapporten er «Utkast»; den kan ikke gå direkte til «Ferdig».")
        if raise_what == "disk":
            raise duckdb.IOException('IO Error: Could not write file "/srv/x.duckdb.wal": No space left on device')
        raise ValueError("a programming error")
    st.write("Resten av siden.")


@pytest.mark.parametrize(
    "raise_what, shown",
    [
        ("state", "den kan ikke gå direkte til «Ferdig»"),
        ("disk", "Det er ikke mer plass på disken der databasen ligger."),
    ],
)
def test_page_action_shows_errors_for_people_in_norwegian_with_the_unsaved_text_and_the_page_goes_on(raise_what, shown):
    at = AppTest.from_function(_page_with_action, args=(raise_what,), default_timeout=30).run()
    assert not at.exception
    assert [e.value for e in at.error] == [at.error[0].value] and shown in at.error[0].value
    assert "/srv" not in at.error[0].value
    assert at.code[0].value == "Det jeg skrev."
    assert at.markdown[-1].value == "Resten av siden."


def test_page_action_leaves_programming_errors_to_streamlit():
    at = AppTest.from_function(_page_with_action, args=("bug",), default_timeout=30).run()
    assert at.exception and not at.error


@pytest.mark.parametrize("make", [random_bytes_file, text_file, sqlite_file], ids=["random", "text", "sqlite"])
def test_a_database_file_that_is_damaged_or_no_duckdb_file_gets_a_norwegian_message_and_no_traceback(
    make, tmp_path, monkeypatch
):
    db = make(tmp_path / "tilstand.duckdb")
    monkeypatch.setenv("TILSTAND_DB", str(db))
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    (error,) = at.error
    assert "ikke en Tilstand-database" in error.value
    shown = " ".join(str(e.value) for kind in ("error", "markdown", "title", "caption") for e in getattr(at, kind))
    assert str(tmp_path) not in shown and "IO Error" not in shown
    assert not at.button, "no sign-in form on a database that cannot be opened"
