"""The user-survey importer: the shipped template filled in, its CSV copy, the scores computed from the answer
distribution, the anonymity limit, free text refused, and broken files refused with exact Norwegian messages
while the database stays unchanged."""

from __future__ import annotations

import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sample_data.templates import build
from tests.conftest import ROOT, snapshot
from tilstand import catalog, ingest
from tilstand.access import SYSTEM
from tilstand.errors import InputError
from tilstand.ingest import survey
from tilstand.privacy import anonymity_limit

TEMPLATE = ROOT / "sample_data" / "templates" / "brukerundersokelse.xlsx"
SAMPLE_XLSX = ROOT / "sample_data" / "brukerundersokelse" / "brukerundersokelse_2019-2024.xlsx"
SAMPLE_CSV = ROOT / "sample_data" / "brukerundersokelse" / "brukerundersokelse_2019-2024.csv"
H = ";".join(build.survey_headers())
Q = "Er det lett å få kontakt?"
# parents: 12 answered; 2×«4», 4×«5», 5×«6 Svært fornøyd», 1×«Vet ikke» -> (8 + 20 + 30) / 11
PARENTS = [
    ["5001", 2024, "foreldre", "Tilgjengelighet", Q, o, k, 12]
    for o, k in (("4", 2), ("5", 4), ("6 Svært fornøyd", 5), ("Vet ikke", 1))
]
# children: 3 answered -> under the limit alone
CHILDREN = [
    ["5001", 2024, "barn og unge", "Har det bra der jeg bor", "Har du det bra der du bor?", o, k, 3]
    for o, k in ((2, 1), (5, 2))
]
RESPECT = [
    ["5001", 2024, g, "Respektfull behandling", "Blir du møtt med respekt?", "5", n, n]
    for g, n in (("foreldre", 12), ("barn og unge", 3))
]


def fill(rows) -> bytes:
    wb = openpyxl.load_workbook(TEMPLATE)
    ws = wb[survey.SHEET]
    for r, values in enumerate(rows, start=build.FIRST_DATA_ROW):
        for c, v in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=v)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(body: str, header: str = H, encoding: str = "cp1252") -> bytes:
    return (header + "\r\n" + body).encode(encoding)


def line(r) -> str:
    return ";".join("" if v is None else str(v) for v in r) + "\r\n"


def obs(parsed) -> dict[str, tuple]:
    return {(o.indicator_id, o.region_code, o.year): (o.value, o.status) for o in parsed.observations}


def test_the_shipped_template_is_what_the_builder_writes():
    assert build.to_bytes(build.survey_workbook()) == TEMPLATE.read_bytes(), "run sample_data/templates/build.py"


def test_template_round_trip_scores_and_anonymity(con, tmp_path):
    f = tmp_path / "bu.xlsx"
    f.write_bytes(fill([*PARENTS, *CHILDREN, *RESPECT]))
    assert ingest.detect(f.read_bytes(), f.name) == "survey"
    ingest.import_file(con, f, actor=SYSTEM)
    got = {
        i: (v, s)
        for i, v, s in con.execute(
            "SELECT indicator_id, value, status FROM observation WHERE region_code = '5001' AND year = 2024"
        ).fetchall()
    }
    assert got["bu_antall_svar"] == (15.0, None)
    assert got["bu_tilgjengelighet"][0] == pytest.approx(58 / 11, abs=1e-4)  # «Vet ikke» not scored
    assert got["bu_respektfull_behandling"] == (5.0, None)  # both groups: 15 respondents
    assert got["bu_barn_har_det_bra_andel"] == (None, "x")  # 3 children: hidden, no number stored


def test_csv_cp1252_reads_as_the_template():
    rows = [*PARENTS, *CHILDREN, *RESPECT]
    a = survey.parse_file(csv_bytes("".join(line(r) for r in rows)), "a.csv")
    b = survey.parse_file(fill(rows), "a.xlsx")
    assert obs(a) == obs(b) and a.source == "survey_csv"
    assert ingest.detect(csv_bytes(line(PARENTS[0])), "a.csv") == "survey"


