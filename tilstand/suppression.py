"""Which stored numbers the public may not see: small counts, and every number that would give one back.

Hiding each small count on its own is not enough: a hidden count of placed children follows from the
total and the in-home count beside it, a hidden member of an intermunicipal service from the service
minus the other members. So the decision is taken for all numbers of a year together, after every write
(import, undo, a changed catalogue), and kept in the `suppression` table; `observation_public_in` (the
only way numbers leave the store) shows a cell listed there as hidden ('x', or SSB's ':').

The rules, applied until nothing changes (README «Personvern»):
- primary: SSB's ':', values stored hidden ('x') and Bufdir's «..» ('x..', hidden or missing), and a count
  from 1 to the indicator's min_count;
- complement: in a sum (total = parts, tilstand/data/relations.csv) of one region and year, a hidden
  member is never the only unknown one, and hidden members may not be pinned down by their bounds
  (two hidden counts of 1–3 adding up to 2 are both 1). The complement hidden with it is the smallest
  shown part above the limit, so the hidden sum is wide; the total is hidden only when no part can be;
- ratio: a share, rate or mean is hidden when a count it is built from is hidden (relations.csv), since
  with the other input it gives the count back;
- group: an intermunicipal service's count is hidden when one of its members' counts is hidden, or when
  the members shown leave a count of 1 to min_count to the one member not shown; within a municipality
  with districts, a second district is hidden instead, so the municipality keeps its own number;
- comparison: counts are not shown for counties, KOSTRA groups and the country at all; they are never
  compared directly (the shares are), and as totals they would give back hidden members (children in
  care, or SSB's own hidden counts of people).

Every hidden cell carries the same status and the same explanation, whatever the rule: telling a
primary from a complement would tell a reader which of two hidden counts is the small one.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import duckdb

from tilstand import catalog
from tilstand.privacy import HIDDEN_STATUSES

VERSION = 3  # raise when a rule changes: every database decides again when it is next opened
RULES = ("primary", "complement", "ratio", "group", "comparison")
COMPARISON_KINDS = ("county", "country", "kostra_group")
POPULATION = ("barn_0_17_antall", "befolkning_totalt")  # what tells whether a region's members are all stored
PROTECTIVE = frozenset(RULES) - {"comparison"}  # the rules whose hidden cells must stay unknown
# A hidden count one member away from being isolated must keep at least 2 × min_count + 1 possible values in a
# reader's eyes (7 for Bufdir's 1–3): a margin for what several rates of a region together may narrow.
PROTECTION = 2

Key = tuple[str, str]  # (indicator_id, region_code) within one year


@dataclass(frozen=True)
class Geography:
    """The regions that add up to others: services and their members, municipalities and their districts."""

    kinds: dict[str, str]
    services: dict[str, tuple[str, ...]]
    districts: dict[str, tuple[str, ...]]
    counties: dict[str, tuple[str, ...]]
    kostra: dict[tuple[str, int], tuple[str, ...]]  # (group, year) -> members
    incomplete: frozenset[tuple[str, int]] = frozenset()  # (region, year): the store lacks some members

    def comparison_members(self, year: int) -> dict[str, tuple[str, ...]]:
        """The municipalities each county, KOSTRA group and the country adds up, as a reader would take them."""
        out = dict(self.counties)
        out.update({g: m for (g, y), m in self.kostra.items() if y == year})
        out["EAK"] = tuple(sorted(c for c, k in self.kinds.items() if k == "municipality"))
        return out

    @classmethod
    def read(cls, cur: duckdb.DuckDBPyConnection, years: Iterable[int] = ()) -> Geography:
        kinds = dict(cur.execute("SELECT code, kind FROM region").fetchall())
        counties: dict[str, list[str]] = defaultdict(list)
        for code, county in cur.execute(
            "SELECT code, county_code FROM region WHERE kind = 'municipality' AND county_code IS NOT NULL ORDER BY code"
        ).fetchall():
            counties[county].append(code)
        kostra: dict[tuple[str, int], list[str]] = defaultdict(list)
        for year in years:
            for code, group in cur.execute(
                "SELECT region_code, group_code FROM kostra_membership WHERE valid_from <= $y "
                "AND (valid_to IS NULL OR valid_to >= $y) ORDER BY region_code",
                {"y": year},
            ).fetchall():
                kostra[(group, year)].append(code)
        services: dict[str, list[str]] = defaultdict(list)
        for sid, member in cur.execute("SELECT service_id, region_code FROM service_member ORDER BY ALL").fetchall():
            services[sid].append(member)
        districts: dict[str, list[str]] = defaultdict(list)
        for code, kind in sorted(kinds.items()):
            if kind == "district" and kinds.get(code[:4]) == "municipality":
                districts[code[:4]].append(code)
        geo = cls(
            kinds,
            {k: tuple(v) for k, v in services.items()},
            {k: tuple(v) for k, v in districts.items()},
            {k: tuple(v) for k, v in counties.items()},
            {k: tuple(v) for k, v in kostra.items()},
        )
        return dataclasses.replace(geo, incomplete=cls._incomplete(cur, years))

    @staticmethod
    def _incomplete(cur: duckdb.DuckDBPyConnection, years: Iterable[int]) -> frozenset[tuple[str, int]]:
        """The comparison regions whose members the store does not all hold, per year: their members' counts
        do not add up to the region's (a KOSTRA group or the country has members all over the country; a store
        of one county holds few). Judged on every count at once, so it never depends on which figures a
        decision happens to read. A region with nothing to judge by counts as complete (the safe side).
        Who belongs to whom is read in the same statement as `comparison_members` gives it, so no list of
        pairs travels from Python to the database."""
        years = sorted(set(years))
        if not years:
            return frozenset()
        rows = cur.execute(INCOMPLETE_SQL, {"inds": sorted(_sizes()), "years": years}).fetchall()
        return frozenset((parent, year) for parent, year in rows)


@dataclass(frozen=True)
class MemberStats:
    """One count (or amount) over a comparison region's members, as a reader sees them."""

    shown_sum: float
    unknown: int  # members with no number shown (hidden, missing or not imported)
    hidden: int  # of which hidden to protect a count
    complete: bool  # every member shown: the region's own figure is their sum


