"""Writes the battery of bad files in tests/data/bad/: one concrete file per way a real file goes wrong.

Every file starts from a small good base (a few rows of sample_data/, the shared SSB format samples, the
Excel templates in sample_data/templates/) and breaks exactly one thing, so the message it gets tells
whether the importer names the right row and field. expected.csv pins the message each must produce.

    uv run python tests/data/bad/make_bad_files.py             # write the files (deterministic bytes)
    uv run python tests/data/bad/make_bad_files.py --expected  # also rewrite expected.csv from the importer

Rewriting expected.csv records whatever the importer says today: read every changed message before
committing it (plain Norwegian, names the file, and the row and field where there is one). The year in
messages such as "(2000–2026)" is stored as {this_year}, so the battery does not expire on 1 January.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
TEMPLATES = ROOT / "sample_data" / "templates"
FORMATS = ROOT / "tests" / "data" / "formats"
FIXED_TIME = datetime(2025, 1, 1)
KEEP = {"make_bad_files.py", "expected.csv"}
THIS_YEAR = "{this_year}"


@dataclass(frozen=True)
class Case:
    path: str  # relative to tests/data/bad/
    source: str  # '' = detected from the content, as `tilstand import FILE` without --source
    data: bytes


CASES: list[Case] = []


def case(path: str, data: bytes | str, source: str = "") -> None:
    if any(c.path == path for c in CASES):
        raise SystemExit(f"two cases named {path}")
    CASES.append(Case(path, source, data.encode("utf-8") if isinstance(data, str) else data))


# ---------------------------------------------------------------- writing helpers

Rows = list[list[object]]


def cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:g}".replace(".", ",")  # Norwegian Excel's CSV: decimal comma
    return str(v)


def to_csv(rows: Sequence[Sequence[object]], delimiter: str = ";") -> str:
    return "\n".join(delimiter.join(cell_text(v) for v in r) for r in rows) + "\n"


def fixed_zip(raw: bytes) -> bytes:
    """Same workbook, same bytes: fixed zip timestamps and document dates."""
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\g<2>", data
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data)
    return out.getvalue()


def save(wb: openpyxl.Workbook) -> bytes:
    wb.properties.created = wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    wb.save(raw)
    return fixed_zip(raw.getvalue())


def template(name: str, header: Sequence[str]) -> openpyxl.Workbook:
    """The shipped template (title row, Veiledning sheet, validation) cut to its header row, with the
    header written out here so the battery does not change when a template gains an optional column."""
    wb = openpyxl.load_workbook(TEMPLATES / f"{name}.xlsx")
    ws = wb.worksheets[0]
    ws.delete_rows(3, ws.max_row)
    if ws.max_column > len(header):
        ws.delete_cols(len(header) + 1, ws.max_column - len(header))
    for c, h in enumerate(header, start=1):
        ws.cell(row=2, column=c, value=h)
    return wb


def book(
    name: str, header: Sequence[str], rows: Rows, tweak: Callable[[openpyxl.Workbook], None] | None = None
) -> bytes:
    wb = template(name, header)
    ws = wb.worksheets[0]
    for r, values in enumerate(rows, start=3):
        for c, v in enumerate(values, start=1):
            if v is not None:
                ws.cell(row=r, column=c, value=v)
    if tweak:
        tweak(wb)
    return save(wb)


def plain_book(sheets: dict[str, Rows]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    return save(wb)


def put(rows: Rows, r: int, c: int, v: object) -> Rows:
    """A copy of rows with one cell changed (r, c from 0; rows are extended as needed)."""
    out = copy.deepcopy(rows)
    while len(out[r]) <= c:
        out[r].append(None)
    out[r][c] = v
    return out


# ================================================================ any source: not a file Tilstand reads


def any_cases() -> None:
    case("any/tom.csv", b"")
    case("any/bare_blanke_linjer.csv", b"\r\n  \n\t\n")
    junk = bytes((i * 73 + 41) % 256 for i in range(600))  # deterministic noise with NUL bytes in it
    case("any/binaert_rot.csv", junk)
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
        b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    case("any/bilde_png_omdopt.csv", png)
    case(
        "any/nettside_lagret_som.csv",
        '<!DOCTYPE html>\n<html lang="no"><head><title>Kommunemonitor – Bufdir'
        "</title></head>\n<body><h1>Barnevern kommunemonitor</h1><p>Last ned tabellen.</p></body></html>\n",
    )
    case("any/pdf_omdopt.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n")
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as f:
        f.writestr(zipfile.ZipInfo("rapport.txt", date_time=FIXED_TIME.timetuple()[:6]), "Ikke et regneark.\n")
    case("any/zip_som_ikke_er_excel.xlsx", z.getvalue())
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as f:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")):
            f.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6]), text)
    case("any/word_dokument_omdopt.xlsx", z.getvalue())
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as f:
        for name, text in (
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", "<office:document-content/>"),
        ):
            f.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6]), text)
    case("any/libreoffice_ods.xlsx", z.getvalue())
    wb = template("10faktor", TF_HEADER)
    wb.remove(wb.worksheets[0])
    case("any/bare_veiledningsarket.xlsx", save(wb))
    good = book("10faktor", TF_HEADER, TF_ROWS)
    case("any/avkortet_excel.xlsx", good[: len(good) // 2])
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel stores a password-protected .xlsx in an OLE container
    case("any/passordbeskyttet.xlsx", ole + bytes(504) + b"EncryptedPackage" + bytes(200))
    utf16 = ("\ufeff" + to_csv(TF_CSV, "\t")).encode("utf-16-le")  # Excel's «Unicode-tekst», cut off mid-letter
    case("any/utf16_avkortet.csv", utf16[: len(utf16) // 2 * 2 - 1])
    case(
        "any/gzip_omdopt.csv",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x4b\x4c\x4a\x06\x00\xc2\x41\x24\x35\x03\x00\x00\x00",
    )
    case(
        "any/brev_i_ren_tekst.csv",
        "Hei!\n\nVedlagt er tallene for barnevernet i fjor, som avtalt på møtet.\n\nHilsen Kari\n",
    )
    case("any/ukjent_tabell_med_semikolon.csv", "Navn;Alder;Bosted\nOla;34;Steinkjer\nKari;29;Trondheim\n")
    case("any/json_liste.json", "[1, 2, 3]\n")
    case("any/regneark_uten_kjente_ark.xlsx", plain_book({"Ark1": [["Navn", "Alder"], ["Ola", 34]]}))


# ================================================================ SSB: JSON-stat2 and Statistikkbanken CSV


def ssb_doc() -> dict:
    """A small, valid API response for table 12286 (two municipalities, both mapped contents, two years)."""
    return {
        "version": "2.0",
        "class": "dataset",
        "label": SSB_TITLE,
        "source": "Statistisk sentralbyrå",
        "updated": "2025-06-17T06:00:00Z",
        "note": ["Eksempeldata: syntetiske tall laget for testene, ikke reelle tall."],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["KOKkommuneregion0000"]},
        "id": ["KOKkommuneregion0000", "ContentsCode", "Tid"],
        "size": [2, 2, 2],
        "dimension": {
            "KOKkommuneregion0000": {
                "label": "region",
                "category": {
                    "index": {"5001": 0, "5006": 1},
                    "label": {"5001": "Trondheim - Tråante", "5006": "Steinkjer"},
                },
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {"KOSbvbarnus0000": 0, "KOSbvbarnuspinnb0000": 1},
                    "label": {
                        "KOSbvbarnus0000": "Barn med undersøkelse (antall)",
                        "KOSbvbarnuspinnb0000": "Barn med undersøkelse i prosent av innbyggere 0-17 år (prosent)",
                    },
                },
            },
            "Tid": {
                "label": "år",
                "category": {"index": {"2023": 0, "2024": 1}, "label": {"2023": "2023", "2024": "2024"}},
            },
        },
        "value": [1210, 1188, 3.0, 2.9, 212, 205, 4.1, 4.0],
    }


def dumps(doc: object) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def ssb_json(change: Callable[[dict], object]) -> str:
    doc = ssb_doc()
    change(doc)
    return dumps(doc)


SSB_TITLE = "12286: Barnevern - undersøkelser (K) 2023 - 2024, etter region, statistikkvariabel og år (Eksempeldata)"
SSB_HEADER = ["region", "statistikkvariabel", "år", SSB_TITLE]
SSB_ROWS = [
    ["5001 Trondheim - Tråante", "Barn med undersøkelse (antall)", "2023", "1210"],
    ["5001 Trondheim - Tråante", "Barn med undersøkelse (antall)", "2024", "1 188"],
    ["5001 Trondheim - Tråante", "Barn med undersøkelse i prosent av innbyggere 0-17 år (prosent)", "2023", "3,0"],
    ["5006 Steinkjer", "Barn med undersøkelse (antall)", "2023", "212"],
    ["5006 Steinkjer", "Barn med undersøkelse i prosent av innbyggere 0-17 år (prosent)", "2023", "4,1"],
]


def ssb_csv(rows: Rows | None = None, header: Sequence[str] | None = None, delimiter: str = ";") -> str:
    """As SSB writes it: texts quoted, the value last and unquoted."""
    lines = [delimiter.join(f'"{h}"' for h in (SSB_HEADER if header is None else header))]
    for r in SSB_ROWS if rows is None else rows:
        lines.append(delimiter.join([*(f'"{c}"' for c in r[:-1]), str(r[-1])]))
    return "\n".join(lines) + "\n"


def ssb_cases() -> None:
    good = dumps(ssb_doc())
    case("ssb/avbrutt_nedlasting.json", good[: len(good) * 2 // 3])
    case("ssb/ikke_utf8.json", good.encode("cp1252"))
    case("ssb/soppel_etter_json.json", good + "<html>Feil 502</html>\n")
    case("ssb/tomt_objekt.json", "{}\n")
    case(
        "ssb/tabell_uten_kobling.json",
        ssb_json(lambda d: d.update(label="99999: Barnevern - eksempeltabell (Eksempeldata)")),
    )
    case("ssb/ekte_tabell_05300_uten_kobling.json", (FORMATS / "real" / "ssb_05300_jsonstat2_v0api.json").read_bytes())
    case("ssb/uten_tabellnummer.json", ssb_json(lambda d: d.update(label="Barnevern - undersøkelser")))
    case("ssb/mangler_value.json", ssb_json(lambda d: d.pop("value")))
    case("ssb/for_faa_verdier.json", ssb_json(lambda d: d.update(value=d["value"][:6])))
    case("ssb/size_feil_antall_regioner.json", ssb_json(lambda d: d.update(size=[3, 2, 2])))
    case("ssb/id_og_size_ulik_lengde.json", ssb_json(lambda d: d.update(size=[2, 2])))
    case("ssb/id_uten_dimensjon.json", ssb_json(lambda d: d["dimension"].pop("Tid")))
    case("ssb/negativ_size.json", ssb_json(lambda d: d.update(size=[2, -2, 2])))
    case("ssb/size_som_tekst.json", ssb_json(lambda d: d.update(size="2,2,2")))
    case("ssb/dimensjon_uten_category.json", ssb_json(lambda d: d["dimension"]["Tid"].pop("category")))
    case("ssb/dimensjon_uten_index.json", ssb_json(lambda d: d["dimension"]["Tid"]["category"].pop("index")))

    def no_time(d: dict) -> None:
        d["role"].pop("time")
        d["id"][2] = "Periode"
        d["dimension"]["Periode"] = d["dimension"].pop("Tid")
        d["dimension"]["Periode"]["label"] = "periode"

    case("ssb/uten_tidsdimensjon.json", ssb_json(no_time))

    def unknown_contents(d: dict) -> None:
        cat = d["dimension"]["ContentsCode"]["category"]
        cat["index"] = {"KOSbvmeldinger0000": 0, "KOSbvmeldpros0000": 1}
        cat["label"] = {"KOSbvmeldinger0000": "Meldinger (antall)", "KOSbvmeldpros0000": "Meldinger (prosent)"}

    case("ssb/ukjent_statistikkvariabel.json", ssb_json(unknown_contents))
    case("ssb/verdi_som_tekst.json", ssb_json(lambda d: d["value"].__setitem__(3, "2,9")))
    case("ssb/verdi_sann_usann.json", ssb_json(lambda d: d["value"].__setitem__(5, True)))
    case(
        "ssb/ukjent_statussymbol.json",
        ssb_json(lambda d: (d["value"].__setitem__(1, None), d.update(status={"1": "?"}))[-1]),
    )

    def year_code(code: str) -> Callable[[dict], None]:
        def change(d: dict) -> None:
            d["dimension"]["Tid"]["category"] = {"index": {"2023": 0, code: 1}, "label": {"2023": "2023", code: code}}

        return change

    case("ssb/aar_som_ikke_er_aar.json", ssb_json(year_code("i fjor")))
    case("ssb/aar_utenfor_gyldig_omraade.json", ssb_json(year_code("1850")))

    def region(code: str, label: str) -> Callable[[dict], None]:
        def change(d: dict) -> None:
            d["dimension"]["KOKkommuneregion0000"]["category"] = {
                "index": {"5001": 0, code: 1},
                "label": {"5001": "Trondheim - Tråante", code: label},
            }

        return change

    case("ssb/ukjent_regionkode.json", ssb_json(region("8801", "Atlantis")))
    case("ssb/regionnavn_med_html.json", ssb_json(region("5006", "<script>alert(1)</script>")))
    case("ssb/regionnavn_med_bilde.json", ssb_json(region("5099", "Nykommune ![x](https://evil.example/p.png)")))
    # names of a region Tilstand does not know yet are stored and printed in the council's document
    case("ssb/regionnavn_med_kontrolltegn.json", ssb_json(region("5099", "Nykommune\x1b[31m\x07")))
    case("ssb/regionnavn_5000_tegn.json", ssb_json(region("5099", "Nykommune " * 500)))
    case("ssb/regionnavn_som_formel.csv", ssb_csv(put(SSB_ROWS, 4, 0, "5099 @SUM(1+1)")))

    def two_sexes(d: dict) -> None:  # an extra dimension the mapping does not select: two values per indicator
        d["id"].insert(1, "Kjonn")
        d["size"].insert(1, 2)
        d["dimension"]["Kjonn"] = {
            "label": "kjønn",
            "category": {"index": {"1": 0, "2": 1}, "label": {"1": "Gutter", "2": "Jenter"}},
        }
        d["value"] = [v for v in d["value"] for _ in (0, 1)]

    case("ssb/to_verdier_for_samme_indikator.json", ssb_json(two_sexes))

    # CSV downloads
    case("ssb/komma_i_stedet_for_semikolon.csv", ssb_csv(delimiter=","))
    case("ssb/bare_overskrift.csv", ssb_csv(rows=[]))
    case("ssb/tekst_i_tallfelt.csv", ssb_csv(put(SSB_ROWS, 2, 3, "ca. tre")))
    case("ssb/tusenskille_med_punktum.csv", ssb_csv(put(SSB_ROWS, 0, 3, "1.210,0")))
    case("ssb/prosenttegn_i_tallfelt.csv", ssb_csv(put(SSB_ROWS, 2, 3, "3,0 %")))
    case("ssb/tankestrek_som_symbol.csv", ssb_csv(put(SSB_ROWS, 3, 3, "–")))
    case("ssb/aar_med_to_siffer.csv", ssb_csv(put(SSB_ROWS, 1, 2, "24")))
    case("ssb/aar_utenfor_gyldig_omraade.csv", ssb_csv(put(SSB_ROWS, 1, 2, "1850")))
    case("ssb/rad_med_ekstra_kolonne.csv", ssb_csv(put(SSB_ROWS, 3, 4, "212")))
    case("ssb/region_mangler.csv", ssb_csv(put(SSB_ROWS, 4, 0, "")))
    case("ssb/ukjent_region.csv", ssb_csv(put(SSB_ROWS, 3, 0, "Atlantis")))
    # '0 Hele landet' (tables outside KOSTRA) and 'EAK Landet' (KOSTRA) are the same country: never both
    case(
        "ssb/landet_som_0_og_eak.csv",
        ssb_csv([*SSB_ROWS, ["0 Hele landet", *SSB_ROWS[0][1:]], ["EAK Landet", *SSB_ROWS[0][1:]]]),
    )
    case("ssb/uten_tabellnummer.csv", ssb_csv(header=[*SSB_HEADER[:3], "Barnevern - undersøkelser"]))
    case(
        "ssb/uten_statistikkvariabel.csv",
        ssb_csv([[r[0], r[2], r[3]] for r in SSB_ROWS], header=["region", "år", SSB_TITLE]),
    )
    case(
        "ssb/bred_uten_aarskolonner.csv",
        ssb_csv([[r[0], r[1], r[3]] for r in SSB_ROWS], header=["region", "statistikkvariabel", SSB_TITLE]),
    )
    case("ssb/ukjent_statistikkvariabel.csv", ssb_csv([[r[0], "Meldinger (antall)", r[2], r[3]] for r in SSB_ROWS]))
    case("ssb/samme_rad_to_ganger_ulik_verdi.csv", ssb_csv([*SSB_ROWS, put(SSB_ROWS, 3, 3, "215")[3]]))
    case("ssb/ugyldig_tegnkoding.csv", ssb_csv().encode("cp1252").replace(b"Steinkjer", b"Steinkj\x81r"))
    case("ssb/excel_fil_som_ssb.xlsx", book("10faktor", TF_HEADER, TF_ROWS), source="ssb")
    case("ssb/10faktor_csv_som_ssb.csv", to_csv(TF_CSV), source="ssb")


# ================================================================ Bufdir kommunemonitor

BD_TITLE = "Bufdir kommunemonitor – Eksempeldata: syntetiske tall laget for testene, ikke reelle tall"
BD_HEADER = ["Kommunenummer", "Kommune", "Indikator", "Periode", "Andel (prosent)", "Antall"]
BD_ROWS: Rows = [
    ["5001", "Trondheim", "Fristbrudd i undersøkelsessaker", "2023 2. halvår", "38,3", "291"],
    ["5001", "Trondheim", "Barn med akuttvedtak pr. 1000 i barnebefolkningen", "2023", "1,6", "65"],
    ["5006", "Steinkjer", "Fristbrudd i undersøkelsessaker", "2023 2. halvår", "12,0", "9"],
    ["5006", "Steinkjer", "Barn med akuttvedtak pr. 1000 i barnebefolkningen", "2023", "2,1", "10"],
]
BD_WIDE_TITLE = [[BD_TITLE], ["Andel (prosent)"]]
BD_WIDE_HEADER = ["Kommune", "Indikator", "2023 1. halvår", "2023 2. halvår"]
BD_WIDE_ROWS: Rows = [
    ["5001 Trondheim", "Barn i hjelpetiltak med tiltaksplan", 83.0, 89.1],
    ["5001 Trondheim", "Barn i hjelpetiltak med evaluert tiltaksplan", 92.0, 87.2],
    ["5006 Steinkjer", "Barn i hjelpetiltak med tiltaksplan", 78.5, 81.0],
]


def bufdir_csv(
    rows: Rows | None = None, header: Sequence[str] | None = None, delimiter: str = ";", title: bool = True
) -> str:
    head = [[BD_TITLE]] if title else []
    return to_csv(
        [*head, list(BD_HEADER if header is None else header), *(BD_ROWS if rows is None else rows)], delimiter
    )


def bufdir_xlsx(
    rows: Rows | None = None,
    header: Sequence[str] | None = None,
    titles: Rows | None = None,
    tweak: Callable[[openpyxl.Workbook], None] | None = None,
) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kommunemonitor"
    for r in [
        *(BD_WIDE_TITLE if titles is None else titles),
        list(BD_WIDE_HEADER if header is None else header),
        *(BD_WIDE_ROWS if rows is None else rows),
    ]:
        ws.append(r)
    if tweak:
        tweak(wb)
    return save(wb)


def bufdir_cases() -> None:
    case("bufdir/ukjent_indikator.csv", bufdir_csv(put(BD_ROWS, 1, 2, "Barn med hjelpetiltak i hjemmet")))
    case("bufdir/ukjent_kommunenummer.csv", bufdir_csv(put(put(BD_ROWS, 2, 0, "9999"), 2, 1, "")))
    case("bufdir/kommunenummer_med_sju_siffer.csv", bufdir_csv(put(BD_ROWS, 2, 0, "5006001")))
    case("bufdir/kommunenummer_med_fem_siffer.csv", bufdir_csv(put(put(BD_ROWS, 2, 0, "50066"), 2, 1, "")))
    case("bufdir/kommunenummer_og_navn_stemmer_ikke.csv", bufdir_csv(put(BD_ROWS, 2, 1, "Bodø")))
    case("bufdir/ukjent_kommunenavn.csv", bufdir_csv(put(put(BD_ROWS, 3, 0, ""), 3, 1, "Atlantis")))
    case("bufdir/region_mangler.csv", bufdir_csv(put(put(BD_ROWS, 3, 0, ""), 3, 1, "")))
    case("bufdir/regionnavn_med_html.csv", bufdir_csv(put(put(BD_ROWS, 1, 0, ""), 1, 1, "<b>Trondheim</b>")))
    case("bufdir/regionnavn_med_kontrolltegn.csv", bufdir_csv(put(put(BD_ROWS, 3, 0, "5099"), 3, 1, "Ny\x0bkommune")))
    case("bufdir/regionnavn_5000_tegn.csv", bufdir_csv(put(put(BD_ROWS, 3, 0, "5099"), 3, 1, "N" * 5000)))
    case(
        "bufdir/regionnavn_som_formel.csv",
        bufdir_csv(put(put(BD_ROWS, 3, 0, "5099"), 3, 1, '=HYPERLINK("https://evil.example")')),
    )
    case("bufdir/andel_over_100.csv", bufdir_csv(put(BD_ROWS, 0, 4, "138,3")))
    case("bufdir/per_1000_over_1000.csv", bufdir_csv(put(BD_ROWS, 1, 4, "1600")))
    case("bufdir/negativ_andel.csv", bufdir_csv(put(BD_ROWS, 3, 4, "-2,1")))
    case("bufdir/tekst_i_tallfelt.csv", bufdir_csv(put(BD_ROWS, 3, 4, "lav")))
    case("bufdir/tusenskille_med_punktum.csv", bufdir_csv(put(BD_ROWS, 1, 4, "1.600,5")))
    case("bufdir/excel_feil_i_celle.csv", bufdir_csv(put(BD_ROWS, 2, 4, "#DIV/0!")))
    case("bufdir/ugyldig_periode.csv", bufdir_csv(put(BD_ROWS, 1, 3, "i fjor")))
    case("bufdir/aar_utenfor_gyldig_omraade.csv", bufdir_csv(put(BD_ROWS, 1, 3, "1850")))
    case("bufdir/halvaarstall_uten_halvaar.csv", bufdir_csv(put(BD_ROWS, 0, 3, "2023")))
    case("bufdir/aarstall_med_halvaar.csv", bufdir_csv(put(BD_ROWS, 1, 3, "2023 1. halvår")))
    case("bufdir/samme_rad_to_ganger_ulik_verdi.csv", bufdir_csv([*BD_ROWS, put(BD_ROWS, 0, 4, "40,1")[0]]))
    case("bufdir/mangler_verdikolonne.csv", bufdir_csv([r[:4] for r in BD_ROWS], header=BD_HEADER[:4]))
    case(
        "bufdir/mangler_indikatorkolonne.csv",
        bufdir_csv([[r[0], r[1], r[3], r[4]] for r in BD_ROWS], header=[*BD_HEADER[:2], *BD_HEADER[3:5]]),
        source="bufdir",
    )
    case("bufdir/verdi_uten_maaltall.csv", bufdir_csv([r[:5] for r in BD_ROWS], header=[*BD_HEADER[:4], "Verdi"]))
    case(
        "bufdir/ukjent_maaltall.csv",
        bufdir_csv([[*r[:4], "snitt", r[4]] for r in BD_ROWS], header=[*BD_HEADER[:4], "Måltall", "Verdi"]),
    )
    case(
        "bufdir/halvaar_kolonne_ugyldig.csv",
        bufdir_csv(
            [[*r[:3], "2023", "3" if i == 0 else "2", r[4]] for i, r in enumerate(BD_ROWS[::2])],
            header=[*BD_HEADER[:3], "År", "Halvår", "Andel (prosent)"],
        ),
    )
    case(
        "bufdir/halvaar_motsier_periode.csv",
        bufdir_csv([[*r[:4], "1", r[4]] for r in BD_ROWS[::2]], header=[*BD_HEADER[:4], "Halvår", "Andel (prosent)"]),
    )
    case("bufdir/rad_med_ekstra_kolonne.csv", bufdir_csv(put(BD_ROWS, 2, 7, "9")))
    case("bufdir/bare_overskrift.csv", bufdir_csv([]))
    case(
        "bufdir/bare_foerste_halvaar.csv",
        bufdir_csv([["5001", "Trondheim", "Barn i hjelpetiltak med tiltaksplan", "2023 1. halvår", "83,0", ""]]),
    )
    case(
        "bufdir/avsluttede_undersokelser_passer_ikke_med_andelen.csv",
        bufdir_csv(
            [*BD_ROWS, ["5001", "Trondheim", "Undersøkelser avsluttet siste halvår", "2023 2. halvår", "", "500"]]
        ),
    )
    case("bufdir/skilletegn_pipe.csv", bufdir_csv(delimiter="|"), source="bufdir")
    case(
        "bufdir/bred_uten_andel_eller_antall.csv",
        to_csv([[BD_TITLE], BD_WIDE_HEADER, *[[r[0], r[1], *map(float, r[2:])] for r in BD_WIDE_ROWS]]),
    )
    case(
        "bufdir/bred_uten_indikator.xlsx",
        bufdir_xlsx([[r[0], *r[2:]] for r in BD_WIDE_ROWS], header=["Kommune", *BD_WIDE_HEADER[2:]]),
        source="bufdir",
    )

    def date_cell(wb: openpyxl.Workbook) -> None:
        wb.active.cell(row=5, column=4, value=datetime(2024, 1, 8))

    case("bufdir/dato_i_tallfelt.xlsx", bufdir_xlsx(tweak=date_cell))

    def percent_cell(wb: openpyxl.Workbook) -> None:
        c = wb.active.cell(row=6, column=4, value=0.872)
        c.number_format = "0.0%"  # fine: 87.2
        c = wb.active.cell(row=4, column=4, value=89.1)
        c.number_format = "0.0%"  # 89.1 typed into a percent cell: 8 910 %

    case("bufdir/prosentformatert_celle.xlsx", bufdir_xlsx(tweak=percent_cell))
    good = bufdir_xlsx()
    case("bufdir/avkortet_excel.xlsx", good[: len(good) * 3 // 4], source="bufdir")
    case(
        "bufdir/excel_uten_overskriftsrad.xlsx",
        bufdir_xlsx(rows=[], header=["Tall fra kommunemonitoren"]),
        source="bufdir",
    )


# ================================================================ KS 10-FAKTOR

FACTORS = [
    "Oppgavemotivasjon",
    "Mestringstro",
    "Opplevd selvstendighet",
    "Bruk av kompetanse",
    "Mestringsorientert ledelse",
    "Rolleklarhet",
    "Relevant kompetanseutvikling",
    "Fleksibilitetsvilje",
    "Mestringsklima",
    "Nyttemotivasjon",
]
TF_HEADER = ["Kommunenummer", "Enhet", "År", "Antall svar", "Antall invitert", *FACTORS]
TF_ROWS: Rows = [
    ["5001", "Mottak og undersøkelse", 2023, 53, 70, 4.3, 4.2, 4.2, 4.3, 4.2, 4.1, 3.3, 4.5, 4.0, 4.7],
    ["5001", "Tiltak", 2023, 41, 55, 4.1, 4.3, 4.0, 4.2, 3.9, 4.0, 3.5, 4.4, 4.1, 4.6],
    ["5006", "Barneverntjenesten", 2023, 18, 24, 4.4, 4.4, 4.1, 4.5, 4.3, 4.2, 3.6, 4.6, 4.2, 4.8],
]
TF_TITLE = ["Eksempeldata: syntetiske 10-FAKTOR-resultater laget for testene, ikke reelle tall."]
TF_CSV = [TF_TITLE, TF_HEADER, *TF_ROWS]


def tf_csv(rows: Rows | None = None, header: Sequence[str] | None = None, delimiter: str = ";") -> str:
    return to_csv(
        [TF_TITLE, list(TF_HEADER if header is None else header), *(TF_ROWS if rows is None else rows)], delimiter
    )


def tf_xlsx(rows: Rows | None = None, tweak: Callable[[openpyxl.Workbook], None] | None = None) -> bytes:
    return book("10faktor", TF_HEADER, TF_ROWS if rows is None else rows, tweak)


def tenfactor_cases() -> None:
    case("tenfactor/gjennomsnitt_over_5.csv", tf_csv(put(TF_ROWS, 0, 6, 6.0)))
    case("tenfactor/gjennomsnitt_0.csv", tf_csv(put(TF_ROWS, 1, 9, 0.0)))
    case("tenfactor/gjennomsnitt_i_prosent.csv", tf_csv(put(TF_ROWS, 2, 5, 88.0)))
    case("tenfactor/tekst_i_gjennomsnitt.csv", tf_csv(put(TF_ROWS, 1, 7, "god")))
    case("tenfactor/dato_som_tekst.csv", tf_csv(put(TF_ROWS, 0, 8, "04.feb")))
    case("tenfactor/negativt_antall_svar.csv", tf_csv(put(TF_ROWS, 1, 3, -41)))
    case("tenfactor/antall_svar_med_desimal.csv", tf_csv(put(TF_ROWS, 0, 3, "53,5")))
    case("tenfactor/tusenskille_med_punktum.csv", tf_csv(put(put(TF_ROWS, 0, 3, "1.053"), 0, 4, "1.270")))
    case("tenfactor/antall_svar_mangler.csv", tf_csv(put(TF_ROWS, 2, 3, None)))
    case("tenfactor/flere_svar_enn_invitert.csv", tf_csv(put(TF_ROWS, 1, 4, 30)))
    case("tenfactor/gjennomsnitt_med_0_svar.csv", tf_csv(put(put(TF_ROWS, 2, 3, 0), 2, 4, 24)))
    case("tenfactor/antall_svar_uten_faktorer.csv", tf_csv([*TF_ROWS[:2], [*TF_ROWS[2][:5]]]))
    case("tenfactor/invitert_bare_for_noen_enheter.csv", tf_csv(put(TF_ROWS, 1, 4, None)))
    case("tenfactor/ukjent_kolonne.csv", tf_csv(header=[*TF_HEADER[:5], "Trivsel", *TF_HEADER[6:]]))
    case(
        "tenfactor/kolonne_to_ganger.csv",
        tf_csv(header=[*TF_HEADER[:5], "Mestringstro", *TF_HEADER[6:]], rows=TF_ROWS[:1]),
    )
    case(
        "tenfactor/mangler_enhet.csv", tf_csv([[r[0], *r[2:]] for r in TF_ROWS], header=[TF_HEADER[0], *TF_HEADER[2:]])
    )
    case(
        "tenfactor/mangler_antall_svar_kolonne.csv",
        tf_csv([[*r[:3], *r[4:]] for r in TF_ROWS], header=[*TF_HEADER[:3], *TF_HEADER[4:]]),
    )
    case("tenfactor/ingen_faktorkolonner.csv", tf_csv([r[:5] for r in TF_ROWS], header=TF_HEADER[:5]))
    long_header = ["Kommunenummer", "Enhet", "År", "Antall svar", "Faktor", "Gjennomsnitt"]
    long_rows = [["5001", "Tiltak", 2023, 41, f, s] for f, s in zip(FACTORS[:3], (4.1, 4.3, 4.0), strict=True)]
    case(
        "tenfactor/baade_bred_og_lang.csv",
        tf_csv([[*r, 4.1] for r in long_rows], header=[*long_header, "Mestringstro"]),
    )
    case("tenfactor/lang_ukjent_faktor.csv", tf_csv(put(long_rows, 1, 4, "Arbeidsglede"), header=long_header))
    case("tenfactor/lang_faktor_to_ganger.csv", tf_csv([*long_rows, put(long_rows, 0, 5, 3.9)[0]], header=long_header))
    case("tenfactor/lang_mangler_gjennomsnitt.csv", tf_csv(put(long_rows, 2, 5, None), header=long_header))
    case("tenfactor/aar_for_tidlig.csv", tf_csv(put(TF_ROWS, 1, 2, 2005)))
    case("tenfactor/aar_i_fremtiden.csv", tf_csv(put(TF_ROWS, 1, 2, 2099)))
    case("tenfactor/aar_mangler.csv", tf_csv(put(TF_ROWS, 2, 2, None)))
    case("tenfactor/aar_med_to_siffer.csv", tf_csv(put(TF_ROWS, 0, 2, 23)))
    case("tenfactor/ukjent_kommunenummer.csv", tf_csv(put(TF_ROWS, 2, 0, "9999")))
    case("tenfactor/kommunenummer_med_fem_siffer.csv", tf_csv(put(TF_ROWS, 2, 0, "50066")))
    case("tenfactor/kommunenavn_i_stedet_for_nummer.csv", tf_csv(put(TF_ROWS, 0, 0, "Trondheim")))
    case("tenfactor/kommunenummer_mangler.csv", tf_csv(put(TF_ROWS, 1, 0, None)))
    case("tenfactor/enhet_mangler.csv", tf_csv(put(TF_ROWS, 1, 1, None)))
    case("tenfactor/samme_enhet_to_ganger_ulike_tall.csv", tf_csv([*TF_ROWS, put(TF_ROWS, 1, 5, 3.8)[1]]))
    case("tenfactor/komma_som_skilletegn.csv", tf_csv(delimiter=","))
    case("tenfactor/bare_overskrift.csv", tf_csv([]))
    case("tenfactor/verdi_uten_overskrift.csv", tf_csv(put(TF_ROWS, 1, 16, "se merknad")))
    case("tenfactor/uten_overskriftsrad.csv", to_csv([TF_TITLE, *TF_ROWS]), source="ks_10faktor")

    def merged(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0].merge_cells("F2:G2")

    case("tenfactor/sammenslaatte_overskriftsceller.xlsx", tf_xlsx(tweak=merged))

    def formula(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0]["F4"] = "=AVERAGE(F3,F5)"

    case("tenfactor/formel_uten_resultat.xlsx", tf_xlsx(tweak=formula))

    def date_cell(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0]["G3"] = datetime(2024, 2, 4)

    case("tenfactor/dato_i_gjennomsnitt.xlsx", tf_xlsx(tweak=date_cell))

    def error_cell(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0]["H5"] = "#DIV/0!"

    case("tenfactor/excel_feil_i_celle.xlsx", tf_xlsx(tweak=error_cell))

    def bool_cell(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0]["I4"] = True

    case("tenfactor/sannhetsverdi_i_gjennomsnitt.xlsx", tf_xlsx(tweak=bool_cell))

    def renamed(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0].title = "Resultater 2023"

    case("tenfactor/feil_arknavn.xlsx", tf_xlsx(tweak=renamed), source="ks_10faktor")

    def header_down(wb: openpyxl.Workbook) -> None:
        ws = wb.worksheets[0]
        ws.insert_rows(2, 21)

    case("tenfactor/overskrift_for_langt_ned.xlsx", tf_xlsx(tweak=header_down))
    case("tenfactor/kommunenummer_som_tall_ukjent.xlsx", tf_xlsx(put(TF_ROWS, 0, 0, 501)))


# ================================================================ staff (the ansatte template)

ST_HEADER = [
    "Kommunenummer",
    "År",
    "Kvartal",
    "Årsverk",
    "Stillinger",
    "Ledige stillinger",
    "Sykefravær korttid (%)",
    "Sykefravær langtid (%)",
    "Sluttet i året",
    "Gjennomsnittlig antall ansatte",
    "Saksbehandlere og ledere",
    "Med master i barnevern",
    "Oppfyller kravet fra 2031",
    "I videreutdanning",
]
ST_TITLE = ["Eksempeldata: syntetiske personaltall laget for testene, ikke reelle tall."]
ST_ROWS: Rows = [
    ["5001", 2023, None, 187.0, 223, 14.6, None, None, 24, 205.0, 171, 18, 53, 33],
    ["5001", 2023, 1, None, None, None, 1.3, 5.7],
    ["5001", 2023, 2, None, None, None, 3.0, 2.1],
    ["5001", 2023, 3, None, None, None, 2.4, 3.4],
    ["5001", 2023, 4, None, None, None, 2.2, 4.0],
    ["5006", 2023, None, 21.5, 24, 1.0, None, None, 3, 22.0, 19, 4, 8, 2],
]
# column numbers (from 0)
MUNI, YEAR, QUARTER, FTE, POS, VACANT, SHORT, LONG, LEAVERS, AVG, CASEW, MASTER, REQ, FURTHER = range(14)


def st_csv(rows: Rows | None = None, header: Sequence[str] | None = None, delimiter: str = ";") -> str:
    return to_csv(
        [ST_TITLE, list(ST_HEADER if header is None else header), *(ST_ROWS if rows is None else rows)], delimiter
    )


def st_xlsx(rows: Rows | None = None, tweak: Callable[[openpyxl.Workbook], None] | None = None) -> bytes:
    return book("ansatte", ST_HEADER, ST_ROWS if rows is None else rows, tweak)


def staff_cases() -> None:
    case("staff/sykefravaer_over_100.csv", st_csv(put(ST_ROWS, 2, LONG, 120.0)))
    case("staff/kort_og_lang_over_100.csv", st_csv(put(put(ST_ROWS, 3, SHORT, 55.0), 3, LONG, 50.0)))
    case("staff/negativt_sykefravaer.csv", st_csv(put(ST_ROWS, 4, SHORT, -1.5)))
    case("staff/negative_aarsverk.csv", st_csv(put(ST_ROWS, 5, FTE, -21.5)))
    case("staff/flere_ledige_enn_stillinger.csv", st_csv(put(ST_ROWS, 5, VACANT, 30.0)))
    case("staff/sluttet_uten_gjennomsnitt.csv", st_csv(put(ST_ROWS, 0, AVG, None)))
    case("staff/gjennomsnitt_0_med_sluttet.csv", st_csv(put(ST_ROWS, 5, AVG, 0.0)))
    case("staff/flere_med_master_enn_saksbehandlere.csv", st_csv(put(put(ST_ROWS, 5, MASTER, 25), 5, REQ, 25)))
    case("staff/master_uten_saksbehandlere.csv", st_csv(put(ST_ROWS, 0, CASEW, None)))
    case("staff/master_uten_aa_oppfylle_kravet.csv", st_csv(put(ST_ROWS, 0, REQ, 10)))
    case("staff/kvartal_5.csv", st_csv(put(ST_ROWS, 4, QUARTER, 5)))
    case("staff/kvartal_som_maaned.csv", st_csv(put(ST_ROWS, 2, QUARTER, "april")))
    case("staff/aarstall_paa_kvartalsrad.csv", st_csv(put(ST_ROWS, 1, FTE, 187.0)))
    case("staff/sykefravaer_paa_aarsrad.csv", st_csv(put(ST_ROWS, 0, SHORT, 2.2)))
    case("staff/kvartalsrad_uten_sykefravaer.csv", st_csv(put(put(ST_ROWS, 3, SHORT, None), 3, LONG, None)))
    case("staff/samme_kvartal_to_ganger.csv", st_csv(put(ST_ROWS, 3, QUARTER, 2)))
    case("staff/samme_aar_to_ganger_ulike_tall.csv", st_csv([*ST_ROWS, put(ST_ROWS, 5, FTE, 22.5)[5]]))
    case("staff/aarsrad_uten_tall.csv", st_csv([*ST_ROWS, ["5007", 2023]]))
    case("staff/ukjent_kolonne.csv", st_csv(header=[*ST_HEADER[:4], "Stillingsprosent", *ST_HEADER[5:]]))
    case("staff/kolonne_to_ganger.csv", st_csv(header=[*ST_HEADER[:7], "Sykefravær korttid (%)", *ST_HEADER[8:]]))
    case(
        "staff/mangler_aarskolonne.csv",
        st_csv([[r[0], *r[2:]] for r in ST_ROWS], header=[ST_HEADER[0], *ST_HEADER[2:]]),
    )
    case("staff/ukjent_kommunenummer.csv", st_csv(put(ST_ROWS, 5, MUNI, "9999")))
    case("staff/kommunenummer_med_tre_siffer.csv", st_csv(put(ST_ROWS, 5, MUNI, "506")))
    case("staff/kommunenummer_mangler.csv", st_csv(put(ST_ROWS, 2, MUNI, None)))
    case("staff/aar_mangler.csv", st_csv(put(ST_ROWS, 5, YEAR, None)))
    case("staff/aar_for_tidlig.csv", st_csv(put(ST_ROWS, 5, YEAR, 1999)))
    case("staff/aar_i_fremtiden.csv", st_csv(put(ST_ROWS, 5, YEAR, 2099)))
    case("staff/tekst_i_tallfelt.csv", st_csv(put(ST_ROWS, 0, FTE, "ca. 187")))
    case("staff/prosenttegn_i_sykefravaer.csv", st_csv(put(ST_ROWS, 1, SHORT, "1,3 %")))
    case("staff/stillinger_med_desimal.csv", st_csv(put(ST_ROWS, 5, POS, "24,5")))
    case("staff/komma_som_skilletegn.csv", st_csv(delimiter=","))
    case("staff/bare_overskrift.csv", st_csv([]))
    case("staff/uten_overskriftsrad.csv", to_csv([ST_TITLE, *ST_ROWS]), source="staff")

    def merged(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0].merge_cells("G2:H2")

    case("staff/sammenslaatte_overskriftsceller.xlsx", st_xlsx(tweak=merged))

    def formula(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0]["F8"] = "=E8-21"

    case("staff/formel_uten_resultat.xlsx", st_xlsx(tweak=formula))

    def date_cell(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0]["G4"] = datetime(2024, 3, 1)  # 1.3 typed into a cell Excel took for a date

    case("staff/dato_i_sykefravaer.xlsx", st_xlsx(tweak=date_cell))

    def error_cell(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0]["J3"] = "#REF!"

    case("staff/excel_feil_i_celle.xlsx", st_xlsx(tweak=error_cell))

    def renamed(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0].title = "Ark1"

    case("staff/feil_arknavn.xlsx", st_xlsx(tweak=renamed), source="staff")
    case("staff/feil_arknavn_uten_kilde.xlsx", st_xlsx(tweak=renamed))

    def only_guide(wb: openpyxl.Workbook) -> None:
        wb.remove(wb.worksheets[0])

    case("staff/bare_veiledningsarket.xlsx", st_xlsx(tweak=only_guide), source="staff")

    def stray(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0]["P5"] = "ny leder fra mars"

    case("staff/verdi_uten_overskrift.xlsx", st_xlsx(tweak=stray))


# ================================================================ user surveys (the brukerundersøkelse template)

SV_HEADER = ["Kommunenummer", "År", "Gruppe", "Dimensjon", "Spørsmål", "Svaralternativ", "Antall", "Antall som svarte"]
SV_TITLE = ["Eksempeldata: syntetisk brukerundersøkelse laget for testene, ikke reelle svar."]
Q_PARENTS = "Er det lett å få kontakt med barneverntjenesten?"
Q_CHILDREN = "Har du det bra der du bor?"
SV_ROWS: Rows = [
    *[
        ["5001", 2023, "foreldre", "Tilgjengelighet", Q_PARENTS, opt, n, 40]
        for opt, n in (("1", 2), ("2", 3), ("3", 5), ("4", 10), ("5", 12), ("6 Svært fornøyd", 6), ("Vet ikke", 2))
    ],
    *[
        ["5001", 2023, "barn og unge", "Har det bra der jeg bor", Q_CHILDREN, opt, n, 25]
        for opt, n in (("1", 1), ("3", 4), ("4", 6), ("5", 8), ("6", 6))
    ],
]
GROUP, DIM, QUESTION, OPTION, COUNT, RESP = 2, 3, 4, 5, 6, 7


def sv_csv(rows: Rows | None = None, header: Sequence[str] | None = None, delimiter: str = ";") -> str:
    return to_csv(
        [SV_TITLE, list(SV_HEADER if header is None else header), *(SV_ROWS if rows is None else rows)], delimiter
    )


def sv_xlsx(rows: Rows | None = None, tweak: Callable[[openpyxl.Workbook], None] | None = None) -> bytes:
    return book("brukerundersokelse", SV_HEADER, SV_ROWS if rows is None else rows, tweak)


def survey_cases() -> None:
    case("survey/fritekstkolonne_kommentar.csv", sv_csv([[*r, ""] for r in SV_ROWS], header=[*SV_HEADER, "Kommentar"]))
    case(
        "survey/fritekstkolonne_utdyp.csv",
        sv_csv([[*r, ""] for r in SV_ROWS], header=[*SV_HEADER, "Utdyp gjerne svaret"]),
    )
    story = (
        "Jeg synes det var vanskelig å få tak i saksbehandleren vår i høst, og vi ventet lenge på svar om "
        "tiltaket for sønnen vår. Det ble bedre etter at vi fikk ny kontaktperson."
    )
    case("survey/lang_tekst_i_celle.csv", sv_csv(put(SV_ROWS, 3, OPTION, story)))
    case("survey/svaralternativ_7.csv", sv_csv(put(SV_ROWS, 5, OPTION, "7")))
    case("survey/svaralternativ_0.csv", sv_csv(put(SV_ROWS, 0, OPTION, "0")))
    case("survey/svaralternativ_som_ord.csv", sv_csv(put(SV_ROWS, 2, OPTION, "Middels fornøyd")))
    case(
        "survey/ukjent_gruppe.csv",
        sv_csv([put([r], 0, GROUP, "lærere")[0] if i >= 7 else r for i, r in enumerate(SV_ROWS)]),
    )
    case(
        "survey/ukjent_dimensjon.csv",
        sv_csv([put([r], 0, DIM, "Trivsel")[0] if i >= 7 else r for i, r in enumerate(SV_ROWS)]),
    )
    case("survey/negativt_antall.csv", sv_csv(put(SV_ROWS, 4, COUNT, -12)))
    case("survey/tekst_i_antall.csv", sv_csv(put(SV_ROWS, 4, COUNT, "tolv")))
    case("survey/antall_med_desimal.csv", sv_csv(put(SV_ROWS, 1, COUNT, "3,5")))
    case("survey/prosent_i_stedet_for_antall.csv", sv_csv(put(SV_ROWS, 3, COUNT, "25 %")))
    case("survey/antall_som_svarte_ulikt.csv", sv_csv(put(SV_ROWS, 4, RESP, 41)))
    case("survey/samme_svaralternativ_to_ganger.csv", sv_csv([*SV_ROWS, put(SV_ROWS, 9, COUNT, 7)[9]]))
    case("survey/flere_svar_enn_som_svarte.csv", sv_csv(put(SV_ROWS, 4, COUNT, 30)))
    case("survey/mangler_antall_som_svarte.csv", sv_csv([r[:7] for r in SV_ROWS], header=SV_HEADER[:7]))
    case("survey/sporsmaal_mangler.csv", sv_csv(put(SV_ROWS, 8, QUESTION, None)))
    case("survey/aar_utenfor_gyldig_omraade.csv", sv_csv(put(SV_ROWS, 0, YEAR, 1998)))
    case("survey/ukjent_kommunenummer.csv", sv_csv(put(SV_ROWS, 6, MUNI, "9999")))
    case("survey/kommunenummer_med_fem_siffer.csv", sv_csv(put(SV_ROWS, 6, MUNI, "50011")))
    case("survey/ukjent_kolonne.csv", sv_csv([[*r, "x"] for r in SV_ROWS], header=[*SV_HEADER, "Skole"]))
    case("survey/kolonne_to_ganger.csv", sv_csv([[*r, r[COUNT]] for r in SV_ROWS], header=[*SV_HEADER, "Antall"]))
    case(
        "survey/komma_som_skilletegn.csv",
        sv_csv(put(SV_ROWS, 1, QUESTION, "Hvordan var det, alt i alt?"), delimiter=","),
    )
    case("survey/bare_overskrift.csv", sv_csv([]))

    def free_text(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0]["I2"] = "Fritekst"
        wb.worksheets[0]["I4"] = "Vi er fornøyde."

    case("survey/fritekstkolonne.xlsx", sv_xlsx(tweak=free_text))

    def merged(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0].merge_cells("E2:F2")

    case("survey/sammenslaatte_overskriftsceller.xlsx", sv_xlsx(tweak=merged))

    def formula(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0]["H4"] = "=H3"

    case("survey/formel_uten_resultat.xlsx", sv_xlsx(tweak=formula))

    def date_cell(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0]["G6"] = date(2024, 10, 1)

    case("survey/dato_i_antall.xlsx", sv_xlsx(tweak=date_cell))

    def renamed(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0].title = "Svar 2023"

    case("survey/feil_arknavn.xlsx", sv_xlsx(tweak=renamed), source="survey")


# ================================================================ write, and record the messages

# ================================================================ huge inside, small outside (refused before parsing)

SHEET_XML = "xl/worksheets/sheet1.xml"


def swap_part(workbook: bytes, name: str, data: bytes) -> bytes:
    """The workbook with one part replaced by `data`, packed with LZMA: what unpacks to 64 MB is 9 KB here."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w") as dst:
        names = [i.filename for i in src.infolist()] + ([name] if name not in src.namelist() else [])
        for part in names:
            info = zipfile.ZipInfo(part, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_LZMA if part == name else zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, data if part == name else src.read(part))
    return out.getvalue()


