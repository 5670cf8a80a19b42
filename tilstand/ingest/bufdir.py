"""Bufdir's Barnevern kommunemonitor: the table behind a chart, downloaded as CSV or Excel -> observations.

**Built without a real download.** No file from bufdir.no/statistikk-og-analyse/monitor/barnevern could be
fetched while this was written, so the importer reads the shapes such a download plausibly has, and
everything that names the monitor's indicators lives in tilstand/data/bufdir_mapping.csv (monitor id,
code 1A–4F, title variants, half-year, share or count -> catalogue id). When a real file differs, correct
the mapping; the layouts below are the only assumptions in code.

Layouts (the first rows may be title lines; the header is the first row naming a region column):

- **long**: a region column (Kommune, Kommunenummer, Geografi, Region, Enhet, Tjeneste; a number column
  and a name column are combined), Indikator, År or Periode ("2024", "2024 1. halvår", "2024-H1",
  "1. halvår 2024"), optionally Halvår, and value columns "Andel (prosent)" / "Andel" / "Prosent"
  and/or "Antall" (the monitor's share/count switch). "Verdi" needs a column Måltall/Visning saying
  andel or antall.
- **wide**: a region column and one column per year or half-year. The indicator comes from an
  Indikator column or from a title line above the header; share or count from a Måltall/Visning
  column or a title line "Andel (prosent)" / "Antall".

Files: CSV separated by semicolon, comma or tab, decimal comma (or point), UTF-8 with or without BOM,
or cp1252; and .xlsx (first sheet; cells formatted as percent are multiplied by 100).

**Half-years.** Fristbrudd (3A), tiltaksplan (3E), evaluert tiltaksplan (3F) and the KHR foster-home
figures (3B, 3D) are half-year figures from the municipalities' half-year reporting (KHR).
- **Fristbrudd** (monitor 1037 and 1039) is stored per half-year: the share (andel), the count of
  investigations with a breach (antall) and the count of investigations concluded in the half-year (KHR
  v301, «Undersøkelser avsluttet siste halvår»: the half-year reported), each as its own catalogue
  indicator named «1. halvår» / «2. halvår». When the file gives no concluded count, it is computed from
  the share and the breaches where they pin it to one whole number (`_bases`); when it does, the three
  must agree. The year's figure `undersokelser_fristbrudd_andel` is never read from a file: the import
  computes it (derived.csv) as both halves' breaches over both halves' concluded investigations.
  Where it cannot: **one half imported** (this or an earlier file) -> no year value at all (one half is
  not the year; the half is stored and shown as the half, and the import notes it); **a half hidden**
  (Bufdir's «x» or «..» in its share and count) -> the year is stored hidden with the same status (load.py
  derives a hidden result even before the other inputs are in), and a half the store hides itself (1–3
  breaches) hides the year in the public view (relations.csv); **a base not pinned** by a rounded share
  (40 at 12,5 % is 319, 320 or 321) -> a note, no base, no year value, unless a file gives the base.
- **The others** keep one value per year, the second half-year (andre halvår); first half-year values are
  read and checked, then skipped with a note (their mapping rows have no catalogue id).
Two half-years' shares are never averaged or added: a share is only ever recomputed from counts
(domain.md §3). The half comes from the period ("2024 2. halvår"), a Halvår column, or the indicator
title ("… (andre halvår)", monitor ids 1031/1035/1039); a half-year indicator with only a year is
refused, as is a yearly indicator with a half-year period.

Regions: "5001", "5001 Trondheim", "301" (KHR drops leading zeros), "Trondheim", "Trondheim - Tråante",
or an intermunicipal service by name ("Fosen barnevernstjeneste", "Fosen barnevern") or id ("fosen"),
matched against tilstand/data/regions.csv and services.csv. A service is stored under its id as a region
of kind 'service': the monitor computes it from its members (counts summed, shares recomputed), which a
download cannot be split back into. An unknown name is refused with its row.

Cells: numbers, SSB's symbols via cells.py, and the monitor's blanks. Bufdir blanks counts 1–3 (and the
shares built on them) and then writes every empty cell as «..», so «..» and an empty cell are stored as
'x..' (privacy.HIDDEN_OR_MISSING: hidden or missing, Bufdir does not tell them apart), never as SSB's «..»
(missing); 'x' and a lone '*' -> 'x' (hidden by Bufdir). The store's own rule hides small counts anyway.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from pathlib import Path

from tilstand import catalog, regions
from tilstand.errors import InputError
from tilstand.fmt import number
from tilstand.ingest.cells import decode_text, lines, parse_number
from tilstand.ingest.model import Claim, Observation, Parsed, Source
from tilstand.privacy import HIDDEN_OR_MISSING, SUPPRESSED

MAX_HEADER_SEARCH = 30
MAX_XLSX_ROWS = 200_000
MAX_CSV_ROWS = 100_000  # a national download of one indicator is ~15,000 rows; every row is kept until it is read
# The monitor's hidden/missing marks. Hidden is our own 'x' (Bufdir hid it), not SSB's ':' — the reader
# is told who hid a number, and «skjult av SSB» would be wrong for a Bufdir figure. Bufdir's «..» (and an
# empty cell) is hidden or missing, which nobody can tell apart: its own status.
BUFDIR_BLANKS = {"": HIDDEN_OR_MISSING, "..": HIDDEN_OR_MISSING, "x": SUPPRESSED, "*": SUPPRESSED, "**": SUPPRESSED}

REGION_CODE_COLUMNS = (
    "kommunenummer",
    "kommunenr",
    "kommunenr.",
    "knr",
    "regionkode",
    "geografikode",
    "kode",
    "region nr",
    "regionnummer",
)
REGION_NAME_COLUMNS = (
    "kommune",
    "kommunenavn",
    "geografi",
    "region",
    "regionnavn",
    "enhet",
    "tjeneste",
    "barnevernstjeneste",
    "navn",
    "rapporteringsenhet",
    "område",
)
INDICATOR_COLUMNS = ("indikator", "indikatornavn", "indikator-id", "indikatorid", "indikator id")
YEAR_COLUMNS = ("år", "aar", "ar", "periode", "tid", "tidsperiode", "year")
HALF_COLUMNS = ("halvår", "halvar", "halvaar")
MEASURE_COLUMNS = ("måltall", "maltall", "visning", "enhet for verdi", "måleenhet", "type")
SHARE_COLUMNS = (
    "andel (prosent)",
    "andel",
    "prosent",
    "andel (%)",
    "andel %",
    "prosentandel",
    "andel (promille)",
    "per 1000",
    "pr. 1000",
    "per 1 000",
)
COUNT_COLUMNS = ("antall",)
VALUE_COLUMNS = ("verdi", "value", "tall")
SERVICE_WORDS = (
    "barnevernstjenesten",
    "barnevernstjeneste",
    "barneverntjenesten",
    "barneverntjeneste",
    "barnevernet",
    "barnevern",
    "interkommunale",
    "interkommunal",
    "iks",
    "og",
)
COUNTRY_NAMES = ("landet", "norge", "hele landet", "landet i alt")


@dataclass(frozen=True)
class MappingRow:
    """One monitor indicator (ids, code, title variants), half-year and share/count -> a catalogue id or ''."""

    monitor_ids: tuple[str, ...]
    code: str
    titles: tuple[str, ...]
    halves: tuple[int, ...]  # () for a yearly indicator
    measures: tuple[str, ...]  # andel | antall
    indicator_id: str  # '' : recognised, not stored (see note)
    confidence: str
    note: str

    def keys(self) -> set[str]:
        return {*(_norm(t) for t in self.titles), *self.monitor_ids, *([self.code.lower()] if self.code else [])}


# ---------------------------------------------------------------- reference data


@cache
def mapping() -> tuple[MappingRow, ...]:
    text = files("tilstand.data").joinpath("bufdir_mapping.csv").read_text(encoding="utf-8")
    out = []
    for r in csv.DictReader(text.splitlines()):
        split = lambda s: tuple(x.strip() for x in s.split("|") if x.strip())  # noqa: E731
        out.append(
            MappingRow(
                split(r["monitor_id"]),
                r["code"].strip(),
                split(r["titles"]),
                tuple(int(h) for h in split(r["half"])),
                split(r["measure"]),
                r["indicator_id"].strip(),
                r["confidence"],
                r["note"],
            )
        )
    return tuple(out)


def _reference(name: str) -> list[dict[str, str]]:
    text = files("tilstand.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass(frozen=True)
class Registry:
    by_code: dict[str, tuple[str, str]]  # code -> (name, kind)
    by_name: dict[str, set[str]]  # normalised name or name part -> codes (regions and service ids)
    services: dict[str, str]  # service id -> name


@cache
def registry() -> Registry:
    by_code: dict[str, tuple[str, str]] = {}
    by_name: dict[str, set[str]] = {}
    for r in _reference("regions.csv"):
        by_code[r["code"]] = (r["name"], r["kind"])
        if r["kind"] in ("municipality", "county", "country", "district"):
            for key in _name_keys(r["name"]):
                by_name.setdefault(key, set()).add(r["code"])
    for key in COUNTRY_NAMES:
        by_name.setdefault(key, set()).add("EAK")
    services = {}
    for s in _reference("services.csv"):
        services[s["id"]] = s["name"]
        for key in {s["id"], _norm(s["name"]), _service_key(s["name"])}:
            by_name.setdefault(key, set()).add(s["id"])
    return Registry(by_code, by_name, services)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text)).lower().replace("\u00a0", " ")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"\bpr\.\s*", "per ", text)
    text = re.sub(r"(\d)(år)\b", r"\1 \2", text)
    text = re.sub(r"\s+", " ", text).strip().rstrip(".:").strip()
    return text


def _name_keys(name: str) -> set[str]:
    full = _norm(name)
    return {full, *(p.strip() for p in full.split(" - ") if p.strip())}


def _service_key(name: str) -> str:
    words = [w for w in re.split(r"[\s,]+", _norm(name)) if w and w not in SERVICE_WORDS]
    return " ".join(words)


# ---------------------------------------------------------------- detection

_SSB_TITLE = re.compile(r"\b\d{5}\s*:")
_BUFDIR_HEADER_WORDS = (
    "indikator",
    "kommunenummer",
    "geografi",
    "andel (prosent)",
    "halvår",
    "kommunemonitor",
    "bufdir",
    "periode",
)


def looks_like_bufdir(data: bytes) -> bool:
    """A Bufdir download, judged from content: a header naming a region column and a period, plus an
    Indikator column or a title line naming one of the monitor's indicators (so a 10-FAKTOR sheet with
    Kommunenummer and År is not taken for one), and no SSB table number."""
    if data.startswith(b"PK"):
        try:
            return _is_monitor_table([r for _, r in _xlsx_rows(data, "x.xlsx", limit=MAX_HEADER_SEARCH)])
        except InputError:
            return False
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's «Unicode-tekst»
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").encode("utf-8")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        text = head[: e.start].decode("utf-8-sig") if e.start > len(head) - 4 else head.decode("cp1252", "replace")
    low = _norm(text)
    if "statistikkvariabel" in low or _SSB_TITLE.search(low) or low.startswith("{"):
        return False
    if not any(w in low for w in _BUFDIR_HEADER_WORDS) and "kommune" not in low:
        return False
    lines = text.splitlines()[:MAX_HEADER_SEARCH]
    text = "\n".join(lines[:-1] if len(lines) > 1 and len(head) == 8192 else lines)  # no cut-off last line
    return any(_is_monitor_table([r for _, r in _split_csv(text, d)]) for d in (";", ",", "\t"))


def _is_monitor_table(rows: Sequence[Row]) -> bool:
    header = _find_header(rows)
    if header is None or not (header.period_cols or header.year_col is not None):
        return False
    if header.indicator_col is not None:
        return True
    titles = [" ".join(_text(c) for c in r if _text(c)) for r in rows[: header.at]]
    return bool(_title_indicator([t for t in titles if t], mapping())[0])


# ---------------------------------------------------------------- reading rows

Row = Sequence[object]  # str, float, int, None (xlsx) or str (csv); read, never changed


def _decode(data: bytes, file: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's «Unicode-tekst», as the template importers read it
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(file, None, None, "filen er avkortet eller skadet (UTF-16-tekst).") from None
    return decode_text(data, file, not_text="filen er verken en tekstfil (CSV) eller en Excel-fil (.xlsx).")


def _split_csv(text: str, delim: str, file: str = "", limit: int | None = None) -> list[tuple[int, Row]]:
    """The first `limit` rows, or all of them up to MAX_CSV_ROWS; [] when the text is no CSV with `delim`."""
    out: list[tuple[int, Row]] = []
    try:
        reader = csv.reader(lines(text, file), delimiter=delim, quotechar='"', strict=False)
        for row in reader:
            if limit is not None and len(out) == limit:
                break
            if len(out) == MAX_CSV_ROWS:
                raise InputError(
                    file,
                    None,
                    None,
                    f"filen har mer enn {number(MAX_CSV_ROWS)} rader. Last ned én indikator om gangen, eller færre år.",
                )
            out.append((reader.line_num, row))
    except csv.Error:
        return []
    return out


def _csv_rows(data: bytes, file: str) -> list[tuple[int, Row]]:
    text = _decode(data, file)
    best: list[tuple[int, Row]] | None = None
    for delim in (";", "\t", ","):  # the delimiter from the first rows, then the whole file split once
        head = _split_csv(text, delim, file, limit=MAX_HEADER_SEARCH)
        if head and _find_header([r for _, r in head]) is not None and (rows := _split_csv(text, delim, file)):
            best = rows
            break
    if best is None:
        raise InputError(
            file,
            None,
            None,
            "finner ingen overskriftsrad med en regionkolonne (Kommune, "
            "Kommunenummer, Geografi …) og år, periode eller indikator. Er dette en nedlasting "
            "fra Bufdirs kommunemonitor?",
        )
    return best


def _xlsx_rows(data: bytes, file: str, limit: int | None = None) -> list[tuple[int, Row]]:
    try:
        import openpyxl  # noqa: PLC0415 - only needed for Excel files
    except ImportError:  # pragma: no cover - a dependency of the project
        raise InputError(file, None, None, "Excel-filer kan ikke leses her (openpyxl mangler).") from None
    try:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise InputError(
                file, None, None, "Excel-filen er skadet eller avkortet (ikke en gyldig .xlsx). Last den ned på nytt."
            )
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            out: list[tuple[int, Row]] = []
            for n, row in enumerate(ws.iter_rows(), start=1):
                if (limit is not None and n > limit) or n > MAX_XLSX_ROWS:
                    break
                out.append((n, [_xlsx_value(c) for c in row]))
            return out
        finally:
            wb.close()
    except InputError:
        raise
    except Exception as e:  # openpyxl and zipfile raise many kinds for a damaged file
        raise InputError(
            file,
            None,
            None,
            "Excel-filen kan ikke leses (skadet, avkortet, passordbeskyttet "
            f"eller ikke .xlsx: {type(e).__name__}). Last den ned på nytt, eller lagre den som "
            "CSV.",
        ) from e


def _xlsx_value(cell) -> object:
    v = getattr(cell, "value", None)
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)) and "%" in str(getattr(cell, "number_format", "") or ""):
        return float(v) * 100  # a cell formatted as percent holds 0.125 for 12.5 %
    if isinstance(v, (datetime, date)):
        return v
    return v


def _says_sample(titles: list[str], rows: list[tuple[int, Row]]) -> bool:
    """Eksempeldata in a title or any text cell (cell by cell: the whole file is never one string)."""
    return any("eksempeldata" in t.lower() for t in titles) or any(
        "eksempeldata" in c.lower() for _, r in rows for c in r if isinstance(c, str)
    )


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


# ---------------------------------------------------------------- header and layout

_PERIOD_PATTERNS = (
    (re.compile(r"^(\d{4})$"), lambda m: (int(m[1]), None)),
    (re.compile(r"^(\d{4})\s*[-/ ]?\s*h([12])$"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"^(\d{4})\s*[-/,]?\s*([12])\.?\s*(?:halvår|halvar|halvdel)$"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"^([12])\.?\s*(?:halvår|halvar|halvdel)\s*[-/,]?\s*(\d{4})$"), lambda m: (int(m[2]), int(m[1]))),
    (
        re.compile(r"^(første|andre)\s+(?:halvår|halvdel)\s*[-/,]?\s*(\d{4})$"),
        lambda m: (int(m[2]), 1 if m[1] == "første" else 2),
    ),
    (
        re.compile(r"^(\d{4})\s*[-/,]?\s*(første|andre)\s+(?:halvår|halvdel)$"),
        lambda m: (int(m[1]), 1 if m[2] == "første" else 2),
    ),
)


def parse_period(value: object) -> tuple[int, int | None] | None:
    """'2024' -> (2024, None); '2024 1. halvår', '2024-H1', '1. halvår 2024' -> (2024, 1); else None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _norm(_text(value))
    for pattern, make in _PERIOD_PATTERNS:
        m = pattern.match(text)
        if m:
            return make(m)
    return None


