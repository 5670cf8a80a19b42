"""Errors a person can act on.

An InputError always names the file, the row (or line) and the field, in Norwegian, because the
leader who gets it must be able to open the file and find the problem without reading a traceback.
"""

from __future__ import annotations

from pathlib import Path


class TilstandError(Exception):
    """Base class for errors whose message is meant for a person, not a developer."""


class InputError(TilstandError):
    """Bad input file: nothing was written."""

    def __init__(self, file: str | Path | None, row: int | None, field: str | None, message: str):
        self.file = Path(file).name if file else None
        self.row = row
        self.field = field
        self.message = message
        super().__init__(self.render())

    def render(self) -> str:
        place = []
        if self.file:
            place.append(f"fil «{self.file}»")
        if self.row is not None:
            place.append(f"rad {self.row}")
        if self.field:
            place.append(f"felt «{self.field}»")
        where = ", ".join(place)
        return f"{where}: {self.message}" if where else self.message


class DatabaseLockedError(TilstandError):
    """Another process holds the write lock on the database file."""
