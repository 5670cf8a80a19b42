"""Benchmark: import one national-size SSB table (JSON-stat2, as the API or `fetch-ssb` delivers it)
through the real importer: `ingest.read` (parse, validate, map) and `ingest.write` (one transaction,
derived indicators, provenance).

The table is 12275 (children with measures) in the shape of SSB's PxWebApi v2 answer: every
municipality of SSB Klass 131 (2024 structure, without 9999), the 15 counties (EKA..), the KOSTRA
groups EKG01–EKG17 and the country (EAK) × 10 years (2015–2024) × 3 functions × 2 content codes, with
seeded values and a few suppressed (':') cells. Each run writes into a fresh temporary database whose
reference data is loaded before the clock starts; a second import of the same table with every value
changed shows the update path. Prints figures only (no pass/fail); never touches data/.

    uv run python bench/bench_import.py [--runs 3]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

T_PROCESS = time.perf_counter()
from tilstand import ingest, store  # noqa: E402
from tilstand.access import SYSTEM  # noqa: E402

T_IMPORT = time.perf_counter() - T_PROCESS
KLASS_131 = Path(__file__).resolve().parent.parent / "tests" / "data" / "formats" / "real" / "ssb_klass131_codesAt_2026-01-01.json"
TARGET_S = 1.0
YEARS = [str(y) for y in range(2015, 2025)]


def regions() -> list[tuple[str, str]]:
    codes = json.loads(KLASS_131.read_text(encoding="utf-8"))["codes"]
    municipalities = [(c["code"], c["name"]) for c in codes if c["code"] != "9999"]
    counties = sorted({code[:2] for code, _ in municipalities})
    return ([("EAK", "Landet")] + [(f"EKA{c}", f"Fylke {c}") for c in counties]
            + [(f"EKG{n:02d}", f"KOSTRA-gruppe {n}") for n in range(1, 18)] + municipalities)


def table_12275(seed: int) -> bytes:
    """JSON-stat2 as PxWebApi v2 answers for 12275 (dimension ids, roles and extension as in the real file)."""
    rng = random.Random(seed)
    dims = [
        ("KOKkommuneregion0000", "region", regions()),
        ("KOKalder0000", "alder", [("F000-017", "0-17 år")]),
        ("KOKbvfunksjon0000", "funksjon", [("0", "Tiltak i alt"), ("1", "251 Barn som ikke er plassert av "
                                           "barnevernet"), ("2", "252 Barn som er plassert av barnevernet")]),
        ("ContentsCode", "statistikkvariabel", [
            ("KOSbvbarntiltaka0000", "Barn med barnevernstiltak i løpet av året (antall)"),
            ("KOSbvbarntiltaka0001", "Barn med barnevernstiltak i løpet av året i prosent av innbyggere 0-17 år "
                                     "(prosent)")]),
        ("Tid", "år", [(y, y) for y in YEARS]),
    ]
    values, status = [], {}
    for flat, combo in enumerate(itertools.product(*(codes for _, _, codes in dims))):
        if rng.random() < 0.02:
            values.append(None)
            status[str(flat)] = ":"
        elif combo[3][0].endswith("0001"):
            values.append(round(rng.uniform(0.5, 9.5), 1))
        else:
            values.append(rng.randint(0, 4000))
    dimension = {}
    for dim_id, label, codes in dims:
        category = {"index": {c: n for n, (c, _) in enumerate(codes)}, "label": dict(codes)}
        if dim_id == "ContentsCode":
            category["unit"] = {"KOSbvbarntiltaka0000": {"base": "antall", "decimals": 0},
                                "KOSbvbarntiltaka0001": {"base": "prosent", "decimals": 1}}
        dimension[dim_id] = {"label": label, "category": category, "extension": {"elimination": False}}
    doc = {"version": "2.0", "class": "dataset",
           "label": "12275: Barn med barnevernstiltak i løpet av året og per 31. desember, etter region, alder, "
                    "funksjon, statistikkvariabel og år",
           "source": "Statistisk sentralbyrå", "updated": "2025-06-16T06:00:00Z",
           "role": {"time": ["Tid"], "geo": ["KOKkommuneregion0000"], "metric": ["ContentsCode"]},
           "id": [d[0] for d in dims], "size": [len(d[2]) for d in dims], "dimension": dimension,
           "extension": {"px": {"infofile": "None", "tableid": "12275", "decimals": 0}},
           "value": values, "status": status}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def one_run(first: bytes, second: bytes) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory(prefix="tilstand-bench-import-") as d:
        path = Path(d) / "bench.duckdb"
        con = store.connect(path)  # schema and reference data: not part of the import
        out: dict[str, float | int] = {}
        for label, data in (("new", first), ("update", second)):
            t0 = time.perf_counter()
            prepared = ingest.read("ssb_api_12275_2015-2024.json", data=data)
            t1 = time.perf_counter()
            result = ingest.write(con, prepared, actor=SYSTEM)
            t2 = time.perf_counter()
            out[f"{label}_read"], out[f"{label}_write"] = t1 - t0, t2 - t1
            out[f"{label}_rows"], out[f"{label}_changed"] = result.rows, result.changed
        out["observations"] = con.cursor().execute("SELECT count(*) FROM observation").fetchone()[0]
        store.close(path)
        return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    first, second = table_12275(seed=1), table_12275(seed=2)
    cells = len(json.loads(first)["value"])
    print(f"import of a national SSB table: 12275, {len(regions())} regions x 10 years, {cells:,} cells, "
          f"{len(first) / 1024:.0f} KiB of JSON-stat2")
    print(f"  (import of tilstand package: {T_IMPORT:.2f} s, not included below)")
    totals = []
    for i in range(1, args.runs + 1):
        r = one_run(first, second)
        total = r["new_read"] + r["new_write"]
        totals.append(total)
        note = " (cold process)" if i == 1 else ""
        print(f"  run {i}: new {total:5.2f} s (read {r['new_read']:.2f} + write {r['new_write']:.2f}), "
              f"{r['new_rows']:,} values; update {r['update_read'] + r['update_write']:5.2f} s, "
              f"{r['update_changed']:,} changed; observation rows {r['observations']:,}{note}")
    print()
    print(f"import (read + write)  N={len(totals)}  min {min(totals):.2f} s  median {statistics.median(totals):.2f} s"
          f"  max {max(totals):.2f} s   target ≤ {TARGET_S:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