def test_the_sample_files_agree_and_are_eksempeldata():
    a, b = (survey.parse_file(f.read_bytes(), f.name) for f in (SAMPLE_XLSX, SAMPLE_CSV))
    assert obs(a) == obs(b) and a.sample and b.sample and a.suppressed > 0
    assert ("bu_tilgjengelighet", "5001", 2024) in obs(a)


@pytest.mark.parametrize("header", ["Kommentar", "Fritekst", "Svar (tekst)", "Åpent svar"])
def test_a_free_text_column_refuses_the_file(header):
    with pytest.raises(InputError) as e:
        survey.parse_file(csv_bytes(line(PARENTS[0]).rstrip() + ";hei\r\n", header=H + ";" + header), "f.csv")
    assert e.value.field == header and e.value.row == 1
    assert "fritekstsvar importeres aldri" in e.value.message.casefold()


def test_a_long_text_cell_refuses_the_file():
    long = "Jeg synes at " + "det tok lang tid " * 10
    with pytest.raises(InputError) as e:
        survey.parse_file(csv_bytes(line(["5001", 2024, "foreldre", "Informasjon", long, "5", 1, 5])), "l.csv")
    assert (e.value.row, e.value.field) == (2, "Spørsmål")
    assert e.value.message.startswith(
        f"cellen har en lang tekst ({len(long.strip())} tegn), som ser ut som et "
        "fritekstsvar. Fritekstsvar importeres aldri"
    )


