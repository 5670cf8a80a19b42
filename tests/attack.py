"""An attacker with read access to every municipality, written apart from tilstand/suppression.py.

It sees only what the app shows (the public view: hidden cells as NULL with 'x' or ':'), knows every
arithmetic tie a careful reader would use — the sums and ratios of tilstand/data/relations.csv, every
region as the sum of its members (county, country, KOSTRA group, intermunicipal service, municipality
and its districts), and that a shown ratio was rounded to the decimals it is shown with — and narrows
each unknown count to an interval by propagating those ties until nothing changes (bounds consistency).
A hidden cell whose interval holds a single whole number is *determined*; it is *recovered* when that
number is the stored one.

Two readings of a hidden count:
- "sound": a hidden count is at least 1 (the app never hides a zero to protect another cell), otherwise
  unbounded — what a reader can be sure of;
- "primaries": every hidden count of a municipality is assumed to be a small count (1..min_count), the
  guess that pins two hidden counts adding up to 2. Only recoveries count under a guess.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb

from tilstand import catalog

INF = math.inf
DISPLAY_DECIMALS = {"percent": 1, "per_1000": 1, "ratio": 1, "nok": 0, "nok_1000": 0, "count": 0}


@dataclass
class Var:
    lo: float
    hi: float
    integer: bool


@dataclass
class System:
    vars: list[Var] = field(default_factory=list)
    sums: list[tuple[int, list[int]]] = field(default_factory=list)  # total = sum(parts)
    ratios: list[tuple[int, int, float, float, float]] = field(default_factory=list)  # num, den, r_lo, r_hi, factor
    conflicts: int = 0

    def add(self, lo: float, hi: float, integer: bool) -> int:
        self.vars.append(Var(lo, hi, integer))
        return len(self.vars) - 1

    def narrow(self, i: int, lo: float, hi: float) -> bool:
        """Tighten a variable's interval; a tie that contradicts it (data that do not add up) is ignored."""
        v = self.vars[i]
        if v.integer:
            lo = float(math.ceil(lo - 1e-7)) if abs(lo) < INF else lo
            hi = float(math.floor(hi + 1e-7)) if abs(hi) < INF else hi
        if max(lo, v.lo) > min(hi, v.hi) + 1e-9:
            self.conflicts += 1
            return False
        changed = False
        if lo > v.lo + 1e-9:
            v.lo, changed = lo, True
        if hi < v.hi - 1e-9:
            v.hi, changed = hi, True
        return changed

    def propagate(self, rounds: int = 60) -> None:
        for _ in range(rounds):
            changed = False
            for total, parts in self.sums:
                los = [self.vars[p].lo for p in parts]
                his = [self.vars[p].hi for p in parts]
                s_lo = sum(los)
                n_inf = sum(h == INF for h in his)
                fin_hi = sum(h for h in his if h < INF)
                changed |= self.narrow(total, s_lo, INF if n_inf else fin_hi)
                t = self.vars[total]
                for p, lo, hi in zip(parts, los, his, strict=True):
                    if hi == INF:
                        rest_hi = INF if n_inf > 1 else fin_hi
                    else:
                        rest_hi = INF if n_inf else fin_hi - hi
                    changed |= self.narrow(p, t.lo - rest_hi, t.hi - (s_lo - lo))
            for num, den, r_lo, r_hi, f in self.ratios:
                n, d = self.vars[num], self.vars[den]
                changed |= self.narrow(num, r_lo * d.lo / f, r_hi * d.hi / f if d.hi < INF else INF)
                if r_lo > 0:
                    changed |= self.narrow(den, n.lo * f / r_hi, n.hi * f / r_lo if n.hi < INF else INF)
            if not changed:
                return


def _decimals(value: float, unit: str) -> int:
    shown = DISPLAY_DECIMALS.get(unit, 2)
    for d in range(0, 7):
        if abs(round(value, d) - value) < 1e-9:
            return max(d, shown)
    return 7


@dataclass
class Result:
    hidden: int  # hidden cells (status 'x' or ':') of the counts the attack works on
    determined: list[tuple[str, str, int, int]]  # (indicator, region, year, value the attacker found)
    recovered: list[tuple[str, str, int, int]]  # determined and equal to the stored value
    ties: int  # sum and ratio constraints used


