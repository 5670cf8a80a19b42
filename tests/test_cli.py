"""The `tilstand` command as other tools and people use it: exit codes, messages, nothing changed on bad input."""

import re
import subprocess
import sys

import duckdb
import pytest

from tests.conftest import DATA, REAL
from tests.storage_faults import flip_byte, random_bytes_file, reads_fully, sqlite_file, table_block, text_file

CLI = [sys.executable, "-m", "tilstand.cli"]


def tilstand(*args, env=None):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=300, env=env)


def _rows(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM observation").fetchone()[0], con.execute(
            "SELECT count(*) FROM import_log"
        ).fetchone()[0]
    finally:
        con.close()


def test_import_of_a_good_file_exits_0_and_says_what_changed(db_path):
    out = tilstand("import", DATA / "ssb_12286_excel_cp1252.csv", "--db", db_path)
    assert out.returncode == 0, out.stderr
    assert "16 verdier lest, 16 nye" in out.stdout


def test_import_of_the_same_file_twice_changes_nothing(db_path):
    tilstand("import", DATA / "ssb_12286_excel_cp1252.csv", "--db", db_path)
    before = _rows(db_path)
    out = tilstand("import", DATA / "ssb_12286_excel_cp1252.csv", "--db", db_path)
    assert out.returncode == 0 and "allerede importert" in out.stdout
    assert _rows(db_path) == before


def test_bad_file_exits_2_names_the_place_and_changes_nothing(db_path, tmp_path):
    tilstand("import", DATA / "ssb_12286_excel_cp1252.csv", "--db", db_path)
    before = _rows(db_path)
    bad = tmp_path / "truncated.json"
    bad.write_bytes((REAL / "ssb_12134_pxwebv2_jsonstat2_2024.json").read_bytes()[:700])
    out = tilstand("import", bad, "--db", db_path)
    assert out.returncode == 2
    assert "ingenting er endret" in out.stderr and "fil «truncated.json», rad" in out.stderr
    assert "Traceback" not in out.stderr
    assert _rows(db_path) == before


def test_one_bad_file_among_several_stops_all_of_them(db_path, tmp_path):
    tilstand("check", "--db", db_path)  # creates nothing: check needs an existing database
    bad = tmp_path / "tekst.csv"
    bad.write_bytes((DATA / "ssb_12286_excel_cp1252.csv").read_bytes().replace(b";1210", b";mange"))
    out = tilstand("import", DATA / "ssb_12286_excel_cp1252.csv", bad, "--db", db_path)
    assert out.returncode == 2 and "«mange» er ikke et tall" in out.stderr
    assert not db_path.exists() or _rows(db_path) == (0, 0)


def test_wrong_table_exits_2(db_path):
    out = tilstand("import", REAL / "ssb_05300_jsonstat2_v0api.json", "--db", db_path)
    assert out.returncode == 2 and "05300" in out.stderr and "ikke koblet" in out.stderr


def test_missing_file_exits_2(db_path, tmp_path):
    out = tilstand("import", tmp_path / "finnes_ikke.csv", "--db", db_path)
    assert out.returncode == 2 and "finnes ikke" in out.stderr


def test_check_on_a_missing_database_exits_2(tmp_path):
    out = tilstand("check", "--db", tmp_path / "nope.duckdb")
    assert out.returncode == 2 and "tilstand demo" in out.stderr


def test_check_reports_gaps_with_exit_1(db_path):
    tilstand("import", DATA / "ssb_12286_excel_cp1252.csv", "--db", db_path)
    out = tilstand("check", "--db", db_path)
    assert out.returncode == 1
    assert "mangler" in out.stdout and "Resultat: se feilene over." in out.stdout


