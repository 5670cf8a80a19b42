"""KOSTRA groups from SSB's Klass (tilstand.ingest.klass, `tilstand fetch-klass`) against a stand-in Klass on
127.0.0.1 — never the real SSB.

The stand-in answers `GET …/classifications/131/corresponds?targetClassificationId=112&from=…` in Klass's
real JSON shape (tests/data/formats/ssb_klass_131_112_corresponds_from_2020.json, README there): the pairs
that hold on or after `from`, each `validFrom` raised to `from` as Klass limits them, and 404 with a problem
detail when the period asked starts before the first grouping it holds, as Klass does.
"""

from __future__ import annotations

import copy
import json
import socket
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from tests.conftest import FORMATS, snapshot
from tilstand import profile, queries, store, suppression
from tilstand.access import SYSTEM, Actor, PermissionDenied
from tilstand.errors import InputError
from tilstand.ingest import klass, load
from tilstand.ingest.klass import Client, KlassError
from tilstand.ingest.ssb_api import Throttle

SAMPLE = FORMATS / "ssb_klass_131_112_corresponds_from_2020.json"
PATH = "/api/klass/v1/classifications/131/corresponds"


@dataclass
class FakeKlass:
    """Klass's corresponds service for 131 -> 112, with a queue of planned failures."""

    items: list[dict] = field(
        default_factory=lambda: json.loads(SAMPLE.read_text(encoding="utf-8"))["correspondenceItems"]
    )
    planned: deque = field(default_factory=deque)  # (status, body bytes, headers) answered before the real one
    requests: list[tuple[str, dict, int]] = field(default_factory=list)  # (path, query, status)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/klass/v1"

    def fail(self, status: int, times: int = 1, body: bytes = b"", headers: dict | None = None) -> None:
        self.planned.extend([(status, body, headers or {})] * times)

    def answer(self, body: bytes) -> None:
        self.planned.append((200, body, {"Content-Type": "application/json"}))

    def corresponds(self, start: str) -> tuple[int, dict]:
        first = min(i["validFrom"] for i in self.items)
        if start < first:
            return 404, {
                "type": "about:blank",
                "title": "Not Found",
                "status": 404,
                "detail": f"Correspondence table not found for the whole period from {start}",
                "instance": PATH,
            }
        out = []
        for item in self.items:
            if item["validTo"] is not None and item["validTo"] <= start:
                continue
            item = copy.deepcopy(item)
            item["validFrom"] = max(item["validFrom"], start)
            out.append(item)
        return 200, {"correspondenceItems": sorted(out, key=lambda i: (i["sourceCode"], i["validFrom"]))}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        fake = self.server.fake
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        headers = {"Content-Type": "application/json"}
        if fake.planned:
            status, payload, headers = fake.planned.popleft()
        elif url.path != PATH or query.get("targetClassificationId") != "112" or "from" not in query:
            status, payload = 404, json.dumps({"status": 404, "title": "Not Found"}).encode()
        elif "application/json" not in (self.headers.get("Accept") or ""):
            status, payload, headers = 200, b"<correspondenceItemList/>", {"Content-Type": "application/xml"}
        else:
            status, doc = fake.corresponds(query["from"])
            payload = json.dumps(doc, ensure_ascii=False).encode()
        fake.requests.append((url.path, query, status))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeKlass


@pytest.fixture
def ssb():
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = FakeKlass(port=server.server_address[1])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.fake
    server.shutdown()
    server.server_close()


def client(fake_or_url, **kw) -> Client:
    """Tiny back-off and a roomy throttle, unless a test says otherwise."""
    url = fake_or_url if isinstance(fake_or_url, str) else fake_or_url.url
    return Client(url, **{"timeout": 2.0, "backoff": 0.01, "throttle": Throttle(1000, 1.0), **kw})


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _figures(con) -> None:
    """A share for a few municipalities, 2016–2024, so their service profiles have rows to show."""
    rows = [
        ("barn_tiltak_andel", code, year, 3.0 + n / 10)
        for n, code in enumerate(("5001", "5006", "5007"))
        for year in range(2016, 2025)
    ]
    load.write(
        con,
        data=repr(rows).encode(),
        file_name="andeler.csv",
        source="test",
        actor=SYSTEM,
        observations=[(i, r, y, v, None) for i, r, y, v in rows],
    )


