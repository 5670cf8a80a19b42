"""Live fetch from SSB's Statistikkbanken: ask PxWebApi for the tables the catalogue maps, import the answer.

The answer goes through the same importer as a downloaded file (`ingest.read` + `ingest.write`): the
same checks, the same all-or-nothing write per table, provenance in import_log under a name like
`ssb_api_12275_2015-2024.json`, and a re-fetch of unchanged numbers is refused by its SHA-256.
Every table is fetched and read before anything is written, so a connection lost halfway writes no table
half. Each table stands alone: one that fails (a wrong content code in the mapping, a broken answer) is
named with its reason and the others are imported (`FetchOutcome`).

The conversation with SSB (HTTP, the throttle, retries, the API versions and SSB's limits) is ssb_api.py; what to
ask for per table and how large queries are cut is ssb_query.py. This module ties them to the importer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb

from tilstand import catalog, ingest, regions
from tilstand.access import Actor, require
from tilstand.errors import InputError, TilstandError
from tilstand.ingest.load import ImportResult
from tilstand.ingest.ssb_api import BASE_URL_ENV, DEFAULT_BASE_URL, MAX_CELLS, Client, FetchError
from tilstand.ingest.ssb_query import build_query, merge, split

Progress = Callable[[float, str], None]  # (share done 0..1, what is happening), e.g. st.progress


# --- regions ----------------------------------------------------------------------------------------------


def own_regions(con: duckdb.DuckDBPyConnection, actor: Actor) -> list[str]:
    """'own': the municipalities the person may import for; for the command line (and '*' grants) the
    municipalities the database has reports or roles for."""
    allowed = actor.regions("import")
    if allowed is None:
        cur = con.cursor()
        allowed = [
            r[0]
            for r in cur.execute(
                """SELECT region_code FROM report
               UNION SELECT coalesce(m.region_code, g.region_code) FROM role_grant g
               LEFT JOIN service_member m ON m.service_id = g.region_code WHERE g.region_code <> '*'
               ORDER BY 1"""
            ).fetchall()
        ]
    out = []
    for code in allowed:
        try:
            ref = regions.parse(code)
        except ValueError:
            continue
        if ref is not None and ref.kind == "municipality":
            out.append(ref.code)
    if not out:
        raise InputError(
            None,
            None,
            "--regions",
            "fant ingen egne kommuner (ingen rapporter eller roller i "
            "databasen). Oppgi kommunenumre, f.eks. --regions 5001,5006.",
        )
    return sorted(set(out))


def with_comparisons(con: duckdb.DuckDBPyConnection, codes: Sequence[str], years: tuple[int, int]) -> list[str]:
    """The municipalities plus what the report compares them with: KOSTRA group(s), county, country."""
    out: list[str] = []
    cur = con.cursor()
    for code in codes:
        ref = _parse_region(code)
        if ref is None:
            continue
        out.append(ref.code)
        if ref.kind != "municipality":
            continue
        groups = cur.execute(
            """SELECT DISTINCT group_code FROM kostra_membership WHERE region_code = ? AND valid_from <= ?
               AND (valid_to IS NULL OR valid_to >= ?) ORDER BY 1""",
            [ref.code, years[1], years[0]],
        ).fetchall()
        out += [g[0] for g in groups]
        county = cur.execute("SELECT county_code FROM region WHERE code = ?", [ref.code]).fetchone()
        out.append(county[0] if county and county[0] else ref.code[:2])
    out.append("EAK")
    return list(dict.fromkeys(out))


# --- the public functions ---------------------------------------------------------------------------------


def tables_needed() -> list[str]:
    """Every SSB table the catalogue maps, in table-number order."""
    return sorted({m.table for m in catalog.ssb_mapping()})


def file_name(table: str, years: tuple[int, int]) -> str:
    span = str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"
    return f"ssb_api_{table}_{span}.json"


@dataclass
class Fetched:
    """One table asked and read, not yet written."""

    table: str
    file_name: str
    data: bytes
    prepared: ingest.PreparedImport
    requests: int
    warnings: list[str]


def fetch_table(
    client: Client, table: str, wanted_regions: Sequence[str], years: tuple[int, int], progress: Progress | None = None
) -> Fetched:
    """Metadata, the query (split when large), the answer merged and read. Writes nothing."""
    before = client.requests
    meta = client.metadata(table)
    query = build_query(meta, wanted_regions, years)
    assert meta.time is not None and meta.region is not None  # build_query refuses a table without them
    parts = split(query.selection, [meta.time, meta.region], client.max_cells or MAX_CELLS, table)
    answers = []
    for n, sel in enumerate(parts, 1):
        if progress:
            progress(n / (len(parts) + 1), f"Tabell {table}: henter del {n} av {len(parts)} fra SSB")
        answers.append(client.data(table, sel))
    name = file_name(table, query.years)
    data = merge(answers, name)
    prepared = ingest.read(name, source="ssb", data=data)
    if prepared.parsed.table != table:
        raise InputError(name, None, "tabell", f"SSB svarte med tabell {prepared.parsed.table}, ikke {table}.")
    return Fetched(table, name, data, prepared, client.requests - before, query.warnings)


def _check_tables(tables: Sequence[str]) -> list[str]:
    known = tables_needed()
    out = []
    for t in tables:
        t = str(t).strip()
        if t not in known:
            raise InputError(
                None,
                None,
                "tabell",
                f"SSB-tabell «{t}» er ikke koblet til indikatorkatalogen. "
                f"Tilstand kan hente tabellene {', '.join(known)}.",
            )
        out.append(t)
    if not out:
        raise InputError(None, None, "tabell", "ingen tabeller valgt. Oppgi tabellnumre eller bruk --all.")
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class TableFailure:
    """One table that was not imported, and why (Norwegian, for the person who asked)."""

    table: str
    reason: str
    error: TilstandError | None = None


@dataclass
class FetchOutcome:
    """What a fetch of several tables did: each table imported all-or-nothing, or named with its reason."""

    results: list[ImportResult]
    failed: list[TableFailure]

    @property
    def ok(self) -> bool:
        return not self.failed

    def failures_nb(self) -> list[str]:
        """One line per table not imported, for the command line and the import page."""
        if not self.failed:
            return []
        done = f"{len(self.results)} av {len(self.results) + len(self.failed)} tabeller ble importert"
        return [f"{done}; disse ble ikke importert (ingenting er endret for dem):"] + [
            f"Tabell {f.table}: {f.reason}" for f in self.failed
        ]


def _reason(e: TilstandError) -> str:
    """The error said for one table among several: 'nothing changed' holds for that table only, so the
    summary says it once for all of them."""
    text = e.render() if isinstance(e, InputError) else str(e)
    return text.replace(" Ingenting er endret.", "").strip()


def fetch_tables(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    tables: list[str],
    regions: list[str],
    years: tuple[int, int],
    *,
    base_url: str | None = None,
    timeout: float = 20,
    progress: Progress | None = None,
    comparisons: bool = True,
    client: Client | None = None,
) -> FetchOutcome:
    """Fetch `tables` from SSB for `regions` (plus their KOSTRA group, county and the country unless
    comparisons=False) and `years` (from, to), and import each table that fetched and read, all-or-nothing.

    The permission, the table list, years and regions are checked before any request. Every table is
    fetched and read before the first write. One table that cannot be fetched or read (a wrong content
    code in the mapping, a broken answer) does not stop the others: it is named in `failed` with its
    reason, and nothing of it is written. Once SSB cannot be reached at all, the remaining tables are
    not asked for (each would wait through its own retries) and are named too. A fetch of one table
    raises its error instead, as before (InputError for a bad answer, FetchError without contact).
    `base_url`: PxWebApi v2 (default, also from $TILSTAND_SSB_URL) or a v0 URL; `client` lets tests
    set retries, back-off and the throttle.
    """
    require(con, actor, "import", target="SSB API")
    tables = _check_tables(tables)
    lo, hi = int(years[0]), int(years[1])
    if not 1900 <= lo <= hi <= 2100:
        raise InputError(None, None, "år", f"ugyldig årsintervall {lo}–{hi}; fra-år må være før eller lik til-år.")
    if not regions:
        raise InputError(None, None, "--regions", "ingen regioner valgt.")
    if comparisons:
        wanted = with_comparisons(con, regions, (lo, hi))
    else:
        wanted = list(dict.fromkeys(r for r in (_plain(c) for c in regions) if r))
    if client is None:
        client = Client(base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL, timeout=timeout)
    say = progress or (lambda share, text: None)
    say(0.0, "Spør SSB om grensene for API-et")
    client.config(", ".join(tables))
    fetched: list[Fetched] = []
    failed: dict[str, TableFailure] = {}
    unreachable: str | None = None  # the table for which SSB could not be reached
    for n, table in enumerate(tables):
        if unreachable:
            failed[table] = TableFailure(table, f"ikke hentet, fordi SSB ikke svarte for tabell {unreachable}.")
            continue

        def part(share: float, text: str, n: int = n) -> None:
            say((n + share) / (len(tables) + 1), text)

        part(0.0, f"Tabell {table}: henter metadata fra SSB")
        try:
            fetched.append(fetch_table(client, table, wanted, (lo, hi), part))
        except (FetchError, InputError) as e:
            failed[table] = TableFailure(table, _reason(e), e)
            if isinstance(e, FetchError) and e.offline:
                unreachable = table
    results = []
    for n, f in enumerate(fetched):
        say((len(tables) + n / len(fetched)) / (len(tables) + 1), f"Importerer {f.file_name}")
        try:
            result = ingest.write(con, f.prepared, actor=actor)  # one transaction: all of the table or none
        except InputError as e:
            failed[f.table] = TableFailure(f.table, _reason(e), e)
            continue
        result.warnings.extend(f"{w[0].upper()}{w[1:]}." for w in f.warnings)
        results.append(result)
    if len(tables) == 1 and failed:
        raise failed[tables[0]].error or FetchError(tables[0], failed[tables[0]].reason)
    say(1.0, "Ferdig")
    return FetchOutcome(results, [failed[t] for t in tables if t in failed])


def _parse_region(code: str) -> regions.RegionRef | None:
    try:
        return regions.parse(code)
    except ValueError:
        raise InputError(
            None,
            None,
            "--regions",
            f"ukjent regionkode «{code}». Bruk kommunenummer "
            "(4 siffer), fylkesnummer, 0 eller EAK (hele landet) eller EKGnn (KOSTRA-gruppe).",
        ) from None


def _plain(code: str) -> str | None:
    ref = _parse_region(code)
    return ref.code if ref else None


def parse_regions(con: duckdb.DuckDBPyConnection, actor: Actor, text: str) -> list[str]:
    """'own' or a comma list ('5001,5006 5007') -> municipality/region codes."""
    text = (text or "own").strip()
    if text.lower() in ("own", "egne"):
        return own_regions(con, actor)
    return [c for c in (p.strip() for p in text.replace(";", ",").replace(" ", ",").split(",")) if c]


__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "Client",
    "FetchError",
    "FetchOutcome",
    "TableFailure",
    "fetch_tables",
    "file_name",
    "own_regions",
    "parse_regions",
    "tables_needed",
    "with_comparisons",
]
