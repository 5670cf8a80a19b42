"""What to ask PxWebApi for: per table, the content codes, dimension values, regions and years the catalogue's
mapping rows need (`build_query`), cut into queries within SSB's cell limit (`split`), and the answers to the
pieces put back together as one dataset (`merge`). No HTTP here: ssb_api.py asks."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

from tilstand import catalog, regions
from tilstand.errors import InputError
from tilstand.ingest import jsonstat, ssb
from tilstand.ingest.ssb_api import Dimension, FetchError, TableMeta, offline_advice


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


def build_query(
    meta: TableMeta,
    wanted_regions: Sequence[str],
    years: tuple[int, int],
    mapping: Sequence[catalog.MappingRow] | None = None,
) -> Query:
    """The selection the catalogue needs from one table: its content codes, the other dimensions the
    mapping names, our regions and years; dimensions SSB may eliminate and the mapping ignores are left out."""
    table = meta.table
    rows = [m for m in (catalog.ssb_mapping() if mapping is None else mapping) if m.table == table]
    region_id = _required(table, "region", meta.region)
    time_id = _required(table, "år", meta.time)
    metric_id = _required(table, "statistikkvariabel", meta.metric)
    warnings: list[str] = []
    selection: dict[str, list[str]] = {}
    lo, hi = years
    for dim in meta.dims:
        codes = [c for c, _ in dim.codes]
        if dim.id == region_id:
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
                raise FetchError(
                    table,
                    f"SSB-tabell {table} har ingen av regionene {', '.join(wanted_regions)}. "
                    "Kontroller kommunenumrene.",
                )
            selection[dim.id] = list(dict.fromkeys(chosen))
        elif dim.id == time_id:
            chosen = [c for c in codes if c[:4].isdigit() and lo <= int(c[:4]) <= hi]
            if not chosen:
                have = f"{codes[0]}–{codes[-1]}" if codes else "ingen år"
                raise FetchError(table, f"SSB-tabell {table} har ingen tall for {lo}–{hi} (tabellen har {have}).")
            selection[dim.id] = chosen
        elif dim.id == metric_id:
            want = list(dict.fromkeys(m.contents_code for m in rows))
            chosen = [c for c in codes if c in want]
            if not chosen:
                raise FetchError(
                    table,
                    f"SSB-tabell {table} har ingen av statistikkvariablene katalogen venter "
                    f"({', '.join(want)}); koblingen i ssb_mapping.csv må rettes. "
                    f"{offline_advice(table)}",
                )
            if len(chosen) < len(want):
                warnings.append(
                    f"tabell {table} mangler statistikkvariablene {', '.join(w for w in want if w not in chosen)}"
                )
            selection[dim.id] = chosen
        else:
            named = [_wanted(m, dim) for m in rows]
            wants = [w for w in named if w is not None]
            if wants and len(wants) == len(named):
                chosen = [c for c, label in dim.codes if any(ssb._value_matches(w, c, label) for w in wants)]
                if not chosen:
                    raise FetchError(
                        table,
                        f"SSB-tabell {table}: dimensjonen {dim.id} har ingen av verdiene "
                        f"katalogen venter ({', '.join(dict.fromkeys(wants))}).",
                    )
                selection[dim.id] = chosen
            elif not dim.elimination:
                # SSB needs a value and the catalogue names none: the first is, by SSB's habit, the total
                selection[dim.id] = codes[:1]
                warnings.append(f"tabell {table}: valgte «{dim.codes[0][1]}» for {dim.label or dim.id}")
    chosen_years = [int(c[:4]) for c in selection[time_id]]
    return Query(table, selection, (min(chosen_years), max(chosen_years)), warnings)


def _required(table: str, name: str, dim_id: str | None) -> str:
    """The id of a dimension the query cannot do without; without it the table must be imported as a file."""
    if dim_id is None:
        raise FetchError(
            table,
            f"SSB-tabell {table} har ingen {name}-dimensjon i metadataene; Tilstand kan "
            f"ikke hente den automatisk. {offline_advice(table)}",
        )
    return dim_id


def _wanted(m: catalog.MappingRow, dim: Dimension) -> str | None:
    """The value the mapping row names for this dimension, or None when it names none."""
    key = _sel_key(m, dim)
    return None if key is None else dict(m.selection).get(key)


def _sel_key(m: catalog.MappingRow, dim: Dimension) -> tuple[str, ...] | None:
    for names, _ in m.selection:
        if dim.id.lower() in names or dim.label.lower() in names:
            return names
    return None


def split(
    selection: dict[str, list[str]], order: Sequence[str], max_cells: int, table: str = ""
) -> list[dict[str, list[str]]]:
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
            return [{**selection, dim: values[i : i + step]} for i in range(0, len(values), step)]
        return [part for v in values for part in split({**selection, dim: [v]}, order[n + 1 :], max_cells, table)]
    raise FetchError(
        table,
        f"spørringen mot tabell {table} gir {cells} celler for én region og ett år, mer enn "
        f"SSB tillater ({max_cells}). Koblingen i ssb_mapping.csv bør velge færre verdier.",
    )


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
        doc_cats = [jsonstat._categories(dims.get(i) or {}, i, file) for i in ids]  # {}: "mangler category"
        for i, cs in zip(ids, doc_cats, strict=True):
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
            cells[tuple(c for c, _ in combo)] = (
                values[flat],
                status.get(str(flat)) if isinstance(status, dict) else None,
            )
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
