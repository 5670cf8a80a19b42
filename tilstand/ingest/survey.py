"""User surveys (brukerundersøkelser) in the child welfare service -> observations.

The municipality runs its own survey (bedrekommune-type, domain.md §7) and types the answer
distribution into Tilstand's template, `sample_data/templates/brukerundersokelse.xlsx` (sheet
«Brukerundersøkelse»), or saves the same sheet as CSV.

**Layout: one row per answer option.** Kommunenummer, År, Gruppe (barn og unge / foreldre), Dimensjon,
Spørsmål, Svaralternativ, Antall (how many gave that answer), and Antall som svarte (respondents in the
group that year; the same on every row of the group). This is how survey tools print the distribution.

**Scores, as the template's Veiledning explains.** Answer options are on the scale 1–6 (6 best), written
as the number, optionally followed by its label («6 Svært fornøyd»); «Vet ikke», «Ikke relevant» and
«Ubesvart» count as answers but not in the score. A dimension's score is the mean of every scored answer
to its questions (each answer weighs one). Tilgjengelighet uses the parents' answers (the catalogue's
definition), «Har det bra der jeg bor» the children's (share answering 4–6), the other dimensions both
groups. Dimensions without a catalogue indicator (Pålitelighet, Samarbeid, Tiltaksplan) are read and
checked but not stored.

**Answer distributions.** For the five dimensions with a score indicator (Tilgjengelighet, Informasjon,
Respektfull behandling, Brukermedvirkning, Resultat for brukerne) the importer also stores how the scored
answers spread: `bu_<dimension>_andel_lav` (1–2), `_andel_middels` (3–4) and `_andel_hoy` (5–6), in percent
of the dimension's scored answers, counted from the same groups as the score. They feed the stacked-bar
chart only (`show` = no in the catalogue), so the profile keeps one row per dimension.

**Anonymity.** A score resting on fewer than 5 respondents (`min_count + 1` of `bu_antall_svar`) is
stored without its number, status 'x', and so are its three distribution shares: a share of 3 answers
tells who answered what as surely as the score does. No question-level or answer-level figure is stored.

**Free text is never imported.** A column headed like a comment or free-text answer, or a cell with
long running text, refuses the whole file: free-text answers may identify a child or a family.
"""

from __future__ import annotations

import re
from collections import defaultdict

from tilstand.errors import InputError
from tilstand.ingest import sheet
from tilstand.ingest.model import Claim, Observation, Parsed, Source
from tilstand.ingest.sheet import Layout, integer, norm, shown
from tilstand.privacy import SUPPRESSED, anonymity_limit

SHEET = "Brukerundersøkelse"
GUIDE_SHEET = "Veiledning"
TEMPLATE = "sample_data/templates/brukerundersokelse.xlsx"
FIRST_YEAR = 2000
RESPONDENTS_ID = "bu_antall_svar"
SCALE = (1, 6)
AGREE_FROM = 4  # «har det bra»: the upper half of the 1–6 scale
# Distribution bands on the 1–6 scale: (indicator suffix, lowest answer, highest answer).
BANDS = (("andel_lav", 1, 2), ("andel_middels", 3, 4), ("andel_hoy", 5, 6))
SHARE_INDICATOR = "bu_barn_har_det_bra_andel"  # a share already: no distribution of its own
LONG_TEXT = 120  # a cell longer than this reads as a free-text answer
CHILDREN, PARENTS = "barn", "foreldre"
GROUP_NAMES = {CHILDREN: "barn og unge", PARENTS: "foreldre"}

LAYOUT = Layout(
    sheet=SHEET,
    template=TEMPLATE,
    source="survey",
    columns={
        "municipality": ("Kommunenummer", ("kommunenummer", "kommunenr", "kommune nr", "knr")),
        "year": ("År", ("år", "ar", "aar", "årstall")),
        "group": ("Gruppe", ("gruppe", "brukergruppe", "målgruppe")),
        "dimension": ("Dimensjon", ("dimensjon", "tema", "område")),
        "question": ("Spørsmål", ("spørsmål", "spørsmål tekst", "spørsmålstekst", "sporsmal")),
        "option": ("Svaralternativ", ("svaralternativ", "svarkategori", "alternativ", "svar")),
        "count": ("Antall", ("antall", "antall svar på alternativet", "tal")),
        "respondents": (
            "Antall som svarte",
            ("antall som svarte", "respondenter", "antall respondenter", "tal på svar", "antall besvarelser"),
        ),
        "ignored": ("Kommune", ("kommune", "kommunenavn")),
    },
    required=("municipality", "year", "group", "dimension", "question", "option", "count", "respondents"),
)
# dimension name (normalised) -> (indicator id or '' when not stored, groups whose answers count)
DIMENSIONS = {
    "tilgjengelighet": ("bu_tilgjengelighet", (PARENTS,)),
    "informasjon": ("bu_informasjon", (CHILDREN, PARENTS)),
    "informasjon ansatte": ("bu_informasjon", (CHILDREN, PARENTS)),
    "respektfull behandling": ("bu_respektfull_behandling", (CHILDREN, PARENTS)),
    "brukermedvirkning": ("bu_brukermedvirkning", (CHILDREN, PARENTS)),
    "resultat for brukerne": ("bu_resultat_for_brukerne", (CHILDREN, PARENTS)),
    "har det bra der jeg bor": ("bu_barn_har_det_bra_andel", (CHILDREN,)),
    "pålitelighet": ("", ()),
    "samarbeid": ("", ()),
    "tiltaksplan": ("", ()),
}
DIMENSION_NAMES = (
    "Tilgjengelighet",
    "Informasjon",
    "Respektfull behandling",
    "Brukermedvirkning",
    "Resultat for brukerne",
    "Har det bra der jeg bor",
    "Pålitelighet",
    "Samarbeid",
    "Tiltaksplan",
)
NOT_SCORED = ("vet ikke", "ikke relevant", "ubesvart", "ikkje relevant", "veit ikkje")
_FREE_TEXT = re.compile(
    r"kommentar|fritekst|fri tekst|tekstsvar|åpent svar|åpne svar|svar \(tekst\)|"
    r"svar tekst|utdyp|annet, skriv|begrunnelse"
)
FREE_TEXT_MESSAGE = (
    "fritekstsvar importeres aldri: de kan avsløre hvem et barn eller en familie er. Slett "
    "kolonnen (og tekstsvarene) før du importerer; bare svarfordelingen skal med."
)


