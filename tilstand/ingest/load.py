"""Writing parsed observations to the store: one transaction, provenance, derived indicators.

Every importer ends by calling write(); its job is the same for all sources: refuse a file already
imported (same sha256), add regions the file taught us, upsert only the values that changed,
recompute derived indicators for the region-years touched, and log the import.
"""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import polars as pl

from tilstand import catalog, store, suppression, words
from tilstand.access import Actor, PermissionDenied, record, require
from tilstand.errors import TilstandError
from tilstand.regions import RegionRef

OBS_SCHEMA = {"indicator_id": pl.Utf8, "region_code": pl.Utf8, "year": pl.Int32, "value": pl.Float64, "status": pl.Utf8}


@dataclass
class ImportResult:
    file_name: str
    import_id: int | None
    rows: int
    inserted: int
    updated: int
    unchanged: int
    already_imported: bool = False
    previous_import: tuple[int, datetime] | None = None
    new_regions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.inserted + self.updated

    def summary_nb(self) -> str:
        if self.already_imported:
            assert self.previous_import is not None  # already_imported always names the earlier import
            n, when = self.previous_import
            return f"{self.file_name}: allerede importert (import nr. {n}, {words.when(when)}). Ingenting endret."
        parts = [
            f"{self.file_name}: {self.rows} verdier lest, {self.inserted} nye, {self.updated} endret, "
            f"{self.unchanged} uendret"
        ]
        if self.new_regions:
            parts.append(f"{len(self.new_regions)} nye regioner lagt til i registeret")
        return "; ".join(parts) + "."


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- who may write and undo what -----------------------------------------------------------------------------
# Public statistics (SSB, Bufdir) are the same for everyone, so any leader may import them for all; the
# municipality's own figures (staff, surveys, 10-FAKTOR, registers) only a leader of that municipality.
SHARED_SOURCES = ("ssb", "bufdir")


def is_shared(source: str) -> bool:
    return source.startswith(SHARED_SOURCES)


def municipalities_of(cur: duckdb.DuckDBPyConnection, regions: Sequence[str]) -> set[str]:
    """The municipalities whose own numbers these regions are: a district is its municipality's, a service's
    figure is its members'; counties, KOSTRA groups and the country are nobody's own."""
    kinds = dict(
        cur.execute("SELECT code, kind FROM region WHERE list_contains($r, code)", {"r": list(regions)}).fetchall()
    )
    members: dict[str, list[str]] = {}
    for sid, member in cur.execute("SELECT service_id, region_code FROM service_member").fetchall():
        members.setdefault(sid, []).append(member)
    out: set[str] = set()
    for code in regions:
        kind = kinds.get(code, "municipality" if code.isdigit() and len(code) == 4 else None)
        if kind == "municipality":
            out.add(code)
        elif kind == "district":
            out.add(code[:4])
        elif kind == "service" or code in members:
            out.update(members.get(code, []))
    return out


def _outside(actor: Actor, municipalities: set[str]) -> list[str]:
    return sorted(m for m in municipalities if not actor.can("import", m))


def require_scope(
    con: duckdb.DuckDBPyConnection, actor: Actor, source: str, regions: Sequence[str], file_name: str
) -> None:
    """Refuse (audited, nothing written) a file of a municipality's own figures for a municipality the person
    has no import right in. Checked for the preview too: what another municipality has stored is not read."""
    require(con, actor, "import", target=file_name)
    if is_shared(source):
        return
    outside = _outside(actor, municipalities_of(con.cursor(), regions))
    if outside:
        record(
            con.cursor(),
            actor,
            "import",
            region=outside[0],
            target=file_name,
            detail=f"nektet: egne tall for {', '.join(outside)}",
            allowed=False,
        )
        raise PermissionDenied(actor, "import", ", ".join(outside))


