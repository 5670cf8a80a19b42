"""The shape of each SSB table the sample imitates, written down once and independently of the mapping.

`generate.py` writes the sample files from these shapes (table id, title, dimension ids and labels, content
codes and labels, units, how the country is named, JSON-stat or CSV) and lets its model decide the values.
Nothing here is read from tilstand/data/ssb_mapping.csv: the mapping is what the sample tests, so a wrong
mapping row fails tests/test_sample_tables.py instead of being copied into the sample.

Where the facts come from (`source` of each shape; files under tests/data/formats/):
- MONITOR_KOSTRA / MONITOR_BACKGROUND: the queries that fed Bufdir's kommunemonitor in 2021
  (gardenberg/barnevernmonitor, script_henting/hente_alle_kostradata.R and andre_data_ssb.R, extracted in the
  project's shared formats folder): table ids, dimension ids, content codes, selected codes, PxWeb table titles.
- real/ssb_12134_pxwebv2_jsonstat2_2024.json: a real KOSTRA API response: region dimension
  `KOKkommuneregion0000` labelled «region», region labels such as «Trondheim - Tråante», content labels with
  the unit in brackets («Frie inntekter per innbygger (kr)»), the unit in `category.unit`.
- real/ssb_statbank_07459_population_by_age_2023_export.csv and ssb_07459_hele_landet_2023.csv: 07459 as
  Statistikkbanken exports it (title line, blank line, years across, «0 år» … «105 år eller eldre»).
- ssb_06070_husholdningstyper_sample.json, ssb_08764_lavinntekt_sample.json, ssb_09429_utdanningsniva_sample.csv:
  the background tables' dimensions and contents as the monitor's queries and ssb.no name them.
Labels no real source shows (most KOSTRA content labels, the 12362 art AGD10, the four non-KOSTRA tables
09086, 10666, 10760, 11600 whole) are marked `unverified`: they are this project's best reading of SSB's
naming, and a real download that differs should correct them here and in the mapping alike.
"""

from __future__ import annotations

from dataclasses import dataclass

MONITOR_KOSTRA = "Bufdir's kommunemonitor queries 2021 (hente_alle_kostradata.R)"
MONITOR_BACKGROUND = "Bufdir's kommunemonitor queries 2021 (andre_data_ssb.R)"

KOSTRA_REGION_DIM = "KOKkommuneregion0000"  # real/ssb_12134_pxwebv2_jsonstat2_2024.json
REGION_DIM = "Region"  # SSB's tables outside KOSTRA (ssb_06070/08764 samples, the monitor's background queries)
KOSTRA_COUNTRY = ("EAK", "Landet")  # KOSTRA's code for the whole country (unverified label: no real file shows it)
KOSTRA_COUNTY_PREFIX = "EKA"  # KOSTRA names a county EKAnn (EKA50 Trøndelag)
KOSTRA_GROUP_LABEL = "KOSTRA-gruppe {n}"  # unverified: no real file shows a group's label
COUNTRY = ("0", "Hele landet")  # every table outside KOSTRA (07459, 06070, 08764, 09429; ssb_07459_hele_landet_2023)


@dataclass(frozen=True)
class Dim:
    id: str  # JSON-stat dimension id
    label: str  # its label, and the CSV column heading
    categories: tuple[tuple[str, str], ...]  # (code, label as SSB writes it)


@dataclass(frozen=True)
class Content:
    code: str  # ContentsCode
    label: str  # as SSB writes it (the CSV shows only this)
    unit: str  # category.unit base
    decimals: int
    verified: bool = True  # False: the label (not the code) is this project's reading, no real source shows it


@dataclass(frozen=True)
class Shape:
    table: str
    title: str  # as SSB writes it, after «nnnnn: »
    kostra: bool  # KOSTRA table: region KOKkommuneregion0000, country EAK, county EKAnn, KOSTRA groups
    layout: str  # jsonstat | csv_long (one value a line) | csv_wide (years across, as Statistikkbanken exports)
    dims: tuple[Dim, ...]  # besides region, contents and year, in SSB's order
    contents: tuple[Content, ...]
    source: str
    county_and_country_only: bool = False  # SSB publishes the table for counties and the country only
    latin1: bool = False  # the download is ISO-8859-1 (Statistikkbanken's Norwegian 07459 export), else UTF-8 with BOM

    @property
    def region_dim(self) -> str:
        return KOSTRA_REGION_DIM if self.kostra else REGION_DIM

    @property
    def country(self) -> tuple[str, str]:
        return KOSTRA_COUNTRY if self.kostra else COUNTRY


