"""KS 10-FAKTOR results (the employee survey, ten factors on a 1–5 scale) -> observations.

KS publishes no export format (domain.md §5), so the leader types the results from KS's report on
bedrekommune.no into Tilstand's template, `sample_data/templates/10faktor.xlsx`, or saves the same
sheet as CSV.

**Layout: one row per unit and year, the ten factors across.** KS's report shows one unit at a time:
the number of answers and the ten factor means on one page. One row per unit copies that page
straight across, left to right in KS's order, and the unit, year and number of answers are typed once
instead of ten times (a row per factor would repeat them and let the ten copies disagree). The
columns are Kommunenummer, Enhet, År, Antall svar, Antall invitert (optional: gives the response
rate), then the ten factors. A long layout (a «Faktor» and a «Gjennomsnitt» column, one row per
factor) is read as well, for results copied from a list; factor names, in the headers or in the
«Faktor» column, may be KS's names or the variants in tilstand/data/ks_10faktor_names.csv, in any case.

**Anonymity.** Units are weighted by their number of answers into one value per municipality, year
and factor; no unit's own result is stored. When that value rests on fewer answers than the limit
(`min_count + 1` of the catalogue's `tf_antall_svar`: 5 — Tilstand's rule, KS's own is not known),
it is stored without its number, status 'x', so the privacy rule stays visible in the data and no
copy of the database holds the number. The answer count itself is stored and the suppression view
hides counts 1..min_count; through `count_indicator` it hides every factor built on such a count too.

Every problem raises an InputError naming file, row and column before anything is written.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib.resources import files

from tilstand import catalog
from tilstand.errors import InputError
from tilstand.ingest.ssb import Observation
from tilstand.privacy import SUPPRESSED

SHEET = "10-FAKTOR"
GUIDE_SHEET = "Veiledning"
TEMPLATE = "sample_data/templates/10faktor.xlsx"
RESPONDENTS_ID = "tf_antall_svar"
RESPONSE_RATE_ID = "tf_svarprosent"
FACTOR_IDS = (  # KS's numbering 1–10 (domain.md §5): the template's column order
    "tf_oppgavemotivasjon", "tf_mestringstro", "tf_selvstendighet", "tf_bruk_av_kompetanse",
    "tf_mestringsorientert_ledelse", "tf_rolleklarhet", "tf_relevant_kompetanseutvikling",
    "tf_fleksibilitetsvilje", "tf_mestringsklima", "tf_nyttemotivasjon",
)
FIRST_YEAR = 2010  # KS launched 10-FAKTOR around 2015; earlier years are typing errors
MAX_ROWS = 100_000
MAX_UNPACKED = 300 * 1024 * 1024  # an .xlsx is a zip: refuse one that would unpack to more than this
HEADER_SEARCH_ROWS = 20
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, and password-protected .xlsx

# The columns of the template as headed there, and what else people write for them (compared after
# _norm: lower case, punctuation as spaces).
COLUMNS = {
    "municipality": ("Kommunenummer", ("kommunenummer", "kommunenr", "kommune nr", "knr", "kommunenummer 4 siffer")),
    "unit": ("Enhet", ("enhet", "eining", "enhetsnavn", "avdeling", "enhet avdeling")),
    "year": ("År", ("år", "ar", "aar", "årstall", "undersøkelsesår")),
    "respondents": ("Antall svar", ("antall svar", "antall besvarelser", "antall respondenter", "respondenter",
                                    "besvarelser", "tal på svar", "talet på svar", "svar", "n")),
    "invited": ("Antall invitert", ("antall invitert", "antall inviterte", "inviterte", "antall spurt",
                                    "antall spurte", "tal på inviterte")),
    "factor": ("Faktor", ("faktor",)),
    "score": ("Gjennomsnitt", ("gjennomsnitt", "snitt", "skår", "score", "verdi", "resultat")),
    "ignored": ("Kommune", ("kommune", "kommunenavn", "merknad", "merknader", "kommentar")),
}
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_DATE_TEXT = re.compile(r"^\d{1,2}\.(\d{1,2}\.\d{2,4}|\s?[a-zæøå]{3,}\.?)$", re.IGNORECASE)


@dataclass
class Parsed:
    """A 10-FAKTOR file read, validated and aggregated; nothing touched the database yet.

    Carries the attribute names of ssb.Parsed that ingest.write and the CLI read."""

    file_name: str
    source: str  # ks_10faktor_xlsx | ks_10faktor_csv
    title: str
    sample: bool
    observations: list[Observation]
    units: int  # unit-year rows read
    suppressed: int  # municipality-year-factors under the anonymity limit, stored as 'x'
    table: None = None
    regions: dict = field(default_factory=dict)
    skipped_cells: int = 0
    unmapped_contents: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- names, catalogue, register

def _norm(text: object) -> str:
    t = str(text).casefold().replace("\u00a0", " ")
    t = re.sub(r"[\-_/:.,;*]+", " ", t)
    return " ".join(t.split())


def _variants(text: object) -> list[str]:
    """A header or factor name as typed -> the forms to look up: whole, before and inside a parenthesis."""
    t = re.sub(r"^\s*(faktor\s*)?\d{1,2}\s*[.:)\-]?\s+", "", str(text).casefold())  # '1. Oppgavemotivasjon'
    out = [_norm(t)]
    m = re.match(r"^(.*?)\((.*)\)\s*$", t)
    if m:
        out += [_norm(m.group(1)), _norm(m.group(2))]
    return [v for v in out if v]


@cache
def factor_names() -> dict[str, str]:
    """Normalised factor name -> indicator id, from tilstand/data/ks_10faktor_names.csv."""
    text = files("tilstand.data").joinpath("ks_10faktor_names.csv").read_text(encoding="utf-8")
    return {_norm(r["name"]): r["indicator_id"] for r in csv.DictReader(text.splitlines())}


@cache
def known_municipalities() -> dict[str, str]:
    """Code -> name of the municipalities in Tilstand's register (tilstand/data/regions.csv)."""
    text = files("tilstand.data").joinpath("regions.csv").read_text(encoding="utf-8")
    return {r["code"]: r["name"] for r in csv.DictReader(text.splitlines()) if r["kind"] == "municipality"}


