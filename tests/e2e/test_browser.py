"""A person opens the app in a browser, picks a municipality and reads its profile."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def _cells(page) -> list[str]:
    """Text of the data grids' accessible tables (the grid itself is drawn on a canvas)."""
    return page.locator("[data-testid=stDataFrame] td").all_text_contents()


def test_a_deep_link_on_a_fresh_server_runs_inside_the_app_shell(server, page):
    # First request to the server is a deep link: it must get the app (sidebar, language), not a bare page.
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
    expect(page.get_by_role("heading", name="Dekningsgrad og kapasitet")).to_be_visible()
    expect(page.get_by_text("Eksempeldata", exact=False).first).to_be_visible()
    page.wait_for_function("document.querySelectorAll('[data-testid=stDataFrame] td').length > 20")
    cells = _cells(page)
    assert any(re.fullmatch(r"\d+,\d\u00a0%", c) for c in cells), "percentages in Norwegian format"
    assert any(c.startswith("Bedre enn") or c.startswith("Dårligere enn") for c in cells)
    screenshot(page, "tjenesteprofil_stjordal")


def test_small_municipality_shows_dashes_with_a_reason_never_small_counts(server, page):
    page.goto(f"{server}/tjenesteprofil?kommune=5043&ar=2024")
    expect(page.get_by_role("heading", name="Raarvihke - Røyrvik 2024")).to_be_visible()
    page.wait_for_function("document.querySelectorAll('[data-testid=stDataFrame] td').length > 20")
    cells = _cells(page)
    assert any("personvernhensyn" in c for c in cells)
    screenshot(page, "tjenesteprofil_royrvik")