def is_marker(header: str) -> bool:
    return LAYOUT.role(header) in ("group", "dimension", "option")


def looks_like(data: bytes) -> bool:
    if data.startswith(b"PK"):
        return any(norm(n) == norm(SHEET) for n in sheet.xlsx_sheet_names(data))
    return sheet.looks_like_table(data[:4096], LAYOUT, is_marker)


def _free_text_header(file: str):
    def check(header: str, col: int, row: int) -> None:
        h = norm(header.replace("(", " (").replace(")", ") "))
        if _FREE_TEXT.search(h) or _FREE_TEXT.search(header.casefold()):
            raise InputError(
                file,
                row,
                header,
                f"kolonnen ser ut som fritekst. {FREE_TEXT_MESSAGE[0].upper()}{FREE_TEXT_MESSAGE[1:]}",
            )

    return check


def _group(v: object, file: str, row: int, fld: str) -> str:
    g = norm(v)
    if g in ("barn og unge", "barn", "unge", "ungdom", "barn og ungdom"):
        return CHILDREN
    if g in ("foreldre", "foresatte", "foreldre foresatte", "føresette", "foreldre og foresatte"):
        return PARENTS
    raise InputError(file, row, fld, f"«{shown(v)}» er ikke en gruppe. Skriv «barn og unge» eller «foreldre».")


def _option(v: object, file: str, row: int, fld: str) -> int | None:
    """The scale value 1–6 of an answer option, or None for «Vet ikke» and the like."""
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v == int(v) and SCALE[0] <= v <= SCALE[1]:
        return int(v)
    text = str(v).strip()
    if norm(text) in NOT_SCORED:
        return None
    m = re.match(r"^([1-9]\d*)(?:\s*[-–.:)]?\s+\S.*)?$", text)
    if m and SCALE[0] <= int(m.group(1)) <= SCALE[1]:
        return int(m.group(1))
    raise InputError(
        file,
        row,
        fld,
        f"«{shown(v)}» er ikke et svaralternativ på skalaen {SCALE[0]}–{SCALE[1]}. "
        "Skriv tallet først (f.eks. «6 Svært fornøyd»), eller «Vet ikke» / «Ikke relevant».",
    )


def parse_file(data: bytes, file_name: str) -> Parsed:
    return sheet.plain_errors(_parse_file, data, file_name, what="en brukerundersøkelse", template=TEMPLATE)


