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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T_PROCESS = time.perf_counter()
from tilstand import ingest, store  # noqa: E402
from tilstand.access import SYSTEM  # noqa: E402

T_IMPORT = time.perf_counter() - T_PROCESS
KLASS_131 = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "data"
    / "formats"
    / "real"
    / "ssb_klass131_codesAt_2026-01-01.json"
)
TARGET_S = 1.0
TARGET_NATIONAL_S = 0.3  # issue 12: into a populated national database, in-process
TARGET_COMMAND_S = 1.5  # the whole `tilstand import` command, process start included
FILE_NAME = "ssb_api_12275_2015-2024.json"
YEARS = [str(y) for y in range(2015, 2025)]


def regions() -> list[tuple[str, str]]:
    codes = json.loads(KLASS_131.read_text(encoding="utf-8"))["codes"]
    municipalities = [(c["code"], c["name"]) for c in codes if c["code"] != "9999"]
    counties = sorted({code[:2] for code, _ in municipalities})
    return (
        [("EAK", "Landet")]
        + [(f"EKA{c}", f"Fylke {c}") for c in counties]
        + [(f"EKG{n:02d}", f"KOSTRA-gruppe {n}") for n in range(1, 18)]
        + municipalities
    )


def table_12275(seed: int) -> bytes:
    """JSON-stat2 as PxWebApi v2 answers for 12275 (dimension ids, roles and extension as in the real file)."""
    rng = random.Random(seed)
    dims = [
        ("KOKkommuneregion0000", "region", regions()),
        ("KOKalder0000", "alder", [("F000-017", "0-17 år")]),
        (
            "KOKbvfunksjon0000",
            "funksjon",
            [
                ("0", "Tiltak i alt"),
                ("1", "251 Barn som ikke er plassert av barnevernet"),
                ("2", "252 Barn som er plassert av barnevernet"),
            ],
        ),
        (
            "ContentsCode",
            "statistikkvariabel",
            [
                ("KOSbvbarntiltaka0000", "Barn med barnevernstiltak i løpet av året (antall)"),
                (
                    "KOSbvbarntiltaka0001",
                    "Barn med barnevernstiltak i løpet av året i prosent av innbyggere 0-17 år (prosent)",
                ),
            ],
        ),
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
            category["unit"] = {
                "KOSbvbarntiltaka0000": {"base": "antall", "decimals": 0},
                "KOSbvbarntiltaka0001": {"base": "prosent", "decimals": 1},
            }
        dimension[dim_id] = {"label": label, "category": category, "extension": {"elimination": False}}
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "12275: Barn med barnevernstiltak i løpet av året og per 31. desember, etter region, alder, "
        "funksjon, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå",
        "updated": "2025-06-16T06:00:00Z",
        "role": {"time": ["Tid"], "geo": ["KOKkommuneregion0000"], "metric": ["ContentsCode"]},
        "id": [d[0] for d in dims],
        "size": [len(d[2]) for d in dims],
        "dimension": dimension,
        "extension": {"px": {"infofile": "None", "tableid": "12275", "decimals": 0}},
        "value": values,
        "status": status,
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def newest_year_changed(data: bytes) -> bytes:
    """The same table with only its newest year's values changed: SSB published a year, the leader fetches ten."""
    doc = json.loads(data)
    years = doc["size"][-1]  # Tid is the last dimension: it runs fastest
    doc["value"] = [
        v + 1 if isinstance(v, (int, float)) and i % years == years - 1 else v for i, v in enumerate(doc["value"])
    ]
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def timed_import(path: Path, data: bytes) -> tuple[float, float, int]:
    """read + write of the table into the database at `path` (connected before the clock starts)."""
    con = store.connect(path)  # schema, reference data and what may be shown: not part of the import
    t0 = time.perf_counter()
    prepared = ingest.read(FILE_NAME, data=data)
    t1 = time.perf_counter()
    result = ingest.write(con, prepared, actor=SYSTEM)
    t2 = time.perf_counter()
    store.close(path)
    return t1 - t0, t2 - t1, result.changed


def one_run(first: bytes, second: bytes, national: Path | None) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory(prefix="tilstand-bench-import-") as d:
        out: dict[str, float | int] = {}
        empty = Path(d) / "empty.duckdb"
        store.connect(empty)
        store.close(empty)
        for label, data in (("new", first), ("update", second)):
            out[f"{label}_read"], out[f"{label}_write"], out[f"{label}_changed"] = timed_import(empty, data)
        if national:
            copy = Path(d) / "national.duckdb"
            shutil.copy(national, copy)
            out["national_read"], out["national_write"], out["national_changed"] = timed_import(copy, first)
            out["year_read"], out["year_write"], out["year_changed"] = timed_import(copy, newest_year_changed(first))
            shutil.copy(national, copy)
            file = Path(d) / FILE_NAME
            file.write_bytes(first)
            tilstand = Path(sys.executable).parent / "tilstand"
            t0 = time.perf_counter()
            done = subprocess.run(
                [str(tilstand), "import", str(file), "--db", str(copy)], capture_output=True, text=True
            )
            out["command"] = time.perf_counter() - t0
            assert done.returncode == 0, done.stdout + done.stderr
        return out


def national_db(directory: Path) -> Path:
    """The populated national database of bench_profile.py (every municipality, county, KOSTRA group and the
    country × 10 years × every catalogue indicator), built once through the real writer."""
    import bench_profile

    path = directory / "national.duckdb"
    bench_profile.build_db(path, seed=2024)
    store.close(path)
    return path


def summary(label: str, xs: list[float], target: float) -> str:
    return (
        f"{label:<40} N={len(xs)}  min {min(xs):.2f} s  median {statistics.median(xs):.2f} s  "
        f"max {max(xs):.2f} s   target ≤ {target} s"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-national", action="store_true", help="skip the populated national database")
    args = ap.parse_args()
    first, second = table_12275(seed=1), table_12275(seed=2)
    cells = len(json.loads(first)["value"])
    print(
        f"import of a national SSB table: 12275, {len(regions())} regions x 10 years, {cells:,} cells, "
        f"{len(first) / 1024:.0f} KiB of JSON-stat2"
    )
    print(f"  (import of tilstand package: {T_IMPORT:.2f} s, not included below)")
    with tempfile.TemporaryDirectory(prefix="tilstand-bench-national-") as d:
        national = None if args.no_national else national_db(Path(d))
        rows = {k: [] for k in ("empty", "update", "national", "year", "command")}
        for i in range(1, args.runs + 1):
            r = one_run(first, second, national)
            rows["empty"].append(r["new_read"] + r["new_write"])
            rows["update"].append(r["update_read"] + r["update_write"])
            line = (
                f"  run {i}: into an empty database {rows['empty'][-1]:5.2f} s (read {r['new_read']:.2f} + write "
                f"{r['new_write']:.2f}); again, every value changed {rows['update'][-1]:5.2f} s "
                f"({r['update_changed']:,} changed)"
            )
            if national:
                rows["national"].append(r["national_read"] + r["national_write"])
                rows["year"].append(r["year_read"] + r["year_write"])
                rows["command"].append(r["command"])
                line += (
                    f"; into the national database {rows['national'][-1]:5.2f} s (read {r['national_read']:.2f}"
                    f" + write {r['national_write']:.2f}); then with only the newest year changed "
                    f"{rows['year'][-1]:5.2f} s ({r['year_changed']:,} changed); whole `tilstand import` command "
                    f"{r['command']:.2f} s"
                )
            print(line + (" (cold process)" if i == 1 else ""))
    print()
    print(summary("into an empty database (read + write)", rows["empty"], TARGET_S))
    print(summary("again, every value changed", rows["update"], TARGET_S))
    if rows["national"]:
        print(summary("into the national database (in-process)", rows["national"], TARGET_NATIONAL_S))
        print(summary("national, only the newest year changed", rows["year"], TARGET_NATIONAL_S))
        print(summary("whole `tilstand import` command", rows["command"], TARGET_COMMAND_S))
    return 0


if __name__ == "__main__":
    sys.exit(main())