def test_locked_database_gives_a_plain_message(db_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from tilstand import store; store.connect({str(db_path)!r}); "
            "import sys; print('ready', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        out = tilstand("import", DATA / "ssb_12286_excel_cp1252.csv", "--db", db_path)
        assert out.returncode == 1
        assert f"PID {holder.pid}" in out.stderr and "Lukk den andre prosessen" in out.stderr
        assert "Traceback" not in out.stderr
    finally:
        holder.communicate("", timeout=30)


@pytest.mark.libreoffice
def test_report_writes_a_docx_and_a_pdf_with_the_table_of_contents_filled(demo_db, tmp_path):
    import shutil

    from docx import Document

    from tests.conftest import env_flag

    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    out = tilstand(
        "report", "--region", "5035", "--year", "2024", "--lang", "nn", "--out", tmp_path / "r.docx", "--db", db
    )
    assert out.returncode == 0, out.stderr
    assert "Rapport skrevet:" in out.stdout and "12 kapitler" in out.stdout
    assert Document(tmp_path / "r.docx").paragraphs[0].text == "Tilstandsrapport for barnevernstenesta"
    if not shutil.which("soffice") and not env_flag("TILSTAND_REQUIRE_BROWSER"):
        return
    out = tilstand("report", "--region", "5035", "--year", "2024", "--out", tmp_path / "r.pdf", "--db", db)
    assert out.returncode == 0, out.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "EKSEMPELDATA" in text and "Stjørdal" in text
    toc = text[text.index("Innhold") : text.index("Kort oppsummering", text.index("Innhold") + 10) + 200]
    assert re.search(r"Dekningsgrad og kapasitet\s*\.*\s*\d+", text[text.index("Innhold") :]), toc


def test_report_for_an_unknown_municipality_exits_2_and_writes_nothing(demo_db, tmp_path):
    import shutil

    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    out = tilstand("report", "--region", "9999", "--year", "2024", "--out", tmp_path / "r.docx", "--db", db)
    assert out.returncode == 2
    assert "ukjent kommunenummer «9999»" in out.stderr
    assert not (tmp_path / "r.docx").exists()


@pytest.mark.parametrize(
    "make, said",
    [
        (random_bytes_file, "ikke en Tilstand-database"),
        (text_file, "ikke en Tilstand-database"),
        (sqlite_file, "ikke en Tilstand-database"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [["check"], ["import", DATA / "ssb_12286_excel_cp1252.csv"], ["user", "list"]],
    ids=["check", "import", "user-list"],
)
def test_a_database_file_that_is_no_duckdb_file_exits_1_in_norwegian_without_a_traceback(tmp_path, make, said, command):
    db = make(tmp_path / "tilstand.duckdb")
    before = db.read_bytes()
    out = tilstand(*command, "--db", db)
    assert out.returncode == 1
    assert said in out.stderr and "Ingenting er endret" in out.stderr and f"Database: {db}" in out.stderr
    assert "Traceback" not in out.stderr and "IO Error" not in out.stderr
    assert db.read_bytes() == before


@pytest.mark.parametrize("table", ["audit_log", "observation"])
def test_check_reads_every_table_and_reports_a_damaged_block_in_norwegian_with_exit_1(demo_db, tmp_path, table):
    """One byte flipped in the middle of a block that holds the table's data, in a real sample database
    (written by `tilstand demo` and closed, which checkpoints it). `check` used to say «alt i orden» for
    audit_log, which none of its questions read, and crash with a traceback for observation."""
    import shutil

    db = tmp_path / "damaged.duckdb"
    shutil.copy(demo_db, db)
    flip_byte(db, table_block(db, table))
    assert not reads_fully(db, table), "the flipped byte lies in the table's data"
    out = tilstand("check", "--db", db)
    assert out.returncode == 1, out.stdout + out.stderr
    said = out.stdout + out.stderr
    assert "skadet" in said and "alt i orden" not in said and "Traceback" not in said
    assert "Corrupt" not in said and "checksum" not in said


def test_check_on_a_sound_database_says_every_table_was_read(demo_db, tmp_path):
    import shutil

    db = tmp_path / "sound.duckdb"
    shutil.copy(demo_db, db)
    out = tilstand("check", "--db", db)
    assert "Lagring: OK (alle" in out.stdout and "tabeller lest helt" in out.stdout, out.stdout + out.stderr


def test_check_warns_about_every_unverified_ssb_mapping_row_by_indicator_table_and_code_without_failing(db_path):
    import csv

    from tests.conftest import ROOT

    tilstand("import", DATA / "ssb_12286_excel_cp1252.csv", "--db", db_path)
    out = tilstand("check", "--county", "99", "--db", db_path)  # a county without municipalities: no gaps to find
    assert out.returncode == 0, out.stdout + out.stderr
    with open(ROOT / "tilstand" / "data" / "ssb_mapping.csv", encoding="utf-8", newline="") as f:
        mapping = list(csv.DictReader(f))
    listed = re.findall(r"^  ! (\S+): tabell (\d+), statistikkvariabel (\S+)$", out.stdout, re.M)
    assumed = [(r["indicator_id"], r["table"], r["contents_code"]) for r in mapping if r["confidence"] == "assumed"]
    assert listed == assumed, "every assumed row, and no confirmed one"
    if assumed:
        assert (
            f"Advarsel: {len(assumed)} koblinger til SSB er ikke bekreftet mot SSBs tabellmetadata (antatt)."
            in out.stdout
        )
        assert "Resultat: alt i orden, men se advarselen over." in out.stdout
