"""The import model: one Observation and one Parsed shape for every source, and one table of sources that
detection, `--source` and the import preview go through."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT
from tilstand import ingest
from tilstand.errors import InputError
from tilstand.ingest import model, sources

# Every sample file Tilstand ships or tests with, by the source that must read it.
OWN_FILES = {
    "ssb": [
        *sorted((ROOT / "sample_data" / "ssb").glob("*.json")),
        *sorted((ROOT / "sample_data" / "ssb").glob("*.csv")),
        ROOT / "tests" / "data" / "ssb_12286_excel_cp1252.csv",
        *sorted(p for p in (ROOT / "tests" / "data" / "formats").glob("ssb_*") if "klass" not in p.name),
        *sorted((ROOT / "tests" / "data" / "formats" / "real").glob("ssb_[0-9]*")),
        ROOT / "tests" / "data" / "formats" / "real" / "ssb_statbank_07459_population_by_age_2023_export.csv",
    ],
    "bufdir": sorted((ROOT / "sample_data" / "bufdir").glob("*.*")),
    "ks_10faktor": [
        *sorted((ROOT / "sample_data" / "10faktor").glob("*.*")),
        ROOT / "sample_data" / "templates" / "10faktor.xlsx",
    ],
    "staff": [
        *sorted((ROOT / "sample_data" / "ansatte").glob("*.*")),
        ROOT / "sample_data" / "templates" / "ansatte.xlsx",
    ],
    "survey": [
        *sorted((ROOT / "sample_data" / "brukerundersokelse").glob("*.*")),
        ROOT / "sample_data" / "templates" / "brukerundersokelse.xlsx",
    ],
}
CASES = [(name, path) for name, paths in OWN_FILES.items() for path in paths]


def test_every_registered_source_has_sample_files_to_be_recognised_by():
    assert set(OWN_FILES) == set(sources.names()) == set(ingest.SOURCES)
    assert all(len(paths) >= 2 and all(p.is_file() for p in paths) for paths in OWN_FILES.values())


@pytest.mark.parametrize(("name", "path"), CASES, ids=[f"{n}:{p.name}" for n, p in CASES])
def test_each_source_detects_its_own_sample_file_and_no_other_source_claims_it_as_surely(name, path):
    data = path.read_bytes()
    own = sources.by_name(name)
    claims = {s.name: s.detect(data) for s in sources.SOURCES}
    assert claims[name] > model.Claim.NO
    others = {other: claim for other, claim in claims.items() if other != name and claim >= claims[name]}
    assert others == {}, f"{path.name}: {others} claim it as surely as {name} ({claims[name].name})"
    assert sources.detect(data, path.name) is own
    assert ingest.detect(data, path.name) == name


@pytest.mark.parametrize("name", list(OWN_FILES))
def test_the_preview_names_each_source_in_norwegian_from_the_table(name):
    path = OWN_FILES[name][0]
    prepared = ingest.read(path)
    assert prepared.source is sources.by_name(name)
    assert prepared.parsed.source in prepared.source.formats
    assert prepared.describe() == sources.describe(prepared.parsed) == prepared.source.formats[prepared.parsed.source]
    assert prepared.describe() != prepared.parsed.source  # words, not the code


def test_a_source_given_by_name_reads_the_file_without_detection_and_an_unknown_name_is_refused(tmp_path):
    path = OWN_FILES["staff"][0]
    assert ingest.read(path, source="staff").source is sources.by_name("staff")
    with pytest.raises(InputError) as e:
        ingest.read(path, source="kostra")
    assert "ukjent kilde «kostra»" in str(e.value) and "staff" in str(e.value)


def test_a_file_no_source_knows_is_refused_with_every_source_named(tmp_path):
    with pytest.raises(InputError) as e:
        sources.detect(b"hei|og|hallo\n1|2|3\n", "x.txt")
    message = str(e.value)
    assert "kjenner ikke igjen filformatet" in message
    assert all(t in message for t in ("10faktor.xlsx", "ansatte.xlsx", "brukerundersokelse.xlsx"))


def test_there_is_exactly_one_observation_and_one_parsed_class_in_the_importers():
    found: dict[str, list[str]] = {"Observation": [], "Parsed": []}
    for path in sorted((ROOT / "tilstand").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name in found:
                found[node.name].append(path.relative_to(ROOT).as_posix())
    assert found == {"Observation": ["tilstand/ingest/model.py"], "Parsed": ["tilstand/ingest/model.py"]}


def test_every_reader_returns_the_one_model_with_observations_as_plain_tuples():
    for name, paths in OWN_FILES.items():
        parsed = ingest.read(paths[0]).parsed
        assert type(parsed) is model.Parsed, name
        first = parsed.observations[0]
        assert type(first) is model.Observation and isinstance(first, tuple), name
        assert len(first) == 5 and isinstance(first.year, int), name


def _adds_one_to_min_count(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add)
        and isinstance(node.left, ast.Attribute)
        and node.left.attr == "min_count"
        and isinstance(node.right, ast.Constant)
        and node.right.value == 1
    )


def test_the_anonymity_limit_has_one_home_and_every_template_importer_uses_it():
    from tilstand import privacy

    homes = []
    for path in sorted((ROOT / "tilstand").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        homes += [path.relative_to(ROOT).as_posix() for n in ast.walk(tree) if _adds_one_to_min_count(n)]
    assert homes == ["tilstand/privacy.py"], "min_count + 1 is computed outside privacy.anonymity_limit"
    for module in ("staff", "survey", "tenfactor"):
        text = (ROOT / "tilstand" / "ingest" / f"{module}.py").read_text(encoding="utf-8")
        assert "anonymity_limit(" in text, module
    assert privacy.anonymity_limit("tf_antall_svar") == privacy.anonymity_limit("bu_antall_svar") == 5
