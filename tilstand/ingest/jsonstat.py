"""JSON-stat (version 2, and the 1.x shape of older PxWeb APIs) -> cells.

Reads the structure (id, size, dimension.*.category.index/label, role, value, status) rather than
fixed names: real SSB responses differ in dimension ids between API versions and tables.
"""

from __future__ import annotations

import json
from itertools import product
from typing import Any

from tilstand.errors import InputError
from tilstand.fmt import number
from tilstand.ingest.cells import MAX_SSB_CELLS, SSB_SYMBOLS, Cell, ParsedTable, table_id_from_title, too_many_cells

REGION_DIM_IDS = ("kokkommuneregion0000", "kokbydelsregion0000", "kokfylkesregion0000", "region")
TIME_DIM_IDS = ("tid", "time", "year", "år")
METRIC_DIM_IDS = ("contentscode",)
# Counted in the bytes before json.loads builds anything: every JSON item but a container's first follows a comma,
# so these bound the Python objects a file can make. A table of MAX_SSB_CELLS cells has one value each and at most
# one status each; its dimensions are a few dozen objects and lists.
MAX_ITEMS = 2 * MAX_SSB_CELLS + 100_000
MAX_CONTAINERS = 100_000


def _load(data: bytes, file: str) -> dict[str, Any]:
    if data.count(b",") > MAX_ITEMS:
        raise too_many_cells(file)
    if data.count(b"{") + data.count(b"[") > MAX_CONTAINERS:  # `[{},{},…]` would cost 25 bytes a byte in json.loads
        raise InputError(
            file,
            None,
            None,
            f"filen har over {number(MAX_CONTAINERS)} JSON-objekter og -lister; et "
            "datasett fra SSBs API har noen titalls. Last ned filen på nytt fra SSB.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(file, None, None, "JSON-filen er ikke UTF-8. Last ned filen på nytt fra SSB.") from e
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(
            file,
            e.lineno,
            None,
            f"filen er ikke gyldig JSON (feil ved tegn {e.colno} på linjen). "
            "Er nedlastingen avbrutt? Last ned filen på nytt.",
        ) from e
    if not isinstance(doc, dict):
        raise InputError(file, None, None, "filen er JSON, men ikke et JSON-stat-datasett fra SSB.")
    if "dataset" in doc and isinstance(doc["dataset"], dict):  # JSON-stat 1.x
        ds = doc["dataset"]
        dims = ds.get("dimension", {})
        doc = {
            **ds,
            "id": dims.get("id"),
            "size": dims.get("size"),
            "role": dims.get("role", {}),
            "dimension": {k: v for k, v in dims.items() if k not in ("id", "size", "role")},
        }
    return doc


def _require(doc: dict, key: str, kind: type, file: str) -> Any:
    v = doc.get(key)
    if not isinstance(v, kind):
        raise InputError(
            file,
            None,
            key,
            f"JSON-stat-feltet «{key}» mangler eller har feil form. Filen ser ikke ut som et datasett fra SSBs API.",
        )
    return v


def _pick(ids: list[str], role: list[str] | None, candidates: tuple[str, ...], labels: dict[str, str]) -> str | None:
    if role:
        return role[0]
    for i in ids:
        if i.lower() in candidates or labels.get(i, "").lower() in candidates:
            return i
    return None


def _categories(dim: dict, dim_id: str, file: str) -> list[tuple[str, str]]:
    cat = dim.get("category") if isinstance(dim, dict) else None
    if not isinstance(cat, dict):
        raise InputError(file, None, f"dimension.{dim_id}", "dimensjonen mangler «category».")
    index = cat.get("index")
    raw_labels = cat.get("label")
    labels: dict[Any, Any] = raw_labels if isinstance(raw_labels, dict) else {}
    if isinstance(index, list):
        codes = list(index)
    elif isinstance(index, dict):
        codes = [c for c, _ in sorted(index.items(), key=lambda kv: kv[1])]
    elif isinstance(labels, dict) and len(labels) == 1:
        codes = list(labels)
    else:
        raise InputError(file, None, f"dimension.{dim_id}", "dimensjonen mangler «category.index».")
    return [(str(c), str(labels.get(c, c))) for c in codes]


def load(data: bytes, file: str) -> dict[str, Any]:
    """Decode and normalise (JSON-stat 1.x -> 2 shape) without interpreting the dimensions."""
    return _load(data, file)


def table_id(doc: dict[str, Any], file: str) -> tuple[str, str]:
    """(SSB table number, title) from extension.px.tableid or the 'NNNNN: …' label."""
    title = str(doc.get("label", ""))
    ext = doc.get("extension") or {}
    table = str((ext.get("px") or {}).get("tableid") or "") or table_id_from_title(title)
    if not table:
        raise InputError(
            file,
            None,
            "label",
            "finner ikke SSB-tabellnummeret (verken i extension.px.tableid eller i begynnelsen av «label»).",
        )
    return table, title


def parse(data: bytes, file: str) -> ParsedTable:
    return cells(load(data, file), file)


def _where(combo: tuple[tuple[str, str], ...], at_region: int, at_time: int) -> str:
    return f"region {combo[at_region][0]}, år {combo[at_time][0]}"


def cells(doc: dict[str, Any], file: str) -> ParsedTable:
    table, title = table_id(doc, file)
    ids = _require(doc, "id", list, file)
    size = _require(doc, "size", list, file)
    dims = _require(doc, "dimension", dict, file)
    if (
        len(ids) != len(size)
        or len(set(map(str, ids))) != len(ids)
        or any(not isinstance(i, str) or not isinstance(dims.get(i), dict) for i in ids)
        or any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in size)
    ):
        raise InputError(file, None, "id", "«id», «size» og «dimension» i JSON-stat-filen stemmer ikke overens.")
    raw_role = doc.get("role")
    role: dict[str, Any] = raw_role if isinstance(raw_role, dict) else {}
    role = {k: v for k, v in role.items() if isinstance(v, list) and v and all(x in ids for x in v)}
    dim_labels = {i: str(dims[i].get("label", "")) for i in ids}
    region_dim = _pick(ids, role.get("geo"), REGION_DIM_IDS, dim_labels)
    time_dim = _pick(ids, role.get("time"), TIME_DIM_IDS, dim_labels)
    metric_dim = _pick(ids, role.get("metric"), METRIC_DIM_IDS, dim_labels)
    for name, d in (("region", region_dim), ("tid/år", time_dim), ("statistikkvariabel", metric_dim)):
        if d is None:
            raise InputError(
                file,
                None,
                "dimension",
                f"tabell {table} har ingen {name}-dimensjon; Tilstand trenger region, år og statistikkvariabel.",
            )
    cats = [_categories(dims[i], i, file) for i in ids]
    if [len(c) for c in cats] != [int(s) if isinstance(s, int) else -1 for s in size]:
        raise InputError(file, None, "size", "«size» stemmer ikke med antall kategorier i dimensjonene.")
    n = 1
    for s in size:
        n *= s
    if n > MAX_SSB_CELLS:
        raise too_many_cells(file)
    values = doc.get("value")
    if isinstance(values, dict):  # sparse form
        values = [values.get(str(i)) for i in range(n)]
    if not isinstance(values, list):
        raise InputError(file, None, "value", "«value» mangler i JSON-stat-filen.")
    if len(values) != n:
        raise InputError(
            file,
            None,
            "value",
            f"filen har {len(values)} verdier, men dimensjonene gir {n}. "
            "Filen er trolig avkortet; last den ned på nytt.",
        )
    status = doc.get("status") or {}
    every = None  # one status for every cell
    if isinstance(status, list):
        status = {str(i): s for i, s in enumerate(status) if s}
    elif isinstance(status, str):
        status, every = {}, status
    out = ParsedTable(
        table=table,
        title=title,
        source="ssb_jsonstat",
        notes=[str(x) for x in (doc.get("note") or []) if isinstance(x, str)],
    )
    pos = {d: ids.index(d) for d in (region_dim, time_dim, metric_dim)}
    at_region, at_time, at_metric = pos[region_dim], pos[time_dim], pos[metric_dim]
    others = [i for i in ids if i not in pos]
    at_others = [ids.index(i) for i in others]
    dim_sets: dict[tuple, dict[str, tuple[str, str]]] = {}  # cells share their dimensions and years: a national
    years: dict[str, int] = {}  # table has hundreds of thousands of cells, but only a few of each
    cells_out = out.cells
    for flat, combo in enumerate(product(*cats)):  # the loop runs once per cell: nothing in it that need not be
        raw = values[flat]
        if raw is None:
            sym = status.get(str(flat), every) if status else every
            if sym is None:
                sym = ".."
            elif sym not in SSB_SYMBOLS:
                raise InputError(
                    file, flat + 1, "status", f"ukjent SSB-symbol «{sym}» ({_where(combo, at_region, at_time)})."
                )
            value = 0.0 if sym == "-" else None
        elif type(raw) is float or type(raw) is int:
            value, sym = float(raw), None
        elif isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise InputError(
                file, flat + 1, "value", f"«{str(raw)[:40]}» er ikke et tall ({_where(combo, at_region, at_time)})."
            )
        else:
            value, sym = float(raw), None
        year_code = combo[at_time][0]
        year = years.get(year_code)
        if year is None:
            try:
                year = years[year_code] = int(year_code[:4])
            except ValueError as e:
                raise InputError(file, flat + 1, time_dim, f"«{year_code}» er ikke et årstall.") from e
        key = tuple([combo[i] for i in at_others])
        dims = dim_sets.get(key)
        if dims is None:
            dims = dim_sets[key] = {i.lower(): c for i, c in zip(others, key, strict=False)}
        region, metric = combo[at_region], combo[at_metric]
        cells_out.append(Cell(region[0], region[1], year, metric[0], metric[1], dims, value, sym, flat + 1))
    return out
