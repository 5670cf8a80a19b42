"""A leader writes a chapter in the browser; the text survives reloads, a restart and kill -9."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e


def _open_report(page, url, kommune="5001 Trondheim - Tråante", language="Bokmål"):
    page.goto(f"{url}/skriverom")
    login, heading = page.get_by_role("button", name="Logg inn"), page.get_by_role("heading", name="Skriverom")
    expect(login.or_(heading)).to_be_visible(timeout=30_000)
    if login.is_visible():  # a new browser context: sign in first, as a person would
        sign_in(page, url)
        page.goto(f"{url}/skriverom")
    expect(heading).to_be_visible()
    if kommune != "5001 Trondheim - Tråante":
        page.get_by_role("combobox", name=re.compile("Kommune")).click()
        page.keyboard.type(kommune.split(" ", 1)[1])
        page.get_by_role("option", name=kommune).click()
    if language != "Bokmål":
        page.get_by_role("combobox", name=re.compile("Målform")).click()
        page.get_by_role("option", name=language).click()
    editor = page.locator("textarea")
    # The heading names the chosen municipality in both states, so we never act on the previous one's page.
    expect(page.get_by_role("heading", name=re.compile(f"Tilstandsrapport 2024 for {kommune}"))).to_be_visible()
    page.wait_for_timeout(800)  # let the rerun replace the previous municipality's elements
    start = page.get_by_role("button", name="Start rapporten")
    expect(start.or_(editor)).to_be_visible()
    if start.is_visible():
        start.click()
    expect(editor).to_be_visible()
    return editor


def _choose(page, chapter):
    # In the page, not the sidebar: an area page there has the same name as its chapter.
    page.get_by_test_id("stMain").get_by_text(chapter, exact=False).first.click()
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


def _download(page, label: str, target):
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name=label).click()
    info.value.save_as(target)
    return info.value


def test_a_leader_writes_two_chapters_comes_back_and_downloads_the_docx(server, browser, tmp_path):
    from docx import Document

    context = browser.new_context(viewport={"width": 1400, "height": 1200}, accept_downloads=True)
    page = context.new_page()
    editor = _open_report(page, server, "5025 Røros")
    _choose(page, "Dekningsgrad og kapasitet")
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=15_000)  # charts beside the text
    editor.click()
    page.keyboard.type("Flere barn fikk **hjelp hjemme** i år.")
    expect(page.get_by_text("Lagret versjon 1")).to_be_visible(timeout=15_000)
    _choose(page, "Utfordringsbildet")
    editor.click()
    page.keyboard.type("Rekruttering er den største utfordringen.")
    expect(page.get_by_text("Lagret versjon 1")).to_be_visible(timeout=15_000)
    context.close()  # the browser is closed; nothing was pressed to save

    context = browser.new_context(viewport={"width": 1400, "height": 1200}, accept_downloads=True)
    page = context.new_page()
    editor = _open_report(page, server, "5025 Røros")
    _choose(page, "Dekningsgrad og kapasitet")
    expect(editor).to_have_value("Flere barn fikk **hjelp hjemme** i år.")
    download = _download(page, "Last ned rapporten (DOCX)", tmp_path / "rapport.docx")
    assert download.suggested_filename == "Tilstandsrapport_2024_5025_Røros_Rosse_nb.docx"
    doc = Document(tmp_path / "rapport.docx")
    texts = [p.text for p in doc.paragraphs]
    assert "Flere barn fikk hjelp hjemme i år." in texts and "Rekruttering er den største utfordringen." in texts
    para = doc.paragraphs[texts.index("Flere barn fikk hjelp hjemme i år.")]
    assert any(r.bold and r.text == "hjelp hjemme" for r in para.runs)
    assert doc.inline_shapes, "the charts are in the document"
    screenshot(page, "skriverom_nedlasting")
    context.close()


def test_the_nynorsk_report_downloads_as_pdf(server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1200}, accept_downloads=True)
    page = context.new_page()
    editor = _open_report(page, server, "5026 Holtålen", language="Nynorsk")
    editor.click()
    page.keyboard.type("Tenesta er lita, men stabil.")
    expect(page.get_by_text("Lagret versjon 1")).to_be_visible(timeout=15_000)
    _download(page, "Last ned rapporten (PDF)", tmp_path / "rapport.pdf")
    assert (tmp_path / "rapport.pdf").read_bytes()[:5] == b"%PDF-"
    import subprocess

    text = subprocess.run(
        ["pdftotext", str(tmp_path / "rapport.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())  # the title wraps on the cover
    assert "Tilstandsrapport for barnevernstenesta" in text and "Tenesta er lita, men stabil." in text
    context.close()
