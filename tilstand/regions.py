"""Region codes as SSB writes them, and what kind of region each is.

SSB files name regions as '5001', '5001 Trondheim - Tråante', 'K-5001 Trondheim' (a merged time
series on today's boundaries), 'EKA50' (county in KOSTRA), 'EKG12' (KOSTRA group) or 'EAK' (country).
Tables outside KOSTRA (population 07459, households 06070, education 09429, low income 08764) call the
whole country '0' («0 Hele landet»). We store the plain code: municipality '5001', county '50', KOSTRA
group 'EKG12', and one code for the country whichever the file used: 'EAK'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tilstand.errors import InputError

# County numbers that have existed since 1972, including the 2020 and 2024 structures.
COUNTY_PREFIXES = {f"{n:02d}" for n in range(1, 21)} | {
    "30",
    "31",
    "32",
    "33",
    "34",
    "38",
    "39",
    "40",
    "42",
    "46",
    "50",
    "54",
    "55",
    "56",
}
UNKNOWN_CODES = {
    "9999",
    "99",
    "EAKUK",
    "REST",
    "21-22",
    "23",
}  # Svalbard and Jan Mayen; continental shelf  # 'uoppgitt' / divided municipalities: not a place


COUNTRY = "EAK"  # the country as stored, and as KOSTRA tables name it
COUNTRY_OUTSIDE_KOSTRA = "0"  # «0 Hele landet» in SSB's other tables: stored as COUNTRY

MAX_NAME = 100  # the longest real name ("Porsanger - Porsáŋgu - Porsanki") is 31
# C0/C1 control characters, bidi overrides and isolates (they can make a name read backwards), byte-order
# marks and non-characters: none belongs in a name, and most cannot be written to Word XML at all.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@")  # a spreadsheet reads a cell starting so as a formula
_MARKUP = ("<", ">", "{{", "{%", "}}", "%}")  # HTML or template tags
_MARKDOWN = ("![", "](")  # a Markdown image or link: a page showing the name would load or link the address


@lru_cache(maxsize=4096)  # an SSB file repeats each region's name in every cell
def name_problem(name: str) -> str | None:
    """Why a region name read from a file must not be stored, in Norwegian; None if it may.

    Every importer checks the names it reads here (through `check_name`), because a stored name goes into
    the council's document, the pages and the downloads' file names."""
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", name[:40]) + ("…" if len(name) > 40 else "")
    if _CONTROL.search(name):
        return (
            f"regionnavnet «{shown}» inneholder kontrolltegn (usynlige tegn som linjeskift eller "
            "tabulator). Rett navnet i filen."
        )
    if len(name) > MAX_NAME:
        return (
            f"regionnavnet er {len(name)} tegn langt; et regionnavn kan ha høyst {MAX_NAME} tegn. "
            "Er kolonnene forskjøvet?"
        )
    if name.startswith(_FORMULA_START):
        return (
            f"regionnavnet «{shown}» begynner med «{name[0]}», som regneark leser som en formel. Rett navnet i filen."
        )
    if any(t in name for t in _MARKUP):
        return f"regionnavnet «{shown}» inneholder tegn som ikke hører hjemme i et navn (<, >, {{{{ eller {{%)."
    if any(t in name for t in _MARKDOWN):
        return (
            f"regionnavnet «{shown}» inneholder «![» eller «](», som blir bilder og lenker på sidene. "
            "Rett navnet i filen."
        )
    return None


def check_name(name: str, file: str | Path | None, row: int | None, field: str | None) -> None:
    """Refuse the whole file (InputError naming file, row and field) if a region name in it is unsafe."""
    problem = name_problem(name)
    if problem:
        raise InputError(file, row, field, problem)


@dataclass(frozen=True)
class RegionRef:
    code: str
    name: str
    kind: str  # municipality | county | country | kostra_group | district
    merged_series: bool  # the file marked it 'K-': figures on today's boundaries for earlier years


_LABEL = re.compile(r"^(?P<k>K[-_])?(?P<code>[0-9A-Za-z]+(?:-\d+)?)(?:\s+(?P<name>.+))?$")


def parse(code_or_label: str, label: str = "") -> RegionRef | None:
    """Normalise an SSB region; None for 'unknown/divided' pseudo-regions. Raises ValueError if unknown."""
    text = code_or_label.strip()
    m = _LABEL.match(text)
    if not m:
        raise ValueError(text)
    code = m.group("code").upper()
    name = (m.group("name") or "").strip()
    if label and label.strip() != text:
        name = label.strip()
    if code in UNKNOWN_CODES:
        return None
    merged = bool(m.group("k"))
    if re.fullmatch(r"\d{4}", code):
        if code[:2] not in COUNTY_PREFIXES:
            raise ValueError(text)
        kind = "municipality"
    elif re.fullmatch(r"\d{6}", code):
        if code[:2] not in COUNTY_PREFIXES:
            raise ValueError(text)
        kind = "district"
    elif re.fullmatch(r"\d{2}", code):
        if code not in COUNTY_PREFIXES:
            raise ValueError(text)
        kind = "county"
    elif re.fullmatch(r"EKA\d{2}", code):
        code, kind = code[3:], "county"
        if code not in COUNTY_PREFIXES:
            raise ValueError(text)
    elif re.fullmatch(r"EKG\d{2}", code):
        kind = "kostra_group"
    elif code in ("EAK", "EAKUO"):
        kind = "country"
    elif code == COUNTRY_OUTSIDE_KOSTRA:
        code, kind = COUNTRY, "country"
    else:
        raise ValueError(text)
    return RegionRef(code=code, name=name or code, kind=kind, merged_series=merged)
