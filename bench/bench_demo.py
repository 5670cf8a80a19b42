"""Benchmark: build the sample database (tilstand.demo.build) from sample_data/ssb/ via the real importer.

Prints figures only (no pass/fail). Each run builds into a fresh temporary directory; data/ is
never touched. Run 1 happens in this (cold) process, so it also pays one-off costs such as reading the
catalogue and the first DuckDB/Polars calls; runs 2..N show the steady state.

    uv run python bench/bench_demo.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

T_PROCESS = time.perf_counter()
from tilstand import demo, store  # noqa: E402

T_IMPORT = time.perf_counter() - T_PROCESS
TARGET_S = 20.0


def one_run() -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory(prefix="tilstand-bench-demo-") as d:
        path = Path(d) / "demo.duckdb"
        t0 = time.perf_counter()
        result = demo.build(path)
        elapsed = time.perf_counter() - t0
        rows = sum(r.rows for r in result.results)
        con = store.connect(path, read_only=True)
        try:
            n_obs = con.cursor().execute("SELECT count(*) FROM observation").fetchone()[0]
        finally:
            store.close(path)
        return elapsed, rows, n_obs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    files = demo.sample_files()
    print(f"tilstand.demo.build: {len(files)} sample files from {demo.SAMPLE_DIR}")
    print(f"  (import of tilstand package: {T_IMPORT:.2f} s, not included below)")
    times = []
    for i in range(1, args.runs + 1):
        elapsed, rows, n_obs = one_run()
        times.append(elapsed)
        note = " (cold process)" if i == 1 else ""
        print(f"  run {i}: {elapsed:7.2f} s   values read {rows:,}, observation rows {n_obs:,}{note}")
    print()
    print(
        f"demo build  N={len(times)}  min {min(times):.2f} s  median {statistics.median(times):.2f} s  "
        f"max {max(times):.2f} s   target ≤ {TARGET_S:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
