"""`tilstand check`: integrity of the store and coverage of the SSB-sourced catalogue."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from tilstand import catalog, queries, store


@dataclass
class CheckReport:
    schema_version: int
    summary: dict
    problems: list[tuple[str, int, list[str]]]
    coverage: list[dict]  # per indicator: expected, with_value, with_symbol, absent, absent_cells
    county: str
    years: tuple[int, int]
    unmapped: list[str]

    @property
    def gaps(self) -> list[dict]:
        return [c for c in self.coverage if c["absent"]]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.gaps and self.summary["observations"] > 0

    def render_nb(self) -> str:
        s = self.summary
        lines = [
            f"Database: skjemaversjon {self.schema_version}, {s['observations']} verdier "
            f"({s['with_symbol']} med SSB-symbol), {s['imports']} importer"
            + (f" ({s['sample_imports']} med Eksempeldata)" if s["sample_imports"] else "") + ".",
            f"Register: {s['municipalities']} kommuner, {s['kostra_groups']} KOSTRA-grupper, "
            f"{s['indicators']} indikatorer; år {s['first_year']}–{s['last_year']}.",
        ]
        if s["sample_imports"]:
            lines.append("Merk: Eksempeldata – syntetiske tall, ikke reelle.")
        lines.append("")
        lines.append(f"Integritet: {'OK' if not self.problems else f'{len(self.problems)} slags feil'}")
        for problem, n, examples in self.problems:
            lines.append(f"  ✗ {problem}: {n} (f.eks. {', '.join(examples)})")
        n_mun = (self.coverage[0]["expected"] // (self.years[1] - self.years[0] + 1)) if self.coverage else 0
        lines.append(f"Dekning, SSB-indikatorer for {n_mun} kommuner i fylke {self.county}, "
                     f"{self.years[0]}–{self.years[1]}:")
        complete = [c for c in self.coverage if not c["absent"]]
        lines.append(f"  ✓ {len(complete)} av {len(self.coverage)} indikatorer har verdi eller SSB-symbol "
                     "for hver kommune og hvert år.")
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
        lines.append("")
        lines.append("Resultat: " + ("alt i orden." if self.ok else "se feilene over."))
        return "\n".join(lines)


def run(con: duckdb.DuckDBPyConnection, county: str = "50", years: tuple[int, int] | None = None) -> CheckReport:
    summary = queries.run(con, "store_summary").to_dicts()[0]
    if years is None:
        years = (summary["first_year"] or 0, summary["last_year"] or 0)
    problems = [(r["problem"], r["n"], r["examples"]) for r in queries.run(con, "integrity").to_dicts()]
    coverage = queries.run(con, "coverage", county=county, from_year=years[0], to_year=years[1]).to_dicts()
    unmapped = [i.id for i in catalog.indicators().values() if i.origin == "ssb_unmapped"]
    return CheckReport(store.schema_version(con), summary, problems, coverage, county, years, unmapped)
