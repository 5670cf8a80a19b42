"""Live fetch from SSB's Statistikkbanken: ask PxWebApi for the tables the catalogue maps, import the answer.

The answer goes through the same importer as a downloaded file (`ingest.read` + `ingest.write`): the
same checks, the same all-or-nothing write per table, provenance in import_log under a name like
`ssb_api_12275_2015-2024.json`, and a re-fetch of unchanged numbers is refused by its SHA-256.
Every table is fetched and read before anything is written, so a connection lost halfway writes no table
half. Each table stands alone: one that fails (a wrong content code in the mapping, a broken answer) is
named with its reason and the others are imported (`FetchOutcome`).

API versions (base URL configurable, default `DEFAULT_BASE_URL`):

* **PxWebApi v2** — what SSB serves today at https://data.ssb.no/api/pxwebapi/v2 (the default).
  Metadata: `GET {base}/tables/{id}/metadata?lang=no&outputFormat=json-stat2` (JSON-stat2 without
  values; `extension.elimination` per dimension). Data: `POST {base}/tables/{id}/data?lang=no&
  outputFormat=json-stat2` with `{"selection": [{"variableCode": …, "valueCodes": […]}, …]}`.
  Limits: `GET {base}/config` (`maxDataCells`, `maxCallsPerTimeWindow`, `timeWindow`).
* **PxWebApi v0/v1** — the older API SSB still runs in parallel, chosen when the base URL contains
  `/api/v0/` (e.g. https://data.ssb.no/api/v0/no). Metadata: `GET {base}/table/{id}`
  (`variables[].code/values/valueTexts/elimination/time`). Data: `POST {base}/table/{id}` with
  `{"query": [{"code": …, "selection": {"filter": "item", "values": […]}}], "response":
  {"format": "json-stat2"}}`.

Limits, from SSB's user guide (https://www.ssb.no/api/api-mot-statistikkbanken--brukerveiledning:
«Grensene per uttrekk er 800.000 dataceller, og antall spørringer er for tiden 30 per minutt. Grensen er
per ip-adresse»), also served at {base}/config: at most 800 000 cells per query and 30 queries per 60
seconds per IP address (shared by everyone behind the same address). We keep to both: a process-wide throttle per host, queries split by years (then
regions) when they would pass the cell limit, retries with exponential back-off on 429/5xx and lost
connections, and `Retry-After` honoured. The standard library only (urllib): no new dependency.
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import duckdb

from tilstand import catalog, ingest, regions
from tilstand.access import Actor, require
from tilstand.errors import InputError, TilstandError
from tilstand.ingest import jsonstat, ssb
from tilstand.ingest.load import ImportResult

DEFAULT_BASE_URL = "https://data.ssb.no/api/pxwebapi/v2"
BASE_URL_ENV = "TILSTAND_SSB_URL"
MAX_CELLS = 800_000  # per query (SSB user guide; /config maxDataCells)
MAX_REQUESTS, WINDOW_S = 30, 60.0  # per IP address (SSB user guide; /config maxCallsPerTimeWindow, timeWindow)
RETRIES = 4  # new tries after 429 and 5xx answers
NETWORK_RETRIES = 2  # after a refused or dropped connection (no network should not keep anyone waiting long)
TIMEOUT_RETRIES = 1  # a server that hangs: one more try, not four (someone is waiting at a button)
BACKOFF_S, MAX_BACKOFF_S = 1.0, 60.0
MAX_RESPONSE_BYTES = ingest.MAX_BYTES  # unpacked too: a gzip answer is never inflated beyond it
RETRYABLE = {429, 500, 502, 503, 504}
USER_AGENT = "tilstand/0.1 (tilstandsrapport for barnevernstjenesten; Python urllib)"
STATBANK_TABLE_URL = "https://www.ssb.no/statbank/table/{table}"

Progress = Callable[[float, str], None]  # (share done 0..1, what is happening), e.g. st.progress


class FetchError(TilstandError):
    """SSB could not be asked or did not answer usefully; nothing was written. `offline`: no contact at all
    (network, timeout, SSB down) rather than an answer we could not use."""

    def __init__(self, table: str | None, message: str, *, offline: bool = False):
        self.table, self.offline = table, offline
        super().__init__(message)


def _offline_advice(table: str | None) -> str:
    single = bool(table) and table.isdigit()
    where = STATBANK_TABLE_URL.format(table=table) if single else "https://www.ssb.no/statbank"
    return (f"Prøv igjen senere, eller last ned filen fra Statistikkbanken ({where}) som JSON-stat2 eller CSV "
            "og importer den (tilstand import FIL, eller på importsiden). Ingenting er endret.")


def _no_contact(table: str | None, reason: str) -> FetchError:
    what = (f"tabell {table}" if table.isdigit() else f"tabellene {table}") if table else "Statistikkbanken"
    return FetchError(table, f"Fikk ikke kontakt med SSB ({what}): {reason}. {_offline_advice(table)}",
                      offline=True)


# --- the rate limit ---------------------------------------------------------------------------------------

class Throttle:
    """At most `max_requests` starts in any `window` seconds (a sliding window), shared by threads.

    SSB counts per IP address, so one throttle per host serves the whole process (every app session).
    `hold(s)` makes everyone wait s seconds, after a 429 with Retry-After.
    """

    def __init__(self, max_requests: int = MAX_REQUESTS, window: float = WINDOW_S, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.max_requests, self.window = max_requests, window
        self._clock, self._sleep = clock, sleep
        self._sent: deque[float] = deque()
        self._not_before = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:  # held while sleeping: requests leave in order, one at a time
            while True:
                now = self._clock()
                while self._sent and now - self._sent[0] >= self.window:
                    self._sent.popleft()
                delay = self._not_before - now
                if len(self._sent) >= self.max_requests:
                    delay = max(delay, self._sent[0] + self.window - now)
                if delay <= 0:
                    self._sent.append(now)
                    return
                self._sleep(delay)

    def hold(self, seconds: float) -> None:
        with self._lock:
            self._not_before = max(self._not_before, self._clock() + seconds)

    def tighten(self, max_requests: int, window: float) -> None:
        """Never looser than now: SSB's /config may lower the numbers, not raise them past the documented ones."""
        with self._lock:
            self.max_requests = min(self.max_requests, max_requests)
            self.window = max(self.window, window)


