"""The one shape every source's reader returns: observations plus what the import says about the file.

Each source (tilstand/ingest/sources.py) parses its own format into `Parsed`; `ingest.write` and
`ingest.preview` read nothing else, so a new source adds a reader, not a new shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, NamedTuple

from tilstand.regions import RegionRef

if TYPE_CHECKING:
    from tilstand.catalog import MappingRow


class Observation(NamedTuple):
    """One value for one indicator, region and year. A tuple, so the writer hands the readers' list to polars
    as rows without copying it into another shape first."""

    indicator_id: str
    region_code: str
    year: int
    value: float | None
    status: str | None  # None (a value), 'x' (hidden by Tilstand), SSB's symbols, 'x..' (Bufdir's «..»)


@dataclass
class Parsed:
    """A file read, validated and mapped, ready to be written; nothing touched the database yet.

    The fields below `observations` default to nothing, so each source fills in only what it knows: SSB the
    table, regions and skipped cells; the templates how many rows or units they read and how many values they
    stored hidden; staff the years it could not or only roughly compute."""

    file_name: str
    source: str  # e.g. ssb_jsonstat, bufdir_xlsx, staff_csv: the source's name and the file's format
    title: str
    sample: bool  # the file says Eksempeldata
    observations: list[Observation]
    table: str | None = None  # the SSB table: import_log.ssb_table (empty for the other sources)
    regions: dict[str, RegionRef] = field(default_factory=dict)  # regions the file names (SSB, Bufdir)
    skipped_cells: int = 0  # cells read but not mapped to the catalogue
    unmapped_contents: list[str] = field(default_factory=list)  # what those cells were
    notes: list[str] = field(default_factory=list)  # said with the import (Norwegian)
    rows: int = 0  # staff and survey: rows read
    units: int = 0  # 10-FAKTOR: unit-year rows read
    suppressed: int = 0  # values stored hidden because they rest on too few people
    incomplete_years: list[tuple[str, int]] = field(default_factory=list)  # staff: sick leave not for 4 quarters
    equal_weight_years: list[tuple[str, int]] = field(default_factory=list)  # staff: sick leave without dagsverk


class Claim(IntEnum):
    """How surely a source recognises a file from its content (never from its name); the surest claim wins."""

    NO = 0
    FALLBACK = 1  # it reads a bit like this source's files: its reader explains a misfit best, if nobody else claims it
    LIKELY = 2  # the kind of file this source reads (any workbook, a CSV with a Kommunenummer column)
    YES = 3  # a sign only this source's files carry (its sheet, a column only it has, JSON-stat)


@dataclass(frozen=True)
class Source:
    """One kind of file Tilstand imports: how to recognise it, read it, and name it in the import preview.

    Each source's module builds one (`SOURCE`) and tilstand/ingest/sources.py lists them in one table, in the order
    they are asked; `detect` there, the import page, the CLI and the SSB fetch go through that table only."""

    name: str  # as given to --source, and the start of every Parsed.source it reads (ssb -> ssb_jsonstat)
    formats: Mapping[str, str]  # Parsed.source -> the file's kind in Norwegian, for the import preview
    detect: Callable[[bytes], Claim]  # the file's bytes -> how surely it is this source's
    read: Callable[[bytes, str, Sequence[MappingRow] | None], Parsed]  # bytes, file name, SSB mapping -> Parsed

    def describe(self, parsed: Parsed) -> str:
        """The file's kind in Norwegian, e.g. «SSB (CSV fra Statistikkbanken)»."""
        return self.formats.get(parsed.source, parsed.source)