def _parse_half(value: object) -> int | None:
    text = _norm(_text(value))
    if text in ("", "hele året", "år"):
        return None
    m = re.fullmatch(r"(?:h)?([12])\.?(?:\s*(?:halvår|halvar|halvdel))?", text)
    if m:
        return int(m[1])
    if text.startswith("første"):
        return 1
    if text.startswith("andre"):
        return 2
    return -1


def _measure_word(text: str) -> str | None:
    t = _norm(text)
    t = re.sub(r"^(visning|måltall|maltall|vis)\s*:\s*", "", t)
    if t in SHARE_COLUMNS or t.startswith("andel (") or t in ("%", "promille"):
        return "andel"
    if t in COUNT_COLUMNS or t.startswith("antall"):
        return "antall"
    return None


@dataclass
class Header:
    at: int  # index in the row list
    names: list[str]  # as written
    code_col: int | None
    name_col: int | None
    indicator_col: int | None
    year_col: int | None
    half_col: int | None
    measure_col: int | None
    value_cols: list[tuple[int, str | None]]  # long: (column, andel|antall|None for Verdi)
    period_cols: list[tuple[int, tuple[int, int | None]]]  # wide: (column, (year, half))


def _find_header(rows: Sequence[Row]) -> Header | None:
    for i, row in enumerate(rows[:MAX_HEADER_SEARCH]):
        names = [_text(c) for c in row]
        low = [_norm(n) for n in names]
        code_col = next((j for j, h in enumerate(low) if h in REGION_CODE_COLUMNS), None)
        name_col = next((j for j, h in enumerate(low) if h in REGION_NAME_COLUMNS), None)
        if code_col is None and name_col is None:
            continue
        period_cols = [
            (j, p) for j, c in enumerate(row) if j not in (code_col, name_col) and (p := parse_period(c)) is not None
        ]
        value_cols = [
            (j, _measure_word(h) if h not in VALUE_COLUMNS else None)
            for j, h in enumerate(low)
            if h in VALUE_COLUMNS or (h in SHARE_COLUMNS or h in COUNT_COLUMNS or h.startswith("andel ("))
        ]
        header = Header(
            at=i,
            names=names,
            code_col=code_col,
            name_col=name_col,
            indicator_col=next((j for j, h in enumerate(low) if h in INDICATOR_COLUMNS), None),
            year_col=next((j for j, h in enumerate(low) if h in YEAR_COLUMNS), None),
            half_col=next((j for j, h in enumerate(low) if h in HALF_COLUMNS), None),
            measure_col=next((j for j, h in enumerate(low) if h in MEASURE_COLUMNS), None),
            value_cols=value_cols,
            period_cols=period_cols,
        )
        if period_cols or header.year_col is not None or header.indicator_col is not None:
            return header
    return None


