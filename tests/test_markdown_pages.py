"""Every page that shows a chapter (writing room preview, review page, the council's published view) shows it
from the parsed subset, through st.html, and shows people's names literally: no image loads in a reader's
browser, no script or data: link, while an ordinary https link still works."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
import streamlit as st

from tests.apptest import sign_in_as
from tests.html_tags import tags_of
from tilstand import auth, narrative, pdf, publish, review, store
from tilstand.access import SYSTEM

EVIL_NAME = "Eva ![n](https://evil.example/name.png)"
EVIL_REGION = "Trondheim ![r](https://evil.example/region.png)"
EVIL_GROUP = "KOSTRA-gruppe 12 ![g](https://evil.example/group.png)"
EVIL_TITLE = "Kort ![t](https://evil.example/title.png) oppsummering"
TEXT = (
    "# Funn\n\nSe ![x](https://evil.example/p.png) og <img src=https://evil.example/q.png>, "
    "[a](javascript:alert(1)), [b](data:text/html,x) og [Bufdir](https://www.bufdir.no)."
)
BUFDIR_LINK = '<a href="https://www.bufdir.no" rel="noopener noreferrer nofollow" target="_blank">Bufdir</a>'


@pytest.fixture
def written(app, demo_db, tmp_path, monkeypatch):
    """A private database where a leader named like an image wrote the first chapter with every attack,
    a saksordfører commented with one, and the report went through review to ferdig."""
    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("TILSTAND_DB", str(db))
    monkeypatch.setattr(pdf, "available", lambda: False)  # publishing makes the DOCX only: the page is the point
    st.cache_resource.clear()
    st.cache_data.clear()
    con = store.connect(db)
    # a name stored before import checked names: suggestions, headings and choosers show it too
    con.cursor().executemany(
        "UPDATE region SET name = ? WHERE code = ?", [[EVIL_REGION, "5001"], [EVIL_GROUP, "EKG12"]]
    )
    auth.add_user(con, SYSTEM, "eva", "Eva")  # a name stored before add_user refused images: written directly
    con.cursor().execute("UPDATE app_user SET display_name = ? WHERE username = 'eva'", [EVIL_NAME])
    auth.grant(con, SYSTEM, "eva", "leder", "5001")
    eva = auth.load_actor(con, "eva")
    rep = narrative.create_report(con, "5001", 2024, "nb", actor=eva)
    first = narrative.sections(con, rep.id)[0]
    narrative.update_structure(con, first.id, title=EVIL_TITLE, actor=eva)
    narrative.save(con, first.id, TEXT, base_version=first.version, actor=eva)
    review.set_state(con, eva, rep.id, "review")
    review.add_comment(con, auth.load_actor(con, "saksordforer"), first.id, "![c](https://evil.example/c.png)")
    review.set_state(con, eva, rep.id, "done")
    return con, rep, eva


def _assert_nothing_loads_or_runs(at, *, title: bool = True) -> None:
    """The page as rendered: HTML only with the subset's tags and safe links; Markdown never with an image
    or a link made from what someone typed."""
    for element in at.get("html"):
        for tag, attrs in tags_of(element.value):
            assert tag in {"p", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "del", "ins"}, element.value
            if tag == "a":
                assert attrs["href"] == "https://www.bufdir.no", element.value
    markdown_like = [
        e.value for e in [*at.markdown, *at.caption, *at.success, *at.info, *at.warning, *at.header, *at.subheader]
    ]
    markdown_like += [option for radio in at.radio for option in radio.options]  # options show Markdown images
    for text in markdown_like:
        assert "<img" not in text and not re.search(r"(?<!\\)\]\(", text), text
    assert not title or any(
        r"Kort \!\[t\]\(https\:\/\/evil\.example\/title\.png\) oppsummering" in t for t in markdown_like
    )


def _shown_chapter(at) -> str:
    (body,) = [h.value for h in at.get("html") if BUFDIR_LINK in h.value]
    return body


def test_the_writing_room_preview_is_the_subset_with_no_image_and_no_script_link(app, written):
    sign_in_as(app, "leder")
    app.run()
    app.switch_page("pages/skriverom.py").run()
    assert not app.exception
    _assert_nothing_loads_or_runs(app)
    body = _shown_chapter(app)
    assert body.startswith("<h3>Funn</h3><p>Se ![x](https://evil.example/p.png) og &lt;img")
    assert any(r"Eva \!\[n\]" in m.value for m in app.markdown)  # the version list names the author literally
    app.radio[0].set_value("dekningsgrad").run()  # a chapter with suggested sentences naming the KOSTRA group
    assert not app.exception
    _assert_nothing_loads_or_runs(app, title=False)
    assert any(r"gruppe 12 \!\[g\]" in m.value for m in app.markdown)


def test_the_review_page_shows_the_chapter_and_names_safely(app, written):
    sign_in_as(app, "saksordforer")
    app.run()
    app.switch_page("pages/gjennomgang.py").run()
    assert not app.exception
    _assert_nothing_loads_or_runs(app)
    assert _shown_chapter(app).startswith("<h3>Funn</h3>")
    assert any(r"Eva \!\[n\]" in m.value for m in app.markdown)  # who changed the state last


@pytest.mark.libreoffice  # publishing makes the PDF when LibreOffice is there
def test_the_councils_published_view_shows_the_chapter_and_the_publisher_safely(app, written):
    con, rep, eva = written
    publish.publish(con, eva, rep.id, today=date(2025, 3, 1))
    sign_in_as(app, "lesar")
    app.run()
    app.switch_page("pages/publisert.py").run()
    assert not app.exception
    _assert_nothing_loads_or_runs(app)
    assert _shown_chapter(app).startswith("<h4>Funn</h4>")  # under the chapter's own st.subheader
    assert any(r"av Eva \!\[n\]" in c.value for c in app.caption)
