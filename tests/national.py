"""A national-size synthetic database whose numbers add up, for the privacy attack.

Every municipality of the 2024 structure (SSB Klass 131, tests/data/formats) gets seeded counts of
children — many of them small — and everything built on them is computed as the sources compute it:
the in-home and placed children add up to the children with measures, the shares are rounded to one
decimal as SSB publishes them, and every county, KOSTRA group, the country and Trøndelag's intermunicipal
services hold the sums of their members. Written through the real writer, one file per year, so the
suppression is decided the way an import decides it. Synthetic: no number here is real.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import duckdb

from tilstand import store
from tilstand.access import SYSTEM
from tilstand.ingest.load import write
from tilstand.regions import RegionRef

KLASS_131 = Path(__file__).resolve().parent / "data" / "formats" / "real" / "ssb_klass131_codesAt_2026-01-01.json"
YEARS = range(2019, 2025)
GROUPS = [f"EKG{n:02d}" for n in range(1, 18)]
COUNTIES = {
    "03": "Oslo",
    "11": "Rogaland",
    "15": "Møre og Romsdal",
    "18": "Nordland - Nordlánnda",
    "31": "Østfold",
    "32": "Akershus",
    "33": "Buskerud",
    "34": "Innlandet",
    "39": "Vestfold",
    "40": "Telemark",
    "42": "Agder",
    "46": "Vestland",
    "50": "Trøndelag - Trööndelage",
    "55": "Troms - Romsa - Tromssa",
    "56": "Finnmark - Finnmárku - Finmarkku",
}
# Expected children per 100 children 0–17 during a year (roughly the national levels).
RATES = {
    "barn_melding_antall": 5.5,
    "barn_undersokelse_antall": 4.5,
    "barn_tiltak_251_antall": 2.4,
    "barn_tiltak_252_antall": 0.9,
    "fosterhjem_familie_antall": 0.15,
    "fosterhjem_ordinaer_antall": 0.3,
    "undersokelser_avsluttet_h1_antall": 2.2,
    "undersokelser_avsluttet_halvar": 2.2,
}
# Bufdir's deadline breaches per half-year: (breaches, investigations concluded in the half-year, published share).
HALVES = (
    ("undersokelser_fristbrudd_h1_antall", "undersokelser_avsluttet_h1_antall", "undersokelser_fristbrudd_h1_andel"),
    ("undersokelser_fristbrudd_h2_antall", "undersokelser_avsluttet_halvar", "undersokelser_fristbrudd_h2_andel"),
)
COUNTS = (
    *RATES,
    "barn_tiltak_antall",
    "barn_us_eller_tiltak_antall",
    "meldinger_antall",
    "undersokelser_startet_antall",
)
SHARES = {
    "barn_melding_andel": "barn_melding_antall",
    "barn_undersokelse_andel": "barn_undersokelse_antall",
    "barn_tiltak_andel": "barn_tiltak_antall",
    "barn_plassert_andel": "barn_tiltak_252_antall",
}


def municipalities() -> list[tuple[str, str]]:
    codes = json.loads(KLASS_131.read_text(encoding="utf-8"))["codes"]
    return [(c["code"], c["name"]) for c in codes if len(c["code"]) == 4 and c["code"] != "9999"]


def poisson(rng: random.Random, mean: float) -> int:
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def draw(rng: random.Random, children: int) -> dict[str, float]:
    """One municipality-year's base numbers; everything else is computed from them."""
    v: dict[str, float] = {"barn_0_17_antall": children, "befolkning_totalt": round(children * 4.6)}
    for ind, rate in RATES.items():
        v[ind] = poisson(rng, children * rate / 100)
    v["barn_tiltak_antall"] = v["barn_tiltak_251_antall"] + v["barn_tiltak_252_antall"]
    v["barn_us_eller_tiltak_antall"] = v["barn_tiltak_antall"] + poisson(rng, v["barn_undersokelse_antall"] * 0.6)
    v["meldinger_antall"] = v["barn_melding_antall"] + poisson(rng, v["barn_melding_antall"] * 0.3)
    v["undersokelser_startet_antall"] = v["barn_undersokelse_antall"] + poisson(rng, 1)
    for breaches, concluded, _ in HALVES:
        v[breaches] = poisson(rng, v[concluded] * 0.15)
    v["arsverk_244"] = round(max(children / 120, 0.5), 1)
    v["netto_driftsutg_bv_1000kr"] = round(children * rng.uniform(8, 16))
    return v


