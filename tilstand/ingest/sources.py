"""Every source Tilstand imports, in one table, and how a file is matched to one of them.

Adding a source is its module (a reader returning `model.Parsed`, and a `SOURCE` saying how to recognise it and
name its formats) plus one line in `SOURCES`. Detection, `--source`, the import page's preview and the SSB fetch
all go through this table.
"""

from __future__ import annotations

from tilstand.errors import InputError
from tilstand.ingest import bufdir, sheet, ssb, staff, survey, tenfactor
from tilstand.ingest.model import Claim, Parsed, Source

# Every source is asked; the surest claim (model.Claim) wins, and between equally sure claims the one listed first:
# staff and survey before Bufdir and 10-FAKTOR (they claim by sheet name or a column only they have), Bufdir before
# 10-FAKTOR (both have a Kommunenummer column).
SOURCES: tuple[Source, ...] = (
    ssb.SOURCE,
    staff.SOURCE,
    survey.SOURCE,
    bufdir.SOURCE,
    tenfactor.SOURCE,
)


def names() -> tuple[str, ...]:
    """The names `--source` takes."""
    return tuple(s.name for s in SOURCES)


def by_name(name: str) -> Source | None:
    return next((s for s in SOURCES if s.name == name), None)


def describe(parsed: Parsed) -> str:
    """The file's kind in Norwegian for the import preview, from the source that read it."""
    source = next((s for s in SOURCES if parsed.source in s.formats), None)
    return source.describe(parsed) if source else parsed.source


def detect(data: bytes, file_name: str) -> Source:
    """Which source reads this file, from its content (not its name); InputError when none knows it."""
    best, surest = None, Claim.NO
    for source in SOURCES:
        claim = source.detect(data)
        if claim > surest:
            best, surest = source, claim
            if claim is Claim.YES:
                break  # nobody listed later can be surer, and a tie goes to the first
    if best is not None:
        if surest < Claim.YES and data.startswith(b"PK"):
            _require_a_template_sheet(data, file_name)
        return best
    raise InputError(
        file_name,
        None,
        None,
        "kjenner ikke igjen filformatet. Tilstand leser SSB-filer "
        "(JSON-stat2 fra SSBs API eller CSV-nedlasting fra Statistikkbanken), 10-FAKTOR-resultater "
        f"i malen {tenfactor.TEMPLATE}, personaltall i malen {staff.TEMPLATE} og brukerundersøkelser "
        f"i malen {survey.TEMPLATE} (Excel eller CSV).",
    )


def _require_a_template_sheet(data: bytes, file_name: str) -> None:
    """A workbook no source was sure of, with none of the templates' sheets: say which sheets Tilstand looks for,
    rather than let the 10-FAKTOR importer (the last one that reads workbooks) ask for its own sheet in a staff or
    survey file."""
    sheets = sheet.xlsx_sheet_names(data)
    wanted = (tenfactor.SHEET, staff.SHEET, survey.SHEET)
    key = lambda name: sheet.norm(name).replace(" ", "")  # noqa: E731 - as the importers match sheet names
    if not sheets or {key(n) for n in sheets} & {key(w) for w in wanted}:
        return  # not a readable workbook (the importer says so), or one with a template sheet
    found = ", ".join(f"«{n}»" for n in sheets)
    raise InputError(
        file_name,
        None,
        None,
        f"arbeidsboken har arkene {found}, men ikke noe ark Tilstand kjenner: "
        f"«{tenfactor.SHEET}» (malen {tenfactor.TEMPLATE}), «{staff.SHEET}» (malen {staff.TEMPLATE}) "
        f"eller «{survey.SHEET}» (malen {survey.TEMPLATE}), og den ser heller ikke ut som en nedlasting "
        "fra Bufdirs kommunemonitor. Skriv tallene i malen, og behold arknavnet.",
    )
