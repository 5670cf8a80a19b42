"""Staff figures from the municipality's own HR/payroll systems -> observations.

There is no national export for these, so the leader types them into Tilstand's template,
`sample_data/templates/ansatte.xlsx` (sheet «Ansatte»), or saves the same sheet as CSV.

**Layout: one row per municipality and year, plus one row per quarter for sick leave.** The year row
(Kvartal empty) holds årsverk, stillinger, ledige stillinger, sluttet i året, gjennomsnittlig antall
ansatte, saksbehandlere og ledere and how many of them have a master's degree, meet the 2031
requirement and are in further education. A quarter row (Kvartal 1–4) holds sick leave, short and
long term and (optional) doctor-certified (legemeldt), each in per cent of agreed working days (avtalte
dagsverk) — the way HR systems and SSB report it, quarter by quarter — and (optional) the quarter's agreed
working days themselves. Legemeldt is the figure SSB and KS
publish for municipalities (domain.md §8) and the one the chapter «Ansatte og kompetanse» lists; it is part
of the total (short + long: egenmeldt + legemeldt), so a quarter with legemeldt above the total is refused.

**Computed, never typed:**
- turnover_pct = sluttet i året ÷ gjennomsnittlig antall ansatte × 100 (the catalogue's note: no
  standard definition exists; this is the one the template asks for);
- andel_master, andel_kompetansekrav_2031, andel_videreutdanning = count ÷ saksbehandlere og ledere × 100;
- yearly sick leave (short, long, legemeldt, total = short + long, which share the quarter's base) = the
  four quarters **weighted by their agreed working days** (sick days ÷ agreed days over the year, as SSB's and
  KS's statistics count it), **and only when all four quarters are present**. Without agreed working days in
  the file (the column is optional) the quarters are weighted equally, which assumes they have about the same
  number of agreed working days, and the import says so (`Parsed.notes`); a year with the column filled for
  some quarters and not others is refused. A year with a quarter missing gets no yearly sick-leave figure at
  all (reported in `Parsed.incomplete_years`), since three quarters are not a year and shares of different
  bases are never averaged without their weights.

**Anonymity («for få ansatte»).** A share or rate resting on fewer people than the limit (`min_count + 1`
of the catalogue's base count: 5, like the survey and 10-FAKTOR rules) would point at a person — 1 of 2
caseworkers with a master's, 1 leaver among 3 staff, one long sick leave in a unit of 4. Such a value is
stored without its number, status 'x': the competence shares with base saksbehandlere og ledere; turnover
and the yearly sick-leave figures with base gjennomsnittlig antall ansatte (stillinger when the average is
not given; with neither, the unit's size is unknown and the figure is stored). The base counts carry the
same min_count in the catalogue, with the shares' `count_indicator` pointing at them, so the suppression
view hides the rates too if a base from another file is small. Counts of staff (årsverk, stillinger) are
not about one person and stay shown.

The staff counts are the municipality's own. They are stored under their own indicators (origin
`local`), never under SSB's årsverk and vacancy indicators, so an HR figure never overwrites SSB's.

Every problem raises an InputError naming file, row and column before anything is written.
"""

from __future__ import annotations

import re

from tilstand import words
from tilstand.errors import InputError
from tilstand.ingest import sheet
from tilstand.ingest.model import Claim, Observation, Parsed, Source
from tilstand.ingest.sheet import Layout, integer, number, shown
from tilstand.privacy import SUPPRESSED, anonymity_limit

SHEET = "Ansatte"
GUIDE_SHEET = "Veiledning"
TEMPLATE = "sample_data/templates/ansatte.xlsx"
FIRST_YEAR = 2000

