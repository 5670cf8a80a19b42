"""Importers: one module per source, each reading its files into the one model (model.Parsed of
model.Observation), listed in one table (sources.py) that detection, `--source` and the preview use.

Reading (parse, validate, map) is separate from writing, so several files can be checked first and
written only when every one of them is sound.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tilstand.access import Actor
from tilstand.catalog import MappingRow
from tilstand.errors import InputError
from tilstand.ingest import load, sheet, sources
from tilstand.ingest.load import ImportResult
from tilstand.ingest.model import Parsed, Source

# The widest file Tilstand reads, SSB table 07459 (population by single year of age) for the whole country, 106
# ages × 10 years, is 18 MB as a long-layout CSV, 3 MB with the years across and 2 MB as JSON-stat; the templates are
# far smaller. Checked before a byte is read or decoded, so a huge file costs nothing; the import page's uploader has
# the same limit (.streamlit/config.toml, server.maxUploadSize, in MB).
MAX_BYTES = 20 * 1024 * 1024
log = logging.getLogger(__name__)
SOURCES = sources.names()


@dataclass
class PreparedImport:
    path: Path
    data: bytes
    parsed: Parsed
    source: Source

    def describe(self) -> str:
        """The file's kind in Norwegian, e.g. «Bufdir kommunemonitor (Excel)»."""
        return self.source.describe(self.parsed)


def detect(data: bytes, file_name: str) -> str:
    """Which source reads this file (its name in `SOURCES`), from its content (not its name)."""
    return sources.detect(data, file_name).name


def read(
    path: str | Path,
    *,
    source: str | None = None,
    data: bytes | None = None,
    mapping: Sequence[MappingRow] | None = None,
) -> PreparedImport:
    """Parse and validate one file; InputError on any problem. Touches no database."""
    path = Path(path)
    if data is None:
        try:
            size = path.stat().st_size
        except OSError:
            raise InputError(path, None, None, "filen finnes ikke eller kan ikke leses.") from None
        _check_size(size, path)
        try:
            with path.open("rb") as f:
                data = f.read(MAX_BYTES + 1)  # a file that grew since stat() is still read no further
        except OSError:
            raise InputError(path, None, None, "filen finnes ikke eller kan ikke leses.") from None
    _check_size(len(data), path)
    if not data or data.isspace():
        raise InputError(path, None, None, "filen er tom.")
    if data.startswith(b"PK"):
        sheet.check_workbook(data, path.name)  # before detection opens it: a zip bomb unpacks in openpyxl
    chosen = sources.by_name(source) if source else sources.detect(data, path.name)
    if chosen is None:
        raise InputError(path, None, "--source", f"ukjent kilde «{source}». Kjente kilder: {', '.join(SOURCES)}.")
    return PreparedImport(path, data, chosen.read(data, path.name, mapping), chosen)


def _check_size(size: int, path: Path) -> None:
    if size > MAX_BYTES:
        raise InputError(
            path,
            None,
            None,
            f"filen er {sheet.megabytes(size)}; største tillatte er "
            f"{sheet.megabytes(MAX_BYTES)}. Last ned et mindre utvalg (færre år eller regioner), "
            "eller del filen opp.",
        )


def write(
    con: duckdb.DuckDBPyConnection,
    prepared: PreparedImport,
    *,
    actor: Actor,
    sample: bool = False,
    imported_by: str | None = None,
) -> ImportResult:
    p = prepared.parsed
    started = time.perf_counter()
    result = load.write(  # the observations are tuples already: load.write hands them to polars as rows
        con,
        data=prepared.data,
        file_name=prepared.path.name,
        source=p.source,
        observations=p.observations,
        regions=list(p.regions.values()),
        ssb_table=p.table,
        sample=sample or p.sample,
        imported_by=imported_by,
        actor=actor,
    )
    _log_import(p, result, time.perf_counter() - started)
    return result


def _log_import(p: Parsed, result: ImportResult, seconds: float) -> None:
    """Source, table, how many regions and values, the import's id and how long it took; never the file's name
    (it may name a person) nor any of its rows."""
    if result.already_imported:
        log.info(
            "import skipped: %s file already imported (import %s)", p.source, (result.previous_import or (None,))[0]
        )
        return
    regions = len({o.region_code for o in p.observations})
    log.info(
        "imported %s%s: %d values for %d regions, %d new, %d changed, import %s, %.2f s",
        p.source,
        f" table {p.table}" if p.table else "",
        result.rows,
        regions,
        result.inserted,
        result.updated,
        result.import_id,
        seconds,
    )


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    *,
    actor: Actor,
    source: str | None = None,
    sample: bool = False,
    imported_by: str | None = None,
    data: bytes | None = None,
    mapping: Sequence[MappingRow] | None = None,
) -> ImportResult:
    """Import one file all-or-nothing; InputError (nothing written) on bad input."""
    prepared = read(path, source=source, data=data, mapping=mapping)
    return write(con, prepared, actor=actor, sample=sample, imported_by=imported_by)


def preview(con: duckdb.DuckDBPyConnection, prepared: PreparedImport, *, actor: Actor) -> load.Preview:
    """What importing a read file would change, as the person may see it, without writing anything."""
    return load.preview(
        con,
        data=prepared.data,
        actor=actor,
        source=prepared.parsed.source,
        file_name=prepared.path.name,
        observations=prepared.parsed.observations,
    )
