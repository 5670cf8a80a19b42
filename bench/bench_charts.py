"""Benchmark: chart building per kind (demo and national-size databases), and rendering a full report's charts.

Builds the sample database into a temporary directory, then:
- per kind: `charts.build` for trend (with and without peers), position and members, p50/p95 over
  --iterations calls, and one area page's charts built one by one and with `charts.build_many`, on the sample database and (unless --no-national) on the national-size synthetic
  database of bench/bench_profile.py (357 municipalities × 10 years × every indicator, about 15 s to build);
  the target is ≤ 15 ms per chart (a page builds about ten per rerun);
- every chart of a full Trondheim report (Bufdir's default chapters), built and rendered to PNG, each with
  its own fresh cache directory ($TILSTAND_CACHE) so nothing is served from an earlier run:
  build; cold (Chromium start included); warm, one batch; warm, one call per chart; cached.
Prints figures only (no pass/fail). data/ is never touched.

    uv run python bench/bench_charts.py [--region 5001] [--year 2024] [--iterations 30] [--no-national] [--no-render]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from tilstand import charts, demo, narrative, store
from tilstand.charts import render as chart_render

TARGET_MS = 15.0
PEERS = ["5054", "5057", "5058", "5020", "5006", "5035", "5021", "5025"]  # eight Trøndelag municipalities
MEMBER = "5054"  # Indre Fosen, in Fosen barnevernstjeneste
COVERAGE = [
    "barn_melding_andel",
    "barn_undersokelse_andel",
    "barn_tiltak_andel",
    "barn_plassert_andel",
    "barn_per_arsverk",
]


def kind_cases(region: str) -> list[tuple[str, str, str, dict]]:
    """(label, chart id, region, build arguments) per kind."""
    cases = [
        ("trend", "trend_barn_tiltak_andel", region, {}),
        ("trend + peers", "trend_barn_tiltak_andel", region, {"compare": charts.COMPARE_ALL, "peers": PEERS}),
        ("position + peers", "position_barn_tiltak_andel", region, {"compare": charts.COMPARE_ALL, "peers": PEERS}),
        ("position, no peers", "position_barn_tiltak_andel", region, {}),
        ("members", "members_undersokelser_fristbrudd_andel", MEMBER, {}),
        ("tenfactor + peers", "tenfactor_faktorer", region, {"compare": charts.COMPARE_ALL, "peers": PEERS}),
        ("survey", "survey_fordeling", region, {}),
    ]
    return cases


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def time_kinds(con: duckdb.DuckDBPyConnection, label: str, region: str, year: int, iterations: int) -> None:
    print(f"\nbuild per kind, {label} ({iterations} calls after one warm-up; target ≤ {TARGET_MS:.0f} ms)")
    defs = {c.id: c for c in charts.registry()}
    for name, chart_id, where, kwargs in kind_cases(region):
        chart = defs[chart_id]
        charts.build(con, chart, where, year, **kwargs)
        ms = []
        for _ in range(iterations):
            t0 = time.perf_counter()
            charts.build(con, chart, where, year, **kwargs)
            ms.append((time.perf_counter() - t0) * 1000)
        print(f"  {name:<20} {chart_id:<42} p50 {statistics.median(ms):6.1f}  p95 {pct(ms, 95):6.1f} ms")
    # A page: the coverage area's trend, position and members charts (15) with peers, as a page builds them.
    page = charts.for_area(COVERAGE, kinds=("trend", "position", "members"))
    for name, fn in (
        (
            "one by one",
            lambda: [charts.build(con, c, region, year, compare=charts.COMPARE_ALL, peers=PEERS) for c in page],
        ),
        ("build_many", lambda: charts.build_many(con, page, region, year, compare=charts.COMPARE_ALL, peers=PEERS)),
    ):
        fn()
        ms = []
        for _ in range(max(3, iterations // 3)):
            t0 = time.perf_counter()
            fn()
            ms.append((time.perf_counter() - t0) * 1000)
        print(f"  page of {len(page)} charts, {name:<11} p50 {statistics.median(ms):6.1f}  p95 {pct(ms, 95):6.1f} ms")


def render(con: duckdb.DuckDBPyConnection, tmp: Path, region: str, year: int) -> None:
    t0 = time.perf_counter()
    built = [
        charts.build(con, c, region, year)
        for ch in narrative.default_chapters()
        for c in charts.for_indicators(ch.indicators)
    ]
    t_build = time.perf_counter() - t0
    figures = [c.figure for c in built if not c.empty]
    unique = len({f.to_json() for f in figures})

    def timed(cache: str, calls: list[list]) -> float:
        os.environ["TILSTAND_CACHE"] = str(tmp / cache)
        t = time.perf_counter()
        for batch in calls:
            chart_render.png(batch)
        return time.perf_counter() - t

    t_cold = timed("cold", [figures])
    t_warm = timed("warm", [figures])
    t_single = timed("single", [[f] for f in figures])
    t_cached = timed("warm", [figures])
    n = len(figures)
    print(
        f"\ncharts in the report: {len(built)} built, {n} with data ({unique} distinct), "
        f"{len(built) - n} empty (skipped); {chart_render.TABS} tabs"
    )
    print(f"build (figures + alt text):       {t_build:6.2f} s  ({t_build / len(built) * 1000:5.1f} ms per chart)")
    print(f"cold render, Chromium start incl: {t_cold:6.2f} s")
    print(f"warm render, one batch:           {t_warm:6.2f} s  ({t_warm / unique:5.2f} s per chart)")
    print(f"warm render, one call per chart:  {t_single:6.2f} s  ({t_single / n:5.2f} s per chart)")
    print(f"cached:                           {t_cached:6.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default="5001")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--no-national", action="store_true", help="skip the national-size database (15 s to build)")
    parser.add_argument("--no-render", action="store_true", help="skip PNG rendering (needs Chromium)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tilstand-bench-charts-") as d:
        tmp = Path(d)
        db = tmp / "demo.duckdb"
        demo.build(db)
        con = store.connect(db, read_only=True)
        time_kinds(con, "sample database", args.region, args.year, args.iterations)
        if not args.no_national:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from bench_profile import build_db

            national = tmp / "national.duckdb"
            print()
            build_db(national, 2024)
            ncon = store.connect(national)  # build_db left it open (read-write)
            time_kinds(ncon, "national-size database", args.region, args.year, args.iterations)
            store.close(national)
        if args.no_render:
            pass
        elif not chart_render.renderer_available():
            print("\nChromium not found (apt-get install chromium, or set BROWSER_PATH): rendering not timed")
        else:
            render(con, tmp, args.region, args.year)
        store.close(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
