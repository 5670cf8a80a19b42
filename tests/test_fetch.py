"""Live fetch from SSB (tilstand.ingest.fetch) against a stand-in server on 127.0.0.1 — never the real SSB."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import duckdb
import pytest

from tests import fake_ssb
from tests.conftest import leader, snapshot
from tilstand import auth, ingest, store
from tilstand.access import SYSTEM, Actor, PermissionDenied
from tilstand.errors import InputError
from tilstand.ingest import fetch, ssb_api, ssb_query
from tilstand.ingest.ssb_api import Client, FetchError, Throttle

YEARS = (2015, 2024)
OBS_SQL = "SELECT indicator_id, region_code, year, value, status FROM observation ORDER BY ALL"


@pytest.fixture
def ssb():
    fake, server = fake_ssb.start()
    yield fake
    fake_ssb.stop(fake, server)


def client(fake_or_url, **kw) -> Client:
    """Tiny back-off and a roomy throttle, unless a test says otherwise."""
    url = fake_or_url if isinstance(fake_or_url, str) else fake_or_url.v2_url
    kw = {"timeout": 2.0, "backoff": 0.01, "throttle": Throttle(1000, 1.0), **kw}
    return Client(url, **kw)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch_12275(con, fake, **kw):
    return fetch.fetch_tables(con, SYSTEM, ["12275"], ["5001"], YEARS, client=client(fake, **kw)).results


def stored_tables(con) -> list[str]:
    return sorted(r[0] for r in con.execute("SELECT ssb_table FROM import_log").fetchall())


WRONG_12286 = {"KOSbvbarnus0000": "KOSbvbarnus0001", "KOSbvbarnuspinnb0000": "KOSbvbarnuspinnb0001"}


# --- what a fetch asks and writes ---------------------------------------------------------------------------


def test_a_fetch_imports_the_same_values_as_a_direct_import_of_the_same_answer(con, tmp_path, ssb):
    [result] = fetch_12275(con, ssb)
    assert result.file_name == "ssb_api_12275_2015-2024.json" and result.inserted == result.rows == 200

    [answer] = ssb.of("data")
    other = store.connect(tmp_path / "direct.duckdb")
    ingest.import_file(other, "ssb_api_12275_2015-2024.json", data=answer.response, actor=SYSTEM)
    assert con.execute(OBS_SQL).fetchall() == other.execute(OBS_SQL).fetchall()

    log = con.execute("SELECT source, file_name, ssb_table, rows FROM import_log").fetchall()
    assert log == [("ssb_jsonstat", "ssb_api_12275_2015-2024.json", "12275", 200)]
    want, _ = fake_ssb.value(
        "12275",
        {
            "KOKkommuneregion0000": "5001",
            "KOKalder0000": "F000-017",
            "KOKbvfunksjon0000": "0",
            "ContentsCode": "KOSbvbarntiltaka0000",
            "Tid": "2020",
        },
    )
    got = con.execute(
        "SELECT value FROM observation WHERE indicator_id = 'barn_tiltak_antall' "
        "AND region_code = '5001' AND year = 2020"
    ).fetchone()[0]
    assert got == want


def test_the_query_asks_for_the_municipality_its_kostra_group_county_and_country_and_the_mapped_codes(con, ssb):
    fetch_12275(con, ssb)
    [meta] = ssb.of("metadata")
    assert meta.path == "/api/pxwebapi/v2/tables/12275/metadata" and meta.query["outputFormat"] == ["json-stat2"]
    [data] = ssb.of("data")
    assert data.method == "POST" and data.query == {"lang": ["no"], "outputFormat": ["json-stat2"]}
    assert data.selection == {
        "KOKkommuneregion0000": ["5001", "EKG12", "EKA50", "EAK"],
        "KOKalder0000": ["F000-017"],
        "KOKbvfunksjon0000": ["0", "1", "2"],
        "ContentsCode": ["KOSbvbarntiltaka0000", "KOSbvbarntiltaka0001"],
        "Tid": [str(y) for y in range(2015, 2025)],
    }
    regions = {r[0] for r in con.execute("SELECT DISTINCT region_code FROM observation").fetchall()}
    assert regions == {"5001", "EKG12", "50", "EAK"}


def test_dimensions_ssb_may_eliminate_are_left_out_and_age_ranges_become_codes(con, ssb):
    fetch.fetch_tables(con, SYSTEM, ["07459"], ["5001"], (2023, 2023), client=client(ssb))
    sel = ssb.of("data")[0].selection
    assert "Kjonn" not in sel, "both sexes: let SSB eliminate (sum) the dimension"
    assert sel["Alder"][0] == "000" and sel["Alder"][-1] == "105+" and len(sel["Alder"]) == 106
    assert sel["Region"] == ["5001", "50", "0"], "a population table has no KOSTRA group, and the country is 0"
    stored = con.execute("SELECT region_code FROM observation WHERE indicator_id = 'barn_0_17_antall'").fetchall()
    assert sorted(stored) == [("50",), ("5001",), ("EAK",)], "the country is stored as EAK, as from KOSTRA tables"


def test_a_second_fetch_of_unchanged_numbers_changes_nothing(con, ssb):
    fetch_12275(con, ssb)
    before = snapshot(con)
    [again] = fetch_12275(con, ssb)
    assert again.already_imported and again.changed == 0
    assert snapshot(con) == before


def test_the_older_v0_api_is_asked_in_its_own_shape_and_gives_the_same_numbers(con, tmp_path, ssb):
    fetch.fetch_tables(con, SYSTEM, ["12275"], ["5001"], YEARS, client=client(ssb.v0_url))
    [data] = ssb.of("data")
    assert data.path == "/api/v0/no/table/12275" and data.body["response"] == {"format": "json-stat2"}
    assert data.body["query"][0] == {
        "code": "KOKkommuneregion0000",
        "selection": {"filter": "item", "values": ["5001", "EKG12", "EKA50", "EAK"]},
    }
    assert not ssb.of("config"), "v0 has no /config: the documented limits apply"
    other = store.connect(tmp_path / "v2.duckdb")
    fetch.fetch_tables(other, SYSTEM, ["12275"], ["5001"], YEARS, client=client(ssb))
    assert con.execute(OBS_SQL).fetchall() == other.execute(OBS_SQL).fetchall()


def test_a_broken_answer_for_one_table_leaves_that_table_out_and_imports_the_others(con, tmp_path, ssb):
    ssb.as_usual(kind="data")  # 12275 answers as SSB would ...
    ssb.answer(b'{"version": "2.0", "class": "dataset", "label": "12286: Barn', kind="data")  # ... 12286 breaks off
    outcome = fetch.fetch_tables(con, SYSTEM, ["12275", "12286"], ["5001"], YEARS, client=client(ssb))
    assert [r.file_name for r in outcome.results] == ["ssb_api_12275_2015-2024.json"]
    [failed] = outcome.failed
    assert failed.table == "12286" and failed.reason.startswith("fil «ssb_api_12286_2015-2024.json»")
    assert "ikke gyldig JSON" in failed.reason
    assert stored_tables(con) == ["12275"]
    only_12275 = store.connect(tmp_path / "only_12275.duckdb")
    fetch_12275(only_12275, ssb)
    assert con.execute(OBS_SQL).fetchall() == only_12275.execute(OBS_SQL).fetchall(), "nothing of 12286 is stored"


def test_a_table_whose_content_codes_the_mapping_gets_wrong_is_named_and_the_others_are_imported(con, ssb):
    ssb.with_contents("12286", WRONG_12286)  # SSB's 12286 no longer has the content codes ssb_mapping.csv names
    outcome = fetch.fetch_tables(con, SYSTEM, ["07459", "12275", "12286"], ["5001"], YEARS, client=client(ssb))
    assert not outcome.ok and [f.table for f in outcome.failed] == ["12286"]
    assert outcome.failed[0].reason.startswith(
        "SSB-tabell 12286 har ingen av statistikkvariablene katalogen venter "
        "(KOSbvbarnus0000, KOSbvbarnuspinnb0000); koblingen i ssb_mapping.csv "
        "må rettes."
    )
    assert not any(r.path.endswith("/12286/data") for r in ssb.of("data")), "no data asked with a wrong code"
    assert stored_tables(con) == ["07459", "12275"]
    assert [r.file_name for r in outcome.results] == ["ssb_api_07459_2015-2024.json", "ssb_api_12275_2015-2024.json"]
    assert outcome.failures_nb() == [
        "2 av 3 tabeller ble importert; disse ble ikke importert (ingenting er endret for dem):",
        f"Tabell 12286: {outcome.failed[0].reason}",
    ]


def test_when_ssb_stops_answering_the_tables_not_yet_asked_for_are_named_and_those_fetched_imported(con, ssb):
    ssb.as_usual(kind="metadata")  # 12275 ...
    ssb.fail(kind="metadata", status=503, times=2)  # ... then 12286 gets 503 also after one new try
    outcome = fetch.fetch_tables(
        con, SYSTEM, ["12275", "12286", "07459"], ["5001"], YEARS, client=client(ssb, retries=1)
    )
    assert [r.path.split("/")[-2] for r in ssb.of("metadata")] == ["12275", "12286", "12286"], "07459 not asked"
    assert [(f.table, f.reason.split(":")[0]) for f in outcome.failed] == [
        ("12286", "Fikk ikke kontakt med SSB (tabell 12286)"),
        ("07459", "ikke hentet, fordi SSB ikke svarte for tabell 12286."),
    ]
    assert stored_tables(con) == ["12275"]


def test_one_table_that_fails_alone_raises_its_own_error_as_before(con, ssb):
    ssb.with_contents("12286", WRONG_12286)
    before = snapshot(con)
    with pytest.raises(FetchError) as e:
        fetch.fetch_tables(con, SYSTEM, ["12286"], ["5001"], YEARS, client=client(ssb))
    assert "koblingen i ssb_mapping.csv må rettes" in str(e.value) and not e.value.offline
    assert snapshot(con) == before


# --- when SSB is slow, busy or away -------------------------------------------------------------------------


def test_a_503_is_retried_and_the_second_answer_imported(con, ssb):
    ssb.fail(kind="data", status=503)
    [result] = fetch_12275(con, ssb)
    assert [r.status for r in ssb.of("data")] == [503, 200]
    assert result.inserted == 200


def test_a_429_with_retry_after_is_waited_out(con, ssb):
    ssb.fail(kind="data", status=429, headers={"Retry-After": "1"})
    fetch_12275(con, ssb)
    first, second = ssb.of("data")
    assert first.status == 429 and second.status == 200
    assert second.at - first.at >= 0.95, "Retry-After: 1 means a second, whatever the tiny back-off says"


def test_retries_give_up_with_a_norwegian_message_and_nothing_written(con, ssb):
    fetch_12275(con, ssb)
    before = snapshot(con)
    ssb.fail(kind="data", status=503, times=10)
    with pytest.raises(FetchError) as e:
        fetch.fetch_tables(con, SYSTEM, ["12275"], ["5001"], (2016, 2024), client=client(ssb, retries=2))
    assert len(ssb.of("data")) == 1 + 3
    assert "Fikk ikke kontakt med SSB (tabell 12275)" in str(e.value) and "også etter 2 nye forsøk" in str(e.value)
    assert snapshot(con) == before


def test_a_server_that_hangs_hits_the_timeout_with_a_norwegian_fetch_error_and_nothing_written(con, ssb):
    ssb.hang(kind="data", seconds=5)
    before = snapshot(con)
    pauses: list[float] = []
    with pytest.raises(FetchError) as e:
        fetch_12275(con, ssb, timeout=0.3, timeout_retries=1, sleep=pauses.append)
    assert len(pauses) == 1, "one timeout, one pause, one retry that timed out too: then it gave up"
    msg = str(e.value)
    assert msg.startswith("Fikk ikke kontakt med SSB (tabell 12275): SSB svarte ikke innen 0.3 sekunder")
    assert "last ned filen fra Statistikkbanken (https://www.ssb.no/statbank/table/12275)" in msg
    assert "og importer den" in msg and "Ingenting er endret" in msg
    assert e.value.table == "12275" and e.value.offline
    assert len(ssb.of("data")) == 2, "one more try after a timeout, not more"
    assert snapshot(con) == before


def test_without_network_the_message_says_so_names_the_table_and_nothing_changes(con):
    before = snapshot(con)
    with pytest.raises(FetchError) as e:
        fetch.fetch_tables(
            con, SYSTEM, ["12275"], ["5001"], YEARS, client=client(f"http://127.0.0.1:{closed_port()}/api/pxwebapi/v2")
        )
    assert str(e.value).startswith("Fikk ikke kontakt med SSB (tabell 12275): nettverksfeil")
    assert "last ned filen fra Statistikkbanken" in str(e.value)
    assert snapshot(con) == before


def test_malformed_json_is_an_input_error_naming_the_file_and_nothing_is_written(con, ssb):
    good = ssb.data(
        fake_ssb.TABLES["12275"],
        {
            "KOKkommuneregion0000": ["5001"],
            "KOKalder0000": ["F000-017"],
            "KOKbvfunksjon0000": ["0"],
            "ContentsCode": ["KOSbvbarntiltaka0000"],
            "Tid": ["2024"],
        },
        v0=False,
    )[1]
    ssb.answer(json.dumps(good).encode()[:300], kind="data")
    before = snapshot(con)
    with pytest.raises(InputError) as e:
        fetch_12275(con, ssb)
    assert e.value.file == "ssb_api_12275_2015-2024.json" and "ikke gyldig JSON" in e.value.message
    assert snapshot(con) == before


# --- who may, and what is asked for -------------------------------------------------------------------------


def test_a_council_member_is_refused_before_any_request_is_made(con, ssb):
    lesar = Actor("live", "Live Lesar", {"5001": frozenset({"lesar"})})
    with pytest.raises(PermissionDenied):
        fetch.fetch_tables(con, lesar, ["12275"], ["5001"], YEARS, client=client(ssb))
    assert ssb.requests == []
    refused = con.execute("SELECT action, allowed FROM audit_log WHERE username = 'live'").fetchall()
    assert refused == [("import", False)]


def test_a_leader_may_fetch(con, ssb):
    [result] = fetch.fetch_tables(con, leader("lea", "5001"), ["12275"], ["5001"], YEARS, client=client(ssb)).results
    assert con.execute("SELECT imported_by FROM import_log WHERE id = ?", [result.import_id]).fetchone() == ("lea",)


def test_a_table_the_catalogue_does_not_map_is_refused_before_any_request(con, ssb):
    with pytest.raises(InputError) as e:
        fetch.fetch_tables(con, SYSTEM, ["05300"], ["5001"], YEARS, client=client(ssb))
    assert "05300" in str(e.value) and "12275" in str(e.value)
    assert ssb.requests == []


def test_tables_needed_are_every_table_the_catalogue_maps():
    needed = fetch.tables_needed()
    assert needed == sorted(needed) and {"12275", "12286", "07459", "12362"} <= set(needed)
    from tilstand import catalog

    assert set(needed) == {m.table for m in catalog.ssb_mapping()}


def test_own_regions_are_the_leaders_municipalities_or_those_with_roles_in_the_database(con):
    assert fetch.own_regions(con, leader("lea", "5006")) == ["5006"]
    with pytest.raises(InputError):
        fetch.own_regions(con, SYSTEM)  # an empty database: nobody to say 'own' about
    auth.add_user(con, SYSTEM, "lea", "Lea Leder", password="riktig-hest-batteri-42")
    auth.grant(con, SYSTEM, "lea", "leder", "fosen")
    assert fetch.own_regions(con, SYSTEM) == ["5020", "5054", "5057", "5058"]


def test_comparisons_are_the_kostra_group_the_county_and_the_country(con):
    assert fetch.with_comparisons(con, ["5001", "5006"], YEARS) == ["5001", "EKG12", "50", "5006", "EKG09", "EAK"]
    with pytest.raises(InputError):
        fetch.with_comparisons(con, ["12345"], YEARS)


# --- SSB's limits -------------------------------------------------------------------------------------------


def test_a_query_over_the_cell_limit_is_split_by_years_and_gives_the_same_numbers(con, tmp_path, ssb):
    whole = store.connect(tmp_path / "whole.duckdb")
    fetch.fetch_tables(whole, SYSTEM, ["12275"], ["5001"], YEARS, client=client(ssb))
    ssb.requests.clear()
    ssb.max_cells = 50  # /config says so; 4 regions x 3 functions x 2 codes = 24 cells a year
    [result] = fetch_12275(con, ssb)
    parts = ssb.of("data")
    assert len(parts) == 5 and all(p.cells <= 50 and p.status == 200 for p in parts)
    assert parts[0].selection["Tid"] == ["2015", "2016"]
    assert con.execute(OBS_SQL).fetchall() == whole.execute(OBS_SQL).fetchall()
    assert result.file_name == "ssb_api_12275_2015-2024.json"


def test_split_goes_to_regions_when_one_year_is_too_large():
    sel = {"Region": [f"R{n}" for n in range(8)], "ContentsCode": ["A", "B"], "Tid": ["2023", "2024", "2025"]}
    parts = ssb_query.split(sel, ["Tid", "Region"], 10)
    assert all(len(p["Region"]) * len(p["ContentsCode"]) * len(p["Tid"]) <= 10 for p in parts)
    covered = {(r, c, t) for p in parts for r in p["Region"] for c in p["ContentsCode"] for t in p["Tid"]}
    assert len(covered) == 8 * 2 * 3 and len(parts) == 3 * 2
    with pytest.raises(FetchError):
        ssb_query.split({"Region": ["R"], "ContentsCode": list("ABC"), "Tid": ["2024"]}, ["Tid", "Region"], 2)


def test_the_throttle_keeps_to_n_requests_per_window_as_the_server_sees_them(con, ssb):
    ssb.max_cells = 24  # one year per query: 10 data requests, plus config and metadata
    n, window, slack = 3, 0.6, 0.15  # slack: arrival times wobble on a busy machine, the throttle's sends do not
    fetch_12275(con, ssb, throttle=Throttle(n, window))
    arrivals = [r.at for r in ssb.requests]
    assert [r.status for r in ssb.requests] == [200] * 12
    gaps = [round(arrivals[i + n] - arrivals[i], 3) for i in range(len(arrivals) - n)]
    assert min(gaps) >= window - slack, f"more than {n} requests within {window} s: {gaps}"
    assert arrivals[-1] - arrivals[0] >= (12 // n - 1) * window - slack


def test_the_throttle_waits_only_when_the_window_is_full():
    now = [0.0]
    slept = []

    def sleep(s):
        slept.append(round(s, 3))
        now[0] += s

    t = Throttle(2, 10.0, clock=lambda: now[0], sleep=sleep)
    t.wait()
    t.wait()
    assert slept == []
    now[0] = 3.0
    t.wait()
    assert slept == [7.0] and now[0] == 10.0
    t.hold(5.0)
    t.wait()
    assert now[0] == 15.0


def test_ssbs_config_may_tighten_the_throttle_but_never_loosen_it(con, ssb):
    ssb.max_calls, ssb.time_window = 2, 0.3
    throttle = Throttle(5, 0.1)
    fetch_12275(con, ssb, throttle=throttle)
    assert (throttle.max_requests, throttle.window) == (2, 0.3)
    ssb.max_calls, ssb.time_window = 100, 0.01
    fetch_12275(con, ssb, throttle=throttle)
    assert (throttle.max_requests, throttle.window) == (2, 0.3)


def test_ssb_defaults_are_the_documented_limits():
    assert ssb_api.DEFAULT_BASE_URL == "https://data.ssb.no/api/pxwebapi/v2"
    assert (ssb_api.MAX_CELLS, ssb_api.MAX_REQUESTS, ssb_api.WINDOW_S) == (800_000, 30, 60.0)
    t = ssb_api.throttle_for("https://data.ssb.no/api/pxwebapi/v2")
    assert t is ssb_api.throttle_for("https://data.ssb.no/api/v0/no"), "SSB counts per IP: one throttle per host"


# --- the command line ---------------------------------------------------------------------------------------

CLI = [sys.executable, "-m", "tilstand.cli"]


def tilstand(*args):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=120)


def _counts(db):
    c = duckdb.connect(str(db), read_only=True)
    try:
        return c.execute("SELECT (SELECT count(*) FROM observation), (SELECT count(*) FROM import_log)").fetchone()
    finally:
        c.close()


def test_cli_fetch_ssb_imports_from_the_given_base_url(db_path, ssb):
    out = tilstand(
        "fetch-ssb",
        "12275",
        "12286",
        "--regions",
        "5001",
        "--from-year",
        2015,
        "--to-year",
        2024,
        "--base-url",
        ssb.v2_url,
        "--db",
        db_path,
    )
    assert out.returncode == 0, out.stderr
    assert "ssb_api_12275_2015-2024.json: 200 verdier lest, 200 nye" in out.stdout
    assert "ssb_api_12286_2015-2024.json: 80 verdier lest" in out.stdout
    assert _counts(db_path)[1] == 2
    again = tilstand(
        "fetch-ssb",
        "12275",
        "--regions",
        "5001",
        "--from-year",
        2015,
        "--to-year",
        2024,
        "--base-url",
        ssb.v2_url,
        "--db",
        db_path,
    )
    assert again.returncode == 0 and "allerede importert" in again.stdout


def test_cli_fetch_ssb_without_network_exits_1_with_advice_and_changes_nothing(db_path, ssb):
    tilstand("fetch-ssb", "12275", "--regions", "5001", "--base-url", ssb.v2_url, "--db", db_path)
    before = _counts(db_path)
    out = tilstand(
        "fetch-ssb",
        "12275",
        "--regions",
        "5001",
        "--db",
        db_path,
        "--base-url",
        f"http://127.0.0.1:{closed_port()}/api/pxwebapi/v2",
    )
    assert out.returncode == 1
    assert "Fikk ikke kontakt med SSB (tabell 12275)" in out.stderr and "Statistikkbanken" in out.stderr
    assert "Traceback" not in out.stderr
    assert _counts(db_path) == before


def test_cli_fetch_ssb_refuses_an_unknown_table_with_exit_2(db_path, ssb):
    out = tilstand("fetch-ssb", "99999", "--regions", "5001", "--base-url", ssb.v2_url, "--db", db_path)
    assert out.returncode == 2 and "99999" in out.stderr
    assert ssb.requests == []


def test_cli_fetch_ssb_all_imports_every_table_that_fetched_names_each_failed_one_and_exits_1(db_path, ssb):
    """The stand-in SSB has 07459, 12275 and 12286 (here with content codes the mapping gets wrong); every other
    table the catalogue maps it does not know (404). One wrong table must not keep the good ones out."""
    ssb.with_contents("12286", WRONG_12286)
    out = tilstand(
        "fetch-ssb",
        "--all",
        "--regions",
        "5001",
        "--from-year",
        2015,
        "--to-year",
        2024,
        "--base-url",
        ssb.v2_url,
        "--db",
        db_path,
    )
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert (
        "ssb_api_07459_2015-2024.json: " in out.stdout
        and "ssb_api_12275_2015-2024.json: 200 verdier lest" in out.stdout
    )
    c = duckdb.connect(str(db_path), read_only=True)
    try:
        assert stored_tables(c) == ["07459", "12275"]
    finally:
        c.close()
    tables = fetch.tables_needed()
    assert (
        f"2 av {len(tables)} tabeller ble importert; disse ble ikke importert (ingenting er endret for dem):"
        in out.stderr
    )
    assert (
        "✗ Tabell 12286: SSB-tabell 12286 har ingen av statistikkvariablene katalogen venter (KOSbvbarnus0000, "
        "KOSbvbarnuspinnb0000); koblingen i ssb_mapping.csv må rettes."
    ) in out.stderr
    for t in set(tables) - {"07459", "12275", "12286"}:
        assert f"✗ Tabell {t}: SSB kjenner ikke tabellen (404) for tabell {t}" in out.stderr


def test_the_import_pages_fetch_shows_the_tables_imported_and_names_each_table_that_failed(
    app, demo_db, tmp_path, monkeypatch, ssb
):
    """The page's «Hent fra SSB» with every table chosen (its default) gives the same partial result as the CLI."""
    import shutil

    import streamlit as st

    from tests.apptest import sign_in_as

    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("TILSTAND_DB", str(db))
    monkeypatch.setenv(fetch.BASE_URL_ENV, ssb.v2_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    ssb.with_contents("12286", WRONG_12286)
    sign_in_as(app, "leder")
    app.run()
    app.switch_page("pages/importer.py").run()
    next(t for t in app.text_input if t.label == "Kommuner (kommunenummer, kommaseparert)").input("5001")
    assert app.multiselect[0].value == fetch.tables_needed()
    next(b for b in app.button if b.label == "Hent fra SSB").click().run()
    assert not app.exception
    assert any(s.value.startswith(r"ssb\_api\_12275\_2015\-2024\.json\: 200 verdier lest") for s in app.success)
    [failed] = [e.value for e in app.error]
    lines = failed.split("\n")
    assert lines[0].startswith(f"2 av {len(fetch.tables_needed())} tabeller ble importert")
    assert any(
        line.startswith(r"- Tabell 12286\: SSB\-tabell 12286 har ingen av statistikkvariablene") for line in lines
    )
