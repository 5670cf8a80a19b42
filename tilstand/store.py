"""The DuckDB store: where the file is, one connection per process, migrations, transactions.

DuckDB allows one writing process per file; a second one gets a lock error naming the PID. We turn
that into a Norwegian message that says who holds the file and what to do. Within a process, one
connection is shared and every query runs on its own cursor (a connection is not thread-safe).
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb

from tilstand import suppression
from tilstand.errors import DatabaseLockedError
from tilstand.migrations import LATEST, MIGRATIONS
from tilstand.storage_errors import storage_error

DEFAULT_DB = Path("data") / "tilstand.duckdb"
REFERENCE_FILES = ("indicators.csv", "regions.csv", "kostra_membership.csv", "services.csv", "services_khr.csv")

_connections: dict[str, duckdb.DuckDBPyConnection] = {}
_lock = threading.Lock()


def db_path(path: str | Path | None = None) -> Path:
    """$TILSTAND_DB, else data/tilstand.duckdb (relative to the working directory)."""
    if path:
        return Path(path)
    env = os.environ.get("TILSTAND_DB")
    return Path(env) if env else DEFAULT_DB


def _describe_pid(pid: str) -> str:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        cmd = ""
    return f"PID {pid}" + (f": {cmd[:120]}" if cmd else "")


def _locked_message(path: Path, error: Exception) -> str:
    m = re.search(r"PID (\d+)", str(error))
    holder = _describe_pid(m.group(1)) if m else "en annen prosess"
    return (
        f"Databasen «{path}» er i bruk av en annen prosess ({holder}). "
        "Bare én prosess kan skrive til den om gangen. Lukk den andre prosessen (for eksempel appen "
        "startet med «streamlit run», eller en annen «tilstand»-kommando) og prøv igjen, "
        "eller bruk en annen database med --db."
    )


def connect(path: str | Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The process's cached connection to the database, migrated and with reference data loaded.

    A file that cannot be opened, read or written raises a Norwegian StorageError (DatabaseLockedError
    when another process holds it), never DuckDB's English message with the server's paths.
    """
    p = db_path(path).resolve()
    try:
        return _connect(p, read_only)
    except (duckdb.Error, OSError) as e:
        # DuckDB: «Could not set lock on file …: Conflicting lock is held in …»; a damaged file's «block at
        # location …» also contains "lock", and must be called damaged, not in use
        if isinstance(e, duckdb.IOException) and re.search(r"\b(set lock|conflicting lock)\b", str(e), re.I):
            raise DatabaseLockedError(_locked_message(p, e)) from e
        said = storage_error(e, p)
        if said is None:
            raise
        raise said from e


# No extension is fetched or loaded: a SQLite file given as the database would otherwise make DuckDB
# download its SQLite reader and open the foreign file. Everything Tilstand uses is built in.
_NO_EXTENSIONS: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def _connect(p: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    key = f"{p}|{'ro' if read_only else 'rw'}"
    with _lock:
        con = _connections.get(key)
        if con is not None:
            return con
        if not read_only:
            p.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(p), read_only=read_only, config=_NO_EXTENSIONS)
        if not read_only:
            migrate(con)
            sync_reference_data(con)
            sync_suppression(con)
        _connections[key] = con
        return con


def close(path: str | Path | None = None) -> None:
    """Close cached connections (all, or those to one file) so another process may open it."""
    with _lock:
        prefix = f"{db_path(path).resolve()}|" if path else ""
        for key in [k for k in _connections if k.startswith(prefix)]:
            _connections.pop(key).close()


def one(cur: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | dict[str, object] = ()) -> tuple[Any, ...]:
    """The one row a query always gives (counts, a max, a row known to exist). DuckDB's fetchone() may give
    None; for these queries that would be our bug, and is said as one."""
    row = cur.execute(sql, params).fetchone()
    if row is None:
        raise LookupError(f"the query gave no row: {sql}")
    return row