class Year:
    """The cells of one year that take part in any rule, and the decisions taken on them."""

    def __init__(self, year: int, cells: dict[Key, tuple[float | None, str | None]], geo: Geography):
        self.year = year
        self.cells = cells
        self.geo = geo
        self.hidden: dict[Key, str] = {}
        self.limits = {i.id: i.min_count for i in catalog.indicators().values()}
        self.units = {i.id: i.unit for i in catalog.indicators().values()}
        # every count: of children, but also SSB's hidden (':') counts of people (a county minus its members
        # would give those back too); counts are never compared directly, so none is shown for a comparison region
        self.regions_of: dict[str, set[str]] = defaultdict(set)
        for ind, region in cells:
            self.regions_of[ind].add(region)
        # only what this year's cells hold: a decision scoped to one family reads a few indicators of many
        self.counts = [i.id for i in catalog.indicators().values() if i.unit == "count" and i.id in self.regions_of]
        self.relations = tuple(
            r for r in catalog.relations() if any(i in self.regions_of for i in (r.indicator, *r.inputs))
        )
        self.protected_in: dict[str, set[str]] = defaultdict(set)  # indicator -> regions where it is protected

    # --- what a reader knows of a cell --------------------------------------------------------------------

    def value(self, key: Key) -> float | None:
        return self.cells.get(key, (None, None))[0]

    def shown_value(self, key: Key) -> float:
        """The number of a cell a reader sees (the caller checked `shown`): never None."""
        value = self.value(key)
        assert value is not None and key not in self.hidden, key
        return value

    def shown(self, key: Key) -> bool:
        return key in self.cells and self.cells[key][0] is not None and key not in self.hidden

    def protected(self, key: Key) -> bool:
        """Hidden to protect a count (not merely withheld as a comparison): what depends on it is hidden too."""
        return self.hidden.get(key) in PROTECTIVE

    def small(self, key: Key) -> bool:
        """A count the primary rule hides for its own sake: 1 to min_count, known to us."""
        v, limit = self.value(key), self.limits.get(key[0], 0)
        return self.hidden.get(key) == "primary" and v is not None and 1 <= v <= limit

    def hide(self, key: Key, rule: str) -> bool:
        if key in self.hidden or key not in self.cells:
            return False
        self.hidden[key] = rule
        if rule in PROTECTIVE:
            self.protected_in[key[0]].add(key[1])
        return True

    # --- the rules ----------------------------------------------------------------------------------------

    def primary(self) -> None:
        for key, (value, status) in self.cells.items():
            limit = self.limits.get(key[0], 0)
            if status in HIDDEN_STATUSES or (limit > 0 and value is not None and 1 <= value <= limit):
                self.hide(key, "primary")

    def settle(self) -> None:
        """Apply the rules that depend on each other until no further cell needs hiding."""
        changed = True
        while changed:
            changed = False
            for rel in self.relations:
                step = self._sum if rel.kind == "sum" else self._ratio
                for region in self._touched(rel):
                    changed |= step(rel, region)
            changed |= self._services()
            changed |= self._districts()
        self._comparisons()  # hides comparison regions' rates only: nothing above depends on them

    def withhold_comparisons(self) -> None:
        for ind in self.counts:
            for region in self.regions_of.get(ind, ()):
                if self.geo.kinds.get(region) in COMPARISON_KINDS and self.value((ind, region)) is not None:
                    self.hide((ind, region), "comparison")

    def _touched(self, rel: catalog.Relation) -> set[str]:
        """Regions where a member of the relation is protected: the only places a rule can apply."""
        return set().union(*(self.protected_in.get(i, set()) for i in (rel.indicator, *rel.inputs)))

    def _ratio(self, rel: catalog.Relation, region: str) -> bool:
        if any(self.protected((i, region)) for i in rel.inputs):
            return self.hide((rel.indicator, region), "ratio")
        return False

    def _sum(self, rel: catalog.Relation, region: str) -> bool:
        keys = [(rel.indicator, region)] + [(p, region) for p in rel.parts]
        if not self._exposed(keys, total=keys[0]):
            return False
        return self._hide_complement(keys, prefer=keys[1:], fallback=keys[:1])

    def _exposed(self, keys: list[Key], total: Key) -> bool:
        """Could a reader work out a protected member of this sum from the members shown?"""
        unknown = [k for k in keys if not self.shown(k)]
        if not any(self.protected(k) for k in unknown):
            return False
        if len(unknown) == 1:
            return True
        if not all(self.small(k) for k in unknown):
            return False  # a member no reader can bound (a complement, a missing figure) keeps the sum open
        return self._pinned(keys, unknown, total)

    def _pinned(self, keys: list[Key], unknown: list[Key], total: Key) -> bool:
        """With every unknown member a count of 1..min_count: is any of them the same in every solution?"""
        known = {k: self.shown_value(k) for k in keys if k not in unknown}  # the rest are shown
        ranges = [range(1, self.limits[k[0]] + 1) for k in unknown]
        seen: list[set[int]] = [set() for _ in unknown]
        for guess in itertools.product(*ranges):
            v = known | dict(zip(unknown, guess, strict=False))
            if v[total] == sum(v[k] for k in keys if k != total):
                for s, g in zip(seen, guess, strict=False):
                    s.add(g)
        return any(len(s) == 1 for s in seen)

    def _hide_complement(self, keys: list[Key], prefer: list[Key], fallback: list[Key]) -> bool:
        """Hide one more shown member: the smallest above the limit, so the hidden ones cannot be bounded."""

        def order(k: Key) -> tuple[bool, float]:
            v = self.value(k) or 0.0
            return (v <= self.limits.get(k[0], 0), v)

        for group in (prefer, fallback):
            candidates = sorted((k for k in group if self.shown(k) and (self.value(k) or 0) >= 1), key=order)
            if candidates:
                return self.hide(candidates[0], "complement")
        return False

    def _services(self) -> bool:
        changed = False
        for service, members in self.geo.services.items():
            for ind in self.counts:
                key = (ind, service)
                if not self.shown(key):
                    continue
                unknown = [(ind, m) for m in members if not self.shown((ind, m))]
                rest = self.shown_value(key) - sum(self.value((ind, m)) or 0 for m in members if self.shown((ind, m)))
                if any(self.protected(k) for k in unknown) or (len(unknown) == 1 and 1 <= rest <= self.limits[ind]):
                    changed |= self.hide(key, "group")
            changed |= self._parent_shares(service, members)
        return changed

    def _parent_shares(self, parent: str, members: tuple[str, ...]) -> bool:
        """A share whose part is not stored for the region (a download of Bufdir's deadline breaches with the
        share only) is hidden by the source when that part is small. The region's share, with the members'
        shares and bases, gives the members' parts back: hide it when it isolates one hidden member, or pins
        several hidden ones (all at 1, or all at the limit). A part that is stored is the count rules' work."""
        changed = False
        for rel in self.relations:
            if rel.kind != "ratio" or not self.shown((rel.indicator, parent)):
                continue
            if rel.numerator and all((n, parent) in self.cells for n in rel.numerator):
                continue
            unknown = [m for m in members if not self.shown((rel.indicator, m))]
            protected = [m for m in unknown if self.protected((rel.indicator, m))]
            if not protected:
                continue
            if len(unknown) == 1 or (
                len(unknown) == len(protected) and self._parts_pinned(rel, parent, members, len(protected))
            ):
                changed |= self.hide((rel.indicator, parent), "group")
        return changed

    def _parts_pinned(self, rel: catalog.Relation, parent: str, members: tuple[str, ...], k: int) -> bool:
        """The hidden members' parts add up to the region's part minus the shown members' parts: pinned when
        that is k (every hidden part 1) or k × the limit (every one at the limit)."""

        def part(region: str) -> float | None:
            den = [v for d in rel.denominator if (v := self.value((d, region))) is not None]
            share = self.value((rel.indicator, region))
            return None if share is None or len(den) < len(rel.denominator) else share * sum(den) / rel.factor

        whole = part(parent)
        parts = [part(m) for m in members if self.shown((rel.indicator, m))]
        shown = [p for p in parts if p is not None]
        if whole is None or len(shown) < len(parts):
            return True  # cannot tell: keep it safe
        rest = whole - sum(shown)
        limit = max((self.limits.get(d, 0) for d in rel.denominator), default=3) or 3
        return min(abs(rest - k), abs(rest - k * limit)) < 0.5

    def _districts(self) -> bool:
        changed = False
        for municipality, districts in self.geo.districts.items():
            for ind in self.counts:
                keys = [(ind, municipality)] + [(ind, d) for d in districts]
                if self.shown(keys[0]) and self._exposed(keys, total=keys[0]):
                    changed |= self._hide_complement(keys, prefer=keys[1:], fallback=keys[:1])
        return changed

    # --- what a comparison region's rates give away --------------------------------------------------------

    def _comparisons(self) -> bool:
        """A county's, KOSTRA group's or the country's counts are withheld, but its rates, with the amounts
        and counts of its members, can give such a count back (net expenses per child, to the krone, give the
        children exactly); minus the members shown, that isolates a hidden member. Hide the region's rates
        that narrow such a count, sharpest first, until no hidden member can be pinned down."""
        changed = False
        names = sorted(
            ({i for r in self.relations for i in (r.indicator, *r.inputs)} | set(self.counts)) & set(self.regions_of)
        )
        for parent, members in self.geo.comparison_members(self.year).items():
            if not any((i, parent) in self.cells for i in self.counts):
                continue
            if not any(self.protected_in.get(i, set()).intersection(members) for i in self.protected_in):
                continue
            if not self._complete(parent, members):
                continue  # members outside the store add up to the rest: nothing to isolate a member with
            changed |= self._parent_shares(parent, members)
            stats = {ind: self._member_stats(ind, members) for ind in names}
            for _ in range(len(self.relations)):
                family = self._exposed_family(parent, stats)
                candidates = [
                    r
                    for r in self.relations
                    if r.kind == "ratio" and self.shown((r.indicator, parent)) and family & set(r.inputs)
                ]
                if not candidates:
                    break
                sharpest = min(candidates, key=lambda r: self._pin_width(r, parent))
                changed |= self.hide((sharpest.indicator, parent), "group")
        return changed

    def _complete(self, parent: str, members: tuple[str, ...]) -> bool:
        """Does the store hold every member (Geography.incomplete)? Only then can members be subtracted."""
        return (parent, self.year) not in self.geo.incomplete

    def _member_stats(self, ind: str, members: tuple[str, ...]) -> MemberStats:
        protected = self.protected_in.get(ind, set()).intersection(members)
        values = []
        for m in members:
            if self.shown((ind, m)):
                values.append(self.shown_value((ind, m)))
            elif m not in protected and (derived := self._derivable(ind, m)) is not None:
                values.append(derived)  # not published, but its own rate and base give it
        unknown = len(members) - len(values)
        return MemberStats(float(sum(values)), unknown, len(protected), bool(members) and unknown == 0)

    def _derivable(self, ind: str, region: str) -> float | None:
        """A number missing from a region (SSB's '..') that the region's own shown rate pins to one value."""
        for rel in self.relations:
            if rel.kind != "ratio" or not self.shown((rel.indicator, region)) or ind not in rel.inputs:
                continue
            if len(rel.numerator) != 1 or len(rel.denominator) != 1:
                continue
            other = rel.denominator[0] if rel.numerator[0] == ind else rel.numerator[0]
            if not self.shown((other, region)):
                continue
            r, o = self.shown_value((rel.indicator, region)), self.shown_value((other, region))
            h = _half_unit(r, self.units.get(rel.indicator, ""))
            if rel.numerator[0] == ind:
                lo, hi = (r - h) * o / rel.factor, (r + h) * o / rel.factor
            elif r - h > 0:
                lo, hi = o * rel.factor / (r + h), o * rel.factor / (r - h)
            else:
                continue
            if math.floor(hi) - math.ceil(lo) < 1:
                return float(math.floor(hi))
        return None

    def _pin_width(self, rel: catalog.Relation, parent: str) -> float:
        """How many children the shown rate leaves open for its count: its rounding times the other input."""
        r = self.value((rel.indicator, parent)) or 0.0
        h = _half_unit(r, self.units.get(rel.indicator, ""))
        num = sum(self.value((i, parent)) or 0.0 for i in rel.numerator)
        den = sum(self.value((i, parent)) or 0.0 for i in rel.denominator)
        widths = [INF]
        if rel.numerator and rel.denominator:
            widths.append(2 * h * den / rel.factor)
            if r > h:
                widths.append(num * rel.factor * (1 / (r - h) - 1 / (r + h)))
        return min(widths)

    def _exposed_family(self, parent: str, stats: dict[str, MemberStats]) -> set[str]:
        """The counts (with their sum siblings) whose hidden members the region's figures would expose."""
        known = self._region_intervals(parent, stats)
        exposed: set[str] = set()
        for ind in self.counts:
            st = stats.get(ind)
            if st is None or not st.hidden:
                continue
            lo, hi = known.get(ind, (0.0, INF))
            limit = self.limits[ind]
            # what a reader can be sure of: every hidden count is at least 1, and nothing caps the others ...
            top = hi - st.shown_sum - (st.hidden - 1)
            bottom = lo - st.shown_sum if st.unknown == 1 else 1.0
            if top - max(bottom, 1.0) < PROTECTION * limit + 1:
                exposed.add(ind)
            # ... and what a reader may guess: that every hidden count is a small one (1..limit)
            if st.unknown == st.hidden:
                k = st.hidden
                g_lo = max(1.0, lo - st.shown_sum - (k - 1) * limit)
                g_hi = min(float(limit), hi - st.shown_sum - (k - 1))
                if g_lo <= g_hi and math.floor(g_hi) - math.ceil(g_lo) < 1:
                    exposed.add(ind)
        for rel in self.relations:
            if rel.kind == "sum" and exposed & {rel.indicator, *rel.parts}:
                exposed |= {rel.indicator, *rel.parts}
        return exposed

    def _region_intervals(self, parent: str, stats: dict[str, MemberStats]) -> dict[str, tuple[float, float]]:
        """What a reader can know of each count and amount of the region: shown, the sum of members all shown,
        or narrowed by the region's shown rates and sums (bounds propagation, a few rounds)."""
        iv: dict[str, tuple[float, float]] = {}
        for ind in stats:
            if self.shown((ind, parent)):
                v = self.shown_value((ind, parent))
                iv[ind] = (v, v)
            elif stats[ind].complete:
                iv[ind] = (stats[ind].shown_sum, stats[ind].shown_sum)
            else:  # the members shown, plus at least 1 for each member hidden to protect a count
                iv[ind] = (stats[ind].shown_sum + stats[ind].hidden, INF)

        def total(ids: tuple[str, ...]) -> tuple[float, float]:
            return sum(iv.get(i, (0.0, INF))[0] for i in ids), sum(iv.get(i, (0.0, INF))[1] for i in ids)

        def narrow(ind: str, lo: float, hi: float) -> bool:
            old = iv.get(ind, (0.0, INF))
            new = (max(old[0], lo), min(old[1], hi))
            if new[0] > new[1] or new == old:
                return False
            iv[ind] = new
            return True

        def narrow_sum(ids: tuple[str, ...], lo: float, hi: float) -> bool:
            """The parts of a sum whose total lies in [lo, hi] (the year's breaches are both half-years')."""
            moved = False
            for p in ids:
                olo, ohi = total(tuple(q for q in ids if q != p))
                moved |= narrow(p, lo - ohi, hi - olo)
            return moved

        for _ in range(4):
            moved = False
            for rel in self.relations:
                if rel.kind == "sum":
                    lo, hi = total(rel.parts)
                    moved |= narrow(rel.indicator, lo, hi)
                    t = iv.get(rel.indicator, (0.0, INF))
                    for p in rel.parts:
                        others = tuple(q for q in rel.parts if q != p)
                        olo, ohi = total(others)
                        moved |= narrow(p, t[0] - ohi, t[1] - olo)
                    continue
                if not self.shown((rel.indicator, parent)) or not rel.numerator or not rel.denominator:
                    continue
                r = self.shown_value((rel.indicator, parent))
                h = _half_unit(r, self.units.get(rel.indicator, ""))
                n, d = total(rel.numerator), total(rel.denominator)
                moved |= narrow_sum(rel.numerator, max(r - h, 0) * d[0] / rel.factor, (r + h) * d[1] / rel.factor)
                if r - h > 0:
                    moved |= narrow_sum(rel.denominator, n[0] * rel.factor / (r + h), n[1] * rel.factor / (r - h))
            if not moved:
                break
        return iv


