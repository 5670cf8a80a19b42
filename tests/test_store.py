import multiprocessing
import subprocess
import sys

import pytest

from tilstand import store
from tilstand.errors import DatabaseLockedError
from tilstand.migrations import LATEST, MIGRATIONS


def test_new_database_is_migrated_to_the_latest_schema(con):
    assert store.schema_version(con) == LATEST
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"region", "indicator", "observation", "import_log", "service", "service_member",
            "kostra_membership", "observation_public"} <= tables


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
    members = con.execute("SELECT list(region_code ORDER BY region_code) FROM service_member "
                          "WHERE service_id='roros'").fetchone()[0]
    assert members == ["3430", "5025", "5026"]


def test_every_trondelag_municipality_has_a_kostra_group(con):
    missing = con.execute("""SELECT r.code FROM region r LEFT JOIN kostra_membership m ON m.region_code = r.code
                             WHERE r.county_code = '50' AND r.kind='municipality' AND m.group_code IS NULL""").fetchall()
    assert missing == []


def test_a_failed_transaction_leaves_nothing_behind(con):
    with pytest.raises(RuntimeError):
        with store.transaction(con) as cur:
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
    code = ("import sys\nfrom tilstand import store\nfrom tilstand.errors import DatabaseLockedError\n"
            f"try:\n    store.connect({str(db_path)!r})\nexcept DatabaseLockedError as e:\n"
            "    print(e); sys.exit(3)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 3, out.stderr
    import os
    assert f"PID {os.getpid()}" in out.stdout
    assert "er i bruk av en annen prosess" in out.stdout and "Lukk den andre prosessen" in out.stdout
