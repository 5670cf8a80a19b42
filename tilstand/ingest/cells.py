"""The shape both SSB parsers produce: one cell per value, with every dimension's code and label."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from tilstand.errors import InputError
from tilstand.fmt import number

MAX_SSB_CELLS = 500_000  # the widest table Tilstand reads, 07459 (whole country × 106 ages × 10 years), has 395,380
MAX_LINE_CHARS = 100_000  # a text line longer than this is no table: one line must never become a million fields

SSB_SYMBOLS = (".", "..", "...", ":", "-")


@dataclass(slots=True)
class Cell:  # slots: a national table has hundreds of thousands of cells, and a __dict__ costs more than a cell
    region: str  # code or label as it stands in the file, e.g. '5001' or '5001 Trondheim - Tråante'
    region_label: str
    year: int
    contents_code: str  # '' when the file carries labels only (CSV)
    contents_label: str
    dims: dict[str, tuple[str, str]]  # other dimensions: key (id or label, lower case) -> (code, label)
    value: float | None
    status: str | None
    row: int  # line in the CSV, or 1-based position in the JSON-stat value array


@dataclass
class ParsedTable:
    table: str
    title: str
    source: str  # ssb_jsonstat | ssb_csv
    cells: list[Cell] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def is_sample(self) -> bool:
        text = " ".join([self.title, *self.notes]).lower()
        return "eksempeldata" in text


TABLE_ID = re.compile(r"^\s*(\d{5})\s*:")


def table_id_from_title(title: str) -> str | None:
    m = TABLE_ID.match(title or "")
    return m.group(1) if m else None


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def parse_number(raw: str, *, file: str, row: int, field_name: str) -> tuple[float | None, str | None]:
    """An SSB cell text -> (value, status). Decimal comma, spaces as thousands separators, symbols."""
    text = raw.strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if text in SSB_SYMBOLS:
        return (0.0 if text == "-" else None), text
    if _NUMBER.match(text):
        return float(text.replace(",", ".")), None
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    raise InputError(
        file,
        row,
        field_name,
        f"«{shown}» er ikke et tall. Bruk desimalkomma (87,5) eller et av SSBs symboler (. .. ... : -).",
    )


def decode_text(data: bytes, file: str, *, not_text: str, resave: str = "Lagre den på nytt som «CSV UTF-8».") -> str:
    """A CSV as Norwegian Excel and SSB save it: UTF-8 with or without BOM, else Windows-1252.

    `not_text` is the message for binary content (each importer names its own formats); `resave` ends the
    message for bytes that are neither encoding.
    """
    if b"\x00" in data[:4096]:
        raise InputError(file, None, None, not_text)
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
        raise InputError(
            file, line, None, f"ukjent tegnkoding: filen er verken UTF-8 eller Windows-1252 (cp1252). {resave}"
        ) from None


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")  # as io.StringIO(newline="") splits, without its copy


def lines(text: str, file: str) -> Iterator[str]:
    """The text's lines for csv.reader, one at a time, refusing a line too long to be a row of a table: the csv
    module builds a whole record before anyone can count its fields, so a 20 MB line of separators would cost
    gigabytes. (io.StringIO would split the same way, but holds four bytes for every character of the text.)"""
    for n, match in enumerate(_LINE.finditer(text), start=1):
        line = match.group()
        if len(line) > MAX_LINE_CHARS:
            raise InputError(
                file,
                n,
                None,
                f"linjen er over {number(MAX_LINE_CHARS)} tegn lang. Det er ingen "
                "tabell Tilstand kjenner; sjekk at det er riktig fil.",
            )
        yield line


def too_many_cells(file: str, row: int | None = None) -> InputError:
    """One message for an SSB table bigger than any Tilstand needs, from either parser."""
    return InputError(
        file,
        row,
        None,
        f"filen har mer enn {number(MAX_SSB_CELLS)} verdier, flere enn noen tabell "
        "Tilstand trenger. Last ned færre år, regioner eller statistikkvariabler.",
    )