def anonymity_limit() -> int:
    """Fewest answers a published mean may rest on: one more than the answer count's min_count."""
    return catalog.indicators()[RESPONDENTS_ID].min_count + 1


def factor_header(indicator_id: str) -> str:
    """The template's column heading for a factor: KS's short name (the catalogue's, without the gloss)."""
    return catalog.indicators()[indicator_id].name_nb.split(" (")[0]


_ROLE_BY_NAME = {name: role for role, (_, names) in COLUMNS.items() for name in names}


def _role(header: str) -> str | None:
    """'municipality', 'factor:tf_…', … for a header as typed; None when unknown."""
    for v in _variants(header):
        if v in _ROLE_BY_NAME:
            return _ROLE_BY_NAME[v]
        if v in factor_names():
            return "factor:" + factor_names()[v]
    return None


def _factor_id(name: str) -> str | None:
    return next((factor_names()[v] for v in _variants(name) if v in factor_names()), None)


# ---------------------------------------------------------------- detection

def looks_like(head: bytes) -> bool:
    """A spreadsheet (only the 10-FAKTOR template is read as one), or a CSV with a Kommunenummer column."""
    if head.startswith((b"PK", OLE_MAGIC)):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    for line in text.splitlines()[:HEADER_SEARCH_ROWS]:
        cells = re.split(r"[;\t,]", line.strip())
        if any(_role(c.strip().strip('"')) == "municipality" for c in cells):
            return True
    return False


# ---------------------------------------------------------------- reading a sheet into rows

@dataclass
class _Sheet:
    source: str
    rows: list[tuple[int, tuple]]  # (row number as the person sees it, cell values)
    xlsx: bool
    formulas: object = None  # callable (row, col) -> formula text or None, for xlsx
    merged: list[tuple[str, int, int]] = field(default_factory=list)  # merged ranges, for xlsx
    delimiter: str = ";"  # for CSV


def _damaged(file: str) -> InputError:
    return InputError(file, None, None, "filen ser ut som en Excel-fil (.xlsx), men kan ikke åpnes: den er "
                      "skadet eller avkortet. Åpne den i Excel og lagre den på nytt som Excel-arbeidsbok (.xlsx).")


