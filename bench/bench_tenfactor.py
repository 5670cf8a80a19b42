"""Benchmark: import a KS 10-FAKTOR file with 500 units (the filled Excel template, and its CSV copy).

Prints figures only (no pass/fail). The file is written from the shipped template's builder with seeded
synthetic results: 500 units spread over the 38 Trøndelag municipalities, one year (2024); a second file
holds the same units for six years (3 000 rows). Each run imports into a fresh temporary database; the
time covers `ingest.read` (open, validate, weight, suppress) and `ingest.write` (one transaction) apart
and together. data/ is never touched.

    uv run python bench/bench_tenfactor.py [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sample_data.templates import build  # noqa: E402
from tilstand import ingest, store  # noqa: E402
from tilstand.access import SYSTEM  # noqa: E402
from tilstand.ingest import tenfactor  # noqa: E402

UNITS = 500
TARGET_S = 1.0


def rows(years: list[int], seed: int = 500) -> list[list]:
    rng = random.Random(seed)
    munis = sorted(c for c in tenfactor.known_municipalities() if c.startswith("50"))
    out = []
    for u in range(UNITS):
        muni = munis[u % len(munis)]
        invited = rng.randint(3, 40)
        for y in years:
            answers = rng.randint(1, invited)
            out.append(
                [
                    muni,
                    f"Enhet {u + 1:03d}",
                    y,
                    answers,
                    invited,
                    *[round(rng.uniform(3.0, 4.9), 1) for _ in tenfactor.FACTOR_IDS],
                ]
            )
    return out


def csv_bytes(data: list[list]) -> bytes:
    cell = lambda v: str(v).replace(".", ",") if isinstance(v, float) else str(v)  # noqa: E731
    lines = [";".join(build.headers())] + [";".join(cell(v) for v in r) for r in data]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def one_run(path: Path) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory(prefix="tilstand-bench-10faktor-") as d:
        db = Path(d) / "t.duckdb"
        con = store.connect(db)  # schema and catalogue: not part of an import
        try:
            t0 = time.perf_counter()
            prepared = ingest.read(path)
            t1 = time.perf_counter()
            result = ingest.write(con, prepared, actor=SYSTEM)
            t2 = time.perf_counter()
        finally:
            store.close(db)
        return t1 - t0, t2 - t1, result.rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tilstand-bench-10faktor-files-") as d:
        files = []
        for years in ([2024], list(range(2019, 2025))):
            data = rows(years)
            stem = f"10faktor_{UNITS}_enheter_{len(years)}_aar"
            xlsx = Path(d) / f"{stem}.xlsx"
            xlsx.write_bytes(build.to_bytes(build.workbook(rows=data, capacity=len(data))))
            csv = Path(d) / f"{stem}.csv"
            csv.write_bytes(csv_bytes(data))
            files += [(xlsx, len(data)), (csv, len(data))]
        one_run(files[0][0])  # warm-up: first DuckDB and openpyxl calls
        for path, n_rows in files:
            reads, writes, totals = [], [], []
            values = 0
            for _ in range(args.runs):
                r, w, values = one_run(path)
                reads.append(r)
                writes.append(w)
                totals.append(r + w)
            target = f"   target ≤ {TARGET_S:.0f} s" if n_rows == UNITS else ""
            print(
                f"{path.name:32} {path.stat().st_size / 1024:6.0f} KB  {n_rows:5} rows -> {values:5} values  "
                f"read {statistics.median(reads):.3f} s + write {statistics.median(writes):.3f} s = "
                f"median {statistics.median(totals):.3f} s (min {min(totals):.3f}, max {max(totals):.3f}, "
                f"N={args.runs}){target}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
