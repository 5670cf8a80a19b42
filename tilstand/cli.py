"""The `tilstand` command: a thin layer over the library (DESIGN.md §4).

Exit codes: 0 success; 1 internal error or problems found by `check`; 2 bad input (nothing changed).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import time
import traceback
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

# report (python-docx, docxtpl, plotly), auth (argon2), check and demo are imported by the commands that use
# them: `tilstand import` is run once per file, and a person waits for the process to start each time.
from tilstand import ingest, logs, store, words
from tilstand.access import SYSTEM
from tilstand.errors import DatabaseLockedError, InputError, TilstandError
from tilstand.ingest import fetch, klass
from tilstand.storage_errors import StorageError, storage_error

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="databasefil (standard: $TILSTAND_DB eller data/tilstand.duckdb)")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="tilstand", description="Tilstandsrapport for barnevernstjenesten")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="bygg eksempeldatabasen fra sample_data/ (Eksempeldata)")
    _db_arg(p)
    p = sub.add_parser("import", help="importer filer (alt eller ingenting per fil)")
    p.add_argument("files", nargs="+", type=Path, metavar="FIL")
    p.add_argument("--source", choices=ingest.SOURCES, help="kilde (gjettes fra innholdet når utelatt)")
    _db_arg(p)
    p = sub.add_parser("fetch-ssb", help="hent tabeller direkte fra SSBs API (Statistikkbanken) og importer dem")
    p.add_argument("tables", nargs="*", metavar="TABELL", help="SSB-tabellnummer, f.eks. 12275")
    p.add_argument("--all", action="store_true", help="alle SSB-tabellene katalogen bruker")
    p.add_argument(
        "--regions",
        default="own",
        metavar="own|KODER",
        help="own (standard: kommunene databasen har rapporter eller roller for) eller kommunenumre "
        "med komma, f.eks. 5001,5006; KOSTRA-gruppe, fylke og landet tas med",
    )
    p.add_argument("--from-year", type=int, metavar="ÅR", help="første år (standard: til-år minus 10)")
    p.add_argument("--to-year", type=int, metavar="ÅR", help="siste år (standard: i år; SSB har det som finnes)")
    p.add_argument(
        "--base-url",
        metavar="URL",
        help=f"PxWebApi-adresse (standard: ${fetch.BASE_URL_ENV} eller {fetch.DEFAULT_BASE_URL})",
    )
    p.add_argument("--timeout", type=float, default=20, metavar="SEK", help="tidsavbrudd per spørring (standard: 20)")
    _db_arg(p)
    p = sub.add_parser("check", help="kontroller databasen og dekningen av katalogen")
    p.add_argument("--county", default="50", help="fylket dekningen gjelder (standard: 50 Trøndelag)")
    p.add_argument("--from-year", type=int)
    p.add_argument("--to-year", type=int)
    _db_arg(p)
    p = sub.add_parser("fetch-klass", help="hent KOSTRA-gruppene (med årene de gjelder) fra SSBs Klass")
    p.add_argument(
        "--year",
        type=int,
        default=klass.FIRST_YEAR,
        metavar="ÅR",
        help=f"første år grupperingen hentes for (standard: {klass.FIRST_YEAR}, da SSBs gruppering fra "
        f"{klass.FIRST_YEAR} begynner å gjelde); koblingene fra dette året erstattes",
    )
    p.add_argument(
        "--file", type=Path, metavar="FIL", help="les et lagret svar fra Klass (JSON) i stedet for å spørre SSB"
    )
    p.add_argument(
        "--base-url",
        metavar="URL",
        help=f"Klass-adresse (standard: ${klass.BASE_URL_ENV} eller {klass.DEFAULT_BASE_URL})",
    )
    p.add_argument("--timeout", type=float, default=20, metavar="SEK", help="tidsavbrudd per spørring (standard: 20)")
    _db_arg(p)
    p = sub.add_parser("report", help="lag tilstandsrapporten som DOCX (eller PDF når FIL slutter på .pdf)")
    p.add_argument("--region", required=True, metavar="KODE", help="kommunenummer, f.eks. 5001")
    p.add_argument("--year", required=True, type=int, metavar="ÅR")
    p.add_argument("--lang", choices=("nb", "nn"), default="nb", help="målform (standard: nb)")
    p.add_argument("--out", required=True, type=Path, metavar="FIL", help="rapport.docx eller rapport.pdf")
    p.add_argument("--template", type=Path, metavar="MAL", help="kommunens egen Word-mal (.docx)")
    _db_arg(p)
    _user_parser(sub)
    return ap


def cmd_demo(args: argparse.Namespace) -> int:
    from tilstand import demo  # noqa: PLC0415 (lazy: only the command that needs it pays for it)

    started = time.perf_counter()
    result = demo.build(args.db)
    rows = sum(r.rows for r in result.results)
    print(f"Eksempeldatabase bygget: {result.path}")
    print(
        f"{len(result.results)} filer importert (SSB, Bufdir, 10-FAKTOR, personaltall, brukerundersøkelse), {rows} verdier, {time.perf_counter() - started:.1f} s."
    )
    print("Merk: Eksempeldata – syntetiske tall, ikke reelle.")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    prepared = [ingest.read(f, source=args.source) for f in args.files]  # every file sound before any write
    con = store.connect(args.db)
    for p in prepared:
        result = ingest.write(con, p, actor=SYSTEM)
        print(result.summary_nb())
        for w in result.warnings:
            print(f"  Merk: {w}")
        if p.parsed.skipped_cells:
            print(
                f"  {p.parsed.skipped_cells} celler uten kobling til katalogen ble hoppet over "
                f"({', '.join(p.parsed.unmapped_contents[:3]) or 'ukjente regioner'})."
            )
        for note in getattr(p.parsed, "notes", ()):  # e.g. staff: sick leave weighted equally without dagsverk
            print(f"  Merk: {note}")
    return EXIT_OK


def cmd_fetch_ssb(args: argparse.Namespace) -> int:
    tables = list(dict.fromkeys([*(fetch.tables_needed() if args.all else []), *args.tables]))
    if not tables:
        raise InputError(None, None, "TABELL", "oppgi ett eller flere tabellnumre, eller --all.")
    to_year = args.to_year or date.today().year
    from_year = args.from_year or to_year - 10
    con = store.connect(args.db)
    regions = fetch.parse_regions(con, SYSTEM, args.regions)

    def progress(share: float, text: str) -> None:
        if sys.stderr.isatty():
            print(f"  {share:4.0%} {text}", file=sys.stderr)

    outcome = fetch.fetch_tables(
        con,
        SYSTEM,
        tables,
        regions,
        (from_year, to_year),
        base_url=args.base_url,
        timeout=args.timeout,
        progress=progress,
    )
    for result in outcome.results:
        print(result.summary_nb())
        for w in result.warnings:
            print(f"  Merk: {w}")
    # the tables imported stay imported; those that failed are named on stderr, and the exit says so
    for n, line in enumerate(outcome.failures_nb()):
        print(line if n == 0 else f"  ✗ {line}", file=sys.stderr)
    return EXIT_OK if outcome.ok else EXIT_INTERNAL


def cmd_check(args: argparse.Namespace) -> int:
    from tilstand import check  # noqa: PLC0415 (lazy: only the command that needs it pays for it)

    con = store.connect(_existing_db(args.db))
    years = (args.from_year, args.to_year) if args.from_year and args.to_year else None
    report = check.run(con, county=args.county, years=years)
    print(report.render_nb())
    return EXIT_OK if report.ok else EXIT_INTERNAL


def _existing_db(arg: str | None) -> Path:
    path = store.db_path(arg)
    if not path.exists():
        raise InputError(
            path, None, "--db", "databasen finnes ikke. Kjør «tilstand demo» eller «tilstand import» først."
        )
    return path


def cmd_fetch_klass(args: argparse.Namespace) -> int:
    """As the database owner (SYSTEM), as fetch-ssb: whoever can open the file may fill it; audited."""
    con = store.connect(args.db)

    def progress(text: str) -> None:
        print(f"  {text}", file=sys.stderr)

    if args.file is not None:
        result = klass.load_file(con, SYSTEM, args.file, args.year)
    else:
        result = klass.fetch_groups(
            con, SYSTEM, args.year, base_url=args.base_url, timeout=args.timeout, progress=progress
        )
    print(result.summary_nb())
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from tilstand import report  # noqa: PLC0415 (lazy: only the command that needs it pays for it)

    con = store.connect(_existing_db(args.db))
    build = report.render_pdf if args.out.suffix.lower() == ".pdf" else report.render
    result = build(con, args.region, args.year, args.lang, out=args.out, template=args.template)
    for w in result.warnings:
        print(f"Merk: {w}")
    print(
        f"Rapport skrevet: {result.path} ({result.chapters} kapitler, {result.charts} diagrammer, "
        f"{result.seconds:.1f} s)."
    )
    return EXIT_OK


def _user_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("user", help="brukere og roller (innebygde kontoer)")
    user = p.add_subparsers(dest="user_command", required=True)
    p = user.add_parser("add", help="opprett en bruker (om den mangler) og gi den en rolle")
    p.add_argument("name", metavar="NAVN", help="brukernavn, gjerne e-postadressen")
    p.add_argument("--role", required=True, help="admin, leder, saksordforer eller lesar")
    p.add_argument(
        "--region",
        required=True,
        metavar="KODE",
        help="kommunenummer, id for en interkommunal tjeneste, eller * for alle",
    )
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="les passordet fra standard inn (én linje); uten: bare innlogging via kommunen (SSO)",
    )
    p.add_argument("--display-name", metavar="NAVN", help="fullt navn (standard: brukernavnet)")
    p.add_argument("--email", metavar="E", help="e-postadresse for innlogging via kommunen")
    _db_arg(p)
    p = user.add_parser("list", help="vis brukere, roller, låste kontoer og siste innlogging")
    _db_arg(p)
    p = user.add_parser("unlock", help="la alle adresser prøve passordet til brukeren igjen (f.eks. administratoren)")
    p.add_argument("name", metavar="NAVN", help="brukernavnet")
    _db_arg(p)


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Passord: ")
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user(args: argparse.Namespace) -> int:
    from tilstand import auth  # noqa: PLC0415 (lazy: only the command that needs it pays for it)

    try:
        return {"add": cmd_user_add, "list": cmd_user_list, "unlock": cmd_user_unlock}[args.user_command](args)
    except (auth.UserError, auth.WeakPasswordError) as e:
        raise InputError(None, None, None, str(e)) from e


def cmd_user_add(args: argparse.Namespace) -> int:
    """As the database owner (SYSTEM): whoever can open the file may manage its users."""
    from tilstand import auth  # noqa: PLC0415 (lazy: only the command that needs it pays for it)

    con = store.connect(args.db)
    name = auth.normalize_username(args.name)
    region = auth.validate_grant(con, args.role, args.region)  # before anything is written
    existing = {u.username: u for u in auth.users(con, SYSTEM)}.get(name)
    if existing is None:
        password = _read_password() if args.password_stdin else None
        auth.add_user(con, SYSTEM, name, args.display_name or name, password=password, email=args.email)
        print(f"Bruker opprettet: {name}" + ("" if password is not None else " (bare innlogging via kommunen)"))
    elif args.password_stdin:
        print(f"Merk: {name} finnes allerede; passordet er ikke endret.")
    auth.grant(con, SYSTEM, name, args.role, region)
    print(f"{name} har rollen {args.role} i {region}.")
    return EXIT_OK


def cmd_user_unlock(args: argparse.Namespace) -> int:
    """The way in when every administrator's sign-in is held up: the database owner lifts the wait."""
    from tilstand import auth  # noqa: PLC0415 (lazy: only the command that needs it pays for it)

    con = store.connect(_existing_db(args.db))
    auth.unlock(con, SYSTEM, args.name)
    print(f"{auth.normalize_username(args.name)} er låst opp: alle adresser kan prøve passordet igjen.")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    from tilstand import auth  # noqa: PLC0415 (lazy: only the command that needs it pays for it)

    con = store.connect(_existing_db(args.db))
    now = datetime.now()
    rows = [("Bruker", "Navn", "Roller", "Låst", "Sist innlogget")]
    for u in auth.users(con, SYSTEM):
        roles = ", ".join(f"{role}@{region}" for region, role in u.grants) or "–"
        state = "deaktivert" if u.disabled else (f"til {u.locked_until:%H:%M}" if u.locked(now) else "")
        rows.append(
            (u.username, u.display_name, roles, state, words.when(u.last_sign_in) if u.last_sign_in else "aldri")
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip())
    if len(rows) == 1:
        print("Ingen brukere ennå. Legg til en med «tilstand user add».")
    return EXIT_OK


