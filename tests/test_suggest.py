"""Suggested sentences: exact wording for constructed cases (nb and nn), and no hidden number ever."""

import re

import pytest

from tilstand import catalog, fmt, profile, store, suggest
from tilstand.access import SYSTEM
from tilstand.ingest import load
from tilstand.suggest import Suggestion

S = fmt.NBSP  # numbers carry a non-breaking space before the unit and between thousands
M, GROUP, COUNTY, COUNTRY = "5001", "EKG12", "50", "EAK"


def _write(con, observations):
    load.write(
        con,
        data=repr(observations).encode(),
        file_name="t.csv",
        source="test",
        observations=observations,
        regions=[],
        actor=SYSTEM,
    )


def _one(con, ind, language="nb", year=2024):
    out = suggest.for_indicators(con, M, year, [ind], language)
    assert len(out) <= 1
    return out[0].text if out else None


def test_falling_value_below_the_group_when_higher_is_better(con):
    ind = "undersokelser_innen_3mnd_andel"
    _write(
        con,
        [
            (ind, M, 2024, 87.0, None),
            (ind, M, 2023, 92.0, None),
            (ind, GROUP, 2024, 89.5, None),
            (ind, COUNTRY, 2024, 89.0, None),
        ],
    )
    assert suggest.for_indicators(con, M, 2024, [ind]) == [
        Suggestion(
            ind,
            (
                f"«Andel undersøkelser gjennomført innen 3 måneder» var 87,0{S}% i 2024, ned fra 92,0{S}% i 2023. "
                f"Landet: 89,0{S}%. Det er lavere enn i KOSTRA-gruppe 12 (89,5{S}%), og det er dårligere, "
                "siden høyere er bedre for denne indikatoren."
            ),
        )
    ]


def test_rising_value_below_the_group_when_lower_is_better(con):
    ind = "undersokelser_fristbrudd_andel"
    _write(
        con,
        [
            (ind, M, 2024, 4.0, None),
            (ind, M, 2023, 3.2, None),
            (ind, GROUP, 2024, 4.1, None),
            (ind, COUNTRY, 2024, 5.0, None),
        ],
    )
    assert _one(con, ind) == (
        f"«Fristbrudd i undersøkelsessaker» var 4,0{S}% i 2024, opp fra 3,2{S}% i 2023. Landet: 5,0{S}%. "
        f"Det er lavere enn i KOSTRA-gruppe 12 (4,1{S}%), og lavere er bedre for denne indikatoren."
    )


def test_unchanged_and_same_as_group_compare_as_shown(con):
    ind = "sykefravaer_totalt_pct"  # 8.04 and 7.96 both show as 8,0 %
    _write(con, [(ind, M, 2024, 8.04, None), (ind, M, 2023, 7.96, None), (ind, GROUP, 2024, 8.0, None)])
    assert _one(con, ind) == (
        f"«Sykefravær i alt (egenmeldt + legemeldt)» var 8,0{S}% i 2024, uendret fra 8,0{S}% i 2023. "
        f"Det er det samme som i KOSTRA-gruppe 12 (8,0{S}%)."
    )


def test_missing_last_year_drops_the_change_clause(con):
    ind = "turnover_pct"
    _write(con, [(ind, M, 2024, 12.0, None), (ind, COUNTRY, 2024, 10.0, None)])
    assert _one(con, ind) == f"«Turnover (andel som har sluttet)» var 12,0{S}% i 2024. Landet: 10,0{S}%."


def test_suppressed_this_year_states_no_number(con):
    # 2 children is hidden (1–3), and the rate built on it is hidden with it.
    _write(
        con,
        [
            ("barn_tiltak_antall", M, 2024, 2, None),
            ("barn_tiltak_antall", M, 2023, 40, None),
            ("barn_tiltak_andel", M, 2024, 0.4, None),
            ("barn_tiltak_andel", M, 2023, 0.9, None),
            ("barn_tiltak_andel", GROUP, 2024, 3.1, None),
            ("barn_tiltak_andel", COUNTRY, 2024, 3.0, None),
            ("meldinger_innen_1_uke_andel", M, 2024, None, ":"),
            ("meldinger_innen_1_uke_andel", M, 2023, 95.0, None),
        ],
    )
    assert _one(con, "barn_tiltak_antall") == (
        "Tallet for «Barn med barnevernstiltak i løpet av året» i 2024 er skjult av personvernhensyn."
    )
    assert _one(con, "barn_tiltak_andel") == (
        "Tallet for «Barn med barnevernstiltak ift. innbyggere 0–17 år» i 2024 er skjult av personvernhensyn."
    )
    assert _one(con, "meldinger_innen_1_uke_andel") == (
        "Tallet for «Meldinger konkludert innen én uke» i 2024 er skjult av personvernhensyn."
    )
    assert _one(con, "barn_tiltak_antall", "nn") == (
        "Talet for «Barn med barnevernstiltak i løpet av året» i 2024 er skjult av omsyn til personvern."
    )


