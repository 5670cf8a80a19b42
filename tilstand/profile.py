"""The service profile (tjenesteprofil): every indicator for one municipality and year, against its
KOSTRA group, county and the country, with a verdict by the indicator's direction and a trend."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import polars as pl

from tilstand import catalog, fmt, queries, symbols, words
from tilstand.catalog import Indicator
from tilstand.privacy import explain, is_hidden

TREND_YEARS = 10
COMPARISONS = ("group", "county", "country")
COUNT_UNITS = ("count", "nok_1000")
# A KOSTRA group guessed from population (kostra_membership.csv), not SSB's own grouping, is named with
# ESTIMATED after it and explained wherever it is shown; `tilstand fetch-klass` loads SSB's.
ESTIMATED = "(anslått)"
# Said to the leader in the app (the DOCX says report.group_estimated): the group is a guess until fetch-klass runs.
GROUP_ESTIMATED_NOTE = words.t("profile.group_estimated", "nb")


@dataclass(frozen=True)
class Value:
    value: float | None
    status: str | None
    area: str | None = None  # the indicator's catalogue area: says «for få ansatte» rather than «få barn»
    absent: symbols.Mark | None = None  # why there is nothing to compare with at all (no KOSTRA group that year)

    @property
    def shown(self) -> bool:
        return self.value is not None and not is_hidden(self.status)

    def text(self, unit: str) -> str:
        """The value in Norwegian format, or SSB's symbol for why there is none (tilstand/symbols.py)."""
        return fmt.value(self.value, unit) if self.shown else self.mark.symbol  # type: ignore[union-attr]

    @property
    def mark(self) -> symbols.Mark | None:
        """The symbol and reason in place of the number (None: the number is shown)."""
        if self.shown:
            return None
        return self.absent or symbols.mark(self.value, self.status, area=self.area)

    @property
    def note(self) -> str:
        if not self.shown:
            return symbols.explain(self.mark)  # type: ignore[arg-type]
        return explain(self.status, self.area) if self.status else ""


@dataclass(frozen=True)
class ProfileRow:
    indicator: Indicator
    own: Value
    previous: Value
    group: Value
    county: Value
    country: Value
    trend: tuple[tuple[int, float | None], ...] = field(default=())

    @property
    def compared(self) -> bool:
        """False for a count or an amount: a size is never set beside a county's, group's or country's total."""
        return self.indicator.unit not in COUNT_UNITS

    def verdict(self, other: str = "group") -> str | None:
        """'better' | 'worse' | 'same' against a comparison, or None when direction or data is missing."""
        return verdict(self.indicator, self.own, getattr(self, other))

    @property
    def change(self) -> float | None:
        if self.own.shown and self.previous.shown:
            return self.own.value - self.previous.value  # type: ignore[operator]
        return None


@dataclass(frozen=True)
class Profile:
    region_code: str
    region_name: str
    year: int
    kostra_group: str | None
    county_code: str | None
    rows: tuple[ProfileRow, ...]
    sample: bool
    boundary_note: str | None
    names: dict[str, str]
    group_estimated: bool = False  # the KOSTRA group is guessed from population: names["group"] says «(anslått)»

    def by_area(self) -> dict[str, list[ProfileRow]]:
        out: dict[str, list[ProfileRow]] = {a: [] for a in catalog.AREA_ORDER}
        for r in self.rows:
            out.setdefault(r.indicator.area, []).append(r)
        return {a: rows for a, rows in out.items() if rows}

    def missing_areas(self) -> list[str]:
        have = {r.indicator.area for r in self.rows}
        return [catalog.AREAS_NB[a] for a in catalog.AREA_ORDER if a not in have]


def verdict(ind: Indicator, own: Value, other: Value) -> str | None:
    # A count is a size, not a level: 12 FTEs against a KOSTRA group's 900 says nothing about better,
    # whatever its catalogue direction says.
    if ind.better not in ("higher", "lower") or ind.unit in COUNT_UNITS or not (own.shown and other.shown):
        return None
    diff = fmt.shown_difference(own.value, other.value, ind.unit)  # type: ignore[arg-type]
    if diff == 0:
        return "same"
    return "better" if (diff > 0) == (ind.better == "higher") else "worse"


def _region_name(con: duckdb.DuckDBPyConnection, code: str | None) -> str:
    if not code:
        return ""
    df = queries.run(con, "region", code=code)
    return df["name"][0] if df.height else code


def build(con: duckdb.DuckDBPyConnection, region: str, year: int) -> Profile:
    indicators = catalog.indicators()
    df = queries.run(con, "profile", region=region, year=year)
    trend = queries.run(con, "trend", region=region, from_year=year - TREND_YEARS + 1, to_year=year)
    series: dict[str, dict[int, float | None]] = {}
    for ind, y, v in trend.select("indicator_id", "year", "value").iter_rows():
        series.setdefault(ind, {})[y] = v
    years = range(year - TREND_YEARS + 1, year + 1)
    order = {i: n for n, i in enumerate(indicators)}
    # years before the first grouping loaded (SSB's 2020 grouping applies from the 2020 figures) have no group
    no_group = df.height > 0 and df["kostra_group"][0] is None
    rows = []
    for r in sorted(df.iter_rows(named=True), key=lambda r: order.get(r["indicator_id"], 999)):
        ind = indicators.get(r["indicator_id"])
        if ind is None:
            continue
        s = series.get(ind.id, {})
        rows.append(
            ProfileRow(
                indicator=ind,
                own=Value(r["value"], r["status"], ind.area),
                previous=Value(r["prev_value"], r["prev_status"], ind.area),
                group=Value(r["group_value"], r["group_status"], ind.area, symbols.NO_GROUP if no_group else None),
                county=Value(r["county_value"], r["county_status"], ind.area),
                country=Value(r["country_value"], r["country_status"], ind.area),
                trend=tuple((y, s.get(y)) for y in years),
            )
        )
    info = queries.run(con, "region", code=region)
    name = info["name"][0] if info.height else region
    boundary_from = info["boundary_from"][0] if info.height else None
    kostra_group = df["kostra_group"][0] if df.height else None
    estimated = bool(kostra_group and df["kostra_group_estimated"][0])
    county = df["county_code"][0] if df.height else None
    sample = queries.run(con, "sample_share", region=region)
    boundary = None
    if boundary_from and year - TREND_YEARS + 1 < boundary_from:
        boundary = (
            f"{name} fikk dagens grenser i {boundary_from}. Tall for årene før gjelder området slik det "
            "er i dag (sammenslått tidsserie fra SSB), ikke kommunen slik den var da."
        )
    return Profile(
        region_code=region,
        region_name=name,
        year=year,
        kostra_group=kostra_group,
        county_code=county,
        rows=tuple(rows),
        sample=bool(sample["sample_rows"][0]),
        boundary_note=boundary,
        group_estimated=estimated,
        names={
            "group": _region_name(con, kostra_group) + (f" {ESTIMATED}" if estimated else ""),
            "county": _region_name(con, county),
            "country": _region_name(con, "EAK"),
        },
    )


def municipalities(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return queries.run(con, "municipalities")