def _previous(cur: duckdb.DuckDBPyConnection, digest: str) -> tuple[int, datetime] | None:
    row = cur.execute(
        "SELECT id, imported_at FROM import_log WHERE sha256 = ? AND undone_at IS NULL ORDER BY id LIMIT 1", [digest]
    ).fetchone()
    return (row[0], row[1]) if row else None


def _add_regions(cur: duckdb.DuckDBPyConnection, refs: Sequence[RegionRef], file_name: str) -> list[str]:
    known = {r[0] for r in cur.execute("SELECT code FROM region").fetchall()}
    new = [r for r in refs if r.code not in known]
    if not new:
        return []
    cur.executemany(
        "INSERT INTO region (code, name, kind, county_code, source) VALUES (?, ?, ?, ?, ?)",
        [
            [
                r.code,
                r.name,
                r.kind,
                r.code[:2] if r.kind in ("municipality", "county", "district") else None,
                f"lagt til fra import av {file_name}",
            ]
            for r in new
        ],
    )
    return [r.code for r in new]


def _boundary_warnings(cur: duckdb.DuckDBPyConnection, incoming: pl.DataFrame) -> list[str]:
    """Years before a municipality's current boundaries: say so, so no one reads them as like-for-like."""
    rows = cur.execute(
        """SELECT r.code, r.name, r.boundary_from, min(i.year), max(i.year)
           FROM incoming i JOIN region r ON r.code = i.region_code
           WHERE r.kind = 'municipality' AND r.boundary_from IS NOT NULL AND i.year < r.boundary_from
           GROUP BY ALL ORDER BY r.code"""
    ).fetchall()
    return [
        f"{code} {name}: tallene for {lo}–{hi} gjelder dagens kommunegrenser (fra {vf}), ikke kommunen slik den var da."
        for code, name, vf, lo, hi in rows
    ]


DERIVE_SQL = """
WITH touched AS (  -- with a denominator of the next year, a file's year Y also moves the rate of Y-1
    SELECT DISTINCT region_code, year - s AS year FROM incoming, range(0, $shift + 1) r(s)
),
inputs AS (
    SELECT t.region_code, t.year, o.indicator_id, o.value, o.status
    FROM observation o JOIN touched t ON o.region_code = t.region_code
     AND o.year - CASE WHEN list_contains($next_year, o.indicator_id) THEN 1 ELSE 0 END = t.year
    WHERE list_contains($inputs, o.indicator_id)
),
agg AS (
    SELECT region_code, year,
           count(DISTINCT indicator_id) AS n_inputs,
           sum(value) FILTER (WHERE list_contains($numerator, indicator_id)) AS num,
           sum(value) FILTER (WHERE list_contains($denominator, indicator_id)) AS den,
           bool_or(value IS NULL) AS any_missing,
           bool_or(status = ':') AS any_confidential,
           bool_or(status = 'x') AS any_suppressed,  -- hidden at the source (Bufdir's «x»): so is the result
           bool_or(status = 'x..') AS any_hidden_or_missing,  -- Bufdir's «..»: the result is the same
           coalesce(bool_and(status = '.') FILTER (WHERE value IS NULL), FALSE) AS all_not_applicable
    FROM inputs GROUP BY region_code, year
)
INSERT INTO observation
SELECT $id_out, region_code, year,
       CASE WHEN any_missing OR den = 0 OR n_inputs < len($inputs) THEN NULL
            ELSE round(CAST(num / den * $factor AS DECIMAL(38, 8)), $decimals)::DOUBLE END,
       CASE WHEN any_confidential THEN ':'
            WHEN any_suppressed THEN 'x'
            WHEN any_hidden_or_missing THEN 'x..'
            WHEN n_inputs < len($inputs) THEN '..'  -- a result stored before that no longer holds (below)
            WHEN any_missing AND all_not_applicable THEN '.'
            WHEN any_missing THEN '..'
            WHEN den = 0 THEN '.'
            ELSE NULL END,
       $import_id
FROM agg
WHERE n_inputs = len($inputs)  -- an input not imported yet: nothing to say about this region-year,
   OR any_confidential OR any_suppressed OR any_hidden_or_missing  -- unless a hidden input hides it anyway,
   -- or a result is stored that the inputs no longer give (a half-year first hidden, now shown, while the
   -- other half is still to come): it becomes missing rather than keep the old hidden mark
   OR EXISTS (SELECT 1 FROM observation x WHERE x.indicator_id = $id_out AND x.region_code = agg.region_code
                                             AND x.year = agg.year)
ON CONFLICT (indicator_id, region_code, year) DO UPDATE
SET value = excluded.value, status = excluded.status, import_id = excluded.import_id
WHERE observation.value IS DISTINCT FROM excluded.value OR observation.status IS DISTINCT FROM excluded.status
"""


