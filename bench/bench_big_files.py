"""Benchmark: huge and hostile files through the real import path, each in its own process.

Every case is written into a temporary directory at run time (nothing big is ever committed) and then
imported with `tilstand import FILE --db TMP` in a fresh subprocess — the command line has no upload limit,
so it is the path a huge file can take. For each case the script prints the exit code, the wall time, the
child's peak RSS and the first line of the Norwegian message. Peak RSS comes from `os.wait4` (the child's
own `ru_maxrss`, as `resource.getrusage(RUSAGE_CHILDREN)` reports it, but for this child only: the
RUSAGE_CHILDREN figure is the largest of all children so far). A tiny good file gives the baseline cost of
starting the command.

**Target: ≤ 300 MB peak RSS and a fast refusal (≤ 2 s) for every refused file**, whatever its size.

    uv run python bench/bench_big_files.py [--keep DIR] [--cases a,b]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB, TARGET_S = 300, 2.0
MB = 1024 * 1024
YEARS = range(2015, 2025)
AGES = range(106)  # 07459 has one row per single year of age, 0–105


COUNTIES = ("03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56")  # 2024


def regions() -> list[tuple[str, str]]:
    """A national download's regions: the country, the 15 counties of 2024 and 357 municipalities (24 a county,
    synthetic numbers and names of realistic length; the importer adds municipalities it does not know)."""
    out = [("EAK", "Landet")] + [(f"EKA{c}", f"Fylke {c}") for c in COUNTIES]
    return out + [(f"{c}{n + 1:02d}", f"Kommune {c}{n + 1:02d}") for c in COUNTIES for n in range(24)][:357]


# ---------------------------------------------------------------- the cases (each writes one file)


def ssb_csv_lines(years=YEARS) -> list[str]:
    """07459 (population by single year of age) for the whole country, long layout: the widest realistic
    SSB download Tilstand reads (373 regions × 106 ages × 10 years)."""
    lines = [
        '"07459: Folkemengde, etter region, alder, statistikkvariabel og år"',
        "",
        '"region";"alder";"statistikkvariabel";"år";"Personer"',
    ]
    for code, name in regions():
        for age in AGES:
            for year in years:
                lines.append(f'"{code} {name}";"{age} år";"Personer";"{year}";{1000 + age}')
    return lines


def write_huge_csv(path: Path) -> None:
    """190 MB: the national 07459 table repeated until the file is that big (every row well-formed)."""
    body = "\n".join(ssb_csv_lines()[3:]) + "\n"
    with path.open("w", encoding="utf-8") as f:
        f.write("\n".join(ssb_csv_lines()[:3]) + "\n")
        while f.tell() < 190 * MB:
            f.write(body)


def write_largest_csv_bad_last_row(path: Path) -> None:
    """The widest realistic download, just under the limit, refused at its very last row: the parse has to
    read everything before it can refuse."""
    lines = ssb_csv_lines()
    lines[-1] = lines[-1].rsplit(";", 1)[0] + ";tolv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_huge_json(path: Path) -> None:
    """150 MB of JSON-stat: a header that claims 20 million cells and the value array to match."""
    head = {
        "version": "2.0",
        "class": "dataset",
        "label": "07459: Folkemengde",
        "id": ["Region", "Alder", "ContentsCode", "Tid"],
        "size": [20_000, 100, 1, 10],
        "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": {},
        "extension": {"px": {"tableid": "07459"}},
    }
    text = json.dumps(head)[:-1] + ', "value": ['
    chunk = ",".join(["1234.5"] * 100_000)
    with path.open("w", encoding="utf-8") as f:
        f.write(text)
        while f.tell() < 150 * MB:
            f.write(chunk + ",")
        f.write("0]}")


def jsonstat_07459(bad_last: bool) -> bytes:
    """07459 national × 106 ages × 10 years as the API answers it (≈ 395,000 cells)."""
    regs, years = regions(), [str(y) for y in YEARS]
    dims = {
        "Region": regs,
        "Alder": [(f"{a:03d}", f"{a} år") for a in AGES],
        "ContentsCode": [("Personer1", "Personer")],
        "Tid": [(y, y) for y in years],
    }
    n = len(regs) * len(AGES) * len(years)
    values: list[object] = [1000 + (i % 97) for i in range(n)]
    if bad_last:
        values[-1] = "tolv"
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "07459: Folkemengde, etter region, alder og år",
        "id": list(dims),
        "size": [len(v) for v in dims.values()],
        "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": {
            k: {"label": k, "category": {"index": {c: i for i, (c, _) in enumerate(v)}, "label": dict(v)}}
            for k, v in dims.items()
        },
        "extension": {"px": {"tableid": "07459"}},
        "value": values,
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_largest_json_bad_last(path: Path) -> None:
    path.write_bytes(jsonstat_07459(bad_last=True))


def write_json_of_empty_objects(path: Path) -> None:
    """19 MB of `[{},{},…]`: few bytes, one Python object each (the most memory per byte JSON allows)."""
    path.write_bytes(b'{"value":[' + b"{}," * (19 * MB // 3) + b"{}]}")


def write_csv_of_semicolons(path: Path) -> None:
    """19 MB of one-character fields: the most CSV cells per byte."""
    path.write_bytes(b'"07459: Folkemengde"\n' + (b";" * 999 + b"\n") * (19 * 1024))


def _workbook_parts(sheet_xml: Callable[[zipfile.ZipFile], None], *, path: Path, shared_strings: bool = False) -> None:
    """A minimal .xlsx with one sheet named as the 10-FAKTOR template's, the sheet XML (and shared strings) streamed
    in by `sheet_xml`."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="10-FAKTOR" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
        'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        + (
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'sharedStrings" Target="sharedStrings.xml"/>'
            if shared_strings
            else ""
        )
        + "</Relationships>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
        sheet_xml(z)


