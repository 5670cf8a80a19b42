"""Seeded synthetic SSB source files ("Eksempeldata") for demos and tests.

Writes one file per SSB table described in sample_data/ssb_shapes.py, in the formats real SSB downloads use
(JSON-stat2 API responses and Statistikkbanken semicolon CSV), into sample_data/ssb/. The shapes (dimension
ids, codes and labels, content codes, how the country is named) are written down there independently of
tilstand/data/ssb_mapping.csv, so a wrong mapping row fails tests/test_sample_tables.py rather than being
copied into the sample. The numbers are invented: they start from the real 2023 population
(base_population_2023.csv) and are drawn with random.Random(SEED), so every run writes byte-identical files.

Run: uv run python sample_data/generate.py   (add --no-verify to skip the parse check)
"""

from __future__ import annotations

import csv
import json
import math
import random
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from ssb_shapes import SHAPES, Shape  # noqa: E402 - a sibling module, run as a script

SEED = 2024
YEARS = list(range(2015, 2025))
# 07459 gives the population on 1 January, and SSB publishes the next year's in February: the sample's
# download (June 2025) has it, so the rates on the population at the end of 2024 can be computed.
NEXT_YEAR = YEARS[-1] + 1


def years_of(shape) -> list[int]:
    return [*YEARS, NEXT_YEAR] if shape.table == "07459" else YEARS


BASE_YEAR = 2023
UPDATED = "2025-06-17T06:00:00Z"
NOTE = "Eksempeldata: syntetiske tall laget av sample_data/generate.py, ikke reelle tall."

DATA = ROOT / "tilstand" / "data"
OUT = HERE / "ssb"

COUNTY = "50"
COUNTY_LABEL = "Trøndelag - Trööndelage"
OS_CODE, OS_LABEL, OS_POP, OS_CHILDREN = "3430", "Os", 1790, 322  # not in the base file: Innlandet
SMALL = ("5043", "5052", "5033", "5044", "5020", "5049")  # must show counts 1-3 somewhere

# Count content code -> the percent built on it in the same table (a ':' count hides its percent too).
PERCENT_OF = {
    "KOSbvbarnmelding0000": "KOSbvbarnmelding0001",
    "KOSbvbarnus0000": "KOSbvbarnuspinnb0000",
    "KOSbvbarntiltaka0000": "KOSbvbarntiltaka0001",
}


# ---------------------------------------------------------------- regions and base population


@dataclass
class Region:
    code: str  # plain code as stored by Tilstand: '5001', '50', 'EAK', 'EKG01'
    label: str
    kind: str  # municipality | county | country | kostra_group


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def municipalities() -> list[Region]:
    """The 38 Trøndelag municipalities plus Os (member of the Røros service), in code order."""
    rows = [r for r in read_csv(DATA / "regions.csv") if r["kind"] == "municipality"]
    out = [Region(r["code"], r["name"], "municipality") for r in rows if r["county_code"] == COUNTY]
    out.append(Region(OS_CODE, OS_LABEL, "municipality"))
    return out


def kostra_groups(members: Iterable[str]) -> dict[str, list[str]]:
    """KOSTRA group code -> member municipality codes (only groups our municipalities belong to)."""
    wanted = set(members)
    groups: dict[str, list[str]] = defaultdict(list)
    for r in read_csv(DATA / "kostra_membership.csv"):
        if r["region_code"] in wanted:
            groups[r["group_code"]].append(r["region_code"])
    return dict(sorted(groups.items()))


def base_population() -> dict[str, tuple[int, int]]:
    """code -> (population, children 0-17) in 2023; Os added from its approximate real size."""
    out = {
        r["code"]: (int(r["population"]), int(r["children_0_17"])) for r in read_csv(HERE / "base_population_2023.csv")
    }
    out[OS_CODE] = (OS_POP, OS_CHILDREN)
    return out


# ---------------------------------------------------------------- the synthetic model

Quantities = dict[str, float]  # additive base quantities for one region and year


@dataclass
class Profile:
    """A unit's persistent character: level and yearly trend for each rate, so series drift smoothly."""

    pop_growth: float
    child_growth: float
    levels: dict[str, float] = field(default_factory=dict)
    trends: dict[str, float] = field(default_factory=dict)


# name -> (low, high) level at 2020, yearly relative trend range, yearly noise (relative)
RATES: dict[str, tuple[tuple[float, float], tuple[float, float], float]] = {
    "measures": ((0.026, 0.042), (-0.025, 0.0), 0.06),  # children with measures / 0-17
    "placed_share": ((0.24, 0.36), (-0.01, 0.01), 0.08),  # placed / measures
    "investigations": ((0.024, 0.036), (-0.01, 0.015), 0.07),  # children investigated / 0-17
    "reported": ((0.033, 0.048), (-0.005, 0.02), 0.06),  # children with a report / 0-17
    "reports_per_child": ((1.05, 1.25), (0.0, 0.01), 0.04),  # 2022 nationally: 49 778 meldinger, 43 523 children
    "started_per_child": ((0.85, 1.05), (0.0, 0.0), 0.04),
    "union_overlap": ((0.70, 0.85), (0.0, 0.0), 0.03),  # investigated but not in measures
    "placed_3112": ((0.72, 0.86), (0.0, 0.0), 0.04),  # placed at 31.12 / placed during year
    "children_per_fte": ((150.0, 215.0), (-0.015, 0.0), 0.05),  # children 0-17 per FTE in function 244
    "fte_trained": ((0.78, 0.94), (0.0, 0.008), 0.03),
    "cost_per_child": ((145_000.0, 170_000.0), (0.02, 0.03), 0.04),  # net kr per child in bv
    "share_244": ((0.25, 0.42), (0.0, 0.01), 0.05),
    "gross_252": ((480_000.0, 700_000.0), (0.025, 0.04), 0.05),
    "gross_251": ((42_000.0, 78_000.0), (0.02, 0.04), 0.08),
    "prevention_per_child": ((2_600.0, 4_400.0), (0.03, 0.05), 0.05),
    "municipal_per_capita": ((68_000.0, 92_000.0), (0.03, 0.04), 0.02),
    "single_providers": ((0.14, 0.22), (0.0, 0.005), 0.02),
    "education": ((0.70, 0.84), (0.003, 0.006), 0.01),
    "low_income": ((0.05, 0.15), (0.0, 0.03), 0.06),
    "family_foster_share": ((0.28, 0.40), (0.01, 0.025), 0.06),
    "foster_per_placed": ((0.62, 0.78), (0.0, 0.0), 0.05),
    "fte_total_per_244": ((1.00, 1.10), (0.0, 0.0), 0.03),  # the service's FTEs are nearly all in 244
    "vacancies_per_fte": ((0.01, 0.05), (0.0, 0.0), 0.30),
    "youth_ratio": ((1.28, 1.36), (0.0, 0.0), 0.005),  # population 0-24 / 0-17
}

# The country as a national-scale unit: fixed 2020 levels near SSB's and Bufdir's published national figures:
# children with a melding 3.5-4.5 % of 0-17 (43 523 children, 49 778 meldinger in 2022), with measures during
# the year 3-4 %, FTEs in function 244 6 000-6 300 in 2017-2019 and rising, 5-6 FTEs per 1 000 children 0-17.
NATIONAL_LEVELS = {
    "measures": 0.035,
    "placed_share": 0.30,
    "investigations": 0.030,
    "reported": 0.040,
    "reports_per_child": 1.14,
    "started_per_child": 0.95,
    "union_overlap": 0.78,
    "placed_3112": 0.80,
    "children_per_fte": 178.8,
    "fte_trained": 0.88,
    "cost_per_child": 155_000.0,
    "share_244": 0.33,
    "gross_252": 590_000.0,
    "gross_251": 60_000.0,
    "prevention_per_child": 3_400.0,
    "municipal_per_capita": 80_000.0,
    "single_providers": 0.18,
    "education": 0.77,
    "low_income": 0.115,
    "family_foster_share": 0.34,
    "foster_per_placed": 0.70,
    "fte_total_per_244": 1.02,
    "vacancies_per_fte": 0.03,
    "youth_ratio": 1.33,
}
# National trends that differ from the middle of the municipal range: FTEs per child rise 0.8 % a year.
NATIONAL_TRENDS = {"children_per_fte": -0.008}
NATIONAL_NOISE = 0.10  # the country's yearly noise relative to a municipality's: a sum over 357 of them
NATIONAL_CHILDREN = {2015: 1_124_000, 2024: 1_103_000}
NATIONAL_POP = {2015: 5_166_000, 2024: 5_550_000}


