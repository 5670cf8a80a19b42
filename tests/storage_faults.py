"""Real storage failures for tests: a full disk under a live database, damaged blocks, foreign files.

No fault here is a stand-in for Tilstand's own code: the kernel refuses the write, or DuckDB itself finds
the damage when it reads the file.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest


@contextmanager
def full_disk(con: duckdb.DuckDBPyConnection, db: Path) -> Iterator[None]:
    """From here on, every commit on `con` fails as on a full disk, with a real ENOSPC from the kernel.

    DuckDB writes each commit to its write-ahead log `<db>.wal` first, and opens that file when the first
    commit after a checkpoint needs it. After a CHECKPOINT there is no log, so a link `<db>.wal` → /dev/full
    (where every write fails with «No space left on device») is what the next commit writes to. Reads are
    unaffected, as on a full disk. The link is removed on exit; the open connection keeps failing to write
    until it is closed, as a process on a full disk would.
    """
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full (Linux)")
    con.cursor().execute("CHECKPOINT")
    wal = Path(f"{db}.wal")
    assert not wal.exists(), "a checkpoint leaves no write-ahead log"
    wal.symlink_to("/dev/full")
    try:
        yield
    finally:
        wal.unlink(missing_ok=True)


HEADERS = 3 * 4096


def table_block(db: Path, table: str) -> int:
    """The file offset of the middle of a block that holds `table`'s data (read from DuckDB's own map)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        block_size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
        block = con.execute(
            f"SELECT max(block_id) FROM pragma_storage_info('{table}') WHERE persistent AND block_id >= 0"
        ).fetchone()[0]
    finally:
        con.close()
    assert block is not None, f"{table} has no data on disk"
    # The file is three 4 KiB headers (the main header and two database headers) followed by the blocks,
    # numbered from 0. Counting from the end instead goes wrong once a file has free blocks at its end.
    return HEADERS + block * block_size + block_size // 2


def flip_byte(path: Path, offset: int) -> None:
    """Damage one byte, as a failing disk would: DuckDB's block checksum changes for any single byte."""
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0x5A]))


def reads_fully(db: Path, table: str) -> bool:
    """Whether every column of every row of `table` can be read (DuckDB checks each block it loads)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute(f'SELECT count(*), bit_xor(hash(COLUMNS(*))) FROM "{table}"').fetchall()
        return True
    except duckdb.Error:
        return False
    finally:
        con.close()


def random_bytes_file(path: Path, size: int = 300_000) -> Path:
    path.write_bytes(os.urandom(size))
    return path


def text_file(path: Path) -> Path:
    path.write_text("Dette er et notat, ikke en database.\n", encoding="utf-8")
    return path


def sqlite_file(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notat (tekst TEXT)")
    con.commit()
    con.close()
    return path