_THROTTLES: dict[str, Throttle] = {}
_THROTTLES_LOCK = threading.Lock()


def throttle_for(base_url: str) -> Throttle:
    host = urllib.parse.urlsplit(base_url).netloc
    with _THROTTLES_LOCK:
        return _THROTTLES.setdefault(host, Throttle())


# --- HTTP -------------------------------------------------------------------------------------------------

def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


HTTP_NB = {400: "SSB avviste spørringen (400)", 403: "SSB avviste spørringen (403, for stor eller ikke tillatt)",
           404: "SSB kjenner ikke tabellen (404)", 429: "for mange spørringer til SSB (429)",
           500: "feil hos SSB (500)", 502: "SSB svarte ikke (502)", 503: "SSB er midlertidig utilgjengelig (503)",
           504: "SSB svarte ikke i tide (504)"}


@dataclass
class Transport:
    """Requests to one of SSB's services on data.ssb.no (PxWebApi, Klass): the per-host throttle, timeouts, and
    retries with growing pauses on 429/5xx, dropped connections and timeouts (Retry-After honoured). The
    services differ only in their words, given by `_refused` and `_no_contact`."""

    base_url: str = DEFAULT_BASE_URL
    timeout: float = 20.0
    retries: int = RETRIES
    network_retries: int = NETWORK_RETRIES
    timeout_retries: int = TIMEOUT_RETRIES
    backoff: float = BACKOFF_S
    max_backoff: float = MAX_BACKOFF_S
    throttle: Throttle | None = None
    sleep: Callable[[float], None] = time.sleep
    requests: int = field(default=0, init=False)

    SERVICE = "SSB"  # who answers, in messages: «SSB svarte ikke innen 20 sekunder»
    REASONS = HTTP_NB

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        if self.throttle is None:
            self.throttle = throttle_for(self.base_url)

    def _refused(self, e: urllib.error.HTTPError, reason: str, context: Any) -> Exception:
        """The error for an answer no retry will change (4xx other than 429); `context` is what `_send` was given
        to name the request by (PxWebApi: the table; Klass: the URL and year)."""
        raise NotImplementedError

    def _no_contact(self, context: Any, reason: str) -> Exception:
        raise NotImplementedError

    def _pausing(self, text: str) -> None:
        """Told before each pause (a Norwegian line); silent unless a service wants it said."""

    def _backoff(self, n: int) -> float:
        return min(self.backoff * 2 ** (n - 1), self.max_backoff)

    def _send(self, url: str, data: bytes | None, headers: dict[str, str], context: Any) -> tuple[bytes, str]:
        """The raw answer (at most MAX_RESPONSE_BYTES + 1 bytes) and its Content-Encoding."""
        failures = dropped = timeouts = 0
        while True:
            self.throttle.wait()
            self.requests += 1
            try:
                req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return resp.read(MAX_RESPONSE_BYTES + 1), (resp.headers.get("Content-Encoding") or "").lower()
            except urllib.error.HTTPError as e:
                reason = self.REASONS.get(e.code, f"{self.SERVICE} svarte med feilkode {e.code}")
                if e.code not in RETRYABLE:
                    raise self._refused(e, reason, context) from None
                failures += 1
                if failures > self.retries:
                    raise self._no_contact(context, f"{reason}, også etter {self.retries} nye forsøk") from None
                delay = self._backoff(failures)
                after = _retry_after(e.headers.get("Retry-After") if e.headers else None)
                if after is not None:
                    delay = max(delay, min(after, self.max_backoff))
                if e.code == 429:
                    self.throttle.hold(delay)  # everyone in this process waits, not just this call
                self._pausing(f"{reason}; prøver igjen om {delay:.0f} s (nytt forsøk {failures} av {self.retries})")
            except (TimeoutError, urllib.error.URLError, ConnectionError, http.client.HTTPException,
                    OSError) as e:
                reason = getattr(e, "reason", None) or e
                if isinstance(e, TimeoutError) or isinstance(reason, TimeoutError):
                    timeouts += 1
                    if timeouts > self.timeout_retries:
                        raise self._no_contact(context, f"{self.SERVICE} svarte ikke innen {self.timeout:g} "
                                                        "sekunder") from None
                else:
                    dropped += 1
                    if dropped > self.network_retries:
                        raise self._no_contact(context, f"nettverksfeil ({reason})") from None
                delay = self._backoff(failures + dropped + timeouts)
                self._pausing(f"ingen kontakt med {self.SERVICE} ({reason}); prøver igjen om {delay:.0f} s")
            self.sleep(delay)


