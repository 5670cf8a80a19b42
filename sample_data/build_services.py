"""Build tilstand/data/services_khr.csv: the intermunicipal child welfare services outside Trøndelag.

    uv run python sample_data/build_services.py          # writes tilstand/data/services_khr.csv
    uv run python sample_data/build_services.py --check  # exit 1 if the file is not what this makes

Inputs (all in tests/data/formats/real/, source and licence in tests/data/formats/README.md):

* khr_barnevern_samarbeid_2021-02-23.csv — Bufdir's municipal register (KHR), 23 Feb 2021: for each
  municipality (2020 numbers) the municipalities it shares a child welfare service with, as names
  («Samarbeidskommuner») and as numbers («Samarbeidskommunenr»), or «#Ingen sammarbeid».
* ssb_klass131_kommuner_2020_export.csv — SSB Klass 131, the 2020 municipalities (to read the names).
* ssb_klass131_codesAt_2026-01-01.json — SSB Klass 131, today's (2024) municipalities.
* ssb_statbank_07459_population_by_age_2023_export.csv — SSB 07459, inhabitants 2023 (to pick the host).

The rules, each said again in the `source` column of the rows they shape:

1. A service is one distinct list of names. The register is not consistent with itself (Nærøysund's row
   names the Tingvoll service, Farsund's number list has Tvedestrand's and Froland's numbers, «VERØY» and
   «ALSTADHAUG» are misspelt), so a municipality is a member when at least two of three say so: its own
   row names the service, the service's number list has it, the service's name list names it.
2. Trøndelag's services are curated (tilstand/data/services.csv, seed 002, June 2024) and take
   precedence: a municipality in Trøndelag (2020 numbers 50xx) or in a curated service is left out here.
3. 2020 numbers become today's by name in Klass 131 (2020 list -> 2024 list), within the county or the
   counties that replaced it in 2024 (Viken, Vestfold og Telemark, Troms og Finnmark were split).
4. The register says which municipalities share a service, not which one runs it: the host is the member
   with the most inhabitants in 2023 (SSB 07459).
5. A service with fewer than two members left is dropped.

Standard library only; the output is the same on every run.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "formats" / "real"
REGISTER = REAL / "khr_barnevern_samarbeid_2021-02-23.csv"
KOMMUNER_2020 = REAL / "ssb_klass131_kommuner_2020_export.csv"
KOMMUNER_2024 = REAL / "ssb_klass131_codesAt_2026-01-01.json"
POPULATION_2023 = REAL / "ssb_statbank_07459_population_by_age_2023_export.csv"
CURATED = ROOT / "tilstand" / "data" / "services.csv"
OUT = ROOT / "tilstand" / "data" / "services_khr.csv"

NONE = "#Ingen sammarbeid"
TRONDELAG = "50"
# Counties split on 1 January 2024 (Klass 104): a 2020 municipality's number moved into one of these.
COUNTY_2024 = {"30": ("31", "32", "33"), "38": ("39", "40"), "54": ("55", "56")}
# Municipalities re-established since 2020 out of one that was in the register (Klass 131 changes, 2024):
# the register predates them, so they are not given the old municipality's service.
SPLIT_SINCE_2020 = {"1507": ("1580", "Haram")}
SOURCE = (
    "KHR extract 23 Feb 2021 (gardenberg/barnevernmonitor metadata_geografi/iks); members: named by at least "
    "2 of the register's 3 fields; 2020 numbers mapped to 2024 by name in SSB Klass 131; host: the member "
    "with most inhabitants 2023 (SSB 07459), as the register names no host"
)
COLUMNS = ("id", "name", "host_code", "members", "source")


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    host_code: str
    members: tuple[str, ...]  # today's numbers, host first
    source: str

    def row(self) -> list[str]:
        return [self.id, self.name, self.host_code, " ".join(self.members), self.source]


def _text(path: Path) -> str:
    return path.read_bytes().decode("latin-1")  # both CSV files are ISO-8859-1, as SSB and KHR wrote them


def _name_keys(name: str) -> set[str]:
    """«Kárášjohka - Karasjok» -> {'kárášjohka', 'karasjok'}; «VÅLER(INNLANDET)» -> {'våler (innlandet)'}."""
    name = unicodedata.normalize("NFC", name).strip().lower()
    name = re.sub(r"\s*\(\s*", " (", name)
    return {p.strip() for p in name.split(" - ") if p.strip()}


def _plain(name: str) -> set[str]:
    """The keys without a county in brackets: «Våler (Viken)» and «Våler (Østfold)» both give 'våler'."""
    return {re.sub(r"\s*\(.*\)$", "", k) for k in _name_keys(name)}


def kommuner_2020(text: str) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO(text), delimiter=";")
    return {r["code"]: r["name"] for r in rows if r["code"] != "9999"}


def kommuner_2024(text: str) -> dict[str, str]:
    return {c["code"]: c["name"] for c in json.loads(text)["codes"] if c["code"] != "9999"}


def population_2023(text: str) -> dict[str, int]:
    """Inhabitants per municipality (all ages) from the Statistikkbanken CSV of table 07459."""
    out: Counter[str] = Counter()
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        m = re.match(r"K-(\d{4})\b", row[0]) if len(row) == 3 else None
        if m and row[2].strip().isdigit():
            out[m.group(1)] += int(row[2])
    return dict(out)


def to_2024(old: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    """2020 number -> today's, by name within the county (or its 2024 successors). Every 2020 municipality
    must find exactly one; a 2024 municipality no 2020 one finds must be a known split."""
    by_key: dict[str, set[str]] = defaultdict(set)
    for code, name in new.items():
        for key in _plain(name):
            by_key[key].add(code)
    out = {}
    for code, name in old.items():
        counties = COUNTY_2024.get(code[:2], (code[:2],))
        found = {c for key in _plain(name) for c in by_key.get(key, ()) if c[:2] in counties}
        if len(found) != 1:
            raise ValueError(f"{code} {name}: {sorted(found) or 'no'} municipality in the 2024 list")
        out[code] = found.pop()
    orphans = set(new) - set(out.values()) - {c for c, _ in SPLIT_SINCE_2020.values()}
    if orphans:
        raise ValueError(f"2024 municipalities with no 2020 predecessor by name: {sorted(orphans)}")
    return out


def _numbers(text: str) -> set[str]:
    return {n.strip() for n in text.split(",") if n.strip()}


def register_groups(text: str, names_2020: dict[str, str]) -> dict[tuple[str, ...], dict[str, int]]:
    """Each distinct name list -> {2020 number: how many of the three fields name it}."""
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    if rows[0] != ["Kommunenummer", "Samarbeidskommuner", "Samarbeidskommunenr"]:
        raise ValueError(f"unexpected register header {rows[0]}")
    by_name: dict[str, set[str]] = defaultdict(set)
    for code, name in names_2020.items():
        for key in _name_keys(name):
            by_name[key].add(code)
    rows_of: dict[tuple[str, ...], set[str]] = defaultdict(set)
    numbers_of: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for code, names, numbers in (r[:3] for r in rows[1:] if r):
        if names.strip() == NONE:
            continue
        key = tuple(n.strip() for n in names.split(","))
        rows_of[key].add(code.strip())
        numbers_of[key] |= _numbers(numbers)
    out = {}
    for key in rows_of:
        named: set[str] = set()
        for n in key:
            hits = set().union(*(by_name.get(k, set()) for k in _name_keys(n)))
            if len(hits) == 1:  # an unknown or misspelt name counts for nobody
                named |= hits
        votes = Counter(list(rows_of[key]) + list(numbers_of[key]) + list(named))
        out[key] = {c: votes[c] for c in sorted(votes) if c in names_2020}
    return out


def _slug(name: str) -> str:
    text = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _short(name_2024: str, register_names: tuple[str, ...]) -> str:
    """The part of today's name the register used («Deatnu - Tana» -> «Tana»), else the first part."""
    parts = [p.strip() for p in name_2024.split(" - ")]
    wanted = {k for n in register_names for k in _name_keys(n)}
    return next((p for p in parts if p.lower() in wanted), parts[0])


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"


