"""Region codes as SSB writes them, and what kind of region each is.

SSB files name regions as '5001', '5001 Trondheim - Tråante', 'K-5001 Trondheim' (a merged time
series on today's boundaries), 'EKA50' (county in KOSTRA), 'EKG12' (KOSTRA group) or 'EAK' (country).
We store the plain code: municipality '5001', county '50', country 'EAK', KOSTRA group 'EKG12'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# County numbers that have existed since 1972, including the 2020 and 2024 structures.
COUNTY_PREFIXES = {f"{n:02d}" for n in range(1, 21)} | {"30", "31", "32", "33", "34", "38", "39", "40",
                                                          "42", "46", "50", "54", "55", "56"}
UNKNOWN_CODES = {"9999", "99", "EAKUK", "REST", "21-22", "23"}  # Svalbard and Jan Mayen; continental shelf  # 'uoppgitt' / divided municipalities: not a place


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
    else:
        raise ValueError(text)
    return RegionRef(code=code, name=name or code, kind=kind, merged_series=merged)