@dataclass
class Client(Transport):
    """One conversation with PxWebApi: URLs per API version, the limits, the requests."""

    max_cells: int | None = None  # None: SSB's /config, else MAX_CELLS

    def __post_init__(self) -> None:
        super().__post_init__()
        self.v0 = "/api/v0/" in self.base_url + "/"

    def _refused(self, e: urllib.error.HTTPError, reason: str, table: str | None) -> Exception:
        return FetchError(table, f"{reason} for tabell {table}{_error_text(e)}. "
                                 "Kontroller tabellnummer, år og regioner, eller meld feilen.")

    def _no_contact(self, table: str | None, reason: str) -> Exception:
        return _no_contact(table, reason)

    def _request(self, url: str, body: dict | None, table: str | None) -> bytes:
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip", "User-Agent": USER_AGENT}
        if data is not None:
            headers["Content-Type"] = "application/json"
        raw, encoding = self._send(url, data, headers, table)
        if len(raw) > MAX_RESPONSE_BYTES:
            raise FetchError(table, f"svaret fra SSB for tabell {table} er større enn "
                             f"{MAX_RESPONSE_BYTES // 2**20} MB. Velg færre år eller regioner.")
        if encoding == "gzip":
            try:
                raw = _gunzip(raw, MAX_RESPONSE_BYTES + 1)
            except (OSError, EOFError, zlib.error) as e:
                raise _no_contact(table, f"svaret ble avbrutt underveis ({e})") from None
            if len(raw) > MAX_RESPONSE_BYTES:
                raise FetchError(table, f"svaret fra SSB for tabell {table} er større enn "
                                 f"{MAX_RESPONSE_BYTES // 2**20} MB. Velg færre år eller regioner.")
        return raw

    # the endpoints
    def config(self, table: str | None = None) -> None:
        """Take SSB's own limits from /config (v2) when it answers; the documented ones otherwise.
        `table` names what we are about to fetch, for the message when there is no contact."""
        if self.v0:
            self.max_cells = self.max_cells or MAX_CELLS
            return
        try:
            doc = json.loads(self._request(f"{self.base_url}/config", None, table))
        except FetchError as e:
            if e.offline:
                raise
            doc = {}  # an older server without /config: the documented limits
        except ValueError:
            doc = {}
        cells = doc.get("maxDataCells") if isinstance(doc, dict) else None
        calls = doc.get("maxCallsPerTimeWindow") if isinstance(doc, dict) else None
        window = doc.get("timeWindow") if isinstance(doc, dict) else None
        if self.max_cells is None:
            self.max_cells = cells if isinstance(cells, int) and cells > 0 else MAX_CELLS
        if isinstance(calls, int) and calls > 0 and isinstance(window, (int, float)) and window > 0:
            self.throttle.tighten(calls, float(window))

    def metadata(self, table: str) -> TableMeta:
        if self.v0:
            url = f"{self.base_url}/table/{table}"
        else:
            url = f"{self.base_url}/tables/{table}/metadata?lang=no&outputFormat=json-stat2"
        raw = self._request(url, None, table)
        return (_meta_v0 if self.v0 else _meta_v2)(raw, table)

    def data(self, table: str, selection: dict[str, list[str]]) -> bytes:
        if self.v0:
            url = f"{self.base_url}/table/{table}"
            body = {"query": [{"code": d, "selection": {"filter": "item", "values": v}} for d, v in selection.items()],
                    "response": {"format": "json-stat2"}}
        else:
            url = f"{self.base_url}/tables/{table}/data?lang=no&outputFormat=json-stat2"
            body = {"selection": [{"variableCode": d, "valueCodes": v} for d, v in selection.items()]}
        return self._request(url, body, table)