LAYOUT = Layout(
    sheet=SHEET,
    template=TEMPLATE,
    source="staff",
    columns={
        "municipality": ("Kommunenummer", ("kommunenummer", "kommunenr", "kommune nr", "knr")),
        "year": ("År", ("år", "ar", "aar", "årstall")),
        "quarter": ("Kvartal", ("kvartal", "kv")),
        "fte": ("Årsverk", ("årsverk", "arsverk", "antall årsverk")),
        "positions": ("Stillinger", ("stillinger", "antall stillinger", "stillingar")),
        "vacant": ("Ledige stillinger", ("ledige stillinger", "ledige stillingar", "vakante stillinger")),
        "sick_short": (
            "Sykefravær korttid (%)",
            ("sykefravær korttid", "korttidsfravær", "korttid", "sykefravær korttid %", "sjukefråvær korttid (%)"),
        ),
        "sick_long": (
            "Sykefravær langtid (%)",
            ("sykefravær langtid", "langtidsfravær", "langtid", "sykefravær langtid %", "sjukefråvær langtid (%)"),
        ),
        "sick_doctor": (
            "Legemeldt sykefravær (%)",
            (
                "legemeldt sykefravær",
                "legemeldt",
                "legemeldt fravær",
                "legemeldt sykefravær %",
                "legemeldt sjukefråvær (%)",
                "legemeldt sjukefråvær",
            ),
        ),
        "agreed_days": (
            "Avtalte dagsverk",
            (
                "avtalte dagsverk",
                "avtalte dagsverk i kvartalet",
                "dagsverk",
                "avtalte dagsverk (kvartal)",
                "avtalte dagsverk kvartal",
            ),
        ),
        "leavers": ("Sluttet i året", ("sluttet i året", "sluttet", "antall sluttet", "slutta i året")),
        "average": (
            "Gjennomsnittlig antall ansatte",
            ("gjennomsnittlig antall ansatte", "snitt ansatte", "gjennomsnittleg tal på tilsette"),
        ),
        "caseworkers": (
            "Saksbehandlere og ledere",
            ("saksbehandlere og ledere", "sakshandsamarar og leiarar", "antall saksbehandlere og ledere"),
        ),
        "master": ("Med master i barnevern", ("med master i barnevern", "med master", "master", "antall med master")),
        "req2031": (
            "Oppfyller kravet fra 2031",
            (
                "oppfyller kravet fra 2031",
                "krav 2031 oppfylt",
                "kompetansekrav 2031 oppfylt",
                "oppfyller kravet frå 2031",
            ),
        ),
        "further": ("I videreutdanning", ("i videreutdanning", "videreutdanning pågår", "i vidareutdanning")),
        "ignored": ("Kommune", ("kommune", "kommunenavn", "merknad", "merknader")),
    },
    required=("municipality", "year"),
)
YEAR_FIELDS = ("fte", "positions", "vacant", "leavers", "average", "caseworkers", "master", "req2031", "further")
QUARTER_FIELDS = ("sick_short", "sick_long", "sick_doctor")
WEIGHT_FIELD = "agreed_days"  # optional on a quarter row: the quarter's agreed working days, the yearly weight
# typed -> stored as is
STORED = {
    "fte": "ansatte_arsverk",
    "positions": "ansatte_stillinger",
    "vacant": "ansatte_ledige_stillinger",
    "leavers": "ansatte_sluttet_antall",
    "average": "ansatte_gjennomsnitt_antall",
    "caseworkers": "saksbehandlere_ledere_antall",
}
# count -> share of saksbehandlere og ledere
SHARES = {"master": "andel_master", "req2031": "andel_kompetansekrav_2031", "further": "andel_videreutdanning"}
SICK_IDS = {
    "sick_short": "sykefravaer_korttid_pct",
    "sick_long": "sykefravaer_langtid_pct",
    "sick_doctor": "sykefravaer_legemeldt_pct",
}
TOTAL_SICK_ID = "sykefravaer_totalt_pct"
TURNOVER_ID = "turnover_pct"
CASEWORKERS_ID = STORED["caseworkers"]  # the base of the competence shares
HEADCOUNT_ID = STORED["average"]  # the base of turnover and sick leave
WHOLE = ("positions", "leavers", "caseworkers", "master", "req2031", "further")
WHAT = {
    "fte": "årsverk",
    "positions": "antall stillinger",
    "vacant": "ledige stillinger",
    "leavers": "antall som sluttet",
    "average": "gjennomsnittlig antall ansatte",
    "caseworkers": "antall saksbehandlere og ledere",
    "master": "antall med master",
    "req2031": "antall som oppfyller kravet",
    "further": "antall i videreutdanning",
}


def is_marker(header: str) -> bool:
    """A header only the staff template has (detection)."""
    return LAYOUT.role(header) in (*YEAR_FIELDS, *QUARTER_FIELDS, WEIGHT_FIELD, "quarter")


def looks_like(data: bytes) -> bool:
    if data.startswith(b"PK"):
        return any(sheet.norm(n) == sheet.norm(SHEET) for n in sheet.xlsx_sheet_names(data))
    return sheet.looks_like_table(data[:4096], LAYOUT, is_marker)


