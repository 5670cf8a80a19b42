"""Every user-facing word of the charts, in bokmål and nynorsk, and the sentence builders every kind shares.

Kept in one place and keyed (TEXT[language][key]) so the words can move into the nb/nn message catalogs
as they are, and so two kinds never say the same thing in two ways. The kinds build their own sentences
(alt text, notes) from these keys; the pieces every kind needs (a list of years, the source line, the
«about» line, why a value is missing) are built here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from tilstand import catalog, fmt, symbols
from tilstand.charts._model import SCALES, ChartDef, mark

LANGUAGES = ("nb", "nn")
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")  # the same in bokmål and nynorsk

UNIT_AXIS: dict[str, dict[str, str]] = {
    "nb": {"percent": "Prosent", "count": "Antall", "per_1000": f"Per 1{fmt.NBSP}000 barn 0–17 år",
           "ratio": "Forholdstall", "nok": "Kroner", "nok_1000": f"1{fmt.NBSP}000 kroner",
           "score_1_5": "Skår (skala 1–5)", "score": "Skår (skala 1–6)"},
    "nn": {"percent": "Prosent", "count": "Tal", "per_1000": f"Per 1{fmt.NBSP}000 barn 0–17 år",
           "ratio": "Forholdstal", "nok": "Kroner", "nok_1000": f"1{fmt.NBSP}000 kroner",
           "score_1_5": "Skår (skala 1–5)", "score": "Skår (skala 1–6)"},
}


# Values are texts with {placeholders}, or small dicts and tuples of texts keyed as the comment above them says.
TEXT: dict[str, dict[str, Any]] = {
    "nb": {
        "line_chart": "Linjediagram",
        "bar_chart": "Stolpediagram",
        "and": "og",
        "value_in": "{value} i {year}",
        "no_data": "Ingen tall for {name} i perioden.",
        "no_data_year": "Ingen tall for {name} i {year}.",
        "hidden_one": "Tallet for {years} {reason}.",
        "hidden_many": "Tallene for {years} {reason}.",
        "note": "Ikke vist for {name} i {years} ({reason}).",
        "not_shown": "Ikke vist: {items}.",
        "no_figure": "ingen tall",
        "missing": "tall mangler",
        "source": "Kilde",
        "sample": "Eksempeldata.",
        "table": "tabell",
        "definition": "Definisjon",
        "updated": "Sist oppdatert",
        "region": "Region",
        "year": "År",
        "value": "Verdi",
        "remark": "Merknad",
        "values": "Verdier",
        "own_region": "egen kommune",
        "average": "snitt",
        "peers": "Sammenligningskommunene (snitt av {n})",
        "few_peers": "færre enn halvparten av sammenligningskommunene har tall",
        "reference": "{name} (snitt)",
        "position_title": "{title} – plassering {year}",
        "choose_peers": "Velg sammenligningskommuner for å se plasseringen.",
        "rank": "{name} er nr. {rank} av {n}, der 1 er {top}.",
        "top": {"higher": "best", "lower": "best", "neutral": "høyest"},
        "versus": {"better": "bedre enn", "worse": "dårligere enn", "higher": "høyere enn",
                   "lower": "lavere enn", "equal": "likt med"},
        "peer_mean": "snittet av sammenligningskommunene ({value})",
        "own_is": "{name} er {versus} {mean}.",
        "members_title": "{title} – {service} {year}",
        "whole_service": "{name} (hele tjenesten)",
        "no_service_total": "Tjenesten som helhet har ikke eget tall for {year}; det regnes ikke ut av "
                            "kommunenes tall.",
        "no_service_size": "Tjenesten som helhet vises ikke: tallet er summen av kommunenes og sammenlignes "
                           "ikke med dem.",
        "not_member": "{name} er ikke med i en interkommunal barnevernstjeneste.",
        "trend_caption": "{title}, {first}–{last}: én rad per region, én kolonne per år.",
        "bar_caption": "{title}, {year}: én rad per region, sortert som i diagrammet.",
        # the half-year chart (halves)
        "halves_names": ("1. halvår", "2. halvår", "Hele året"),
        "halves_caption": "{title}, {region}, {first}–{last}: én rad per halvår og én for hele året, én kolonne "
                          "per år.",
        "period": "Periode",
        # what the years without a number are, as the predicate of a sentence: (one year, several years)
        "gap_predicate": {symbols.HIDDEN: ("er skjult av personvernhensyn", "er skjult av personvernhensyn"),
                          symbols.MISSING: ("mangler", "mangler"),
                          symbols.NOT_YET: ("mangler foreløpig", "mangler foreløpig"),
                          symbols.NOT_APPLICABLE: ("er ikke aktuelt", "er ikke aktuelle")},
        # 10-FAKTOR (tenfactor)
        "tf_title": "10-FAKTOR: de ti faktorene",
        "this_year": "{name} {year}",
        "last_year": "{name} i fjor ({year})",
        "tf_peers": "Snitt sammenligningskommuner ({n})",
        "tf_members": "Snitt kommuner i KOSTRA-gruppen i Tilstand ({n})",
        "tf_peers_phrase": "snittet for sammenligningskommunene ({n})",
        "tf_members_phrase": "snittet for kommunene i KOSTRA-gruppen som har tall i Tilstand ({n})",
        "no_comparison": "Ingen sammenligning: ingen tall for sammenligningskommuner, fylket, landet eller "
                         "andre kommuner i KOSTRA-gruppen.",
        "hidden_all": "Ikke vist: for få svar for {name} i {year} (færre enn {limit}).",
        "hidden_some": "Ikke vist for {name} i {year}: {factors} (for få svar, færre enn {limit}).",
        "respondents": "{name} {year}: {n} svar",
        "dot_plot": "Punktdiagram",
        "changed": "Størst endring fra {last} til {year}: {items}.",
        "no_change": "Ingen faktor endret seg fra {last} til {year} (avrundet til én desimal).",
        "change_item": "{factor} ({change}, til {value})",
        "above": "{name} ligger over {what} på {k} av {n} faktorer",
        "below_on": "under på {factors}",
        "equal_on": "likt på {factors}",
        "none_below": "og ikke under på noen",
        "factor": "Faktor",
        "change": "Endring",
        "hidden_cell": "skjult: for få svar (færre enn {limit})",
        "hidden_in": "skjult i {years}: for få svar (færre enn {limit})",
        "tf_caption": "10-FAKTOR for {name}: de ti faktorene i {year} og {last}{vs}, skala 1–5.",
        "tf_caption_vs": " og {label}",
        "tf_definition": "Hver faktor er gjennomsnittet av de ansattes svar på faktorens spørsmål, på skalaen fra "
                         "1 (svært uenig) til 5 (svært enig). Kommunens tall er vektet med antall svar i hver "
                         "enhet.",
        # user surveys (survey)
        "bu_title": "Brukerundersøkelse: hvor fornøyde brukerne er",
        "bands": ("Lite fornøyd (1–2)", "Middels (3–4)", "Svært fornøyd (5–6)"),
        "band_words": ("lite fornøyd", "middels", "svært fornøyd"),
        "n_answers": "N = {n} svar",
        "bu_hidden": "Ikke vist: {dims} (for få svar, færre enn {limit}).",
        "bu_missing": "Ingen tall for {dims} i {year}.",
        "bu_none": "Ingen svarfordeling for {name} i {year}.",
        "dimension": "Dimensjon",
        "share_axis": "Prosent av svarene",
        "bu_caption": "Svarfordeling i brukerundersøkelsen for {name} i {year}, i prosent av svarene per dimensjon.",
        "bu_scale": "svar på skala 1–6 i tre grupper",
        "bu_definition": "Andelen av svarene på dimensjonens spørsmål som er 1–2, 3–4 og 5–6 på skalaen 1–6 (6 er "
                         "best). «Vet ikke» telles ikke med. Tilgjengelighet bygger på foreldrenes svar, de andre "
                         "dimensjonene på svar fra barn, unge og foreldre.",
        # a chart's heading under the indicator on an area page, by kind (none: the chart's title)
        "heading": {"trend": "Utvikling {first}–{year}",
                    "position": "Plassering blant sammenligningskommunene i {year}",
                    "members": "{title}: kommunene i tjenesten i {year}",
                    "halves": "Første og andre halvår og hele året (regnet ut fra antallene i begge halvår)",
                    "tenfactor": "Alle faktorene: i år, i fjor og sammenligningen",
                    "survey": "Svarfordeling per tema"},
        "origin": {"bufdir": "Bufdir, kommunemonitor", "ks_10faktor": "KS, 10-FAKTOR",
                   "survey": "brukerundersøkelse", "local": "kommunens egne tall",
                   "ssb_unmapped": "SSB (KOSTRA)"},
    },
    "nn": {
        "line_chart": "Linjediagram",
        "bar_chart": "Stolpediagram",
        "and": "og",
        "value_in": "{value} i {year}",
        "no_data": "Ingen tal for {name} i perioden.",
        "no_data_year": "Ingen tal for {name} i {year}.",
        "hidden_one": "Talet for {years} {reason}.",
        "hidden_many": "Tala for {years} {reason}.",
        "note": "Ikkje vist for {name} i {years} ({reason}).",
        "not_shown": "Ikkje vist: {items}.",
        "no_figure": "ingen tal",
        "missing": "tal manglar",
        "source": "Kjelde",
        "sample": "Eksempeldata.",
        "table": "tabell",
        "definition": "Definisjon",
        "updated": "Sist oppdatert",
        "region": "Region",
        "year": "År",
        "value": "Verdi",
        "remark": "Merknad",
        "values": "Verdiar",
        "own_region": "eigen kommune",
        "average": "snitt",
        "peers": "Samanlikningskommunane (snitt av {n})",
        "few_peers": "færre enn halvparten av samanlikningskommunane har tal",
        "reference": "{name} (snitt)",
        "position_title": "{title} – plassering {year}",
        "choose_peers": "Vel samanlikningskommunar for å sjå plasseringa.",
        "rank": "{name} er nr. {rank} av {n}, der 1 er {top}.",
        "top": {"higher": "best", "lower": "best", "neutral": "høgast"},
        "versus": {"better": "betre enn", "worse": "dårlegare enn", "higher": "høgare enn",
                   "lower": "lågare enn", "equal": "likt med"},
        "peer_mean": "snittet av samanlikningskommunane ({value})",
        "own_is": "{name} er {versus} {mean}.",
        "members_title": "{title} – {service} {year}",
        "whole_service": "{name} (heile tenesta)",
        "no_service_total": "Tenesta som heilskap har ikkje eige tal for {year}; det blir ikkje rekna ut "
                            "frå tala til kommunane.",
        "no_service_size": "Tenesta som heilskap blir ikkje vist: talet er summen av tala til kommunane og blir "
                           "ikkje samanlikna med dei.",
        "not_member": "{name} er ikkje med i ei interkommunal barnevernsteneste.",
        "trend_caption": "{title}, {first}–{last}: éi rad per region, éi kolonne per år.",
        "bar_caption": "{title}, {year}: éi rad per region, sortert som i diagrammet.",
        # the half-year chart (halves)
        "halves_names": ("1. halvår", "2. halvår", "Heile året"),
        "halves_caption": "{title}, {region}, {first}–{last}: éi rad per halvår og éi for heile året, éi kolonne "
                          "per år.",
        "period": "Periode",
        # what the years without a number are, as the predicate of a sentence: (one year, several years)
        "gap_predicate": {symbols.HIDDEN: ("er skjult av omsyn til personvernet",
                                           "er skjulte av omsyn til personvernet"),
                          symbols.MISSING: ("manglar", "manglar"),
                          symbols.NOT_YET: ("manglar førebels", "manglar førebels"),
                          symbols.NOT_APPLICABLE: ("er ikkje aktuelt", "er ikkje aktuelle")},
        # 10-FAKTOR (tenfactor)
        "tf_title": "10-FAKTOR: dei ti faktorane",
        "this_year": "{name} {year}",
        "last_year": "{name} i fjor ({year})",
        "tf_peers": "Snitt samanlikningskommunar ({n})",
        "tf_members": "Snitt kommunar i KOSTRA-gruppa i Tilstand ({n})",
        "tf_peers_phrase": "snittet for samanlikningskommunane ({n})",
        "tf_members_phrase": "snittet for kommunane i KOSTRA-gruppa som har tal i Tilstand ({n})",
        "no_comparison": "Inga samanlikning: ingen tal for samanlikningskommunar, fylket, landet eller andre "
                         "kommunar i KOSTRA-gruppa.",
        "hidden_all": "Ikkje vist: for få svar for {name} i {year} (færre enn {limit}).",
        "hidden_some": "Ikkje vist for {name} i {year}: {factors} (for få svar, færre enn {limit}).",
        "respondents": "{name} {year}: {n} svar",
        "dot_plot": "Punktdiagram",
        "changed": "Størst endring frå {last} til {year}: {items}.",
        "no_change": "Ingen faktor endra seg frå {last} til {year} (avrunda til éin desimal).",
        "change_item": "{factor} ({change}, til {value})",
        "above": "{name} ligg over {what} på {k} av {n} faktorar",
        "below_on": "under på {factors}",
        "equal_on": "likt på {factors}",
        "none_below": "og ikkje under på nokon",
        "factor": "Faktor",
        "change": "Endring",
        "hidden_cell": "skjult: for få svar (færre enn {limit})",
        "hidden_in": "skjult i {years}: for få svar (færre enn {limit})",
        "tf_caption": "10-FAKTOR for {name}: dei ti faktorane i {year} og {last}{vs}, skala 1–5.",
        "tf_caption_vs": " og {label}",
        "tf_definition": "Kvar faktor er gjennomsnittet av svara frå dei tilsette på spørsmåla i faktoren, på "
                         "skalaen frå 1 (svært ueinig) til 5 (svært einig). Tala for kommunen er vekta med talet "
                         "på svar i kvar eining.",
        # user surveys (survey)
        "bu_title": "Brukarundersøking: kor nøgde brukarane er",
        "bands": ("Lite nøgde (1–2)", "Middels (3–4)", "Svært nøgde (5–6)"),
        "band_words": ("lite nøgde", "middels", "svært nøgde"),
        "n_answers": "N = {n} svar",
        "bu_hidden": "Ikkje vist: {dims} (for få svar, færre enn {limit}).",
        "bu_missing": "Ingen tal for {dims} i {year}.",
        "bu_none": "Inga svarfordeling for {name} i {year}.",
        "dimension": "Dimensjon",
        "share_axis": "Prosent av svara",
        "bu_caption": "Svarfordeling i brukarundersøkinga for {name} i {year}, i prosent av svara per dimensjon.",
        "bu_scale": "svar på skala 1–6 i tre grupper",
        "bu_definition": "Delen av svara på spørsmåla i dimensjonen som er 1–2, 3–4 og 5–6 på skalaen 1–6 (6 er "
                         "best). «Veit ikkje» blir ikkje talde med. Tilgjenge byggjer på svara frå foreldra, dei "
                         "andre dimensjonane på svar frå born, unge og foreldre.",
        # a chart's heading under the indicator on an area page, by kind (none: the chart's title)
        "heading": {"trend": "Utvikling {first}–{year}",
                    "position": "Plassering blant samanlikningskommunane i {year}",
                    "members": "{title}: kommunane i tenesta i {year}",
                    "halves": "Første og andre halvår og heile året (rekna ut frå tala i begge halvåra)",
                    "tenfactor": "Alle faktorane: i år, i fjor og samanlikninga",
                    "survey": "Svarfordeling per tema"},
        "origin": {"bufdir": "Bufdir, kommunemonitor", "ks_10faktor": "KS, 10-FAKTOR",
                   "survey": "brukarundersøking", "local": "kommunen sine eigne tal",
                   "ssb_unmapped": "SSB (KOSTRA)"},
    },
}

# Why no image could be made: said to the leader (in bokmål, the app's language) in the DOCX and the app.
RENDER_ERRORS = {
    "no_browser": "fant ikke Chromium (installer pakken chromium eller sett BROWSER_PATH)",
    "start_timeout": "Chromium startet ikke innen {seconds:.0f} sekunder",
    "start_failed": "Chromium kunne ikke startes: {error}",
    "render_timeout": "Chromium svarte ikke innen {seconds:.0f} sekunder",
    "render_failed": "diagrammet kunne ikke tegnes: {error}",
}


def join(items: Iterable[str], language: str) -> str:
    """['A', 'B', 'C'] -> 'A, B og C' ('' for none)."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {TEXT[language]['and']} " + items[-1]