# KOSTRA groups as synthetic national groups. Members nationwide per group: the leading integer of
# antall_kommuner in SSB's 2020 criteria ("39 (40 fra 2024)" -> 40; kostragrupper_2020_criteria_ssb.csv).
GROUP_SIZE = {
    "EKG01": 40,
    "EKG02": 18,
    "EKG03": 9,
    "EKG04": 39,
    "EKG05": 33,
    "EKG06": 28,
    "EKG07": 38,
    "EKG08": 13,
    "EKG09": 27,
    "EKG10": 13,
    "EKG11": 10,
    "EKG12": 11,
    "EKG13": 1,
    "EKG14": 25,
    "EKG15": 36,
    "EKG16": 8,
    "EKG17": 8,
}
# Size-typical (population, children 0-17) of one member, used only if a group had no Trøndelag member.
GROUP_TYPICAL = {
    "EKG01": (5_000, 1_000),
    "EKG02": (5_000, 1_000),
    "EKG03": (5_000, 1_000),
    "EKG04": (5_000, 1_000),
    "EKG05": (5_000, 1_000),
    "EKG06": (5_000, 1_000),
    "EKG07": (14_000, 3_000),
    "EKG08": (14_000, 3_000),
    "EKG09": (24_000, 5_000),
    "EKG10": (37_000, 8_000),
    "EKG11": (58_000, 12_500),
    "EKG12": (140_000, 28_000),
    "EKG13": (717_000, 130_000),
    "EKG14": (1_300, 250),
    "EKG15": (1_300, 250),
    "EKG16": (450, 80),
    "EKG17": (15_000, 3_500),
}
# What kind of group it is shifts a few 2020 levels (relative to a typical municipality's mid-range level).
GROUP_KIND: dict[str, dict[str, float]] = {
    "small": {
        "measures": 1.06,
        "cost_per_child": 1.08,
        "children_per_fte": 0.88,
        "prevention_per_child": 1.06,
        "municipal_per_capita": 1.10,
    },  # under 2 000 inhabitants
    "rural": {"measures": 1.03, "cost_per_child": 1.04, "children_per_fte": 0.95},  # 2 000-9 999
    "town": {},  # 10 000-19 999
    "city": {
        "measures": 0.95,
        "cost_per_child": 0.96,
        "children_per_fte": 1.06,
        "low_income": 1.08,
        "education": 1.03,
        "municipal_per_capita": 0.94,
    },  # 20 000 and more
    "rich": {"low_income": 0.70, "education": 1.05, "municipal_per_capita": 1.15, "measures": 0.92},
}


def group_kind(group: str) -> str:
    n = int(group[3:])
    return "small" if n in (14, 15, 16) else "rural" if n <= 6 else "town" if n <= 8 else "rich" if n == 17 else "city"


def draw_profile(rng: random.Random) -> Profile:
    """A municipality's levels and trends, drawn once so its series stay coherent over the years."""
    prof = Profile(pop_growth=rng.uniform(-0.006, 0.012), child_growth=rng.uniform(-0.014, 0.006))
    for name, ((lo, hi), (tlo, thi), _) in RATES.items():
        prof.levels[name] = rng.uniform(lo, hi)
        prof.trends[name] = rng.uniform(tlo, thi)
    return prof


def national_profile() -> Profile:
    prof = Profile(pop_growth=0.0, child_growth=0.0, levels=dict(NATIONAL_LEVELS))
    prof.trends = {name: (tlo + thi) / 2 for name, (_, (tlo, thi), _) in RATES.items()} | NATIONAL_TRENDS
    return prof


def rate(prof: Profile, name: str, year: int, rng: random.Random, noise_scale: float = 1.0) -> float:
    noise = RATES[name][2] * noise_scale
    return prof.levels[name] * (1 + prof.trends[name]) ** (year - 2020) * (1 + rng.gauss(0, noise))


def population_series(pop: int, children: int, prof: Profile, rng: random.Random) -> dict[int, tuple[int, int]]:
    """Yearly (population, children 0-17) drifting from the real 2023 figures, exact in 2023."""
    out = {}
    for y in YEARS:
        if y == BASE_YEAR:
            out[y] = (pop, children)
            continue
        k = y - BASE_YEAR
        c = round(children * (1 + prof.child_growth) ** k * (1 + rng.gauss(0, 0.003)))
        p = round(pop * (1 + prof.pop_growth) ** k * (1 + rng.gauss(0, 0.002)))
        out[y] = (max(p, c + 1), c)
    return out


def group_profile(group: str, member_profiles: list[Profile], rng: random.Random) -> Profile:
    """A KOSTRA group's own levels: around a typical level for its kind of group, with their own noise.

    A group that has only one member here (e.g. EKG12 with Trondheim) is kept at least a few percent
    away from that member, so comparing with "similar municipalities" says something.
    """
    kind = GROUP_KIND[group_kind(group)]
    prof = Profile(pop_growth=rng.uniform(-0.002, 0.009), child_growth=rng.uniform(-0.008, 0.003))
    for name, ((lo, hi), (tlo, thi), _) in RATES.items():
        typical = (lo + hi) / 2 * kind.get(name, 1.0)  # national level for this kind of group
        if member_profiles:  # our members are part of the group: lean halfway towards them
            typical = (typical + sum(p.levels[name] for p in member_profiles) / len(member_profiles)) / 2
        level = typical * (1 + rng.gauss(0, 0.04))
        trend = rng.uniform(tlo, thi)
        if len(member_profiles) == 1:  # a few percent from the member; several rates compound in ratios
            own = member_profiles[0].levels[name]
            gap = level / own - 1
            if not 0.03 <= abs(gap) <= 0.07:
                level = own * (1 + math.copysign(rng.uniform(0.03, 0.07), gap or 1.0))
            trend = member_profiles[0].trends[name] + rng.uniform(-0.003, 0.003)  # keeps the gap over the years
        prof.levels[name], prof.trends[name] = level, trend
    return prof


def group_data(
    group: str, members: list[str], base: dict[str, tuple[int, int]], profiles: dict[str, Profile]
) -> dict[int, Quantities]:
    """A synthetic national KOSTRA group: its size is the mean member size times the group's member count."""
    rng = random.Random(f"{SEED}-group-{group}")  # own stream: municipalities, county and country unchanged
    sizes = [base[c] for c in members if c in base] or [GROUP_TYPICAL[group]]
    n = GROUP_SIZE[group]
    pop = round(sum(p for p, _ in sizes) / len(sizes) * n)
    children = round(sum(c for _, c in sizes) / len(sizes) * n)
    prof = group_profile(group, [profiles[c] for c in members if c in profiles], rng)
    series = population_series(pop, children, prof, rng)
    return {y: quantities(*series[y], prof, y, rng, noise_scale=0.35) for y in YEARS}


def national_series() -> dict[int, tuple[int, int]]:
    def lerp(ends: dict[int, int], y: int) -> int:
        return round(ends[2015] + (ends[2024] - ends[2015]) * (y - 2015) / 9)

    return {y: (lerp(NATIONAL_POP, y), lerp(NATIONAL_CHILDREN, y)) for y in YEARS}


