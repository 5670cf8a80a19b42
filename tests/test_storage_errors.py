"""The one mapping from DuckDB and file-system failures to Norwegian, fed with errors DuckDB really raises."""

from __future__ import annotations

import errno

import duckdb
import pytest

from tests.storage_faults import full_disk
from tilstand import store
from tilstand.storage_errors import MESSAGES, is_conflict, kind_of, storage_error


def _raised(action) -> BaseException:
    with pytest.raises(Exception) as e:
        action()
    return e.value


def test_a_commit_on_a_full_disk_is_disk_full_not_a_conflict(con, db_path):
    with full_disk(con, db_path):
        error = _raised(lambda: con.cursor().execute("INSERT INTO meta VALUES ('x', 'y')"))
    assert isinstance(error, duckdb.TransactionException), "DuckDB reports the failed commit as a transaction error"
    assert kind_of(error) == "disk_full" and not is_conflict(error)


def test_two_sessions_changing_the_same_row_is_a_conflict(con):
    first, second = con.cursor(), con.cursor()
    first.execute("BEGIN TRANSACTION")
    first.execute("UPDATE meta SET value = 'a' WHERE key = 'reference_digest'")
    error = _raised(lambda: second.execute("UPDATE meta SET value = 'b' WHERE key = 'reference_digest'"))
    first.execute("ROLLBACK")
    assert is_conflict(error) and "Prøv igjen" in str(storage_error(error))


def test_writing_to_a_database_opened_read_only_is_read_only(db_path):
    store.connect(db_path)
    store.close(db_path)
    con = store.connect(db_path, read_only=True)
    assert kind_of(_raised(lambda: con.cursor().execute("INSERT INTO meta VALUES ('x', 'y')"))) == "read_only"


def test_errors_that_are_not_about_storage_are_left_alone(con):
    assert storage_error(_raised(lambda: con.cursor().execute("SELECT * FROM no_such_table"))) is None
    assert storage_error(ValueError("title")) is None


def test_an_os_error_about_another_file_is_not_the_databases(tmp_path):
    db = tmp_path / "data" / "tilstand.duckdb"
    elsewhere = PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "rapport.docx"))
    assert storage_error(elsewhere, db) is None
    own_folder = PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "data"))
    assert storage_error(own_folder, db).kind == "permission"


def test_every_message_says_what_happened_and_names_no_path():
    for kind, message in MESSAGES.items():
        assert message.endswith(".") and "/" not in message.replace("TILSTAND_DB eller --db", ""), kind
