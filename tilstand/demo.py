"""Build the sample database by running the real importers over the committed sample files.

The database is built in a new file next to the target and moved into place at the end, so a
reader never sees a half-built database and a failed build leaves the old one untouched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tilstand import ingest, resources, store
from tilstand.access import SYSTEM
from tilstand.ingest.load import ImportResult

SAMPLE_DIR = resources.SAMPLE_DATA / "ssb"
# The 10-FAKTOR template filled with synthetic results; its CSV copy holds the same numbers (for tests).
TENFACTOR_SAMPLE_DIR = SAMPLE_DIR.parent / "10faktor"
# Synthetic downloads from Bufdir's kommunemonitor (CSV and Excel): the half-year quality figures.
BUFDIR_SAMPLE_DIR = SAMPLE_DIR.parent / "bufdir"
# The staff and user-survey templates filled with synthetic figures (their CSV copies are for tests).
LOCAL_SAMPLE_DIRS = (SAMPLE_DIR.parent / "ansatte", SAMPLE_DIR.parent / "brukerundersokelse")


@dataclass
class DemoResult:
    path: Path
    results: list[ImportResult]


def sample_files(directory: Path = SAMPLE_DIR) -> list[Path]:
    files = sorted(p for p in directory.iterdir() if p.suffix in (".json", ".csv"))
    if directory == SAMPLE_DIR and TENFACTOR_SAMPLE_DIR.is_dir():
        files += sorted(TENFACTOR_SAMPLE_DIR.glob("*.xlsx"))
    if directory == SAMPLE_DIR and BUFDIR_SAMPLE_DIR.is_dir():
        files += sorted(p for p in BUFDIR_SAMPLE_DIR.iterdir() if p.suffix in (".csv", ".xlsx"))
    if directory == SAMPLE_DIR:
        files += [f for d in LOCAL_SAMPLE_DIRS if d.is_dir() for f in sorted(d.glob("*.xlsx"))]
    return files


def build(path: str | Path | None = None, directory: Path = SAMPLE_DIR) -> DemoResult:
    target = store.db_path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".building")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    prepared = [ingest.read(f) for f in sample_files(directory)]  # all files sound before any write
    con = store.connect(tmp)
    try:
        results = [ingest.write(con, p, sample=True, imported_by="tilstand demo", actor=SYSTEM) for p in prepared]
        con.execute("CHECKPOINT")
    finally:
        store.close(tmp)
    store.close(target)
    os.replace(tmp, target)
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    return DemoResult(target, results)


def ensure_exists(path: str | Path | None = None) -> bool:
    return store.db_path(path).exists()


def ensure(path: str | Path | None = None) -> Path:
    """The database, built from the sample data if it does not exist yet (first run of the app)."""
    target = store.db_path(path)
    if not target.exists():
        build(target)
    return target