AGES_0_105 = tuple((f"{a:03d}", f"{a} år") for a in range(105)) + (("105+", "105 år eller eldre"),)
KOSTRA_AGES = (("F000-017", "0-17 år"), ("F000-022", "0-22 år"))  # the monitor selects both (tabell_2, _18, _20)
FUNCTIONS_BV = (
    ("0", "Tiltak i alt"),
    ("1", "251 Barn som ikke er plassert av barnevernet"),
    ("2", "252 Barn som er plassert av barnevernet"),
)  # codes: the monitor; labels unverified

SHAPES: tuple[Shape, ...] = (
    Shape(
        "07459",
        "Befolkning, etter region, alder, statistikkvariabel og år",
        False,
        "csv_wide",
        (Dim("Alder", "alder", AGES_0_105),),
        (Content("Personer1", "Personer", "personer", 0),),
        "real 07459 export (title, ages 0-105, years across) and ssb_07459_hele_landet_2023.csv (Norwegian "
        "labels, «0 Hele landet», ISO-8859-1); content code Personer1: " + MONITOR_BACKGROUND,
        latin1=True,
    ),
    Shape(
        "06070",
        "Privathusholdninger, etter region, husholdningstype, statistikkvariabel og år",
        False,
        "jsonstat",
        (
            Dim(
                "HushType",
                "husholdningstype",
                (
                    ("001", "Aleneboende"),
                    ("002", "Par uten hjemmeboende barn"),
                    ("003", "Par med små barn (yngste barn 0-5 år)"),
                    ("004", "Par med store barn (yngste barn 6-17 år)"),
                    ("005", "Mor/far med små barn (yngste barn 0-5 år)"),
                    ("006", "Mor/far med store barn (yngste barn 6-17 år)"),
                    ("007", "Enfamiliehusholdninger med voksne barn (yngste barn 18 år og over)"),
                    ("008", "Flerfamiliehusholdninger uten barn 0-17 år"),
                    ("009", "Flerfamiliehusholdninger med små barn (yngste barn 0-5 år)"),
                    ("010", "Flerfamiliehusholdninger med store barn (yngste barn 6-17 år)"),
                ),
            ),
        ),
        (Content("Husholdninger", "Privathusholdninger", "husholdninger", 0),),
        MONITOR_BACKGROUND + " no. 47-48 (HushType, Husholdninger; no per-cent content); "
        "ssb_06070_husholdningstyper_sample.json (household-type labels as ssb.no writes them)",
    ),
    Shape(
        "08764",
        "Personer under 18 år i privathusholdninger med årlig inntekt etter skatt per forbruksenhet, "
        "under ulike avstander til medianinntekten, etter region, statistikkvariabel og år",
        False,
        "jsonstat",
        (),
        (
            Content("Personer", "Personer under 18 år", "personer", 0),
            Content("EUskala50", "EU-skala 50 prosent", "prosent", 1),
            Content("EUskala60", "EU-skala 60 prosent", "prosent", 1),
            Content("OECDskala50", "OECD-skala 50 prosent", "prosent", 1),
            Content("OECDskala60", "OECD-skala 60 prosent", "prosent", 1),
        ),
        MONITOR_BACKGROUND + " no. 55 (the five content codes); ssb_08764_lavinntekt_sample.json (labels)",
    ),
    Shape(
        "09429",
        "Utdanningsnivå, etter region, nivå, kjønn, statistikkvariabel og år",
        False,
        "csv_wide",
        (
            Dim(
                "Nivaa",
                "nivå",
                (
                    ("00", "Alle nivåer"),
                    ("01", "Grunnskolenivå"),
                    ("02a", "Videregående skolenivå"),
                    ("11", "Fagskolenivå"),
                    ("03a", "Universitets- og høgskolenivå kort"),
                    ("04a", "Universitets- og høgskolenivå lang"),
                    ("09a", "Uoppgitt eller ingen fullført utdanning"),
                ),
            ),
            Dim("Kjonn", "kjønn", (("0", "Begge kjønn"), ("1", "Menn"), ("2", "Kvinner"))),
        ),
        (
            Content("Personer", "Personer 16 år og over", "personer", 0),
            Content("Prosent", "Personer 16 år og over (prosent)", "prosent", 1, verified=False),
        ),
        MONITOR_BACKGROUND + " no. 50-51 (Nivaa, Kjonn=0, Personer); ssb_09429_utdanningsniva_sample.csv (a CSV "
        "with years across, «code text» labels, SSB's total 00 whose label is unverified, the per-cent content "
        "beside the counts: its code is unknown, so the sample is a CSV that shows only labels)",
    ),
    Shape(
        "10660",
        "Barnevernstiltak i løpet av året, etter region, tiltak, statistikkvariabel og år",
        False,
        "csv_long",
        (
            Dim(
                "Barnevernstiltak",
                "tiltak",
                (("2.01", "2.01 Fosterhjem i familie og nære nettverk"), ("2.02", "2.02 Ordinære fosterhjem")),
            ),
        ),
        (Content("TiltakGjennomAar", "Barnevernstiltak i løpet av året (antall)", "antall", 0, verified=False),),
        MONITOR_KOSTRA + " tabell_13/14 (Region, Barnevernstiltak 2.01/2.02, TiltakGjennomAar; an (F) table: "
        "counties and the country); category and content labels unverified",
        county_and_country_only=True,
    ),
    Shape(
        "12615",
        "Barnevern - meldinger (K) 2015 - 2024, etter region, statistikkvariabel og år",
        True,
        "csv_long",
        (),
        (
            Content("KOSbvbarnmelding0000", "Barn med melding (antall)", "antall", 0, verified=False),
            Content(
                "KOSbvbarnmelding0001",
                "Barn med melding i prosent av innbyggere 0-17 år (prosent)",
                "prosent",
                1,
                verified=False,
            ),
        ),
        MONITOR_KOSTRA + " tabell_58/59",
    ),
    Shape(
        "10760",
        "Meldinger til barnevernet, etter region, statistikkvariabel og år",
        False,
        "jsonstat",
        (),
        (Content("Meldinger", "Meldinger (antall)", "antall", 0, verified=False),),
        "no real source shows this table: id, content code and label are this project's reading, unverified",
    ),
    Shape(
        "12286",
        "Barnevern - undersøkelser (K) 2015 - 2024, etter region, statistikkvariabel og år",
        True,
        "jsonstat",
        (),
        (
            Content("KOSbvbarnus0000", "Barn med undersøkelse (antall)", "antall", 0, verified=False),
            Content(
                "KOSbvbarnuspinnb0000",
                "Barn med undersøkelse i prosent av innbyggere 0-17 år (prosent)",
                "prosent",
                1,
                verified=False,
            ),
        ),
        MONITOR_KOSTRA + " tabell_4/5",
    ),
    Shape(
        "10666",
        "Undersøkelser i barnevernet, etter region, statistikkvariabel og år",
        False,
        "jsonstat",
        (),
        (Content("UndersokStartet", "Undersøkelser startet i løpet av året (antall)", "antall", 0, verified=False),),
        "no real source shows this table: id, content code and label are this project's reading, unverified",
    ),
    Shape(
        "12275",
        "Barnevern - barn med tiltak (K) 2015 - 2024, etter region, alder, funksjon, statistikkvariabel og år",
        True,
        "csv_long",
        (Dim("KOKalder0000", "alder", KOSTRA_AGES), Dim("KOKbvfunksjon0000", "funksjon", FUNCTIONS_BV)),
        (
            Content(
                "KOSbvbarntiltaka0000",
                "Barn med barnevernstiltak i løpet av året (antall)",
                "antall",
                0,
                verified=False,
            ),
            Content(
                "KOSbvbarntiltaka0001",
                "Barn med barnevernstiltak i løpet av året i prosent av innbyggere 0-17 år (prosent)",
                "prosent",
                1,
                verified=False,
            ),
        ),
        MONITOR_KOSTRA + " tabell_2/3/6/7/8/20/27 (ages F000-017 and F000-022, functions 0, 1, 2; the table's "
        "contents at 31 December are left out: their codes are not shown anywhere)",
    ),
    Shape(
        "11600",
        "Barn og unge med plasseringstiltak per 31. desember, etter region, statistikkvariabel og år",
        False,
        "jsonstat",
        (),
        (
            Content(
                "Plasseringstiltak",
                "Barn og unge med plasseringstiltak per 31. desember (antall)",
                "antall",
                0,
                verified=False,
            ),
        ),
        "no real source shows this table: id, content code, label and regional level are unverified",
    ),
    Shape(
        "12870",
        "Barnevern - barn med undersøkelse eller tiltak (K) 2015 - 2024, etter region, alder, statistikkvariabel og år",
        True,
        "jsonstat",
        (Dim("KOKalder0000", "alder", KOSTRA_AGES),),
        (
            Content(
                "KOSbvbarnust0000",
                "Barn med undersøkelse eller tiltak i løpet av året (antall)",
                "antall",
                0,
                verified=False,
            ),
        ),
        MONITOR_KOSTRA + " tabell_10/18 (ages F000-017 and F000-022)",
    ),
    Shape(
        "12305",
        "Barnevern - stillinger (K) 2015 - 2024, etter region, statistikkvariabel og år",
        True,
        "jsonstat",
        (),
        (
            Content("KOSsumfunksjon240000", "Stillinger i funksjon 244 (antall)", "antall", 1, verified=False),
            Content("KOSsumfagutdanni0000", "Stillinger med fagutdanning (antall)", "antall", 1, verified=False),
            Content(
                "KOSsumfagutd0000",
                "Stillinger med fagutdanning per 1000 barn 0-17 år (antall)",
                "antall",
                1,
                verified=False,
            ),
        ),
        MONITOR_KOSTRA + " tabell_11/34/35",
    ),
    Shape(
        "12362",
        "Detaljerte regnskapstall driftsregnskapet (K) 2015 - 2024, etter region, funksjon, art, "
        "statistikkvariabel og år",
        True,
        "csv_long",
        (
            Dim(
                "KOKfunksjon0000",
                "funksjon",
                (
                    ("FGK13", "FGK13 Barnevern"),
                    ("232", "232 Forebygging helsestasjons- og skolehelsetjeneste"),
                    ("244", "244 Barneverntjeneste"),
                    ("251", "251 Barneverntiltak når barnet ikke er plassert av barnevernet"),
                    ("252", "252 Barneverntiltak når barnet er plassert av barnevernet"),
                ),
            ),
            Dim("KOKart0000", "art", (("AGD10", "AGD10 Brutto driftsutgifter"), ("AGD2", "AGD2 Netto driftsutgifter"))),
        ),
        (Content("KOSbelop0000", "Beløp (1000 kr)", "1000 kr", 0, verified=False),),
        MONITOR_KOSTRA + " tabell_16/21/23/28/53 (functions FGK13, 232, 244, 251, 252; arts AGD2, AGD10); "
        "function and art labels unverified",
    ),
    Shape(
        "12137",
        "Finansielle nøkkeltall (K) 2015 - 2024, etter region, regnskapsbegrep, statistikkvariabel og år",
        True,
        "jsonstat",
        (Dim("KOKartkap0000", "regnskapsbegrep", (("AGD1", "AGD1 Netto driftsutgifter"),)),),
        (Content("KOSbelop0000", "Beløp (1000 kr)", "1000 kr", 0, verified=False),),
        MONITOR_KOSTRA + " tabell_25 (KOKartkap0000=AGD1, KOSbelop0000); the monitor's title says «i kroner per "
        "innbygger», so the unit (1000 kr) is unverified",
    ),
    Shape(
        "12279",
        "Barnevern - utgifter (K) 2015 - 2024, etter region, statistikkvariabel og år",
        True,
        "jsonstat",
        (),
        (
            Content(
                "KOSndubvinnbygge0000",
                "Netto driftsutgifter til barnevernstjenesten per innbygger 0-17 år (kr)",
                "kr",
                0,
                verified=False,
            ),
            Content(
                "KOSndubvinnbygge0003",
                "Netto driftsutgifter til barnevernstjenesten per innbygger 0-24 år (kr)",
                "kr",
                0,
                verified=False,
            ),
            Content(
                "KOSndubvbvbarnus0000",
                "Netto driftsutgifter per barn med undersøkelse eller tiltak (kr)",
                "kr",
                0,
                verified=False,
            ),
            Content(
                "KOSbdu252bvbarnt0000",
                "Brutto driftsutgifter funksjon 252 per barn med tiltak (kr)",
                "kr",
                0,
                verified=False,
            ),
            Content(
                "KOSbdu251bvbarnt0000",
                "Brutto driftsutgifter funksjon 251 per barn med tiltak (kr)",
                "kr",
                0,
                verified=False,
            ),
            Content(
                "KOSandelndu2440000",
                "Andel netto driftsutgifter til funksjon 244 (prosent)",
                "prosent",
                1,
                verified=False,
            ),
        ),
        MONITOR_KOSTRA + " tabell_17/19/22/24/29 (KOSndubvinnbygge0003, per 0-24, from ssb.no/kompis)",
    ),
    Shape(
        "09086",
        "Årsverk i barnevernstjenesten, etter region, statistikkvariabel og år",
        False,
        "jsonstat",
        (),
        (
            Content("Tilsette", "Årsverk i alt (antall)", "antall", 1, verified=False),
            Content("TilsettePer1000", "Tilsette per 1000 innbyggere 0-17 år (antall)", "antall", 1, verified=False),
            Content("LedigeStillinger", "Ledige stillinger (antall)", "antall", 0, verified=False),
        ),
        "no real source shows this table: id, content codes and labels are this project's reading, unverified",
    ),
)

BY_TABLE = {s.table: s for s in SHAPES}
