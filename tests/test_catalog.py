"""The indicator catalogue speaks Norwegian to its readers: every definition in bokmål and nynorsk."""

import dataclasses
import re

import pytest

from tilstand import catalog

# Words that give away an English sentence; none of them is a Norwegian word.
ENGLISH = (
    "the",
    "of",
    "and",
    "with",
    "or",
    "who",
    "whose",
    "which",
    "children",
    "residents",
    "during",
    "share",
    "expenditure",
    "mean",
    "investigation",
    "measures",
    "year",
)
ENGLISH_RE = re.compile(r"\b(" + "|".join(ENGLISH) + r")\b", re.IGNORECASE)


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_indicator_has_a_norwegian_definition(language):
    for ind in catalog.indicators().values():
        text = ind.definition_nb if language == "nb" else ind.definition_nn
        assert text.strip(), f"{ind.id} has no {language} definition"
        assert text != ind.definition, f"{ind.id}: the {language} definition is the English one"
        assert not ENGLISH_RE.search(text), f"{ind.id} ({language}) reads as English: {text!r}"
        assert ind.definition_in(language) == text


def test_nynorsk_falls_back_to_bokmal_and_bokmal_to_the_english_note():
    ind = catalog.indicators()["barn_tiltak_andel"]
    assert ind.definition_in("nn") != ind.definition_in("nb")
    no_nn = dataclasses.replace(ind, definition_nn="")
    assert no_nn.definition_in("nn") == ind.definition_nb
    nothing = dataclasses.replace(ind, definition_nb="", definition_nn="")
    assert nothing.definition_in("nb") == nothing.definition_in("nn") == ind.definition


def test_numbers_and_sections_in_the_english_note_survive_translation():
    """Function numbers, ages and law sections are facts, not words: each Norwegian text keeps them."""
    facts = re.compile(r"§ \d+-\d+|\b2[45]\d\b|\b232\b|0–\d\d")
    for ind in catalog.indicators().values():
        for fact in set(facts.findall(ind.definition)):
            assert fact in ind.definition_nb and fact in ind.definition_nn, (ind.id, fact)


def test_source_labels_name_ssb_tables_in_the_readers_language_without_our_working_notes():
    from tilstand.catalog import indicators, source_label

    inds = indicators()
    both = [inds["barn_tiltak_andel"], inds["arsverk_244"]]
    assert source_label(both) == "SSB (KOSTRA), tabellene 12275 og 12305"
    assert source_label(both, "nn") == "SSB (KOSTRA), tabellane 12275 og 12305"
    assert source_label([inds["undersokelser_fristbrudd_andel"]]) == "Bufdir, kommunemonitor"
    for ind in inds.values():
        label = source_label([ind])
        assert label and not any(w in label.lower() for w in ("unverified", "example", "inferred", "not in")), label


def test_no_indicator_is_in_two_chapters():
    """An indicator has one home in the report: Bufdir's structure puts it in one chapter (e.g. the monitor's 3C,
    qualified FTEs per 1 000 children, under «Kvalitet og frister»), so it is never shown twice."""
    from collections import Counter

    from tilstand.narrative import default_chapters

    chapters = default_chapters()
    seen = Counter(i for c in chapters for i in c.indicators)
    assert {i: n for i, n in seen.items() if n > 1} == {}
    assert [c.key for c in chapters if "arsverk_fagutd_per_1000" in c.indicators] == ["kvalitet"]
    known = set(catalog.indicators())
    assert {i for c in chapters for i in c.indicators} <= known


def test_the_2031_competence_requirement_is_a_dated_rule_worded_as_the_law():
    from datetime import date

    r = catalog.rule("kompetansekrav_barnevern")
    assert r.valid_from == date(2031, 1, 1) and r.valid_from_text() == "1. januar 2031"
    assert (r.experience_years, r.further_credits) == (4, 30)
    for language in ("nb", "nn"):
        text = r.text(language)
        assert text.startswith(
            "relevant mastergrad, eller relevant bachelorgrad med minst fire års relevant "
            "arbeidserfaring og 30 studiepoeng relevant"
        )
        assert text.endswith("utdanning i barnevern")
        definition = catalog.indicators()["andel_kompetansekrav_2031"].definition_in(language)
        assert text in definition and "1. januar 2031" in definition and "{" not in definition
    assert catalog.rule("kompetansekrav_barnevern", on=date(2031, 1, 1)) == r
    with pytest.raises(LookupError):
        catalog.rule("kompetansekrav_barnevern", on=date(2030, 12, 31))  # not in force the day before


def test_a_change_of_rule_is_a_change_of_data():
    """A new version of the requirement (a row with a later valid_from) is what the definitions read once it
    applies; the old one stays for the years it governed."""
    import dataclasses
    from datetime import date

    old = catalog.rule("kompetansekrav_barnevern")
    new = dataclasses.replace(
        old,
        valid_from=date(2035, 1, 1),
        further_credits=60,
        text_nb="relevant mastergrad",
        text_nn="relevant mastergrad",
    )
    table = (dataclasses.replace(old, valid_to=date(2034, 12, 31)), new)
    assert catalog.rule("kompetansekrav_barnevern", on=date(2033, 6, 1), table=table).valid_from.year == 2031
    assert catalog.rule("kompetansekrav_barnevern", on=date(2036, 1, 1), table=table) == new
    assert (
        catalog.with_rules("Krav fra {kompetansekrav_fra}: {kompetansekrav}.", "nb", table=(new,))
        == "Krav fra 1. januar 2035: relevant mastergrad."
    )


def test_the_staff_template_guide_reads_the_requirement_from_the_rule():
    from sample_data.templates import build

    r = catalog.rule("kompetansekrav_barnevern")
    guide = " ".join(text for _, text in build._staff_guide())
    assert f"{r.valid_from_text()}: {r.text('nb')}." in guide
