"""Benchmark: every chart of a full Trondheim report (Bufdir's default chapters), built and rendered to PNG.

Builds the sample database into a temporary directory, then times, each with its own fresh cache
directory ($TILSTAND_CACHE) so nothing is served from an earlier run:
- build: every chart's figure and alt text from the database;
- cold: png() on all figures in a process whose renderer has not started (Chromium start included);
- warm, uncached: the same again with the renderer running but a new, empty cache;
- warm, one by one: one png() call per figure (no concurrency), renderer running, empty cache;
- cached: the same figures again, served from the disk cache.
Prints figures only (no pass/fail). /work/main/data/ is never touched.

    uv run python bench/bench_charts.py [--region 5001] [--year 2024]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from tilstand import charts, demo, narrative, store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default="5001")
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()
    if not charts.renderer_available():
        print("Chromium not found (apt-get install chromium, or set BROWSER_PATH)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="tilstand-bench-charts-") as d:
        tmp = Path(d)
        db = tmp / "demo.duckdb"
        demo.build(db)
        con = store.connect(db, read_only=True)

        t0 = time.perf_counter()
        built = [charts.build(con, c, args.region, args.year)
                 for ch in narrative.default_chapters() for c in charts.for_indicators(ch.indicators)]
        t_build = time.perf_counter() - t0
        figures = [c.figure for c in built if not c.empty]
        unique = len({f.to_json() for f in figures})

        def timed(cache: str, calls: list[list]) -> float:
            os.environ["TILSTAND_CACHE"] = str(tmp / cache)
            t = time.perf_counter()
            for batch in calls:
                charts.png(batch)
            return time.perf_counter() - t

        t_cold = timed("cold", [figures])
        t_warm = timed("warm", [figures])
        t_single = timed("single", [[f] for f in figures])
        t_cached = timed("warm", [figures])
        store.close(db)

    n = len(figures)
    print(f"charts in the report: {len(built)} built, {n} with data ({unique} distinct), "
          f"{len(built) - n} empty (skipped); {charts.TABS} tabs")
    print(f"build (figures + alt text):       {t_build:6.2f} s  ({t_build / len(built) * 1000:5.1f} ms per chart)")
    print(f"cold render, Chromium start incl: {t_cold:6.2f} s")
    print(f"warm render, one batch:           {t_warm:6.2f} s  ({t_warm / unique:5.2f} s per chart)")
    print(f"warm render, one call per chart:  {t_single:6.2f} s  ({t_single / n:5.2f} s per chart)")
    print(f"cached:                           {t_cached:6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