def _derived_from(indicators: Sequence[str]) -> list[catalog.Derived]:
    """The derived indicators built on any of these: the only ones a write of them can change (in the file's
    years and, for a rate on the next year's population, the year before: `_years_moved`)."""
    given = set(indicators)
    return [d for d in catalog.derived() if given & {*d.numerator, *d.denominator}]


def _years_moved(years: Sequence[int], indicators: Sequence[str]) -> list[int]:
    """The years a write of these indicators in these years can change: a population of year Y is the end of
    year Y-1, so it moves the rates of Y-1 built on it too."""
    shift = max((d.denominator_year for d in _derived_from(indicators)), default=0)
    return sorted({y - s for y in years for s in range(shift + 1)})


def _changed_years(
    cur: duckdb.DuckDBPyConnection, import_id: int, incoming: pl.DataFrame, indicators: Sequence[str], new_regions: bool
) -> list[int]:
    """The years whose suppression must be decided again: those where the write changed a value (its own or a
    derived one; a decision for a year reads that year's cells only), or every year it may move when it added
    regions (a new service or district changes who adds up to whom). A national table fetched again for ten
    years after SSB added the newest one changes that one year, not ten."""
    if new_regions:
        return _years_moved(incoming["year"].unique().to_list(), indicators)
    return [
        r[0] for r in cur.execute("SELECT DISTINCT year FROM observation WHERE import_id = ?", [import_id]).fetchall()
    ]


def _written(indicators: Sequence[str]) -> set[str]:
    """The indicators a write may change: the file's own and those derived from them."""
    return set(indicators) | {d.indicator_id for d in _derived_from(indicators)}


def _derive(cur: duckdb.DuckDBPyConnection, import_id: int, indicators: Sequence[str]) -> None:
    """Recompute derived indicators (shares from numerator and denominator, never averaged) for the
    region-years this import touched. A missing or suppressed input makes the result missing/suppressed."""
    for d in _derived_from(indicators):
        cur.execute(
            DERIVE_SQL,
            {
                "inputs": sorted({*d.numerator, *d.denominator}),
                "numerator": list(d.numerator),
                "denominator": list(d.denominator),
                "factor": d.factor,
                "decimals": d.decimals,
                "id_out": d.indicator_id,
                "import_id": import_id,
                "shift": d.denominator_year,
                "next_year": list(d.next_year_inputs),
            },
        )