def years(found: Iterable[int], language: str) -> str:
    """[2015, 2016, 2017, 2019, 2024] -> '2015–2017, 2019 og 2024'."""
    runs: list[list[int]] = []
    for y in sorted(found):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    items: list[str] = []
    for r in runs:  # three or more years in a row read better as a span
        items.extend([f"{r[0]}–{r[-1]}"] if len(r) > 2 else [str(y) for y in r])
    return join(items, language)


def reason(status: str | None, language: str, *, short: bool = False, area: str | None = None) -> str:
    """Why a value is not shown, in the report language (tilstand/symbols.py); `short` drops the rule in
    brackets. `area` (the indicator's catalogue area) says what there were too few of.

    None means no row at all (nothing imported).
    """
    return symbols.explain(mark(status, area), language, short=short)


def scale_text(unit: str) -> str:
    """«skala 1–6» for a score (the same in bokmål and nynorsk), '' for any other unit."""
    low, high = SCALES.get(unit, (None, None))
    return f"skala {low}–{high}" if low is not None else ""


def unit_axis(unit: str, language: str) -> str:
    """The value axis' title for a unit ('' for a unit without one)."""
    return UNIT_AXIS[language].get(unit, "")


def date_text(day: date) -> str:
    """25. november 2026 (bokmål and nynorsk alike)."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def _tables(indicator_id: str) -> list[tuple[str, bool]]:
    """SSB tables behind an indicator (a derived one: behind its parts), each with 'is a KOSTRA table'."""
    out: list[tuple[str, bool]] = []
    for m in catalog.ssb_mapping():
        if m.indicator_id == indicator_id:
            out.append((m.table, m.contents_code.upper().startswith(("KOS", "KOK"))))
    for d in catalog.derived():
        if d.indicator_id == indicator_id:
            for part in (*d.numerator, *d.denominator):
                out.extend(_tables(part))
    return list(dict.fromkeys(out))


def source(indicator: catalog.Indicator, sample: bool, language: str) -> str:
    """«Kilde: SSB, tabell 12275 (KOSTRA). Eksempeldata.» — the SSB tables behind it, or the source's name."""
    t = TEXT[language]
    if indicator.origin in catalog.SSB_ORIGINS:
        tables = _tables(indicator.id)
        kostra = [n for n, k in tables if k]
        other = [n for n, k in tables if not k]
        groups = []
        if kostra:
            groups.append(f"{t['table']} {join(kostra, language)} (KOSTRA)")
        if other:
            groups.append(f"{t['table']} {join(other, language)}")
        text = "SSB, " + "; ".join(groups) if groups else "SSB"
    else:
        text = t["origin"].get(indicator.origin, indicator.source)
    line = f"{t['source']}: {text}."
    return f"{line} {t['sample']}" if sample else line


