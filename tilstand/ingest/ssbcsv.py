"""SSB's CSV download (Statistikkbanken) -> cells.

Semicolon separated, quoted header, decimal comma, SSB symbols; UTF-8 with or without BOM, or
cp1252 when Excel saved it. Two layouts are read: long (a column for the statistics variable and
one for the year, the value last) and wide (value columns headed "<variable> <year>", as in a
download with the years across). An optional title line "NNNNN: …" may precede the header.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from tilstand.errors import InputError
from tilstand.ingest.cells import (
    MAX_SSB_CELLS,
    Cell,
    ParsedTable,
    decode_text,
    lines,
    parse_number,
    table_id_from_title,
    too_many_cells,
)

TIME_COLUMNS = ("år", "year", "tid", "time", "ar")
CONTENTS_COLUMNS = ("statistikkvariabel", "contents", "statistikkvariabler")
REGION_COLUMNS = ("region", "kommune", "fylke")
WIDE_VALUE = re.compile(r"^(.*\S)\s+(\d{4})$")


def decode(data: bytes, file: str) -> str:
    return decode_text(
        data,
        file,
        not_text="filen er ikke en tekstfil (CSV). Er det en Excel-fil? "
        "Lagre den som CSV (semikolonseparert) eller last ned CSV fra SSB.",
    )


def parse(data: bytes, file: str) -> ParsedTable:
    text = decode(data, file)
    if not text or text.isspace():
        raise InputError(file, None, None, "filen er tom.")
    reader = csv.reader(lines(text, file), delimiter=";", quotechar='"', strict=False)
    try:
        return _parse_rows(enumerate(reader, start=1), file)
    except csv.Error as e:
        raise InputError(file, None, None, f"filen kan ikke leses som CSV ({e}).") from e


def _parse_rows(rows: Iterator[tuple[int, list[str]]], file: str) -> ParsedTable:
    """The rows are read one at a time and never kept: only the cells are, with their repeated texts, years and
    dimension sets shared, so a national table costs a few tens of MB however the file is laid out."""
    title = ""
    header: list[str] | None = None
    for header_n, row in rows:  # noqa: B007 - read after the loop: the header's line, for messages
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) == 1 or (len([c for c in cells if c]) == 1 and table_id_from_title(cells[0])):
            title = title or cells[0]
            continue
        header = cells
        break
    if header is None:
        raise InputError(
            file,
            1,
            None,
            "finner ingen overskriftsrad med semikolonseparerte kolonner. "
            "Er filen lagret med komma i stedet for semikolon?",
        )
    lower = [h.lower() for h in header]
    table = table_id_from_title(title) or next((t for t in map(table_id_from_title, header) if t), None)
    if not table:
        raise InputError(
            file,
            header_n,
            None,
            "finner ikke SSB-tabellnummeret (f.eks. «12275: …») i tittellinjen eller overskriftsraden.",
        )
    region_col = next((i for i, h in enumerate(lower) if h in REGION_COLUMNS), 0)
    time_col = next((i for i, h in enumerate(lower) if h in TIME_COLUMNS), None)
    contents_col = next((i for i, h in enumerate(lower) if h in CONTENTS_COLUMNS), None)
    value_cols: list[tuple[int, str | None, int | None]]  # (column, contents label, year) or the long layout's
    if time_col is not None:
        value_cols = [(len(header) - 1, None, None)]
        label_cols = [i for i in range(len(header) - 1) if i not in (region_col, time_col, contents_col)]
    else:
        value_cols = []
        for i, h in enumerate(header):
            m = WIDE_VALUE.match(h)
            if m and i != region_col:
                value_cols.append((i, m.group(1), int(m.group(2))))
        if not value_cols:
            raise InputError(
                file,
                header_n,
                "år",
                "finner ingen årskolonne («år») og ingen verdikolonner med år i overskriften (f.eks. «Personer 2023»).",
            )
        first_value = min(i for i, _, _ in value_cols)
        label_cols = [i for i in range(first_value) if i not in (region_col, contents_col)]
    if contents_col is None and time_col is not None:
        raise InputError(
            file,
            header_n,
            "statistikkvariabel",
            "kolonnen «statistikkvariabel» mangler. Last ned tabellen med statistikkvariabel som egen kolonne.",
        )
    out = ParsedTable(table=table, title=title or header[-1], source="ssb_csv")
    width = len(header)
    texts: dict[str, str] = {}  # one object for each repeated text, year and set of dimension values
    years: dict[str, int] = {}
    dim_sets: dict[tuple, dict[str, tuple[str, str]]] = {}

    def text(raw: str) -> str:
        raw = raw.strip()
        return texts.setdefault(raw, raw)

    for n, row in rows:
        if not any(c.strip() for c in row):
            continue
        if len(row) != width:
            raise InputError(file, n, None, f"raden har {len(row)} kolonner, overskriften har {width}.")
        region = text(row[region_col])
        if not region:
            raise InputError(file, n, header[region_col], "regionen mangler.")
        key = tuple(text(row[i]) for i in label_cols)
        dims = dim_sets.get(key)
        if dims is None:
            dims = dim_sets[key] = {lower[i]: (v, v) for i, v in zip(label_cols, key, strict=True)}
        if len(out.cells) + len(value_cols) > MAX_SSB_CELLS:
            raise too_many_cells(file, n)
        for col, heading, year in value_cols:
            label = heading or ""  # the wide layout's contents label; the long layout reads it from the row
            if year is None:
                assert time_col is not None and contents_col is not None  # the long layout, checked above
                raw_year = row[time_col].strip()
                if not re.fullmatch(r"\d{4}", raw_year):
                    raise InputError(file, n, header[time_col], f"«{raw_year}» er ikke et årstall.")
                year = years.setdefault(raw_year, int(raw_year))
                label = text(row[contents_col])
            elif contents_col is not None:
                label = text(row[contents_col])
            value, status = parse_number(row[col], file=file, row=n, field_name=header[col])
            out.cells.append(
                Cell(
                    region=region,
                    region_label=region,
                    year=year,
                    contents_code="",
                    contents_label=label,
                    dims=dims,
                    value=value,
                    status=status,
                    row=n,
                )
            )
    if not out.cells:
        raise InputError(file, None, None, "filen har en overskrift, men ingen datarader.")
    return out