def memberships(con, code: str) -> list[tuple]:
    return (
        con.cursor()
        .execute(
            "SELECT group_code, valid_from, valid_to, source FROM kostra_membership "
            "WHERE region_code = ? ORDER BY valid_from",
            [code],
        )
        .fetchall()
    )


def state(con) -> str:
    """Everything a fetch may change: the groups, what may be shown, the regions, the numbers, the audit."""
    cur = con.cursor()
    rows = [snapshot(con)] + [
        cur.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("kostra_membership", "suppression")
    ]
    rows.append(cur.execute("SELECT action, target, detail, allowed FROM audit_log ORDER BY ALL").fetchall())
    return repr(rows)


# --- what a fetch stores ------------------------------------------------------------------------------------


def test_a_fetch_stores_each_municipalitys_group_with_the_years_it_applies_to(con, ssb):
    assert memberships(con, "5006")[0][:3] == ("EKG09", 2020, None)  # the bundled guess before the fetch
    result = klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb))
    assert [(q["targetClassificationId"], q["from"], q["language"]) for _, q, _ in ssb.requests] == [
        ("112", "2020-01-01", "nb")
    ]
    [(group, first, last, source)] = memberships(con, "5006")
    assert (group, first, last) == ("EKG10", 2020, None)  # SSB's group replaces the guess from 2020 on
    assert source.startswith("SSB Klass 131->112 from 2020-01-01 (ssb_klass_131_112_fra_2020.json")
    assert memberships(con, "5001")[0][:3] == ("EKG12", 2020, None)
    estimated = con.cursor().execute("SELECT count(*) FROM kostra_membership WHERE source LIKE 'inferred%'")
    assert estimated.fetchone() == (0,), "every guessed membership is replaced by SSB's"
    assert (result.municipalities, result.rows, result.year) == (41, 41, 2020)  # Halden under both numbers
    assert result.summary_nb().startswith(
        "KOSTRA-grupper fra SSBs Klass (ssb_klass_131_112_fra_2020.json): 41 kommuner i "
    )
    assert (
        "39 tidligere koblinger fra 2020 erstattet eller avkortet, 38 av dem anslått ut fra folketall"
        in result.summary_nb()
    )


def test_a_renumbered_municipality_keeps_its_group_under_each_number_for_its_own_years(con, ssb):
    klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb))
    assert [m[:3] for m in memberships(con, "3001")] == [("EKG08", 2020, 2023)]  # Halden until 1 Jan 2024
    assert [m[:3] for m in memberships(con, "3101")] == [("EKG08", 2024, None)]  # under its new number


def test_a_municipality_that_changes_group_gets_each_group_for_its_own_years(con, ssb):
    namsos = next(i for i in ssb.items if i["sourceCode"] == "5007")
    namsos["validTo"] = "2024-01-01"
    ssb.items.append(
        {**namsos, "targetCode": "EKG08", "targetName": "KOSTRA-gruppe 8", "validFrom": "2024-01-01", "validTo": None}
    )
    _figures(con)
    klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb))
    assert [m[:3] for m in memberships(con, "5007")] == [("EKG07", 2020, 2023), ("EKG08", 2024, None)]
    assert profile.build(con, "5007", 2023).kostra_group == "EKG07"
    assert profile.build(con, "5007", 2024).kostra_group == "EKG08"


