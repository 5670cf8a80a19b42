"""Importers: one module per source format, all ending in the one observation shape (load.write).

Reading (parse, validate, map) is separate from writing, so several files can be checked first and
written only when every one of them is sound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tilstand.access import Actor
from tilstand.catalog import MappingRow
from tilstand.errors import InputError
from tilstand.ingest import bufdir, load, sheet, ssb, staff, survey, tenfactor
from tilstand.ingest.load import ImportResult

# The widest file Tilstand reads, SSB table 07459 (population by single year of age) for the whole country, 106
# ages × 10 years, is 18 MB as a long-layout CSV, 3 MB with the years across and 2 MB as JSON-stat; the templates are
# far smaller. Checked before a byte is read or decoded, so a huge file costs nothing; the import page's uploader has
# the same limit (.streamlit/config.toml, server.maxUploadSize, in MB).
MAX_BYTES = 20 * 1024 * 1024
SOURCES = ("ssb", "ks_10faktor", "bufdir", "staff", "survey")


@dataclass
class PreparedImport:
    path: Path
    data: bytes
    parsed: ssb.Parsed | tenfactor.Parsed | bufdir.Parsed | staff.Parsed | survey.Parsed


def detect(data: bytes, file_name: str) -> str:
    """Which importer reads this file, from its content (not its name)."""
    head = data[:4096]
    if ssb.looks_like_jsonstat(head):
        return "ssb"
    if staff.looks_like(data):  # before Bufdir and 10-FAKTOR: by sheet name or a column only it has
        return "staff"
    if survey.looks_like(data):
        return "survey"
    if bufdir.looks_like_bufdir(data):  # before 10-FAKTOR: both have a Kommunenummer column
        return "bufdir"
    if data.startswith(b"PK"):
        _require_a_template_sheet(data, file_name)
    if tenfactor.looks_like(head):  # a spreadsheet, or a CSV with a Kommunenummer column
        return "ks_10faktor"
    first = head.decode("utf-8", errors="replace").lower()
    if "statistikkvariabel" in first or '"region"' in first or ";" in first and ": " in first.split("\n", 1)[0]:
        return "ssb"  # the SSB parser explains a wrong separator or layout better than a guess here
    raise InputError(file_name, None, None, "kjenner ikke igjen filformatet. Tilstand leser SSB-filer "
                     "(JSON-stat2 fra SSBs API eller CSV-nedlasting fra Statistikkbanken), 10-FAKTOR-resultater "
                     f"i malen {tenfactor.TEMPLATE}, personaltall i malen {staff.TEMPLATE} og brukerundersøkelser "
                     f"i malen {survey.TEMPLATE} (Excel eller CSV).")


def _require_a_template_sheet(data: bytes, file_name: str) -> None:
    """A workbook with none of the templates' sheets: say which sheets Tilstand looks for, rather than let the
    10-FAKTOR importer (the last one that reads workbooks) ask for its own sheet in a staff or survey file."""
    names = sheet.xlsx_sheet_names(data)
    wanted = (tenfactor.SHEET, staff.SHEET, survey.SHEET)
    key = lambda name: sheet.norm(name).replace(" ", "")  # noqa: E731 - as the importers match sheet names
    if not names or {key(n) for n in names} & {key(w) for w in wanted}:
        return  # not a readable workbook (the importer says so), or one with a template sheet
    found = ", ".join(f"«{n}»" for n in names)
    raise InputError(file_name, None, None, f"arbeidsboken har arkene {found}, men ikke noe ark Tilstand kjenner: "
                     f"«{tenfactor.SHEET}» (malen {tenfactor.TEMPLATE}), «{staff.SHEET}» (malen {staff.TEMPLATE}) "
                     f"eller «{survey.SHEET}» (malen {survey.TEMPLATE}), og den ser heller ikke ut som en nedlasting "
                     "fra Bufdirs kommunemonitor. Skriv tallene i malen, og behold arknavnet.")


def read(path: str | Path, *, source: str | None = None, data: bytes | None = None,
         mapping: Sequence[MappingRow] | None = None) -> PreparedImport:
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
    kind = source or detect(data, path.name)
    if kind not in SOURCES:
        raise InputError(path, None, "--source", f"ukjent kilde «{kind}». Kjente kilder: {', '.join(SOURCES)}.")
    if kind == "bufdir":
        return PreparedImport(path, data, bufdir.parse_file(data, path.name))
    if kind == "staff":
        return PreparedImport(path, data, staff.parse_file(data, path.name))
    if kind == "survey":
        return PreparedImport(path, data, survey.parse_file(data, path.name))
    if kind == "ks_10faktor":
        return PreparedImport(path, data, tenfactor.parse_file(data, path.name))
    return PreparedImport(path, data, ssb.parse_file(data, path.name, mapping))


def _check_size(size: int, path: Path) -> None:
    if size > MAX_BYTES:
        raise InputError(path, None, None, f"filen er {sheet.megabytes(size)}; største tillatte er "
                         f"{sheet.megabytes(MAX_BYTES)}. Last ned et mindre utvalg (færre år eller regioner), "
                         "eller del filen opp.")


def write(con: duckdb.DuckDBPyConnection, prepared: PreparedImport, *, actor: Actor, sample: bool = False,
          imported_by: str | None = None) -> ImportResult:
    p = prepared.parsed
    return load.write(
        con, data=prepared.data, file_name=prepared.path.name, source=p.source,
        observations=[(o.indicator_id, o.region_code, o.year, o.value, o.status) for o in p.observations],
        regions=list(p.regions.values()), ssb_table=p.table, sample=sample or p.sample, imported_by=imported_by,
        actor=actor,
    )


def import_file(con: duckdb.DuckDBPyConnection, path: str | Path, *, actor: Actor, source: str | None = None,
                sample: bool = False, imported_by: str | None = None, data: bytes | None = None,
                mapping: Sequence[MappingRow] | None = None) -> ImportResult:
    """Import one file all-or-nothing; InputError (nothing written) on bad input."""
    prepared = read(path, source=source, data=data, mapping=mapping)
    return write(con, prepared, actor=actor, sample=sample, imported_by=imported_by)


def preview(con: duckdb.DuckDBPyConnection, prepared: PreparedImport, *, actor: Actor) -> load.Preview:
    """What importing a read file would change, as the person may see it, without writing anything."""
    return load.preview(con, data=prepared.data, actor=actor, source=prepared.parsed.source,
                        file_name=prepared.path.name, observations=[
                            (o.indicator_id, o.region_code, o.year, o.value, o.status)
                            for o in prepared.parsed.observations])
