"""The battery of bad files (tests/data/bad/): every one is refused with exactly the message expected.csv gives
it, by the path the CLI and the import page take, and the database is as it was afterwards.

The files are written by tests/data/bad/make_bad_files.py; a message reading "(2000–{this_year})" holds the
current year, so the battery does not expire on 1 January.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import DATA, leader
from tilstand import ingest, store
from tilstand.cli import EXIT_INPUT
from tilstand.errors import InputError

BAD = DATA / "bad"
NOT_CASES = {"make_bad_files.py", "expected.csv"}
SOURCE_DIRS = ("any", "ssb", "bufdir", "tenfactor", "staff", "survey")
TABLES = ("observation", "import_log", "import_change", "region")  # everything an import may change
CLI_CASES = (
    "any/tom.csv",
    "ssb/avbrutt_nedlasting.json",
    "bufdir/andel_over_100.csv",
    "tenfactor/formel_uten_resultat.xlsx",
    "staff/feil_arknavn.xlsx",
    "survey/fritekstkolonne_kommentar.csv",
)


def _cases() -> dict[str, tuple[str, str]]:
    """file -> (source, message), as expected.csv lists them."""
    with (BAD / "expected.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    return {r["file"]: (r["source"], r["message"].replace("{this_year}", str(date.today().year))) for r in rows}


CASES = _cases()


def fingerprint(con: duckdb.DuckDBPyConnection) -> tuple:
    """Row count and a digest of every row of each table an import may change."""
    cur = con.cursor()
    return tuple(cur.execute(f"SELECT count(*), sum(hash(t))::VARCHAR FROM {t} t").fetchone() for t in TABLES)


@pytest.fixture(scope="module")
def battery_db(demo_db, tmp_path_factory) -> Path:
    """One copy of the sample database for the whole battery: a refused file writes nothing, so it stays as it is
    (a test that finds it changed puts the copy back)."""
    path = tmp_path_factory.mktemp("bad_files") / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def untouched(battery_db) -> tuple:
    state = fingerprint(store.connect(battery_db))
    store.close(battery_db)
    return state


def _import_via_cli_path(con, path: Path, source: str | None) -> None:
    """What `tilstand import FILE [--source S]` does: read every file, then write."""
    prepared = ingest.read(path, source=source)
    ingest.write(con, prepared, actor=leader())


def _import_via_page_path(con, path: Path) -> None:
    """What the import page does with an upload: read the bytes (source from the content), preview, confirm."""
    prepared = ingest.read(Path(path.name), data=path.read_bytes())
    ingest.preview(con, prepared, actor=leader())
    ingest.write(con, prepared, actor=leader())


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_file_is_refused_with_its_message_and_the_database_is_unchanged(name, battery_db, demo_db, untouched):
    source, message = CASES[name]
    path = BAD / name
    con = store.connect(battery_db)
    try:
        with pytest.raises(InputError) as cli:
            _import_via_cli_path(con, path, source or None)
        assert str(cli.value) == message
        if not source:  # the page has no source choice: it detects, as the CLI does without --source
            with pytest.raises(InputError) as page:
                _import_via_page_path(con, path)
            assert page.value.render() == message
    finally:
        changed = fingerprint(con) != untouched
        if changed:
            store.close(battery_db)
            shutil.copy(demo_db, battery_db)
    assert not changed, f"{name} was refused, but the database changed"


def test_every_file_in_the_battery_is_listed_and_every_listed_file_exists():
    on_disk = {
        p.relative_to(BAD).as_posix()
        for p in BAD.rglob("*")
        if p.is_file() and p.name not in NOT_CASES and "__pycache__" not in p.parts
    }
    assert sorted(on_disk - set(CASES)) == [], "files without an expected message"
    assert sorted(set(CASES) - on_disk) == [], "expected messages without a file"


def test_the_battery_is_large_small_and_covers_every_source():
    assert len(CASES) >= 100
    per_source = {d: sum(1 for n in CASES if n.startswith(f"{d}/")) for d in SOURCE_DIRS}
    assert min(per_source.values()) >= 15, per_source
    assert {n.split("/")[0] for n in CASES} == set(SOURCE_DIRS)
    too_big = [n for n in CASES if (BAD / n).stat().st_size > 20_000]
    assert too_big == []
    assert len(set(CASES.values())) > 0.9 * len(CASES), "most files should get a message of their own"


def _cli() -> list[str]:
    script = Path(sys.executable).parent / "tilstand"  # the entry point `uv run tilstand` starts
    return [str(script)] if script.exists() else [sys.executable, "-m", "tilstand.cli"]


@pytest.mark.slow
def test_the_cli_refuses_bad_files_with_exit_code_and_message_and_changes_nothing(battery_db, untouched):
    store.close(battery_db)  # the command must be able to open the database itself
    runs = {}
    for name in CLI_CASES:
        source = CASES[name][0]
        args = [*_cli(), "import", str(BAD / name), "--db", str(battery_db), *(["--source", source] if source else [])]
        runs[name] = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for name, proc in runs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == EXIT_INPUT, (name, err)
        assert err == f"Feil i inndata – ingenting er endret.\n{CASES[name][1]}\n", name
        assert out == ""
    assert fingerprint(store.connect(battery_db)) == untouched