def test_the_2020_grouping_applies_from_the_2020_figures_and_earlier_years_have_no_group(con, ssb):
    _figures(con)
    klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb))
    assert profile.build(con, "5006", 2020).kostra_group == "EKG10"
    before = profile.build(con, "5006", 2019)
    assert before.kostra_group is None and before.names["group"] == "" and not before.group_estimated
    roles = queries.run(con, "chart_regions", region="5006", year=2019, peers=[])["role"].to_list()
    assert roles == ["own", "county", "country"], "no KOSTRA-group line in a chart of 2019"


def test_an_earlier_grouping_shows_for_earlier_years_once_it_is_loaded(con, ssb):
    for item in list(ssb.items):
        if item["sourceCode"] == "5006":
            ssb.items.append(
                {
                    **item,
                    "targetCode": "EKG11",
                    "targetName": "KOSTRA-gruppe 11",
                    "validFrom": "2016-01-01",
                    "validTo": "2020-01-01",
                }
            )
    _figures(con)
    klass.fetch_groups(con, SYSTEM, 2016, client=client(ssb))
    assert profile.build(con, "5006", 2019).kostra_group == "EKG11"
    assert profile.build(con, "5006", 2020).kostra_group == "EKG10"
    assert profile.build(con, "5001", 2019).kostra_group is None, "no earlier grouping loaded for Trondheim"


def test_a_second_fetch_from_a_later_year_keeps_the_earlier_years_and_replaces_the_rest(con, ssb):
    klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb))
    for item in ssb.items:
        if item["sourceCode"] == "5006":
            item["targetCode"], item["targetName"] = "EKG11", "KOSTRA-gruppe 11"
    klass.fetch_groups(con, SYSTEM, 2024, client=client(ssb))
    assert [m[:3] for m in memberships(con, "5006")] == [("EKG10", 2020, 2023), ("EKG11", 2024, None)]


def test_fetched_groups_survive_a_new_version_of_the_bundled_file(db_path, ssb):
    con = store.connect(db_path)
    klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb))
    con.cursor().execute("DELETE FROM meta WHERE key = 'reference_digest'")  # as after an upgrade
    assert store.sync_reference_data(con)
    assert [m[:3] for m in memberships(con, "5006")] == [("EKG10", 2020, None)]
    assert con.cursor().execute("SELECT count(*) FROM kostra_membership WHERE source LIKE 'inferred%'").fetchone() == (
        0,
    )


def test_the_fetch_is_in_the_audit_log_with_who_and_what(con, ssb):
    lea = Actor("lea", "Lea Leder", {"5001": frozenset({"leder"})})
    klass.fetch_groups(con, lea, 2020, client=client(ssb))
    row = (
        con.cursor()
        .execute("SELECT username, action, target, detail, allowed FROM audit_log WHERE target LIKE 'klass%'")
        .fetchone()
    )
    assert row[:3] == ("lea", "import", "klass:131->112") and row[4] is True
    assert "41 koblinger fra 2020" in row[3]


def test_a_council_member_is_refused_before_any_request_is_made(con, ssb):
    lesar = Actor("live", "Live Lesar", {"5001": frozenset({"lesar"})})
    before = memberships(con, "5006")
    with pytest.raises(PermissionDenied):
        klass.fetch_groups(con, lesar, 2020, client=client(ssb))
    assert ssb.requests == []
    assert con.cursor().execute("SELECT action, allowed FROM audit_log WHERE username = 'live'").fetchall() == [
        ("import", False)
    ]
    assert memberships(con, "5006") == before


# --- what a fetched grouping changes in what may be shown --------------------------------------------------


