"""KOSTRA groups from SSB's Klass: which municipality is in which KOSTRA group, in which years.

SSB keeps the grouping as classification 112 (KOSTRA-grupperinger), reached from the municipalities
(classification 131) through a correspondence. Klass answers, with `Accept: application/json`:

    GET {base}/classifications/131/corresponds?targetClassificationId=112&from=2020-01-01&language=nb
    {"correspondenceItems": [{"sourceCode": "0301", "sourceName": "Oslo", "sourceShortName": "",
                              "targetCode": "EKG13", "targetName": "KOSTRA-gruppe 13", "targetShortName": "",
                              "validFrom": "2023-01-01", "validTo": null}, …]}

(statisticsnorway/klass: ClassificationController.corresponds, CorrespondenceItemList,
CorrespondenceItem.RangedCorrespondenceItem.) `validFrom` is inclusive and never before `from`; `validTo` is
exclusive and null while the pair still holds; a municipality renumbered in 2024 comes twice, under its old
number until 2024-01-01 and under the new one from then. Klass answers 404 when a correspondence table is
missing for part of the period asked.

Years: the grouping valid on 1 January of a year is the one that year's figures are compared with, so
the 2020 grouping applies from the 2020 figures (`valid_from = 2020`) and years before the first one
loaded show no group. A fetch from year Y replaces every membership from Y on, for every municipality
(earlier rows are cut at Y − 1), in one transaction together with the suppression decisions that depend
on the groups; a lost connection or a bad answer changes nothing.

The connection is ssb_api.Transport, shared with PxWebApi (SSB's API on the same host): the same per-host throttle,
retries with growing pauses on 429/5xx and dropped connections, `Retry-After` honoured. Standard library only.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from tilstand import store, suppression
from tilstand.access import Actor, record, require
from tilstand.errors import InputError, TilstandError
from tilstand.ingest.ssb_api import MAX_RESPONSE_BYTES, USER_AGENT, Transport, _gunzip

DEFAULT_BASE_URL = "https://data.ssb.no/api/klass/v1"
BASE_URL_ENV = "TILSTAND_KLASS_URL"
MUNICIPALITIES, KOSTRA_GROUPS = 131, 112
FIRST_YEAR = 2020  # the 2020 grouping (SSB's 2020 criteria) applies from the 2020 figures
SOURCE_PREFIX = "SSB Klass"  # kostra_membership.source of fetched rows; store.sync_reference_data keeps them
ESTIMATED_PREFIX = "inferred"  # kostra_membership.source of a membership guessed, not SSB's (kostra_membership.csv)
_MUNICIPALITY = re.compile(r"\d{4}")
_GROUP = re.compile(r"EKG\d{2}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class KlassError(TilstandError):
    """Klass could not be asked or did not answer usefully; nothing was written. `offline`: no contact."""

    def __init__(self, message: str, *, offline: bool = False):
        self.offline = offline
        super().__init__(message)


def corresponds_url(base_url: str, year: int) -> str:
    query = urllib.parse.urlencode({"targetClassificationId": KOSTRA_GROUPS, "from": f"{year}-01-01", "language": "nb"})
    return f"{base_url.rstrip('/')}/classifications/{MUNICIPALITIES}/corresponds?{query}"


def _advice(url: str) -> str:
    return (
        "Prøv igjen senere, eller hent svaret på en maskin med nett, med "
        f'curl -H "Accept: application/json" "{url}" -o klass.json, og les det inn med '
        "tilstand fetch-klass --file klass.json. Ingenting er endret."
    )


def _no_contact(url: str, reason: str) -> KlassError:
    return KlassError(f"Fikk ikke kontakt med SSBs Klass (KOSTRA-grupper): {reason}. {_advice(url)}", offline=True)


HTTP_NB = {
    400: "Klass avviste spørringen (400)",
    403: "Klass avviste spørringen (403)",
    429: "for mange spørringer til SSB (429)",
    500: "feil hos SSB (500)",
    502: "SSB svarte ikke (502)",
    503: "Klass er midlertidig utilgjengelig (503)",
    504: "SSB svarte ikke i tide (504)",
}


@dataclass
class Client(Transport):
    """GET against Klass, with the throttle and retries PxWebApi's client uses (`ssb_api.Transport`)."""

    progress: Callable[[str], None] | None = None  # a Norwegian line before each pause (the command prints it)

    SERVICE = "Klass"
    REASONS = HTTP_NB

    def _pausing(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    def _refused(self, e: urllib.error.HTTPError, reason: str, asked: tuple[str, int]) -> Exception:
        year = asked[1]
        if e.code == 404:
            return KlassError(
                f"SSBs Klass har ingen kobling fra kommuner ({MUNICIPALITIES}) til KOSTRA-grupper "
                f"({KOSTRA_GROUPS}) for hele tiden fra 1. januar {year} (404){_error_text(e)}. Velg et "
                "senere år med --year. Ingenting er endret."
            )
        return KlassError(
            f"{reason}{_error_text(e)}. Kontroller --base-url og --year, eller meld feilen. Ingenting er endret."
        )

    def _no_contact(self, asked: tuple[str, int], reason: str) -> Exception:
        return _no_contact(asked[0], reason)

    def get(self, url: str, year: int) -> bytes:
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip", "User-Agent": USER_AGENT}
        raw, encoding = self._send(url, None, headers, (url, year))
        if encoding == "gzip":
            try:
                raw = _gunzip(raw, MAX_RESPONSE_BYTES + 1)
            except (OSError, EOFError, zlib.error) as e:
                raise _no_contact(url, f"svaret ble avbrutt underveis ({e})") from None
        if len(raw) > MAX_RESPONSE_BYTES:
            raise KlassError(
                f"svaret fra Klass er større enn {MAX_RESPONSE_BYTES // 2**20} MB; det ventes under "
                "1 MB. Kontroller --base-url. Ingenting er endret."
            )
        return raw


def _error_text(e: urllib.error.HTTPError) -> str:
    try:
        text = e.read(2000).decode("utf-8", errors="replace").strip()
    except Exception:  # noqa: BLE001 - the error body is a courtesy
        return ""
    try:  # Klass answers errors as problem details (RFC 9457): {"title": …, "status": 404, "detail": …}
        doc = json.loads(text)
        text = str(doc.get("detail") or doc.get("title") or "").strip() if isinstance(doc, dict) else text
    except ValueError:
        pass
    return f" («{text[:200]}»)" if text else ""


# --- the answer -> memberships ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Membership:
    region_code: str
    region_name: str
    group_code: str
    group_name: str
    valid_from: int
    valid_to: int | None  # last year, inclusive; None while it still holds


def _first_year(d: date) -> int:
    """The first year whose 1 January falls on or after the start."""
    return d.year if (d.month, d.day) == (1, 1) else d.year + 1


def _last_year(d: date) -> int:
    """The last year whose 1 January falls before the (exclusive) end."""
    return d.year - 1 if (d.month, d.day) == (1, 1) else d.year


def _date(value: object, file: str, item: int, name: str) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise InputError(file, item, name, f"«{value}» er ingen dato (ÅÅÅÅ-MM-DD).")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(file, item, name, f"«{value}» er ingen gyldig dato.") from None


def parse(raw: bytes, file: str, year: int) -> list[Membership]:
    """Klass's answer -> one membership per municipality and period from `year` on. Raises InputError
    (naming the item, counted from 1) when the answer is not Klass's shape or contradicts itself."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise InputError(
            file,
            None,
            "svar",
            "er ikke gyldig JSON (avbrutt eller skadet underveis?). Klass "
            "svarer med JSON bare når det blir bedt om det (Accept: application/json); XML og CSV "
            "leses ikke.",
        ) from None
    items = doc.get("correspondenceItems") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise InputError(
            file,
            None,
            "correspondenceItems",
            "mangler: dette er ikke et svar fra Klass sin corresponds-tjeneste (kommuner 131 til KOSTRA-grupper 112).",
        )
    out: list[Membership] = []
    for n, it in enumerate(items, 1):
        if not isinstance(it, dict):
            raise InputError(file, n, "correspondenceItems", "et element er ikke et objekt.")
        source, target = it.get("sourceCode"), it.get("targetCode")
        if not isinstance(source, str) or not _MUNICIPALITY.fullmatch(source):
            raise InputError(file, n, "sourceCode", f"«{source}» er ikke et kommunenummer (4 siffer).")
        if source == "9999":  # «Uoppgitt»
            continue
        if not isinstance(target, str) or not _GROUP.fullmatch(target):
            raise InputError(
                file,
                n,
                "targetCode",
                f"«{target}» er ingen KOSTRA-gruppe (EKGnn). Er targetClassificationId {KOSTRA_GROUPS}?",
            )
        if "validFrom" not in it:
            raise InputError(
                file,
                n,
                "validFrom",
                "mangler: svaret sier ikke hvilke år koblingen gjelder. Hent "
                "med corresponds (fra-dato), ikke correspondsAt.",
            )
        start = _date(it.get("validFrom"), file, n, "validFrom")
        end = _date(it.get("validTo"), file, n, "validTo")
        if start and end and end <= start:
            raise InputError(file, n, "validTo", f"{end} er ikke etter validFrom {start}.")
        first = max(year, _first_year(start)) if start else year
        last = _last_year(end) if end else None
        if last is not None and last < first:
            continue  # holds for less than a 1 January from `year` on: no year's figures use it
        out.append(
            Membership(
                source, str(it.get("sourceName") or source), target, str(it.get("targetName") or target), first, last
            )
        )
    if not out:
        raise InputError(
            file, None, "correspondenceItems", f"ingen kommuner med KOSTRA-gruppe fra {year}. Ingenting er endret."
        )
    by_region: dict[str, list[Membership]] = {}
    for m in out:
        by_region.setdefault(m.region_code, []).append(m)
    for code, rows in by_region.items():
        rows.sort(key=lambda m: m.valid_from)
        for a, b in itertools.pairwise(rows):
            if a.valid_to is None or a.valid_to >= b.valid_from:
                raise InputError(
                    file,
                    None,
                    "correspondenceItems",
                    f"kommune {code} står i både {a.group_code} og {b.group_code} i {b.valid_from}.",
                )
    return sorted(out, key=lambda m: (m.region_code, m.valid_from))


# --- writing ----------------------------------------------------------------------------------------------


@dataclass
class KlassResult:
    file_name: str
    year: int
    rows: int
    municipalities: int
    groups: int
    replaced: int
    estimated_replaced: int
    requests: int

    def summary_nb(self) -> str:
        out = (
            f"KOSTRA-grupper fra SSBs Klass ({self.file_name}): {self.municipalities} kommuner i "
            f"{self.groups} grupper fra {self.year}, {self.rows} koblinger lagret"
        )
        if self.replaced:
            out += f"; {self.replaced} tidligere koblinger fra {self.year} erstattet eller avkortet" + (
                f", {self.estimated_replaced} av dem anslått ut fra folketall" if self.estimated_replaced else ""
            )
        return out + "."


def write(
    con: duckdb.DuckDBPyConnection,
    memberships: list[Membership],
    year: int,
    file_name: str,
    actor: Actor,
    requests: int = 0,
) -> KlassResult:
    """Replace every membership from `year` on with `memberships`, in one transaction, and decide again what
    may be shown in those years (a group's members decide what its figures could give away)."""
    fetched = date.today().isoformat()
    source = f"{SOURCE_PREFIX} {MUNICIPALITIES}->{KOSTRA_GROUPS} from {year}-01-01 ({file_name}, {fetched})"
    with store.transaction(con) as tx:
        replaced, estimated = store.one(
            tx,
            "SELECT count(*), count(*) FILTER (WHERE source LIKE $est) FROM kostra_membership "
            "WHERE valid_to IS NULL OR valid_to >= $y",
            {"y": year, "est": f"{ESTIMATED_PREFIX}%"},
        )
        tx.execute("DELETE FROM kostra_membership WHERE valid_from >= $y", {"y": year})
        tx.execute(
            "UPDATE kostra_membership SET valid_to = $y - 1 WHERE valid_to IS NULL OR valid_to >= $y", {"y": year}
        )
        tx.executemany(
            "INSERT INTO kostra_membership VALUES (?,?,?,?,?)",
            [[m.region_code, m.group_code, m.valid_from, m.valid_to, source] for m in memberships],
        )
        known = {r[0] for r in tx.execute("SELECT code FROM region WHERE kind = 'kostra_group'").fetchall()}
        new_groups = {m.group_code: m.group_name for m in memberships if m.group_code not in known}
        if new_groups:  # DuckDB refuses an empty executemany
            tx.executemany(
                "INSERT INTO region (code, name, kind, source) VALUES (?, ?, 'kostra_group', ?)",
                [[c, n, source] for c, n in sorted(new_groups.items())],
            )
        years = [
            r[0]
            for r in tx.execute("SELECT DISTINCT year FROM observation WHERE year >= ? ORDER BY 1", [year]).fetchall()
        ]
        if years:
            suppression.refresh(tx, years)
        groups = {m.group_code for m in memberships}
        record(
            tx,
            actor,
            "import",
            target=f"klass:{MUNICIPALITIES}->{KOSTRA_GROUPS}",
            detail=f"{file_name}: {len(memberships)} koblinger fra {year}, {len(groups)} grupper",
        )
    return KlassResult(
        file_name,
        year,
        len(memberships),
        len({m.region_code for m in memberships}),
        len(groups),
        replaced,
        estimated,
        requests,
    )


def _check_year(year: int) -> int:
    if not 2000 <= int(year) <= date.today().year + 1:
        raise InputError(
            None,
            None,
            "--year",
            f"ugyldig år {year}; KOSTRA-grupperingen fra 2020 gjelder fra 2020-tallene (standard: --year 2020).",
        )
    return int(year)


def fetch_groups(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    year: int = FIRST_YEAR,
    *,
    base_url: str | None = None,
    timeout: float = 20,
    client: Client | None = None,
    progress: Callable[[str], None] | None = None,
) -> KlassResult:
    """Ask Klass for the KOSTRA groups from `year` on and store them (all or nothing). The permission is
    checked before the request; `client` lets tests set retries, back-off and the throttle; `progress` gets a
    Norwegian line for each step (and each retry)."""
    require(con, actor, "import", target="SSB Klass")
    year = _check_year(year)
    if client is None:
        client = Client(base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL, timeout=timeout)
    if progress is not None:
        client.progress = progress
    say = progress or (lambda text: None)
    url = corresponds_url(client.base_url, year)
    say(f"Spør SSBs Klass om KOSTRA-gruppene fra {year}: {url}")
    raw = client.get(url, year)
    name = f"ssb_klass_{MUNICIPALITIES}_{KOSTRA_GROUPS}_fra_{year}.json"
    memberships = parse(raw, name, year)
    say(f"Svaret er lest ({len(memberships)} koblinger); lagrer og avgjør på nytt hva som kan vises fra {year}")
    return write(con, memberships, year, name, actor, client.requests)


def load_file(con: duckdb.DuckDBPyConnection, actor: Actor, path: str | Path, year: int = FIRST_YEAR) -> KlassResult:
    """The same from a saved answer (the way without network: `curl -H "Accept: application/json" URL`)."""
    require(con, actor, "import", target="SSB Klass")
    year = _check_year(year)
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_RESPONSE_BYTES:
            raise InputError(path.name, None, "fil", f"er {size // 2**20} MB; et svar fra Klass er under 1 MB.")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, None, "--file", "finnes ikke.") from None
    except IsADirectoryError:
        raise InputError(path, None, "--file", "er en mappe, ikke en fil.") from None
    except PermissionError:
        raise InputError(path, None, "--file", "kan ikke leses (mangler tilgang).") from None
    return write(con, parse(raw, path.name, year), year, path.name, actor)


__all__ = [
    "DEFAULT_BASE_URL",
    "ESTIMATED_PREFIX",
    "FIRST_YEAR",
    "SOURCE_PREFIX",
    "Client",
    "KlassError",
    "KlassResult",
    "Membership",
    "corresponds_url",
    "fetch_groups",
    "load_file",
    "parse",
    "write",
]
