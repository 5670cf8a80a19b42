"""A leader writes a chapter in the browser; the text survives reloads, a restart and kill -9."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def _open_report(page, url, kommune="5001 Trondheim - Tråante"):
    page.goto(f"{url}/skriverom")
    expect(page.get_by_role("heading", name="Skriverom")).to_be_visible()
    if kommune != "5001 Trondheim - Tråante":
        page.get_by_role("combobox", name=re.compile("Kommune")).click()
        page.keyboard.type(kommune.split(" ", 1)[1])
        page.get_by_role("option", name=kommune).click()
    editor = page.locator("textarea")
    not_started = page.get_by_role("heading", name=f"Tilstandsrapport 2024 for {kommune}")
    expect(not_started.or_(editor)).to_be_visible()
    if not_started.is_visible():
        page.get_by_role("button", name="Start rapporten").click()
    expect(editor).to_be_visible()
    return editor


def _choose(page, chapter):
    page.get_by_text(chapter, exact=False).first.click()
    expect(page.get_by_role("heading", name=chapter, level=2)).to_be_visible()


def test_text_typed_is_saved_without_pressing_anything_and_survives_reload(server, page):
    editor = _open_report(page, server, "5035 Stjørdal")
    _choose(page, "Samarbeid med andre sektorer")
    editor.click()
    page.keyboard.type("Vi har faste møter med skolene hver måned.")
    expect(page.get_by_text("Lagret versjon 1")).to_be_visible(timeout=15_000)
    page.reload()
    editor = _open_report(page, server, "5035 Stjørdal")
    _choose(page, "Samarbeid med andre sektorer")
    expect(editor).to_have_value("Vi har faste møter med skolene hver måned.")
    screenshot(page, "skriverom")


def test_text_survives_kill_9_of_the_server_a_second_after_typing(own_server, browser):
    own_server.start()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    editor = _open_report(page, own_server.url, "5021 Oppdal")
    editor.click()
    page.keyboard.type("Setningen som ikke må gå tapt.")
    time.sleep(1.5)  # 0.6 s debounce + the save round trip; no button pressed
    own_server.kill()
    context.close()
    own_server.start()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    editor = _open_report(page, own_server.url, "5021 Oppdal")
    expect(editor).to_have_value("Setningen som ikke må gå tapt.")
    context.close()


def test_a_second_writer_on_a_stale_version_sees_both_texts_and_loses_nothing(server, browser):
    first = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
    second = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
    a = _open_report(first, server, "5028 Melhus")
    _choose(first, "Utfordringsbildet")
    b = _open_report(second, server, "5028 Melhus")
    _choose(second, "Utfordringsbildet")
    a.click()
    first.keyboard.type("Anne sin tekst.")
    expect(first.get_by_text("Lagret versjon 1")).to_be_visible(timeout=15_000)
    b.click()
    second.keyboard.type("Bjørn sin tekst.")
    expect(second.get_by_text("er endret av", exact=False)).to_be_visible(timeout=15_000)
    expect(second.get_by_text("Bjørn sin tekst.").first).to_be_visible()
    expect(second.get_by_text("Anne sin tekst.").first).to_be_visible()
    second.get_by_role("button", name="Lagre min tekst over den andre").click()
    expect(second.get_by_text("Lagret versjon 2")).to_be_visible(timeout=15_000)
    second.context.close()
    first.context.close()


def test_a_suggested_sentence_is_inserted_with_one_click_and_saved(server, page):
    editor = _open_report(page, server, "5037 Levanger - Levangke")
    _choose(page, "Dekningsgrad og kapasitet")
    expect(page.get_by_text("Forslag til setninger fra tallene", exact=False)).to_be_visible()
    page.get_by_role("button", name="Sett inn").first.click()
    expect(editor).to_have_value(re.compile(r"^«.+» var .+ i 2024"), timeout=15_000)
    expect(page.get_by_text("Lagret versjon 1")).to_be_visible(timeout=15_000)