def _quarter(v: object, file: str, row: int, fld: str) -> int:
    m = re.fullmatch(r"(?:k|q|kv)?\s*([1-4])(?:\s*\.?\s*(?:kvartal|kv))?", str(v).strip().casefold())
    if isinstance(v, float) and v in (1.0, 2.0, 3.0, 4.0):
        return int(v)
    if not m:
        raise InputError(
            file,
            row,
            fld,
            f"«{shown(v)}» er ikke et kvartal. Skriv 1, 2, 3 eller 4, eller la cellen stå tom på raden for hele året.",
        )
    return int(m.group(1))


def _percent(v: object, file: str, row: int, fld: str) -> float:
    x = number(v, file, row, fld, hint="skriv prosenten med desimalkomma, f.eks. 6,4.")
    if not 0 <= x <= 100:
        raise InputError(file, row, fld, f"sykefraværet {shown(v)} ligger utenfor 0–100 prosent.")
    return x


def _amount(role: str, v: object, file: str, row: int, fld: str) -> float:
    if role in WHOLE:
        return float(integer(v, file, row, fld, what=WHAT[role]))
    x = number(v, file, row, fld, hint=f"skriv {WHAT[role]} som et tall med desimalkomma, f.eks. 12,5.")
    if x < 0:
        raise InputError(file, row, fld, f"{WHAT[role]} kan ikke være negativt ({shown(v)}).")
    return x


def parse_file(data: bytes, file_name: str) -> Parsed:
    return sheet.plain_errors(_parse_file, data, file_name, what="personaltall", template=TEMPLATE)


def _parse_file(data: bytes, file: str) -> Parsed:
    if not data.strip():
        raise InputError(file, None, None, "filen er tom.")
    table = sheet.read_table(data, file, LAYOUT)
    fld = table.fields
    years: dict[tuple[str, int], tuple[int, dict[str, float]]] = {}
    quarters: dict[tuple[str, int, int], tuple[int, dict[str, float]]] = {}
    for n, raw in table.rows:
        if raw.get("municipality") is None:
            raise InputError(file, n, fld["municipality"], "kommunenummeret mangler.")
        muni = sheet.municipality(raw["municipality"], file, n, fld["municipality"])
        if raw.get("year") is None:
            raise InputError(file, n, fld["year"], "året mangler.")
        yr = sheet.year(raw["year"], file, n, fld["year"], FIRST_YEAR)
        if raw.get("quarter") is not None:
            q = _quarter(raw["quarter"], file, n, fld["quarter"])
            wrong = next((r for r in YEAR_FIELDS if raw.get(r) is not None), None)
            if wrong:
                raise InputError(
                    file,
                    n,
                    fld[wrong],
                    f"{WHAT[wrong]} gjelder hele året og skrives på raden med tomt kvartal, ikke på en kvartalsrad.",
                )
            vals = {r: _percent(raw[r], file, n, fld[r]) for r in QUARTER_FIELDS if raw.get(r) is not None}
            if vals and raw.get(WEIGHT_FIELD) is not None:
                vals[WEIGHT_FIELD] = _agreed_days(raw[WEIGHT_FIELD], file, n, fld[WEIGHT_FIELD])
            if not vals:
                raise InputError(
                    file,
                    n,
                    None,
                    f"kvartalsraden har ikke noe sykefravær. Fyll inn "
                    f"«{LAYOUT.columns['sick_short'][0]}» og «{LAYOUT.columns['sick_long'][0]}», "
                    "eller slett raden.",
                )
            if vals.get("sick_short", 0) + vals.get("sick_long", 0) > 100:
                raise InputError(
                    file,
                    n,
                    fld["sick_long"],
                    "korttids- og langtidsfraværet er til sammen mer enn 100 prosent av avtalte dagsverk.",
                )
            _check_doctor(vals, file, n, fld)
            if (muni, yr, q) in quarters:
                raise InputError(
                    file,
                    n,
                    fld["quarter"],
                    f"kvartal {q} i {yr} for {muni} står to ganger: rad {quarters[(muni, yr, q)][0]} og rad {n}.",
                )
            quarters[(muni, yr, q)] = (n, vals)
            continue
        wrong = next((r for r in QUARTER_FIELDS if raw.get(r) is not None), None)
        if wrong:
            raise InputError(
                file,
                n,
                fld[wrong],
                "sykefraværet skrives per kvartal: fyll inn «Kvartal» (1–4) og bruk én rad per kvartal.",
            )
        if raw.get(WEIGHT_FIELD) is not None:
            raise InputError(
                file,
                n,
                fld[WEIGHT_FIELD],
                "avtalte dagsverk skrives per kvartal, på kvartalsraden med sykefraværet: fyll inn «Kvartal» (1–4).",
            )
        vals = {r: _amount(r, raw[r], file, n, fld[r]) for r in YEAR_FIELDS if raw.get(r) is not None}
        if not vals:
            raise InputError(
                file, n, None, "raden har kommune og år, men ingen tall. Fyll inn tallene, eller slett raden."
            )
        _check_year(vals, file, n, fld)
        if (muni, yr) in years:
            raise InputError(
                file,
                n,
                fld["year"],
                f"{muni} i {yr} står to ganger (rad {years[(muni, yr)][0]} og rad {n}). Bruk én rad per kommune og år.",
            )
        years[(muni, yr)] = (n, vals)
    _check_weights(quarters, file, fld)
    observations, incomplete, equal = compute(years, quarters, anonymity_limit(CASEWORKERS_ID))
    title = " ".join(table.titles)
    return Parsed(
        file_name=file,
        source=table.source,
        title=title,
        sample="eksempeldata" in title.casefold(),
        observations=observations,
        rows=len(table.rows),
        incomplete_years=incomplete,
        equal_weight_years=equal,
        notes=[equal_weight_note(equal)] if equal else [],
        suppressed=sum(o.status == SUPPRESSED for o in observations),
    )