def write(
    con: duckdb.DuckDBPyConnection,
    *,
    data: bytes,
    file_name: str,
    source: str,
    observations: Sequence[tuple[str, str, int, float | None, str | None]],
    regions: Sequence[RegionRef] = (),
    ssb_table: str | None = None,
    sample: bool = False,
    imported_by: str | None = None,
    actor: Actor,
) -> ImportResult:
    """All-or-nothing write of one file's observations. Public statistics may be imported by any leader for
    everyone; a municipality's own figures only by a leader of that municipality."""
    incoming = pl.DataFrame(list(observations), schema=OBS_SCHEMA, orient="row")
    require_scope(con, actor, source, incoming["region_code"].unique().to_list(), file_name)
    digest = sha256(data)
    user = imported_by or (getpass.getuser() if actor.system else actor.username)
    with store.transaction(con) as cur:
        prev = _previous(cur, digest)
        if prev:
            return ImportResult(
                file_name, None, incoming.height, 0, 0, incoming.height, already_imported=True, previous_import=prev
            )
        new_regions = _add_regions(cur, regions, file_name)
        cur.register("incoming", incoming)
        inserted, updated = store.one(
            cur,
            """SELECT count(*) FILTER (WHERE o.indicator_id IS NULL),
                      count(*) FILTER (WHERE o.indicator_id IS NOT NULL AND
                                       (o.value IS DISTINCT FROM i.value OR o.status IS DISTINCT FROM i.status))
               FROM incoming i LEFT JOIN observation o USING (indicator_id, region_code, year)""",
        )
        import_id = store.scalar(
            cur,
            """INSERT INTO import_log (source, file_name, sha256, ssb_table, rows, changed, sample,
                                       imported_at, imported_by)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [source, file_name, digest, ssb_table, incoming.height, inserted + updated, sample, datetime.now(), user],
        )
        written = incoming["indicator_id"].unique().to_list()
        _remember_before(cur, import_id, written)
        cur.execute(
            """INSERT INTO observation
               SELECT indicator_id, region_code, year, value, status, $id FROM incoming
               ON CONFLICT (indicator_id, region_code, year) DO UPDATE
               SET value = excluded.value, status = excluded.status, import_id = excluded.import_id
               WHERE observation.value IS DISTINCT FROM excluded.value
                  OR observation.status IS DISTINCT FROM excluded.status""",
            {"id": import_id},
        )
        _derive(cur, import_id, written)
        suppression.refresh(
            cur, _changed_years(cur, import_id, incoming, written, bool(new_regions)), _written(written)
        )
        _forget_unchanged(cur, import_id)
        warnings = _boundary_warnings(cur, incoming)
        cur.unregister("incoming")
        record(
            cur,
            actor,
            "import",
            target=f"import:{import_id}",
            detail=f"{file_name}: {incoming.height} verdier, {inserted} nye, {updated} endret",
        )
    return ImportResult(
        file_name,
        import_id,
        incoming.height,
        inserted,
        updated,
        incoming.height - inserted - updated,
        new_regions=new_regions,
        warnings=warnings,
    )


# --- undo -------------------------------------------------------------------------------------------------

REMEMBER_SQL = """
INSERT INTO import_change
SELECT $id, k.indicator_id, k.region_code, k.year, o.value, o.status, o.import_id, o.indicator_id IS NOT NULL
FROM (SELECT indicator_id, region_code, year FROM incoming
      UNION
      SELECT d.id, t.region_code, t.year - d.shift
      FROM (SELECT DISTINCT region_code, year FROM incoming) t,
           (SELECT unnest($derived) AS id, unnest($shifts) AS shift) d) k
LEFT JOIN observation o USING (indicator_id, region_code, year)
"""


def _remember_before(cur: duckdb.DuckDBPyConnection, import_id: int, indicators: Sequence[str]) -> None:
    """Every value this import may write (its own and the derived ones), as it was before."""
    # a rate on the next year's population is remembered for the file's years and the year before
    pairs = [(d.indicator_id, s) for d in _derived_from(indicators) for s in range(d.denominator_year + 1)]
    cur.execute(REMEMBER_SQL, {"id": import_id, "derived": [i for i, _ in pairs], "shifts": [s for _, s in pairs]})


def _forget_unchanged(cur: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """Keep only what the import actually changed: an unchanged value still carries its old import id."""
    cur.execute(
        """DELETE FROM import_change c WHERE c.import_id = $id AND NOT EXISTS (
                       SELECT 1 FROM observation o WHERE o.indicator_id = c.indicator_id
                         AND o.region_code = c.region_code AND o.year = c.year AND o.import_id = $id)""",
        {"id": import_id},
    )


class UndoError(TilstandError):
    """The import cannot be undone as asked; nothing was changed."""


@dataclass(frozen=True)
class UndoResult:
    import_id: int
    file_name: str
    restored: int  # values put back to what they were before the import
    removed: int  # values the import had added

    def summary_nb(self) -> str:
        return (
            f"Importen av «{self.file_name}» (nr. {self.import_id}) er angret: {self.restored} verdier satt "
            f"tilbake til det de var før, {self.removed} verdier fjernet."
        )


def touched(con: duckdb.DuckDBPyConnection, import_id: int) -> set[str]:
    """The municipalities whose own numbers an import changed."""
    cur = con.cursor()
    regions = [
        r[0]
        for r in cur.execute(
            "SELECT DISTINCT region_code FROM import_change WHERE import_id = ?", [import_id]
        ).fetchall()
    ]
    return municipalities_of(cur, regions)


def may_undo(con: duckdb.DuckDBPyConnection, actor: Actor, import_id: int) -> bool:
    """Undo takes numbers out of every report the import touched: it needs the import right in each of those
    municipalities. An import of comparison figures only (county, country) is the importer's, or everyone's."""
    if actor.system or actor.regions("import") is None:
        return True
    municipalities = touched(con, import_id)
    if municipalities:
        return not _outside(actor, municipalities)
    row = con.cursor().execute("SELECT imported_by FROM import_log WHERE id = ?", [import_id]).fetchone()
    return row is not None and row[0] == actor.username


def _require_undo_scope(con: duckdb.DuckDBPyConnection, actor: Actor, import_id: int) -> None:
    if may_undo(con, actor, import_id):
        return
    municipalities = touched(con, import_id)
    mine = len(municipalities) - len(_outside(actor, municipalities))
    record(
        con.cursor(),
        actor,
        "undo_import",
        target=f"import:{import_id}",
        detail=f"nektet: endret tall for {len(municipalities)} kommuner",
        allowed=False,
    )
    raise UndoError(
        f"Import nr. {import_id} endret tall for {len(municipalities)} kommuner, og du har importrett i "
        f"{mine} av dem. Å angre den tar tallene ut av rapportene til alle disse kommunene, så bare en "
        "barnevernleder med importrett i alle kan angre den (for eksempel en med tilgang til alle kommuner). "
        "Importer heller en rettet fil: den erstatter tallene som er endret."
        if municipalities
        else f"Import nr. {import_id} endret bare sammenligningstall (fylke, KOSTRA-gruppe, landet). Den kan angres av "
        "den som importerte den, eller en barnevernleder med tilgang til alle kommuner."
    )


def undo(con: duckdb.DuckDBPyConnection, import_id: int, *, actor: Actor) -> UndoResult:
    """Put back every value an import changed and remove the ones it added, all or nothing.

    Refused when a newer import has since changed some of the same values (undo that one first), so an
    undo never silently throws away newer numbers.
    """
    require(con, actor, "import", target=f"import:{import_id}")
    _require_undo_scope(con, actor, import_id)
    with store.transaction(con) as cur:
        row = cur.execute("SELECT file_name, undone_at FROM import_log WHERE id = ?", [import_id]).fetchone()
        if row is None:
            raise UndoError(f"Import nr. {import_id} finnes ikke.")
        file_name, undone_at = row
        if undone_at is not None:
            raise UndoError(f"Importen av «{file_name}» (nr. {import_id}) ble angret {words.when(undone_at)}.")
        newer = [
            r[0]
            for r in cur.execute(
                """SELECT DISTINCT o.import_id FROM import_change c JOIN observation o USING (indicator_id, region_code, year)
               WHERE c.import_id = $id AND o.import_id <> $id ORDER BY 1""",
                {"id": import_id},
            ).fetchall()
        ]
        gone = store.scalar(
            cur,
            """SELECT count(*) FROM import_change c WHERE c.import_id = $id AND NOT EXISTS (
                                  SELECT 1 FROM observation o WHERE o.indicator_id = c.indicator_id
                                    AND o.region_code = c.region_code AND o.year = c.year)""",
            {"id": import_id},
        )
        if newer or gone:
            later = ", ".join(f"nr. {n}" for n in newer) or "en nyere import"
            raise UndoError(
                f"Kan ikke angre importen av «{file_name}» (nr. {import_id}): {later} har endret noen "
                "av de samme tallene etterpå. Angre den nyeste importen først."
            )
        restored = store.scalar(
            cur,
            """UPDATE observation o SET value = c.old_value, status = c.old_status, import_id = c.old_import_id
               FROM import_change c
               WHERE c.import_id = $id AND c.existed AND o.indicator_id = c.indicator_id
                 AND o.region_code = c.region_code AND o.year = c.year""",
            {"id": import_id},
        )
        removed = store.scalar(
            cur,
            """DELETE FROM observation o USING import_change c
               WHERE c.import_id = $id AND NOT c.existed AND o.indicator_id = c.indicator_id
                 AND o.region_code = c.region_code AND o.year = c.year""",
            {"id": import_id},
        )
        years, indicators = store.one(
            cur,
            "SELECT list(DISTINCT year), list(DISTINCT indicator_id) FROM import_change WHERE import_id = ?",
            [import_id],
        )
        suppression.refresh(cur, years or [], indicators or [])
        cur.execute(
            "UPDATE import_log SET undone_at = ?, undone_by = ? WHERE id = ?",
            [datetime.now(), actor.display_name, import_id],
        )
        record(
            cur,
            actor,
            "undo_import",
            target=f"import:{import_id}",
            detail=f"{file_name}: {restored} satt tilbake, {removed} fjernet",
        )
    return UndoResult(import_id, file_name, restored, removed)


@dataclass(frozen=True)
class ImportInfo:
    id: int
    file_name: str
    source: str
    ssb_table: str | None
    rows: int
    changed: int
    sample: bool
    imported_at: datetime
    imported_by: str
    sha256: str
    undone_at: datetime | None
    undone_by: str | None


def history(con: duckdb.DuckDBPyConnection, actor: Actor, limit: int = 200) -> list[ImportInfo]:
    """The imports that touched the person's municipalities (or that they made), newest first, with their
    provenance and whether they were undone. Everyone with a grant for all municipalities sees all."""
    mine = actor.regions("import") if actor.can("import") else []
    if mine is None:
        where, params = "TRUE", []
    else:
        where = """l.imported_by = ? OR EXISTS (SELECT 1 FROM import_change c WHERE c.import_id = l.id
                       AND (list_contains(?, c.region_code) OR list_contains(?, left(c.region_code, 4))
                            OR c.region_code IN (SELECT service_id FROM service_member
                                                 WHERE list_contains(?, region_code))))"""
        params = [actor.username, mine, mine, mine]
    rows = (
        con.cursor()
        .execute(
            "SELECT id, file_name, source, ssb_table, rows, changed, sample, imported_at, imported_by, sha256, "
            f"undone_at, undone_by FROM import_log l WHERE {where} ORDER BY id DESC LIMIT ?",
            [*params, limit],
        )
        .fetchall()
    )
    return [ImportInfo(*r) for r in rows]


@dataclass(frozen=True)
class Preview:
    """What writing a file would do, computed without writing, as the person may see it: for the confirm step.

    Every figure is read through the store's own suppression before and after (the write is done and rolled
    back), so a preview never says whether a hidden value equals the file's: cells hidden today are counted
    as one bucket, whatever the file holds for them. Otherwise a one-cell file guessing 1, 2 or 3 would tell
    any leader a hidden count («uendret» on a hit).
    """

    rows: int
    inserted: int  # cells the store has no value for yet
    updated: int  # shown today, and shown differently after the import
    unchanged: int  # shown today, and the same after
    hidden: int  # hidden today (small counts and what would give them away): not compared
    regions: tuple[str, ...]
    years: tuple[int, ...]
    indicators: tuple[str, ...]
    # (indicator, region, year, old value, old status, new value, new status) as the app will show them:
    # small counts and the rates built on them come back hidden (None, 'x'), exactly as after the import
    changes: tuple[tuple[str, str, int, float | None, str | None, float | None, str | None], ...]
    already_imported: tuple[int, datetime] | None


PUBLIC_SQL = """
SELECT p.indicator_id, p.region_code, p.year, p.value, p.status
FROM observation_public_in((SELECT list(DISTINCT region_code) FROM incoming_preview),
                           (SELECT min(year) FROM incoming_preview), (SELECT max(year) FROM incoming_preview)) p
