"""The Streamlit pages through AppTest: real script runs against the sample database."""

import os

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.apptest import sign_in_as
from tests.conftest import ROOT


def test_front_page_says_the_numbers_are_sample_data(app):
    app.run()
    assert not app.exception
    assert app.title[0].value == "Tilstand"
    assert any("Eksempeldata" in w.value for w in app.warning)


def test_profile_page_shows_every_area_for_the_chosen_municipality(app):
    app.run()
    app.switch_page("pages/tjenesteprofil.py").run()
    assert not app.exception
    assert app.selectbox(key="kommune").value == "5001"
    assert any("Eksempeldata" in w.value for w in app.warning)
    headers = [h.value for h in app.header]
    assert headers[:4] == ["Bakgrunn", "Dekningsgrad og kapasitet", "Kvalitet (frister og lovkrav)", "Økonomi"]
    app.selectbox(key="kommune").select("5043").run()
    assert not app.exception
    assert app.subheader[0].value == r"Raarvihke \- Røyrvik 2024"  # a name from the data: shown literally
    frames = app.dataframe
    assert frames, "one table per area"
    values = frames[1].value  # Dekningsgrad og kapasitet
    assert list(values.columns)[:6] == ["Indikator", "Verdi", "Endring", "KOSTRA-gruppe", "Fylket", "Landet"]


def test_choosing_an_earlier_year_changes_the_heading(app):
    app.run()
    app.switch_page("pages/tjenesteprofil.py").run()
    app.selectbox(key="ar").select(2019).run()
    assert not app.exception
    assert app.subheader[0].value.endswith("2019")


def test_catalogue_page_lists_definitions(app):
    app.run()
    app.switch_page("pages/indikatorer.py").run()
    assert not app.exception
    assert app.title[0].value == "Indikatorer og kilder"
    assert len(app.dataframe) >= 5


def test_every_page_says_eksempeldata_in_the_sidebar(app):
    app.run()
    for page in ("pages/forside.py", "pages/tjenesteprofil.py", "pages/indikatorer.py"):
        app.switch_page(page).run()
        assert not app.exception
        assert any("Eksempeldata" in w.value for w in app.sidebar.warning), page


def test_writing_room_starts_a_report_with_bufdirs_chapters(app, demo_db, tmp_path, monkeypatch):
    import shutil

    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("TILSTAND_DB", str(db))
    st.cache_resource.clear()
    sign_in_as(app, "leder")
    app.run()
    app.switch_page("pages/skriverom.py").run()
    assert not app.exception
    app.button(key="start_report").click().run()
    assert not app.exception
    radio = app.radio[0]
    assert radio.options[0] == "Kort oppsummering (tom)" and len(radio.options) == 12
    radio.set_value("kvalitet").run()
    assert not app.exception
    assert app.header[0].value == "Kvalitet og frister"
    (link,) = [e for e in app.get("page_link") if "sammenligningskommuner" in e.proto.label]
    assert (link.proto.page, link.proto.query_string) == ("kvalitet", "kommune=5001&ar=2024")


def test_writing_room_says_pdf_needs_libreoffice_when_it_is_missing(app, demo_db, tmp_path, monkeypatch):
    import shutil

    from tilstand import pdf

    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("TILSTAND_DB", str(db))
    monkeypatch.setattr(pdf, "available", lambda: False)
    st.cache_resource.clear()
    sign_in_as(app, "leder")
    app.run()
    app.switch_page("pages/skriverom.py").run()
    app.button(key="start_report").click().run()
    assert not app.exception
    missing = app.button(key="download_pdf_missing")
    assert missing.disabled and "LibreOffice" in missing.help
    assert any("PDF krever LibreOffice" in c.value for c in app.caption)


def test_signed_out_visitors_get_only_the_sign_in_page(demo_db, monkeypatch):
    monkeypatch.setenv("TILSTAND_DB", str(demo_db))
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.button(key="FormSubmitter:sign_in-Logg inn") is not None
    assert [t.value for t in at.title] == ["Tilstand"]
    with pytest.raises(ValueError):
        at.switch_page("pages/skriverom.py")


@pytest.mark.parametrize(
    "username, page, allowed",
    [
        ("lesar", "pages/skriverom.py", False),
        ("lesar", "pages/gjennomgang.py", False),
        ("lesar", "pages/tjenesteprofil.py", False),
        ("lesar", "pages/administrasjon.py", False),
        ("lesar", "pages/publisert.py", True),
        ("saksordforer", "pages/skriverom.py", False),
        ("saksordforer", "pages/gjennomgang.py", True),
        ("admin", "pages/skriverom.py", False),
        ("admin", "pages/administrasjon.py", True),
        ("leder", "pages/administrasjon.py", False),
    ],
)
def test_the_navigation_holds_only_the_pages_a_role_may_open(app, username, page, allowed):
    sign_in_as(app, username)
    app.run()
    assert not app.exception
    if allowed:
        app.switch_page(page).run()
        assert not app.exception
    else:
        with pytest.raises(ValueError):
            app.switch_page(page)


def test_a_page_run_without_the_role_stops_before_any_of_its_code(app):
    """Defence in depth: even if a page file ran for a lesar, require_page stops it at the top."""
    from tilstand import auth, store
    from ui.navigation import may_open

    con = store.connect(os.environ["TILSTAND_DB"])
    lesar = auth.load_actor(con, "lesar")
    assert not may_open(lesar, "skriverom") and not may_open(lesar, "gjennomgang")
    assert may_open(lesar, "publisert") and not may_open(None, "forside")


@pytest.mark.parametrize(
    "username, page, expected",
    [
        ("saksordforer", "pages/gjennomgang.py", "har ikke startet tilstandsrapporten"),
        ("lesar", "pages/publisert.py", "Ingen tilstandsrapport er publisert"),
    ],
)
def test_review_and_council_pages_say_plainly_when_there_is_nothing_yet(app, username, page, expected):
    sign_in_as(app, username)
    app.run()
    app.switch_page(page).run()
    assert not app.exception
    assert any(expected in i.value for i in app.info)


def test_admin_page_lists_the_users_with_their_roles(app):
    sign_in_as(app, "admin")
    app.run()
    app.switch_page("pages/administrasjon.py").run()
    assert not app.exception
    users = app.dataframe[0].value
    assert set(users["Brukernavn"]) >= {"admin", "leder", "saksordforer", "lesar"}
    assert "Saksordfører (5001)" in users.set_index("Brukernavn").loc["saksordforer", "Roller"]