def quantities(
    pop: int, children: int, prof: Profile, year: int, rng: random.Random, noise_scale: float = 1.0
) -> Quantities:
    """All additive quantities for one unit and year; indicators are ratios of these, so aggregates agree."""
    r = lambda name: rate(prof, name, year, rng, noise_scale)  # noqa: E731
    measures = round(children * r("measures"))
    placed = min(measures, round(measures * r("placed_share")))
    f251 = measures - placed + round(placed * 0.08)  # a few children had both kinds in the year
    investigated = round(children * r("investigations"))
    reported = max(investigated, round(children * r("reported")))
    union = min(children, measures + round(investigated * r("union_overlap")))
    fte244 = max(0.5, round(children / r("children_per_fte"), 1))
    net_bv = union * r("cost_per_child") / 1000
    foster = round(placed * r("foster_per_placed"))
    family = round(foster * r("family_foster_share"))
    fte_total = round(fte244 * r("fte_total_per_244"), 1)
    return {
        "population": pop,
        "children": children,
        "pop_0_24": round(children * r("youth_ratio")),
        "measures": measures,
        "f251": f251,
        "f252": placed,
        "investigated": investigated,
        "reported": reported,
        "reports": round(reported * r("reports_per_child")),
        "started": round(investigated * r("started_per_child")),
        "union": union,
        "placed_3112": round(placed * r("placed_3112")),
        "fte244": fte244,
        "fte_trained": round(fte244 * min(1.0, r("fte_trained")), 1),
        "net_bv": round(net_bv),
        "net_244": net_bv * min(0.9, r("share_244")),
        "gross_252": placed * r("gross_252") / 1000 if placed else 0.0,
        "gross_251": f251 * r("gross_251") / 1000 if f251 else 0.0,
        "prevention": round(children * r("prevention_per_child") / 1000),
        "municipal_net": round(pop * r("municipal_per_capita") / 1000),
        "providers": round(children * 0.62),
        "pop_16": round(pop * 0.80),
        "foster_family": family,
        "foster_ordinary": foster - family,
        "fte_total": fte_total,
        "vacancies": round(fte_total * r("vacancies_per_fte") + rng.random() * 0.6),
    } | {
        "single_providers": round(children * 0.62 * r("single_providers")),
        "educated": round(pop * 0.80 * r("education")),
        "low_income": round(children * r("low_income")),
    }


def table_quantities(q: Quantities) -> Quantities:
    """Quantities the tables' other categories show (other household types and levels of education, ages
    18-22, gross and net by function), as fixed shares of the model's own: no random draws, so adding a
    category to a table's shape changes no other number."""
    after_251, after_252 = round(q["measures"] * 0.13), round(q["f252"] * 0.05)  # aftercare, 18-22 years
    couples = round((q["providers"] - q["single_providers"]) * 0.93)
    multi = q["providers"] - q["single_providers"] - couples
    unknown = round(q["pop_16"] * 0.025)
    educated = min(q["educated"], q["pop_16"] - unknown)
    upper = round(educated * 0.52)
    vocational = round(educated * 0.04)
    short = round(educated * 0.33)
    net_rest = q["net_bv"] - q["net_244"]  # 251 and 252 share what 244 leaves, in proportion to their gross
    gross = q["gross_251"] + q["gross_252"]
    net_251 = net_rest * q["gross_251"] / gross if gross else 0.0
    return {
        "hh": {
            "001": round(q["population"] * 0.19),
            "002": round(q["population"] * 0.11),
            "003": round(couples * 0.42),
            "004": couples - round(couples * 0.42),
            "005": round(q["single_providers"] * 0.35),
            "006": q["single_providers"] - round(q["single_providers"] * 0.35),
            "007": round(q["population"] * 0.04),
            "008": round(q["population"] * 0.012),
            "009": round(multi * 0.4),
            "010": multi - round(multi * 0.4),
        },
        "levels": {
            "01": q["pop_16"] - educated - unknown,
            "02a": upper,
            "11": vocational,
            "03a": short,
            "04a": educated - upper - vocational - short,
            "09a": unknown,
        },
        "measures_0_22": q["measures"] + after_251 + after_252,
        "f251_0_22": q["f251"] + after_251,
        "f252_0_22": q["f252"] + after_252,
        "union_0_22": q["union"] + after_251 + after_252,
        "pop_0_22": round(q["children"] + (q["pop_0_24"] - q["children"]) * 5 / 7),
        "net_251": min(net_251, q["gross_251"] * 0.97),
        "net_252": min(net_rest - net_251, q["gross_252"] * 0.97),
    }


def ensure_small_counts(qs: dict[str, dict[int, Quantities]], rng: random.Random) -> None:
    """Make sure each small municipality shows at least one count of 1-3 (below the display threshold)."""
    for code in SMALL:
        if any(1 <= q["f252"] <= 3 for q in qs[code].values()):
            continue
        q = qs[code][rng.choice(YEARS)]
        q["f252"] = min(q["measures"], rng.randint(1, 3))
        q["f251"] = q["measures"] - q["f252"]


def aggregate(parts: list[Quantities]) -> Quantities:
    out: Quantities = defaultdict(float)
    for q in parts:
        for k, v in q.items():
            out[k] += v
    return dict(out)


@dataclass
class Model:
    munis: list[Region]
    groups: dict[str, list[str]]
    data: dict[str, dict[int, Quantities]]  # region code -> year -> quantities
    ages: dict[str, dict[int, list[int]]]  # region code -> year -> persons by age 0..99


def build_model(rng: random.Random) -> Model:
    munis = municipalities()
    base = base_population()
    groups = kostra_groups(m.code for m in munis)
    data: dict[str, dict[int, Quantities]] = {}
    profiles: dict[str, Profile] = {}
    for m in munis:
        pop, children = base[m.code]
        prof = profiles[m.code] = draw_profile(rng)
        series = population_series(pop, children, prof, rng)
        data[m.code] = {y: quantities(*series[y], prof, y, rng) for y in YEARS}
    ensure_small_counts(data, rng)
    trondelag = [m.code for m in munis if m.code != OS_CODE]
    data[COUNTY] = {y: aggregate([data[c][y] for c in trondelag]) for y in YEARS}
    for g, members in groups.items():
        data[g] = group_data(g, members, base, profiles)
    nat, nat_rng = national_profile(), random.Random(SEED + 1)
    data["EAK"] = {y: quantities(*p, nat, y, nat_rng, noise_scale=NATIONAL_NOISE) for y, p in national_series().items()}
    ages = {code: age_series(code, data[code]) for code in [m.code for m in munis] + [COUNTY, "EAK"]}
    for code, by_year in ages.items():
        by_year[NEXT_YEAR] = next_population(code, data[code])
    return Model(munis, groups, data, ages)


def next_population(code: str, years: dict[int, Quantities]) -> list[int]:
    """Persons by age on 1 January after the last year: the population at the end of that year, which the
    rates per resident divide by (KOSTRA's definition). Grown as from the year before, with no draw from the
    model's random stream, so every other number stays as it was."""
    last, before = years[YEARS[-1]], years[YEARS[-2]]
    pop = round(last["population"] * last["population"] / before["population"])
    children = round(last["children"] * last["children"] / before["children"])
    shape = random.Random(f"{SEED}-ages-{code}")  # the region's own age shape, as age_series draws it
    return age_split(max(pop, children + 1), children, shape)


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split an integer total by weights with largest remainders, so the parts sum exactly."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [math.floor(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


def age_series(code: str, years: dict[int, Quantities]) -> dict[int, list[int]]:
    """Persons by age per year; one age shape per region (its own seed) so cohorts do not jump."""
    shape = random.Random(f"{SEED}-ages-{code}")
    state = shape.getstate()
    out = {}
    for y, q in years.items():
        shape.setstate(state)
        out[y] = age_split(int(q["population"]), int(q["children"]), shape)
    return out


def age_split(pop: int, children: int, rng: random.Random) -> list[int]:
    """Persons by single year of age 0..105 (the last «105 år eller eldre»): 0-17 sums to the child count,
    18-105 to the rest."""
    kids = allocate(children, [1 + 0.01 * a + rng.uniform(-0.08, 0.08) for a in range(18)])
    adult_w = [
        (1.25 if a < 67 else max(0.0, 1.25 * (1 - (a - 66) / 34) ** 1.6)) + rng.uniform(0, 0.05) for a in range(18, 100)
    ] + [0.004 / (a - 98) for a in range(100, 106)]
    return kids + allocate(pop - children, adult_w)


# ---------------------------------------------------------------- indicators from quantities


def pct(num: float, den: float) -> float | None:
    return round(100 * num / den, 1) if den else None


def per(num: float, den: float, factor: float = 1.0, decimals: int = 0) -> float | None:
    if not den:
        return None
    v = round(num * factor / den, decimals)
    return int(v) if decimals == 0 else v