# ---------------------------------------------------------------- mapping lookups


def _find_rows(text: str, rows: Sequence[MappingRow]) -> list[MappingRow]:
    key = _norm(text)
    found = [m for m in rows if key in m.keys()]  # noqa: SIM118 - MappingRow.keys() is its own method, not a dict's
    if not found:  # "1039 Fristbrudd …" or "3A Fristbrudd …": an id or code before the title
        m = re.match(r"^(\d{4}|[1-4][a-g])\s*[-:]?\s+(.+)$", key)
        if m:
            # MappingRow.keys() is its own method, not a dict's (as above)
            found = [r for r in rows if m[1] in r.keys() and _norm(m[2]) in r.keys()] or [  # noqa: SIM118
                r
                for r in rows
                if m[1] in r.keys()  # noqa: SIM118
            ]
    return found


def _title_indicator(titles: list[str], rows: Sequence[MappingRow]) -> tuple[str, str | None]:
    """From the lines above the header: the indicator text and a measure word, if any."""
    indicator, measure = "", None
    for line in titles:
        for part in [line, *re.split(r"\s+[-–]\s+|;\s*", line)]:
            if not indicator and _find_rows(part, rows):
                indicator = part
            measure = measure or _measure_word(part)
    return indicator, measure


# ---------------------------------------------------------------- the parser


