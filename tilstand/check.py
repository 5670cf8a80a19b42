"""`tilstand check`: the file can be read, integrity of the store, coverage of the SSB-sourced catalogue.

DuckDB stores a checksum with every block of the file and verifies it when it loads the block, but it
loads only what a query needs. So `check` first reads every column of every row of every table: a block
of table data damaged on disk then fails its checksum here, rather than in the middle of a report weeks
later. (Blocks already in this process's memory are not read again; the command line starts afresh.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from tilstand import catalog, queries, store
from tilstand.storage_errors import storage_error


@dataclass(frozen=True)
class StorageCheck:
    tables: int
    rows: int
    damaged: tuple[tuple[str, str], ...]  # (table, Norwegian reason) for every table that could not be read


def read_every_table(con: duckdb.DuckDBPyConnection) -> StorageCheck:
    """Read every column of every row of every table (hashing each value, so none can be skipped)."""
    cur = con.cursor()
    tables = [
        r[0]
        for r in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary "
            "ORDER BY table_name"
        ).fetchall()
    ]
    rows, damaged = 0, []
    for table in tables:
        try:
            rows += store.scalar(cur, f'SELECT count(*), bit_xor(hash(COLUMNS(*))) FROM "{table}"')
        except duckdb.Error as e:
            mapped = storage_error(e)
            if mapped is None:
                raise
            damaged.append((table, str(mapped)))
    return StorageCheck(len(tables), rows, tuple(damaged))


@dataclass
class CheckReport:
    schema_version: int
    summary: dict
    problems: list[tuple[str, int, list[str]]]
    coverage: list[dict]  # per indicator: expected, with_value, with_symbol, absent, absent_cells
    county: str
    years: tuple[int, int]
    unmapped: list[str]
    storage: StorageCheck = field(default_factory=lambda: StorageCheck(0, 0, ()))
    # ssb_mapping.csv rows not yet checked against SSB's table metadata: a warning, never a failure
    unverified: list[catalog.MappingRow] = field(default_factory=list)

    @property
    def gaps(self) -> list[dict]:
        return [c for c in self.coverage if c["absent"]]

    @property
    def ok(self) -> bool:
        """Unverified mapping rows are left out on purpose: they are a warning about the catalogue, not a
        fault in this database."""
        return not self.storage.damaged and not self.problems and not self.gaps and self.summary["observations"] > 0

    def render_nb(self) -> str:
        if self.storage.damaged:
            return self._render_damaged()
        s = self.summary
        lines = [
            f"Database: skjemaversjon {self.schema_version}, {s['observations']} verdier "
            f"({s['with_symbol']} med SSB-symbol), {s['imports']} importer"
            + (f" ({s['sample_imports']} med Eksempeldata)" if s["sample_imports"] else "")
            + ".",
            f"Register: {s['municipalities']} kommuner, {s['kostra_groups']} KOSTRA-grupper, "
            f"{s['indicators']} indikatorer; år {s['first_year']}–{s['last_year']}.",
        ]
        if s["sample_imports"]:
            lines.append("Merk: Eksempeldata – syntetiske tall, ikke reelle.")
        lines.append("")
        lines.append(
            f"Lagring: OK (alle {self.storage.tables} tabeller lest helt, {self.storage.rows} rader; "
            "kontrollsummene stemmer)."
        )
        lines.append(f"Integritet: {'OK' if not self.problems else f'{len(self.problems)} slags feil'}")
        for problem, n, examples in self.problems:
            lines.append(f"  ✗ {problem}: {n} (f.eks. {', '.join(examples)})")
        n_mun = (self.coverage[0]["expected"] // (self.years[1] - self.years[0] + 1)) if self.coverage else 0
        lines.append(
            f"Dekning, SSB-indikatorer for {n_mun} kommuner i fylke {self.county}, {self.years[0]}–{self.years[1]}:"
        )
        complete = [c for c in self.coverage if not c["absent"]]
        lines.append(
            f"  ✓ {len(complete)} av {len(self.coverage)} indikatorer har verdi eller SSB-symbol "
            "for hver kommune og hvert år."
        )
        symbols = sum(c["with_symbol"] for c in self.coverage)
        if symbols:
            lines.append(f"    ({symbols} celler er ført med SSB-symbol i stedet for tall.)")
        for c in self.gaps[:8]:
            cells = ", ".join(c["absent_cells"][:4]) + (" …" if c["absent"] > 4 else "")
            lines.append(f"  ✗ {c['indicator_id']}: {c['absent']} av {c['expected']} mangler ({cells})")
        if len(self.gaps) > 8:
            lines.append(f"  … og {len(self.gaps) - 8} indikatorer til med hull.")
        if self.unmapped:
            lines.append(f"Ikke koblet til noen SSB-tabell ennå (tabell ukjent): {', '.join(self.unmapped)}.")
        lines += unverified_nb(self.unverified)
        lines.append("")
        lines.append(
            "Resultat: "
            + (
                "se feilene over."
                if not self.ok
                else "alt i orden, men se advarselen over."
                if self.unverified
                else "alt i orden."
            )
        )
        return "\n".join(lines)

    def _render_damaged(self) -> str:
        """Nothing else is worth reporting from a file that cannot be read: say which tables, and what to do."""
        lines = [
            f"Database: skjemaversjon {self.schema_version}.",
            "",
            f"Lagring: ✗ {len(self.storage.damaged)} av {self.storage.tables} tabeller kan ikke leses:",
        ]
        lines += [f"  ✗ {table}: {reason}" for table, reason in self.storage.damaged]
        lines += [
            "",
            "Resultat: databasefilen er skadet. Ikke skriv mer til den; gjenopprett den fra siste sikkerhetskopi.",
        ]
        return "\n".join(lines)


def unverified_mapping() -> list[catalog.MappingRow]:
    """The rows of ssb_mapping.csv whose codes no public source has confirmed yet (confidence 'assumed')."""
    return [m for m in catalog.ssb_mapping() if m.confidence != "confirmed"]


def unverified_nb(rows: list[catalog.MappingRow]) -> list[str]:
    """The warning, one line per row: indicator, table and content code, so the leader can check them."""
    if not rows:
        return []
    lines = [
        f"Advarsel: {len(rows)} koblinger til SSB er ikke bekreftet mot SSBs tabellmetadata (antatt). "
        "Tallene de gir, bør kontrolleres mot Statistikkbanken:"
    ]
    lines += [f"  ! {m.indicator_id}: tabell {m.table}, statistikkvariabel {m.contents_code}" for m in rows]
    return lines


def run(con: duckdb.DuckDBPyConnection, county: str = "50", years: tuple[int, int] | None = None) -> CheckReport:
    storage = read_every_table(con)
    if storage.damaged:
        return CheckReport(store.schema_version(con), {}, [], [], county, years or (0, 0), [], storage)
    summary = queries.run(con, "store_summary").to_dicts()[0]
    if years is None:
        years = (summary["first_year"] or 0, summary["last_year"] or 0)
    problems = [(r["problem"], r["n"], r["examples"]) for r in queries.run(con, "integrity").to_dicts()]
    # a rate on the population at the end of the year waits, not lacks, until next year's population is imported
    shifted = [d for d in catalog.derived() if d.denominator_year]
    coverage = queries.run(
        con,
        "coverage",
        county=county,
        from_year=years[0],
        to_year=years[1],
        awaiting=[d.indicator_id for d in shifted],
        next_year_inputs=sorted({i for d in shifted for i in d.next_year_inputs}),
    ).to_dicts()
    unmapped = [i.id for i in catalog.indicators().values() if i.origin == "ssb_unmapped"]
    return CheckReport(
        store.schema_version(con), summary, problems, coverage, county, years, unmapped, storage, unverified_mapping()
    )
