"""Benchmark: the full council DOCX (every chapter with text, every chart) for Trondheim 2024.

Each scenario runs in a fresh Python process, so "cold" really pays the one-off costs: importing the
libraries, starting the chart browser (kaleido + Debian's Chromium) and rendering every chart. Then:

- cold: new chart cache, new process (what the first download after a server start costs);
- warm, same process: a second export right after the first (charts served from the content cache);
- charts changed: new cache in a process whose browser is already up (a fresh import changed numbers);
- PDF: the same report through LibreOffice, table of contents filled.

Prints figures only. Builds the sample database in a temporary directory; data/ is never touched.

    uv run python bench/bench_report.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_WARM, TARGET_COLD = 5.0, 12.0

CHILD = r"""
import json, os, sys, time
t0 = time.perf_counter()
from pathlib import Path
from tilstand import narrative, report, store, charts
t_import = time.perf_counter() - t0
db, out = Path(sys.argv[1]), Path(sys.argv[2])
con = store.connect(db)
times = {"import": t_import}
t = time.perf_counter(); r = report.render(con, "5001", 2024, "nb", out=out); times["first"] = time.perf_counter() - t
times["charts"] = r.charts
t = time.perf_counter(); report.render(con, "5001", 2024, "nb", out=out); times["warm"] = time.perf_counter() - t
os.environ["TILSTAND_CACHE"] = str(Path(os.environ["TILSTAND_CACHE"]) / "changed")
t = time.perf_counter(); report.render(con, "5001", 2024, "nb", out=out); times["changed"] = time.perf_counter() - t
if "--pdf" in sys.argv:
    from tilstand import pdf
    if pdf.available():
        t = time.perf_counter(); report.render_pdf(con, "5001", 2024, "nb", out=out.with_suffix(".pdf"))
        times["pdf"] = time.perf_counter() - t
times["total_cold"] = t_import + times["first"]
print(json.dumps(times))
"""

TEXT = (
    "Tjenesten har hatt et stabilt år. **Kapasiteten** er god, og fristene holdes i de fleste saker.\n\n"
    "- Flere barn får hjelp hjemme\n- Færre plasseringer\n\n1. Rekruttere\n2. Beholde\n\n"
) * 3


def build_db(path: Path) -> None:
    from tilstand import demo, narrative, store
    from tilstand.access import SYSTEM

    demo.build(path)
    con = store.connect(path)
    rep = narrative.create_report(con, "5001", 2024, "nb", actor=SYSTEM)
    for s in narrative.sections(con, rep.id):
        narrative.save(con, s.id, f"## {s.title}\n\n{TEXT}", base_version=s.version, actor=SYSTEM)
    store.close(path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        db = Path(tmp) / "bench.duckdb"
        build_db(db)
        results = []
        for run in range(args.runs):
            env = {**os.environ, "TILSTAND_CACHE": str(Path(tmp) / f"cache{run}")}
            cmd = [sys.executable, "-c", CHILD, str(db), str(Path(tmp) / "r.docx")] + (["--pdf"] if run == 0 else [])
            done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
            times = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(times)
            print(
                f"run {run + 1}: import {times['import']:.2f} s, cold export {times['first']:.2f} s "
                f"(cold total {times['total_cold']:.2f} s, {times['charts']} charts), warm {times['warm']:.2f} s, "
                f"charts changed {times['changed']:.2f} s" + (f", PDF {times['pdf']:.2f} s" if "pdf" in times else "")
            )
        for key, label, target in (
            ("total_cold", "cold (process start to DOCX)", TARGET_COLD),
            ("warm", "warm (cached charts)", TARGET_WARM),
            ("changed", "charts changed, browser up", None),
        ):
            values = [r[key] for r in results]
            tail = f"  target ≤ {target:.0f} s" if target else ""
            print(f"{label:32s} median {statistics.median(values):.2f} s  max {max(values):.2f} s{tail}")
        size = (Path(tmp) / "r.docx").stat().st_size
        print(f"DOCX size {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
