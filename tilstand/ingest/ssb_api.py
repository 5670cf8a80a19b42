"""SSB's APIs on data.ssb.no as a client: the HTTP transport PxWebApi and Klass share (the per-host throttle,
timeouts, retries with growing pauses) and PxWebApi's client (its endpoints, limits and metadata). What to ask
for is planned in ssb_query.py; fetch.py asks, reads and imports.

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
seconds per IP address (shared by everyone behind the same address). We keep to both: a process-wide throttle
per host, queries split by years (then regions, ssb_query.split) when they would pass the cell limit, retries
with exponential back-off on 429/5xx and lost connections, and `Retry-After` honoured. The standard library only
(urllib): no new dependency.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from tilstand import ingest
from tilstand.errors import InputError, TilstandError
from tilstand.ingest import jsonstat

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


class FetchError(TilstandError):
    """SSB could not be asked or did not answer usefully; nothing was written. `offline`: no contact at all
    (network, timeout, SSB down) rather than an answer we could not use."""

    def __init__(self, table: str | None, message: str, *, offline: bool = False):
        self.table, self.offline = table, offline
        super().__init__(message)


def offline_advice(table: str | None) -> str:
    single = table is not None and table.isdigit()
    where = STATBANK_TABLE_URL.format(table=table) if single else "https://www.ssb.no/statbank"
    return (
        f"Prøv igjen senere, eller last ned filen fra Statistikkbanken ({where}) som JSON-stat2 eller CSV "
        "og importer den (tilstand import FIL, eller på importsiden). Ingenting er endret."
    )


def no_contact(table: str | None, reason: str) -> FetchError:
    what = (f"tabell {table}" if table.isdigit() else f"tabellene {table}") if table else "Statistikkbanken"
    return FetchError(table, f"Fikk ikke kontakt med SSB ({what}): {reason}. {offline_advice(table)}", offline=True)


# --- the rate limit ---------------------------------------------------------------------------------------


class Throttle:
    """At most `max_requests` starts in any `window` seconds (a sliding window), shared by threads.

    SSB counts per IP address, so one throttle per host serves the whole process (every app session).
    `hold(s)` makes everyone wait s seconds, after a 429 with Retry-After.
    """

    def __init__(
        self,
        max_requests: int = MAX_REQUESTS,
        window: float = WINDOW_S,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
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


HTTP_NB = {
    400: "SSB avviste spørringen (400)",
    403: "SSB avviste spørringen (403, for stor eller ikke tillatt)",
    404: "SSB kjenner ikke tabellen (404)",
    429: "for mange spørringer til SSB (429)",
    500: "feil hos SSB (500)",
    502: "SSB svarte ikke (502)",
    503: "SSB er midlertidig utilgjengelig (503)",
    504: "SSB svarte ikke i tide (504)",
}


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
    throttle: Throttle | None = None  # None: the host's, shared by the whole process
    sleep: Callable[[float], None] = time.sleep
    requests: int = field(default=0, init=False)
    _gate: Throttle = field(init=False, repr=False)  # the throttle in use: the one given, else the host's

    SERVICE = "SSB"  # who answers, in messages: «SSB svarte ikke innen 20 sekunder»
    REASONS = HTTP_NB

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        if self.throttle is None:
            self.throttle = throttle_for(self.base_url)
        self._gate = self.throttle

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
            self._gate.wait()
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
                    self._gate.hold(delay)  # everyone in this process waits, not just this call
                self._pausing(f"{reason}; prøver igjen om {delay:.0f} s (nytt forsøk {failures} av {self.retries})")
            except (TimeoutError, urllib.error.URLError, ConnectionError, http.client.HTTPException, OSError) as e:
                cause = getattr(e, "reason", None) or e
                if isinstance(e, TimeoutError) or isinstance(cause, TimeoutError):
                    timeouts += 1
                    if timeouts > self.timeout_retries:
                        raise self._no_contact(
                            context, f"{self.SERVICE} svarte ikke innen {self.timeout:g} sekunder"
                        ) from None
                else:
                    dropped += 1
                    if dropped > self.network_retries:
                        raise self._no_contact(context, f"nettverksfeil ({cause})") from None
                delay = self._backoff(failures + dropped + timeouts)
                self._pausing(f"ingen kontakt med {self.SERVICE} ({cause}); prøver igjen om {delay:.0f} s")
            self.sleep(delay)


@dataclass
class Client(Transport):
    """One conversation with PxWebApi: URLs per API version, the limits, the requests."""

    max_cells: int | None = None  # None: SSB's /config, else MAX_CELLS

    def __post_init__(self) -> None:
        super().__post_init__()
        self.v0 = "/api/v0/" in self.base_url + "/"

    def _refused(self, e: urllib.error.HTTPError, reason: str, table: str | None) -> Exception:
        return FetchError(
            table,
            f"{reason} for tabell {table}{_error_text(e)}. Kontroller tabellnummer, år og regioner, eller meld feilen.",
        )

    def _no_contact(self, table: str | None, reason: str) -> Exception:
        return no_contact(table, reason)

    def _request(self, url: str, body: dict | None, table: str | None) -> bytes:
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip", "User-Agent": USER_AGENT}
        if data is not None:
            headers["Content-Type"] = "application/json"
        raw, encoding = self._send(url, data, headers, table)
        if len(raw) > MAX_RESPONSE_BYTES:
            raise FetchError(
                table,
                f"svaret fra SSB for tabell {table} er større enn "
                f"{MAX_RESPONSE_BYTES // 2**20} MB. Velg færre år eller regioner.",
            )
        if encoding == "gzip":
            try:
                raw = _gunzip(raw, MAX_RESPONSE_BYTES + 1)
            except (OSError, EOFError, zlib.error) as e:
                raise no_contact(table, f"svaret ble avbrutt underveis ({e})") from None
            if len(raw) > MAX_RESPONSE_BYTES:
                raise FetchError(
                    table,
                    f"svaret fra SSB for tabell {table} er større enn "
                    f"{MAX_RESPONSE_BYTES // 2**20} MB. Velg færre år eller regioner.",
                )
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
            self._gate.tighten(calls, float(window))

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
            body = {
                "query": [{"code": d, "selection": {"filter": "item", "values": v}} for d, v in selection.items()],
                "response": {"format": "json-stat2"},
            }
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


def _gunzip(raw: bytes, limit: int) -> bytes:
    """At most `limit` bytes of a gzip body: a small answer must not inflate to gigabytes."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = inflater.decompress(raw, limit)
    if len(out) < limit and not inflater.eof:
        raise EOFError("gzip-strømmen slutter for tidlig")
    return out


