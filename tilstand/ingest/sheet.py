"""What the spreadsheet importers share: reading an .xlsx sheet or a CSV into numbered rows, and reading
cells (numbers with decimal comma, whole numbers, municipality codes) with a Norwegian message naming
file, row and column. Used by the 10-FAKTOR, staff and user-survey importers."""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib.resources import files
from itertools import islice

from tilstand.errors import InputError
from tilstand.fmt import number as shown_number
from tilstand.ingest.cells import decode_text, lines

MAX_ROWS = 100_000
# The sample survey file (38 municipalities, 6 years) has 65,000 cells; a municipality's own a few thousand. In an
# .xlsx the cells are counted in the sheet's XML before openpyxl reads it (it spends ~250 bytes on each cell of a row).
MAX_CELLS = 500_000
MAX_SHARED_STRINGS = 100_000  # distinct texts; openpyxl reads them all when it opens the workbook, twice per import
# An .xlsx is a zip: what it unpacks to is what openpyxl holds (a long text costs about four times its size). The
# sample survey workbook unpacks to 4 MB; 40 MB keeps any refused workbook well under 300 MB of memory.
MAX_UNPACKED = 40 * 1024 * 1024
MAX_PARTS = 1_000  # a workbook has a dozen parts, a few hundred with images
HEADER_SEARCH_ROWS = 20
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, and password-protected .xlsx
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_DATE_TEXT = re.compile(r"^\d{1,2}\.(\d{1,2}\.\d{2,4}|\s?[a-zæøå]{3,}\.?)$", re.IGNORECASE)


def norm(text: object) -> str:
    t = str(text).casefold().replace("\u00a0", " ")
    t = re.sub(r"[\-_/:.,;*]+", " ", t)
    return " ".join(t.split())


@cache
def known_municipalities() -> dict[str, str]:
    """Code -> name of the municipalities in Tilstand's register (tilstand/data/regions.csv)."""
    text = files("tilstand.data").joinpath("regions.csv").read_text(encoding="utf-8")
    return {r["code"]: r["name"] for r in csv.DictReader(text.splitlines()) if r["kind"] == "municipality"}


@dataclass
class Sheet:
    source: str
    rows: list[tuple[int, tuple]]  # (row number as the person sees it, cell values)
    xlsx: bool
    formulas: Callable[[int, int], object] | None = None  # (row, col) -> the cell's formula or None, for xlsx
    merged: list[tuple[str, int, int]] = field(default_factory=list)  # merged ranges, for xlsx
    delimiter: str = ";"  # for CSV


def damaged(file: str) -> InputError:
    return InputError(
        file,
        None,
        None,
        "filen ser ut som en Excel-fil (.xlsx), men kan ikke åpnes: den er "
        "skadet eller avkortet. Åpne den i Excel og lagre den på nytt som Excel-arbeidsbok (.xlsx).",
    )


def check_unpacked(entries: list[zipfile.ZipInfo], file: str) -> None:
    """Refuse a workbook by the sizes its zip directory states, before anything is unpacked: a zip bomb or a sheet
    with one huge text is a small file that openpyxl would turn into gigabytes. (zipfile never unpacks more than
    an entry states, so a directory that lies only makes the workbook unreadable.)"""
    if len(entries) > MAX_PARTS:
        raise InputError(
            file,
            None,
            None,
            f"filen er en zip-fil med {shown_number(len(entries))} deler; en "
            "Excel-arbeidsbok har noen titalls. Lagre tallene i en ny arbeidsbok (.xlsx) eller som CSV.",
        )
    unpacked = sum(e.file_size for e in entries)
    if unpacked > MAX_UNPACKED:
        raise InputError(
            file,
            None,
            None,
            f"Excel-filen blir {megabytes(unpacked)} når den pakkes ut; største "
            f"tillatte er {megabytes(MAX_UNPACKED)}. Ta bare med arket med tallene, uten bilder, "
            "andre ark eller lange tekster.",
        )


