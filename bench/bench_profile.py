"""Benchmark: the service-profile page's queries on a national-size synthetic database.

Builds, in a temporary directory, every municipality of the 2024 structure (SSB Klass 131), their counties,
the country (EAK) and KOSTRA groups EKG01..EKG17 × 10 years (2015–2024) × every catalogue indicator, written
through the real writer (tilstand.ingest.load.write), one "file" per year. Then times
tilstand.profile.build(con, code, 2024) and the bare profile/trend queries for three municipalities.
Prints figures only (no pass/fail). data/ is never touched.

    uv run python bench/bench_profile.py [--iterations 50] [--seed 2024] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tilstand import catalog, profile, queries, store
from tilstand.access import SYSTEM
from tilstand.ingest.load import write
from tilstand.regions import RegionRef

KLASS_131 = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "data"
    / "formats"
    / "real"
    / "ssb_klass131_codesAt_2026-01-01.json"
)
YEARS = range(2015, 2025)
YEAR = 2024
TARGET_MS = 50.0
COUNTIES_2024 = {
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
GROUPS = [f"EKG{n:02d}" for n in range(1, 18)]
# The cities get the groups SSB gives them; everyone else gets a seeded random group.
FIXED_GROUP = {"0301": "EKG13", "4601": "EKG12", "5001": "EKG12", "1103": "EKG12"}
SUBJECTS = {"5001": "large (Trondheim)", "5043": "small (Røyrvik)", "4601": "other county (Bergen)"}


def municipalities() -> list[tuple[str, str]]:
    codes = json.loads(KLASS_131.read_text(encoding="utf-8"))["codes"]
    return [(c["code"], c["name"]) for c in codes if len(c["code"]) == 4 and c["code"] != "9999"]


def value_for(rng: random.Random, unit: str, size: float) -> float:
    """A plausible value for the unit; counts scale with a municipality's size factor."""
    if unit == "percent":
        return round(rng.uniform(0, 100), 1)
    if unit == "count":
        return float(int(rng.lognormvariate(3, 1.2) * size))
    if unit == "per_1000":
        return round(rng.uniform(0, 60), 1)
    if unit == "nok":
        return float(round(rng.uniform(2_000, 150_000)))
    if unit == "nok_1000":
        return float(round(rng.uniform(100, 2_000_000) * min(size, 50) / 50))
    if unit == "ratio":
        return round(rng.uniform(5, 40), 1)
    if unit == "score_1_5":
        return round(rng.uniform(1, 5), 2)
    if unit == "score":
        return round(rng.uniform(0, 100), 1)
    return round(rng.uniform(0, 100), 1)


def observation(rng: random.Random, ind_id: str, unit: str, code: str, year: int, size: float):
    r = rng.random()
    if r < 0.03:
        return (ind_id, code, year, None, "..")
    if r < 0.05:
        return (ind_id, code, year, None, ":")
    return (ind_id, code, year, value_for(rng, unit, size), None)