def _expenses(con):
    """Net expenses per child of KOSTRA group 12, to the krone: with the members' children and expenses it
    gives the group's children, and minus the members shown, a hidden member's (the county case in
    test_disclosure, for a group)."""
    members = {"5001": (400, 40_000), "5006": (60, 6_000), "5007": (2, 900)}
    rows = []
    for code, (children, expenses) in members.items():
        rows += [("barn_us_eller_tiltak_antall", code, children), ("netto_driftsutg_bv_1000kr", code, expenses)]
    rows += [
        ("barn_us_eller_tiltak_antall", "EKG12", 462),
        ("netto_driftsutg_bv_1000kr", "EKG12", 46_900),
        ("netto_driftsutg_per_barn_bv", "EKG12", round(46_900_000 / 462)),
    ]
    load.write(
        con,
        data=repr(rows).encode(),
        file_name="ekg12.csv",
        source="test",
        actor=SYSTEM,
        observations=[(i, r, 2024, float(v), None) for i, r, v in rows],
    )


def _group_rate(con):
    return (
        con.cursor()
        .execute(
            "SELECT value, status FROM observation_public WHERE indicator_id = "
            "'netto_driftsutg_per_barn_bv' AND region_code = 'EKG12' AND year = 2024"
        )
        .fetchone()
    )


def test_a_fetched_grouping_changes_what_the_comparison_rule_hides_in_the_same_write(con, ssb):
    _expenses(con)
    # bundled: Trondheim alone in group 12, so its members do not add up to the group: nothing to isolate
    assert _group_rate(con) == (round(46_900_000 / 462), None)
    for item in ssb.items:
        if item["sourceCode"] in ("5006", "5007"):
            item["targetCode"], item["targetName"] = "EKG12", "KOSTRA-gruppe 12"
    klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb))
    # SSB's grouping: 5001, 5006 and 5007 make up group 12 exactly, so its rate would give Namsos's 2 back
    assert _group_rate(con) == (None, "x")
    assert con.cursor().execute(
        "SELECT rule FROM suppression WHERE indicator_id = 'netto_driftsutg_per_barn_bv' "
        "AND region_code = 'EKG12' AND year = 2024"
    ).fetchone() == ("group",)
    decided = con.cursor().execute("SELECT * FROM suppression ORDER BY ALL").fetchall()
    suppression.refresh(con.cursor())
    assert con.cursor().execute("SELECT * FROM suppression ORDER BY ALL").fetchall() == decided, (
        "the fetch decided exactly what a full decision decides"
    )


def test_a_failed_fetch_leaves_what_may_be_shown_as_it_was(con, ssb):
    _expenses(con)
    for item in ssb.items:
        if item["sourceCode"] in ("5006", "5007"):
            item["targetCode"], item["targetName"] = "EKG12", "KOSTRA-gruppe 12"
    _status, doc = ssb.corresponds("2020-01-01")
    ssb.answer(json.dumps(doc).encode()[:-40])  # cut off before the end
    before = state(con)
    with pytest.raises(InputError):
        klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb))
    assert state(con) == before
    assert _group_rate(con) == (round(46_900_000 / 462), None)


# --- when Klass is slow, busy, away or answers something else ----------------------------------------------


def test_a_503_is_retried_and_the_second_answer_stored_saying_so_in_norwegian(con, ssb):
    ssb.fail(503, times=2)
    said = []
    klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb), progress=said.append)
    assert [s for _, _, s in ssb.requests] == [503, 503, 200]
    assert memberships(con, "5006")[0][0] == "EKG10"
    assert said[0].startswith("Spør SSBs Klass om KOSTRA-gruppene fra 2020: http://127.0.0.1:")
    assert said[1].startswith("Klass er midlertidig utilgjengelig (503); prøver igjen om")
    assert said[-1] == "Svaret er lest (41 koblinger); lagrer og avgjør på nytt hva som kan vises fra 2020"


def test_retries_give_up_with_a_norwegian_message_and_nothing_changed(con, ssb):
    ssb.fail(503, times=10)
    before = state(con)
    with pytest.raises(KlassError) as e:
        klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb, retries=2))
    assert len(ssb.requests) == 3
    assert str(e.value).startswith(
        "Fikk ikke kontakt med SSBs Klass (KOSTRA-grupper): Klass er midlertidig "
        "utilgjengelig (503), også etter 2 nye forsøk."
    )
    assert "Ingenting er endret." in str(e.value) and e.value.offline
    assert state(con) == before