def parse_file(data: bytes, file_name: str, rows: Sequence[MappingRow] | None = None) -> Parsed:
    try:
        return _parse(data, file_name, mapping() if rows is None else rows)
    except InputError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError, OverflowError) as e:
        raise InputError(
            file_name,
            None,
            None,
            "filen har en oppbygning Tilstand ikke kjenner igjen som en "
            f"nedlasting fra Bufdirs kommunemonitor ({type(e).__name__}).",
        ) from e


def _parse(data: bytes, file: str, maps: Sequence[MappingRow]) -> Parsed:
    is_xlsx = data.startswith(b"PK")
    numbered = _xlsx_rows(data, file) if is_xlsx else _csv_rows(data, file)
    header = _find_header([r for _, r in numbered])
    if header is None:
        raise InputError(
            file,
            None,
            None,
            "finner ingen overskriftsrad med en regionkolonne (Kommune, "
            "Kommunenummer, Geografi …) og år, periode eller indikator.",
        )
    titles = [" ".join(_text(c) for c in r if _text(c)) for _, r in numbered[: header.at]]
    titles = [t for t in titles if t]
    header_line = numbered[header.at][0]
    title_indicator, title_measure = _title_indicator(titles, maps)
    wide = bool(header.period_cols) and header.year_col is None
    if not wide:
        if header.year_col is None:
            raise InputError(
                file,
                header_line,
                None,
                "finner verken en kolonne «År»/«Periode» eller kolonner "
                "med år eller halvår i overskriften (f.eks. «2024» eller «2024 1. halvår»).",
            )
        if header.indicator_col is None and not title_indicator:
            raise InputError(
                file,
                header_line,
                "Indikator",
                "kolonnen «Indikator» mangler, og ingen linje over "
                "overskriften navngir en indikator fra kommunemonitoren.",
            )
        if not header.value_cols:
            raise InputError(
                file, header_line, None, "finner ingen verdikolonne: bruk «Andel (prosent)», «Antall» eller «Verdi»."
            )
    elif header.indicator_col is None and not title_indicator:
        raise InputError(
            file,
            header_line,
            "Indikator",
            "finner ikke hvilken indikator tallene gjelder: legg "
            "til en kolonne «Indikator» eller en tittellinje med indikatornavnet over overskriften.",
        )
    width = len(header.names)
    grouped: dict[tuple[str, str, int], tuple[int, float | None, str | None]] = {}
    fields: dict[tuple[str, str, int], str] = {}  # where each value stands, for a message about it
    rounding: dict[tuple[str, str, int], float] = {}  # half the last decimal each share was written with
    found_regions: dict[str, regions.RegionRef] = {}
    skipped = 0
    skipped_what: dict[str, int] = {}
    indicators = catalog.indicators()
    for line, row in numbered[header.at + 1 :]:
        if not any(_text(c) for c in row):
            continue
        row = list(row) + [None] * (width - len(row))
        if len([c for c in row[width:] if _text(c)]):
            raise InputError(
                file,
                line,
                None,
                f"raden har flere utfylte kolonner ({len(row)}) enn overskriften ({width}). Er skilletegnet riktig?",
            )
        ref = _region(row, header, file, line)
        ind_text = _text(row[header.indicator_col]) if header.indicator_col is not None else title_indicator
        if not ind_text:
            raise InputError(
                file,
                line,
                header.names[header.indicator_col] if header.indicator_col is not None else "Indikator",
                "indikatoren mangler.",
            )
        candidates = _find_rows(ind_text, maps)
        if not candidates:
            shown = ind_text if len(ind_text) <= 80 else ind_text[:80] + "…"
            raise InputError(
                file,
                line,
                "Indikator",
                f"ukjent indikator «{shown}». Tilstand kjenner "
                "kommunemonitorens indikatorer ved navn, id (f.eks. 1039) eller kode (f.eks. 3A); "
                "nye navn legges til i tilstand/data/bufdir_mapping.csv.",
            )
        row_measure = None
        if header.measure_col is not None:
            row_measure = _measure_word(_text(row[header.measure_col]))
            if row_measure is None and _text(row[header.measure_col]):
                raise InputError(
                    file,
                    line,
                    header.names[header.measure_col],
                    f"«{_text(row[header.measure_col])}» sier ikke om tallet er en andel eller et "
                    "antall. Bruk «Andel» eller «Antall».",
                )
        cells: list[tuple[int, tuple[int, int | None], str | None]]  # (column, (year, half), measure)
        if wide:
            cells = [(col, period, None) for col, period in header.period_cols]
        else:
            assert header.year_col is not None  # checked above: a long file has a year column
            year_col = header.year_col
            period = parse_period(row[year_col])
            if period is None:
                raise InputError(
                    file,
                    line,
                    header.names[year_col],
                    f"«{_text(row[year_col])[:40]}» er ikke et år eller halvår (bruk f.eks. "
                    "«2024», «2024 1. halvår» eller «2024-H2»).",
                )
            if header.half_col is not None:
                half = _parse_half(row[header.half_col])
                if half == -1:
                    raise InputError(
                        file,
                        line,
                        header.names[header.half_col],
                        f"«{_text(row[header.half_col])[:40]}» er ikke et halvår (bruk 1 eller 2).",
                    )
                if half is not None and period[1] is not None and half != period[1]:
                    raise InputError(
                        file,
                        line,
                        header.names[header.half_col],
                        f"halvåret ({half}) stemmer ikke med perioden («{_text(row[year_col])}»).",
                    )
                period = (period[0], period[1] or half)
            cells = [(col, period, measure) for col, measure in header.value_cols]
        for col, (year, half), measure in cells:
            measure = measure or row_measure or title_measure
            field_name = header.names[col]
            period_field = field_name if wide else header.names[year_col]  # where the period is written
            if measure is None:
                raise InputError(
                    file,
                    line,
                    field_name,
                    "sier ikke om tallene er andeler eller antall. Gi "
                    "kolonnen navnet «Andel (prosent)» eller «Antall», eller legg til en kolonne "
                    "«Måltall» med andel eller antall.",
                )
            if not 1990 <= year <= 2100:
                raise InputError(file, line, period_field, f"«{year}» er ikke et gyldig årstall.")
            raw = row[col]
            if not wide and len(cells) > 1 and _text(raw) == "":
                continue  # both Andel and Antall columns: an empty one is simply not given for this indicator
            target, half = _pick(candidates, half, measure, ind_text, year, file, line, period_field)
            value, status = _value(raw, file, line, field_name)
            if target is None or not target.indicator_id:
                skipped += 1
                why = _skip_reason(target, ind_text, half, measure)
                skipped_what[why] = skipped_what.get(why, 0) + 1
                continue
            ind = indicators.get(target.indicator_id)
            if ind is None:
                raise InputError(
                    file, line, field_name, f"koblingen peker på en indikator som ikke finnes: {target.indicator_id}."
                )
            _check_range(value, ind.unit, file, line, field_name)
            key = (target.indicator_id, ref.code, year)
            if key in grouped:
                raise InputError(
                    file,
                    line,
                    field_name,
                    f"samme indikator ({target.indicator_id}), region "
                    f"({ref.code}) og år ({year}) står også på rad {grouped[key][0]}.",
                )
            grouped[key] = (line, value, status)
            fields[key] = field_name
            if value is not None:
                rounding[key] = _written_half_unit(raw, value)
            found_regions.setdefault(ref.code, ref)
    if not grouped:
        if skipped:
            raise InputError(
                file,
                None,
                None,
                "ingen av tallene i filen hører til indikatorer Tilstand lagrer "
                f"fra Bufdir ({'; '.join(sorted(skipped_what))}).",
            )
        raise InputError(file, None, None, "filen har en overskrift, men ingen datarader.")
    notes = [f"{n} tall hoppet over: {why}" for why, n in sorted(skipped_what.items())]
    notes += _bases(grouped, fields, rounding, file, {m.indicator_id for m in maps if m.indicator_id})
    notes += _one_half_only(grouped, maps)
    observations = [Observation(i, r, y, v, s) for (i, r, y), (_, v, s) in grouped.items()]
    return Parsed(
        file_name=Path(file).name,
        source="bufdir_xlsx" if is_xlsx else "bufdir_csv",
        title=titles[0] if titles else "Bufdir kommunemonitor",
        sample=_says_sample(titles, numbered),
        observations=observations,
        regions=found_regions,
        skipped_cells=skipped,
        unmapped_contents=sorted(skipped_what),
        notes=notes,
    )