def _error_text(e: urllib.error.HTTPError) -> str:
    try:
        text = e.read(500).decode("utf-8", errors="replace").strip()
    except Exception:  # noqa: BLE001 - the error body is a courtesy
        return ""
    return f" («{text[:200]}»)" if text else ""


# --- metadata and the query -------------------------------------------------------------------------------

@dataclass
class Dimension:
    id: str
    label: str
    codes: list[tuple[str, str]]  # (code, label) in SSB's order
    elimination: bool


@dataclass
class TableMeta:
    table: str
    title: str
    dims: list[Dimension]
    region: str | None
    time: str | None
    metric: str | None


def _meta_file(table: str) -> str:
    return f"ssb_api_{table}_metadata.json"


def _meta_v2(raw: bytes, table: str) -> TableMeta:
    file = _meta_file(table)
    doc = jsonstat.load(raw, file)
    ids = doc.get("id")
    dims = doc.get("dimension")
    if not isinstance(ids, list) or not isinstance(dims, dict):
        raise InputError(file, None, "dimension", f"metadata for tabell {table} fra SSB mangler «id» eller "
                         "«dimension».")
    out = []
    for i in ids:
        d = dims.get(i) if isinstance(i, str) else None
        if not isinstance(d, dict):
            raise InputError(file, None, "dimension", f"metadata for tabell {table}: dimensjonen «{i}» mangler.")
        ext = d.get("extension") if isinstance(d.get("extension"), dict) else {}
        out.append(Dimension(i, str(d.get("label", "")), jsonstat._categories(d, i, file),
                             bool(ext.get("elimination", False))))
    role = doc.get("role") if isinstance(doc.get("role"), dict) else {}
    return _with_roles(table, str(doc.get("label", "")), out, role)


def _meta_v0(raw: bytes, table: str) -> TableMeta:
    file = _meta_file(table)
    doc = jsonstat.load(raw, file)
    variables = doc.get("variables")
    if not isinstance(variables, list):
        raise InputError(file, None, "variables", f"metadata for tabell {table} fra SSB mangler «variables».")
    out, role = [], {}
    for v in variables:
        if not isinstance(v, dict) or not isinstance(v.get("values"), list):
            raise InputError(file, None, "variables", f"metadata for tabell {table} har en variabel uten verdier.")
        codes, texts = [str(c) for c in v["values"]], v.get("valueTexts") or []
        out.append(Dimension(str(v.get("code")), str(v.get("text", "")),
                             [(c, str(texts[n]) if n < len(texts) else c) for n, c in enumerate(codes)],
                             bool(v.get("elimination", False))))
        if v.get("time"):
            role["time"] = [out[-1].id]
    return _with_roles(table, str(doc.get("title", "")), out, role)