def check_workbook(data: bytes, file: str) -> None:
    """check_unpacked and the cells of every sheet, for any file that is a zip, before openpyxl opens it; a file
    that is not a readable zip is left to the importers, which explain what it is."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            check_unpacked(entries, file)
            for e in entries:
                sheet = e.filename.startswith("xl/worksheets/")
                if sheet and _count(archive, e, _CELL_TAG, MAX_CELLS) > MAX_CELLS:
                    raise InputError(
                        file,
                        None,
                        None,
                        f"Excel-filen har et ark med mer enn {shown_number(MAX_CELLS)} "
                        "celler (også tomme celler med formatering teller). Ta bare med tabellen med "
                        "tallene, i en ny arbeidsbok.",
                    )
                texts = e.filename.lower() == "xl/sharedstrings.xml"
                if texts and _count(archive, e, _TEXT_TAG, MAX_SHARED_STRINGS) > MAX_SHARED_STRINGS:
                    raise InputError(
                        file,
                        None,
                        None,
                        f"Excel-filen har mer enn {shown_number(MAX_SHARED_STRINGS)} "
                        "ulike tekster. Ta bare med tabellen med tallene, i en ny arbeidsbok.",
                    )
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        zlib.error,
        RuntimeError,
        NotImplementedError,
    ):  # damaged, encrypted, an unknown compression: the importers say which
        return


_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")  # a cell in a sheet
_TEXT_TAG = re.compile(rb"<(?:\w+:)?si[\s/>]")  # a shared string


def _count(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, tag: re.Pattern[bytes], limit: int) -> int:
    """Elements in a part's XML, counted in 1 MB pieces as it is unpacked (escaped text holds no '<'), up to
    just over `limit`."""
    count, rest = 0, b""
    with archive.open(entry) as src:
        while count <= limit and (chunk := src.read(1 << 20)):
            block = rest + chunk
            end = block.rfind(b">") + 1  # a tag that starts before the last '>' ends before it too
            count += len(tag.findall(block, 0, end))
            rest = block[end:]
    return count


def megabytes(size: int) -> str:
    """1.5 MB as «1,5 MB»: whole megabytes only when the size is one."""
    mb = size / (1024 * 1024)
    return f"{shown_number(mb, 0 if mb == int(mb) else 1)} MB"


def read_xlsx(data: bytes, file: str, *, sheet: str, template: str, source: str) -> Sheet:
    if data.startswith(OLE_MAGIC):
        raise InputError(
            file,
            None,
            None,
            "filen er i det gamle Excel-formatet (.xls) eller passordbeskyttet. "
            "Fjern eventuelt passordet og lagre den som Excel-arbeidsbok (.xlsx).",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise damaged(file) from None
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names:
        if "mimetype" in names and "content.xml" in names:
            raise InputError(
                file,
                None,
                None,
                "filen er et OpenDocument-regneark (.ods). Lagre den som "
                "Excel-arbeidsbok (.xlsx) eller som CSV (semikolonseparert).",
            )
        raise InputError(file, None, None, "filen er en zip-fil, men ikke en Excel-arbeidsbok (.xlsx).")
    check_unpacked(entries, file)
    import openpyxl  # noqa: PLC0415 - only files that are spreadsheets pay for the import

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it skips, e.g. data validation
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl fails in many ways on damaged files; all mean the same
            raise damaged(file) from None
        try:
            ws = _sheet(wb, file, sheet, template)
            ws.reset_dimensions()  # a stale <dimension> could make us read a million empty rows
            rows, cells = [], 0
            for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells += len(values)
                if n > MAX_ROWS or cells > MAX_CELLS:
                    raise InputError(
                        file,
                        None,
                        None,
                        f"arket «{ws.title}» har mer enn {shown_number(MAX_ROWS)} "
                        f"rader eller {shown_number(MAX_CELLS)} celler (også tomme rader og kolonner "
                        "med formatering teller). Slett radene under og kolonnene til høyre for "
                        "tabellen.",
                    )
                rows.append((n, values))
            merged = _merged_ranges(archive, getattr(ws, "_worksheet_path", ""))
        except InputError:
            raise
        except Exception:  # noqa: BLE001 - as above
            raise damaged(file) from None
        finally:
            wb.close()
    return Sheet(source, rows, xlsx=True, formulas=_formula_lookup(data, ws.title), merged=merged)


def _sheet(wb, file: str, sheet: str, template: str):
    want = norm(sheet).replace(" ", "")
    for name in wb.sheetnames:
        if norm(name).replace(" ", "") == want:
            return wb[name]
    found = ", ".join(f"«{n}»" for n in wb.sheetnames) or "ingen"
    raise InputError(
        file,
        None,
        None,
        f"finner ikke arket «{sheet}». Arbeidsboken har arkene {found}. "
        f"Bruk malen {template} og skriv resultatene i arket «{sheet}».",
    )


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


def _formula_lookup(data: bytes, title: str) -> Callable[[int, int], object]:
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
                                if _is_formula(v):  # only these: the values were read once already
                                    cache_[(r, c)] = v
                    finally:
                        wb.close()
                except Exception:  # noqa: BLE001 - the values were read once already; no formulas then
                    pass
        return cache_.get((row, col))

    return lookup


def _is_formula(v: object) -> bool:
    """A cell's content without data_only: a formula is text starting with '=', or an array formula object."""
    return (isinstance(v, str) and v.startswith("=")) or (hasattr(v, "text") and hasattr(v, "ref"))