# What each catalogue indicator is in the model. Not used to write the files (the shapes and CELLS below do
# that): tests/test_sample_tables.py compares what the importer makes of the files with these, so a mapping row
# that picks the wrong code or category fails even when that cell has a value.
INDICATORS: dict[str, Callable[[Quantities], float | None]] = {
    "barn_0_17_antall": lambda q: q["children"],
    "befolkning_totalt": lambda q: q["population"],
    "husholdninger_enslig_forsorger_antall": lambda q: q["single_providers"],
    "husholdninger_med_barn_antall": lambda q: q["providers"],
    "personer_16_utdanning_over_grunnskole_antall": lambda q: min(
        q["educated"], q["pop_16"] - round(q["pop_16"] * 0.025)
    ),
    "personer_16_og_over_antall": lambda q: q["pop_16"],
    "barn_lavinntekt_andel": lambda q: pct(q["low_income"], q["children"]),
    "barn_melding_antall": lambda q: q["reported"],
    "barn_melding_andel": lambda q: pct(q["reported"], q["children"]),
    "meldinger_antall": lambda q: q["reports"],
    "barn_undersokelse_antall": lambda q: q["investigated"],
    "barn_undersokelse_andel": lambda q: pct(q["investigated"], q["children"]),
    "undersokelser_startet_antall": lambda q: q["started"],
    "barn_tiltak_antall": lambda q: q["measures"],
    "barn_tiltak_andel": lambda q: pct(q["measures"], q["children"]),
    "barn_plassert_andel": lambda q: pct(q["f252"], q["children"]),
    "barn_tiltak_251_antall": lambda q: q["f251"],
    "barn_tiltak_252_antall": lambda q: q["f252"],
    "barn_plasseringstiltak_31_12": lambda q: q["placed_3112"],
    "barn_us_eller_tiltak_antall": lambda q: q["union"],
    "arsverk_244": lambda q: round(q["fte244"], 1),
    "arsverk_fagutd_per_1000": lambda q: per(q["fte_trained"], q["children"], 1000, 1),
    "netto_driftsutg_bv_1000kr": lambda q: round(q["net_bv"]),
    "forebygging_utg_1000kr": lambda q: round(q["prevention"]),
    "netto_driftsutg_kommune_1000kr": lambda q: round(q["municipal_net"]),
    "netto_driftsutg_per_0_17": lambda q: per(q["net_bv"], q["children"], 1000),
    "netto_driftsutg_per_0_24": lambda q: per(q["net_bv"], q["pop_0_24"], 1000),
    "netto_driftsutg_per_barn_bv": lambda q: per(q["net_bv"], q["union"], 1000),
    "brutto_252_per_barn": lambda q: per(q["gross_252"], q["f252"], 1000),
    "brutto_251_per_barn": lambda q: per(q["gross_251"], q["f251"], 1000),
    "andel_utg_244": lambda q: pct(q["net_244"], q["net_bv"]),
    "fosterhjem_familie_antall": lambda q: q["foster_family"],
    "fosterhjem_ordinaer_antall": lambda q: q["foster_ordinary"],
    "arsverk_totalt": lambda q: round(q["fte_total"], 1),
    "arsverk_per_1000_0_17": lambda q: per(q["fte_total"], q["children"], 1000, 1),
    "ledige_stillinger": lambda q: q["vacancies"],
}


# ---------------------------------------------------------------- what each table's cells hold

Codes = dict[str, str]  # dimension id -> category code, for the dimensions besides region, contents and year


def _12275(q: Quantities, t: Quantities, c: str, d: Codes) -> float | None:
    young = d["KOKalder0000"] == "F000-017"
    count = {"0": ("measures", "measures_0_22"), "1": ("f251", "f251_0_22"), "2": ("f252", "f252_0_22")}[
        d["KOKbvfunksjon0000"]
    ]
    n = q[count[0]] if young else t[count[1]]
    return n if c.endswith("0000") else pct(n, q["children"] if young else t["pop_0_22"])


def _12362(q: Quantities, t: Quantities, c: str, d: Codes) -> float | None:
    net = {"FGK13": q["net_bv"], "232": q["prevention"], "244": q["net_244"], "251": t["net_251"], "252": t["net_252"]}[
        d["KOKfunksjon0000"]
    ]
    gross = {
        "FGK13": q["net_bv"] * 1.12,
        "232": q["prevention"] * 1.25,
        "244": q["net_244"] * 1.08,
        "251": q["gross_251"],
        "252": q["gross_252"],
    }[d["KOKfunksjon0000"]]
    return round(net if d["KOKart0000"] == "AGD2" else gross)


def _09429(q: Quantities, t: Quantities, c: str, d: Codes) -> float | None:
    levels = t["levels"]
    n = sum(levels.values()) if d["Nivaa"] == "00" else levels[d["Nivaa"]]
    total = sum(levels.values())
    share_men = 0.49
    if d["Kjonn"] != "0":  # men a fixed share of every level; women the rest
        n = round(n * share_men) if d["Kjonn"] == "1" else n - round(n * share_men)
        total = round(total * share_men) if d["Kjonn"] == "1" else total - round(total * share_men)
    return n if c == "Personer" else pct(n, total)


def _08764(q: Quantities, t: Quantities, c: str, d: Codes) -> float | None:
    eu60 = 100 * q["low_income"] / q["children"] if q["children"] else None
    if c == "Personer":
        return round(q["children"] * 0.99)
    factor = {"EUskala50": 0.55, "EUskala60": 1.0, "OECDskala50": 0.45, "OECDskala60": 0.85}[c]
    return None if eu60 is None else round(eu60 * factor, 1)


# table -> (model quantities, table quantities, content code, category codes) -> the cell's value
CELLS: dict[str, Callable[[Quantities, Quantities, str, Codes], float | None]] = {
    "07459": lambda q, t, c, d: None,  # written from the age model (write_wide)
    "06070": lambda q, t, c, d: t["hh"][d["HushType"]],
    "08764": _08764,
    "09429": _09429,
    "10660": lambda q, t, c, d: q["foster_family"] if d["Barnevernstiltak"] == "2.01" else q["foster_ordinary"],
    "12615": lambda q, t, c, d: q["reported"] if c.endswith("0000") else pct(q["reported"], q["children"]),
    "10760": lambda q, t, c, d: q["reports"],
    "12286": lambda q, t, c, d: {
        "KOSbvbarnus0000": q["investigated"],
        "KOSbvbarnuspinnb0000": pct(q["investigated"], q["children"]),
    }[c],
    "10666": lambda q, t, c, d: q["started"],
    "12275": _12275,
    "11600": lambda q, t, c, d: q["placed_3112"],
    "12870": lambda q, t, c, d: q["union"] if d["KOKalder0000"] == "F000-017" else t["union_0_22"],
    "12305": lambda q, t, c, d: {
        "KOSsumfunksjon240000": round(q["fte244"], 1),
        "KOSsumfagutdanni0000": round(q["fte_trained"], 1),
        "KOSsumfagutd0000": per(q["fte_trained"], q["children"], 1000, 1),
    }[c],
    "12362": _12362,
    "12137": lambda q, t, c, d: round(q["municipal_net"]),
    "12279": lambda q, t, c, d: {
        "KOSndubvinnbygge0000": per(q["net_bv"], q["children"], 1000),
        "KOSndubvinnbygge0003": per(q["net_bv"], q["pop_0_24"], 1000),
        "KOSndubvbvbarnus0000": per(q["net_bv"], q["union"], 1000),
        "KOSbdu252bvbarnt0000": per(q["gross_252"], q["f252"], 1000),
        "KOSbdu251bvbarnt0000": per(q["gross_251"], q["f251"], 1000),
        "KOSandelndu2440000": pct(q["net_244"], q["net_bv"]),
    }[c],
    "09086": lambda q, t, c, d: {
        "Tilsette": round(q["fte_total"], 1),
        "TilsettePer1000": per(q["fte_total"], q["children"], 1000, 1),
        "LedigeStillinger": q["vacancies"],
    }[c],
}


# ---------------------------------------------------------------- Bufdir kommunemonitor downloads

BUFDIR_OUT = HERE / "bufdir"
BUFDIR_YEARS = list(range(2019, 2025))
BUFDIR_NOTE = "Bufdir kommunemonitor – Eksempeldata: syntetiske tall laget av sample_data/generate.py, ikke reelle tall"
BUFDIR_FIXED_TIME = (2025, 6, 17, 6, 0, 0)  # zip entry times in the xlsx, so every run is byte-identical


