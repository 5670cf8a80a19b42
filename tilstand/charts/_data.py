"""Every read a chart makes from the store, all through the suppressed view (`observation_public_in`).

The charts show the same suppressed numbers as the service profile, so a value hidden for privacy never
reaches a figure, a table or a mean. The kinds read nothing themselves: they ask here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb

from tilstand import queries
from tilstand.charts._model import TREND_YEARS


def rows(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[dict[str, Any]]:
    """A query from queries/ as a list of dicts: half the time of a Polars frame for a few hundred rows,
    which counts when a page builds ten charts per rerun."""
    cur = con.cursor()
    try:
        cur.execute(queries.sql(name), params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=False)) for r in cur.fetchall()]
    finally:
        cur.close()


def compare_rows(
    con: duckdb.DuckDBPyConnection,
    region: str,
    year: int,
    from_year: int,
    to_year: int,
    indicators: Sequence[str],
    peers: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The region, its comparisons and its peers with their public values, one dict per (role, region,
    indicator, year) that has an observation, and one with indicator_id None for a region without any
    (so its name is known). Keys: role (own, group, county, country, peer), region_code, region_name,
    indicator_id, year, value, status, sample, imported_at. Ordered by role, then name, indicator, year.
    """
    return Prefetch(con, region, year, indicators, peers, from_year=from_year).get(
        indicators, from_year, to_year, with_peers=True
    )


class Prefetch:
    """The regions and values of several charts of one region and year, read once.

    The suppression macro costs the same for one indicator as for ten, so a page that builds ten
    charts reads them in one go (see build_many) instead of ten times. `indicators`: trend and position
    charts (the region, its comparisons and peers, ten years); `service_indicators`: members charts
    (the region's intermunicipal service and its members, the report year).
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        region: str,
        year: int,
        indicators: Iterable[str],
        peers: Sequence[str] = (),
        *,
        from_year: int | None = None,
        service_indicators: Iterable[str] = (),
    ):
        indicators, service_indicators = list(indicators), list(service_indicators)
        first = year - TREND_YEARS + 1 if from_year is None else from_year
        self.regions = rows(con, "chart_regions", region=region, year=year, peers=list(peers)) if indicators else []
        self.values = self._values(con, self.regions, indicators, first, year)
        self.service = rows(con, "chart_service", region=region) if service_indicators else []
        self.service_values = self._values(con, self.service, service_indicators, year, year)

    @staticmethod
    def _values(
        con: duckdb.DuckDBPyConnection, regions: list[dict], indicators: list[str], from_year: int, to_year: int
    ) -> dict[tuple[str, str], list[dict]]:
        out: dict[tuple[str, str], list[dict]] = {}
        if not regions or not indicators:
            return out
        for v in rows(
            con,
            "chart_values",
            regions=list({r["region_code"] for r in regions}),
            indicators=indicators,
            from_year=from_year,
            to_year=to_year,
        ):
            out.setdefault((v["region_code"], v["indicator_id"]), []).append(v)
        return out

    def get(self, indicators: Sequence[str], from_year: int, to_year: int, *, with_peers: bool) -> list[dict[str, Any]]:
        """Rows as compare_rows gives them, for these indicators and years (peers only if asked)."""
        regions = [r for r in self.regions if with_peers or r["role"] != "peer"]
        return _joined(regions, self.values, indicators, from_year, to_year)

    def members(self, indicator: str) -> list[dict[str, Any]]:
        """The service first, then its members, each with its value row (or a blank one); [] for no service."""
        return _joined(self.service, self.service_values, [indicator], 0, 9999)


def _joined(
    regions: list[dict],
    values: dict[tuple[str, str], list[dict]],
    indicators: Sequence[str],
    from_year: int,
    to_year: int,
) -> list[dict[str, Any]]:
    blank = {"indicator_id": None, "year": None, "value": None, "status": None, "sample": False, "imported_at": None}
    out: list[dict[str, Any]] = []
    for r in regions:
        found = [
            v
            for i in sorted(indicators)
            for v in values.get((r["region_code"], i), ())
            if from_year <= v["year"] <= to_year
        ]
        out.extend({**r, **v} for v in found or [blank])
    return out


def updated(
    con: duckdb.DuckDBPyConnection,
    indicator_ids: Sequence[str],
    regions: Sequence[str],
    *,
    from_year: int = 0,
    to_year: int = 9999,
) -> date | None:
    """When the newest shown value of these indicators and regions was imported (None: no shown value).

    Builders that already read `imported_at` with their values take the latest of those instead.
    """
    found = rows(
        con,
        "chart_updated",
        indicators=list(indicator_ids),
        regions=list(regions),
        from_year=from_year,
        to_year=to_year,
    )
    newest = found[0]["imported_at"] if found else None
    return newest.date() if newest else None


def latest(values: Iterable[datetime | None]) -> datetime | None:
    """The newest of some import times (None when there are none)."""
    return max((v for v in values if v is not None), default=None)


# --- one region's values in the report year and the year before (10-FAKTOR, user surveys) ------------


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    county: str | None


@dataclass(frozen=True)
class Value:
    value: float | None  # None: hidden or a symbol
    status: str | None
    sample: bool
    imported_at: datetime | None


Values = dict[tuple[str, str, int], Value]  # (region, indicator, year) -> value


def region(con: duckdb.DuckDBPyConnection, code: str) -> Region:
    """The region's name and county (an unknown code names itself)."""
    df = queries.run(con, "region", code=code)
    if df.is_empty():
        return Region(code, code, None)
    r = df.row(0, named=True)
    return Region(r["code"], r["name"], r["county_code"])


def values(con: duckdb.DuckDBPyConnection, regions: Iterable[str], indicators: Iterable[str], year: int) -> Values:
    """Public values in the report year and the year before. The regions go in as a plain list: the
    suppression macro then filters before it scans (see queries/chart_regions.sql)."""
    df = queries.run(
        con,
        "chart_values",
        regions=list(dict.fromkeys(regions)),
        indicators=list(indicators),
        from_year=year - 1,
        to_year=year,
    )
    return {
        (v["region_code"], v["indicator_id"], v["year"]): Value(v["value"], v["status"], v["sample"], v["imported_at"])
        for v in df.iter_rows(named=True)
    }


def kostra_group_members(con: duckdb.DuckDBPyConnection, region: str, year: int) -> list[str]:
    """The other municipalities of the region's KOSTRA group in the year (codes)."""
    return queries.run(con, "kostra_group_members", region=region, year=year)["region_code"].to_list()