INF = float("inf")
DISPLAY_DECIMALS = {"percent": 1, "per_1000": 1, "ratio": 1, "nok": 0, "nok_1000": 0}


def _half_unit(value: float, unit: str) -> float:
    """Half the last digit a reader sees of a value: the one shown, or more if the stored value has more."""
    for d in range(0, 7):
        if abs(round(value, d) - value) < 1e-9:
            return 0.5 * 10 ** -max(d, DISPLAY_DECIMALS.get(unit, 2))
    return 0.5e-7


def _years(cur: duckdb.DuckDBPyConnection, years: Iterable[int] | None) -> list[int]:
    if years is None:
        return [r[0] for r in cur.execute("SELECT DISTINCT year FROM observation ORDER BY 1").fetchall()]
    return sorted(set(years))


@cache
def _sizes() -> frozenset[str]:
    """Counts of anything (people, children, staff): members add up to their region."""
    return frozenset({*POPULATION, *(i.id for i in catalog.indicators().values() if i.unit == "count")})


# A region is complete in a year when some count is stored for it and every member, and every such count adds
# up; otherwise some members are not in the store (or not for any count), and none can be isolated through it.
INCOMPLETE_SQL = """
WITH years AS (SELECT unnest($years::INTEGER[]) AS year),
municipality AS (SELECT code, county_code FROM region WHERE kind = 'municipality'),
comparison_pairs AS (  -- Geography.comparison_members, for every year asked
    SELECT y.year, m.county_code AS parent, m.code AS member FROM years y, municipality m
    WHERE m.county_code IS NOT NULL
    UNION ALL
    SELECT y.year, k.group_code, k.region_code FROM years y JOIN kostra_membership k
        ON k.valid_from <= y.year AND (k.valid_to IS NULL OR k.valid_to >= y.year)
    UNION ALL
    SELECT y.year, 'EAK', m.code FROM years y, municipality m
),
sizes AS (SELECT year, parent, count(*) AS n FROM comparison_pairs GROUP BY ALL),
sums AS (
    SELECT p.year, p.parent, o.indicator_id, sum(o.value) AS total, count(o.value) AS n
    FROM comparison_pairs p JOIN observation o ON o.region_code = p.member AND o.year = p.year
    WHERE list_contains($inds, o.indicator_id)
    GROUP BY ALL
)
SELECT s.parent, s.year
FROM sums s JOIN sizes z USING (year, parent)
JOIN observation r ON r.region_code = s.parent AND r.year = s.year AND r.indicator_id = s.indicator_id
WHERE r.value IS NOT NULL
GROUP BY ALL
-- complete: some count is there for every member, and every such count adds up
HAVING NOT (bool_or(s.n = z.n) AND bool_and(s.n < z.n OR abs(s.total - r.value) < 0.5))
"""