def scalar(cur: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | dict[str, object] = ()) -> Any:
    """The first value of `one`: a count, a max, a column of a row known to exist."""
    return one(cur, sql, params)[0]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    cur = con.cursor()
    exists = scalar(cur, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'")
    if not exists:
        return 0
    v = scalar(cur, "SELECT max(version) FROM schema_version")
    return int(v or 0)


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration newer than the file's version, each in its own transaction."""
    cur = con.cursor()
    cur.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description VARCHAR, "
        "applied_at TIMESTAMP)"
    )
    current = schema_version(con)
    for version, description, sql in MIGRATIONS:
        if version <= current:
            continue
        cur.execute("BEGIN TRANSACTION")
        try:
            cur.execute(sql)
            cur.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, description, datetime.now()])
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
    return LATEST


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All-or-nothing: a cursor inside BEGIN … COMMIT, rolled back on any exception."""
    cur = con.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        yield cur
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    else:
        cur.execute("COMMIT")


def _reference_rows(name: str) -> list[dict[str, str]]:
    text = files("tilstand.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _reference_digest() -> str:
    h = hashlib.sha256()
    for name in REFERENCE_FILES:
        h.update(files("tilstand.data").joinpath(name).read_bytes())
    return h.hexdigest()


def _int(s: str) -> int | None:
    return int(s) if s else None


def sync_reference_data(con: duckdb.DuckDBPyConnection) -> bool:
    """Load the catalogue, regions and services from tilstand/data when they changed.

    Regions are upserted, never deleted: the registry also holds municipalities that imports added.
    """
    digest = _reference_digest()
    cur = con.cursor()
    row = cur.execute("SELECT value FROM meta WHERE key = 'reference_digest'").fetchone()
    if row and row[0] == digest:
        return False
    with transaction(con) as tx:
        tx.execute("DELETE FROM indicator")
        tx.executemany(
            "INSERT INTO indicator VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                [
                    r["id"],
                    r["name_nb"],
                    r["name_nn"],
                    r["name_en"],
                    r["area"],
                    r["unit"],
                    r["better"],
                    r["origin"],
                    r["source"],
                    r["levels"],
                    int(r["min_count"] or 0),
                    r["count_indicator"] or None,
                    r["show"] == "yes",
                    r["confidence"],
                    r["definition"],
                ]
                for r in _reference_rows("indicators.csv")
            ],
        )
        tx.executemany(
            "INSERT OR REPLACE INTO region VALUES (?,?,?,?,?,?,?,?,?)",
            [
                [
                    r["code"],
                    r["name"],
                    r["kind"],
                    r["county_code"] or None,
                    r["network"] or None,
                    _int(r["valid_from"]),
                    _int(r["valid_to"]),
                    _int(r["boundary_from"]),
                    r["source"],
                ]
                for r in _reference_rows("regions.csv")
            ],
        )
        # The file's rows replace the file's earlier rows, except for municipalities whose groups were fetched
        # from SSB's Klass (tilstand fetch-klass, tilstand/ingest/klass.py): SSB's grouping stays.
        klass = "SELECT region_code FROM kostra_membership WHERE source LIKE 'SSB Klass%'"
        tx.execute(f"DELETE FROM kostra_membership WHERE region_code NOT IN ({klass})")
        fetched = {r[0] for r in tx.execute(klass).fetchall()}
        bundled = [
            [r["region_code"], r["group_code"], int(r["valid_from"]), _int(r["valid_to"]), r["source"]]
            for r in _reference_rows("kostra_membership.csv")
            if r["region_code"] not in fetched
        ]
        if bundled:  # none left when SSB's grouping covers every municipality in the file
            tx.executemany("INSERT OR REPLACE INTO kostra_membership VALUES (?,?,?,?,?)", bundled)
        # Trøndelag's curated services, then the rest of the country from KHR (sample_data/build_services.py)
        services = _reference_rows("services.csv") + _reference_rows("services_khr.csv")
        tx.execute("DELETE FROM service_member")
        tx.execute("DELETE FROM service")
        tx.executemany(
            "INSERT INTO service VALUES (?,?,?,?)",
            [[s["id"], s["name"], s["host_code"], s["source"]] for s in services],
        )
        tx.executemany(
            "INSERT INTO service_member VALUES (?,?)",
            [[s["id"], code] for s in services for code in s["members"].split()],
        )
        tx.execute("INSERT OR REPLACE INTO meta VALUES ('reference_digest', ?)", [digest])
    return True


def _suppression_digest() -> str:
    """Changes when the rules, the relations or the catalogue (min_count) change: then decide again."""
    h = hashlib.sha256(f"rules {suppression.VERSION}".encode())
    h.update(files("tilstand.data").joinpath("relations.csv").read_bytes())
    h.update(_reference_digest().encode())
    return h.hexdigest()


def sync_suppression(con: duckdb.DuckDBPyConnection) -> bool:
    """Decide what may be shown for every year when the rules or the catalogue changed since last time.

    Imports and undos decide for the years they touch in their own transaction; this catches a database
    written by an older version, or a catalogue whose limits changed.
    """
    digest = _suppression_digest()
    row = con.cursor().execute("SELECT value FROM meta WHERE key = 'suppression_digest'").fetchone()
    if row and row[0] == digest:
        return False
    with transaction(con) as tx:
        suppression.refresh(tx)
        tx.execute("INSERT OR REPLACE INTO meta VALUES ('suppression_digest', ?)", [digest])
    return True