def sheet_xml(rows: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>"
    )


def huge_cases() -> None:
    good = book("10faktor", TF_HEADER, TF_ROWS)
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    case("any/zipbombe.xlsx", swap_part(good, SHEET_XML, sheet_xml(row * (64 * 2**20 // len(row)))))
    text = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"A" * (41 * 2**20) + b"</t></is></c></row>"
    case("any/tekst_paa_41_mb.xlsx", swap_part(good, SHEET_XML, sheet_xml(text)))
    row = b"<row>" + b"<c><v>1</v></c>" * 1000 + b"</row>"
    case("any/ark_med_501000_celler.xlsx", swap_part(good, SHEET_XML, sheet_xml(row * 501)))
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main">' + b"<si><t>a</t></si>" * 100_001 + b"</sst>"
    )
    case("any/100001_delte_tekster.xlsx", swap_part(good, "xl/sharedStrings.xml", strings))
    doc = ssb_doc()  # 800 regions × 626 years: more cells than any table Tilstand reads, in 10 KB
    doc["size"] = [800, 2, 626]
    doc["dimension"]["KOKkommuneregion0000"]["category"] = {"index": [f"{5001 + i}" for i in range(800)]}
    doc["dimension"]["Tid"]["category"] = {"index": [f"{1400 + i}" for i in range(626)]}
    case("ssb/500800_celler.json", json.dumps(doc, ensure_ascii=False) + "\n")  # on one line: 10 KB


def build_all() -> list[Case]:
    CASES.clear()
    for make in (any_cases, ssb_cases, bufdir_cases, tenfactor_cases, staff_cases, survey_cases, huge_cases):
        make()
    return list(CASES)


def write_files(cases: Sequence[Case]) -> None:
    for old in HERE.rglob("*"):
        if old.is_file() and old.name not in KEEP and old.parent != HERE:
            old.unlink()
    for c in cases:
        target = HERE / c.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(c.data)


def message(c: Case) -> str:
    """What the importer says about the file, read the way the CLI and the import page read it."""
    from tilstand import ingest  # only --expected needs the app
    from tilstand.errors import InputError

    try:
        ingest.read(HERE / c.path, source=c.source or None)
    except InputError as e:
        return str(e).replace(f"–{date.today().year})", f"–{THIS_YEAR})")
    raise SystemExit(f"{c.path}: accepted, so it does not belong in the battery of bad files")


def write_expected(cases: Sequence[Case]) -> None:
    rows, accepted = [], []
    for c in cases:
        try:
            rows.append([c.path, c.source, message(c)])
        except SystemExit as e:
            accepted.append(str(e))
    if accepted:
        raise SystemExit("\n".join(accepted))
    with (HERE / "expected.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(["file", "source", "message"])
        w.writerows(rows)


def main(argv: Sequence[str]) -> int:
    cases = build_all()
    big = [c.path for c in cases if len(c.data) > 20_000]
    if big:
        raise SystemExit(f"too large to commit: {big}")
    write_files(cases)
    if "--expected" in argv:
        sys.path.insert(0, str(ROOT))
        write_expected(cases)
    print(f"{len(cases)} bad files written to {HERE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
