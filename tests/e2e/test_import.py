"""A leader imports a file in the browser: sees what it would change, confirms, finds it in the history,
and undoes it; a bad file is refused with its place named and nothing changes."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.conftest import DATA
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def leader_page(own_server, browser):
    own_server.start()
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, own_server.url)
    page.goto(f"{own_server.url}/import")
    expect(page.get_by_role("heading", name="Importer tall")).to_be_visible()
    yield page
    context.close()


def test_preview_confirm_history_and_undo(leader_page, tmp_path):
    page = leader_page
    changed = tmp_path / "ssb_12286_ny_versjon.csv"
    text = (DATA / "ssb_12286_excel_cp1252.csv").read_bytes().decode("cp1252")
    changed.write_text(text.replace("2,6", "9,9"), encoding="cp1252")
    page.locator("input[type=file]").set_input_files(str(changed))
    expect(page.get_by_text("ssb_12286_ny_versjon.csv")).to_be_visible()
    expect(page.get_by_test_id("stMetricLabel").filter(has_text="Endrede verdier")).to_be_visible()
    screenshot(page, "import_forhandsvisning")
    page.get_by_role("button", name=re.compile("^Importer 1 fil")).click()
    expect(page.get_by_text(re.compile(r"ssb_12286_ny_versjon.csv: \d+ verdier lest"))).to_be_visible()
    expect(page.locator("input[type=file]")).to_have_count(1)
    page.get_by_text("Angre en import").click()
    page.get_by_role("button", name="Angre importen").click()
    expect(page.get_by_text(re.compile("er angret"))).to_be_visible()
    screenshot(page, "import_historikk")


def test_a_bad_file_is_refused_with_file_row_and_field_and_nothing_can_be_imported(leader_page, tmp_path):
    page = leader_page
    bad = tmp_path / "feil.csv"
    shutil.copy(DATA / "ssb_12286_excel_cp1252.csv", bad)
    bad.write_bytes(bad.read_bytes().replace(b"2,6", b"2,6abc"))
    page.locator("input[type=file]").set_input_files(str(bad))
    expect(page.get_by_text(re.compile("Feil i filen: fil «feil.csv», rad \\d+"))).to_be_visible()
    expect(page.get_by_text("Ingenting importeres før alle filene er feilfrie")).to_be_visible()
    assert page.get_by_role("button", name=re.compile("^Importer \\d")).count() == 0


def test_fetch_from_ssb_button_imports_through_the_same_importer(own_server, browser, monkeypatch):
    """The button talks to a stand-in for SSB's PxWebApi on loopback (never the real SSB)."""
    from tests import fake_ssb

    fake, http = fake_ssb.start()
    monkeypatch.setenv("TILSTAND_SSB_URL", fake.v2_url)
    try:
        own_server.start()
        context = browser.new_context(viewport={"width": 1400, "height": 1400})
        page = context.new_page()
        page.set_default_timeout(60_000)
        sign_in(page, own_server.url)
        page.goto(f"{own_server.url}/import")
        page.get_by_role("textbox", name="Kommuner (kommunenummer, kommaseparert)").fill("5001")
        tables = page.get_by_test_id("stMultiSelect")
        # One table keeps the test short; ui/a11y.py makes Streamlit's «Clear all» Norwegian.
        tables.get_by_role("button", name=re.compile("^Fjern alle$")).click()
        tables.locator("input").click()
        page.keyboard.type("12275")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        expect(tables.get_by_text("12275")).to_be_visible()
        page.get_by_role("button", name="Hent fra SSB").click()
        expect(page.get_by_text(re.compile(r"ssb_api_12275_2015-2024\.json: \d+ verdier lest")).first).to_be_visible(
            timeout=60_000
        )
        assert fake.of("data"), "the page asked the stand-in SSB for data"
        context.close()
    finally:
        fake_ssb.stop(fake, http)


def test_a_filled_10faktor_template_is_previewed_and_imported(leader_page, tmp_path):
    from tests.conftest import ROOT

    page = leader_page
    sample = next((ROOT / "sample_data" / "10faktor").glob("*.xlsx"))
    target = tmp_path / "10faktor_utfylt.xlsx"
    target.write_bytes(sample.read_bytes())
    page.get_by_text("Maler for tall som ikke har et fast format").click()
    expect(page.get_by_role("button", name="Last ned malen for 10-FAKTOR (Excel)")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(target))
    expect(page.get_by_text("KS 10-FAKTOR (Excel-malen)", exact=False)).to_be_visible()