SHEET_HEAD = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def write_inline_string_xlsx(path: Path) -> None:
    """One cell with a 280 MB inline string, in the first row (≈ 0.3 MB compressed)."""

    def sheet(z: zipfile.ZipFile) -> None:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>')
            block = b"A" * MB
            for _ in range(280):
                f.write(block)
            f.write(b"</t></is></c></row>" + SHEET_TAIL)

    _workbook_parts(sheet, path=path)


def write_zip_bomb_xlsx(path: Path) -> None:
    """A sheet that unpacks to 1 GB of rows (≈ 1 MB compressed): a zip bomb shaped like a workbook."""

    def sheet(z: zipfile.ZipFile) -> None:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(SHEET_HEAD)
            row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
            for _ in range(1024 * MB // len(row)):
                f.write(row)
            f.write(SHEET_TAIL)

    _workbook_parts(sheet, path=path)


def write_shared_strings_xlsx(path: Path) -> None:
    """Just under the unpacked limit: 39 MB of short shared strings, which openpyxl loads whole when it opens the
    workbook (2.3 million Python strings)."""

    def parts(z: zipfile.ZipFile) -> None:
        with z.open("xl/sharedStrings.xml", "w") as f:
            f.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            block = b"".join(b"<si><t>%02d</t></si>" % (i % 100) for i in range(10_000))
            for _ in range(39 * MB // len(block)):
                f.write(block)
            f.write(b"</sst>")
        z.writestr(
            "xl/worksheets/sheet1.xml", SHEET_HEAD + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL
        )

    _workbook_parts(parts, path=path, shared_strings=True)


def write_many_cells_xlsx(path: Path) -> None:
    """Just under the unpacked limit: a sheet of 39 MB of numbers, 1,000 to a row and no header row."""

    def sheet(z: zipfile.ZipFile) -> None:
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(SHEET_HEAD)
            row = b"<row>" + b"<c><v>1.5</v></c>" * 1000 + b"</row>"
            for _ in range(39 * MB // len(row)):
                f.write(row)
            f.write(SHEET_TAIL)

    _workbook_parts(sheet, path=path)


def write_zip_of_many_parts(path: Path) -> None:
    """19 MB of empty zip entries (190,000): the zip directory alone becomes Python objects."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(190_000):
            z.writestr(f"x/{n:07d}", b"")


def write_tenfactor_csv_too_many_rows(path: Path) -> None:
    """The 10-FAKTOR template as CSV with one row more than the row limit (every row well-formed)."""
    head = "Kommunenummer;Enhet;År;Antall svar;" + ";".join(f"Faktor {i}" for i in range(1, 11))
    row = "5001;Enhet;2024;12;" + ";".join(["4,1"] * 10)
    path.write_text(head + "\n" + "\n".join([row] * 100_001) + "\n", encoding="utf-8")


BUFDIR_HEAD = "Bufdir kommunemonitor\nKommunenummer;Kommune;Indikator;Periode;Andel (prosent);Antall\n"


def bufdir_rows(n: int) -> list[str]:
    """Rows of a monitor download, every one for its own municipality and half year (no duplicates)."""
    munis = [code for code, _ in regions() if code.isdigit()]
    return [
        f"{munis[i % len(munis)]};Kommune;Fristbrudd i undersøkelsessaker;{2000 + i // (2 * len(munis))} "
        f"{1 + (i // len(munis)) % 2}. halvår;{i % 90},{i % 10};{i % 500}"
        for i in range(n)
    ]


def write_bufdir_csv_19mb(path: Path) -> None:
    """A Bufdir download padded to 19 MB with well-formed rows (the row limit refuses it)."""
    block = "\n".join(bufdir_rows(1_000)) + "\n"
    with path.open("w", encoding="utf-8") as f:
        f.write(BUFDIR_HEAD)
        while f.tell() < 19 * MB:
            f.write(block)


def write_bufdir_csv_rows(path: Path) -> None:
    """Just under the Bufdir row limit: the importer reads every row before it checks any, so this is its peak
    (the first row it refuses is near the top: synthetic codes in Trøndelag's range carry the wrong names)."""
    path.write_text(BUFDIR_HEAD + "\n".join(bufdir_rows(99_990)) + "\n", encoding="utf-8")


def write_small_good_json(path: Path) -> None:
    """Baseline: a small, good file (one municipality's 07459 for one year)."""
    doc = json.loads(jsonstat_07459(bad_last=False))
    regs = regions()[:1]
    doc["size"] = [1, len(AGES), 1, 1]
    doc["dimension"]["Region"]["category"] = {"index": {regs[0][0]: 0}, "label": dict(regs)}
    doc["dimension"]["Tid"]["category"] = {"index": {"2024": 0}, "label": {"2024": "2024"}}
    doc["value"] = [1000 + a for a in AGES]
    path.write_text(json.dumps(doc), encoding="utf-8")


CASES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "start": ("finnes_ikke.csv", lambda path: None),
    "baseline": ("baseline_liten_god.json", write_small_good_json),
    "csv_190mb": ("ssb_190mb.csv", write_huge_csv),
    "json_150mb": ("ssb_150mb.json", write_huge_json),
    "xlsx_inline_280mb": ("tekst_280mb.xlsx", write_inline_string_xlsx),
    "xlsx_zip_bomb": ("zipbombe.xlsx", write_zip_bomb_xlsx),
    "csv_largest_bad_last": ("ssb_07459_landet_feil_sist.csv", write_largest_csv_bad_last_row),
    "json_largest_bad_last": ("ssb_07459_landet_feil_sist.json", write_largest_json_bad_last),
    "json_empty_objects": ("tomme_objekter.json", write_json_of_empty_objects),
    "csv_semicolons": ("bare_semikolon.csv", write_csv_of_semicolons),
    "bufdir_csv_19mb": ("bufdir_19mb.csv", write_bufdir_csv_19mb),
    "bufdir_csv_rows": ("bufdir_99990_rader.csv", write_bufdir_csv_rows),
    "csv_template_rows": ("10faktor_for_mange_rader.csv", write_tenfactor_csv_too_many_rows),
    "xlsx_shared_strings": ("delte_tekster_39mb.xlsx", write_shared_strings_xlsx),
    "xlsx_many_cells": ("mange_celler_39mb.xlsx", write_many_cells_xlsx),
    "zip_many_parts": ("mange_deler.xlsx", write_zip_of_many_parts),
}


# ---------------------------------------------------------------- running


def _command() -> list[str]:
    script = Path(sys.executable).parent / "tilstand"  # the entry point `uv run tilstand` starts
    return [str(script)] if script.exists() else [sys.executable, "-m", "tilstand.cli"]


def run_case(path: Path, db: Path) -> tuple[int, float, float, str]:
    """(exit code, wall s, peak RSS MB, first line of the message) of `tilstand import path` in a child."""
    err_path = path.with_suffix(path.suffix + ".err")
    with err_path.open("w") as err:
        t0 = time.perf_counter()
        import subprocess  # only here

        proc = subprocess.Popen(
            [*_command(), "import", str(path), "--db", str(db)], stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    lines = [ln for ln in err_path.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    message = lines[1] if len(lines) > 1 and lines[0].startswith("Feil i inndata") else (lines[-1] if lines else "")
    return proc.returncode, wall, usage.ru_maxrss / 1024, message  # Linux: ru_maxrss in KiB


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="write the files here and keep them (default: a temp dir)")
    ap.add_argument("--cases", help=f"comma-separated subset of: {', '.join(CASES)}")
    args = ap.parse_args()
    chosen = args.cases.split(",") if args.cases else list(CASES)
    with tempfile.TemporaryDirectory(prefix="tilstand-bench-big-") as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        print(
            f"huge and hostile files through `tilstand import` (target ≤ {TARGET_MB} MB peak RSS, "
            f"refused in ≤ {TARGET_S:.0f} s)"
        )
        print(
            "  (wall includes starting Python and importing Tilstand: the 'start' case, a missing file, is that "
            "floor; the target is on the time over it)"
        )
        print(
            f"  {'case':22} {'file size':>10} {'write':>6} {'exit':>4} {'wall':>7} {'over start':>10} "
            f"{'peak RSS':>9}  message"
        )
        worst, floor = 0.0, None
        for name in ["start", *(c for c in chosen if c != "start")]:
            file_name, write = CASES[name]
            path = where / file_name
            t0 = time.perf_counter()
            if not path.exists():
                write(path)
            made = time.perf_counter() - t0
            code, wall, rss, message = run_case(path, where / f"{name}.duckdb")
            floor = wall if floor is None else floor
            refused_fast = rss <= TARGET_MB and wall - floor <= TARGET_S and code == 2
            flag = "" if name in ("start", "baseline") or refused_fast else "  <-- over"
            worst = max(worst, rss)
            shown = message if len(message) <= 110 else message[:109] + "…"
            size = path.stat().st_size / MB if path.exists() else 0.0
            print(
                f"  {name:22} {size:8.1f} MB {made:5.1f}s {code:>4} {wall:6.2f}s {wall - floor:9.2f}s "
                f"{rss:7.0f} MB  {shown}{flag}"
            )
        print(f"\nlargest peak RSS: {worst:.0f} MB (target ≤ {TARGET_MB} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