def finish(v: dict[str, float]) -> dict[str, float]:
    """The shares and amounts SSB and Bufdir publish beside the counts, rounded as they publish them."""
    out = {k: float(x) for k, x in v.items()}
    for share, count in SHARES.items():
        if count in v:
            out[share] = round(100 * v[count] / v["barn_0_17_antall"], 1)
    if v.get("barn_us_eller_tiltak_antall"):
        out["netto_driftsutg_per_barn_bv"] = float(
            round(v["netto_driftsutg_bv_1000kr"] * 1000 / v["barn_us_eller_tiltak_antall"])
        )
    for breaches, concluded, share in HALVES:  # the year's share is derived by the writer from the counts
        if v.get(concluded):
            out[share] = round(100 * v[breaches] / v[concluded], 1)
    return out


def summed(parts: list[dict[str, float]]) -> dict[str, float]:
    return {k: round(sum(p[k] for p in parts), 1) for k in parts[0]}


def build(path: Path, seed: int = 11) -> duckdb.DuckDBPyConnection:
    rng = random.Random(seed)
    munis = municipalities()
    con = store.connect(path)
    cur = con.cursor()
    known = dict(cur.execute("SELECT region_code, group_code FROM kostra_membership").fetchall())
    group = {code: known.get(code) or rng.choice(GROUPS) for code, _ in munis}
    with store.transaction(con) as tx:
        tx.executemany(
            "INSERT INTO kostra_membership VALUES (?, ?, 2015, NULL, 'synthetic')",
            [[code, g] for code, g in group.items() if code not in known],
        )
    services = {
        sid: members.split()
        for sid, members in cur.execute(
            "SELECT service_id, string_agg(region_code, ' ') FROM service_member GROUP BY 1"
        ).fetchall()
    }
    size = {code: min(130_000, max(25, round(math.exp(rng.gauss(6.9, 1.15))))) for code, _ in munis}
    size["0301"] = 130_000
    refs = (
        [RegionRef(c, n, "municipality", False) for c, n in munis]
        + [RegionRef(c, n, "county", False) for c, n in COUNTIES.items()]
        + [RegionRef(g, f"KOSTRA-gruppe {int(g[3:])}", "kostra_group", False) for g in GROUPS]
        + [RegionRef("EAK", "Landet", "country", False)]
        + [RegionRef(sid, sid, "service", False) for sid in services]
    )
    valid = cur.execute(
        "SELECT region_code, group_code, valid_from, coalesce(valid_to, 9999) FROM kostra_membership"
    ).fetchall()
    for i, year in enumerate(YEARS):
        # a group adds up the members it has that year (the bundled grouping applies from 2020)
        member_of = {code: g for code, g, start, end in valid if start <= year <= end}
        base = {code: draw(rng, round(size[code] * (1 + 0.01 * (year - 2019)))) for code, _ in munis}
        regions = {code: base[code] for code, _ in munis}
        for county in COUNTIES:
            regions[county] = summed([base[c] for c, _ in munis if c[:2] == county])
        for g in GROUPS:
            members = [base[c] for c, _ in munis if member_of.get(c) == g]
            if members:
                regions[g] = summed(members)
        regions["EAK"] = summed(list(base.values()))
        for sid, members in services.items():
            regions[sid] = {
                k: x
                for k, x in summed([base[m] for m in members if m in base]).items()
                if k in {name for half in HALVES for name in half[:2]}
            }
        obs = []
        for code, v in regions.items():
            for ind, value in finish(v).items():
                obs.append((ind, code, year, value, None))
        write(
            con,
            data=f"national {seed} {year}".encode(),
            file_name=f"national_{year}.json",
            source="test",
            observations=obs,
            regions=refs if i == 0 else (),
            sample=True,
            actor=SYSTEM,
        )
    return con