COMMANDS = {
    "demo": cmd_demo,
    "import": cmd_import,
    "fetch-ssb": cmd_fetch_ssb,
    "fetch-klass": cmd_fetch_klass,
    "check": cmd_check,
    "report": cmd_report,
    "user": cmd_user,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logs.configure()
    log = logging.getLogger(__name__)
    try:
        return COMMANDS[args.command](args)
    except InputError as e:
        log.debug("%s refused its input: %s", args.command, logs.said(e))  # the person reads it just below
        print(f"Feil i inndata – ingenting er endret.\n{e.render()}", file=sys.stderr)
        return EXIT_INPUT
    except StorageError as e:
        log.error("%s failed: %s", args.command, logs.said(e))
        print(f"Feil: {e.with_path()}", file=sys.stderr)
        return EXIT_INTERNAL
    except (DatabaseLockedError, TilstandError) as e:
        log.error("%s failed: %s", args.command, logs.said(e))
        print(f"Feil: {e}", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as e:  # noqa: BLE001 - the last line of defence: say it plainly, keep the trace
        # a database that fails after it was opened (disk full, a damaged block) is still said in Norwegian
        mapped = storage_error(e, store.db_path(getattr(args, "db", None)))
        log.error("%s failed: %s", args.command, logs.said(mapped or e))
        if mapped is not None:
            print(f"Feil: {mapped.with_path()}", file=sys.stderr)
            return EXIT_INTERNAL
        print("Intern feil – ingenting er endret. Ta vare på meldingen under og meld feilen:", file=sys.stderr)
        traceback.print_exc()
        return EXIT_INTERNAL
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