def test_suppressed_last_year_drops_the_change_clause(con):
    _write(con, [("barn_tiltak_antall", M, 2024, 41, None), ("barn_tiltak_antall", M, 2023, 3, None)])
    assert _one(con, "barn_tiltak_antall") == "«Barn med barnevernstiltak i løpet av året» var 41 i 2024."


def test_suppressed_comparisons_drop_their_clauses(con):
    ind = "andel_master"
    _write(
        con,
        [
            (ind, M, 2024, 60.0, None),
            (ind, M, 2023, 55.0, None),
            (ind, GROUP, 2024, None, ":"),
            (ind, COUNTRY, 2024, None, ":"),
        ],
    )
    assert _one(con, ind) == (
        f"«Andel saksbehandlere og ledere med master» var 60,0{S}% i 2024, opp fra 55,0{S}% i 2023."
    )


def test_neutral_indicator_gets_a_comparison_without_judgement(con):
    ind = "barn_lavinntekt_andel"
    _write(con, [(ind, M, 2024, 13.8, None), (ind, GROUP, 2024, 12.04, None)])
    assert _one(con, ind) == (
        f"«Barn som bor i lavinntektsfamilier (EU60)» var 13,8{S}% i 2024. "
        f"Det er høyere enn i KOSTRA-gruppe 12 (12,0{S}%)."
    )
    assert _one(con, ind, "nn") == (
        f"«Barn som bur i låginntektsfamiliar (EU60)» var 13,8{S}% i 2024. "
        f"Det er høgare enn i KOSTRA-gruppe 12 (12,0{S}%)."
    )


def test_counts_get_no_comparison_with_group_or_country_totals(con):
    _write(
        con,
        [
            ("arsverk_244", M, 2024, 120, None),
            ("arsverk_244", M, 2023, 110, None),
            ("arsverk_244", GROUP, 2024, 900, None),
            ("arsverk_244", COUNTRY, 2024, 5000, None),
            ("netto_driftsutg_bv_1000kr", M, 2024, 250000, None),
            ("netto_driftsutg_bv_1000kr", GROUP, 2024, 900000, None),
        ],
    )
    assert _one(con, "arsverk_244") == (
        "«Årsverk til saksbehandling og administrasjon (funksjon 244)» var 120 i 2024, opp fra 110 i 2023."
    )
    assert _one(con, "netto_driftsutg_bv_1000kr") == (
        f"«Netto driftsutgifter til barnevern totalt» var 250{S}000{S}000{S}kr i 2024."
    )


def test_trend_sentence_needs_five_years(con):
    ind = "tf_svarprosent"
    _write(con, [(ind, M, y, v, None) for y, v in [(2021, 70.0), (2022, 72.0), (2023, 75.0), (2024, 80.0)]])
    assert "Fra" not in _one(con, ind)
    _write(con, [(ind, M, 2020, 64.0, None)])
    assert _one(con, ind) == (
        f"«10-FAKTOR svarprosent» var 80,0{S}% i 2024, opp fra 75,0{S}% i 2023. "
        f"Fra 2020 til 2024 har tallet gått fra 64,0{S}% til 80,0{S}%."
    )
    assert _one(con, ind, "nn") == (
        f"«10-FAKTOR svarprosent» var 80,0{S}% i 2024, opp frå 75,0{S}% i 2023. "
        f"Frå 2020 til 2024 har talet gått frå 64,0{S}% til 80,0{S}%."
    )


def test_trend_with_equal_ends_and_hidden_years_in_between(con):
    ind = "barn_tiltak_antall"
    _write(
        con,
        [
            (ind, M, y, v, None)
            for y, v in [(2018, 50), (2019, 2), (2020, 44), (2021, 47), (2022, 48), (2023, 49), (2024, 50)]
        ],
    )
    assert _one(con, ind) == (
        "«Barn med barnevernstiltak i løpet av året» var 50 i 2024, opp fra 49 i 2023. "
        "I både 2018 og 2024 var tallet 50."
    )


