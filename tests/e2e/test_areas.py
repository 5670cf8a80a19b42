"""The area pages in a real browser: a small and a large municipality, switching comparisons and peers,
and the chart/table toggle reached with the keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, wait_until_idle

pytestmark = pytest.mark.e2e

AREAS = ["dekningsgrad", "kvalitet", "okonomi", "ansatte", "brukere", "bakgrunn"]


def _open(page, server, path: str) -> None:
    page.goto(f"{server}/{path}")
    wait_until_idle(page)
    expect(page.get_by_text("Nøkkeltall", exact=True)).to_be_visible()


@pytest.mark.parametrize("code, name", [("5026", "Holtålen"), ("5001", "Trondheim")], ids=["small", "large"])
def test_every_area_page_shows_headline_figures_and_charts_for_a_small_and_a_large_municipality(
    page, server, code, name
):
    for key in AREAS:
        _open(page, server, f"{key}?kommune={code}")
        expect(page.get_by_role("heading", name=f"{name}", exact=False).first).to_be_visible()
        assert page.get_by_test_id("stMetric").count() >= 3, key
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=20_000)
        assert page.get_by_text("Sist oppdatert", exact=False).count() > 0, key
        screenshot(page, f"area_{key}_{code}")


def test_dropping_a_comparison_removes_it_from_the_figures(page, server):
    _open(page, server, "okonomi?kommune=5001")
    expect(page.get_by_text("Landet:", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Landet", exact=True).click()
    wait_until_idle(page)
    expect(page.get_by_text("Landet:", exact=False)).to_have_count(0)
    page.get_by_role("button", name="Landet", exact=True).click()  # back, so other tests see the default
    wait_until_idle(page)


def test_leader_saves_peers_and_the_page_compares_with_them(page, server):
    _open(page, server, "kvalitet?kommune=5001")
    panel = page.get_by_test_id("stExpander").filter(has_text="Sammenligningskommuner:")
    panel.locator("summary").click()
    box = page.get_by_role("combobox", name="Velg sammenligningskommuner (høyst 15)")
    # Start from an empty choice: clear what is suggested, then pick two by typing.
    clear = panel.get_by_role("button", name="Fjern alle")
    if clear.count():
        clear.first.click()
        wait_until_idle(page)  # the clearing reruns the page: let it redraw the box before typing
    for town in ("Steinkjer", "Namsos"):
        box.click()
        box.fill(town)
        # click the filtered option itself (Enter before the list has filtered picks nothing under load),
        # then let the rerun each choice starts finish before the next one
        page.get_by_role("option", name=re.compile(town)).first.click()
        wait_until_idle(page)
    page.keyboard.press("Escape")  # close the option list, which covers the button
    panel.get_by_role("button", name="Lagre for rapporten 2024").click()
    wait_until_idle(page)
    expect(page.get_by_text("Sammenligningskommunene er lagret for rapporten.")).to_be_visible()
    expect(page.get_by_text("Sammenligningskommuner: Steinkjer", exact=False)).to_be_visible()
    expect(page.get_by_text("Sammenligningskommunene (snitt av", exact=False).first).to_be_visible()


def test_table_view_is_reached_by_keyboard_and_shows_real_tables(page, server):
    _open(page, server, "bakgrunn?kommune=5026")
    charts_before = page.locator(".js-plotly-plot").count()
    assert charts_before > 0
    toggle = page.get_by_role("radio", name="Tabell", exact=True)
    toggle.focus()
    page.keyboard.press("Enter")
    wait_until_idle(page)
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    tables = page.get_by_role("table")
    assert tables.count() >= 3
    expect(tables.first.get_by_role("columnheader").first).to_be_visible()
    screenshot(page, "area_bakgrunn_5026_tabell")
    page.get_by_role("radio", name="Diagram", exact=True).click()
    wait_until_idle(page)
