"""The indicator catalogue, the SSB table mapping and the derived-indicator formulas, kept as data.

The CSV files under tilstand/data/ are the single source: correcting a content code or adding an
indicator is a data change, not a code change.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from tilstand import words

AREAS_NB = {
    "background": "Bakgrunn",
    "coverage": "Dekningsgrad og kapasitet",
    "quality": "Kvalitet (frister og lovkrav)",
    "economy": "Økonomi",
    "staff": "Ansatte",
    "tenfactor": "10-FAKTOR",
    "user_survey": "Brukerundersøkelser",
}
AREA_ORDER = list(AREAS_NB)
SSB_ORIGINS = ("ssb", "ssb_derived")


@dataclass(frozen=True)
class Indicator:
    id: str
    name_nb: str
    name_nn: str
    name_en: str
    area: str
    unit: str
    better: str  # higher | lower | neutral
    origin: str  # ssb | ssb_derived | ssb_unmapped | bufdir | ks_10faktor | survey | local
    source: str
    levels: str  # 'all' or a comma list of region kinds the source publishes
    min_count: int  # counts 1..min_count are suppressed (0: never)
    count_indicator: str  # the count a rate is built on; the rate is hidden with it
    show: bool
    confidence: str
    definition: str  # English source note: how the number is built, as the sources say it
    definition_nb: str = ""  # what readers see: bokmål (app, bokmål reports) ...
    definition_nn: str = ""  # ... and nynorsk (nynorsk reports)

    def name_in(self, language: str) -> str:
        """The name in a målform, the one rule everywhere (app, DOCX, snapshot, suggestions, charts):
        nynorsk falls back to bokmål, bokmål to the id, so a gap in the catalogue never prints nothing."""
        if language == "nn" and self.name_nn:
            return self.name_nn
        return self.name_nb or self.id

    def definition_in(self, language: str) -> str:
        """The definition in a målform: nynorsk falls back to bokmål, bokmål to the English note."""
        if language == "nn" and self.definition_nn:
            return self.definition_nn
        return self.definition_nb or self.definition

    def applies_to(self, kind: str) -> bool:
        return self.levels == "all" or kind in self.levels.split(",")


@dataclass(frozen=True)
class MappingRow:
    """One SSB (table, content code, selection) that yields one catalogue indicator."""

    indicator_id: str
    table: str
    contents_code: str
    contents_labels: tuple[str, ...]
    selection: tuple[tuple[tuple[str, ...], str], ...]  # ((dim ids), value) for JSON-stat
    selection_labels: tuple[tuple[tuple[str, ...], str], ...]  # ((dim labels), label) for CSV
    aggregate: str  # '' or 'sum'
    confidence: str


@dataclass(frozen=True)
class Relation:
    """An arithmetic tie between indicators of one region and year (tilstand/data/relations.csv).

    `sum`: the indicator is the sum of `parts`, so any one of them follows from the others. `ratio`: the
    indicator is numerator ÷ denominator, so together with one of them it gives the other back; an input
    that is not in the catalogue (an amount, invited employees) is left out. Suppression reads these so
    that no hidden count can be worked out from the numbers shown beside it.
    """

    kind: str  # sum | ratio
    indicator: str
    parts: tuple[str, ...] = ()
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    factor: float = 1.0  # ratio = numerator ÷ denominator × factor (100 for per cent)

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.parts + self.numerator + self.denominator


@dataclass(frozen=True)
class Derived:
    """indicator = sum(numerator) ÷ sum(denominator) × factor (derived.csv: parts joined by '+'), never an
    average of shares: the year's deadline breaches are both half-years' breaches over both halves' cases."""

    indicator_id: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    factor: float
    decimals: int
    # 1: the denominator is read from the next year. A rate per child divides by the population at the end of
    # the year (31 December), as KOSTRA's own rates do, and SSB stores that as 1 January of the next year.
    denominator_year: int = 0

    @property
    def next_year_inputs(self) -> tuple[str, ...]:
        return self.denominator if self.denominator_year else ()


