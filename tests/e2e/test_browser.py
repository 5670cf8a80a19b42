"""A person opens the app in a browser, picks a municipality and reads its profile."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tilstand import catalog

pytestmark = pytest.mark.e2e


def _cells(page) -> list[str]:
    """Text of the data grids' accessible tables (the grid itself is drawn on a canvas).

    A grid fills its accessible table only once it is drawn, so each one is scrolled into view first.
    """
    grids = page.get_by_test_id("stDataFrame")
    expect(grids.first).to_be_visible()
    texts: list[str] = []
    for row in _rows(page):
        texts += row
    return texts


def _rows(page) -> list[list[str]]:
    grids = page.get_by_test_id("stDataFrame")
    expect(grids.first).to_be_visible()
    rows: list[list[str]] = []
    for i in range(grids.count()):
        grid = grids.nth(i)
        grid.scroll_into_view_if_needed()
        page.wait_for_function("g => g.querySelectorAll('td').length > 0", arg=grid.element_handle())
        rows += grid.evaluate(
            "g => [...g.querySelectorAll('tr')].map(r => [...r.querySelectorAll('td')].map(c => c.textContent))"
        )
    return [r for r in rows if r]


def test_a_deep_link_runs_inside_the_app_shell(server, page):
    # A deep link must get the app (sidebar, language, the role check), never a bare page from pages/.
    page.goto(f"{server}/tjenesteprofil?kommune=5043&ar=2024")
    expect(page.get_by_role("heading", name="Raarvihke - Røyrvik 2024")).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nb")


def test_person_picks_a_municipality_and_sees_its_profile(server, page):
    page.goto(server)
    expect(page.get_by_role("heading", name="Tilstand", exact=True, level=1)).to_be_visible()
    expect(page.get_by_text("Eksempeldata", exact=False).first).to_be_visible()
    page.get_by_role("link", name="Tjenesteprofil").first.click()
    expect(page.get_by_role("heading", name="Tjenesteprofil")).to_be_visible()
    box = page.get_by_role("combobox", name=re.compile("Kommune"))
    box.click()
    page.keyboard.type("Stjørdal")
    page.get_by_role("option", name="5035 Stjørdal").click()
    expect(page.get_by_role("heading", name="Stjørdal 2024")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Dekningsgrad og kapasitet").first
    ).to_be_visible()  # stale copy while rerunning
    expect(page.get_by_text("Eksempeldata", exact=False).first).to_be_visible()
    cells = _cells(page)
    assert any(re.fullmatch(r"\d+,\d\u00a0%", c) for c in cells), "percentages in Norwegian format"
    assert any(c.startswith("Bedre enn") or c.startswith("Dårligere enn") for c in cells)
    screenshot(page, "tjenesteprofil_stjordal")


def test_small_municipality_shows_dashes_with_a_reason_never_small_counts(server, page):
    page.goto(f"{server}/tjenesteprofil?kommune=5043&ar=2024")
    expect(page.get_by_role("heading", name="Raarvihke - Røyrvik 2024")).to_be_visible()
    rows = _rows(page)
    assert any("personvernhensyn" in c for row in rows for c in row)
    child_counts = {i.name_nb for i in catalog.indicators().values() if i.min_count}
    shown = [(r[0], r[1]) for r in rows if r[0] in child_counts]
    assert shown, "child counts are listed"
    assert all(value not in ("1", "2", "3") for _, value in shown), shown
    screenshot(page, "tjenesteprofil_royrvik")