def _agreed_days(v: object, file: str, row: int, fld: str) -> float:
    x = number(v, file, row, fld, hint="skriv avtalte dagsverk i kvartalet som et tall, f.eks. 1830,5.")
    if x <= 0:
        raise InputError(file, row, fld, f"avtalte dagsverk må være flere enn 0 ({shown(v)}).")
    return x


def _check_weights(quarters: dict, file: str, fld: dict[str, str]) -> None:
    """Agreed working days for every quarter of a year, or for none: a year half weighted is no weighting."""
    for muni, yr in sorted({(m, y) for m, y, _ in quarters}):
        rows = [quarters[(muni, yr, q)] for q in (1, 2, 3, 4) if (muni, yr, q) in quarters]
        given = [n for n, vals in rows if WEIGHT_FIELD in vals]
        if given and len(given) < len(rows):
            n = next(n for n, vals in rows if WEIGHT_FIELD not in vals)
            raise InputError(
                file,
                n,
                fld[WEIGHT_FIELD],
                f"avtalte dagsverk mangler her, men står på andre "
                f"kvartaler i {yr} for {muni} (rad {', '.join(map(str, given))}). Fyll dem inn for "
                "alle kvartalene i året, eller la kolonnen stå tom for hele året.",
            )


def equal_weight_note(years: list[tuple[str, int]]) -> str:
    """The import note for yearly sick leave computed without agreed working days."""
    named = [f"{m} {y}" for m, y in years[:5]]
    if len(years) > 5:
        named.append(f"{len(years) - 5} år til")
    which = words.join(named, "nb")
    return (
        f"Avtalte dagsverk mangler for {which}: sykefraværet for året er regnet som gjennomsnittet av de fire "
        "kvartalene med lik vekt, ikke vektet med avtalte dagsverk slik SSB og KS regner. Fyll inn kolonnen "
        "«Avtalte dagsverk» på kvartalsradene for å få det vektede tallet."
    )


def _check_doctor(vals: dict[str, float], file: str, n: int, fld: dict[str, str]) -> None:
    """Legemeldt is part of the total (egenmeldt + legemeldt = korttid + langtid), never more."""
    if "sick_doctor" in vals and "sick_short" in vals and "sick_long" in vals:
        total = vals["sick_short"] + vals["sick_long"]
        if vals["sick_doctor"] > total + 1e-9:
            raise InputError(
                file,
                n,
                fld["sick_doctor"],
                f"legemeldt sykefravær ({_n(vals['sick_doctor'])} %) er "
                f"høyere enn sykefraværet i alt, korttid + langtid ({_n(round(total, 4))} %). "
                "Legemeldt fravær er en del av det samlede fraværet.",
            )