def _with_roles(table: str, title: str, dims: list[Dimension], role: dict) -> TableMeta:
    ids = [d.id for d in dims]
    labels = {d.id: d.label for d in dims}

    def pick(key: str, candidates: tuple[str, ...]) -> str | None:
        found = [r for r in role.get(key) or [] if r in ids]
        return found[0] if found else jsonstat._pick(ids, None, candidates, labels)

    return TableMeta(table, title, dims, pick("geo", jsonstat.REGION_DIM_IDS),
                     pick("time", jsonstat.TIME_DIM_IDS), pick("metric", jsonstat.METRIC_DIM_IDS))


@dataclass
class Query:
    table: str
    selection: dict[str, list[str]]  # variable code -> value codes, in the table's order; eliminated ones left out
    years: tuple[int, int]  # the years asked for that the table has
    warnings: list[str]


def _region_candidates(code: str) -> list[str]:
    """The codes a table may use for one of our regions (KOSTRA tables say EKA50 and EAK, others 50 and 0)."""
    ref = regions.parse(code)
    if ref is None:
        return []
    if ref.kind == "county":
        return [f"EKA{ref.code}", ref.code]
    if ref.code == regions.COUNTRY:
        return [regions.COUNTRY, regions.COUNTRY_OUTSIDE_KOSTRA]
    return [ref.code]


def build_query(meta: TableMeta, wanted_regions: Sequence[str], years: tuple[int, int],
                mapping: Sequence[catalog.MappingRow] | None = None) -> Query:
    """The selection the catalogue needs from one table: its content codes, the other dimensions the
    mapping names, our regions and years; dimensions SSB may eliminate and the mapping ignores are left out."""
    table = meta.table
    rows = [m for m in (catalog.ssb_mapping() if mapping is None else mapping) if m.table == table]
    for name, dim in (("region", meta.region), ("år", meta.time), ("statistikkvariabel", meta.metric)):
        if dim is None:
            raise FetchError(table, f"SSB-tabell {table} har ingen {name}-dimensjon i metadataene; Tilstand kan "
                             f"ikke hente den automatisk. {_offline_advice(table)}")
    warnings: list[str] = []
    selection: dict[str, list[str]] = {}
    lo, hi = years
    for dim in meta.dims:
        codes = [c for c, _ in dim.codes]
        if dim.id == meta.region:
            present = set(codes)
            chosen, missing = [], []
            for r in wanted_regions:
                hit = next((c for c in _region_candidates(r) if c in present), None)
                if hit:
                    chosen.append(hit)
                else:
                    missing.append(r)
            if missing:
                warnings.append(f"tabell {table} har ikke tall for {', '.join(missing)}")
            if not chosen:
                raise FetchError(table, f"SSB-tabell {table} har ingen av regionene {', '.join(wanted_regions)}. "
                                 "Kontroller kommunenumrene.")
            selection[dim.id] = list(dict.fromkeys(chosen))
        elif dim.id == meta.time:
            chosen = [c for c in codes if c[:4].isdigit() and lo <= int(c[:4]) <= hi]
            if not chosen:
                have = f"{codes[0]}–{codes[-1]}" if codes else "ingen år"
                raise FetchError(table, f"SSB-tabell {table} har ingen tall for {lo}–{hi} (tabellen har {have}).")
            selection[dim.id] = chosen
        elif dim.id == meta.metric:
            want = list(dict.fromkeys(m.contents_code for m in rows))
            chosen = [c for c in codes if c in want]
            if not chosen:
                raise FetchError(table, f"SSB-tabell {table} har ingen av statistikkvariablene katalogen venter "
                                 f"({', '.join(want)}); koblingen i ssb_mapping.csv må rettes. "
                                 f"{_offline_advice(table)}")
            if len(chosen) < len(want):
                warnings.append(f"tabell {table} mangler statistikkvariablene "
                                f"{', '.join(w for w in want if w not in chosen)}")
            selection[dim.id] = chosen
        else:
            wants = [dict(m.selection).get(_sel_key(m, dim)) for m in rows]
            if wants and all(w is not None for w in wants):
                chosen = [c for c, label in dim.codes if any(ssb._value_matches(w, c, label) for w in wants)]
                if not chosen:
                    raise FetchError(table, f"SSB-tabell {table}: dimensjonen {dim.id} har ingen av verdiene "
                                     f"katalogen venter ({', '.join(dict.fromkeys(wants))}).")
                selection[dim.id] = chosen
            elif not dim.elimination:
                # SSB needs a value and the catalogue names none: the first is, by SSB's habit, the total
                selection[dim.id] = codes[:1]
                warnings.append(f"tabell {table}: valgte «{dim.codes[0][1]}» for {dim.label or dim.id}")
    chosen_years = [int(c[:4]) for c in selection[meta.time]]
    return Query(table, selection, (min(chosen_years), max(chosen_years)), warnings)


