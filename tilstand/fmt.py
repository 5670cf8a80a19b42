"""Norwegian number formatting, used only at the edge (pages, CLI, report), never in stored data.

SSB publishes with half-up rounding, comma as decimal separator and a (non-breaking) space as the
thousands separator: 1 234,5 and 87 %. Python's own rounding is half-to-even on binary floats
('%.1f' % 7.25 gives 7.2), so we round with Decimal.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"

UNIT_DECIMALS = {
    "count": 0,
    "percent": 1,
    "per_1000": 1,
    "ratio": 1,
    "nok": 0,
    "nok_1000": 0,
    "score_1_5": 1,
    "score": 1,
}

UNIT_SUFFIX = {
    "percent": f"{NBSP}%",
    "nok": f"{NBSP}kr",
    "nok_1000": f"{NBSP}000{NBSP}kr",
}


def round_half_up(value: float, decimals: int) -> Decimal:
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def shown_difference(a: float, b: float, unit: str) -> float:
    """a − b between the values as a reader sees them (rounded for the unit): '4,9' against '4,8' is +0,1,
    and two values that print alike are equal."""
    decimals = UNIT_DECIMALS.get(unit, 1)
    return float(round_half_up(a, decimals) - round_half_up(b, decimals))


def number(value: float | int | None, decimals: int = 0) -> str:
    """1234.56 -> '1 234,6' (non-breaking space between thousands)."""
    if value is None:
        return "–"
    d = round_half_up(value, decimals)
    sign = "−" if d < 0 else ""
    d = abs(d)
    text = f"{d:.{decimals}f}"
    whole, _, frac = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = NBSP.join(groups)
    if frac:
        out += "," + frac
    return sign + out


def value(value: float | int | None, unit: str) -> str:
    """A stored value formatted for its catalogue unit, e.g. 87.0 percent -> '87,0 %'."""
    if value is None:
        return "–"
    if unit == "nok_1000":
        return number(value, 0) + f"{NBSP}000{NBSP}kr"
    return number(value, UNIT_DECIMALS.get(unit, 1)) + UNIT_SUFFIX.get(unit, "")


def change(delta: float | None, unit: str) -> str:
    """Signed change with the unit: '+1,2 %-poeng', '−35 kr'."""
    if delta is None:
        return ""
    sign = "+" if round_half_up(delta, UNIT_DECIMALS.get(unit, 1)) > 0 else ""
    if unit == "percent":
        return f"{sign}{number(delta, 1)}{NBSP}%-poeng"
    return sign + value(delta, unit)
