"""Build the 10-FAKTOR Excel template (sample_data/templates/10faktor.xlsx) from code.

The layout (sheet name, headers, the ten factors in KS's order) comes from tilstand.ingest.tenfactor,
so the template and the importer cannot drift apart. The same builder writes the synthetic sample
file (sample_data/generate.py) with rows filled in. Saving is byte-reproducible: fixed document
dates and fixed zip timestamps.

Run: uv run python sample_data/templates/build.py
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from importlib.resources import files
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tilstand import catalog
from tilstand.ingest import staff, survey
from tilstand.ingest import tenfactor as tf
from tilstand.privacy import anonymity_limit

HERE = Path(__file__).resolve().parent
TEMPLATE_PATH = HERE / "10faktor.xlsx"
STAFF_PATH = HERE / "ansatte.xlsx"
SURVEY_PATH = HERE / "brukerundersokelse.xlsx"
TITLE = "10-FAKTOR-resultater til tilstandsrapporten. Én rad per enhet og år – les arket «Veiledning» først."
CAPACITY = 1000  # rows with data validation and formats
LAST_YEAR = 2100
FIXED_TIME = datetime(2025, 1, 1, 0, 0, 0)
HEADER_ROW, FIRST_DATA_ROW = 2, 3

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def headers() -> list[str]:
    c = tf.COLUMNS
    return [
        c["municipality"][0],
        c["unit"][0],
        c["year"][0],
        c["respondents"][0],
        c["invited"][0],
        *[tf.factor_header(f) for f in tf.FACTOR_IDS],
    ]


def _validation(kind: str, cells: str, prompt: str, error: str, **kw) -> DataValidation:
    dv = DataValidation(
        type=kind,
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=True,
        errorStyle="stop",
        promptTitle="10-FAKTOR",
        prompt=prompt,
        errorTitle="Ugyldig verdi",
        error=error,
        **kw,
    )
    dv.add(cells)
    return dv


def _data_sheet(wb: Workbook, title: str, rows: Sequence[Sequence], capacity: int) -> None:
    ws = wb.active
    ws.title = tf.SHEET
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=12)
    names = headers()
    for i, h in enumerate(names, start=1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=h)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=3)  # the header and Kommunenummer + Enhet stay
    widths = [15, 32, 8, 12, 14] + [max(13, len(h) * 0.9 + 2) for h in names[5:]]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = round(w, 1)
    last = FIRST_DATA_ROW + max(capacity, len(rows)) - 1
    formats = ["@", "@", "0", "0", "0"] + ["0.00"] * len(tf.FACTOR_IDS)
    for r in range(FIRST_DATA_ROW, last + 1):
        for c, fmt in enumerate(formats, start=1):
            ws.cell(row=r, column=c).number_format = fmt
    for r, values in enumerate(rows, start=FIRST_DATA_ROW):
        for c, v in enumerate(values, start=1):
            if v is not None and v != "":
                ws.cell(row=r, column=c, value=v)
    span = lambda col: f"{col}{FIRST_DATA_ROW}:{col}{last}"  # noqa: E731
    f_first, f_last = get_column_letter(6), get_column_letter(5 + len(tf.FACTOR_IDS))
    a = f"A{FIRST_DATA_ROW}"
    for dv in (
        _validation(
            "custom",
            span("A"),
            "Kommunenummeret med fire siffer, f.eks. 5001.",
            "Kommunenummeret må ha fire siffer, f.eks. 5001.",
            formula1=f"AND(LEN({a})=4,ISNUMBER(VALUE({a})))",
        ),
        _validation(
            "textLength",
            span("B"),
            "Navnet på enheten slik det står i KS-rapporten.",
            "Skriv navnet på enheten (høyst 100 tegn).",
            operator="between",
            formula1="1",
            formula2="100",
        ),
        _validation(
            "whole",
            span("C"),
            f"Året undersøkelsen ble gjort, f.eks. 2024 ({tf.FIRST_YEAR}–).",
            f"Året må være et helt tall fra {tf.FIRST_YEAR}.",
            operator="between",
            formula1=str(tf.FIRST_YEAR),
            formula2=str(LAST_YEAR),
        ),
        _validation(
            "whole",
            span("D"),
            "Hvor mange i enheten som svarte (helt tall).",
            "Antall svar må være et helt tall, 0 eller mer.",
            operator="greaterThanOrEqual",
            formula1="0",
        ),
        _validation(
            "whole",
            span("E"),
            "Kan stå tom. Hvor mange i enheten som fikk undersøkelsen.",
            "Antall invitert må være et helt tall, 0 eller mer.",
            operator="greaterThanOrEqual",
            formula1="0",
        ),
        _validation(
            "decimal",
            f"{f_first}{FIRST_DATA_ROW}:{f_last}{last}",
            "Gjennomsnittet fra KS-rapporten, 1–5, med desimalkomma (f.eks. 4,2).",
            "Gjennomsnittet må være et tall fra 1 til 5, med desimalkomma (f.eks. 4,2).",
            operator="between",
            formula1="1",
            formula2="5",
        ),
    ):
        ws.add_data_validation(dv)


def _aliases() -> dict[str, list[str]]:
    text = files("tilstand.data").joinpath("ks_10faktor_names.csv").read_text(encoding="utf-8")
    out: dict[str, list[str]] = defaultdict(list)
    for r in csv.DictReader(text.splitlines()):
        out[r["indicator_id"]].append(r["name"])
    return out


def _guide_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(tf.GUIDE_SHEET)
    limit = anonymity_limit(tf.RESPONDENTS_ID)
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 34
    ws.column_dimensions["C"].width = 44
    ws.column_dimensions["D"].width = 80
    lines: list[tuple[str, str]] = [
        ("h1", "Veiledning: 10-FAKTOR-resultater til tilstandsrapporten"),
        (
            "",
            "Tilstand henter 10-FAKTOR-resultatene fra arket «10-FAKTOR», så du slipper å skrive tallene inn i "
            "rapporten. Tallene vises som gjennomsnitt for hele kommunen i kapittelet «Ansatte og kompetanse».",
        ),
        ("h2", "Slik fyller du ut"),
        (
            "",
            "Én rad per enhet og år. Skriv av tallene fra KS-rapporten for enheten (10-FAKTOR på bedrekommune.no): "
            "antall svar og gjennomsnittet for hver av de ti faktorene, fra venstre mot høyre.",
        ),
        (
            "",
            "Kommunenummer: fire siffer, f.eks. 5001 for Trondheim. Kolonnen er formatert som tekst, så en "
            "null først blir stående.",
        ),
        (
            "",
            "Enhet: navnet på enheten slik det står i KS-rapporten. Har dere bare tall for hele tjenesten, "
            "skriv «Barneverntjenesten». Samme enhet kan bare stå én gang per år.",
        ),
        ("", "År: året undersøkelsen ble gjort, med fire siffer."),
        ("", "Antall svar: hvor mange i enheten som svarte (helt tall). Det brukes til å vekte enhetene."),
        (
            "",
            "Antall invitert (kan stå tom): hvor mange i enheten som fikk undersøkelsen. Fyll det ut for alle "
            "enhetene i kommunen det året, så regner Tilstand ut svarprosenten.",
        ),
        (
            "",
            "Faktorene: gjennomsnittet på skalaen 1–5 med desimalkomma, f.eks. 4,2. La cellen stå tom hvis "
            "KS-rapporten ikke har tall for faktoren.",
        ),
        ("h2", "Personvern: anonymitetsgrensen"),
        (
            "",
            "Tilstand regner ut ett gjennomsnitt per kommune og år for hver faktor, vektet med antall svar i "
            "hver enhet. Enhetenes egne tall lagres ikke.",
        ),
        (
            "",
            f"Bygger et kommunetall på færre enn {limit} svar, lagres det som skjult (x). Det vises ikke i "
            "appen, i rapporten eller i noen eksport. Det samme gjelder antall svar og svarprosenten.",
        ),
        ("", f"En enhet med færre enn {limit} svar tas med i kommunetallet, men vises aldri for seg."),
        ("h2", "Importere"),
        (
            "",
            "Lagre filen og last den opp på siden «Importer tall» i Tilstand, eller kjør "
            "«tilstand import 10faktor.xlsx». Tilstand kjenner igjen filen på innholdet.",
        ),
        ("", "Filen kan også lagres som CSV fra Excel (Fil → Lagre som → «CSV (semikolondelt)» eller «CSV UTF-8»)."),
        (
            "",
            "Importen er alt eller ingenting: finner Tilstand en feil, får du vite rad og kolonne, og ingenting "
            "blir lagret. Importerer du samme kommune og år på nytt, erstattes de gamle tallene.",
        ),
        ("h2", "Vanlige feil"),
        ("", "Skriver du 4.2 med punktum, kan Excel gjøre tallet om til en dato (4. februar). Bruk komma: 4,2."),
        ("", "Ikke slå sammen celler, og ikke endre navnet på arket «10-FAKTOR» eller overskriftene."),
        ("", "Formler er lov, men lagre filen i Excel slik at resultatet er regnet ut."),
        ("h2", "De ti faktorene"),
    ]
    r = 1
    for kind, text in lines:
        if kind == "h2":
            r += 1  # a blank line before each heading
        cell = ws.cell(row=r, column=1, value=text)
        if kind:
            cell.font = Font(bold=True, size=14 if kind == "h1" else 12)
        else:  # running text across the four columns, wrapped; Excel does not size merged rows itself
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
            cell.alignment = WRAP
            ws.row_dimensions[r].height = 15 * (len(text) // 150 + 1)
        r += 1
    for c, h in enumerate(
        ("Nr.", "Navn hos KS (kolonne i arket)", "Andre navn Tilstand kjenner igjen", "Hva faktoren måler"), start=1
    ):
        cell = ws.cell(row=r, column=c, value=h)
        cell.font, cell.fill = BOLD, HEADER_FILL
    aliases = _aliases()
    indicators = catalog.indicators()
    for i, f in enumerate(tf.FACTOR_IDS, start=1):
        r += 1
        own = tf.factor_header(f)
        others = [a for a in aliases[f] if a.casefold() != own.casefold()]
        for c, v in enumerate((i, own, ", ".join(others), indicators[f].definition_nb), start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.alignment = WRAP


def workbook(title: str = TITLE, rows: Sequence[Sequence] = (), capacity: int = CAPACITY) -> Workbook:
    """The template, optionally with rows filled in (values in the order of headers())."""
    wb = Workbook()
    _data_sheet(wb, title, rows, capacity)
    _guide_sheet(wb)
    wb.properties.creator = "Tilstand"
    wb.properties.title = "10-FAKTOR-mal for tilstandsrapporten"
    wb.properties.created = FIXED_TIME
    return wb


def to_bytes(wb: Workbook) -> bytes:
    """Save with fixed dates and zip timestamps, so the same workbook always gives the same bytes."""
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data)
    return out.getvalue()


# ---------------------------------------------------------------- the staff and user-survey templates

STAFF_TITLE = "Personaltall til tilstandsrapporten. Én rad per kommune og år, og én rad per kvartal for sykefravær."
SURVEY_TITLE = "Brukerundersøkelse til tilstandsrapporten. Én rad per svaralternativ – les arket «Veiledning» først."
STAFF_ROLES = (
    "municipality",
    "year",
    "quarter",
    "fte",
    "positions",
    "vacant",
    "sick_short",
    "sick_long",
    "sick_doctor",
    "leavers",
    "average",
    "caseworkers",
    "master",
    "req2031",
    "further",
    "agreed_days",
)
SURVEY_ROLES = ("municipality", "year", "group", "dimension", "question", "option", "count", "respondents")


def staff_headers() -> list[str]:
    return [staff.LAYOUT.columns[r][0] for r in STAFF_ROLES]


def survey_headers() -> list[str]:
    return [survey.LAYOUT.columns[r][0] for r in SURVEY_ROLES]


def _staff_guide() -> list[tuple[str, str]]:
    requirement = catalog.rule("kompetansekrav_barnevern")  # tilstand/data/rules.csv: the law's wording and date
    return [
        ("h1", "Veiledning: personaltall til tilstandsrapporten"),
        (
            "",
            "Tallene hentes fra kommunens egne personal- og lønnssystemer og vises i kapittelet «Ansatte og "
            "kompetanse». Tilstand lagrer dem atskilt fra SSBs tall for årsverk og ledige stillinger.",
        ),
        ("h2", "Slik fyller du ut"),
        (
            "",
            "Én rad per kommune og år med «Kvartal» tom: årsverk, stillinger, ledige stillinger, sluttet i året, "
            "gjennomsnittlig antall ansatte, saksbehandlere og ledere, hvor mange av dem som har master i "
            "barnevern, som oppfyller kompetansekravet og som er i videreutdanning.",
        ),
        (
            "",
            f"Kompetansekravet i barnevernsloven gjelder saksbehandlere og ledere fra "
            f"{requirement.valid_from_text()}: {requirement.text('nb')}. Tell dem som oppfyller det i dag.",
        ),
        (
            "",
            "Én rad per kvartal (Kvartal 1–4) med sykefravær korttid og langtid, i prosent av avtalte dagsverk, "
            "slik personalsystemet viser det. Andre kolonner skal stå tomme på kvartalsradene.",
        ),
        (
            "",
            "Legemeldt sykefravær (valgfritt, men det er tallet rapporten viser): den delen av fraværet som er "
            "legemeldt, i prosent av avtalte dagsverk, samme kvartal. Det er en del av fraværet i alt og kan ikke "
            "være høyere enn korttid + langtid. Tallet finnes også i KS' og SSBs sykefraværsstatistikk.",
        ),
        (
            "",
            "Avtalte dagsverk (valgfritt, siste kolonne): antall avtalte dagsverk i kvartalet, på kvartalsraden. "
            "Med dem vektes kvartalene slik SSB og KS gjør. Fyll dem inn for alle kvartalene i et år, eller for "
            "ingen.",
        ),
        ("h2", "Dette regner Tilstand ut"),
        ("", "Turnover = sluttet i året ÷ gjennomsnittlig antall ansatte × 100."),
        (
            "",
            "Andel med master, med kravet fra 2031 oppfylt og i videreutdanning = antallet ÷ saksbehandlere og "
            "ledere × 100. Master i barnevern oppfyller kravet, så de teller også blant dem som oppfyller det.",
        ),
        (
            "",
            "Sykefravær for året = sykefraværsdagsverkene i de fire kvartalene i prosent av de avtalte "
            "dagsverkene i året, det vil si kvartalene vektet med avtalte dagsverk, slik SSB og KS regner. Uten "
            "avtalte dagsverk i filen vektes kvartalene likt (de antas å ha omtrent like mange avtalte dagsverk), "
            "og importen sier fra om det. Mangler ett kvartal, regnes det ikke ut noe årstall for sykefraværet. "
            "Legemeldt sykefravær for året regnes ut på samme måte. Sykefravær i alt = korttid + langtid.",
        ),
        ("h2", "Personvern"),
        (
            "",
            f"Andeler og prosenter som bygger på færre enn {anonymity_limit(staff.CASEWORKERS_ID)} personer, lagres "
            "som skjult (x) "
            "og vises ingen steder, fordi de kan peke ut enkeltpersoner (for få ansatte): andelene med master, "
            "kravet fra 2031 og videreutdanning når det er færre saksbehandlere og ledere, og turnover og "
            "sykefravær når gjennomsnittlig antall ansatte (eller stillinger) er lavere. Antall årsverk og "
            "stillinger vises alltid.",
        ),
        ("h2", "Importere"),
        (
            "",
            "Last filen opp på siden «Importer tall», eller kjør «tilstand import ansatte.xlsx». Filen kan også "
            "lagres som CSV (semikolondelt). Importen er alt eller ingenting: ved feil får du rad og kolonne.",
        ),
    ]


def _survey_guide() -> list[tuple[str, str]]:
    limit = anonymity_limit(survey.RESPONDENTS_ID)
    return [
        ("h1", "Veiledning: brukerundersøkelse til tilstandsrapporten"),
        (
            "",
            "Skriv av svarfordelingen fra brukerundersøkelsen: én rad per svaralternativ på hvert spørsmål, "
            "for barn og unge og for foreldre hver for seg.",
        ),
        ("h2", "Slik fyller du ut"),
        ("", "Gruppe: «barn og unge» eller «foreldre». Dimensjon: " + ", ".join(survey.DIMENSION_NAMES) + "."),
        (
            "",
            f"Svaralternativ: tallet på skalaen {survey.SCALE[0]}–{survey.SCALE[1]} ({survey.SCALE[1]} er best), "
            "gjerne fulgt av teksten, f.eks. «6 Svært fornøyd». «Vet ikke» og «Ikke relevant» kan også stå.",
        ),
        (
            "",
            "Antall: hvor mange som valgte alternativet. Antall som svarte: hvor mange i gruppen som svarte på "
            "undersøkelsen det året, likt på alle radene for gruppen.",
        ),
        ("h2", "Slik regnes skårene ut"),
        (
            "",
            "Skåren for en dimensjon er gjennomsnittet av alle svarene på dimensjonens spørsmål (hvert svar teller "
            "likt). «Vet ikke» og «Ikke relevant» er ikke med. Tilgjengelighet bruker foreldrenes svar; de andre "
            "dimensjonene bruker begge gruppene.",
        ),
        ("", f"«Har det bra der jeg bor» (barn og unge): andelen som svarte {survey.AGREE_FROM}–{survey.SCALE[1]}."),
        ("", "Pålitelighet, Samarbeid og Tiltaksplan kontrolleres, men lagres ikke (katalogen har ingen indikator)."),
        ("h2", "Personvern"),
        (
            "",
            f"Bygger en skår på færre enn {limit} som svarte, lagres den som skjult (x) og vises ingen steder. "
            "Tall for enkeltspørsmål lagres aldri.",
        ),
        (
            "",
            "Fritekstsvar importeres aldri. Har filen en kolonne med kommentarer eller fritekst, eller lange "
            "tekster i cellene, avvises hele filen. Slett tekstsvarene før du importerer.",
        ),
    ]


def simple_workbook(
    layout,
    headers_: list[str],
    formats: list[str],
    title: str,
    guide: list[tuple[str, str]],
    doc_title: str,
    rows: Sequence[Sequence] = (),
    capacity: int = CAPACITY,
) -> Workbook:
    """A template with one data sheet (title, header, formats) and a Veiledning sheet of running text."""
    wb = Workbook()
    ws = wb.active
    ws.title = layout.sheet
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=12)
    for i, h in enumerate(headers_, start=1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=h)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = round(max(10, len(h) * 0.9 + 2), 1)
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=2)
    for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + max(capacity, len(rows))):
        for c, fmt in enumerate(formats, start=1):
            ws.cell(row=r, column=c).number_format = fmt
    for r, values in enumerate(rows, start=FIRST_DATA_ROW):
        for c, v in enumerate(values, start=1):
            if v is not None and v != "":
                ws.cell(row=r, column=c, value=v)
    g = wb.create_sheet(GUIDE_SHEET_NAME)
    g.column_dimensions["A"].width = 110
    r = 1
    for kind, text in guide:
        r += kind == "h2"
        cell = g.cell(row=r, column=1, value=text)
        if kind:
            cell.font = Font(bold=True, size=14 if kind == "h1" else 12)
        else:
            cell.alignment = WRAP
            g.row_dimensions[r].height = 15 * (len(text) // 110 + 1)
        r += 1
    wb.properties.creator = "Tilstand"
    wb.properties.title = doc_title
    wb.properties.created = FIXED_TIME
    return wb


GUIDE_SHEET_NAME = "Veiledning"


def staff_workbook(title: str = STAFF_TITLE, rows: Sequence[Sequence] = (), capacity: int = CAPACITY) -> Workbook:
    formats = ["@", "0", "0", "0.0", "0", "0.0", "0.0", "0.0", "0.0", "0", "0.0", "0", "0", "0", "0", "0.0"]
    return simple_workbook(
        staff.LAYOUT,
        staff_headers(),
        formats,
        title,
        _staff_guide(),
        "Mal for personaltall til tilstandsrapporten",
        rows,
        capacity,
    )


def survey_workbook(title: str = SURVEY_TITLE, rows: Sequence[Sequence] = (), capacity: int = CAPACITY) -> Workbook:
    formats = ["@", "0", "@", "@", "@", "@", "0", "0"]
    return simple_workbook(
        survey.LAYOUT,
        survey_headers(),
        formats,
        title,
        _survey_guide(),
        "Mal for brukerundersøkelse til tilstandsrapporten",
        rows,
        capacity,
    )


def main() -> int:
    for path, wb in ((TEMPLATE_PATH, workbook()), (STAFF_PATH, staff_workbook()), (SURVEY_PATH, survey_workbook())):
        path.write_bytes(to_bytes(wb))
        print(f"wrote {path.relative_to(HERE.parent.parent)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