"""


def _public_before_after(cur: duckdb.DuckDBPyConnection) -> tuple[dict, dict]:
    """Every public cell of the file's regions and years before and after: the write is done and rolled back."""
    before = {r[:3]: r[3:] for r in cur.execute(PUBLIC_SQL).fetchall()}
    cur.execute("BEGIN TRANSACTION")
    try:
        cur.execute("""INSERT INTO observation SELECT indicator_id, region_code, year, value, status, -1
                       FROM incoming_preview ON CONFLICT (indicator_id, region_code, year) DO UPDATE
                       SET value = excluded.value, status = excluded.status, import_id = excluded.import_id""")
        years = [r[0] for r in cur.execute("SELECT DISTINCT year FROM incoming_preview").fetchall()]
        ids = [r[0] for r in cur.execute("SELECT DISTINCT indicator_id FROM incoming_preview").fetchall()]
        suppression.refresh(cur, years, _written(ids))
        after = {r[:3]: r[3:] for r in cur.execute(PUBLIC_SQL).fetchall()}
    finally:
        cur.execute("ROLLBACK")
    return before, after


def preview(
    con: duckdb.DuckDBPyConnection,
    *,
    data: bytes,
    observations: Sequence[tuple[str, str, int, float | None, str | None]],
    actor: Actor,
    source: str,
    file_name: str = "",
    limit: int = 200,
) -> Preview:
    incoming = pl.DataFrame(list(observations), schema=OBS_SCHEMA, orient="row")
    require_scope(con, actor, source, incoming["region_code"].unique().to_list(), file_name)
    cur = con.cursor()
    cur.register("incoming_preview", incoming)
    try:
        before, after = _public_before_after(cur)
    finally:
        cur.unregister("incoming_preview")
    keys = {(i, r, y) for i, r, y, *_ in incoming.iter_rows()}
    inserted = sum(1 for k in keys if k not in before)
    hidden = sum(1 for k in keys if k in before and before[k][0] is None and before[k][1] in ("x", ":"))
    shown_keys = [k for k in keys if k in before and not (before[k][0] is None and before[k][1] in ("x", ":"))]
    updated = sum(1 for k in shown_keys if after.get(k) != before[k])
    # Only the file's own cells: a neighbour's new state (a complement no longer needed) would show its value
    changes = sorted((*k, *before[k], *after[k]) for k in keys if k in before and k in after and before[k] != after[k])
    return Preview(
        rows=incoming.height,
        inserted=inserted,
        updated=updated,
        unchanged=len(shown_keys) - updated,
        hidden=hidden,
        regions=tuple(sorted(incoming["region_code"].unique().to_list())),
        years=tuple(sorted(incoming["year"].unique().to_list())),
        indicators=tuple(sorted(incoming["indicator_id"].unique().to_list())),
        changes=tuple(changes[:limit]),
        already_imported=_previous(cur, sha256(data)),
    )