# --- metadata -------------------------------------------------------------------------------


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
        raise InputError(
            file, None, "dimension", f"metadata for tabell {table} fra SSB mangler «id» eller «dimension»."
        )
    out = []
    for i in ids:
        d = dims.get(i) if isinstance(i, str) else None
        if not isinstance(d, dict):
            raise InputError(file, None, "dimension", f"metadata for tabell {table}: dimensjonen «{i}» mangler.")
        ext = d.get("extension")
        if not isinstance(ext, dict):
            ext = {}
        out.append(
            Dimension(i, str(d.get("label", "")), jsonstat._categories(d, i, file), bool(ext.get("elimination", False)))
        )
    role = doc.get("role")
    if not isinstance(role, dict):
        role = {}
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
        out.append(
            Dimension(
                str(v.get("code")),
                str(v.get("text", "")),
                [(c, str(texts[n]) if n < len(texts) else c) for n, c in enumerate(codes)],
                bool(v.get("elimination", False)),
            )
        )
        if v.get("time"):
            role["time"] = [out[-1].id]
    return _with_roles(table, str(doc.get("title", "")), out, role)


def _with_roles(table: str, title: str, dims: list[Dimension], role: dict) -> TableMeta:
    ids = [d.id for d in dims]
    labels = {d.id: d.label for d in dims}

    def pick(key: str, candidates: tuple[str, ...]) -> str | None:
        found = [r for r in role.get(key) or [] if r in ids]
        return found[0] if found else jsonstat._pick(ids, None, candidates, labels)

    return TableMeta(
        table,
        title,
        dims,
        pick("geo", jsonstat.REGION_DIM_IDS),
        pick("time", jsonstat.TIME_DIM_IDS),
        pick("metric", jsonstat.METRIC_DIM_IDS),
    )
