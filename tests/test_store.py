import subprocess
import sys
from pathlib import Path

import pytest

from tests.storage_faults import flip_byte, random_bytes_file, sqlite_file, text_file
from tilstand import store
from tilstand.migrations import LATEST, MIGRATIONS
from tilstand.storage_errors import StorageError


def test_new_database_is_migrated_to_the_latest_schema(db_path):
    con = store.connect(db_path)  # a new file, not the `con` fixture's copy of one migrated before
    assert store.schema_version(con) == LATEST
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {
        "region",
        "indicator",
        "observation",
        "import_log",
        "service",
        "service_member",
        "kostra_membership",
        "observation_public",
    } <= tables


def test_migrations_are_numbered_in_order_without_gaps():
    assert [m[0] for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_reopening_does_not_reapply_migrations(db_path):
    con = store.connect(db_path)
    n = con.execute("SELECT count(*) FROM schema_version").fetchone()[0]
    store.close(db_path)
    con = store.connect(db_path)
    assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == n


def test_catalogue_regions_and_services_are_loaded(con):
    assert con.execute("SELECT count(*) FROM indicator").fetchone()[0] >= 67
    trondelag = con.execute("SELECT count(*) FROM region WHERE kind='municipality' AND county_code='50'").fetchone()[0]
    assert trondelag == 38
    assert con.execute("SELECT name FROM region WHERE code='5001'").fetchone()[0] == "Trondheim - Tråante"
    members = con.execute(
        "SELECT list(region_code ORDER BY region_code) FROM service_member WHERE service_id='roros'"
    ).fetchone()[0]
    assert members == ["3430", "5025", "5026"]


def test_every_trondelag_municipality_has_a_kostra_group(con):
    missing = con.execute("""SELECT r.code FROM region r LEFT JOIN kostra_membership m ON m.region_code = r.code
                             WHERE r.county_code = '50' AND r.kind='municipality' AND m.group_code IS NULL""").fetchall()
    assert missing == []


def test_a_failed_transaction_leaves_nothing_behind(con):
    with pytest.raises(RuntimeError), store.transaction(con) as cur:
        cur.execute("INSERT INTO region (code, name, kind) VALUES ('9001', 'X', 'municipality')")
        raise RuntimeError("boom")
    assert con.execute("SELECT count(*) FROM region WHERE code='9001'").fetchone()[0] == 0


def test_database_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TILSTAND_DB", str(tmp_path / "x.duckdb"))
    assert store.db_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("TILSTAND_DB")
    assert str(store.db_path()) == "data/tilstand.duckdb"


def test_a_second_process_gets_a_norwegian_message_naming_the_holder(db_path):
    store.connect(db_path)  # this process holds the write lock
    code = (
        "import sys\nfrom tilstand import store\nfrom tilstand.errors import DatabaseLockedError\n"
        f"try:\n    store.connect({str(db_path)!r})\nexcept DatabaseLockedError as e:\n"
        "    print(e); sys.exit(3)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 3, out.stderr
    import os

    assert f"PID {os.getpid()}" in out.stdout
    assert "er i bruk av en annen prosess" in out.stdout and "Lukk den andre prosessen" in out.stdout


@pytest.mark.parametrize(
    "make, kind",
    [(random_bytes_file, "not_duckdb"), (text_file, "not_duckdb"), (sqlite_file, "not_duckdb")],
    ids=["random", "text", "sqlite"],
)
def test_a_file_that_is_no_duckdb_database_is_refused_in_norwegian_and_left_as_it_was(tmp_path, make, kind):
    db = make(tmp_path / "tilstand.duckdb")
    before = db.read_bytes()
    with pytest.raises(StorageError) as e:
        store.connect(db)
    assert e.value.kind == kind and "ikke en Tilstand-database" in str(e.value)
    assert str(tmp_path) not in str(e.value) and e.value.path == db
    assert db.read_bytes() == before
    assert not (tmp_path / "tilstand.duckdb.wal").exists()


def test_a_sqlite_file_makes_duckdb_fetch_no_extension(tmp_path):
    """DuckDB recognises a SQLite file and would download its SQLite reader to open it as a database."""
    with pytest.raises(StorageError):
        store.connect(sqlite_file(tmp_path / "tilstand.duckdb"))
    assert not list((Path.home() / ".duckdb").glob("extensions/*/*/sqlite_scanner*"))


def test_a_damaged_file_header_is_said_to_be_damaged(db_path):
    store.connect(db_path)
    store.close(db_path)
    flip_byte(db_path, 4096 + 100)  # DuckDB's first database header, checked when the file is opened
    with pytest.raises(StorageError) as e:
        store.connect(db_path)
    assert e.value.kind == "corrupt" and "skadet" in str(e.value)


def test_a_folder_where_the_database_should_be_is_said_plainly(tmp_path):
    with pytest.raises(StorageError) as e:
        store.connect(tmp_path)
    assert e.value.kind == "directory" and "mappe" in str(e.value)


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs a Linux /sys (no one may create files there)")
def test_a_folder_without_access_is_said_plainly():
    with pytest.raises(StorageError) as e:
        store.connect("/sys/kernel/tilstand.duckdb")
    assert e.value.kind == "permission" and "ikke tilgang" in str(e.value)