def _typed(value: float, half: float | None = None) -> str:
    """The number as the file wrote it (decimal comma; with `half`, as many decimals as it had)."""
    if half is not None:
        return f"{value:.{max(0, round(-math.log10(2 * half)))}f}".replace(".", ",")
    return f"{value:g}".replace(".", ",")


def _half_unit(value: float) -> float:
    """Half the last decimal a share is written with: 12.5 was rounded to within 0.05."""
    for d in range(0, 7):
        if abs(round(value, d) - value) < 1e-9:
            return 0.5 * 10**-d
    return 0.5e-7


def _written_half_unit(raw: object, value: float) -> float:
    """Half the last decimal of a number as the file writes it: «24,0» was rounded to within 0.05, though
    it reads as 24.0. A number cell (Excel) has only its value to say it."""
    text = _text(raw).replace("\u00a0", "").replace(" ", "").rstrip("%")
    m = re.fullmatch(r"[+-]?\d*[.,](\d+)", text)
    return 0.5 * 10 ** -len(m[1]) if m and len(m[1]) <= 6 else _half_unit(value)


def _bases_for(share: float, count: float, factor: float, half: float | None = None) -> list[int] | None:
    """The whole bases a rounded share and its count allow (count = share × base ÷ factor); None when they
    cannot say (a count of 0, or a share no larger than its rounding). `half`: half the share's last
    written decimal (else read from the value)."""
    h = (_half_unit(share) if half is None else half) + 1e-9
    if count <= 0 or share - h <= 0 or count != int(count):
        return None
    lo, hi = math.ceil(count * factor / (share + h)), math.floor(count * factor / (share - h))
    if hi - lo > 1000:
        return list(range(lo, lo + 1001))  # far too many to pin: as good as unknown
    return [n for n in range(max(lo, int(count), 1), hi + 1) if abs(count * factor / n - share) <= h]