def _members(con: duckdb.DuckDBPyConnection, year: int, complete: bool) -> dict[str, list[str]]:
    """Which regions add up to which, in the attacker's eyes."""
    cur = con.cursor()
    kinds = dict(cur.execute("SELECT code, kind FROM region").fetchall())
    municipalities = [c for c, k in kinds.items() if k == "municipality"]
    out: dict[str, list[str]] = defaultdict(list)
    for code in municipalities:
        county = cur.execute("SELECT county_code FROM region WHERE code = ?", [code]).fetchone()[0]
        if county and county != code and kinds.get(county) == "county":
            out[county].append(code)
        out["EAK"].append(code)
    for code, group in cur.execute(
        "SELECT region_code, group_code FROM kostra_membership WHERE valid_from <= ? "
        "AND (valid_to IS NULL OR valid_to >= ?)",
        [year, year],
    ).fetchall():
        out[group].append(code)
    for sid, member in cur.execute("SELECT service_id, region_code FROM service_member").fetchall():
        out[sid].append(member)
    for code, kind in kinds.items():
        if kind == "district" and code[:4] in kinds:
            out[code[:4]].append(code)
    if not complete:  # members the store does not hold are unknowns of their own
        for parent in [p for p in out if kinds.get(p) in ("country", "kostra_group")]:
            out[parent].append("*rest")
    return out


def attack(
    con: duckdb.DuckDBPyConnection, *, primaries: bool = False, complete: bool = False, years: list[int] | None = None
) -> Result:
    """Try every recovery on every year; `complete`: the store holds every member of every region."""
    cur = con.cursor()
    inds = catalog.indicators()
    rels = catalog.relations()
    kinds = dict(cur.execute("SELECT code, kind FROM region").fetchall())
    counts = {i.id for i in inds.values() if i.unit == "count"}
    years = years or [r[0] for r in cur.execute("SELECT DISTINCT year FROM observation ORDER BY 1").fetchall()]
    hidden_total, determined, recovered, ties = 0, [], [], 0
    for year in years:
        public = {
            (i, r): (v, s)
            for i, r, v, s in cur.execute(
                "SELECT indicator_id, region_code, value, status FROM observation_public_in(NULL::VARCHAR[], ?, ?)",
                [year, year],
            ).fetchall()
        }
        truth = {
            (i, r): v
            for i, r, v in cur.execute(
                "SELECT indicator_id, region_code, value FROM observation WHERE year = ?", [year]
            ).fetchall()
        }
        system = System()
        index: dict[tuple[str, str], int] = {}

        def var(ind: str, region: str) -> int:
            key = (ind, region)
            if key not in index:
                value, status = public.get(key, (None, None))
                integer = ind in counts
                if value is not None:
                    index[key] = system.add(value, value, integer)
                elif (
                    status == "x" and ind in counts and primaries and kinds.get(region) in ("municipality", "district")
                ):
                    index[key] = system.add(1, max(inds[ind].min_count, 1), integer)
                elif status == "x" and ind in counts and kinds.get(region) not in ("county", "country", "kostra_group"):
                    index[key] = system.add(1, INF, integer)
                else:
                    index[key] = system.add(0, INF, integer)
            return index[key]

        def total_of(ids: tuple[str, ...], region: str) -> int:
            if len(ids) == 1:
                return var(ids[0], region)
            aux = system.add(0, INF, all(i in counts for i in ids))
            system.sums.append((aux, [var(i, region) for i in ids]))
            return aux

        regions = {r for _, r in public}
        for rel in rels:
            for region in regions:
                if rel.kind == "sum":
                    if any((i, region) in public for i in (rel.indicator, *rel.parts)):
                        system.sums.append((var(rel.indicator, region), [var(p, region) for p in rel.parts]))
                        ties += 1
                    continue
                value, _ = public.get((rel.indicator, region), (None, None))
                if value is None or not rel.numerator or not rel.denominator:
                    continue
                h = 0.5 * 10 ** -_decimals(value, inds[rel.indicator].unit)
                system.ratios.append(
                    (
                        total_of(rel.numerator, region),
                        total_of(rel.denominator, region),
                        max(value - h, 0.0),
                        value + h,
                        rel.factor,
                    )
                )
                ties += 1
        for parent, members in _members(con, year, complete).items():
            if parent not in regions:
                continue
            for ind in counts:
                if (ind, parent) not in public:
                    continue
                parts = [system.add(0, INF, True) if m == "*rest" else var(ind, m) for m in members]
                system.sums.append((var(ind, parent), parts))
                ties += 1
        system.propagate()
        for (ind, region), (value, status) in public.items():
            if ind not in counts or value is not None or status not in ("x", ":"):
                continue
            hidden_total += 1
            if (ind, region) not in index:
                continue
            v = system.vars[index[(ind, region)]]
            if v.lo == v.hi and v.lo < INF:
                found = (ind, region, year, int(v.lo))
                determined.append(found)
                if truth.get((ind, region)) is not None and int(truth[(ind, region)]) == int(v.lo):
                    recovered.append(found)
    return Result(hidden_total, determined, recovered, ties)
