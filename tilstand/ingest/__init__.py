"""Importers: one module per source format, all ending in the one observation shape (load.write)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tilstand.errors import InputError
from tilstand.ingest import load, ssb
from tilstand.ingest.load import ImportResult

MAX_BYTES = 200 * 1024 * 1024
SOURCES = ("ssb",)


def detect(data: bytes, file_name: str) -> str:
    """Which importer reads this file, from its content (not its name)."""
    head = data[:4096]
    if ssb.looks_like_jsonstat(head):
        return "ssb"
    text = head.decode("utf-8", errors="replace").lower()
    if ";" in text and ("statistikkvariabel" in text or '"region"' in text or ":" in text.split("\n", 1)[0]):
        return "ssb"
    raise InputError(file_name, None, None, "kjenner ikke igjen filformatet. Tilstand leser SSB-filer "
                     "(JSON-stat2 fra SSBs API eller CSV-nedlasting fra Statistikkbanken).")


def import_file(con: duckdb.DuckDBPyConnection, path: str | Path, *, source: str | None = None,
                sample: bool = False, imported_by: str | None = None, data: bytes | None = None) -> ImportResult:
    """Import one file all-or-nothing; InputError (nothing written) on bad input."""
    path = Path(path)
    if data is None:
        try:
            size = path.stat().st_size
        except OSError:
            raise InputError(path, None, None, "filen finnes ikke eller kan ikke leses.") from None
        if size > MAX_BYTES:
            raise InputError(path, None, None, f"filen er {size // (1024 * 1024)} MB; største tillatte er "
                             f"{MAX_BYTES // (1024 * 1024)} MB. Last ned et mindre utvalg.")
        data = path.read_bytes()
    if not data.strip():
        raise InputError(path, None, None, "filen er tom.")
    kind = source or detect(data, path.name)
    if kind not in SOURCES:
        raise InputError(path, None, "--source", f"ukjent kilde «{kind}». Kjente kilder: {', '.join(SOURCES)}.")
    parsed = ssb.parse_file(data, path.name)
    return load.write(
        con, data=data, file_name=path.name, source=parsed.source,
        observations=[(o.indicator_id, o.region_code, o.year, o.value, o.status) for o in parsed.observations],
        regions=list(parsed.regions.values()), ssb_table=parsed.table,
        sample=sample or parsed.sample, imported_by=imported_by,
    )