def _bases(
    grouped: dict[tuple[str, str, int], tuple[int, float | None, str | None]],
    fields: dict[tuple[str, str, int], str],
    rounding: dict[tuple[str, str, int], float],
    file: str,
    stored: set[str],
) -> list[str]:
    """The monitor shows a share and its count (andel, antall) but not always the base. A base the file does
    not give is computed where the share and count pin it to one whole number (3 breaches at 10,3 % are 29
    concluded investigations; 40 at 12,5 % could be 319, 320 or 321), so the year's figure can be built from
    the half-years' counts; a base the file gives must agree with them. Returns notes for the import."""
    inds = catalog.indicators()
    added: dict[str, int] = {}
    unclear: dict[str, int] = {}
    for rel in catalog.relations():
        if (
            rel.kind != "ratio"
            or len(rel.numerator) != 1
            or len(rel.denominator) != 1
            or not {rel.indicator, *rel.inputs} <= stored
        ):
            continue
        base_id = rel.denominator[0]
        for (ind, region, year), (line, share, _) in list(grouped.items()):
            count = grouped.get((rel.numerator[0], region, year), (0, None, None))[1]
            if ind != rel.indicator or share is None or count is None:
                continue
            half = rounding.get((ind, region, year))
            bases = _bases_for(share, count, rel.factor, half)
            given = grouped.get((base_id, region, year))
            if given is not None:
                n = given[1]
                if n and abs(count * rel.factor / n - share) > (half or _half_unit(share)) + 1e-9:
                    unit = " %" if inds[ind].unit == "percent" else ""
                    raise InputError(
                        file,
                        line,
                        fields[(ind, region, year)],
                        f"andelen {_typed(share, half)}{unit} "
                        f"stemmer ikke med antallet {number(count)} og «{inds[base_id].name_nb}» "
                        f"{number(n)} (rad {given[0]}): {number(count)} av {number(n)} er "
                        f"{number(count * rel.factor / n, 1)}{unit}. Kontroller at kolonnene ikke er "
                        "forskjøvet.",
                    )
                continue
            if bases is not None and len(bases) == 1:
                grouped[(base_id, region, year)] = (line, float(bases[0]), None)
                added[base_id] = added.get(base_id, 0) + 1
            elif bases is not None:
                unclear[base_id] = unclear.get(base_id, 0) + 1
    return [f"{n} tall for «{inds[i].name_nb}» regnet ut fra andel og antall" for i, n in sorted(added.items())] + [
        f"{n} tall for «{inds[i].name_nb}» kunne ikke regnes ut entydig fra andel og antall (andelen er avrundet)"
        for i, n in sorted(unclear.items())
    ]