def _sel_key(m: catalog.MappingRow, dim: Dimension) -> tuple[str, ...] | None:
    for names, _ in m.selection:
        if dim.id.lower() in names or dim.label.lower() in names:
            return names
    return None


def split(selection: dict[str, list[str]], order: Sequence[str], max_cells: int,
          table: str = "") -> list[dict[str, list[str]]]:
    """Cut a selection into queries of at most max_cells cells, along `order` (years first, then regions)."""
    cells = math.prod(len(v) for v in selection.values())
    if cells <= max_cells:
        return [selection]
    for n, dim in enumerate(order):
        values = selection[dim]
        if len(values) <= 1:
            continue
        per_value = cells // len(values)
        step = max_cells // per_value
        if step >= 1:
            return [{**selection, dim: values[i:i + step]} for i in range(0, len(values), step)]
        return [part for v in values for part in split({**selection, dim: [v]}, order[n + 1:], max_cells, table)]
    raise FetchError(table, f"spørringen mot tabell {table} gir {cells} celler for én region og ett år, mer enn "
                     f"SSB tillater ({max_cells}). Koblingen i ssb_mapping.csv bør velge færre verdier.")


def merge(parts: Sequence[bytes], file: str) -> bytes:
    """Several JSON-stat2 answers for pieces of one query -> one dataset, as if asked in one go."""
    if len(parts) == 1:
        return parts[0]
    docs = [jsonstat.load(p, file) for p in parts]
    ids = docs[0].get("id")
    if not isinstance(ids, list) or any(d.get("id") != ids for d in docs):
        raise InputError(file, None, "id", "delene av svaret fra SSB har ulike dimensjoner.")
    cats: dict[str, dict[str, str]] = {i: {} for i in ids}
    units: dict[str, dict] = {i: {} for i in ids}
    cells: dict[tuple[str, ...], tuple[object, str | None]] = {}
    for doc in docs:
        dims = doc.get("dimension") or {}
        doc_cats = [jsonstat._categories(dims.get(i), i, file) for i in ids]
        for i, cs in zip(ids, doc_cats):
            for code, label in cs:
                cats[i].setdefault(code, label)
            unit = ((dims.get(i) or {}).get("category") or {}).get("unit")
            if isinstance(unit, dict):
                units[i].update(unit)
        values = doc.get("value")
        status = doc.get("status") or {}
        n = math.prod(len(c) for c in doc_cats)
        if isinstance(values, dict):
            values = [values.get(str(k)) for k in range(n)]
        if not isinstance(values, list) or len(values) != n:
            raise InputError(file, None, "value", "et av delsvarene fra SSB har feil antall verdier.")
        if isinstance(status, list):
            status = {str(k): s for k, s in enumerate(status) if s}
        for flat, combo in enumerate(itertools.product(*doc_cats)):
            cells[tuple(c for c, _ in combo)] = (values[flat], status.get(str(flat)) if isinstance(status, dict)
                                                 else None)
    out = {k: v for k, v in docs[0].items() if k not in ("value", "status", "size", "dimension")}
    out["size"] = [len(cats[i]) for i in ids]
    out["dimension"] = {}
    for i in ids:
        dim = dict(docs[0]["dimension"][i])
        category = {"index": {c: n for n, c in enumerate(cats[i])}, "label": dict(cats[i])}
        if units[i]:
            category["unit"] = units[i]
        dim["category"] = category
        out["dimension"][i] = dim
    value, status_out = [], {}
    for flat, key in enumerate(itertools.product(*(list(cats[i]) for i in ids))):
        v, s = cells.get(key, (None, ".."))
        value.append(v)
        if s:
            status_out[str(flat)] = s
    out["value"] = value
    if status_out:
        out["status"] = status_out
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- regions ----------------------------------------------------------------------------------------------