def build(
    register: str, list_2020: str, list_2024: str, population: str, curated: list[dict[str, str]]
) -> list[Service]:
    old, new = kommuner_2020(list_2020), kommuner_2024(list_2024)
    mapping = to_2024(old, new)
    people = population_2023(population)
    curated_members = {c for s in curated for c in s["members"].split()}
    services, seen = [], {}
    for names, votes in register_groups(register, old).items():
        notes = []
        taken = [c for c, v in votes.items() if v >= 2]
        if outvoted := [c for c, v in votes.items() if v < 2]:
            notes.append("not taken, named by only one field: " + ", ".join(f"{c} {old[c]}" for c in outvoted))
        left = [c for c in taken if c[:2] == TRONDELAG or mapping[c] in curated_members]
        if trondelag := [c for c in left if c[:2] == TRONDELAG]:
            notes.append(
                "left out, Trøndelag's services being curated (services.csv, seed 002, June 2024): "
                + ", ".join(f"{c} {old[c]}" for c in trondelag)
            )
        if elsewhere := [c for c in left if c[:2] != TRONDELAG]:
            notes.append(
                "left out, a member of a curated service in services.csv: "
                + ", ".join(f"{c} {old[c]}" for c in elsewhere)
            )
        members = [c for c in taken if c not in left]
        if len(members) < 2:
            continue
        for c in members:
            if c in SPLIT_SINCE_2020:
                code, name = SPLIT_SINCE_2020[c]
                notes.append(f"{name} ({code}), split from {old[c]} in 2024, not included: the register is from 2021")
        host = max(members, key=lambda c: (people.get(c, 0), -int(c)))
        ordered = [host] + sorted((c for c in members if c != host), key=lambda c: mapping[c])
        codes = tuple(mapping[c] for c in ordered)
        for c in codes:
            if c in seen:
                raise ValueError(f"{c} is in two services: {seen[c]} and {names}")
            seen[c] = names
        short = [_short(new[c], names) for c in codes]
        source = SOURCE + ("; " + "; ".join(notes) if notes else "")
        services.append(
            Service(f"{_slug(short[0])}_barnevern", f"Barnevernstjenesten {_join(short)}", codes[0], codes, source)
        )
    services.sort(key=lambda s: s.host_code)
    ids = Counter(s.id for s in services) + Counter(s["id"] for s in curated)
    if clash := [i for i, n in ids.items() if n > 1]:
        raise ValueError(f"service ids used twice: {clash}")
    return services


def render(services: list[Service]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(s.row() for s in services)
    return buf.getvalue()


def make() -> str:
    """The file's content, from the inputs in the repository."""
    curated = list(csv.DictReader(io.StringIO(CURATED.read_text(encoding="utf-8"))))
    return render(
        build(
            _text(REGISTER),
            _text(KOMMUNER_2020),
            KOMMUNER_2024.read_text(encoding="utf-8"),
            _text(POPULATION_2023),
            curated,
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the file is up to date")
    args = parser.parse_args(argv)
    text = make()
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print(f"{OUT.relative_to(ROOT)} is {'up to date' if same else 'NOT what the register makes'}")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {text.count(chr(10)) - 1} services")
    return 0


if __name__ == "__main__":
    sys.exit(main())
