"""The area pages' logic: which areas exist, their headline figures, and the verdict in words.

A council member should answer "are we better or worse than similar municipalities, and is it
improving?" in ten seconds. Each area (tilstand/data/areas.csv) names the three to five indicators that
matter most; for each, the headline gives the value, the change from last year and the comparison with
the KOSTRA group, county, country and the leader's peers, worded by the indicator's direction. Where an
indicator has no direction (coverage, economy), the words say higher or lower, never better or worse.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import duckdb

from tilstand import catalog, fmt, queries, symbols, words
from tilstand.catalog import Indicator
from tilstand.privacy import is_hidden
from tilstand.profile import COUNT_UNITS, Profile, ProfileRow, Value, verdict

# Peers whose values are hidden or missing do not count; a mean over fewer than this share of them says
# too little about "similar municipalities" to be shown.
PEER_MIN_SHARE = 0.5


@dataclass(frozen=True)
class Area:
    key: str  # also the page's URL path
    title: str
    catalog_areas: tuple[str, ...]
    headline: tuple[str, ...]  # indicator ids, the most important first
    question: str  # what the page answers, one or two sentences

    def indicators(self) -> list[Indicator]:
        """Every shown catalogue indicator of the area, headline ones first."""
        inds = catalog.indicators()
        rest = [i for i in inds.values() if i.area in self.catalog_areas and i.show and i.id not in self.headline]
        return [inds[i] for i in self.headline if i in inds] + rest


@cache
def areas() -> tuple[Area, ...]:
    text = files("tilstand.data").joinpath("areas.csv").read_text(encoding="utf-8")
    known = catalog.indicators()
    out = []
    for r in csv.DictReader(text.splitlines()):
        headline = tuple(r["headline"].split())
        missing = [i for i in headline if i not in known]
        if missing:
            raise ValueError(f"areas.csv: area {r['key']!r} names unknown indicators {missing}")
        out.append(Area(r["key"], r["title_nb"], tuple(r["catalog_areas"].split()), headline, r["question_nb"]))
    return tuple(out)


def area(key: str) -> Area:
    for a in areas():
        if a.key == key:
            return a
    raise KeyError(key)


@dataclass(frozen=True)
class PeerMean:
    value: float | None  # None when too few peers have a shown value
    shown: int  # peers with a shown value
    total: int  # peers chosen


def peer_means(
    con: duckdb.DuckDBPyConnection, peers: Sequence[str], year: int, indicator_ids: Sequence[str]
) -> dict[str, PeerMean]:
    """The unweighted mean of the peers' shown values per indicator for one year.

    Hidden values (privacy) never enter the mean; a mean resting on fewer than half the peers is not
    given, since it would describe a few municipalities, not the chosen set.
    """
    if not peers:
        return {}
    df = queries.run(
        con, "peer_values", regions=list(peers), from_year=year, to_year=year, indicators=list(indicator_ids)
    )
    values: dict[str, list[float]] = {}
    for ind, v, status in df.select("indicator_id", "value", "status").iter_rows():
        if v is not None and not is_hidden(status):
            values.setdefault(ind, []).append(v)
    out = {}
    for ind in indicator_ids:
        got = values.get(ind, [])
        enough = got and len(got) >= PEER_MIN_SHARE * len(peers)
        out[ind] = PeerMean(sum(got) / len(got) if enough else None, len(got), len(peers))
    return out


@dataclass(frozen=True)
class Comparison:
    role: str  # group | county | country | peers
    name: str  # "KOSTRA-gruppe 12", "Trøndelag", "Landet", "Sammenligningskommunene (snitt av 6)"
    value: Value
    verdict: str | None  # better | worse | same | higher | lower | None (no number or a size)


@dataclass(frozen=True)
class Headline:
    indicator: Indicator
    own: Value
    previous: Value
    comparisons: tuple[Comparison, ...]

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def value_text(self) -> str:
        return self.own.text(self.unit)

    @property
    def change(self) -> float | None:
        """Change between the rounded values, so '4,9 from 4,8' reads +0,1, never a puzzling 0,0."""
        if self.own.shown and self.previous.shown:
            return fmt.shown_difference(self.own.value, self.previous.value, self.unit)  # type: ignore[arg-type]
        return None

    @property
    def change_verdict(self) -> str | None:
        """better | worse | same (directed indicators) or higher | lower | same (the rest)."""
        return verdict_words(self.indicator, self.own, self.previous)

    def change_text(self, year: int) -> str:
        """'+1,2 %-poeng fra 2023 (bedre)' or why there is no change to show."""
        if not self.own.shown:
            return ""
        if self.change is None:
            return words.t("dashboard.no_previous", "nb", year=year - 1)
        text = words.t(
            "dashboard.change",
            "nb",
            change=fmt.change(self.change, self.unit) or fmt.value(0, self.unit),
            year=year - 1,
        )
        if self.change_verdict in ("better", "worse", "same"):
            return f"{text} ({words.t(f'dashboard.change_word.{self.change_verdict}', 'nb')})"
        return text

    def comparison_text(self) -> str:
        """'KOSTRA-gruppe 11,0 % · Landet 10,2 %' for the shown comparisons."""
        return " · ".join(f"{c.name}: {c.value.text(self.unit)}" for c in self.comparisons if c.value.shown)

    def verdict_text(self) -> str:
        """'Bedre enn KOSTRA-gruppen og sammenligningskommunene, dårligere enn landet.' — in words (WCAG 1.4.1)."""
        if not self.own.shown:
            if self.own.mark == symbols.NOT_IMPORTED:
                return words.t("dashboard.not_imported", "nb", source=catalog.source_label([self.indicator]))
            return self.own.note[0].upper() + self.own.note[1:] + "."
        if self.indicator.unit in COUNT_UNITS:
            return words.t("dashboard.count", "nb")
        groups: dict[str, list[str]] = {}
        for c in self.comparisons:
            if c.verdict:
                groups.setdefault(c.verdict, []).append(words.t(f"comparison.{c.role}", "nb"))
        parts = [f"{words.t(f'verdict.{k}', 'nb')} {words.join(v, 'nb')}" for k, v in groups.items()]
        if not parts:
            return words.t("dashboard.no_comparison", "nb")
        text = ", ".join(parts) + "."
        return text[0].upper() + text[1:]


def verdict_words(ind: Indicator, own: Value, other: Value) -> str | None:
    """better/worse/same for directed indicators; higher/lower/same for the rest; None without numbers."""
    if ind.unit in COUNT_UNITS or not (own.shown and other.shown):
        return None
    if ind.better in ("higher", "lower"):
        return verdict(ind, own, other)
    diff = fmt.shown_difference(own.value, other.value, ind.unit)  # type: ignore[arg-type]
    return "same" if diff == 0 else ("higher" if diff > 0 else "lower")


def headlines(
    profile: Profile, area_: Area, *, compare: Sequence[str], peers: dict[str, PeerMean] | None = None
) -> list[Headline]:
    """The area's headline figures for the profile's municipality and year, against the chosen comparisons."""
    rows = {r.indicator.id: r for r in profile.rows}
    inds = catalog.indicators()
    compare = available(profile, compare)
    out = []
    for ind_id in area_.headline:
        row = rows.get(ind_id)
        if row is None:  # nothing imported for this municipality: shown as such, never left out silently
            none = Value(None, None)
            row = ProfileRow(inds[ind_id], none, none, none, none, none)
        out.append(
            Headline(
                row.indicator,
                row.own,
                row.previous,
                tuple(_comparisons(profile, row, compare, (peers or {}).get(ind_id))),
            )
        )
    return out


def available(profile: Profile, compare: Sequence[str]) -> list[str]:
    """The chosen comparisons the profile's year has: no KOSTRA group before the first grouping loaded (SSB's
    2020 grouping applies from the 2020 figures), so no group line, verdict or chart line for those years."""
    return [c for c in compare if c != "group" or profile.kostra_group]


def _comparisons(profile: Profile, row: ProfileRow, compare: Sequence[str], peer: PeerMean | None):
    if not row.compared:  # a count or an amount is a size: never set beside a county's or group's total
        return
    for role in compare:
        if role == "peers":
            if peer is None:
                continue
            value = Value(peer.value, None if peer.value is not None else "..")
            name = words.t("comparison.peers_mean", "nb", n=peer.shown)
        else:
            value = getattr(row, role)
            if role == "country":
                name = words.t("comparison.label.country", "nb")
            else:  # the group's or county's own name; without one, the word for it
                name = profile.names.get(role) or words.t(
                    "comparison.group" if role == "group" else "comparison.label.county", "nb"
                )
        yield Comparison(role, name, value, verdict_words(row.indicator, row.own, value))


def summary(region_name: str, year: int, items: list[Headline], compare: Sequence[str]) -> str:
    """Two or three sentences a council member can read aloud: where the service stands, where it is going."""
    shown = [h for h in items if h.own.shown and h.indicator.unit not in COUNT_UNITS]
    directed = [h for h in shown if h.indicator.better in ("higher", "lower")]
    neutral = [h for h in shown if h.indicator.better not in ("higher", "lower")]
    main = next((r for r in ("peers", "group", "country", "county") if r in compare), None)
    sentences = []
    against = words.t(f"comparison.{main}", "nb") if main else ""
    if main and directed:
        v = _verdicts(directed, main)
        sentences.append(
            words.t(
                "dashboard.directed",
                "nb",
                against=against,
                region=region_name,
                better=v.count("better"),
                worse=v.count("worse"),
                total=_count(len(directed)),
                year=year,
            )
            + (f" {words.t('dashboard.directed_missing', 'nb', n=v.count(None))}." if None in v else ".")
        )
    if main and neutral:
        v = _verdicts(neutral, main)
        parts = [
            words.t("dashboard.neutral_higher", "nb", against=against, n=v.count("higher")),
            words.t("dashboard.neutral_lower", "nb", n=v.count("lower")),
        ]
        if "same" in v:
            parts.append(words.t("dashboard.neutral_same", "nb", n=v.count("same")))
        sentences.append(
            words.t(
                "dashboard.neutral",
                "nb",
                count=_count(len(neutral), neutral=True).capitalize(),
                region=region_name,
                parts=words.join(parts, "nb"),
            )
        )
    if directed:
        c = [h.change_verdict for h in directed]
        sentences.append(
            words.t(
                "dashboard.changed",
                "nb",
                last=year - 1,
                year=year,
                better=c.count("better"),
                worse=c.count("worse"),
                same=c.count("same"),
            )
            + (f"; {words.t('dashboard.changed_missing', 'nb', n=c.count(None))}." if None in c else ".")
        )
    missing = len(items) - len([h for h in items if h.own.shown])
    if missing:
        sentences.append(words.t("dashboard.hidden", "nb", n=missing, total=len(items)))
    if not sentences:
        return words.t("dashboard.none", "nb", region=region_name, year=year)
    return " ".join(sentences)


def _verdicts(items: list[Headline], role: str) -> list[str | None]:
    return [next((c.verdict for c in h.comparisons if c.role == role), None) for h in items]


def _count(n: int, *, neutral: bool = False) -> str:
    if neutral:
        return words.t("dashboard.count_neutral", "nb", n=n) if n != 1 else words.t("dashboard.count_neutral_one", "nb")
    return words.t("dashboard.count_directed", "nb", n=n) if n != 1 else words.t("dashboard.count_directed_one", "nb")
