"""The one comment thread (ui/comments.py) on the review page and in the writing room, through AppTest: what
people wrote is shown exactly as typed on both screens (HTML and template tags as text), and each screen keeps
what it did with the thread (the saksordfører closes and shows closed ones, the leader answers and closes)."""

from __future__ import annotations

import shutil

import pytest
import streamlit as st

from tests.apptest import sign_in_as
from tilstand import auth, narrative, review, store

EVIL = "<script>alert(1)</script> {{ 7*7 }} ![x](https://evil.example/c.png)"
EVIL_ANSWER = "<b>svar</b> {% if 1 %}ja{% endif %} {{ 7*7 }}"


@pytest.fixture
def commented(app, demo_db, tmp_path, monkeypatch):
    """Trondheim's 2024 report, sent for review, with the saksordfører's comment on the first chapter."""
    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("TILSTAND_DB", str(db))
    st.cache_resource.clear()
    st.cache_data.clear()
    con = store.connect(db)
    leader = auth.load_actor(con, "leder")
    report = narrative.create_report(con, "5001", 2024, "nb", actor=leader)
    review.set_state(con, leader, report.id, "review")
    section = narrative.sections(con, report.id)[0]
    comment = review.add_comment(con, auth.load_actor(con, "saksordforer"), section.id, EVIL)
    return con, section, comment


def _open(at, username: str, page: str):
    sign_in_as(at, username)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def _assert_shown_literally(at, *texts: str) -> None:
    """Each text is an st.text element exactly as typed, and nothing rendered as Markdown or HTML carries
    its tags or what a template engine would make of it."""
    shown = [t.value for t in at.text]
    for text in texts:
        assert text in shown
    rendered = [e.value for e in [*at.markdown, *at.caption, *at.get("html")]]
    for value in rendered:
        assert "<script>" not in value and "<b>svar" not in value and "evil.example" not in value, value
        assert "{%" not in value and "{{" not in value, value


def test_the_review_page_shows_a_comment_with_html_and_template_tags_literally_and_closes_it(app, commented):
    con, section, comment = commented
    at = _open(app, "saksordforer", "pages/gjennomgang.py")
    _assert_shown_literally(at, EVIL)
    at.button(key=f"gj_resolve_{comment.id}").click().run()
    assert not at.exception
    assert review.comments(con, section.id) == []
    assert EVIL not in [t.value for t in at.text]  # closed comments are hidden until asked for
    at.toggle(key="gj_all").set_value(True).run()
    _assert_shown_literally(at, EVIL)
    assert any("lukket av Sverre Saksordfører" in m.value for m in at.markdown)


def test_the_writing_room_shows_the_same_comment_literally_and_the_leader_answers_and_closes_it(app, commented):
    con, section, comment = commented
    at = _open(app, "leder", "pages/skriverom.py")
    _assert_shown_literally(at, EVIL)
    assert any(e.label == "Kommentarer fra gjennomgangen (1 åpne)" for e in at.expander)
    at.text_input(key=f"answer_{comment.id}").input(EVIL_ANSWER)
    at.button(key=f"send_answer_{comment.id}").click().run()
    assert not at.exception
    (stored,) = review.comments(con, section.id)
    assert [a.body for a in stored.answers] == [EVIL_ANSWER]
    _assert_shown_literally(at, EVIL, EVIL_ANSWER)
    at.button(key=f"resolve_{comment.id}").click().run()
    assert not at.exception
    assert review.comments(con, section.id) == []
    assert any(e.label == "Kommentarer fra gjennomgangen (0 åpne)" for e in at.expander)


def test_the_answer_shows_on_the_review_page_too(app, commented):
    con, section, comment = commented
    review.add_comment(con, auth.load_actor(con, "leder"), section.id, EVIL_ANSWER, parent_id=comment.id)
    at = _open(app, "saksordforer", "pages/gjennomgang.py")
    _assert_shown_literally(at, EVIL, EVIL_ANSWER)
    assert any(c.value.startswith("Svar fra ") for c in at.caption)
