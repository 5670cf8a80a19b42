"""One home for the words Tilstand writes in both målformer: bokmål (nb) and nynorsk (nn).

The texts live in message catalogs, one TOML file per language (tilstand/messages/nb.toml and nn.toml),
with tables as namespaces (`[direction]`, `[comparison]`, `[report]`, `[table]`, `[source]`, `[symbol]`,
`[reason]`, `[footnote]`). They were spread over ten modules and had drifted apart (the app and the
DOCX named the same direction differently); now a word is written once per language and every screen,
table and document reads it from here.

`t("comparison.group", "nn")` gives one text, filled with `**fields` by `str.format`.

Fallback rule: there is none at run time. Both catalogs have exactly the same keys and the same
`{placeholders}` per key (tests/test_words.py fails otherwise), so a nynorsk text never silently turns
bokmål; an unknown key, an unknown language or a missing field raises at once, where a test sees it.
(An indicator's name is data, not a message: `catalog.Indicator.name_in` falls back nn → nb → id.)

Norwegian list joining, month names and dates come from Babel's CLDR data for `nb` and `nn`
(`join`, `month`, `date`), not from hand-written copies.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files

LANGUAGES = ("nb", "nn")


class UnknownMessage(KeyError):
    """A key that is in no catalog: a typo in the code, caught by the first test that says it."""


def _flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every message of one language by dotted key («report.title»), read once per process."""
    _check(lang)
    import tomllib  # noqa: PLC0415 — here, not at the top: `import tilstand.catalog` (every command) need not pay for it

    text = files("tilstand").joinpath("messages", f"{lang}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


def _check(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")


def t(key: str, lang: str = "nb", /, **fields: object) -> str:
    """The message `key` in `lang`, with its {placeholders} filled from `fields` (none: the raw text)."""
    messages = catalog(lang)
    if key not in messages:
        raise UnknownMessage(key)
    text = messages[key]
    return text.format(**fields) if fields else text


def section(prefix: str, lang: str = "nb") -> dict[str, str]:
    """Every message directly under a namespace, by its last key part: section("direction") gives
    {"higher": …, "lower": …, "neutral": …}. For code that picks a word by a value it holds."""
    messages = catalog(lang)
    start = prefix + "."
    out = {k[len(start) :]: v for k, v in messages.items() if k.startswith(start) and "." not in k[len(start) :]}
    if not out:
        raise UnknownMessage(prefix)
    return out


def join(items: Iterable[str], lang: str = "nb") -> str:
    """«a, b og c» — Norwegian list joining (CLDR's, the same in nb and nn); '' for no items."""
    _check(lang)
    from babel.lists import format_list  # noqa: PLC0415 — Babel costs ~40 ms to import: only when a list is joined

    return format_list(list(items), locale=lang)


def month(n: int, lang: str = "nb") -> str:
    """The month's name, 1 = «januar» (lower case, as Norwegian writes it)."""
    _check(lang)
    from babel.dates import get_month_names  # noqa: PLC0415 — ~60 ms to import with Babel: only when a date is written

    return str(get_month_names("wide", locale=lang)[n])


def capital(text: str) -> str:
    """The text with its first letter raised, for a catalog word that stands alone («fylket» → «Fylket»); unlike
    str.capitalize it leaves the rest as written («KOSTRA-gruppen», not «Kostra-gruppen»)."""
    return text[:1].upper() + text[1:]


def when(moment: _dt.date, lang: str = "nb", /, *, seconds: bool = False, at: bool = False) -> str:
    """«03.12.2026 20:15» — a moment as the app, the CLI and their messages write it (the same in nb and nn), a
    date alone «03.12.2026»; `seconds` adds them (an audit line), `at` writes «03.12.2026 kl. 20:15». One format,
    so the pages, the CLI and the library's messages never write a time in two ways."""
    _check(lang)
    if not isinstance(moment, _dt.datetime):
        return f"{moment:%d.%m.%Y}"
    clock = f"{moment:%H:%M:%S}" if seconds else f"{moment:%H:%M}"
    return t("when.at", lang, date=f"{moment:%d.%m.%Y}", time=clock) if at else f"{moment:%d.%m.%Y} {clock}"


def date(d: _dt.date, lang: str = "nb") -> str:
    """«3. desember 2026» — a date as a Norwegian document writes it."""
    _check(lang)
    from babel.dates import format_date  # noqa: PLC0415 — ~60 ms to import with Babel: only when a date is written

    return format_date(d, "d. MMMM y", locale=lang)