def bufdir_counts(model: Model) -> dict[str, dict[tuple[int, int], dict[str, int]]]:
    """Half-year KHR counts per municipality: (year, half) -> numerators and denominators. Built from the SSB
    model's children with investigations and measures, so the sizes agree with the SSB sample; the country
    (EAK) from the model's national unit, as the monitor's «Hele landet» row."""
    rng = random.Random(f"{SEED}-bufdir")  # own stream: the SSB files stay byte-identical
    out: dict[str, dict[tuple[int, int], dict[str, int]]] = {}
    national = random.Random(f"{SEED}-bufdir-EAK")  # the country's own stream: the municipalities' rows unchanged
    for code, r in [(m.code, rng) for m in model.munis] + [("EAK", national)]:
        breach, plan, evaluated = r.uniform(0.04, 0.30), r.uniform(0.80, 0.97), r.uniform(0.55, 0.90)
        akutt, tilsyn, oppf = r.uniform(0.8, 3.5), r.uniform(0.03, 0.20), r.uniform(0.02, 0.15)
        if code == "EAK":  # the country sits mid-range, not at a draw's extreme
            breach, plan, evaluated, akutt, tilsyn, oppf = 0.17, 0.89, 0.72, 1.9, 0.09, 0.07
        out[code] = {}

        def wobble(lo: float, hi: float, r: random.Random = r, national: bool = code == "EAK") -> float:
            """A half-year's noise; the country's, a sum over 357 municipalities, a fifth as wide."""
            return r.uniform(1 - (1 - lo) / 5, 1 + (hi - 1) / 5) if national else r.uniform(lo, hi)

        for y in BUFDIR_YEARS:
            q = model.data[code][y]
            for half in (1, 2):
                concluded = max(0, round(q["investigated"] / 2 * wobble(0.85, 1.15)))
                helped = max(0, round(q["f251"] * wobble(0.75, 0.95)))
                with_plan = min(helped, round(helped * plan * wobble(0.95, 1.04)))
                due = round(with_plan * 0.7)
                foster = round(q["f252"] * 0.7 * 0.75)
                out[code][(y, half)] = {
                    "concluded": concluded,
                    "breach": min(concluded, round(concluded * breach * wobble(0.6, 1.4))),
                    "helped": helped,
                    "with_plan": with_plan,
                    "due": due,
                    "evaluated": min(due, round(due * evaluated * wobble(0.9, 1.1))),
                    "foster": foster,
                    "tilsyn_not_met": min(foster, round(foster * tilsyn * wobble(0.5, 1.5))),
                    "oppf_not_met": min(foster, round(foster * oppf * wobble(0.5, 1.5))),
                    "children": q["children"],
                    "akutt": round(q["children"] * akutt / 1000 * wobble(0.7, 1.3)) if half == 2 else 0,
                }
    return out


def bufdir_units(model: Model) -> list[tuple[str, str, list[str]]]:
    """(number, name, member codes): the municipalities, the intermunicipal services (summed over their
    members, as the monitor does), the county and the country."""
    units = [(m.code, m.label.split(" - ")[0], [m.code]) for m in model.munis]
    for s in read_csv(DATA / "services.csv"):
        units.append(("", s["name"], s["members"].split()))
    units.append((COUNTY, "Trøndelag", [m.code for m in model.munis if m.code != OS_CODE]))
    units.append(("", "Hele landet", ["EAK"]))  # as the monitor names the country (no number)
    return units


def _summed(counts, members: list[str], period: tuple[int, int]) -> dict[str, int]:
    return {k: sum(counts[c][period][k] for c in members) for k in counts[members[0]][period]}


def _hidden(n: int) -> bool:
    return 1 <= n <= 3  # the monitor hides counts 1-3, and the share built on them


def _share(num: int, den: int, decimals: int = 1, factor: float = 100) -> str:
    if _hidden(num):
        return "x"
    return ".." if not den else f"{num * factor / den:.{decimals}f}".replace(".", ",")


def bufdir_long_rows(model: Model, counts) -> list[list[str]]:
    """Fristbrudd by half-year (share and count), investigations concluded in each half-year,
    emergency decisions per 1000 (yearly), and the KHR foster-home figures (2019-2020 only)."""
    rows = []
    for number, name, members in bufdir_units(model):
        for y in BUFDIR_YEARS:
            for half in (1, 2):
                c = _summed(counts, members, (y, half))
                rows.append(
                    [
                        number,
                        name,
                        "Fristbrudd i undersøkelsessaker",
                        f"{y} {half}. halvår",
                        _share(c["breach"], c["concluded"]),
                        "x" if _hidden(c["breach"]) else str(c["breach"]),
                    ]
                )
                rows.append(
                    [
                        number,
                        name,
                        "Undersøkelser avsluttet siste halvår",
                        f"{y} {half}. halvår",
                        "",
                        "x" if _hidden(c["concluded"]) else str(c["concluded"]),
                    ]
                )
            c = _summed(counts, members, (y, 2))
            rows.append(
                [
                    number,
                    name,
                    "Barn med akuttvedtak pr. 1000 i barnebefolkningen",
                    str(y),
                    _share(c["akutt"], c["children"], 1, 1000),
                    "x" if _hidden(c["akutt"]) else str(c["akutt"]),
                ]
            )
            if y <= 2020:
                rows.append(
                    [
                        number,
                        name,
                        "Tilsynskrav i fosterhjem som ikke er oppfylt",
                        f"{y} 2. halvår",
                        _share(c["tilsyn_not_met"], c["foster"]),
                        "",
                    ]
                )
                rows.append(
                    [
                        number,
                        name,
                        "Barn i fosterhjem som ikke har fått oppfølging i tråd med lovkrav",
                        f"{y} 2. halvår",
                        _share(c["oppf_not_met"], c["foster"]),
                        "",
                    ]
                )
    return rows


def bufdir_wide_rows(model: Model, counts) -> tuple[list[str], list[list]]:
    """Tiltaksplan and evaluated tiltaksplan (3E, 3F): one row per unit and indicator, half-years across."""
    periods = [(y, h) for y in BUFDIR_YEARS for h in (1, 2)]
    header = ["Kommune", "Indikator", *[f"{y} {h}. halvår" for y, h in periods]]
    rows = []
    for number, name, members in bufdir_units(model):
        label = f"{number} {name}" if number else name
        for title, num, den in (
            ("Barn i hjelpetiltak med tiltaksplan", "with_plan", "helped"),
            ("Barn i hjelpetiltak med evaluert tiltaksplan", "evaluated", "due"),
        ):
            values: list = []
            for p in periods:
                c = _summed(counts, members, p)
                values.append("x" if _hidden(c[num]) else (round(100 * c[num] / c[den], 1) if c[den] else None))
            rows.append([label, title, *values])
    return header, rows


def write_bufdir(model: Model) -> list[Path]:
    """A long CSV (UTF-8 with BOM, semicolons, decimal comma) and a wide Excel download, both Eksempeldata."""
    counts = bufdir_counts(model)
    BUFDIR_OUT.mkdir(parents=True, exist_ok=True)
    csv_path = BUFDIR_OUT / "kommunemonitor_fristbrudd_akuttvedtak.csv"
    lines = [BUFDIR_NOTE, ";".join(["Kommunenummer", "Kommune", "Indikator", "Periode", "Andel (prosent)", "Antall"])]
    lines += [";".join(r) for r in bufdir_long_rows(model, counts)]
    write_lines(csv_path, lines)
    xlsx_path = BUFDIR_OUT / "kommunemonitor_tiltaksplaner.xlsx"
    xlsx_path.write_bytes(bufdir_xlsx(*bufdir_wide_rows(model, counts)))
    return [csv_path, xlsx_path]