@cache
def _ruled() -> frozenset[str]:
    """The indicators a rule beyond the primary one can touch: those in a relation, and the counts."""
    inds = catalog.indicators().values()
    return frozenset(
        {i for r in catalog.relations() for i in (r.indicator, *r.inputs)} | {i.id for i in inds if i.unit == "count"}
    )


@cache
def _links() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """How a change spreads: both ways between the members of a sum and between a rate and a count it is built
    on (a count hides its rates; a rate, with the members, can expose a count); one way from a base that is no
    count of people in care (the population, an amount) to the rates built on it."""
    connectors = {i.id for i in catalog.indicators().values() if i.min_count > 0}
    both: dict[str, set[str]] = defaultdict(set)
    onward: dict[str, set[str]] = defaultdict(set)
    for rel in catalog.relations():
        if rel.kind == "sum":
            members = {rel.indicator, *rel.parts}
            for m in members:
                both[m] |= members - {m}
            continue
        for i in rel.inputs:
            if i in connectors:
                both[i].add(rel.indicator)
                both[rel.indicator].add(i)
            else:
                onward[i].add(rel.indicator)
    return ({k: frozenset(v) for k, v in both.items()}, {k: frozenset(v) for k, v in onward.items()})


def family(indicators: Iterable[str]) -> frozenset[str]:
    """Every indicator whose suppression a change to these indicators can alter: decided again together."""
    both, onward = _links()
    seen = set(indicators)
    todo = list(seen)
    while todo:
        x = todo.pop()
        for y in both.get(x, frozenset()) | onward.get(x, frozenset()):
            if y not in seen:
                seen.add(y)
                if y in both:  # a base reached one way spreads no further than its rates
                    todo.append(y)
    return frozenset(seen)