def build_db(path: Path, seed: int) -> tuple[float, int, int]:
    rng = random.Random(seed)
    munis = municipalities()
    indicators = list(catalog.indicators().values())
    refs = [RegionRef(code, name, "municipality", False) for code, name in munis]
    refs += [RegionRef(code, name, "county", False) for code, name in COUNTIES_2024.items()]
    refs += [RegionRef(g, f"KOSTRA-gruppe {int(g[3:])}", "kostra_group", False) for g in GROUPS]
    refs += [RegionRef("EAK", "Landet", "country", False)]
    size = {code: rng.lognormvariate(0, 1.3) for code, _ in munis}
    size.update({"5001": 60.0, "0301": 200.0, "4601": 90.0, "5043": 0.1})
    size.update({c: 150.0 for c in COUNTIES_2024} | {g: 100.0 for g in GROUPS} | {"EAK": 2000.0})

    t0 = time.perf_counter()
    con = store.connect(path)
    t_connect = time.perf_counter() - t0
    n_values = 0
    for i, year in enumerate(YEARS):
        obs = []
        for ref in refs:
            for ind in indicators:
                if not ind.applies_to(ref.kind):
                    continue
                obs.append(observation(rng, ind.id, ind.unit, ref.code, year, size[ref.code]))
        n_values += len(obs)
        write(
            con,
            data=f"bench {seed} {year} {time.time_ns()}".encode(),
            file_name=f"bench_{year}.json",
            source="bench",
            observations=obs,
            regions=refs if i == 0 else (),
            sample=True,
            imported_by="bench",
            actor=SYSTEM,
        )
    t_write = time.perf_counter() - t0

    cur = con.cursor()
    known = {r[0] for r in cur.execute("SELECT DISTINCT region_code FROM kostra_membership").fetchall()}
    members = [
        [code, FIXED_GROUP.get(code, rng.choice(GROUPS[:11] + GROUPS[13:])), 2015, None, "bench"]
        for code, _ in munis
        if code not in known
    ]
    with store.transaction(con) as tx:
        tx.executemany(
            "INSERT INTO kostra_membership (region_code, group_code, valid_from, valid_to, source) "
            "VALUES (?, ?, ?, ?, ?)",
            members,
        )
    cur.execute("CHECKPOINT")
    elapsed = time.perf_counter() - t0
    n_obs = cur.execute("SELECT count(*) FROM observation").fetchone()[0]
    print(
        f"build: {len(refs)} regions ({len(munis)} municipalities, {len(COUNTIES_2024)} counties, "
        f"{len(GROUPS)} KOSTRA groups, EAK) × {len(YEARS)} years × {len(indicators)} indicators"
    )
    print(
        f"  connect+migrate {t_connect:.2f} s, {len(YEARS)} write() calls {t_write - t_connect:.2f} s, "
        f"membership+checkpoint {elapsed - t_write:.2f} s"
    )
    print(
        f"  total {elapsed:.2f} s   values written {n_values:,}   observation rows {n_obs:,}   "
        f"kostra_membership rows added {len(members)}"
    )
    return elapsed, n_values, n_obs


def timed(fn: Callable[[], object], iterations: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def line(label: str, ms: list[float], target: bool = False) -> str:
    t = f"   target ≤ {TARGET_MS:.0f} ms" if target else ""
    return f"  {label:<42} p50 {statistics.median(ms):7.1f}  p95 {pct(ms, 95):7.1f}  max {max(ms):7.1f} ms{t}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=50)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--keep", type=Path, help="build into this directory and keep the database")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="tilstand-bench-profile-") as d:
        directory = args.keep or Path(d)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "national.duckdb"
        path.unlink(missing_ok=True)
        build_db(path, args.seed)
        con = store.connect(path)
        try:
            print(f"\nprofile page, year {YEAR}, {args.iterations} iterations after one warm-up (ms)")
            first = YEAR - profile.TREND_YEARS + 1
            for code, label in SUBJECTS.items():
                p = profile.build(con, code, YEAR)
                print(
                    f"{code} {p.region_name} — {label}: {len(p.rows)} profile rows, group {p.kostra_group}, "
                    f"county {p.county_code}"
                )
                print(
                    line("profile.build", timed(lambda: profile.build(con, code, YEAR), args.iterations), target=True)
                )
                print(
                    line(
                        "queries.run profile",
                        timed(lambda: queries.run(con, "profile", region=code, year=YEAR), args.iterations),
                    )
                )
                print(
                    line(
                        f"queries.run trend {first}–{YEAR}",
                        timed(
                            lambda: queries.run(con, "trend", region=code, from_year=first, to_year=YEAR),
                            args.iterations,
                        ),
                    )
                )
                print(line("queries.run region", timed(lambda: queries.run(con, "region", code=code), args.iterations)))
                print(
                    line(
                        "queries.run sample_share",
                        timed(lambda: queries.run(con, "sample_share", region=code), args.iterations),
                    )
                )
        finally:
            store.close(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