def about(definition: str, source_line: str, latest: date | datetime | None, language: str) -> str:
    """«Definisjon: … Kilde: … Sist oppdatert 25. november 2026.» — one line under every chart."""
    t = TEXT[language]
    parts = []
    definition = definition.strip()
    if definition:
        parts.append(f"{t['definition']}: {definition}" + ("" if definition.endswith(".") else "."))
    parts.append(source_line)
    if latest is not None:
        day = latest.date() if isinstance(latest, datetime) else latest
        parts.append(f"{t['updated']} {date_text(day)}.")
    return " ".join(parts)


def not_shown(missing: Iterable[tuple[str, str]], language: str) -> str:
    """«Ikke vist: Tydal (skjult av personvernhensyn), Holtålen (tall mangler).» from (name, why) pairs
    ('' when none)."""
    items = [f"{name} ({why})" for name, why in missing]
    return TEXT[language]["not_shown"].format(items=", ".join(items)) if items else ""


def heading(kind: str, title: str, first: int, year: int, language: str) -> str:
    """A chart's heading under the indicator on an area page: what this view of the numbers shows."""
    template = TEXT[language]["heading"].get(kind)
    return template.format(title=title, first=first, year=year) if template else title


def kind_title(chart: ChartDef, language: str, default_key: str) -> str:
    """The registry title of a chart over many indicators (10-FAKTOR, user surveys). An untitled registry row
    falls back to the first indicator's name, which would name one factor or dimension only, so such a kind
    has its own default (`default_key`)."""
    first = catalog.indicators().get(chart.indicators[0]) if chart.indicators else None
    title = chart.title(language)
    if not title.strip() or first is None or title in (first.name_nb, first.name_nn):
        return TEXT[language][default_key]
    return title


def indicator_name(indicator: catalog.Indicator, language: str) -> str:
    """The indicator's name in the language (nynorsk falls back to bokmål)."""
    return (indicator.name_nn or indicator.name_nb) if language == "nn" else indicator.name_nb


def percent(v: float) -> str:
    """«42 %»: a share of answers, whole percent."""
    return fmt.number(v, 0) + f"{fmt.NBSP}%"