def _parse_file(data: bytes, file: str) -> Parsed:
    if not data.strip():
        raise InputError(file, None, None, "filen er tom.")
    table = sheet.read_table(data, file, LAYOUT, check_header=_free_text_header(file))
    fld = table.fields
    respondents: dict[tuple[str, int, str], tuple[int, int]] = {}  # (muni, year, group) -> (row, n)
    answers: dict[tuple[str, int, str, str], dict[str, int]] = defaultdict(dict)  # per question: option -> n
    scored: dict[tuple[str, int, str, str], list[tuple[int, int]]] = defaultdict(list)  # (.., group, dim)
    seen: dict[tuple, int] = {}
    unmapped: set[str] = set()
    for n, raw in table.rows:
        for role, v in raw.items():
            if isinstance(v, str) and len(v.strip()) > LONG_TEXT:
                raise InputError(
                    file,
                    n,
                    fld[role],
                    f"cellen har en lang tekst ({len(v.strip())} tegn), som ser "
                    f"ut som et fritekstsvar. {FREE_TEXT_MESSAGE[0].upper()}{FREE_TEXT_MESSAGE[1:]}",
                )
        for role in LAYOUT.required:
            if raw.get(role) is None:
                raise InputError(file, n, fld[role], f"«{LAYOUT.columns[role][0]}» mangler.")
        muni = sheet.municipality(raw["municipality"], file, n, fld["municipality"])
        yr = sheet.year(raw["year"], file, n, fld["year"], FIRST_YEAR)
        group = _group(raw["group"], file, n, fld["group"])
        dim = norm(raw["dimension"]).replace("/", " ")
        if dim not in DIMENSIONS:
            raise InputError(
                file,
                n,
                fld["dimension"],
                f"«{shown(raw['dimension'])}» er ikke en dimensjon Tilstand kjenner ({', '.join(DIMENSION_NAMES)}).",
            )
        question = " ".join(str(raw["question"]).split())
        value = _option(raw["option"], file, n, fld["option"])
        count = integer(raw["count"], file, n, fld["count"], what="antall")
        total = integer(raw["respondents"], file, n, fld["respondents"], what="antall som svarte")
        gkey = (muni, yr, group)
        if gkey in respondents and respondents[gkey][1] != total:
            raise InputError(
                file,
                n,
                fld["respondents"],
                f"antall som svarte ({total}) er ikke det samme som på rad "
                f"{respondents[gkey][0]} ({respondents[gkey][1]}) for {GROUP_NAMES[group]} i {muni} i "
                f"{yr}. Det skal være antall som svarte på undersøkelsen, likt på alle radene.",
            )
        respondents.setdefault(gkey, (n, total))
        okey = (muni, yr, group, question.casefold(), norm(raw["option"]))
        if okey in seen:
            raise InputError(
                file,
                n,
                fld["option"],
                f"svaralternativet «{shown(raw['option'])}» på spørsmålet "
                f"«{shown(question)}» står to ganger: rad {seen[okey]} og rad {n}.",
            )
        seen[okey] = n
        qkey = (muni, yr, group, question.casefold())
        answers[qkey][okey[4]] = count
        if sum(answers[qkey].values()) > total:
            raise InputError(
                file,
                n,
                fld["count"],
                f"flere svar på spørsmålet «{shown(question)}» "
                f"({sum(answers[qkey].values())}) enn antall som svarte ({total}).",
            )
        indicator, groups = DIMENSIONS[dim]
        if not indicator:
            unmapped.add(str(raw["dimension"]).strip())
        elif group in groups and value is not None and count:
            scored[(muni, yr, group, indicator)].append((value, count))
    observations, suppressed = compute(respondents, scored, anonymity_limit(RESPONDENTS_ID))
    title = " ".join(table.titles)
    return Parsed(
        file_name=file,
        source=table.source,
        title=title,
        sample="eksempeldata" in title.casefold(),
        observations=observations,
        rows=len(table.rows),
        suppressed=suppressed,
        unmapped_contents=sorted(unmapped),
    )


def compute(respondents: dict, scored: dict, limit: int) -> tuple[list[Observation], int]:
    out: list[Observation] = []
    suppressed = 0
    by_year: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for (muni, yr, group), (_, n) in respondents.items():
        by_year[(muni, yr)][group] = n
    for (muni, yr), groups in sorted(by_year.items()):
        out.append(Observation(RESPONDENTS_ID, muni, yr, float(sum(groups.values())), None))
        for indicator in dict.fromkeys(ind for ind, _ in DIMENSIONS.values() if ind):
            parts = {g: scored[(muni, yr, g, indicator)] for g in groups if scored.get((muni, yr, g, indicator))}
            if not parts:
                continue
            resting_on = sum(groups[g] for g in parts)
            answers = [a for p in parts.values() for a in p]
            hidden = resting_on < limit
            weight = sum(k for _, k in answers)
            if indicator == SHARE_INDICATOR:
                value = sum(k for v, k in answers if v >= AGREE_FROM) / weight * 100
            else:
                value = sum(v * k for v, k in answers) / weight
            made = [_observation(indicator, muni, yr, value, hidden)]
            if indicator != SHARE_INDICATOR:
                made += [
                    _observation(band, muni, yr, share, hidden)
                    for band, share in distribution(indicator, answers).items()
                ]
            out += made
            suppressed += hidden * len(made)
    return out, suppressed


def distribution(indicator: str, answers: list[tuple[int, int]]) -> dict[str, float]:
    """Each band's share (percent) of the scored answers: {'bu_informasjon_andel_lav': 12.5, ...}."""
    weight = sum(k for _, k in answers)
    return {
        f"{indicator}_{suffix}": sum(k for v, k in answers if lo <= v <= hi) / weight * 100 for suffix, lo, hi in BANDS
    }


def _observation(indicator: str, muni: str, yr: int, value: float, hidden: bool) -> Observation:
    """The value rounded as stored, or no number at all (status 'x') below the anonymity limit."""
    return (
        Observation(indicator, muni, yr, None, SUPPRESSED)
        if hidden
        else Observation(indicator, muni, yr, round(value, 4), None)
    )


SOURCE = Source(
    name="survey",
    formats={"survey_xlsx": "Brukerundersøkelse (Excel-malen)", "survey_csv": "Brukerundersøkelse (CSV)"},
    detect=lambda data: Claim.YES if looks_like(data) else Claim.NO,  # its sheet, or a column only it has
    read=lambda data, file_name, _mapping: parse_file(data, file_name),
)
