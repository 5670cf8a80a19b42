"""The one navigation table (ui/navigation.py) is what everything else that lists pages says: the README's
«Pages per role», the browser tests' expected sidebars, the page files, and the sidebar app.py draws."""

from __future__ import annotations

import csv
import re

import pytest

from tests.conftest import ROOT, TEST_USERS
from tilstand import dashboard, narrative
from tilstand.access import ROLES, Actor
from ui import navigation


def readme_pages_per_role() -> dict[str, set[str]]:
    """Page title -> the roles ticked for it in the README's «Pages per role» table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("**Pages per role.**", 1)[1].split("\n\n")[1]
    header, _rule, *rows = table.strip().splitlines()
    roles = [c.strip() for c in header.strip("|").split("|")][1:]
    out: dict[str, set[str]] = {}
    for row in rows:
        first, *ticks = [c.strip() for c in row.strip("|").split("|")]
        names = re.sub(r"\s*\(.*\)$", "", first.removeprefix("Area pages:")).strip()
        for title in names.split(", "):
            out[title] = {role for role, tick in zip(roles, ticks, strict=True) if tick.startswith("✓")}
    return out


def test_the_readme_table_of_pages_per_role_is_the_navigation_table():
    assert readme_pages_per_role() == {p.title: set(p.roles) for p in navigation.PAGES}


def test_every_page_row_names_an_existing_page_file_and_a_known_action():
    for p in (*navigation.PAGES, navigation.SIGN_IN):
        assert (ROOT / p.path).is_file(), p.path
        assert p.roles <= set(ROLES) and p.roles, p.key
    assert (
        len({p.key for p in navigation.PAGES}) == len({p.url_path for p in navigation.PAGES}) == len(navigation.PAGES)
    )
    assert [p.key for p in navigation.PAGES if p.default] == ["forside"]


def _test_user(username: str) -> Actor:
    """The browser tests' user as the library loads it (tests/conftest.py: add_test_users)."""
    _name, role, region = TEST_USERS[username]
    roles = {role, "lesar"} if role in ("saksordforer", "lesar") else {role}
    return Actor(username, username, {region: frozenset(roles)})


@pytest.mark.parametrize("username", list(TEST_USERS))
def test_the_browser_tests_expect_the_sidebar_the_table_gives_each_role(username):
    from tests.e2e.test_roles import PAGES

    assert PAGES[username] == [p.title for p in navigation.pages_for(_test_user(username))]


def test_a_person_without_roles_sees_only_the_pages_open_to_everyone_signed_in():
    assert [p.key for p in navigation.pages_for(Actor("ny", "Ny"))] == ["forside", "indikatorer"]
    assert navigation.pages_for(None) == []


def test_the_sidebar_app_py_draws_is_the_table_in_order_under_its_section_captions(app):
    """A leader's sidebar: every page the table opens for the role, in the table's order, each section's
    caption above its first page."""
    app.run()
    assert not app.exception
    drawn = [
        (e.type, e.proto.label if e.type == "page_link" else e.value)
        for e in app.sidebar.children.values()
        if e.type in ("page_link", "caption")
    ]
    expected, section = [], ""
    for p in navigation.pages_for(_test_user("leder")):
        if p.section != section:
            section = p.section
            expected.append(("caption", section))
        expected.append(("page_link", p.title))
    assert [d for d in drawn if d[0] == "page_link" or d[1] in (navigation.AREAS, navigation.REPORT)] == expected


def test_each_chapter_about_an_area_links_to_a_page_of_the_areas_section():
    """tilstand/data/chapter_areas.csv names real chapters and areas, and every area page has its chapter."""
    rows = list(
        csv.DictReader((ROOT / "tilstand" / "data" / "chapter_areas.csv").read_text(encoding="utf-8").splitlines())
    )
    assert {r["chapter"] for r in rows} <= {c.key for c in narrative.default_chapters()}
    linked = {r["chapter"]: narrative.area_of_chapter(r["chapter"]) for r in rows}
    assert set(linked.values()) == {a.key for a in dashboard.areas()}
    assert {navigation.page(area).section for area in linked.values()} == {navigation.AREAS}
    assert narrative.area_of_chapter("innsats") is None  # the leader's own text: no area page