def _n(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def _check_year(vals: dict[str, float], file: str, n: int, fld: dict[str, str]) -> None:
    if "vacant" in vals and "positions" in vals and vals["vacant"] > vals["positions"]:
        raise InputError(
            file,
            n,
            fld["vacant"],
            f"ledige stillinger ({_n(vals['vacant'])}) er flere enn stillinger ({_n(vals['positions'])}).",
        )
    if "leavers" in vals and "average" not in vals:
        raise InputError(
            file,
            n,
            fld["leavers"],
            "gjennomsnittlig antall ansatte mangler. Det trengs for å regne "
            "ut turnover (sluttet ÷ gjennomsnittlig antall ansatte).",
        )
    if "leavers" in vals and vals["average"] == 0:
        raise InputError(file, n, fld["average"], "gjennomsnittlig antall ansatte er 0, men noen har sluttet.")
    for r in ("master", "req2031", "further"):
        if r not in vals:
            continue
        if "caseworkers" not in vals:
            raise InputError(
                file,
                n,
                fld[r],
                f"«{LAYOUT.columns['caseworkers'][0]}» mangler. Andelen regnes ut av antall saksbehandlere og ledere.",
            )
        if vals[r] > vals["caseworkers"]:
            raise InputError(
                file,
                n,
                fld[r],
                f"{WHAT[r]} ({int(vals[r])}) er større enn antall saksbehandlere "
                f"og ledere ({int(vals['caseworkers'])}).",
            )
    if "master" in vals and "req2031" in vals and vals["master"] > vals["req2031"]:
        raise InputError(
            file,
            n,
            fld["req2031"],
            f"færre oppfyller kravet fra 2031 ({int(vals['req2031'])}) enn "
            f"som har master i barnevern ({int(vals['master'])}); master i barnevern oppfyller kravet.",
        )


def compute(
    years: dict, quarters: dict, limit: int
) -> tuple[list[Observation], list[tuple[str, int]], list[tuple[str, int]]]:
    """The stored observations: typed counts, computed shares and yearly sick leave; below `limit` people, 'x'.
    Also the years without all four quarters, and those whose yearly sick leave weighs the quarters equally."""
    out: list[Observation] = []
    for (muni, yr), (_, vals) in sorted(years.items()):
        for r, ind in STORED.items():
            if r in vals:
                out.append(Observation(ind, muni, yr, vals[r], None))
        if "leavers" in vals:
            out.append(_rate(TURNOVER_ID, muni, yr, vals["leavers"] / vals["average"] * 100, vals["average"], limit))
        for r, ind in SHARES.items():
            if r in vals and vals["caseworkers"] > 0:
                out.append(_rate(ind, muni, yr, vals[r] / vals["caseworkers"] * 100, vals["caseworkers"], limit))
    incomplete: list[tuple[str, int]] = []
    equal: list[tuple[str, int]] = []
    for muni, yr in sorted({(m, y) for m, y, _ in quarters}):
        means = {}
        given = {r for q in (1, 2, 3, 4) for r in quarters.get((muni, yr, q), (0, {}))[1]}
        rows = [quarters[(muni, yr, q)][1] for q in (1, 2, 3, 4) if (muni, yr, q) in quarters]
        weights = [vals.get(WEIGHT_FIELD, 1.0) for vals in rows]  # agreed working days, else equal weights
        for r in SICK_IDS:
            qs = [vals.get(r) for vals in rows]
            if len(qs) == 4 and None not in qs:  # only with all four quarters
                means[r] = sum(p * w for p, w in zip(qs, weights, strict=True)) / sum(weights)
        if "sick_short" in means and "sick_long" in means:
            means["total"] = means["sick_short"] + means["sick_long"]
        year_vals = years.get((muni, yr), (0, {}))[1]
        size = year_vals.get("average", year_vals.get("positions"))
        for r, mean in means.items():
            out.append(_rate(SICK_IDS.get(r, TOTAL_SICK_ID), muni, yr, mean, size, limit))
        if "total" not in means or ("sick_doctor" in given and "sick_doctor" not in means):
            incomplete.append((muni, yr))
        if means and WEIGHT_FIELD not in given:
            equal.append((muni, yr))
    return out, incomplete, equal


def _rate(indicator: str, muni: str, yr: int, value: float, base: float | None, limit: int) -> Observation:
    """A share or rate, stored hidden when it rests on fewer than `limit` people (None: size unknown, stored)."""
    if base is not None and base < limit:
        return Observation(indicator, muni, yr, None, SUPPRESSED)
    return Observation(indicator, muni, yr, round(value, 4), None)


SOURCE = Source(
    name="staff",
    formats={"staff_xlsx": "Personaltall (Excel-malen)", "staff_csv": "Personaltall (CSV)"},
    detect=lambda data: Claim.YES if looks_like(data) else Claim.NO,  # its sheet, or a column only it has
    read=lambda data, file_name, _mapping: parse_file(data, file_name),
)
