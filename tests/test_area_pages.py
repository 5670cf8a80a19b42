"""The six area pages through AppTest: real script runs against the sample database, per role."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import sign_in_as
from tilstand import dashboard

AREAS = [a.key for a in dashboard.areas()]


def _open(at: AppTest, key: str) -> AppTest:
    at.run()
    at.switch_page(f"pages/{key}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("key", AREAS)
def test_area_page_opens_with_summary_headline_figures_and_charts(app, key):
    _open(app, key)
    area = dashboard.area(key)
    assert app.title[0].value == area.title
    assert app.header[0].value.startswith("Trondheim")
    assert 3 <= len(app.metric) <= 5
    assert "nøkkeltall" in app.markdown[1].value or "Siden 2023" in app.markdown[1].value
    assert any("Eksempeldata" in w.value for w in app.warning)
    assert app.get("plotly_chart"), "no chart on the page"
    assert any("Sist oppdatert" in c.value for c in app.caption), "charts must say when the numbers were updated"


@pytest.mark.parametrize("key", AREAS)
def test_table_view_shows_the_same_numbers_as_tables(app, key):
    _open(app, key)
    charts_before = len(app.get("plotly_chart"))
    app.segmented_control(key=f"{key}_view").set_value("Tabell").run()
    assert not app.exception
    assert len(app.get("plotly_chart")) < charts_before
    assert len(app.table) >= len(app.metric)


def test_choice_of_municipality_year_and_view_follows_the_leader_between_area_pages(app):
    _open(app, "dekningsgrad")
    app.selectbox(key="dekningsgrad_kommune").select("5026").run()
    app.segmented_control(key="dekningsgrad_view").set_value("Tabell").run()
    app.switch_page("pages/kvalitet.py").run()
    assert not app.exception
    assert app.selectbox(key="kvalitet_kommune").value == "5026"
    assert app.segmented_control(key="kvalitet_view").value == "Tabell"
    assert app.header[0].value.startswith("Holtålen")


def test_dropping_comparisons_removes_them_from_the_headline_figures(app):
    _open(app, "okonomi")
    assert any("Landet" in c.value for c in app.caption)
    app.pills(key="okonomi_compare").set_value(["group"]).run()
    assert not app.exception
    captions = " ".join(c.value for c in app.caption)
    assert "Landet:" not in captions and "Sammenligningskommunene (snitt" not in captions
    assert "KOSTRA-gruppe" in captions


def test_leader_saves_peers_and_the_saksordforer_sees_them_read_only(app, demo_db):
    from tilstand import peers, store

    _open(app, "dekningsgrad")
    app.multiselect[0].set_value(["5006", "5035"])
    save = next(b for b in app.button if b.label.startswith("Lagre for rapporten 2024"))
    save.click().run()
    assert not app.exception
    assert any("lagret" in s.value for s in app.success)
    con = store.connect(str(demo_db))
    try:
        assert peers.current(con, "5001", 2024).peers == ("5006", "5035")
        other = AppTest.from_file(app._script_path, default_timeout=60)
        sign_in_as(other, "saksordforer")
        _open(other, "dekningsgrad")
        assert not other.multiselect, "a saksordfører cannot change the peers"
        assert any("Sammenligningskommuner: Steinkjer" in e.label for e in other.expander)
    finally:
        con.execute("DELETE FROM peer_set")


def test_council_member_opens_area_pages_for_their_municipality_only(app):
    sign_in_as(app, "lesar")
    _open(app, "kvalitet")
    assert app.selectbox(key="kvalitet_kommune").options == ["5001 Trondheim - Tråante"]
    assert not app.multiselect


def test_quality_page_shows_the_half_years_of_fristbrudd_under_the_years_figure(app):
    _open(app, "kvalitet")
    headings = [m.value for m in app.markdown]
    year_trend = next(i for i, h in enumerate(headings) if h.startswith("**Utvikling"))
    halves = next(i for i, h in enumerate(headings) if h.startswith("**Første og andre halvår og hele året"))
    assert year_trend < halves  # after the year's trend, in the Fristbrudd section
    assert "Fristbrudd i undersøkelsessaker" in [s.value for s in app.subheader]