def _one_half_only(
    grouped: dict[tuple[str, str, int], tuple[int, float | None, str | None]], maps: Sequence[MappingRow]
) -> list[str]:
    """Region-years where the file has one half-year of a figure whose year is built from both halves: the
    year's share stays missing until the other half is imported (from this or another file), since one
    half is not the year. Said, so a leader importing the spring's figures is not surprised."""
    half_of = {m.indicator_id: m.halves[0] for m in maps if m.indicator_id and len(m.halves) == 1}
    inds = catalog.indicators()
    notes = []
    for d in catalog.derived():
        inputs = {*d.numerator, *d.denominator}
        if not inputs <= set(half_of):
            continue
        halves: dict[tuple[str, int], set[int]] = {}
        for ind, region, year in grouped:
            if ind in inputs:
                halves.setdefault((region, year), set()).add(half_of[ind])
        lone = sorted((y, r, next(iter(h))) for (r, y), h in halves.items() if len(h) == 1)
        if lone:
            y, r, h = lone[0]
            notes.append(
                f"«{inds[d.indicator_id].name_nb}» for hele året regnes ut først når begge halvår er "
                f"importert: filen har bare ett av halvårene for {number(len(lone))} "
                f"{'kombinasjon' if len(lone) == 1 else 'kombinasjoner'} av region og år (f.eks. {r}, "
                f"{h}. halvår {y})"
            )
    return notes


def _skip_reason(target: MappingRow | None, text: str, half: int | None, measure: str) -> str:
    if target is None:
        return f"{text[:60]} ({measure}) er ikke i katalogen"
    if half == 1 and target.halves == (1,):
        return "første halvår (Tilstand bruker andre halvår som årets tall)"
    if "SSB" in target.note:
        return f"{text[:60]} hentes fra SSB, ikke fra Bufdir"
    return f"{text[:60]} ({measure}) er ikke i katalogen"


def _pick(
    candidates: list[MappingRow],
    half: int | None,
    measure: str,
    text: str,
    year: int,
    file: str,
    line: int,
    field_name: str,
) -> tuple[MappingRow | None, int | None]:
    halves = {h for m in candidates for h in m.halves}
    yearly = any(not m.halves for m in candidates)
    if half is None:
        if halves and not yearly:
            if len(halves) > 1:
                raise InputError(
                    file,
                    line,
                    field_name,
                    f"«{text[:60]}» er et halvårstall, men perioden "
                    f"«{year}» sier ikke hvilket halvår. Last ned med halvår (f.eks. «{year} "
                    "2. halvår»).",
                )
            half = next(iter(halves))
        by_half = [m for m in candidates if not m.halves] or [m for m in candidates if half in m.halves]
    else:
        by_half = [m for m in candidates if half in m.halves]
        if not by_half:
            if yearly and not halves:
                raise InputError(
                    file, line, field_name, f"«{text[:60]}» er et årstall, men perioden er {half}. halvår {year}."
                )
            raise InputError(
                file,
                line,
                field_name,
                f"«{text[:60]}» gjelder {' og '.join(map(str, sorted(halves)))}"
                f". halvår, men perioden er {half}. halvår {year}.",
            )
    chosen = [m for m in by_half if measure in m.measures]
    return (chosen[0] if chosen else None), half


