"""A stand-in for SSB's PxWebApi (v2 and v0) on 127.0.0.1, for the live-fetch tests and never the real SSB.

It answers in SSB's real shape — the JSON-stat2 of the saved v2 response in tests/data/formats/real
(`note`, `role.geo`, `extension.px`, `elimination` per dimension), adapted to the table, regions and
years asked for — checks queries as SSB does (unknown codes, a required variable left out, too many
cells), records every request with its arrival time, and can be told to fail: a status (503, 429 with
Retry-After), a hang, or a broken body.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
import time
import zlib
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.conftest import REAL

V2 = "/api/pxwebapi/v2"
V0 = "/api/v0/no"
REAL_V2 = json.loads((REAL / "ssb_12134_pxwebv2_jsonstat2_2024.json").read_text(encoding="utf-8"))
KLASS = json.loads((REAL / "ssb_klass131_codesAt_2026-01-01.json").read_text(encoding="utf-8"))
MUNICIPALITIES = [(c["code"], c["name"]) for c in KLASS["codes"] if c["code"] != "9999"]
COUNTIES = sorted({code[:2] for code, _ in MUNICIPALITIES})
KOSTRA_REGIONS = (
    [("EAK", "Landet"), ("EAKUO", "Landet uten Oslo")]
    + [(f"EKA{c}", f"Fylke {c}") for c in COUNTIES]
    + [(f"EKG{n:02d}", f"KOSTRA-gruppe {n}") for n in range(1, 18)]
    + MUNICIPALITIES
)
YEARS = [(str(y), str(y)) for y in range(2015, 2025)]


@dataclass
class Dim:
    id: str
    label: str
    codes: list[tuple[str, str]]
    elimination: bool = False
    show: str = "value"


@dataclass
class Table:
    id: str
    title: str
    dims: list[Dim]
    units: dict[str, tuple[str, int]]  # content code -> (base, decimals)

    def dim(self, dim_id: str) -> Dim:
        return next(d for d in self.dims if d.id == dim_id)


TABLES = {
    "12275": Table(
        "12275",
        "12275: Barn med barnevernstiltak i løpet av året og per 31. desember, etter region, "
        "alder, funksjon, statistikkvariabel og år",
        [
            Dim("KOKkommuneregion0000", "region", KOSTRA_REGIONS, show="code_value"),
            Dim("KOKalder0000", "alder", [("F000-017", "0-17 år"), ("F000-022", "0-22 år")]),
            Dim(
                "KOKbvfunksjon0000",
                "funksjon",
                [
                    ("0", "Tiltak i alt"),
                    ("1", "251 Barn som ikke er plassert av barnevernet"),
                    ("2", "252 Barn som er plassert av barnevernet"),
                ],
            ),
            Dim(
                "ContentsCode",
                "statistikkvariabel",
                [
                    ("KOSbvbarntiltaka0000", "Barn med barnevernstiltak i løpet av året (antall)"),
                    (
                        "KOSbvbarntiltaka0001",
                        "Barn med barnevernstiltak i løpet av året i prosent av innbyggere 0-17 år (prosent)",
                    ),
                ],
            ),
            Dim("Tid", "år", YEARS, show="code"),
        ],
        {"KOSbvbarntiltaka0000": ("antall", 0), "KOSbvbarntiltaka0001": ("prosent", 1)},
    ),
    "12286": Table(
        "12286",
        "12286: Barn med undersøkelse og prosentdelen barn med undersøkelse, etter region, statistikkvariabel og år",
        [
            Dim("KOKkommuneregion0000", "region", KOSTRA_REGIONS, show="code_value"),
            Dim(
                "ContentsCode",
                "statistikkvariabel",
                [
                    ("KOSbvbarnus0000", "Barn med undersøkelse (antall)"),
                    ("KOSbvbarnuspinnb0000", "Barn med undersøkelse i prosent av innbyggere 0-17 år (prosent)"),
                ],
            ),
            Dim("Tid", "år", YEARS, show="code"),
        ],
        {"KOSbvbarnus0000": ("antall", 0), "KOSbvbarnuspinnb0000": ("prosent", 1)},
    ),
    # a population table: 'Region' with the country as '0' and no EKA/EAK codes, Kjonn and Alder that SSB may
    # eliminate
    "07459": Table(
        "07459",
        "07459: Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
        [
            Dim(
                "Region",
                "region",
                [("0", "Hele landet")] + [(c, c) for c in COUNTIES] + MUNICIPALITIES,
                elimination=True,
                show="code_value",
            ),
            Dim("Kjonn", "kjønn", [("1", "Menn"), ("2", "Kvinner")], elimination=True),
            Dim(
                "Alder",
                "alder",
                [(f"{a:03d}", f"{a} år") for a in range(0, 105)] + [("105+", "105 år eller eldre")],
                elimination=True,
            ),
            Dim("ContentsCode", "statistikkvariabel", [("Personer1", "Personer")]),
            Dim("Tid", "år", YEARS, show="code"),
        ],
        {"Personer1": ("personer", 0)},
    ),
}


def value(table: str, key: dict[str, str]) -> tuple[float | None, str | None]:
    """A stable made-up number for one cell (with now and then a suppressed ':' one)."""
    h = zlib.crc32(json.dumps([table, sorted(key.items())]).encode())
    if h % 41 == 0:
        return None, ":"
    content = key.get("ContentsCode", "")
    if content.endswith("0001") or "pinnb" in content:
        return round((h % 900) / 100 + 0.5, 1), None
    return float(h % 5000), None


@dataclass
class Request:
    at: float
    method: str
    path: str
    query: dict[str, list[str]]
    body: dict | None
    status: int = 200
    response: bytes = b""

    @property
    def kind(self) -> str:
        if self.path.endswith("/config"):
            return "config"
        if self.path.endswith("/metadata") or (self.path.startswith(V0) and self.method == "GET"):
            return "metadata"
        return "data"

    @property
    def selection(self) -> dict[str, list[str]]:
        if not self.body:
            return {}
        if "selection" in self.body:
            return {s["variableCode"]: s["valueCodes"] for s in self.body["selection"]}
        return {q["code"]: q["selection"]["values"] for q in self.body["query"]}

    @property
    def cells(self) -> int:
        n = 1
        for v in self.selection.values():
            n *= len(v)
        return n


@dataclass
class FakeSSB:
    max_cells: int = 800_000
    max_calls: int = 0  # /config maxCallsPerTimeWindow and timeWindow; 0: none said
    time_window: float = 0
    requests: list[Request] = field(default_factory=list)
    plan: deque = field(default_factory=deque)  # (kind, status (0: as usual), headers, body | None, hang seconds)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    tables: dict[str, Table] = field(default_factory=lambda: dict(TABLES))  # a test may change one of its own

    def with_contents(self, table: str, renamed: dict[str, str]) -> None:
        """Table `table` as if SSB had renamed content codes (old -> new): a mapping that no longer fits."""
        t = copy.deepcopy(self.tables[table])
        contents = t.dim("ContentsCode")
        contents.codes = [(renamed.get(c, c), label) for c, label in contents.codes]
        t.units = {renamed.get(c, c): u for c, u in t.units.items()}
        self.tables[table] = t

    @property
    def v2_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{V2}"

    @property
    def v0_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{V0}"

    def fail(self, kind: str = "data", status: int = 503, headers: dict | None = None, times: int = 1) -> None:
        for _ in range(times):
            self.plan.append((kind, status, headers or {}, None, 0.0))

    def hang(self, kind: str = "data", seconds: float = 5.0, times: int = 5) -> None:
        for _ in range(times):
            self.plan.append((kind, 200, {}, None, seconds))

    def answer(self, body: bytes, kind: str = "data", times: int = 1) -> None:
        for _ in range(times):
            self.plan.append((kind, 200, {}, body, 0.0))

    def as_usual(self, kind: str = "data", times: int = 1) -> None:
        """A place in the plan for ordinary answers, so the next planned failure hits a later request."""
        for _ in range(times):
            self.plan.append((kind, 0, {}, None, 0.0))

    def of(self, kind: str) -> list[Request]:
        return [r for r in self.requests if r.kind == kind]

    def _planned(self, kind: str):
        with self.lock:
            for n, entry in enumerate(self.plan):
                if entry[0] in (kind, "any"):
                    del self.plan[n]
                    return entry
        return None

    # --- SSB's answers ---------------------------------------------------------------------------------
    def config(self) -> dict:
        return {
            "apiVersion": "2.0.0",
            "languages": [{"id": "no", "label": "Norsk"}],
            "defaultLanguage": "no",
            "maxDataCells": self.max_cells,
            "maxCallsPerTimeWindow": self.max_calls,
            "timeWindow": self.time_window,
            "defaultDataFormat": "json-stat2",
            "dataFormats": ["json-stat2", "csv"],
        }

    def _head(self, t: Table, v0: bool) -> dict:
        ext = copy.deepcopy(REAL_V2["extension"])
        ext["px"].update(
            {
                "tableid": t.id,
                "contents": t.title.split(",")[0],
                "matrix": t.id,
                "heading": ["ContentsCode", "Tid"],
                "stub": [t.dims[0].id],
            }
        )
        region = next(d.id for d in t.dims if d.label == "region")
        head = {
            "version": "2.0",
            "class": "dataset",
            "label": t.title,
            "source": REAL_V2["source"],
            "updated": "2025-06-16T06:00:00Z",
        }
        if v0:
            return {
                **head,
                "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
                "extension": {"px": {"infofile": "None", "tableid": t.id, "decimals": 0}},
            }
        return {
            **head,
            "note": REAL_V2["note"][1:3],
            "role": {"time": ["Tid"], "geo": [region], "metric": ["ContentsCode"]},
            "extension": ext,
        }

    def _dimension(self, t: Table, d: Dim, codes: list[str]) -> dict:
        labels = dict(d.codes)
        category = {"index": {c: n for n, c in enumerate(codes)}, "label": {c: labels[c] for c in codes}}
        if d.id == "ContentsCode":
            category["unit"] = {c: {"base": t.units[c][0], "decimals": t.units[c][1]} for c in codes}
        return {
            "label": d.label,
            "category": category,
            "extension": {"elimination": d.elimination, "show": d.show, "codelists": []},
        }

    def metadata_v2(self, t: Table) -> dict:
        doc = self._head(t, v0=False)
        doc["id"] = [d.id for d in t.dims]
        doc["size"] = [len(d.codes) for d in t.dims]
        doc["dimension"] = {d.id: self._dimension(t, d, [c for c, _ in d.codes]) for d in t.dims}
        return doc

    def metadata_v0(self, t: Table) -> dict:
        return {
            "title": t.title,
            "variables": [
                {
                    "code": d.id,
                    "text": d.label,
                    "values": [c for c, _ in d.codes],
                    "valueTexts": [label for _, label in d.codes],
                    **({"elimination": True} if d.elimination else {}),
                    **({"time": True} if d.id == "Tid" else {}),
                }
                for d in t.dims
            ],
        }

    def data(self, t: Table, selection: dict[str, list[str]], v0: bool) -> tuple[int, dict | str]:
        """JSON-stat2 for a selection, or (400/403, message) as SSB refuses a bad query."""
        chosen = []
        for d in t.dims:
            codes = selection.get(d.id)
            if codes is None:
                if not d.elimination:
                    return 400, f"Variable {d.id} must be selected"
                continue
            if codes == ["*"]:
                codes = [c for c, _ in d.codes]
            known = {c for c, _ in d.codes}
            bad = [c for c in codes if c not in known]
            if bad:
                return 400, f"Non-existent value(s) {bad} for variable {d.id}"
            chosen.append((d, [c for c, _ in d.codes if c in codes]))  # SSB answers in the table's order
        unknown = set(selection) - {d.id for d in t.dims}
        if unknown:
            return 400, f"Non-existent variable(s) {sorted(unknown)}"
        n = 1
        for _, codes in chosen:
            n *= len(codes)
        if n > self.max_cells:
            return 403, f"Too many cells selected ({n} > {self.max_cells})"
        doc = self._head(t, v0)
        doc["id"] = [d.id for d, _ in chosen]
        doc["size"] = [len(c) for _, c in chosen]
        doc["dimension"] = {d.id: self._dimension(t, d, codes) for d, codes in chosen}
        values, status = [], {}
        for flat, combo in enumerate(itertools.product(*(codes for _, codes in chosen))):
            v, s = value(t.id, {d.id: c for (d, _), c in zip(chosen, combo, strict=True)})
            values.append(v)
            if s:
                status[str(flat)] = s
        doc["value"] = values
        if status:
            doc["status"] = status
        return 200, doc


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle(None)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"unparseable": raw.decode("utf-8", "replace")}
        self._handle(body)

    def _handle(self, body: dict | None) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        req = Request(time.monotonic(), self.command, parts.path, parse_qs(parts.query), body)
        with fake.lock:
            fake.requests.append(req)
        planned = fake._planned(req.kind)
        if planned and planned[1]:
            _, status, headers, payload, hang = planned
            if hang:
                fake.stop.wait(hang)
                return self._send(req, 200, b'{"too":"late"}', {})
            if payload is not None:
                return self._send(req, status, payload, headers)
            return self._send(req, status, json.dumps({"title": "error", "status": status}).encode(), headers)
        status, doc = self._route(req)
        payload = json.dumps(doc, ensure_ascii=False).encode("utf-8") if isinstance(doc, dict) else doc.encode()
        self._send(req, status, payload, {})

    def _route(self, req: Request) -> tuple[int, dict | str]:
        fake = self.server.fake
        if req.path == f"{V2}/config":
            return 200, fake.config()
        m = re.fullmatch(rf"{V2}/tables/(\d+)/(metadata|data)", req.path) or re.fullmatch(
            rf"{V0}/table/(\d+)()", req.path
        )
        if not m:
            return 404, "Not found"
        table = fake.tables.get(m.group(1))
        if table is None:
            return 404, f"Table {m.group(1)} not found"
        v0 = req.path.startswith(V0)
        if req.method == "GET":
            return 200, (fake.metadata_v0(table) if v0 else fake.metadata_v2(table))
        if not v0 and req.query.get("outputFormat") != ["json-stat2"]:
            return 400, "outputFormat must be json-stat2 here"
        if v0 and (req.body or {}).get("response", {}).get("format") != "json-stat2":
            return 400, "response.format must be json-stat2 here"
        return fake.data(table, req.selection, v0)

    def _send(self, req: Request, status: int, payload: bytes, headers: dict) -> None:
        req.status, req.response = status, payload
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for k, v in headers.items():
                self.send_header(k, str(v))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSSB


def start(fake: FakeSSB | None = None) -> tuple[FakeSSB, _Server]:
    fake = fake or FakeSSB()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    fake.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server


def stop(fake: FakeSSB, server: _Server) -> None:
    fake.stop.set()
    server.shutdown()
    server.server_close()


if __name__ == "__main__":  # run by hand: python -m tests.fake_ssb  (Ctrl-C to stop)
    f, s = start()
    print(f"Fake SSB on {f.v2_url} (v2) and {f.v0_url} (v0)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        stop(f, s)