def test_a_404_says_in_norwegian_that_klass_has_no_grouping_for_the_years_and_nothing_changed(con, ssb):
    before = state(con)
    with pytest.raises(KlassError) as e:
        klass.fetch_groups(con, SYSTEM, 2015, client=client(ssb))
    msg = str(e.value)
    assert msg.startswith(
        "SSBs Klass har ingen kobling fra kommuner (131) til KOSTRA-grupper (112) for hele "
        "tiden fra 1. januar 2015 (404)"
    )
    assert "«Correspondence table not found for the whole period from 2015-01-01»" in msg, "Klass's detail, not JSON"
    assert "Velg et senere år med --year. Ingenting er endret." in msg and not e.value.offline
    assert len(ssb.requests) == 1, "a 404 is not retried"
    assert state(con) == before


def test_without_network_the_message_says_so_and_nothing_changes(con):
    before = state(con)
    with pytest.raises(KlassError) as e:
        klass.fetch_groups(
            con, SYSTEM, 2020, client=client(f"http://127.0.0.1:{closed_port()}/api/klass/v1", network_retries=1)
        )
    assert str(e.value).startswith("Fikk ikke kontakt med SSBs Klass (KOSTRA-grupper): nettverksfeil")
    assert "tilstand fetch-klass --file klass.json" in str(e.value) and e.value.offline
    assert state(con) == before


def test_malformed_json_is_an_input_error_and_nothing_changes(con, ssb):
    ssb.answer(SAMPLE.read_bytes()[:500])
    before = state(con)
    with pytest.raises(InputError) as e:
        klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb))
    assert e.value.file == "ssb_klass_131_112_fra_2020.json" and "er ikke gyldig JSON" in e.value.message
    assert state(con) == before


def test_an_answer_that_is_not_kostra_groups_names_the_item_and_nothing_changes(con, ssb):
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    doc["correspondenceItems"][3]["targetCode"] = "03"  # e.g. a centrality class: the wrong classification
    ssb.answer(json.dumps(doc).encode())
    before = state(con)
    with pytest.raises(InputError) as e:
        klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb))
    assert (e.value.row, e.value.field) == (4, "targetCode")
    assert e.value.message == "«03» er ingen KOSTRA-gruppe (EKGnn). Er targetClassificationId 112?"
    assert state(con) == before


def test_an_answer_without_correspondence_items_is_refused(con, ssb):
    ssb.answer(json.dumps({"codes": []}).encode())
    with pytest.raises(InputError) as e:
        klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb))
    assert e.value.field == "correspondenceItems" and "corresponds-tjeneste" in e.value.message


def test_a_municipality_in_two_groups_at_once_is_refused(con, ssb):
    first = next(i for i in ssb.items if i["sourceCode"] == "5001")
    ssb.items.append({**first, "targetCode": "EKG13", "targetName": "KOSTRA-gruppe 13"})
    before = state(con)
    with pytest.raises(InputError) as e:
        klass.fetch_groups(con, SYSTEM, 2020, client=client(ssb))
    assert "kommune 5001 står i både EKG12 og EKG13 i 2020" in e.value.message
    assert state(con) == before


# --- the command line ---------------------------------------------------------------------------------------

CLI = [sys.executable, "-m", "tilstand.cli"]


def tilstand(*args, env=None):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=120, env=env)


def _groups(db) -> list[tuple]:
    c = duckdb.connect(str(db), read_only=True)
    try:
        return c.execute("SELECT * FROM kostra_membership ORDER BY ALL").fetchall()
    finally:
        c.close()