def _value(raw: object, file: str, line: int, field_name: str) -> tuple[float | None, str | None]:
    if isinstance(raw, (bool, datetime, date)):
        shown = raw.strftime("%d.%m.%Y") if isinstance(raw, (datetime, date)) else ("SANN" if raw else "USANN")
        raise InputError(
            file,
            line,
            field_name,
            f"«{shown}» er ikke et tall (Excel har gjort cellen om til dato eller sannhetsverdi).",
        )
    if isinstance(raw, (int, float)):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None, ".."
        return float(raw), None
    text = _text(raw)
    compact = text.replace("\u00a0", "").replace(" ", "").lower()
    if compact in BUFDIR_BLANKS:
        return None, BUFDIR_BLANKS[compact]
    if compact.endswith("%"):
        text = text.rstrip().rstrip("%")
    return parse_number(text, file=file, row=line, field_name=field_name)


def _check_range(value: float | None, unit: str, file: str, line: int, field_name: str) -> None:
    if value is None:
        return
    shown = f"{value:g}".replace(".", ",")  # the number as the person typed it: decimal comma
    if value < 0:
        raise InputError(file, line, field_name, f"{shown} er negativt; andeler og antall kan ikke være under 0.")
    if unit == "percent" and value > 100:
        raise InputError(
            file,
            line,
            field_name,
            f"{shown} er over 100, men indikatoren er en andel i prosent. Er kolonnene for andel og antall byttet om?",
        )
    if unit == "per_1000" and value > 1000:
        raise InputError(file, line, field_name, f"{shown} er over 1000, men indikatoren er per 1 000 barn.")


def _region(row: Row, header: Header, file: str, line: int) -> regions.RegionRef:
    code_text = _text(row[header.code_col]) if header.code_col is not None else ""
    name_text = _text(row[header.name_col]) if header.name_col is not None else ""
    # the code's column when it has a code, else the name's; a header has at least one of them
    named = [c for c in (header.code_col if code_text else None, header.name_col, header.code_col) if c is not None]
    field_name = header.names[named[0]]
    text = f"{code_text} {name_text}".strip()
    if not text:
        raise InputError(file, line, field_name, "regionen mangler.")
    for col, cell in ((header.code_col, code_text), (header.name_col, name_text)):
        if cell and col is not None:  # a text only where its column is
            regions.check_name(cell, file, line, header.names[col])
    reg = registry()
    m = re.match(r"^(K-)?(\d{2,6})(?:\s+[-–]?\s*(.*))?$", text)
    if m:
        code = m[2]
        if len(code) in (3, 5):
            code = "0" + code  # KHR drops leading zeros: '301' is Oslo 0301
        name = (m[3] or "").strip()
        try:
            ref = regions.parse(code, name)
        except ValueError:
            raise InputError(
                file,
                line,
                field_name,
                f"ukjent kommunenummer «{m[2]}». Bruk kommunenummer med fire siffer, f.eks. «5001 Trondheim».",
            ) from None
        if ref is None:
            raise InputError(file, line, field_name, f"«{text[:40]}» er ikke en kommune eller tjeneste.")
        # Five digits are a district that lost its leading zero; only Oslo's (0301xx) begin with one.
        if len(m[2]) == 5 and not ref.code.startswith("0301"):
            raise InputError(
                file,
                line,
                field_name,
                f"ukjent kommunenummer «{m[2]}». Bruk kommunenummer med fire siffer, f.eks. «5001 Trondheim».",
            )
        known = reg.by_code.get(ref.code)
        if known:
            if name and _norm(name) not in _name_keys(known[0]) and not (_name_keys(name) & _name_keys(known[0])):
                raise InputError(
                    file,
                    line,
                    field_name,
                    f"kommunenummer {ref.code} er {known[0]}, men navnet "
                    f"i filen er «{name[:40]}». Kontroller at kolonnene ikke er forskjøvet.",
                )
            return regions.RegionRef(ref.code, known[0], known[1], False)
        return ref
    key = _norm(text)
    codes = reg.by_name.get(key) or reg.by_name.get(_service_key(text)) or set()
    if len(codes) > 1:
        raise InputError(
            file,
            line,
            field_name,
            f"«{text[:40]}» passer på flere regioner ({', '.join(sorted(codes))}). Bruk kommunenummer.",
        )
    if not codes:
        raise InputError(
            file,
            line,
            field_name,
            f"ukjent region «{text[:40]}». Bruk kommunenummer (f.eks. "
            "«5001 Trondheim»), et kommunenavn fra regionregisteret eller navnet på en "
            "interkommunal barnevernstjeneste.",
        )
    code = next(iter(codes))
    if code in reg.services:
        return regions.RegionRef(code, reg.services[code], "service", False)
    name, kind = reg.by_code[code]
    return regions.RegionRef(code, name, kind, False)


SOURCE = Source(
    name="bufdir",
    formats={"bufdir_xlsx": "Bufdir kommunemonitor (Excel)", "bufdir_csv": "Bufdir kommunemonitor (CSV)"},
    detect=lambda data: Claim.YES if looks_like_bufdir(data) else Claim.NO,  # asked before 10-FAKTOR (Kommunenummer)
    read=lambda data, file_name, _mapping: parse_file(data, file_name),
)