def test_nynorsk(con):
    ind = "undersokelser_innen_3mnd_andel"
    _write(
        con,
        [
            (ind, M, 2024, 87.0, None),
            (ind, M, 2023, 92.0, None),
            (ind, GROUP, 2024, 89.5, None),
            (ind, COUNTRY, 2024, 89.0, None),
            ("undersokelser_fristbrudd_andel", M, 2024, 4.0, None),
            ("undersokelser_fristbrudd_andel", M, 2023, 4.0, None),
            ("undersokelser_fristbrudd_andel", GROUP, 2024, 4.1, None),
        ],
    )
    assert _one(con, ind, "nn") == (
        f"«Del undersøkingar gjennomførte innan 3 månader» var 87,0{S}% i 2024, ned frå 92,0{S}% i 2023. "
        f"Landet: 89,0{S}%. Det er lågare enn i KOSTRA-gruppe 12 (89,5{S}%), og det er dårlegare, "
        "sidan høgare er betre for denne indikatoren."
    )
    assert _one(con, "undersokelser_fristbrudd_andel", "nn") == (
        f"«Fristbrot i undersøkingssaker» var 4,0{S}% i 2024, uendra frå 4,0{S}% i 2023. "
        f"Det er lågare enn i KOSTRA-gruppe 12 (4,1{S}%), og lågare er betre for denne indikatoren."
    )


def test_order_duplicates_unknown_and_missing_indicators(con):
    _write(con, [("turnover_pct", M, 2024, 12.0, None), ("andel_master", M, 2024, 60.0, None)])
    out = suggest.for_indicators(
        con, M, 2024, ["andel_master", "no_such", "ledige_stillinger", "turnover_pct", "andel_master"]
    )
    assert [s.indicator_id for s in out] == ["andel_master", "turnover_pct"]
    with pytest.raises(ValueError):
        suggest.for_indicators(con, M, 2024, ["turnover_pct"], "en")


def test_templates_refuse_to_print_a_missing_value():
    m = suggest.environment().get_template("nb.j2").module
    with pytest.raises(ValueError):
        m.level(name="X", year=2024, own=None, unit="percent")


# --- the sample database: every Trøndelag municipality, 2024, both languages ------------------------

NUMBER = re.compile(rf"−?\d+(?:{S}\d{{3}})*(?:,\d+)?")


def _hidden_raw(con, regions, years):
    """Raw stored values that the public view hides: (indicator, region, year) -> value."""
    rows = (
        con.cursor()
        .execute(
            """SELECT o.indicator_id, o.region_code, o.year, o.value
           FROM observation o JOIN observation_public p USING (indicator_id, region_code, year)
           WHERE p.status IN ('x', ':') AND o.value IS NOT NULL
             AND list_contains(?, o.region_code) AND o.year BETWEEN ? AND ?""",
            [regions, min(years), max(years)],
        )
        .fetchall()
    )
    return {(i, r, y): v for i, r, y, v in rows}


def _number(v, unit):
    """The number as it would appear in a sentence, without its unit ('250 000 000' for 250000 nok_1000)."""
    return NUMBER.match(fmt.value(v, unit)).group(0)


@pytest.fixture
def demo_con(demo_db):
    c = store.connect(demo_db)
    yield c
    store.close(demo_db)


@pytest.mark.slow
def test_sample_database_never_states_a_hidden_number(demo_con):
    year = 2024
    ids = list(catalog.indicators())
    munis = profile.municipalities(demo_con).filter(county_code="50")["code"].to_list()
    assert len(munis) >= 30
    checked_hidden = 0
    for code in munis:
        p = profile.build(demo_con, code, year)
        rows = {r.indicator.id: r for r in p.rows}
        regions = [code, p.kostra_group or "", p.county_code or "", "EAK"]
        hidden = _hidden_raw(demo_con, regions, range(year - profile.TREND_YEARS + 1, year + 1))
        for language in ("nb", "nn"):
            for s in suggest.for_indicators(demo_con, code, year, ids, language):
                text = s.text
                assert s.text and not any(bad in text for bad in ("None", "nan", "{{", "}}", "{%")), text
                r = rows[s.indicator_id]
                unit = r.indicator.unit
                shown = {_number(v.value, unit) for v in (r.own, r.previous, r.group, r.county, r.country) if v.shown}
                shown |= {_number(v, unit) for _, v in r.trend if v is not None}
                tokens = set(NUMBER.findall(text))
                # the group's number is part of its name («KOSTRA-gruppe 9», «KOSTRA-gruppe 9 (anslått)»)
                years_and_group = {str(y) for y in range(2000, 2100)} | set(NUMBER.findall(p.names["group"]))
                name = r.indicator.name_nn if language == "nn" else r.indicator.name_nb
                in_name = set(NUMBER.findall(name))
                assert tokens <= shown | years_and_group | in_name, (code, text)
                for (ind, _, _), raw in hidden.items():
                    if ind == s.indicator_id:
                        h = _number(raw, unit)
                        if h not in shown and h not in years_and_group and h not in in_name:
                            checked_hidden += 1
                            assert h not in tokens, (code, text, raw)
                if not r.own.shown:
                    assert "skjult" in text and tokens <= years_and_group | in_name, text
    assert checked_hidden > 0  # the sample has hidden values, so the check above did real work
