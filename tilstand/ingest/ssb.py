"""SSB importer: a JSON-stat2 API response or a Statistikkbanken CSV -> observations.

Cells are matched to catalogue indicators through tilstand/data/ssb_mapping.csv (table + content
code + the other dimensions' values), so correcting a code is a data change. Every problem raises an
InputError naming file, row and field before anything is written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from tilstand import catalog, regions
from tilstand.catalog import MappingRow
from tilstand.errors import InputError
from tilstand.ingest import jsonstat, ssbcsv
from tilstand.ingest.cells import Cell, ParsedTable
from tilstand.ingest.model import Claim, Observation, Parsed, Source
from tilstand.ingest.sheet import OLE_MAGIC

STATUS_RANK = {":": 3, "..": 2, "...": 2, ".": 1}  # which symbol wins when cells are summed


def looks_like_jsonstat(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{")


def parse_file(data: bytes, file_name: str, mapping: Sequence[MappingRow] | None = None) -> Parsed:
    try:
        return _parse_file(data, file_name, mapping)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as e:
        # A shape no check above foresaw: still the person's file, still a plain answer, never a traceback.
        raise InputError(
            file_name,
            None,
            None,
            "filen har en oppbygning Tilstand ikke kjenner igjen som en "
            f"SSB-fil ({type(e).__name__}). Last ned filen på nytt fra SSB.",
        ) from e


def _parse_file(data: bytes, file_name: str, mapping: Sequence[MappingRow] | None) -> Parsed:
    mapping = catalog.ssb_mapping() if mapping is None else mapping
    if looks_like_jsonstat(data):
        doc = jsonstat.load(data, file_name)
        _rows_for(jsonstat.table_id(doc, file_name), file_name, mapping)  # unknown table: say so first
        table = jsonstat.cells(doc, file_name)
    else:
        table = ssbcsv.parse(data, file_name)
    return map_table(table, file_name, mapping)


def _rows_for(table: tuple[str, str], file_name: str, mapping: Sequence[MappingRow]) -> list[MappingRow]:
    number, title = table
    rows = [m for m in mapping if m.table == number]
    if not rows:
        known = sorted({m.table for m in mapping})
        raise InputError(
            file_name,
            None,
            "tabell",
            f"SSB-tabell {number} («{title[:80]}») er ikke koblet til indikatorkatalogen. "
            f"Tilstand kan importere tabellene {', '.join(known)}.",
        )
    return rows


def _leading_int(text: str) -> int | None:
    m = re.search(r"\d+", text)
    return int(m.group()) if m else None


def _value_matches(want: str, code: str, label: str) -> bool:
    if "," in want:  # '005,006': any of them (with aggregate=sum, their sum)
        return any(_value_matches(w.strip(), code, label) for w in want.split(","))
    if ".." in want:
        lo, _, hi = want.partition("..")
        n = _leading_int(code) if _leading_int(code) is not None else _leading_int(label)
        return n is not None and int(lo) <= n <= int(hi)
    want = want.lower()
    if want in (code.lower(), label.lower()):
        return True
    # 'FGK13 Barnevern' also matches 'FGK13 Barnevern (244, 251, 252)': SSB's labels start with the code
    head, _, rest = want.partition(" ")
    if not any(ch.isdigit() for ch in head):
        return False
    # ... and '02a Videregående skolenivå' a download with the texts only: 'Videregående skolenivå'
    return label.lower().split()[:1] == [head] or (bool(rest.strip()) and rest.strip() == label.lower())


def _selection_matches(sel, dims: dict[str, tuple[str, str]]) -> bool:
    for names, want in sel:
        key = next((n for n in names if n in dims), None)
        if key is None or not _value_matches(want, *dims[key]):
            return False
    return True


def _matching_rows(cell: Cell, rows: Sequence[MappingRow]) -> list[MappingRow]:
    out = []
    for m in rows:
        if cell.contents_code:
            if cell.contents_code != m.contents_code or not _selection_matches(m.selection, cell.dims):
                continue
        else:
            if cell.contents_label.lower() not in m.contents_labels:
                continue
            if not _selection_matches(m.selection_labels, cell.dims):
                continue
        out.append(m)
    return out


def _combine(cells: list[Cell], aggregate: str, file: str, ind: str) -> tuple[float | None, str | None]:
    if len(cells) == 1:  # nearly every value: the rules below, for one cell
        value, status = cells[0].value, cells[0].status
        return (None, status) if value is None else (value, "-" if status == "-" else None)
    if len(cells) > 1 and aggregate != "sum":
        rows = ", ".join(str(c.row) for c in cells[:5])
        raise InputError(
            file,
            cells[1].row,
            "statistikkvariabel",
            f"flere verdier for samme indikator ({ind}), region og år (rader {rows}). "
            "Ta med bare ett utvalg per dimensjon, eller kontroller koblingen i ssb_mapping.csv.",
        )
    symbols = [c.status or ".." for c in cells if c.value is None]  # a missing value always has its symbol
    if symbols:
        return None, max(symbols, key=lambda s: STATUS_RANK.get(s, 0))
    total = sum(c.value for c in cells)  # type: ignore[misc]
    status = "-" if all(c.status == "-" for c in cells) else None
    return total, status


def _region(cell: Cell, file_name: str) -> regions.RegionRef | None:
    """The region a cell belongs to (None: one Tilstand does not store), its name checked."""
    try:
        ref = regions.parse(cell.region, cell.region_label)
    except ValueError:
        raise InputError(
            file_name,
            cell.row,
            "region",
            f"ukjent regionkode «{cell.region}». Bruk kommunenummer (4 siffer), fylkesnummer, "
            "0 eller EAK (hele landet) eller EKGnn (KOSTRA-gruppe).",
        ) from None
    if ref is not None:
        regions.check_name(ref.name, file_name, cell.row, "region")
    return ref


def map_table(table: ParsedTable, file_name: str, mapping: Sequence[MappingRow] | None = None) -> Parsed:
    mapping = catalog.ssb_mapping() if mapping is None else mapping
    rows = _rows_for((table.table, table.title), file_name, mapping)
    grouped: dict[tuple[str, str, int], list[Cell]] = defaultdict(list)
    aggregate: dict[str, str] = {}
    found_regions: dict[str, regions.RegionRef] = {}
    skipped = 0
    unmapped: set[str] = set()
    countries: dict[str, int] = {}  # how the file names the country ('0' or 'EAK') -> first row
    indicators = catalog.indicators()
    # A national table has tens of thousands of cells but a few dozen distinct combinations of contents and
    # dimension values and a few hundred regions: each is matched against the mapping once, not per cell.
    matched: dict[tuple, tuple[list[tuple[str, str]], str | None]] = {}
    dim_keys: dict[int, tuple] = {}  # id of a cell's dims -> its items (the readers share one dict per combination)
    placed: dict[tuple[str, str], regions.RegionRef | None] = {}
    for cell in table.cells:
        dk = dim_keys.get(id(cell.dims))
        if dk is None:
            dk = dim_keys[id(cell.dims)] = tuple(cell.dims.items())
        key = (cell.contents_code, cell.contents_label, dk)
        found = matched.get(key)
        if found is None:
            rows_matched = _matching_rows(cell, rows)
            found = matched[key] = (
                [(m.indicator_id, m.aggregate) for m in rows_matched],
                next((m.indicator_id for m in rows_matched if m.indicator_id not in indicators), None),
            )
        targets, missing = found
        if not targets:
            skipped += 1
            unmapped.add(cell.contents_code or cell.contents_label)
            continue
        where = (cell.region, cell.region_label)
        if where in placed:
            ref = placed[where]
        else:
            ref = placed[where] = _region(cell, file_name)
        if ref is None:
            skipped += 1
            continue
        if ref.code == regions.COUNTRY:
            countries.setdefault(cell.region.split()[0].upper(), cell.row)
        if not 1900 <= cell.year <= 2100:
            raise InputError(file_name, cell.row, "år", f"«{cell.year}» er ikke et gyldig årstall.")
        if missing is not None:
            raise InputError(
                file_name,
                cell.row,
                "statistikkvariabel",
                f"koblingen peker på en indikator som ikke finnes: {missing}.",
            )
        found_regions.setdefault(ref.code, ref)
        for indicator_id, how in targets:
            grouped[(indicator_id, ref.code, cell.year)].append(cell)
            aggregate[indicator_id] = how
    if len(countries) > 1:  # '0' and 'EAK' are both the country: summed or compared, it would count twice
        (a, _), (b, row) = sorted(countries.items(), key=lambda kv: kv[1])[:2]
        raise InputError(
            file_name,
            row,
            "region",
            f"filen har hele landet to ganger, som «{a}» og som «{b}». "
            "Last ned tabellen på nytt med landet bare én gang.",
        )
    if not grouped:
        seen = ", ".join(sorted(unmapped)[:6])
        known = ", ".join(sorted({m.contents_code + (f" ({m.contents_labels[0]})") for m in rows})[:8])
        raise InputError(
            file_name,
            None,
            "statistikkvariabel",
            f"ingen av statistikkvariablene i tabell {table.table} er koblet til katalogen "
            f"(filen har: {seen}). Kjente for tabellen: {known}.",
        )
    observations = []
    for (ind, region, year), cells in grouped.items():
        value, status = _combine(cells, aggregate[ind], file_name, ind)
        observations.append(Observation(ind, region, year, value, status))
    return Parsed(
        file_name=Path(file_name).name,
        source=table.source,
        table=table.table,
        title=table.title,
        sample=table.is_sample,
        observations=observations,
        regions=found_regions,
        skipped_cells=skipped,
        unmapped_contents=sorted(unmapped),
    )


def _detect(data: bytes) -> Claim:
    """JSON-stat is surely SSB's; a text that reads like a Statistikkbanken download only when no other source
    claims it: the SSB parser explains a wrong separator or layout better than a guess would."""
    head = data[:4096]
    if looks_like_jsonstat(head):
        return Claim.YES
    if head.startswith((b"PK", OLE_MAGIC)):
        return Claim.NO  # a workbook is never an SSB file
    first = head.decode("utf-8", errors="replace").lower()
    if "statistikkvariabel" in first or '"region"' in first or (";" in first and ": " in first.split("\n", 1)[0]):
        return Claim.FALLBACK
    return Claim.NO


SOURCE = Source(
    name="ssb",
    formats={"ssb_jsonstat": "SSB (JSON-stat2 fra API-et)", "ssb_csv": "SSB (CSV fra Statistikkbanken)"},
    detect=_detect,
    read=parse_file,
)