def _read_xlsx(data: bytes, file: str) -> _Sheet:
    if data.startswith(OLE_MAGIC):
        raise InputError(file, None, None, "filen er i det gamle Excel-formatet (.xls) eller passordbeskyttet. "
                         "Fjern eventuelt passordet og lagre den som Excel-arbeidsbok (.xlsx).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _damaged(file) from None
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names:
        if "mimetype" in names and "content.xml" in names:
            raise InputError(file, None, None, "filen er et OpenDocument-regneark (.ods). Lagre den som "
                             "Excel-arbeidsbok (.xlsx) eller som CSV (semikolonseparert).")
        raise InputError(file, None, None, "filen er en zip-fil, men ikke en Excel-arbeidsbok (.xlsx).")
    if sum(e.file_size for e in entries) > MAX_UNPACKED:
        raise InputError(file, None, None, "Excel-filen er for stor når den pakkes ut. Ta bare med "
                         "10-FAKTOR-arket, uten bilder eller andre ark.")
    import openpyxl  # noqa: PLC0415 - only files that are spreadsheets pay for the import

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it skips, e.g. data validation
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl fails in many ways on damaged files; all mean the same
            raise _damaged(file) from None
        try:
            ws = _sheet(wb, file)
            ws.reset_dimensions()  # a stale <dimension> could make us read a million empty rows
            rows = []
            for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if n > MAX_ROWS:
                    raise InputError(file, None, None, f"arket «{ws.title}» har mer enn {MAX_ROWS:,} rader "
                                     "(også tomme rader med formatering teller). Slett radene under tabellen.")
                rows.append((n, values))
            merged = _merged_ranges(archive, getattr(ws, "_worksheet_path", ""))
        except InputError:
            raise
        except Exception:  # noqa: BLE001 - as above
            raise _damaged(file) from None
        finally:
            wb.close()
    return _Sheet("ks_10faktor_xlsx", rows, xlsx=True, formulas=_formula_lookup(data, ws.title), merged=merged)


def _sheet(wb, file: str):
    want = _norm(SHEET).replace(" ", "")
    for name in wb.sheetnames:
        if _norm(name).replace(" ", "") == want:
            return wb[name]
    found = ", ".join(f"«{n}»" for n in wb.sheetnames) or "ingen"
    raise InputError(file, None, None, f"finner ikke arket «{SHEET}». Arbeidsboken har arkene {found}. "
                     f"Bruk malen {TEMPLATE} og skriv resultatene i arket «{SHEET}».")


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[tuple[str, int, int]]:
    """(range text, first row, last row) of merged cells; read-only openpyxl does not report them."""
    if not path:
        return []
    out, tail = [], b""
    with archive.open(path.lstrip("/")) as src:
        while chunk := src.read(1 << 20):
            block = tail + chunk
            for m in _MERGE.finditer(block):
                a, r1, b, r2 = m.groups()
                text = f"{a.decode()}{r1.decode()}" + (f":{b.decode()}{r2.decode()}" if b else "")
                out.append((text, int(r1), int(r2 or r1)))
            tail = block[-200:]
    return list(dict.fromkeys(out))


def _formula_lookup(data: bytes, title: str):
    """(row, col) -> the formula in that cell, read only when a cell came back empty (a formula Excel
    never calculated has no stored result, and data_only gives None for it)."""
    cache_: dict[tuple[int, int], object] = {}
    loaded = False

    def lookup(row: int, col: int) -> object:
        nonlocal loaded
        if not loaded:
            import openpyxl  # noqa: PLC0415

            loaded = True
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
                    try:
                        ws = wb[title]
                        ws.reset_dimensions()
                        for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
                            if r > MAX_ROWS:
                                break
                            for c, v in enumerate(values):
                                if v is not None:
                                    cache_[(r, c)] = v
                    finally:
                        wb.close()
                except Exception:  # noqa: BLE001 - the values were read once already; no formulas then
                    pass
        return cache_.get((row, col))

    return lookup


def _decode(data: bytes, file: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's «Unicode-tekst»
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(file, None, None, "filen er avkortet eller skadet (UTF-16-tekst).") from None
    if b"\x00" in data[:4096]:
        raise InputError(file, None, None, "filen er verken en tekstfil (CSV) eller en Excel-arbeidsbok (.xlsx). "
                         f"Skriv resultatene i malen {TEMPLATE}, eller lagre arket som CSV (semikolonseparert).")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(file, line, None, "ukjent tegnkoding: filen er verken UTF-8 eller Windows-1252 "
                         "(cp1252). Lagre den på nytt fra Excel som «CSV UTF-8».") from None


def _read_csv(data: bytes, file: str) -> _Sheet:
    text = _decode(data, file)
    lines = text.splitlines()
    header_line = next((ln for ln in lines[:HEADER_SEARCH_ROWS] if any(
        _role(c.strip().strip('"')) == "municipality" for c in re.split(r"[;\t,]", ln))), "")
    delimiter = ";" if ";" in header_line else "\t" if "\t" in header_line else ","
    rows: list[tuple[int, tuple]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    start = 1
    try:
        for values in reader:
            if len(rows) >= MAX_ROWS:
                raise InputError(file, None, None, f"filen har mer enn {MAX_ROWS:,} rader.")
            rows.append((start, tuple(values)))
            start = reader.line_num + 1
    except csv.Error as e:
        raise InputError(file, start, None, f"filen kan ikke leses som CSV ({e}).") from None
    return _Sheet("ks_10faktor_csv", rows, xlsx=False, delimiter=delimiter)


# ---------------------------------------------------------------- cells

def _column_name(i: int, xlsx: bool) -> str:
    if not xlsx:
        return f"kolonne {i + 1}"
    letters = ""
    n = i + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return f"kolonne {letters}"


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _shown(v: object) -> str:
    s = str(v).strip()
    return s if len(s) <= 40 else s[:40] + "…"


def _number(v: object, file: str, row: int, fld: str, *, hint: str) -> float:
    """A cell as a number: Excel numbers, or text with decimal comma or point; dates and errors refused."""
    if isinstance(v, bool):
        raise InputError(file, row, fld, f"cellen er en sannhetsverdi ({'SANN' if v else 'USANN'}), ikke et tall.")
    if isinstance(v, (int, float)):
        if v != v or v in (float("inf"), float("-inf")):
            raise InputError(file, row, fld, "cellen er ikke et tall.")
        return float(v)
    if isinstance(v, (datetime, date, time, timedelta)):
        shown = v.strftime("%d.%m.%Y") if isinstance(v, (datetime, date)) else str(v)
        raise InputError(file, row, fld, f"cellen er en dato eller et klokkeslett ({shown}), ikke et tall. "
                         f"Excel gjør om tall med punktum til datoer; {hint}")
    text = str(v).strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if text.upper() in EXCEL_ERRORS:
        raise InputError(file, row, fld, f"cellen viser Excel-feilen «{text.upper()}». Rett formelen, eller "
                         "skriv inn tallet.")
    if _NUMBER.match(text):
        return float(text.replace(",", "."))
    if _DATE_TEXT.match(str(v).strip()):
        raise InputError(file, row, fld, f"«{_shown(v)}» er en dato, ikke et tall. Excel gjør om tall med "
                         f"punktum til datoer; {hint}")
    raise InputError(file, row, fld, f"«{_shown(v)}» er ikke et tall. {hint[0].upper()}{hint[1:]}")


def _integer(v: object, file: str, row: int, fld: str, *, what: str) -> int:
    x = _number(v, file, row, fld, hint=f"skriv {what} som et helt tall.")
    if x != int(x):
        raise InputError(file, row, fld, f"«{_shown(v)}» er ikke et helt tall; {what} må være et helt tall.")
    if x < 0:
        raise InputError(file, row, fld, f"{what} kan ikke være negativt ({_shown(v)}).")
    return int(x)


def _municipality(v: object, file: str, row: int, fld: str) -> str:
    if isinstance(v, bool) or isinstance(v, (datetime, date, time, timedelta)):
        raise InputError(file, row, fld, f"«{_shown(v)}» er ikke et kommunenummer (4 siffer, f.eks. 5001).")
    if isinstance(v, (int, float)) and v == int(v) and 0 < v < 10000:
        code = f"{int(v):04d}"  # 0301 typed into a number cell comes back as 301
    else:
        m = re.fullmatch(r"(\d{4})(?:\s+\S.*)?", str(v).strip())  # '5001' or '5001 Trondheim'
        if not m:
            raise InputError(file, row, fld, f"«{_shown(v)}» er ikke et kommunenummer (4 siffer, f.eks. 5001).")
        code = m.group(1)
    if code not in known_municipalities():
        n = len(known_municipalities())
        raise InputError(file, row, fld, f"kommunenummer {code} finnes ikke i Tilstands kommuneregister "
                         f"({n} kommuner: Trøndelag og Os). Sjekk nummeret; kommuner som ble slått sammen eller "
                         "delt, har fått nye numre.")
    return code


def _year(v: object, file: str, row: int, fld: str) -> int:
    y = _integer(v, file, row, fld, what="årstallet")
    last = date.today().year
    if not FIRST_YEAR <= y <= last:
        raise InputError(file, row, fld, f"«{_shown(v)}» er ikke et gyldig år for 10-FAKTOR "
                         f"({FIRST_YEAR}–{last}).")
    return y


def _score(v: object, file: str, row: int, fld: str) -> float:
    s = _number(v, file, row, fld, hint="skriv gjennomsnittet med desimalkomma, f.eks. 4,2.")
    if not 1 <= s <= 5:
        raise InputError(file, row, fld, f"gjennomsnittet {_shown(v)} ligger utenfor skalaen 1–5.")
    return s


# ---------------------------------------------------------------- rows -> unit results

@dataclass
class _Unit:
    row: int
    municipality: str
    name: str
    year: int
    respondents: int
    invited: int | None
    scores: dict[str, tuple[float, int]] = field(default_factory=dict)  # factor -> (mean, answers)


def _header(sheet: _Sheet, file: str) -> tuple[int, list[str], list[str]]:
    """(index of the header row in sheet.rows, headers, title lines above it)."""
    for i, (n, values) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        texts = ["" if _blank(v) else str(v).strip() for v in values]
        if any(_role(t) == "municipality" for t in texts if t):
            while texts and not texts[-1]:
                texts.pop()
            titles = [" ".join(str(v).strip() for v in vals if not _blank(v)) for _, vals in sheet.rows[:i]]
            return i, texts, [t for t in titles if t]
    if sheet.xlsx:
        raise InputError(file, None, None, f"finner ingen overskriftsrad med «Kommunenummer» i arket «{SHEET}» "
                         f"(de første {HEADER_SEARCH_ROWS} radene). Bruk overskriftene fra malen {TEMPLATE}.")
    raise InputError(file, 1, None, "finner ingen overskriftsrad med «Kommunenummer» i de første "
                     f"{HEADER_SEARCH_ROWS} linjene. Er filen lagret fra 10-FAKTOR-malen ({TEMPLATE})?")


def _columns(headers: list[str], sheet: _Sheet, file: str, row: int) -> dict[str, int]:
    roles: dict[str, int] = {}
    for i, h in enumerate(headers):
        if not h:
            continue
        role = _role(h)
        if role is None:
            known = ", ".join(f"«{COLUMNS[r][0]}»" for r in ("municipality", "unit", "year", "respondents", "invited"))
            factors = ", ".join(f"«{factor_header(f)}»" for f in FACTOR_IDS)
            raise InputError(file, row, h, f"ukjent kolonne ({_column_name(i, sheet.xlsx)}). Tilstand kjenner "
                             f"{known} og de ti faktorene: {factors}. Rett overskriften, eller slett kolonnen.")
        if role == "ignored":
            continue
        if role in roles:
            raise InputError(file, row, h, f"kolonnen står to ganger ({_column_name(roles[role], sheet.xlsx)} og "
                             f"{_column_name(i, sheet.xlsx)}). Slett den ene.")
        roles[role] = i
    missing = [COLUMNS[r][0] for r in ("municipality", "unit", "year", "respondents") if r not in roles]
    factors = [r for r in roles if r.startswith("factor:")]
    long = "factor" in roles or "score" in roles
    if long and factors:
        raise InputError(file, row, headers[roles.get("factor", roles.get("score", 0))],
                         "filen har både én kolonne per faktor og en «Faktor»-kolonne. Bruk den ene formen "
                         f"(malen {TEMPLATE} har én kolonne per faktor).")
    if long:
        missing += [COLUMNS[r][0] for r in ("factor", "score") if r not in roles]
    elif not factors:
        missing.append("minst én av de ti faktorene (f.eks. «Mestringstro»)")
    if missing:
        listed = ", ".join(m if "«" in m else f"«{m}»" for m in missing)
        raise InputError(file, row, None, f"overskriftsraden mangler {listed}. Bruk overskriftene fra malen {TEMPLATE}.")
    return roles


def _cell(sheet: _Sheet, values: tuple, col: int | None, row: int, file: str, headers: list[str]) -> object:
    if col is None or col >= len(values):
        return None
    v = values[col]
    if v is None and sheet.formulas is not None:
        formula = sheet.formulas(row, col)
        if formula is not None:
            raise InputError(file, row, headers[col], f"cellen har en formel ({_shown(formula)}) uten lagret "
                             "resultat. Åpne filen i Excel, la formlene regne seg ut, og lagre den på nytt.")
    return v


def _units(sheet: _Sheet, file: str) -> tuple[list[_Unit], list[str]]:
    at, headers, titles = _header(sheet, file)
    header_row = sheet.rows[at][0]
    for text, first, last in sheet.merged:
        if last >= header_row:
            raise InputError(file, first, None, f"cellene {text} er slått sammen. Del dem opp igjen (Excel: "
                             "«Slå sammen og midtstill» → «Del opp celler») så hver verdi står i sin egen celle.")
    cols = _columns(headers, sheet, file, header_row)
    fld = {role: headers[i] for role, i in cols.items()}
    long = "factor" in cols
    units: dict[tuple[str, str, int], _Unit] = {}
    seen_long: dict[tuple[str, str, int, str], int] = {}
    for n, values in sheet.rows[at + 1:]:
        if all(_blank(v) for v in values):
            continue
        for i, v in enumerate(values):
            if not _blank(v) and (i >= len(headers) or not headers[i]):
                hint = (" Er filen lagret med komma som skilletegn? Da deler desimalkommaet tallene i to; lagre "
                        "den som «CSV (semikolondelt)»." if sheet.delimiter == "," and not sheet.xlsx else
                        " Slett den, eller gi kolonnen en overskrift.")
                raise InputError(file, n, None, f"verdien «{_shown(v)}» står i en kolonne uten overskrift "
                                 f"({_column_name(i, sheet.xlsx)}).{hint}")
        get = lambda role: _cell(sheet, values, cols.get(role), n, file, headers)  # noqa: E731
        scores: dict[str, float] = {}
        if long:
            raw_factor, raw_score = get("factor"), get("score")
            if _blank(raw_factor):
                raise InputError(file, n, fld["factor"], "faktoren mangler.")
            factor = _factor_id(str(raw_factor))
            if factor is None:
                raise InputError(file, n, fld["factor"], f"«{_shown(raw_factor)}» er ikke en av de ti faktorene i "
                                 f"10-FAKTOR ({', '.join(factor_header(f) for f in FACTOR_IDS)}).")
            if _blank(raw_score):
                raise InputError(file, n, fld["score"], "gjennomsnittet mangler.")
            scores[factor] = _score(raw_score, file, n, fld["score"])
        else:
            for role, i in cols.items():
                if role.startswith("factor:"):
                    raw = _cell(sheet, values, i, n, file, headers)
                    if not _blank(raw):
                        scores[role[7:]] = _score(raw, file, n, headers[i])
        raw_n, raw_inv = get("respondents"), get("invited")
        if not scores and _blank(raw_n) and _blank(raw_inv):
            continue  # a prepared row for a unit without results
        raw_muni, raw_unit, raw_year = get("municipality"), get("unit"), get("year")
        if _blank(raw_muni):
            raise InputError(file, n, fld["municipality"], "kommunenummeret mangler.")
        muni = _municipality(raw_muni, file, n, fld["municipality"])
        if _blank(raw_unit):
            raise InputError(file, n, fld["unit"], "enheten mangler. Skriv navnet på enheten slik det står i "
                             "KS-rapporten, f.eks. «Barneverntjenesten».")
        unit = " ".join(str(raw_unit).split())
        if _blank(raw_year):
            raise InputError(file, n, fld["year"], "året mangler.")
        year = _year(raw_year, file, n, fld["year"])
        if _blank(raw_n):
            raise InputError(file, n, fld["respondents"], "antall svar mangler. Det trengs for å vekte enhetene "
                             "og for anonymitetsgrensen.")
        answers = _integer(raw_n, file, n, fld["respondents"], what="antall svar")
        invited = None if _blank(raw_inv) else _integer(raw_inv, file, n, fld["invited"], what="antall invitert")
        if invited is not None and invited < answers:
            raise InputError(file, n, fld["invited"], f"antall invitert ({invited}) er mindre enn antall svar "
                             f"({answers}).")
        if answers == 0 and scores:
            raise InputError(file, n, fld["respondents"], "raden har gjennomsnitt, men 0 svar.")
        if answers > 0 and not scores:
            raise InputError(file, n, None, "raden har antall svar, men ingen faktorverdier. Fyll inn "
                             "gjennomsnittene fra KS-rapporten, eller slett raden.")
        key = (muni, unit.casefold(), year)
        if long:
            factor = next(iter(scores))
            if (*key, factor) in seen_long:
                raise InputError(file, n, fld["factor"], f"{factor_header(factor)} for «{unit}» ({muni}) i {year} "
                                 f"står to ganger: rad {seen_long[(*key, factor)]} og rad {n}.")
            seen_long[(*key, factor)] = n
            u = units.setdefault(key, _Unit(n, muni, unit, year, answers, invited))
            u.respondents = max(u.respondents, answers)
            if invited is not None:
                u.invited = max(u.invited or 0, invited)
            u.scores[factor] = (scores[factor], answers)
        else:
            if key in units:
                raise InputError(file, n, fld["unit"], f"«{unit}» ({muni}) i {year} står to ganger: rad "
                                 f"{units[key].row} og rad {n}. Slett den ene, eller gi enhetene ulike navn.")
            units[key] = _Unit(n, muni, unit, year, answers, invited, {f: (s, answers) for f, s in scores.items()})
    if not units:
        raise InputError(file, None, None, "filen har en overskriftsrad, men ingen rader med resultater.")
    return list(units.values()), titles


# ---------------------------------------------------------------- units -> municipality observations

def aggregate(units: list[_Unit], file: str, limit: int) -> tuple[list[Observation], int]:
    """Weighted means per municipality, year and factor; under the limit stored hidden ('x')."""
    groups: dict[tuple[str, int], list[_Unit]] = defaultdict(list)
    for u in units:
        groups[(u.municipality, u.year)].append(u)
    out: list[Observation] = []
    suppressed = 0
    for (muni, year), members in sorted(groups.items()):
        total = sum(u.respondents for u in members)
        out.append(Observation(RESPONDENTS_ID, muni, year, float(total), None))
        for f in FACTOR_IDS:
            parts = [u.scores[f] for u in members if f in u.scores]
            if not parts:
                continue
            answers = sum(k for _, k in parts)
            if answers < limit:
                out.append(Observation(f, muni, year, None, SUPPRESSED))
                suppressed += 1
            else:
                out.append(Observation(f, muni, year, round(sum(s * k for s, k in parts) / answers, 4), None))
        with_invited = [u for u in members if u.invited is not None]
        if with_invited and len(with_invited) < len(members):
            missing = next(u for u in members if u.invited is None)
            raise InputError(file, missing.row, COLUMNS["invited"][0],
                             f"antall invitert er fylt ut for andre enheter i {muni} i {year}, men ikke for "
                             f"«{missing.name}». Fyll det ut for alle enhetene eller for ingen.")
        invited = sum(u.invited for u in with_invited)  # type: ignore[misc]
        if with_invited and invited > 0:
            if total < limit:
                out.append(Observation(RESPONSE_RATE_ID, muni, year, None, SUPPRESSED))
            else:
                out.append(Observation(RESPONSE_RATE_ID, muni, year, round(total / invited * 100, 4), None))
    return out, suppressed


# ---------------------------------------------------------------- entry point

def parse_file(data: bytes, file_name: str) -> Parsed:
    try:
        return _parse_file(data, file_name)
    except InputError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError, OverflowError) as e:
        # A shape no check above foresaw: still the person's file, still a plain answer, never a traceback.
        raise InputError(file_name, None, None, "filen har en oppbygning Tilstand ikke kjenner igjen som "
                         f"10-FAKTOR-resultater ({type(e).__name__}). Bruk malen {TEMPLATE}.") from e


def _parse_file(data: bytes, file_name: str) -> Parsed:
    if not data.strip():
        raise InputError(file_name, None, None, "filen er tom.")
    is_book = data.startswith((b"PK", OLE_MAGIC))
    sheet = _read_xlsx(data, file_name) if is_book else _read_csv(data, file_name)
    units, titles = _units(sheet, file_name)
    observations, suppressed = aggregate(units, file_name, anonymity_limit())
    title = " ".join(titles)
    return Parsed(file_name=file_name, source=sheet.source, title=title,
                  sample="eksempeldata" in title.casefold(), observations=observations, units=len(units),
                  suppressed=suppressed)
