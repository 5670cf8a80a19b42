"""DuckDB and file-system failures, said in Norwegian: one mapping for the app, the CLI and the library.

A raw DuckDB error («IO Error: Could not write file "/srv/…/tilstand.duckdb.wal": No space left on
device») tells a barnevernleder nothing and shows server paths to anyone who can reach the sign-in page.
Every place that meets such an error turns it into a StorageError through `storage_error`: what happened,
that nothing was changed, and what to do. The messages name no path and quote no data (a duplicate-key
message can hold a user name); the CLI adds the path itself, since its reader runs the server.

Errors this module does not recognise stay what they are: a programming error must not be dressed up as
a full disk.
"""

from __future__ import annotations

import errno
from pathlib import Path

import duckdb

from tilstand.errors import TilstandError

# (what the error says, lower case) -> kind; the first match wins, so the specific ones come first.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("could not set lock", "locked"),
    ("conflicting lock", "locked"),
    ("no space left on device", "disk_full"),
    ("disk quota exceeded", "disk_full"),
    ("file too large", "too_large"),
    ("corrupt database file", "corrupt"),
    ("checksum", "corrupt"),
    ("not a valid duckdb database file", "not_duckdb"),
    ("sqlite", "not_duckdb"),  # DuckDB recognises a SQLite file and wants an extension to read it
    ("read-only file system", "read_only"),
    ("read-only mode", "read_only"),
    ("permission denied", "permission"),
    ("operation not permitted", "permission"),
    ("is a directory", "directory"),
    ("no such file or directory", "missing"),
    ("database does not exist", "missing"),
    ("database has been invalidated", "invalidated"),
    ("conflict on", "conflict"),
    ("write-write conflict", "conflict"),
    ("duplicate key", "conflict"),
)

_ERRNO: dict[int, str] = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EFBIG: "too_large",
    errno.EROFS: "read_only",
    errno.EACCES: "permission",
    errno.EPERM: "permission",
    errno.EISDIR: "directory",
    errno.ENOENT: "missing",
}

MESSAGES: dict[str, str] = {
    "locked": (
        "Databasen er i bruk av en annen prosess, og bare én prosess kan skrive til den om gangen. "
        "Ingenting er endret. Prøv igjen når den andre prosessen er ferdig."
    ),
    "disk_full": (
        "Det er ikke mer plass på disken der databasen ligger. Ingenting er lagret. "
        "Be den som drifter Tilstand om å frigjøre plass, og prøv igjen."
    ),
    "too_large": (
        "Databasefilen har nådd største tillatte filstørrelse på serveren. Ingenting er lagret. "
        "Be den som drifter Tilstand om å øke grensen, og prøv igjen."
    ),
    "corrupt": (
        "Databasefilen er skadet (en kontrollsum stemmer ikke), så innholdet kan ikke leses trygt. "
        "Ingenting er endret. Gjenopprett databasen fra siste sikkerhetskopi."
    ),
    "not_duckdb": (
        "Databasefilen er ikke en Tilstand-database (ikke en DuckDB-fil). Ingenting er endret. "
        "Sjekk at riktig fil er valgt (TILSTAND_DB eller --db), eller gjenopprett den fra sikkerhetskopi."
    ),
    "read_only": (
        "Databasen kan bare leses, ikke skrives (filen eller filsystemet er skrivebeskyttet). "
        "Ingenting er lagret. Gi Tilstand skrivetilgang til filen og mappen den ligger i."
    ),
    "permission": (
        "Tilstand har ikke tilgang til databasefilen eller mappen den ligger i. Ingenting er endret. "
        "Gi brukeren som kjører Tilstand lese- og skrivetilgang."
    ),
    "directory": (
        "Stien til databasen peker på en mappe, ikke en fil. Ingenting er endret. "
        "Oppgi en databasefil (TILSTAND_DB eller --db)."
    ),
    "missing": (
        "Databasefilen eller mappen den skal ligge i finnes ikke. Ingenting er endret. "
        "Sjekk stien (TILSTAND_DB eller --db)."
    ),
    "invalidated": (
        "Databasen stoppet etter en alvorlig feil og må åpnes på nytt. Ingenting mer er lagret. "
        "Be den som drifter Tilstand om å starte appen på nytt."
    ),
    "conflict": ("Noen andre endret det samme i samme øyeblikk, så endringen din ble ikke lagret. Prøv igjen."),
}


class StorageError(TilstandError):
    """The database file could not be opened, read or written; `kind` says why (a key of MESSAGES)."""

    def __init__(self, kind: str, path: Path | None = None):
        self.kind = kind
        self.path = path
        super().__init__(MESSAGES[kind])

    def with_path(self) -> str:
        """For the command line, whose reader runs the server: the message and the file it concerns."""
        return f"{self}\nDatabase: {self.path}" if self.path else str(self)


def kind_of(error: BaseException) -> str | None:
    """Which storage failure `error` is, or None when it is not one this module knows."""
    if isinstance(error, StorageError):
        return error.kind
    if isinstance(error, OSError) and error.errno in _ERRNO:
        return _ERRNO[error.errno]
    if not isinstance(error, (duckdb.Error, OSError)):
        return None
    text = str(error).lower()
    for needle, kind in _PATTERNS:
        if needle in text:
            return kind
    return None


def storage_error(error: BaseException, path: str | Path | None = None) -> StorageError | None:
    """The Norwegian StorageError for `error`, or None when it is not a storage failure we recognise.

    An OSError about some other file (a report written to a folder without access) is not the database's
    problem and is left alone; DuckDB's own errors always concern its database file.
    """
    if isinstance(error, OSError) and error.filename and path and not _related(Path(error.filename), Path(path)):
        return None
    kind = kind_of(error)
    return StorageError(kind, Path(path) if path else None) if kind else None


def _related(name: Path, database: Path) -> bool:
    """The database file itself, its WAL, or a folder it lies in."""
    a, b = str(name.resolve()), str(database.resolve())
    return a.startswith(b) or b.startswith(a.rstrip("/") + "/")


def is_conflict(error: BaseException) -> bool:
    """A clash with another session's write (not a failing disk): the only failure a retry can mend."""
    return kind_of(error) == "conflict"