def decode(data: bytes, file: str, template: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's «Unicode-tekst»
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(file, None, None, "filen er avkortet eller skadet (UTF-16-tekst).") from None
    return decode_text(
        data,
        file,
        resave="Lagre den på nytt fra Excel som «CSV UTF-8».",
        not_text="filen er verken en tekstfil (CSV) eller en Excel-arbeidsbok (.xlsx). "
        f"Skriv resultatene i malen {template}, eller lagre arket som CSV (semikolonseparert).",
    )


def read_csv(data: bytes, file: str, *, template: str, source: str, is_key: Callable[[str], bool]) -> Sheet:
    """is_key: the header cell that marks the header row (e.g. Kommunenummer); it sets the delimiter."""
    text = decode(data, file, template)
    head = islice(lines(text, file), HEADER_SEARCH_ROWS)
    header_line = next((ln for ln in head if any(is_key(c.strip().strip('"')) for c in re.split(r"[;\t,]", ln))), "")
    delimiter = ";" if ";" in header_line else "\t" if "\t" in header_line else ","
    rows: list[tuple[int, tuple]] = []
    reader = csv.reader(lines(text, file), delimiter=delimiter, quotechar='"', strict=False)
    start, cells = 1, 0
    try:
        for values in reader:
            cells += len(values)
            if len(rows) >= MAX_ROWS or cells > MAX_CELLS:
                raise InputError(
                    file,
                    None,
                    None,
                    f"filen har mer enn {shown_number(MAX_ROWS)} rader eller {shown_number(MAX_CELLS)} celler.",
                )
            rows.append((start, tuple(values)))
            start = reader.line_num + 1
    except csv.Error as e:
        raise InputError(file, start, None, f"filen kan ikke leses som CSV ({e}).") from None
    return Sheet(source, rows, xlsx=False, delimiter=delimiter)


# ---------------------------------------------------------------- cells


def column_name(i: int, xlsx: bool) -> str:
    if not xlsx:
        return f"kolonne {i + 1}"
    letters = ""
    n = i + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return f"kolonne {letters}"


def blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def shown(v: object) -> str:
    s = str(v).strip()
    return s if len(s) <= 40 else s[:40] + "…"


def number(v: object, file: str, row: int, fld: str, *, hint: str) -> float:
    """A cell as a number: Excel numbers, or text with decimal comma or point; dates and errors refused."""
    if isinstance(v, bool):
        raise InputError(file, row, fld, f"cellen er en sannhetsverdi ({'SANN' if v else 'USANN'}), ikke et tall.")
    if isinstance(v, (int, float)):
        if v != v or v in (float("inf"), float("-inf")):
            raise InputError(file, row, fld, "cellen er ikke et tall.")
        return float(v)
    if isinstance(v, (datetime, date, time, timedelta)):
        as_text = v.strftime("%d.%m.%Y") if isinstance(v, (datetime, date)) else str(v)
        raise InputError(
            file,
            row,
            fld,
            f"cellen er en dato eller et klokkeslett ({as_text}), ikke et tall. "
            f"Excel gjør om tall med punktum til datoer; {hint}",
        )
    text = str(v).strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if text.upper() in EXCEL_ERRORS:
        raise InputError(
            file, row, fld, f"cellen viser Excel-feilen «{text.upper()}». Rett formelen, eller skriv inn tallet."
        )
    if _NUMBER.match(text):
        return float(text.replace(",", "."))
    if _DATE_TEXT.match(str(v).strip()):
        raise InputError(
            file, row, fld, f"«{shown(v)}» er en dato, ikke et tall. Excel gjør om tall med punktum til datoer; {hint}"
        )
    raise InputError(file, row, fld, f"«{shown(v)}» er ikke et tall. {hint[0].upper()}{hint[1:]}")


def integer(v: object, file: str, row: int, fld: str, *, what: str) -> int:
    x = number(v, file, row, fld, hint=f"skriv {what} som et helt tall.")
    if x != int(x):
        raise InputError(file, row, fld, f"«{shown(v)}» er ikke et helt tall; {what} må være et helt tall.")
    if x < 0:
        raise InputError(file, row, fld, f"{what} kan ikke være negativt ({shown(v)}).")
    return int(x)


def municipality(v: object, file: str, row: int, fld: str) -> str:
    if isinstance(v, (bool, datetime, date, time, timedelta)):
        raise InputError(file, row, fld, f"«{shown(v)}» er ikke et kommunenummer (4 siffer, f.eks. 5001).")
    if isinstance(v, (int, float)) and v == int(v) and 0 < v < 10000:
        code = f"{int(v):04d}"  # 0301 typed into a number cell comes back as 301
    else:
        m = re.fullmatch(r"(\d{4})(?:\s+\S.*)?", str(v).strip())  # '5001' or '5001 Trondheim'
        if not m:
            raise InputError(file, row, fld, f"«{shown(v)}» er ikke et kommunenummer (4 siffer, f.eks. 5001).")
        code = m.group(1)
    if code not in known_municipalities():
        n = len(known_municipalities())
        raise InputError(
            file,
            row,
            fld,
            f"kommunenummer {code} finnes ikke i Tilstands kommuneregister "
            f"({n} kommuner: Trøndelag og Os). Sjekk nummeret; kommuner som ble slått sammen eller "
            "delt, har fått nye numre.",
        )
    return code


# ---------------------------------------------------------------- a template's table: header, columns, rows


@dataclass
class Layout:
    """What one template looks like: its sheet, its columns (role -> (header in the template, other names,
    compared after norm)), the columns a file must have, and the sources it reports."""

    sheet: str
    template: str
    source: str  # prefix: '<source>_xlsx' / '<source>_csv'
    columns: dict[str, tuple[str, tuple[str, ...]]]
    required: tuple[str, ...]
    key: str = "municipality"  # the role whose header marks the header row

    def role(self, header: str) -> str | None:
        h = norm(header)
        return next((r for r, (name, names) in self.columns.items() if h == norm(name) or h in names), None)


@dataclass
class Table:
    source: str
    titles: list[str]  # text above the header row (the sample flag lives here)
    fields: dict[str, str]  # role -> the header as written in the file
    rows: list[tuple[int, dict[str, object]]]  # (row number, role -> raw cell) for non-empty rows


def find_header(sh: Sheet, is_key: Callable[[str], bool]) -> tuple[int, list[str], list[str]] | None:
    """(index of the header row in sh.rows, its headers without trailing blanks, the title lines above it): the
    first of the first HEADER_SEARCH_ROWS rows with a key cell; None when there is none (each template says so in
    its own words). The one header finder of the template importers (10-FAKTOR's wide and long forms too)."""
    for i, (_, values) in enumerate(sh.rows[:HEADER_SEARCH_ROWS]):
        if any(not blank(v) and is_key(str(v).strip()) for v in values):
            headers = ["" if blank(v) else str(v).strip() for v in values]
            while headers and not headers[-1]:
                headers.pop()
            titles = [" ".join(str(v).strip() for v in vals if not blank(v)) for _, vals in sh.rows[:i]]
            return i, headers, [t for t in titles if t]
    return None


def refuse_merged(sh: Sheet, header_row: int, file: str) -> None:
    """Merged cells at or below the header would put one value in several rows or columns: refused."""
    for text, first, last in sh.merged:
        if last >= header_row:
            raise InputError(
                file,
                first,
                None,
                f"cellene {text} er slått sammen. Del dem opp igjen (Excel: "
                "«Slå sammen og midtstill» → «Del opp celler») så hver verdi står i sin egen celle.",
            )


def read_table(
    data: bytes, file: str, layout: Layout, check_header: Callable[[str, int, int], None] | None = None
) -> Table:
    """The file's table: header found, every column known, no merged cells, no stray values, no
    uncalculated formulas. check_header(header, column, row) may refuse a header before it is looked up."""
    is_key = lambda h: layout.role(h) == layout.key  # noqa: E731
    if data.startswith((b"PK", OLE_MAGIC)):
        sh = read_xlsx(data, file, sheet=layout.sheet, template=layout.template, source=layout.source + "_xlsx")
    else:
        sh = read_csv(data, file, template=layout.template, source=layout.source + "_csv", is_key=is_key)
    key_name = layout.columns[layout.key][0]
    found = find_header(sh, is_key)
    if found is None:
        raise InputError(
            file,
            None if sh.xlsx else 1,
            None,
            f"finner ingen overskriftsrad med «{key_name}» i de "
            f"første {HEADER_SEARCH_ROWS} radene. Bruk malen {layout.template}.",
        )
    at, headers, titles = found
    header_row = sh.rows[at][0]
    refuse_merged(sh, header_row, file)
    cols: dict[str, int] = {}
    for i, h in enumerate(headers):
        if not h:
            continue
        if check_header:
            check_header(h, i, header_row)
        role = layout.role(h)
        if role is None:
            known = ", ".join(f"«{name}»" for r, (name, _) in layout.columns.items() if r != "ignored")
            raise InputError(
                file,
                header_row,
                h,
                f"ukjent kolonne ({column_name(i, sh.xlsx)}). Tilstand kjenner "
                f"{known}. Rett overskriften, eller slett kolonnen.",
            )
        if role == "ignored":
            continue
        if role in cols:
            raise InputError(
                file,
                header_row,
                h,
                f"kolonnen står to ganger ({column_name(cols[role], sh.xlsx)} og "
                f"{column_name(i, sh.xlsx)}). Slett den ene.",
            )
        cols[role] = i
    missing = [f"«{layout.columns[r][0]}»" for r in layout.required if r not in cols]
    if missing:
        raise InputError(
            file,
            header_row,
            None,
            f"overskriftsraden mangler {', '.join(missing)}. Bruk overskriftene fra malen {layout.template}.",
        )
    rows: list[tuple[int, dict[str, object]]] = []
    for n, vals in sh.rows[at + 1 :]:
        if all(blank(v) for v in vals):
            continue
        for i, v in enumerate(vals):
            if not blank(v) and (i >= len(headers) or not headers[i]):
                hint = (
                    " Er filen lagret med komma som skilletegn? Lagre den som «CSV (semikolondelt)»."
                    if sh.delimiter == "," and not sh.xlsx
                    else " Slett den, eller gi kolonnen en overskrift."
                )
                raise InputError(
                    file,
                    n,
                    None,
                    f"verdien «{shown(v)}» står i en kolonne uten overskrift ({column_name(i, sh.xlsx)}).{hint}",
                )
        got: dict[str, object] = {}
        for role, i in cols.items():
            v = vals[i] if i < len(vals) else None
            if v is None and sh.formulas is not None:
                formula = sh.formulas(n, i)
                if formula is not None:
                    raise InputError(
                        file,
                        n,
                        headers[i],
                        f"cellen har en formel ({shown(formula)}) uten lagret "
                        "resultat. Åpne filen i Excel, la formlene regne seg ut, og lagre den på nytt.",
                    )
            got[role] = None if blank(v) else v
        if any(v is not None for v in got.values()):
            rows.append((n, got))
    if not rows:
        raise InputError(file, None, None, "filen har en overskriftsrad, men ingen rader med tall.")
    return Table(sh.source, titles, {r: headers[i] for r, i in cols.items()}, rows)


def year(v: object, file: str, row: int, fld: str, first: int) -> int:
    y = integer(v, file, row, fld, what="årstallet")
    last = date.today().year
    if not first <= y <= last:
        raise InputError(file, row, fld, f"«{shown(v)}» er ikke et gyldig år ({first}–{last}).")
    return y


def looks_like_table(head: bytes, layout: Layout, marker: Callable[[str], bool]) -> bool:
    """A CSV whose header row (within the first lines) has the key column and a column only this layout has."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
        if "\ufffd" in text:
            text = head.decode("cp1252", errors="replace")
    for line in text.splitlines()[:HEADER_SEARCH_ROWS]:
        cells = [c.strip().strip('"') for c in re.split(r"[;\t,]", line.strip())]
        if any(layout.role(c) == layout.key for c in cells) and any(marker(c) for c in cells):
            return True
    return False


def xlsx_sheet_names(data: bytes) -> list[str]:
    """The sheet names of an .xlsx, read from workbook.xml without openpyxl; [] when it is not one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z, z.open("xl/workbook.xml") as f:
            xml = f.read(2_000_000).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, zipfile.LargeZipFile):
        return []
    import html  # noqa: PLC0415

    return [html.unescape(m) for m in re.findall(r'<(?:\w+:)?sheet\s[^>]*?name="([^"]*)"', xml)]


UNFORESEEN = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError, OverflowError)


def plain_errors(parse: Callable[[bytes, str], object], data: bytes, file_name: str, *, what: str, template: str):
    """Run a template parser; a shape no check foresaw is still the person's file: a plain Norwegian
    answer naming the template, never a traceback."""
    try:
        return parse(data, file_name)
    except InputError:
        raise
    except UNFORESEEN as e:
        raise InputError(
            file_name,
            None,
            None,
            f"filen har en oppbygning Tilstand ikke kjenner igjen som {what} "
            f"({type(e).__name__}). Bruk malen {template}.",
        ) from e