P = "5001;2024;foreldre;Tilgjengelighet;" + Q
BAD = {
    "empty": ("", "filen er tom."),
    "no_rows": ("", "filen har en overskriftsrad, men ingen rader med tall."),
    "missing_column": (
        "Kommunenummer;År;Gruppe\r\n5001;2024;foreldre\r\n",
        "rad 1: overskriftsraden mangler «Dimensjon», «Spørsmål», «Svaralternativ», «Antall», «Antall "
        "som svarte». Bruk overskriftene fra malen sample_data/templates/brukerundersokelse.xlsx.",
    ),
    "comment_column": (
        "Kommunenummer;År;Gruppe;Kommentar\r\n5001;2024;foreldre;fint\r\n",
        "rad 1, felt «Kommentar»: kolonnen ser ut som fritekst. Fritekstsvar importeres aldri: de kan "
        "avsløre hvem et barn eller en familie er. Slett kolonnen (og tekstsvarene) før du importerer; "
        "bare svarfordelingen skal med.",
    ),
    "missing_municipality": (
        ";2024;foreldre;Tilgjengelighet;" + Q + ";5;1;5\r\n",
        "rad 2, felt «Kommunenummer»: «Kommunenummer» mangler.",
    ),
    "unknown_municipality": ("9999;2024;foreldre;Tilgjengelighet;" + Q + ";5;1;5\r\n", None),
    "bad_year": (
        "5001;tjue;foreldre;Tilgjengelighet;" + Q + ";5;1;5\r\n",
        "rad 2, felt «År»: «tjue» er ikke et tall. Skriv årstallet som et helt tall.",
    ),
    "bad_group": (
        "5001;2024;lærere;Tilgjengelighet;" + Q + ";5;1;5\r\n",
        "rad 2, felt «Gruppe»: «lærere» er ikke en gruppe. Skriv «barn og unge» eller «foreldre».",
    ),
    "bad_dimension": (
        "5001;2024;foreldre;Lønn;" + Q + ";5;1;5\r\n",
        "rad 2, felt «Dimensjon»: «Lønn» er ikke en dimensjon Tilstand kjenner (Tilgjengelighet, "
        "Informasjon, Respektfull behandling, Brukermedvirkning, Resultat for brukerne, Har det bra der "
        "jeg bor, Pålitelighet, Samarbeid, Tiltaksplan).",
    ),
    "missing_question": (
        "5001;2024;foreldre;Tilgjengelighet;;5;1;5\r\n",
        "rad 2, felt «Spørsmål»: «Spørsmål» mangler.",
    ),
    "option_off_scale": (
        P + ";7;1;5\r\n",
        "rad 2, felt «Svaralternativ»: «7» er ikke et svaralternativ på skalaen "
        "1–6. Skriv tallet først (f.eks. «6 Svært fornøyd»), eller «Vet ikke» / «Ikke relevant».",
    ),
    "option_text": (P + ";Ganske bra;1;5\r\n", None),
    "negative_count": (P + ";5;-1;5\r\n", "rad 2, felt «Antall»: antall kan ikke være negativt (-1)."),
    "fractional_count": (
        P + ";5;1,5;5\r\n",
        "rad 2, felt «Antall»: «1,5» er ikke et helt tall; antall må være et helt tall.",
    ),
    "missing_count": (P + ";5;;5\r\n", "rad 2, felt «Antall»: «Antall» mangler."),
    "missing_respondents": (P + ";5;1;\r\n", "rad 2, felt «Antall som svarte»: «Antall som svarte» mangler."),
    "respondents_disagree": (
        P + ";5;1;5\r\n" + P + ";4;1;6\r\n",
        "rad 3, felt «Antall som svarte»: antall som svarte (6) er ikke det samme som på rad 2 "
        "(5) for foreldre i 5001 i 2024. Det skal være antall som svarte på undersøkelsen, likt "
        "på alle radene.",
    ),
    "more_answers_than_respondents": (
        P + ";5;4;5\r\n" + P + ";4;2;5\r\n",
        f"rad 3, felt «Antall»: flere svar på spørsmålet «{Q}» (6) enn antall som svarte (5).",
    ),
    "duplicate_option": (
        P + ";5;1;5\r\n" + P + ";5;2;5\r\n",
        f"rad 3, felt «Svaralternativ»: svaralternativet «5» på spørsmålet «{Q}» står to ganger: rad 2 og rad 3.",
    ),
    "stray_value": (
        P + ";5;1;5;x\r\n",
        "rad 2: verdien «x» står i en kolonne uten overskrift (kolonne 9). Slett den, eller gi kolonnen en overskrift.",
    ),
    "excel_error": (
        P + ";5;#N/A;5\r\n",
        "rad 2, felt «Antall»: cellen viser Excel-feilen «#N/A». Rett formelen, eller skriv inn tallet.",
    ),
    "year_too_early": ("5001;1990;foreldre;Tilgjengelighet;" + Q + ";5;1;5\r\n", None),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_broken_file_is_refused_with_exact_message_and_nothing_changes(con, tmp_path, case):
    body, expected = BAD[case]
    ok = tmp_path / "ok.xlsx"
    ok.write_bytes(fill(PARENTS))
    ingest.import_file(con, ok, actor=SYSTEM)
    data = b"" if case == "empty" else body.encode("cp1252") if body.startswith("Kommunenummer") else csv_bytes(body)
    f = tmp_path / f"{case}.csv"
    f.write_bytes(data)
    before = snapshot(con)
    with pytest.raises(InputError) as e:
        ingest.import_file(con, f, actor=SYSTEM, source="survey")
    if expected is None:
        assert e.value.file == f.name and e.value.row == 2 and e.value.message
    else:
        prefix = "fil «{name}», " if expected.startswith("rad") else "fil «{name}»: "
        assert str(e.value) == prefix.format(name=f.name) + expected
    assert snapshot(con) == before


def test_the_battery_is_large():
    assert len(BAD) >= 20


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=6, max_size=6), st.integers(0, 5))
def test_the_score_is_the_answer_weighted_mean_and_small_groups_are_hidden(counts, dont_know):
    n = sum(counts) + dont_know
    rows = [["5001", 2024, "foreldre", "Informasjon", "Q", str(v), k, n] for v, k in enumerate(counts, 1) if k]
    if dont_know:
        rows.append(["5001", 2024, "foreldre", "Informasjon", "Q", "Vet ikke", dont_know, n])
    if not rows:
        return
    got = obs(survey.parse_file(csv_bytes("".join(line(r) for r in rows)), "h.csv"))
    value = got.get(("bu_informasjon", "5001", 2024))
    if not sum(counts):
        assert value is None
    elif n < anonymity_limit(survey.RESPONDENTS_ID):
        assert value == (None, "x")
    else:
        mean = sum(v * k for v, k in enumerate(counts, 1)) / sum(counts)
        assert value[0] == pytest.approx(mean, abs=1e-4) and value[1] is None