def test_cli_fetch_klass_stores_the_groups_from_the_given_base_url(db_path, ssb):
    out = tilstand("fetch-klass", "--base-url", ssb.url, "--db", db_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("KOSTRA-grupper fra SSBs Klass (ssb_klass_131_112_fra_2020.json): 41 kommuner")
    assert "Spør SSBs Klass om KOSTRA-gruppene fra 2020" in out.stderr  # progress, in Norwegian
    assert ("5006", "EKG10", 2020, None) in [g[:4] for g in _groups(db_path)]
    assert [q["from"] for _, q, _ in ssb.requests] == ["2020-01-01"]


def test_cli_fetch_klass_takes_the_address_from_the_environment(db_path, ssb, monkeypatch):
    import os

    out = tilstand("fetch-klass", "--year", 2024, "--db", db_path, env={**os.environ, klass.BASE_URL_ENV: ssb.url})
    assert out.returncode == 0, out.stderr
    assert [q["from"] for _, q, _ in ssb.requests] == ["2024-01-01"]
    assert ("5006", "EKG09", 2020, 2023) in [g[:4] for g in _groups(db_path)]  # the guess, up to 2023
    assert ("5006", "EKG10", 2024, None) in [g[:4] for g in _groups(db_path)]


def test_cli_fetch_klass_404_exits_1_in_norwegian_and_changes_nothing(db_path, ssb):
    store.connect(db_path)
    store.close(db_path)
    before = _groups(db_path)
    out = tilstand("fetch-klass", "--year", 2015, "--base-url", ssb.url, "--db", db_path)
    assert out.returncode == 1
    assert "Feil: SSBs Klass har ingen kobling fra kommuner (131) til KOSTRA-grupper (112)" in out.stderr
    assert "Traceback" not in out.stderr
    assert _groups(db_path) == before


@pytest.mark.slow
def test_cli_fetch_klass_without_network_exits_1_with_advice_and_changes_nothing(db_path):
    store.connect(db_path)
    store.close(db_path)
    before = _groups(db_path)
    out = tilstand("fetch-klass", "--base-url", f"http://127.0.0.1:{closed_port()}/api/klass/v1", "--db", db_path)
    assert out.returncode == 1 and "Fikk ikke kontakt med SSBs Klass" in out.stderr and "--file" in out.stderr
    assert "Traceback" not in out.stderr
    assert _groups(db_path) == before


def test_cli_fetch_klass_with_malformed_json_exits_2_and_changes_nothing(db_path, ssb):
    store.connect(db_path)
    store.close(db_path)
    before = _groups(db_path)
    ssb.answer(b'{"correspondenceItems": [{"sourceCode": "5001", ')
    out = tilstand("fetch-klass", "--base-url", ssb.url, "--db", db_path)
    assert out.returncode == 2
    assert (
        "Feil i inndata – ingenting er endret.\nfil «ssb_klass_131_112_fra_2020.json», felt «svar»: er ikke "
        "gyldig JSON" in out.stderr
    )
    assert _groups(db_path) == before


@pytest.mark.slow
def test_cli_fetch_klass_reads_a_saved_answer_without_network(db_path, tmp_path):
    saved = tmp_path / "klass.json"
    saved.write_bytes(SAMPLE.read_bytes())
    out = tilstand("fetch-klass", "--file", saved, "--db", db_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("KOSTRA-grupper fra SSBs Klass (klass.json): 41 kommuner")
    assert ("3101", "EKG08", 2024, None) in [g[:4] for g in _groups(db_path)]
    missing = tilstand("fetch-klass", "--file", tmp_path / "finnes_ikke.json", "--db", db_path)
    assert missing.returncode == 2 and "finnes ikke" in missing.stderr


def test_cli_fetch_klass_refuses_a_year_outside_reason_before_asking(db_path, ssb):
    out = tilstand("fetch-klass", "--year", 1990, "--base-url", ssb.url, "--db", db_path)
    assert out.returncode == 2 and "ugyldig år 1990" in out.stderr
    assert ssb.requests == []
