"""Intermunicipal child welfare services nationwide: tilstand/data/services_khr.csv, built from Bufdir's KHR
register (2021) by sample_data/build_services.py, next to Trøndelag's curated services.csv."""

from __future__ import annotations

import csv
import io

import pytest

from sample_data import build_services as bs
from tilstand import store


def members(con, service_id: str) -> set[str]:
    return {
        r[0]
        for r in con.execute("SELECT region_code FROM service_member WHERE service_id = ?", [service_id]).fetchall()
    }


def service_of(con, code: str) -> list[str]:
    return [r[0] for r in con.execute("SELECT service_id FROM service_member WHERE region_code = ?", [code]).fetchall()]


def khr_rows() -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in store._reference_rows("services_khr.csv")}


def test_the_national_services_file_is_what_the_register_builder_makes():
    assert bs.OUT.read_text(encoding="utf-8") == bs.make()


def test_a_municipality_outside_trondelag_has_its_service_with_every_member(con):
    [sid] = service_of(con, "1857")  # Værøy, spelt «VERØY» in the register
    assert sid == "bodo_barnevern"
    assert members(con, sid) == {"1804", "1838", "1848", "1856", "1857", "1875"}
    name, host = con.execute("SELECT name, host_code FROM service WHERE id = ?", [sid]).fetchone()
    assert (name, host) == ("Barnevernstjenesten Bodø, Gildeskål, Steigen, Røst, Værøy og Hamarøy", "1804")


def test_a_member_is_one_at_least_two_of_the_registers_three_fields_name():
    rows = khr_rows()
    # Farsund's number list has Tvedestrand's and Froland's numbers; the rows and the names say Farsund, Flekkefjord
    assert rows["lyngdal_barnevern"]["members"].split() == ["4225", "4206", "4207", "4226", "4227", "4228"]
    assert "not taken, named by only one field: 4213 Tvedestrand, 4214 Froland" in rows["lyngdal_barnevern"]["source"]
    # Nærøysund's own row names the Tingvoll service, nothing else does
    assert "5060" not in rows["sunndal_barnevern"]["members"].split()
    assert "5060 Nærøysund" in rows["sunndal_barnevern"]["source"]


def test_trondelag_keeps_its_curated_services_and_the_register_adds_no_member_there(con):
    curated = {r["id"] for r in store._reference_rows("services.csv")}
    in_trondelag = {r[0] for r in con.execute("SELECT code FROM region WHERE county_code = '50'").fetchall()}
    for code in in_trondelag | {"3430"}:
        assert set(service_of(con, code)) <= curated, code
    assert service_of(con, "3430") == ["roros"]  # Os, in Innlandet: the curated Røros service only
    assert service_of(con, "5061") == []  # Rindal: in the register's Tingvoll service, in none of the curated
    assert "5061 Rindal" in khr_rows()["sunndal_barnevern"]["source"]
    assert members(con, "sunndal_barnevern") == {"1560", "1563", "1566"}


def test_2020_numbers_are_todays_numbers_after_the_2024_splits(con):
    today = bs.kommuner_2024(bs.KOMMUNER_2024.read_text(encoding="utf-8"))
    for row in khr_rows().values():
        assert set(row["members"].split()) <= set(today), row["id"]
    assert members(con, "al_barnevern") == {"3320", "3322", "3324", "3326", "3328", "3330"}  # Viken 30xx -> 33xx
    assert members(con, "alesund_barnevern") == {"1508", "1578"}  # Ålesund 1507 -> 1508
    assert "Haram (1580), split from Ålesund in 2024, not included" in khr_rows()["alesund_barnevern"]["source"]
    assert service_of(con, "1580") == []


def test_the_host_is_the_member_with_most_inhabitants_and_the_source_says_so():
    old = bs.kommuner_2020(bs._text(bs.KOMMUNER_2020))
    back = {
        new: old_code
        for old_code, new in bs.to_2024(old, bs.kommuner_2024(bs.KOMMUNER_2024.read_text(encoding="utf-8"))).items()
    }
    people = bs.population_2023(bs._text(bs.POPULATION_2023))
    for row in khr_rows().values():
        codes = row["members"].split()
        assert codes[0] == row["host_code"]
        assert people[back[row["host_code"]]] == max(people[back[c]] for c in codes), row["id"]
        assert "host: the member with most inhabitants 2023 (SSB 07459)" in row["source"]


def test_no_municipality_is_in_two_services_and_no_id_is_used_twice(con):
    twice = con.execute("SELECT region_code FROM service_member GROUP BY 1 HAVING count(*) > 1").fetchall()
    assert twice == []
    ids = [r["id"] for r in store._reference_rows("services.csv") + store._reference_rows("services_khr.csv")]
    assert len(ids) == len(set(ids)) and con.execute("SELECT count(*) FROM service").fetchone()[0] == len(ids)


def test_a_municipality_the_register_says_works_alone_has_no_service(con):
    assert service_of(con, "0301") == [] and service_of(con, "4601") == []


def test_a_2020_municipality_missing_from_todays_list_stops_the_build():
    old = {"1804": "Bodø", "1806": "Narvik"}
    with pytest.raises(ValueError, match="1806 Narvik"):
        bs.to_2024(old, {"1804": "Bodø"})


def test_a_register_with_another_header_is_refused():
    text = "Kommune;Samarbeid\n1804;#Ingen sammarbeid\n"
    with pytest.raises(ValueError, match="unexpected register header"):
        bs.register_groups(text, {"1804": "Bodø"})


def test_the_file_has_the_columns_services_csv_has():
    header = next(csv.reader(io.StringIO(bs.OUT.read_text(encoding="utf-8"))))
    curated = next(csv.reader(io.StringIO(bs.CURATED.read_text(encoding="utf-8"))))
    assert header == curated == list(bs.COLUMNS)
