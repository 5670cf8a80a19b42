"""KS 10-FAKTOR results (the employee survey, ten factors on a 1–5 scale) -> observations.

KS publishes no export format (domain.md §5), so the leader types the results from KS's report on
bedrekommune.no into Tilstand's template, `sample_data/templates/10faktor.xlsx`, or saves the same
sheet as CSV.

**Layout: one row per unit and year, the ten factors across.** KS's report shows one unit at a time:
the number of answers and the ten factor means on one page. One row per unit copies that page
straight across, left to right in KS's order, and the unit, year and number of answers are typed once
instead of ten times (a row per factor would repeat them and let the ten copies disagree). The
columns are Kommunenummer, Enhet, År, Antall svar, Antall invitert (optional: gives the response
rate), then the ten factors. A long layout (a «Faktor» and a «Gjennomsnitt» column, one row per
factor) is read as well, for results copied from a list; factor names, in the headers or in the
«Faktor» column, may be KS's names or the variants in tilstand/data/ks_10faktor_names.csv, in any case.

**Anonymity.** Units are weighted by their number of answers into one value per municipality, year
and factor; no unit's own result is stored. When that value rests on fewer answers than the limit
(`min_count + 1` of the catalogue's `tf_antall_svar`: 5 — Tilstand's rule, KS's own is not known),
it is stored without its number, status 'x', so the privacy rule stays visible in the data and no
copy of the database holds the number. The answer count itself is stored and the suppression view
hides counts 1..min_count; through `count_indicator` it hides every factor built on such a count too.

Every problem raises an InputError naming file, row and column before anything is written.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files

from tilstand import catalog
from tilstand.errors import InputError
from tilstand.ingest.model import Claim, Observation, Parsed, Source
from tilstand.ingest.sheet import (  # noqa: F401 - part of this module's interface
    HEADER_SEARCH_ROWS,
    OLE_MAGIC,
    Sheet,
    blank,
    column_name,
    find_header,
    integer,
    known_municipalities,
    norm,
    number,
    plain_errors,
    read_csv,
    read_xlsx,
    refuse_merged,
    shown,
    xlsx_sheet_names,
)
from tilstand.ingest.sheet import municipality as _municipality
from tilstand.privacy import SUPPRESSED, anonymity_limit

SHEET = "10-FAKTOR"
GUIDE_SHEET = "Veiledning"
TEMPLATE = "sample_data/templates/10faktor.xlsx"
RESPONDENTS_ID = "tf_antall_svar"
RESPONSE_RATE_ID = "tf_svarprosent"
FACTOR_IDS = (  # KS's numbering 1–10 (domain.md §5): the template's column order
    "tf_oppgavemotivasjon",
    "tf_mestringstro",
    "tf_selvstendighet",
    "tf_bruk_av_kompetanse",
    "tf_mestringsorientert_ledelse",
    "tf_rolleklarhet",
    "tf_relevant_kompetanseutvikling",
    "tf_fleksibilitetsvilje",
    "tf_mestringsklima",
    "tf_nyttemotivasjon",
)
FIRST_YEAR = 2010  # KS launched 10-FAKTOR around 2015; earlier years are typing errors

# The columns of the template as headed there, and what else people write for them (compared after
# _norm: lower case, punctuation as spaces).
COLUMNS = {
    "municipality": ("Kommunenummer", ("kommunenummer", "kommunenr", "kommune nr", "knr", "kommunenummer 4 siffer")),
    "unit": ("Enhet", ("enhet", "eining", "enhetsnavn", "avdeling", "enhet avdeling")),
    "year": ("År", ("år", "ar", "aar", "årstall", "undersøkelsesår")),
    "respondents": (
        "Antall svar",
        (
            "antall svar",
            "antall besvarelser",
            "antall respondenter",
            "respondenter",
            "besvarelser",
            "tal på svar",
            "talet på svar",
            "svar",
            "n",
        ),
    ),
    "invited": (
        "Antall invitert",
        ("antall invitert", "antall inviterte", "inviterte", "antall spurt", "antall spurte", "tal på inviterte"),
    ),
    "factor": ("Faktor", ("faktor",)),
    "score": ("Gjennomsnitt", ("gjennomsnitt", "snitt", "skår", "score", "verdi", "resultat")),
    "ignored": ("Kommune", ("kommune", "kommunenavn", "merknad", "merknader", "kommentar")),
}


# ---------------------------------------------------------------- names, catalogue, register


def _variants(text: object) -> list[str]:
    """A header or factor name as typed -> the forms to look up: whole, before and inside a parenthesis."""
    t = re.sub(r"^\s*(faktor\s*)?\d{1,2}\s*[.:)\-]?\s+", "", str(text).casefold())  # '1. Oppgavemotivasjon'
    out = [norm(t)]
    m = re.match(r"^(.*?)\((.*)\)\s*$", t)
    if m:
        out += [norm(m.group(1)), norm(m.group(2))]
    return [v for v in out if v]


@cache
def factor_names() -> dict[str, str]:
    """Normalised factor name -> indicator id, from tilstand/data/ks_10faktor_names.csv."""
    text = files("tilstand.data").joinpath("ks_10faktor_names.csv").read_text(encoding="utf-8")
    return {norm(r["name"]): r["indicator_id"] for r in csv.DictReader(text.splitlines())}


def factor_header(indicator_id: str) -> str:
    """The template's column heading for a factor: KS's short name (the catalogue's, without the gloss)."""
    return catalog.indicators()[indicator_id].name_nb.split(" (")[0]


_ROLE_BY_NAME = {name: role for role, (_, names) in COLUMNS.items() for name in names}


def _role(header: str) -> str | None:
    """'municipality', 'factor:tf_…', … for a header as typed; None when unknown."""
    for v in _variants(header):
        if v in _ROLE_BY_NAME:
            return _ROLE_BY_NAME[v]
        if v in factor_names():
            return "factor:" + factor_names()[v]
    return None


def _factor_id(name: str) -> str | None:
    return next((factor_names()[v] for v in _variants(name) if v in factor_names()), None)


# ---------------------------------------------------------------- detection


def looks_like(head: bytes) -> bool:
    """A spreadsheet (only the 10-FAKTOR template is read as one), or a CSV with a Kommunenummer column."""
    if head.startswith((b"PK", OLE_MAGIC)):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    for line in text.splitlines()[:HEADER_SEARCH_ROWS]:
        cells = re.split(r"[;\t,]", line.strip())
        if any(_role(c.strip().strip('"')) == "municipality" for c in cells):
            return True
    return False


# ---------------------------------------------------------------- reading a sheet into rows


def _read_xlsx(data: bytes, file: str) -> Sheet:
    return read_xlsx(data, file, sheet=SHEET, template=TEMPLATE, source="ks_10faktor_xlsx")


def _read_csv(data: bytes, file: str) -> Sheet:
    return read_csv(
        data, file, template=TEMPLATE, source="ks_10faktor_csv", is_key=lambda h: _role(h) == "municipality"
    )


def _year(v: object, file: str, row: int, fld: str) -> int:
    y = integer(v, file, row, fld, what="årstallet")
    last = date.today().year
    if not FIRST_YEAR <= y <= last:
        raise InputError(file, row, fld, f"«{shown(v)}» er ikke et gyldig år for 10-FAKTOR ({FIRST_YEAR}–{last}).")
    return y


def _score(v: object, file: str, row: int, fld: str) -> float:
    s = number(v, file, row, fld, hint="skriv gjennomsnittet med desimalkomma, f.eks. 4,2.")
    if not 1 <= s <= 5:
        raise InputError(file, row, fld, f"gjennomsnittet {shown(v)} ligger utenfor skalaen 1–5.")
    return s


# ---------------------------------------------------------------- rows -> unit results


@dataclass
class _Unit:
    row: int
    municipality: str
    name: str
    year: int
    respondents: int
    invited: int | None
    scores: dict[str, tuple[float, int]] = field(default_factory=dict)  # factor -> (mean, answers)


def _header(sheet: Sheet, file: str) -> tuple[int, list[str], list[str]]:
    """(index of the header row in sheet.rows, headers, title lines above it)."""
    found = find_header(sheet, lambda h: _role(h) == "municipality")
    if found is not None:
        return found
    if sheet.xlsx:
        raise InputError(
            file,
            None,
            None,
            f"finner ingen overskriftsrad med «Kommunenummer» i arket «{SHEET}» "
            f"(de første {HEADER_SEARCH_ROWS} radene). Bruk overskriftene fra malen {TEMPLATE}.",
        )
    raise InputError(
        file,
        1,
        None,
        "finner ingen overskriftsrad med «Kommunenummer» i de første "
        f"{HEADER_SEARCH_ROWS} linjene. Er filen lagret fra 10-FAKTOR-malen ({TEMPLATE})?",
    )


def _columns(headers: list[str], sheet: Sheet, file: str, row: int) -> dict[str, int]:
    roles: dict[str, int] = {}
    for i, h in enumerate(headers):
        if not h:
            continue
        role = _role(h)
        if role is None:
            known = ", ".join(f"«{COLUMNS[r][0]}»" for r in ("municipality", "unit", "year", "respondents", "invited"))
            names = ", ".join(f"«{factor_header(f)}»" for f in FACTOR_IDS)
            raise InputError(
                file,
                row,
                h,
                f"ukjent kolonne ({column_name(i, sheet.xlsx)}). Tilstand kjenner "
                f"{known} og de ti faktorene: {names}. Rett overskriften, eller slett kolonnen.",
            )
        if role == "ignored":
            continue
        if role in roles:
            raise InputError(
                file,
                row,
                h,
                f"kolonnen står to ganger ({column_name(roles[role], sheet.xlsx)} og "
                f"{column_name(i, sheet.xlsx)}). Slett den ene.",
            )
        roles[role] = i
    missing = [COLUMNS[r][0] for r in ("municipality", "unit", "year", "respondents") if r not in roles]
    factors = [r for r in roles if r.startswith("factor:")]
    long = "factor" in roles or "score" in roles
    if long and factors:
        raise InputError(
            file,
            row,
            headers[roles.get("factor", roles.get("score", 0))],
            "filen har både én kolonne per faktor og en «Faktor»-kolonne. Bruk den ene formen "
            f"(malen {TEMPLATE} har én kolonne per faktor).",
        )
    if long:
        missing += [COLUMNS[r][0] for r in ("factor", "score") if r not in roles]
    elif not factors:
        missing.append("minst én av de ti faktorene (f.eks. «Mestringstro»)")
    if missing:
        listed = ", ".join(m if "«" in m else f"«{m}»" for m in missing)
        raise InputError(
            file, row, None, f"overskriftsraden mangler {listed}. Bruk overskriftene fra malen {TEMPLATE}."
        )
    return roles


def _cell(sheet: Sheet, values: tuple, col: int | None, row: int, file: str, headers: list[str]) -> object:
    if col is None or col >= len(values):
        return None
    v = values[col]
    if v is None and sheet.formulas is not None:
        formula = sheet.formulas(row, col)
        if formula is not None:
            raise InputError(
                file,
                row,
                headers[col],
                f"cellen har en formel ({shown(formula)}) uten lagret "
                "resultat. Åpne filen i Excel, la formlene regne seg ut, og lagre den på nytt.",
            )
    return v


def _units(sheet: Sheet, file: str) -> tuple[list[_Unit], list[str]]:
    at, headers, titles = _header(sheet, file)
    header_row = sheet.rows[at][0]
    refuse_merged(sheet, header_row, file)
    cols = _columns(headers, sheet, file, header_row)
    fld = {role: headers[i] for role, i in cols.items()}
    long = "factor" in cols
    units: dict[tuple[str, str, int], _Unit] = {}
    seen_long: dict[tuple[str, str, int, str], int] = {}
    for n, values in sheet.rows[at + 1 :]:
        if all(blank(v) for v in values):
            continue
        for i, v in enumerate(values):
            if not blank(v) and (i >= len(headers) or not headers[i]):
                hint = (
                    " Er filen lagret med komma som skilletegn? Da deler desimalkommaet tallene i to; lagre "
                    "den som «CSV (semikolondelt)»."
                    if sheet.delimiter == "," and not sheet.xlsx
                    else " Slett den, eller gi kolonnen en overskrift."
                )
                raise InputError(
                    file,
                    n,
                    None,
                    f"verdien «{shown(v)}» står i en kolonne uten overskrift ({column_name(i, sheet.xlsx)}).{hint}",
                )
        get = lambda role: _cell(sheet, values, cols.get(role), n, file, headers)  # noqa: E731, B023 - used in this row only
        scores: dict[str, float] = {}
        if long:
            raw_factor, raw_score = get("factor"), get("score")
            if blank(raw_factor):
                raise InputError(file, n, fld["factor"], "faktoren mangler.")
            factor = _factor_id(str(raw_factor))
            if factor is None:
                raise InputError(
                    file,
                    n,
                    fld["factor"],
                    f"«{shown(raw_factor)}» er ikke en av de ti faktorene i "
                    f"10-FAKTOR ({', '.join(factor_header(f) for f in FACTOR_IDS)}).",
                )
            if blank(raw_score):
                raise InputError(file, n, fld["score"], "gjennomsnittet mangler.")
            scores[factor] = _score(raw_score, file, n, fld["score"])
        else:
            for role, i in cols.items():
                if role.startswith("factor:"):
                    raw = _cell(sheet, values, i, n, file, headers)
                    if not blank(raw):
                        scores[role[7:]] = _score(raw, file, n, headers[i])
        raw_n, raw_inv = get("respondents"), get("invited")
        if not scores and blank(raw_n) and blank(raw_inv):
            continue  # a prepared row for a unit without results
        raw_muni, raw_unit, raw_year = get("municipality"), get("unit"), get("year")
        if blank(raw_muni):
            raise InputError(file, n, fld["municipality"], "kommunenummeret mangler.")
        muni = _municipality(raw_muni, file, n, fld["municipality"])
        if blank(raw_unit):
            raise InputError(
                file,
                n,
                fld["unit"],
                "enheten mangler. Skriv navnet på enheten slik det står i KS-rapporten, f.eks. «Barneverntjenesten».",
            )
        unit = " ".join(str(raw_unit).split())
        if blank(raw_year):
            raise InputError(file, n, fld["year"], "året mangler.")
        year = _year(raw_year, file, n, fld["year"])
        if blank(raw_n):
            raise InputError(
                file,
                n,
                fld["respondents"],
                "antall svar mangler. Det trengs for å vekte enhetene og for anonymitetsgrensen.",
            )
        answers = integer(raw_n, file, n, fld["respondents"], what="antall svar")
        invited = None if blank(raw_inv) else integer(raw_inv, file, n, fld["invited"], what="antall invitert")
        if invited is not None and invited < answers:
            raise InputError(
                file, n, fld["invited"], f"antall invitert ({invited}) er mindre enn antall svar ({answers})."
            )
        if answers == 0 and scores:
            raise InputError(file, n, fld["respondents"], "raden har gjennomsnitt, men 0 svar.")
        if answers > 0 and not scores:
            raise InputError(
                file,
                n,
                None,
                "raden har antall svar, men ingen faktorverdier. Fyll inn "
                "gjennomsnittene fra KS-rapporten, eller slett raden.",
            )
        key = (muni, unit.casefold(), year)
        if long:
            factor = next(iter(scores))
            if (*key, factor) in seen_long:
                raise InputError(
                    file,
                    n,
                    fld["factor"],
                    f"{factor_header(factor)} for «{unit}» ({muni}) i {year} "
                    f"står to ganger: rad {seen_long[(*key, factor)]} og rad {n}.",
                )
            seen_long[(*key, factor)] = n
            u = units.setdefault(key, _Unit(n, muni, unit, year, answers, invited))
            u.respondents = max(u.respondents, answers)
            if invited is not None:
                u.invited = max(u.invited or 0, invited)
            u.scores[factor] = (scores[factor], answers)
        else:
            if key in units:
                raise InputError(
                    file,
                    n,
                    fld["unit"],
                    f"«{unit}» ({muni}) i {year} står to ganger: rad "
                    f"{units[key].row} og rad {n}. Slett den ene, eller gi enhetene ulike navn.",
                )
            units[key] = _Unit(n, muni, unit, year, answers, invited, {f: (s, answers) for f, s in scores.items()})
    if not units:
        raise InputError(file, None, None, "filen har en overskriftsrad, men ingen rader med resultater.")
    return list(units.values()), titles


# ---------------------------------------------------------------- units -> municipality observations


def aggregate(units: list[_Unit], file: str, limit: int) -> tuple[list[Observation], int]:
    """Weighted means per municipality, year and factor; under the limit stored hidden ('x')."""
    groups: dict[tuple[str, int], list[_Unit]] = defaultdict(list)
    for u in units:
        groups[(u.municipality, u.year)].append(u)
    out: list[Observation] = []
    suppressed = 0
    for (muni, year), members in sorted(groups.items()):
        total = sum(u.respondents for u in members)
        out.append(Observation(RESPONDENTS_ID, muni, year, float(total), None))
        for f in FACTOR_IDS:
            parts = [u.scores[f] for u in members if f in u.scores]
            if not parts:
                continue
            answers = sum(k for _, k in parts)
            if answers < limit:
                out.append(Observation(f, muni, year, None, SUPPRESSED))
                suppressed += 1
            else:
                out.append(Observation(f, muni, year, round(sum(s * k for s, k in parts) / answers, 4), None))
        with_invited = [u for u in members if u.invited is not None]
        if with_invited and len(with_invited) < len(members):
            missing = next(u for u in members if u.invited is None)
            raise InputError(
                file,
                missing.row,
                COLUMNS["invited"][0],
                f"antall invitert er fylt ut for andre enheter i {muni} i {year}, men ikke for "
                f"«{missing.name}». Fyll det ut for alle enhetene eller for ingen.",
            )
        invited = sum(u.invited for u in with_invited)  # type: ignore[misc]
        if with_invited and invited > 0:
            if total < limit:
                out.append(Observation(RESPONSE_RATE_ID, muni, year, None, SUPPRESSED))
            else:
                out.append(Observation(RESPONSE_RATE_ID, muni, year, round(total / invited * 100, 4), None))
    return out, suppressed


# ---------------------------------------------------------------- entry point


def parse_file(data: bytes, file_name: str) -> Parsed:
    return plain_errors(_parse_file, data, file_name, what="10-FAKTOR-resultater", template=TEMPLATE)


def _parse_file(data: bytes, file_name: str) -> Parsed:
    if not data.strip():
        raise InputError(file_name, None, None, "filen er tom.")
    is_book = data.startswith((b"PK", OLE_MAGIC))
    sheet = _read_xlsx(data, file_name) if is_book else _read_csv(data, file_name)
    units, titles = _units(sheet, file_name)
    observations, suppressed = aggregate(units, file_name, anonymity_limit(RESPONDENTS_ID))
    title = " ".join(titles)
    return Parsed(
        file_name=file_name,
        source=sheet.source,
        title=title,
        sample="eksempeldata" in title.casefold(),
        observations=observations,
        units=len(units),
        suppressed=suppressed,
    )


def _detect(data: bytes) -> Claim:
    """Surely 10-FAKTOR: its sheet, or a CSV header with Kommunenummer and a factor. Likely: any other workbook or
    CSV with a Kommunenummer column that no other source is sure of (its reader names what is missing)."""
    head = data[:4096]
    if head.startswith(b"PK"):
        key = lambda name: norm(name).replace(" ", "")  # noqa: E731 - as the reader matches sheet names
        return Claim.YES if any(key(n) == key(SHEET) for n in xlsx_sheet_names(data)) else Claim.LIKELY
    if head.startswith(OLE_MAGIC):
        return Claim.LIKELY  # an old .xls: the reader says to save it as .xlsx
    if not looks_like(head):
        return Claim.NO
    return Claim.YES if _has_factor_column(head) else Claim.LIKELY


def _has_factor_column(head: bytes) -> bool:
    """A header line (as looks_like finds it) with a factor: by name (wide form) or the «Faktor» column (long)."""
    text = head.decode("utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8", errors="replace")
    for line in text.splitlines()[:HEADER_SEARCH_ROWS]:
        roles = {_role(c.strip().strip('"')) for c in re.split(r"[;\t,]", line.strip())}
        if "municipality" in roles:
            return "factor" in roles or any(r and r.startswith("factor:") for r in roles)
    return False


SOURCE = Source(
    name="ks_10faktor",
    formats={"ks_10faktor_xlsx": "KS 10-FAKTOR (Excel-malen)", "ks_10faktor_csv": "KS 10-FAKTOR (CSV)"},
    detect=_detect,
    read=lambda data, file_name, _mapping: parse_file(data, file_name),
)