def _inputs_of(inds: frozenset[str]) -> frozenset[str]:
    """What deciding these needs to read besides them: the other inputs of their relations, the populations."""
    out = set(POPULATION)
    for rel in catalog.relations():
        if inds & {rel.indicator, *rel.inputs}:
            out |= {rel.indicator, *rel.inputs}
    return frozenset(out)


def decide(
    cur: duckdb.DuckDBPyConnection, years: Sequence[int], geo: Geography, scope: frozenset[str] | None = None
) -> dict[int, dict[Key, str]]:
    """Every hidden cell of each year among the indicators the rules reason about (or those in `scope`), with
    the rule that hid it. Each year is decided on its own; their cells are read in one statement."""
    wanted = _ruled() if scope is None else scope | _inputs_of(scope)
    cells: dict[int, dict[Key, tuple[float | None, str | None]]] = {y: {} for y in years}
    for i, r, y, v, s in cur.execute(
        "SELECT indicator_id, region_code, year, value, status FROM observation "
        "WHERE list_contains($years, year) AND list_contains($wanted, indicator_id)",
        {"years": list(years), "wanted": sorted(wanted)},
    ).fetchall():
        cells[y][(i, r)] = (v, s)
    return {y: _decide_year(Year(y, cells[y], geo), scope) for y in years}