def bufdir_xlsx(header: list[str], rows: list[list]) -> bytes:
    import io
    import re
    import zipfile
    from datetime import datetime

    import openpyxl  # the only writer here that needs a package

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kommunemonitor"
    ws.append([BUFDIR_NOTE])
    ws.append(["Andel (prosent)"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.properties.creator = "sample_data/generate.py"
    wb.properties.created = wb.properties.modified = datetime(*BUFDIR_FIXED_TIME)
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()  # rewrite the zip with fixed entry times: openpyxl stamps the current time
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, BUFDIR_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps 'modified' with the time of saving
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-06-17T06:00:00Z", body)
            dst.writestr(fixed, body)
    return out.getvalue()


def verify_bufdir(files: list[Path], model: Model) -> bool:
    """Both downloads parse, are marked Eksempeldata, and fill every bufdir-origin indicator for every
    Trøndelag municipality (2019-2024; the foster-home figures 2019-2020)."""
    sys.path.insert(0, str(ROOT))
    from tilstand.ingest import bufdir

    seen: set[tuple[str, str, int]] = set()
    ok = True
    for f in files:
        p = bufdir.parse_file(f.read_bytes(), f.name)
        seen |= {(o.indicator_id, o.region_code, o.year) for o in p.observations}
        ok &= p.sample
        print(
            f"{f.name:40} {f.stat().st_size:>8} B  obs={len(p.observations)} regions={len(p.regions)} "
            f"skipped={p.skipped_cells}" + ("" if p.sample else "  PROBLEM: not marked Eksempeldata")
        )
    munis = [m.code for m in model.munis if m.code != OS_CODE]
    for ind in {i for i, _, _ in seen}:
        years = (2019, 2020) if ind.startswith("fosterhjem_") else BUFDIR_YEARS
        missing = [(c, y) for c in munis for y in years if (ind, c, y) not in seen]
        if missing:
            ok = False
            print(f"PROBLEM: {ind} misses {missing[:3]}")
    return ok


# ---------------------------------------------------------------- cells, symbols and writers

Cell = tuple[str, tuple[str, ...], str, int]  # region code, dim codes, contents code, year
Value = tuple[float | None, str | None]  # (number, SSB symbol)


def region_list(model: Model, shape: Shape) -> list[Region]:
    """SSB order: country, county, KOSTRA groups (KOSTRA tables only), then municipalities."""
    county_code = "EKA50" if shape.kostra else COUNTY
    out = [Region(*shape.country, "country"), Region(county_code, COUNTY_LABEL, "county")]
    if shape.county_and_country_only:
        return out
    if shape.kostra:
        out += [Region(g, f"KOSTRA-gruppe {int(g[3:])}", "kostra_group") for g in model.groups]
    return out + model.munis


def data_key(region: Region) -> str:
    return {"EKA50": COUNTY, "0": "EAK"}.get(region.code, region.code)


def combos(shape: Shape) -> list[tuple[str, ...]]:
    return list(product(*[[c for c, _ in d.categories] for d in shape.dims]))


def cell_value(
    model: Model, shape: Shape, region: Region, codes: tuple[str, ...], contents: str, year: int, decimals: int
) -> Value:
    if shape.table == "07459":
        age = int(codes[0].rstrip("+"))
        return model.ages[data_key(region)][year][age], None
    q = model.data[data_key(region)][year]
    d = dict(zip([dim.id for dim in shape.dims], codes, strict=True))
    v = CELLS[shape.table](q, table_quantities(q), contents, d)
    if v is None:
        return None, "."  # '.': cannot occur (e.g. cost per child with no children)
    return (round(v) if decimals == 0 else round(v, decimals)), None


def pick_symbols(model: Model, shape: Shape, rng: random.Random) -> dict[Cell, str]:
    """2-3 municipality cells missing ('..') or hidden by SSB (':'); a hidden count hides its percent."""
    out: dict[Cell, str] = {}
    regions = [r for r in region_list(model, shape) if r.kind == "municipality"] or region_list(model, shape)[1:]
    small = [r for r in regions if r.code in SMALL] or regions
    cats = combos(shape)
    counts = [c for c in shape.contents if c.code in PERCENT_OF] or list(shape.contents)
    for i in range(rng.randint(2, 3)):
        symbol = ":" if i == 0 else ".."
        region = rng.choice(small if symbol == ":" else regions)
        contents = rng.choice(counts if symbol == ":" else shape.contents).code
        codes, year = rng.choice(cats), rng.choice(YEARS)
        if shape.table == "07459":  # an old age, as SSB's own gaps in the population table
            codes = (f"{rng.randint(80, 99):03d}",)
        out[(region.code, codes, contents, year)] = symbol
        if symbol == ":" and contents in PERCENT_OF:
            out[(region.code, codes, PERCENT_OF[contents], year)] = ":"
    return out


def table_cells(model: Model, shape: Shape, rng: random.Random) -> dict[Cell, Value]:
    """Every cell, row-major over region, other dims, contents, year (last fastest), as JSON-stat wants."""
    symbols = pick_symbols(model, shape, rng)
    out: dict[Cell, Value] = {}
    for region in region_list(model, shape):
        for codes in combos(shape):
            for contents in shape.contents:
                for year in years_of(shape):
                    key = (region.code, codes, contents.code, year)
                    sym = symbols.get(key)
                    out[key] = (
                        (None, sym)
                        if sym
                        else cell_value(model, shape, region, codes, contents.code, year, contents.decimals)
                    )
    return out


def title_of(shape: Shape) -> str:
    return f"{shape.table}: {shape.title} (Eksempeldata)"


def write_jsonstat(model: Model, shape: Shape, rng: random.Random, path: Path) -> None:
    regions = region_list(model, shape)
    cells = table_cells(model, shape, rng)
    dims: dict[str, dict] = {shape.region_dim: _dim("region", [(r.code, r.label) for r in regions])}
    for d in shape.dims:
        dims[d.id] = _dim(d.label, d.categories)
    contents = _dim("statistikkvariabel", [(c.code, c.label) for c in shape.contents])
    contents["category"]["unit"] = {c.code: {"base": c.unit, "decimals": c.decimals} for c in shape.contents}
    dims["ContentsCode"] = contents
    dims["Tid"] = _dim("år", [(str(y), str(y)) for y in years_of(shape)])
    values = list(cells.values())
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": title_of(shape),
        "source": "Statistisk sentralbyrå",
        "updated": UPDATED,
        "note": [NOTE],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": [shape.region_dim]},
        "id": list(dims),
        "size": [len(v["category"]["index"]) for v in dims.values()],
        "dimension": dims,
        "value": [v for v, _ in values],
        "status": {str(i): s for i, (_, s) in enumerate(values) if s},
        "extension": {
            "px": {
                "infofile": "None",
                "tableid": shape.table,
                "decimals": 1,
                "official-statistics": False,
                "aggregallowed": False,
                "language": "no",
                "matrix": f"EKSEMPEL{shape.table}",
            }
        },
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _dim(label: str, cats: Iterable[tuple[str, str]]) -> dict:
    cats = list(cats)
    return {"label": label, "category": {"index": {c: i for i, (c, _) in enumerate(cats)}, "label": dict(cats)}}


def fmt(value: float | None, symbol: str | None, decimals: int) -> str:
    """SSB CSV number: decimal comma, no thousands separator, or the bare symbol."""
    if value is None:
        return symbol or ".."
    return f"{value:.{decimals}f}".replace(".", ",")


def q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def write_lines(path: Path, lines: list[str], latin1: bool = False) -> None:
    """CRLF, as Statistikkbanken's download: UTF-8 with BOM, or ISO-8859-1 (its Norwegian 07459 export)."""
    text = "\r\n".join(lines) + "\r\n"
    path.write_bytes(text.encode("latin-1") if latin1 else b"\xef\xbb\xbf" + text.encode("utf-8"))


def region_text(r: Region) -> str:
    return f"{r.code} {r.label}"


def write_csv_long(model: Model, shape: Shape, rng: random.Random, path: Path) -> None:
    header = ["region", *[d.label for d in shape.dims], "statistikkvariabel", "år", title_of(shape)]
    lines = [";".join(map(q, header))]
    regions = {r.code: r for r in region_list(model, shape)}
    contents = {c.code: c for c in shape.contents}
    for (region, codes, code, year), (value, sym) in table_cells(model, shape, rng).items():
        dim_text = [dict(d.categories)[c] for d, c in zip(shape.dims, codes, strict=True)]
        row = [
            q(region_text(regions[region])),
            *map(q, dim_text),
            q(contents[code].label),
            q(str(year)),
            fmt(value, sym, contents[code].decimals),
        ]
        lines.append(";".join(row))
    write_lines(path, lines, shape.latin1)


def write_csv_wide(model: Model, shape: Shape, rng: random.Random, path: Path) -> None:
    """As Statistikkbanken exports a table with years across: title line, blank line, «Personer 2015» …"""
    cells = table_cells(model, shape, rng)
    header = [
        "region",
        *[d.label for d in shape.dims],
        *[f"{c.label} {y}" for c in shape.contents for y in years_of(shape)],
    ]
    lines = [q(title_of(shape)), "", ";".join(map(q, header))]
    for r in region_list(model, shape):
        for codes in combos(shape):
            # «0 år» as 07459 shows an age, «02a Videregående skolenivå» as 09429 shows a level: code and text
            texts = [
                dict(d.categories)[c] if d.id == "Alder" else f"{c} {dict(d.categories)[c]}"
                for d, c in zip(shape.dims, codes, strict=True)
            ]
            values = [
                fmt(*cells[(r.code, codes, c.code, y)], c.decimals) for c in shape.contents for y in years_of(shape)
            ]
            lines.append(";".join([q(region_text(r)), *map(q, texts), *values]))
    write_lines(path, lines, shape.latin1)


WRITERS = {"jsonstat": write_jsonstat, "csv_long": write_csv_long, "csv_wide": write_csv_wide}


# ---------------------------------------------------------------- 10-FAKTOR (KS employee survey)

TF_OUT = HERE / "10faktor"
TF_YEARS = list(range(2019, 2025))
TF_NOTE = "Eksempeldata: syntetiske 10-FAKTOR-resultater laget av sample_data/generate.py, ikke reelle tall."
# Typical factor means on KS's 1-5 scale, in KS's order (tilstand.ingest.tenfactor.FACTOR_IDS): invented
# levels in the range municipalities publish (motivation high, competence development lowest).
TF_LEVELS = (4.4, 4.3, 4.1, 4.2, 4.0, 4.2, 3.6, 4.4, 4.0, 4.6)
# Units of a child welfare service by size (children 0-17); the last unit is small on purpose, so some
# units fall under the anonymity limit while their municipality does not.
TF_UNITS = (
    (8000, (("Mottak og undersøkelse", 0.34), ("Tiltak", 0.30), ("Omsorg", 0.28), ("Ettervern", 0.08))),
    (3000, (("Mottak og undersøkelse", 0.45), ("Tiltak og omsorg", 0.45), ("Ettervern", 0.10))),
    (1200, (("Undersøkelse", 0.5), ("Tiltak", 0.5))),
    (0, (("Barneverntjenesten", 1.0),)),
)


def tenfactor_rows(model: Model) -> list[list]:
    """One row per unit and year, in the template's column order; headcount from the SSB model's FTEs, so the
    smallest municipalities (and the small Ettervern units) fall under the anonymity limit."""
    rng = random.Random(f"{SEED}-10faktor")  # own stream: the SSB files stay byte-identical
    rows: list[list] = []
    for m in model.munis:
        if m.code == OS_CODE:
            continue  # Trøndelag only
        children = model.data[m.code][BASE_YEAR]["children"]
        units = next(u for size, u in TF_UNITS if children >= size)
        muni_offset = [rng.gauss(0, 0.12) for _ in TF_LEVELS]
        trend = rng.uniform(-0.03, 0.04)
        for name, share in units:
            unit_offset = [rng.gauss(0, 0.10) for _ in TF_LEVELS]
            for year in TF_YEARS:
                # headcount: the FTEs of the model as people, plus leaders and staff outside function 244
                staff = (model.data[m.code][year]["fte_total"] * rng.uniform(1.1, 1.4) + 5) * share
                invited = max(1, round(staff))
                answers = max(1, round(invited * rng.uniform(0.55, 0.92)))
                noise = 0.25 / math.sqrt(answers)
                scores = [
                    min(5.0, max(1.0, round(lv + mo + uo + trend * (year - 2019) + rng.gauss(0, noise), 1)))
                    for lv, mo, uo in zip(TF_LEVELS, muni_offset, unit_offset, strict=True)
                ]
                rows.append([m.code, name, year, answers, invited, *scores])
    return rows


def write_tenfactor(model: Model) -> list[Path]:
    """The 10-FAKTOR template filled with synthetic results (xlsx), and the same sheet as Norwegian Excel
    saves it as «CSV (semikolondelt)»: cp1252, semicolons, decimal comma, CRLF, the title line padded."""
    sys.path.insert(0, str(ROOT))
    from sample_data.templates import build  # needs openpyxl and the tilstand package

    rows = tenfactor_rows(model)
    TF_OUT.mkdir(parents=True, exist_ok=True)
    xlsx = TF_OUT / "10faktor_2019-2024.xlsx"
    xlsx.write_bytes(build.to_bytes(build.workbook(TF_NOTE, rows, capacity=len(rows))))
    width = len(build.headers())
    cell = lambda v: str(v).replace(".", ",") if isinstance(v, float) else str(v)  # noqa: E731
    lines = [TF_NOTE + ";" * (width - 1), ";".join(build.headers())]
    lines += [";".join(cell(v) for v in r) for r in rows]
    csv_path = TF_OUT / "10faktor_2019-2024.csv"
    csv_path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return [xlsx, csv_path]


def verify_tenfactor(files: list[Path], model: Model) -> bool:
    """Both copies parse to the same observations, cover every Trøndelag municipality and year, are marked
    Eksempeldata, and some municipality-years fall under the anonymity limit."""
    from tilstand.ingest import tenfactor

    parsed = [tenfactor.parse_file(f.read_bytes(), f.name) for f in files]
    obs = [{(o.indicator_id, o.region_code, o.year): (o.value, o.status) for o in p.observations} for p in parsed]
    munis = {m.code for m in model.munis if m.code != OS_CODE}
    covered = {(r, y) for (_, r, y) in obs[0]}
    problems = []
    if any(o != obs[0] for o in obs[1:]):
        problems.append("xlsx and csv differ")
    if covered != {(m, y) for m in munis for y in TF_YEARS}:
        problems.append("municipality-years missing")
    if not all(p.sample for p in parsed):
        problems.append("not marked Eksempeldata")
    if not parsed[0].suppressed:
        problems.append("nothing under the anonymity limit")
    for f, p in zip(files, parsed, strict=True):
        print(
            f"{f.name:24} {f.stat().st_size:>8} B  units={p.units} obs={len(p.observations)} "
            f"suppressed={p.suppressed}" + (f"  PROBLEM: {'; '.join(problems)}" if problems else "")
        )
    return not problems


# ---------------------------------------------------------------- staff figures and user surveys

STAFF_OUT = HERE / "ansatte"
SURVEY_OUT = HERE / "brukerundersokelse"
STAFF_NOTE = "Eksempeldata: syntetiske personaltall laget av sample_data/generate.py, ikke reelle tall."
SURVEY_NOTE = "Eksempeldata: syntetisk brukerundersøkelse laget av sample_data/generate.py, ikke reelle svar."
# (dimension, question, groups asked): invented questions in the bedrekommune style (domain.md §7)
SURVEY_QUESTIONS = (
    ("Tilgjengelighet", "Er det lett å få kontakt med barneverntjenesten?", ("foreldre",)),
    ("Informasjon", "Får du den informasjonen du trenger?", ("barn og unge", "foreldre")),
    ("Respektfull behandling", "Blir du møtt med respekt?", ("barn og unge", "foreldre")),
    ("Brukermedvirkning", "Blir det tatt hensyn til det du mener?", ("barn og unge", "foreldre")),
    ("Resultat for brukerne", "Har hjelpen gjort situasjonen bedre?", ("barn og unge", "foreldre")),
    ("Har det bra der jeg bor", "Har du det alt i alt bra der du bor nå?", ("barn og unge",)),
)


QUARTER_WORKING_DAYS = {1: 60, 2: 56, 3: 47, 4: 58}  # agreed working days per FTE after holidays (summer in Q3)


def staff_rows(model: Model) -> list[list]:
    """A year row and four quarter rows per Trøndelag municipality and year; FTEs from the SSB model. The last
    year of the smallest municipalities lacks its fourth quarter, so some years get no yearly sick leave.
    Legemeldt = langtid + part of korttid (a stream of its own, so the other figures stay as they were).
    Agreed working days per quarter (avtalte dagsverk, their own stream) = FTEs × the quarter's working days after
    holidays, the summer quarter lowest; the last municipality leaves them out, so the sample shows both ways.
    The 2031 competence requirement: ≈ 36 % in 2020 (SSB's mapping), rising about 2 points a year; master's
    ≈ 11 % in 2020 (9 % of caseworkers, 16 % of leaders)."""
    rng = random.Random(f"{SEED}-ansatte")
    doctor_rng = random.Random(f"{SEED}-ansatte-legemeldt")
    days_rng = random.Random(f"{SEED}-ansatte-dagsverk")
    without_days = [m.code for m in model.munis if m.code != OS_CODE][-1]
    rows: list[list] = []
    for m in model.munis:
        if m.code == OS_CODE:
            continue
        for year in TF_YEARS:
            fte = round(model.data[m.code][year]["fte_total"] * rng.uniform(1.0, 1.1) + 1, 1)
            positions = max(1, round(fte * rng.uniform(1.05, 1.2)))
            average = round(positions * rng.uniform(0.9, 1.0), 1)
            caseworkers = max(1, round(positions * rng.uniform(0.7, 0.85)))
            req = round(caseworkers * (0.28 + 0.02 * (year - 2019) + rng.uniform(0, 0.08)))
            master = min(req, round(caseworkers * (0.08 + 0.015 * (year - 2019) + rng.uniform(0, 0.04))))
            rows.append(
                [
                    m.code,
                    year,
                    None,
                    fte,
                    positions,
                    round(min(positions, fte * rng.uniform(0, 0.08)), 1),
                    None,
                    None,
                    None,
                    round(average * rng.uniform(0.08, 0.25)),
                    average,
                    caseworkers,
                    master,
                    req,
                    round(caseworkers * rng.uniform(0.05, 0.2)),
                ]
            )
            quarters = 3 if year == TF_YEARS[-1] and fte < 5 else 4
            for q in range(1, quarters + 1):
                short, long = round(rng.uniform(1.0, 3.5), 1), round(rng.uniform(2.0, 9.0), 1)
                days = round(fte * QUARTER_WORKING_DAYS[q] * days_rng.uniform(0.97, 1.03), 1)
                rows.append(
                    [
                        m.code,
                        year,
                        q,
                        *([None] * 3),
                        short,
                        long,
                        round(long + short * doctor_rng.uniform(0.1, 0.4), 1),
                        *([None] * 6),
                        None if m.code == without_days else days,
                    ]
                )
    return rows


def survey_rows(model: Model) -> list[list]:
    """The answer distribution per question; small municipalities have few respondents (some under the limit)."""
    rng = random.Random(f"{SEED}-brukerundersokelse")
    rows: list[list] = []
    for m in model.munis:
        if m.code == OS_CODE:
            continue
        children = model.data[m.code][BASE_YEAR]["children"]
        for year in TF_YEARS:
            asked = {
                "barn og unge": max(1, round(children / 150 * rng.uniform(0.5, 1.2))),
                "foreldre": max(1, round(children / 90 * rng.uniform(0.5, 1.2))),
            }
            for dim, question, groups in SURVEY_QUESTIONS:
                for group in groups:
                    n = asked[group]
                    counts = dict.fromkeys(("1", "2", "3", "4", "5", "6", "Vet ikke"), 0)
                    for _ in range(n):
                        k = rng.choices(list(counts), weights=(2, 3, 6, 14, 30, 30, 5))[0]
                        counts[k] += 1
                    for option, k in counts.items():
                        if k:
                            rows.append([m.code, year, group, dim, question, option, k, n])
    return rows


def _write_pair(out: Path, stem: str, note: str, headers: list[str], rows: list[list], wb) -> list[Path]:
    """The filled template (xlsx) and its «CSV (semikolondelt)» copy: cp1252, decimal comma, CRLF."""
    sys.path.insert(0, str(ROOT))
    from sample_data.templates import build

    out.mkdir(parents=True, exist_ok=True)
    xlsx = out / f"{stem}.xlsx"
    xlsx.write_bytes(build.to_bytes(wb))
    cell = lambda v: "" if v is None else str(v).replace(".", ",") if isinstance(v, float) else str(v)  # noqa: E731
    lines = [note + ";" * (len(headers) - 1), ";".join(headers)] + [";".join(cell(v) for v in r) for r in rows]
    csv_path = out / f"{stem}.csv"
    csv_path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return [xlsx, csv_path]


def write_staff_and_survey(model: Model) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from sample_data.templates import build

    s_rows, b_rows = staff_rows(model), survey_rows(model)
    return [
        *_write_pair(
            STAFF_OUT,
            "ansatte_2019-2024",
            STAFF_NOTE,
            build.staff_headers(),
            s_rows,
            build.staff_workbook(STAFF_NOTE, s_rows, capacity=len(s_rows)),
        ),
        *_write_pair(
            SURVEY_OUT,
            "brukerundersokelse_2019-2024",
            SURVEY_NOTE,
            build.survey_headers(),
            b_rows,
            build.survey_workbook(SURVEY_NOTE, b_rows, capacity=len(b_rows)),
        ),
    ]


def verify_staff_and_survey(files: list[Path]) -> bool:
    """Each xlsx and its CSV copy parse to the same observations and are marked Eksempeldata."""
    from tilstand import ingest

    ok = True
    for xlsx, csv_path in (files[:2], files[2:]):
        a, b = (ingest.read(f).parsed for f in (xlsx, csv_path))
        same = a.observations == b.observations and a.sample and b.sample
        ok &= same
        print(
            f"{xlsx.name:34} obs={len(a.observations)} suppressed={a.suppressed}"
            + ("" if same else "  PROBLEM: xlsx and csv differ or not Eksempeldata")
        )
    return ok


# ---------------------------------------------------------------- verification and main


def verify(files: list[Path], model: Model) -> bool:
    """Parse every file with Tilstand's importer and check coverage of regions, years and indicators."""
    sys.path.insert(0, str(ROOT))
    from tilstand.ingest.ssb import parse_file  # only needed when verifying

    muni_codes = {m.code for m in model.munis if m.code != OS_CODE}
    wanted = {r["indicator_id"] for r in read_csv(DATA / "ssb_mapping.csv")}
    covered: set[str] = set()
    ok = True
    for f in files:
        parsed = parse_file(f.read_bytes(), f.name)
        obs = parsed.observations
        covered |= {o.indicator_id for o in obs}
        regions = {o.region_code for o in obs}
        years = {o.year for o in obs}
        county_only = next(sh for sh in SHAPES if sh.table == parsed.table).county_and_country_only
        missing_munis = sorted(muni_codes - regions) if not county_only else []
        symbols = sum(1 for o in obs if o.value is None)
        small = sum(1 for o in obs if o.value is not None and 1 <= o.value <= 3 and o.region_code in SMALL)
        problems = []
        if missing_munis:
            problems.append(f"missing municipalities {missing_munis}")
        if years != set(years_of(next(sh for sh in SHAPES if sh.table == parsed.table))):
            problems.append(f"years {sorted(years)}")
        if not parsed.sample:
            problems.append("not marked Eksempeldata")
        ok &= not problems
        print(
            f"{f.name:10} {f.stat().st_size:>8} B  obs={len(obs):5} regions={len(regions):2} "
            f"years={min(years)}-{max(years)} symbols={symbols} small(1-3)={small:3} skipped={parsed.skipped_cells}"
            + (f"  PROBLEM: {'; '.join(problems)}" if problems else "")
        )
    missing = sorted(wanted - covered)
    print(f"indicators covered: {len(covered & wanted)}/{len(wanted)}" + (f"; missing {missing}" if missing else ""))
    total = sum(f.stat().st_size for f in files)
    print(f"total size: {total / 1e6:.2f} MB")
    return ok and not missing and total < 3_000_000


def generate() -> tuple[list[Path], Model]:
    rng = random.Random(SEED)
    model = build_model(rng)
    bufdir_files = write_bufdir(model)
    if not verify_bufdir(bufdir_files, model):
        raise SystemExit("the Bufdir sample does not parse or cover every municipality")
    OUT.mkdir(parents=True, exist_ok=True)
    files = []
    for shape in sorted(SHAPES, key=lambda sh: sh.table):
        table_rng = random.Random(f"{SEED}-{shape.table}")  # per table: editing one table leaves others unchanged
        path = OUT / f"{shape.table}.{'json' if shape.layout == 'jsonstat' else 'csv'}"
        WRITERS[shape.layout](model, shape, table_rng, path)
        files.append(path)
    return files, model


def main(argv: list[str]) -> int:
    files, model = generate()
    print(f"wrote {len(files)} files to {OUT.relative_to(ROOT)}")
    tf_files = write_tenfactor(model)
    print(f"wrote {len(tf_files)} files to {TF_OUT.relative_to(ROOT)}")
    local_files = write_staff_and_survey(model)
    print(f"wrote {len(local_files)} staff and user-survey files")
    if "--no-verify" in argv:
        return 0
    ok = verify(files, model) and verify_staff_and_survey(local_files)
    return 0 if verify_tenfactor(tf_files, model) and ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