def test_distribution_shares_are_a_hand_count_of_the_scored_answers(con, tmp_path):
    # parents on Tilgjengelighet: 11 scored answers (the «Vet ikke» does not count): 0 low, 2 middle, 9 high
    f = tmp_path / "bu.xlsx"
    f.write_bytes(fill([*PARENTS, *RESPECT]))
    ingest.import_file(con, f, actor=SYSTEM)
    got = dict(
        con.execute(
            "SELECT indicator_id, value FROM observation_public WHERE region_code = '5001' "
            "AND year = 2024 AND indicator_id LIKE 'bu_tilgjengelighet_andel_%'"
        ).fetchall()
    )
    assert got == {
        "bu_tilgjengelighet_andel_lav": 0.0,
        "bu_tilgjengelighet_andel_middels": pytest.approx(2 / 11 * 100, abs=1e-4),
        "bu_tilgjengelighet_andel_hoy": pytest.approx(9 / 11 * 100, abs=1e-4),
    }


def test_distribution_counts_the_same_groups_as_the_score():
    # Tilgjengelighet counts parents only: the children's answers change neither score nor shares
    kids = [["5001", 2024, "barn og unge", "Tilgjengelighet", Q, "1", 6, 6]]
    with_kids = obs(survey.parse_file(csv_bytes("".join(line(r) for r in [*PARENTS, *kids])), "k.csv"))
    alone = obs(survey.parse_file(csv_bytes("".join(line(r) for r in PARENTS)), "p.csv"))
    for band in ("lav", "middels", "hoy"):
        key = (f"bu_tilgjengelighet_andel_{band}", "5001", 2024)
        assert with_kids[key] == alone[key]


def test_distribution_is_hidden_with_its_score_and_not_shown_in_the_profile():
    few = [["5001", 2024, "foreldre", "Informasjon", "Q", str(v), 1, 4] for v in (1, 3, 5, 6)]
    got = obs(survey.parse_file(csv_bytes("".join(line(r) for r in few)), "few.csv"))
    assert got[("bu_informasjon", "5001", 2024)] == (None, "x")
    for band in ("lav", "middels", "hoy"):
        assert got[(f"bu_informasjon_andel_{band}", "5001", 2024)] == (None, "x")
        assert not catalog.indicators()[f"bu_informasjon_andel_{band}"].show


def test_no_distribution_for_the_share_of_children_doing_well():
    got = obs(survey.parse_file(csv_bytes("".join(line(r) for r in CHILDREN)), "c.csv"))
    assert not [k for k in got if k[0].startswith("bu_barn_har_det_bra_andel_")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=6, max_size=6), st.integers(5, 30))
def test_the_three_shares_add_to_100(counts, extra):
    n = sum(counts) + extra
    rows = [["5001", 2024, "foreldre", "Brukermedvirkning", "Q", str(v), k, n] for v, k in enumerate(counts, 1) if k]
    if not rows:
        return
    got = obs(survey.parse_file(csv_bytes("".join(line(r) for r in rows)), "s.csv"))
    shares = [got[(f"bu_brukermedvirkning_andel_{b}", "5001", 2024)][0] for b in ("lav", "middels", "hoy")]
    assert sum(shares) == pytest.approx(100, abs=1e-3)
    assert shares[0] == pytest.approx((counts[0] + counts[1]) / sum(counts) * 100, abs=1e-4)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=1500))
def test_arbitrary_bytes_never_crash(data):
    for d in (data, H.encode() + b"\r\n" + data):
        try:
            survey.parse_file(d, "fuzz.csv")
        except InputError as e:
            assert e.file == "fuzz.csv" and e.message