def own_regions(con: duckdb.DuckDBPyConnection, actor: Actor) -> list[str]:
    """'own': the municipalities the person may import for; for the command line (and '*' grants) the
    municipalities the database has reports or roles for."""
    allowed = actor.regions("import")
    if allowed is None:
        cur = con.cursor()
        allowed = [r[0] for r in cur.execute(
            """SELECT region_code FROM report
               UNION SELECT coalesce(m.region_code, g.region_code) FROM role_grant g
               LEFT JOIN service_member m ON m.service_id = g.region_code WHERE g.region_code <> '*'
               ORDER BY 1""").fetchall()]
    out = []
    for code in allowed:
        try:
            ref = regions.parse(code)
        except ValueError:
            continue
        if ref is not None and ref.kind == "municipality":
            out.append(ref.code)
    if not out:
        raise InputError(None, None, "--regions", "fant ingen egne kommuner (ingen rapporter eller roller i "
                         "databasen). Oppgi kommunenumre, f.eks. --regions 5001,5006.")
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
               AND (valid_to IS NULL OR valid_to >= ?) ORDER BY 1""", [ref.code, years[1], years[0]]).fetchall()
        out += [g[0] for g in groups]
        county = cur.execute("SELECT county_code FROM region WHERE code = ?", [ref.code]).fetchone()
        out.append((county[0] if county and county[0] else ref.code[:2]))
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


def _gunzip(raw: bytes, limit: int) -> bytes:
    """At most `limit` bytes of a gzip body: a small answer must not inflate to gigabytes."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = inflater.decompress(raw, limit)
    if len(out) < limit and not inflater.eof:
        raise EOFError("gzip-strømmen slutter for tidlig")
    return out


def fetch_table(client: Client, table: str, wanted_regions: Sequence[str], years: tuple[int, int],
                progress: Progress | None = None) -> Fetched:
    """Metadata, the query (split when large), the answer merged and read. Writes nothing."""
    before = client.requests
    meta = client.metadata(table)
    query = build_query(meta, wanted_regions, years)
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
            raise InputError(None, None, "tabell", f"SSB-tabell «{t}» er ikke koblet til indikatorkatalogen. "
                             f"Tilstand kan hente tabellene {', '.join(known)}.")
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
        return ([f"{done}; disse ble ikke importert (ingenting er endret for dem):"]
                + [f"Tabell {f.table}: {f.reason}" for f in self.failed])


def _reason(e: TilstandError) -> str:
    """The error said for one table among several: 'nothing changed' holds for that table only, so the
    summary says it once for all of them."""
    text = e.render() if isinstance(e, InputError) else str(e)
    return text.replace(" Ingenting er endret.", "").strip()


def fetch_tables(con: duckdb.DuckDBPyConnection, actor: Actor, tables: list[str], regions: list[str],
                 years: tuple[int, int], *, base_url: str | None = None, timeout: float = 20,
                 progress: Progress | None = None, comparisons: bool = True,
                 client: Client | None = None) -> FetchOutcome:
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
        raise InputError(None, None, "--regions", f"ukjent regionkode «{code}». Bruk kommunenummer "
                         "(4 siffer), fylkesnummer, 0 eller EAK (hele landet) eller EKGnn (KOSTRA-gruppe).") from None


def _plain(code: str) -> str | None:
    ref = _parse_region(code)
    return ref.code if ref else None


def parse_regions(con: duckdb.DuckDBPyConnection, actor: Actor, text: str) -> list[str]:
    """'own' or a comma list ('5001,5006 5007') -> municipality/region codes."""
    text = (text or "own").strip()
    if text.lower() in ("own", "egne"):
        return own_regions(con, actor)
    return [c for c in (p.strip() for p in text.replace(";", ",").replace(" ", ",").split(",")) if c]


__all__ = ["DEFAULT_BASE_URL", "Client", "FetchError", "FetchOutcome", "TableFailure", "Throttle", "fetch_tables",
           "file_name", "merge", "own_regions", "parse_regions", "split", "tables_needed", "with_comparisons"]
