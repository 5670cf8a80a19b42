"""Huge files are refused early with a Norwegian message naming the file and the limit, by the command line and
the import page alike; the import page reads an upload once, not on every rerun. (Memory and time are measured
in bench/bench_big_files.py, never here; the small bombs are in the bad-file battery.)"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import threading
import tomllib
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import DATA, ROOT
from tilstand import ingest, store
from tilstand.errors import InputError
from tilstand.ingest import cells, jsonstat, sheet, ssb_api
from tilstand.markdown_html import literal

MB = 1024 * 1024
SSB_CSV = DATA / "ssb_12286_excel_cp1252.csv"
NBSP = "\u00a0"  # fmt.number's thousands separator


def test_the_upload_limit_in_streamlits_config_is_the_importers_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * MB == ingest.MAX_BYTES == 20 * MB


def test_a_file_over_the_limit_is_refused_by_its_size_naming_file_and_limit(tmp_path):
    huge = tmp_path / "ssb_hele_landet.csv"
    with huge.open("wb") as f:  # sparse: 190 MB that take no disk and would take gigabytes to parse
        f.truncate(190 * MB)
    with pytest.raises(InputError) as e:
        ingest.read(huge)
    assert str(e.value) == (
        "fil «ssb_hele_landet.csv»: filen er 190 MB; største tillatte er 20 MB. Last ned et "
        "mindre utvalg (færre år eller regioner), eller del filen opp."
    )


def test_an_upload_one_byte_over_the_limit_is_refused_before_it_is_looked_at():
    data = b"x" * (ingest.MAX_BYTES + 1)
    with pytest.raises(InputError) as e:
        ingest.read(Path("opplasting.csv"), data=data)
    assert e.value.file == "opplasting.csv"
    assert e.value.message.startswith("filen er 20,0 MB; største tillatte er 20 MB.")


def test_a_csv_line_longer_than_any_row_is_refused_with_its_line_number():
    text = '"12286: Barn med undersøkelse"\n"region";"statistikkvariabel";"år";"12286"\n' + ";" * 150_000 + "\n"
    with pytest.raises(InputError) as e:
        ingest.read(Path("lang_linje.csv"), data=text.encode())
    assert e.value.row == 3
    assert e.value.message.startswith(f"linjen er over 100{NBSP}000 tegn lang.")


def test_a_template_csv_with_more_cells_than_the_limit_is_refused_by_the_count():
    header = "Kommunenummer;Enhet;År;Antall svar;" + ";".join(f"Faktor {i}" for i in range(1, 11))
    row = "5001;Enhet;2024;12;" + ";".join(["4,1"] * 10)
    rows = sheet.MAX_CELLS // 14 + 1
    with pytest.raises(InputError) as e:
        ingest.read(Path("10faktor.csv"), data=(header + "\n" + (row + "\n") * rows).encode())
    assert e.value.message == f"filen har mer enn 100{NBSP}000 rader eller 500{NBSP}000 celler."


def test_an_ssb_csv_with_more_cells_than_any_table_is_refused_at_the_row_that_passes_the_limit():
    years = range(2015, 2025)
    lines = [
        '"12286: Barn med undersøkelse"',
        '"region";"statistikkvariabel";' + ";".join(f'"Barn med undersøkelse (antall) {y}"' for y in years),
    ]
    lines += [
        f'"{5001 + i % 900}";"Barn med undersøkelse (antall)";' + ";".join("12" for _ in years)
        for i in range(cells.MAX_SSB_CELLS // 10 + 1)
    ]
    with pytest.raises(InputError) as e:
        ingest.read(Path("12286.csv"), data="\n".join(lines).encode())
    assert e.value.row == cells.MAX_SSB_CELLS // 10 + 3  # title, header, then the first row over the limit
    assert e.value.message.startswith(f"filen har mer enn 500{NBSP}000 verdier")


def test_json_with_more_items_than_any_table_is_refused_before_it_is_parsed():
    many_values = b'{"value":[' + b"1," * (jsonstat.MAX_ITEMS + 1) + b"1]}"
    with pytest.raises(InputError) as e:
        ingest.read(Path("mange_verdier.json"), data=many_values)
    assert e.value.message.startswith(f"filen har mer enn 500{NBSP}000 verdier")
    many_objects = b'{"value":[' + b"{}," * 50_001 + b'{}], "x": [' + b"[]," * 50_000 + b"[]]}"
    with pytest.raises(InputError) as e:
        ingest.read(Path("mange_objekter.json"), data=many_objects)
    assert e.value.message.startswith(f"filen har over 100{NBSP}000 JSON-objekter og -lister")


def test_a_workbook_with_too_many_parts_is_refused_by_its_zip_directory(tmp_path):
    import zipfile

    path = tmp_path / "mange_deler.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for n in range(sheet.MAX_PARTS + 1):
            z.writestr(f"xl/media/bilde{n}.png", b"")
    with pytest.raises(InputError) as e:
        ingest.read(path)
    assert e.value.message.startswith(f"filen er en zip-fil med 1{NBSP}001 deler")


def test_the_national_table_at_its_widest_is_read_and_not_refused():
    """07459 for the whole country with every single year of age over ten years, as the API answers: 395,380
    cells, under both the size and the cell limit."""
    regions = [f"{5001 + i}" for i in range(373)]
    ages, years = [f"{a:03d}" for a in range(106)], [str(y) for y in range(2015, 2025)]
    doc = {
        "label": "07459: Folkemengde, etter region, alder, statistikkvariabel og år",
        "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
        "id": ["Region", "Alder", "ContentsCode", "Tid"],
        "size": [373, 106, 1, 10],
        "dimension": {
            "Region": {"category": {"index": regions}},
            "Alder": {"category": {"index": ages}},
            "ContentsCode": {"category": {"index": ["Personer1"], "label": {"Personer1": "Personer"}}},
            "Tid": {"category": {"index": years}},
        },
        "value": [1000 + i % 97 for i in range(373 * 106 * 10)],
    }
    data = json.dumps(doc, separators=(",", ":")).encode()
    assert len(data) < ingest.MAX_BYTES
    table = jsonstat.parse(data, "07459.json")
    assert len(table.cells) == 395_380
    assert len({id(c.dims) for c in table.cells}) == 106, "cells of the same age share one dimensions dict"


class _GzipBomb(http.server.BaseHTTPRequestHandler):
    """Answers every request with 21 MB of JSON packed into 21 KB of gzip."""

    def do_GET(self) -> None:  # the name http.server calls
        body = gzip.compress(b"{" + b" " * (ingest.MAX_BYTES + MB) + b"}")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_a_gzip_answer_that_inflates_past_the_limit_is_refused_not_inflated():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _GzipBomb)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = ssb_api.Client(base_url=f"http://127.0.0.1:{server.server_port}/api/pxwebapi/v2", retries=0)
        with pytest.raises(ssb_api.FetchError) as e:
            client.metadata("12286")
        assert str(e.value) == "svaret fra SSB for tabell 12286 er større enn 20 MB. Velg færre år eller regioner."
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- the import page reads an upload once


@pytest.fixture
def page(demo_db, tmp_path, monkeypatch):
    """The import page as a leader of every municipality, on a private copy of the sample database."""
    import shutil

    from streamlit.runtime.pages_manager import PagesManager

    from tests.apptest import sign_in_as

    original_init = PagesManager.__init__

    def init_in_navigation_mode(self, *args, **kwargs):  # as the 'app' fixture in tests/conftest.py: see there why
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init_in_navigation_mode)
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("TILSTAND_DB", str(db))
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in_as(at, "leder")
    at.run()
    at.switch_page("pages/importer.py").run()
    assert not at.exception, at.exception
    yield at
    st.cache_resource.clear()
    store.close(db)


def _changed_file() -> bytes:
    text = SSB_CSV.read_bytes().decode("cp1252")
    return text.replace("2,6", "9,9").encode("cp1252")


def _cached(at: AppTest) -> list:
    return list(at.session_state["import_cache"].values())


def test_the_import_page_says_the_size_limit_next_to_the_uploader(page):
    assert any(c.value.startswith("Største filstørrelse er 20 MB per fil.") for c in page.caption)


def test_the_import_page_reads_an_upload_once_and_again_only_when_the_data_changed(page):
    page.file_uploader[0].upload("ssb_12286_ny.csv", _changed_file(), "text/csv")
    page.run()
    assert not page.exception, page.exception
    assert [m.label for m in page.metric][:2] == ["Nye verdier", "Endrede verdier"]
    assert any("SSB (CSV fra Statistikkbanken), tabell 12286" in m.value for m in page.markdown)  # sources' words
    (first,) = _cached(page)
    page.run()  # any click on the page: the same read and preview, not a new parse
    page.run()
    assert _cached(page)[0] is first
    page.button(key="confirm_import").click().run()  # the import changes the data version
    assert not page.exception, page.exception
    assert any(literal("ssb_12286_ny.csv") in s.value for s in page.success)  # messages show names literally
    assert _cached(page) == [], "the uploader is empty after an import: nothing is kept"
    page.file_uploader[0].upload("ssb_12286_ny.csv", _changed_file(), "text/csv")
    page.run()
    assert any("allerede importert" in i.value for i in page.info), "read again against the new data"


def test_undoing_an_import_reads_the_chosen_file_again(page):
    page.file_uploader[0].upload("ssb_12286_ny.csv", _changed_file(), "text/csv")
    page.run()
    page.button(key="confirm_import").click().run()
    page.file_uploader[0].upload("ssb_12286_ny.csv", _changed_file(), "text/csv")
    page.run()
    assert any("allerede importert" in i.value for i in page.info)
    newest = store.connect(os.environ["TILSTAND_DB"]).cursor().execute("SELECT max(id) FROM import_log").fetchone()[0]
    page.selectbox(key="undo_choice").select(newest)
    page.button(key="undo_import").click().run()
    assert any(literal(f"(nr. {newest}) er angret") in s.value for s in page.success)
    assert not page.exception, page.exception
    assert not any("allerede importert" in i.value for i in page.info), "the preview is not the stale one"


def test_a_refused_upload_is_remembered_too_and_forgotten_with_the_file(page):
    page.file_uploader[0].upload("feil.csv", SSB_CSV.read_bytes().replace(b"2,6", b"2,6abc"), "text/csv")
    page.run()
    assert any(e.value.startswith("Feil i filen: " + literal("fil «feil.csv», rad")) for e in page.error)
    (refused,) = _cached(page)
    page.run()
    assert _cached(page)[0] is refused
    page.file_uploader[0].clear()
    page.run()
    assert _cached(page) == []