def _rows(name: str) -> list[dict[str, str]]:
    text = files("tilstand.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _parse_selection(text: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        dims, _, value = part.partition("=")
        out.append((tuple(d.strip().lower() for d in dims.split("|")), value.strip()))
    return tuple(out)


@cache
def indicators() -> dict[str, Indicator]:
    out = {}
    for r in _rows("indicators.csv"):
        out[r["id"]] = Indicator(
            id=r["id"],
            name_nb=r["name_nb"],
            name_nn=r["name_nn"],
            name_en=r["name_en"],
            area=r["area"],
            unit=r["unit"],
            better=r["better"],
            origin=r["origin"],
            source=r["source"],
            levels=r["levels"],
            min_count=int(r["min_count"] or 0),
            count_indicator=r["count_indicator"],
            show=r["show"] == "yes",
            confidence=r["confidence"],
            definition=r["definition"],
            definition_nb=with_rules(r.get("definition_nb") or "", "nb"),
            definition_nn=with_rules(r.get("definition_nn") or "", "nn"),
        )
    return out


@dataclass(frozen=True)
class Rule:
    """A legal requirement with the date it applies from (tilstand/data/rules.csv), so a change of rule is a
    change of data: the indicator definitions, the staff template's guide and the report read it from there."""

    rule: str
    valid_from: date
    valid_to: date | None
    experience_years: int
    further_credits: int
    text_nb: str
    text_nn: str

    def text(self, language: str) -> str:
        return self.text_nn if language == "nn" else self.text_nb

    def valid_from_text(self) -> str:
        """'1. januar 2031' (the same in bokmål and nynorsk)."""
        return words.date(self.valid_from, "nb")


@cache
def rules() -> tuple[Rule, ...]:
    return tuple(
        Rule(
            r["rule"],
            date.fromisoformat(r["valid_from"]),
            date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
            int(r["experience_years"]),
            int(r["further_credits"]),
            r["text_nb"],
            r["text_nn"],
        )
        for r in _rows("rules.csv")
    )


def rule(name: str, on: date | None = None, table: tuple[Rule, ...] | None = None) -> Rule:
    """The rule in force on a date; without a date, the one in force today or, if it is still to come, the next
    one (the 2031 competence requirement is written about years before it applies)."""
    versions = sorted((r for r in (rules() if table is None else table) if r.rule == name), key=lambda r: r.valid_from)
    if not versions:
        raise KeyError(name)
    day = on or date.today()
    current = [r for r in versions if r.valid_from <= day and (r.valid_to is None or day <= r.valid_to)]
    if current:
        return current[-1]
    if on is None:
        coming = [r for r in versions if r.valid_from > day]
        if coming:
            return coming[0]
    raise LookupError(f"{name}: no rule in force on {day.isoformat()}")


def with_rules(text: str, language: str, table: tuple[Rule, ...] | None = None) -> str:
    """Fill a text's rule placeholders: {kompetansekrav} (the requirement as the law words it) and
    {kompetansekrav_fra} (the date it applies from)."""
    if "{kompetansekrav" not in text:
        return text
    r = rule("kompetansekrav_barnevern", table=table)
    return text.replace("{kompetansekrav_fra}", r.valid_from_text()).replace("{kompetansekrav}", r.text(language))


@cache
def ssb_mapping() -> tuple[MappingRow, ...]:
    return tuple(
        MappingRow(
            indicator_id=r["indicator_id"],
            table=r["table"],
            contents_code=r["contents_code"],
            contents_labels=tuple(x.strip().lower() for x in r["contents_label"].split("|")),
            selection=_parse_selection(r["selection"]),
            selection_labels=_parse_selection(r["selection_labels"]),
            aggregate=r["aggregate"],
            confidence=r["confidence"],
        )
        for r in _rows("ssb_mapping.csv")
    )


def mapping_for_table(table: str) -> tuple[MappingRow, ...]:
    return tuple(m for m in ssb_mapping() if m.table == table)


@cache
def derived() -> tuple[Derived, ...]:
    return tuple(
        Derived(
            r["indicator_id"],
            tuple(r["numerator"].split("+")),
            tuple(r["denominator"].split("+")),
            float(r["factor"]),
            int(r["decimals"]),
            DENOMINATOR_YEAR[r["denominator_year"]],
        )
        for r in _rows("derived.csv")
    )


DENOMINATOR_YEAR = {"year": 0, "year+1": 1}  # derived.csv: the denominator of the same year, or of the next


def _ids(text: str) -> tuple[str, ...]:
    return tuple(p for p in (x.strip() for x in text.split("+")) if p)


@cache
def relations() -> tuple[Relation, ...]:
    return tuple(
        Relation(
            r["kind"],
            r["indicator"],
            _ids(r["parts"]),
            _ids(r["numerator"]),
            _ids(r["denominator"]),
            float(r["factor"] or 1),
        )
        for r in _rows("relations.csv")
    )


def ssb_tables(ind: Indicator) -> list[str]:
    """The SSB table numbers named in the source note (e.g. ['12275'])."""
    return list(dict.fromkeys(re.findall(r"\b\d{5}\b", ind.source))) if ind.origin.startswith("ssb") else []


def source_label(indicators: list[Indicator], language: str = "nb") -> str:
    """'SSB (KOSTRA), tabellene 12275 og 12305; Bufdir, kommunemonitor' — readable, in the reader's language.

    The catalogue's `source` column is a working note for us (with English remarks); readers get this.
    """
    tables: list[str] = []
    others: list[str] = []
    for ind in indicators:
        found = ssb_tables(ind)
        tables += [t for t in found if t not in tables]
        if not found:
            name = (
                "SSB"
                if ind.origin.startswith("ssb")
                else words.section("source.origin", language).get(ind.origin, ind.origin)
            )
            if name not in others:
                others.append(name)
    parts = []
    if tables:
        parts.append(
            words.t(
                "source.ssb_table" if len(tables) == 1 else "source.ssb_tables",
                language,
                tables=words.join(tables, language),
            )
        )
    parts.extend(others)
    return "; ".join(parts) or "–"


def ssb_indicators() -> list[Indicator]:
    """Indicators the SSB files are expected to deliver (directly or by derivation)."""
    return [i for i in indicators().values() if i.origin in SSB_ORIGINS]