def _decide_year(y: Year, scope: frozenset[str] | None) -> dict[Key, str]:
    y.primary()
    y.withhold_comparisons()  # first: the comparison rules reason about what readers can work out without them
    y.settle()
    if scope is None:
        return y.hidden
    return {k: rule for k, rule in y.hidden.items() if k[0] in scope}


# The primary rule for every other indicator, in one statement (the same rule as Year.primary).
PRIMARY_SQL = """
INSERT INTO suppression
SELECT o.indicator_id, o.region_code, o.year, 'primary'
FROM observation o JOIN indicator i ON i.id = o.indicator_id
WHERE list_contains($years, o.year) AND NOT list_contains($ruled, o.indicator_id)
  AND ($all OR list_contains($plain, o.indicator_id))
  AND (o.status IN (':', 'x', 'x..') OR (i.min_count > 0 AND o.value BETWEEN 1 AND i.min_count))
"""


def refresh(
    cur: duckdb.DuckDBPyConnection, years: Iterable[int] | None = None, indicators: Iterable[str] | None = None
) -> dict[str, int]:
    """Decide again for the given years (None: all) and store it; run inside the write's transaction so the
    numbers and what may be shown of them always change together. `indicators`: what the write changed — then
    only their family (see `family`) is decided again, which is all that can have moved. Returns the hidden
    cells per rule among those decided."""
    todo = _years(cur, years)
    geo = Geography.read(cur, todo)
    if indicators is None:
        scope, plain = None, []
        cur.execute("DELETE FROM suppression WHERE list_contains($years, year)", {"years": todo})
    else:
        changed = set(indicators)
        scope = family(changed & _ruled())
        plain = sorted(changed - _ruled())
        cur.execute(
            "DELETE FROM suppression WHERE list_contains($years, year) AND list_contains($inds, indicator_id)",
            {"years": todo, "inds": sorted(scope | set(plain))},
        )
    rows = [
        (ind, region, year, rule)
        for year, hidden in decide(cur, todo, geo, scope).items()
        for (ind, region), rule in hidden.items()
    ]
    cur.execute(PRIMARY_SQL, {"years": todo, "ruled": sorted(_ruled()), "all": indicators is None, "plain": plain})
    if rows:  # passed as lists: no frame to build, no Arrow to load
        cur.execute(
            "INSERT INTO suppression SELECT unnest($i), unnest($r), unnest($y), unnest($rule)",
            {k: list(col) for k, col in zip(("i", "r", "y", "rule"), zip(*rows, strict=False), strict=False)},
        )
    return dict(
        cur.execute(
            "SELECT rule, count(*) FROM suppression WHERE list_contains($years, year) GROUP BY 1", {"years": todo}
        ).fetchall()
    )
