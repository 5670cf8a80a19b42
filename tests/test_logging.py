"""The library's log: an import, an export, a publication's document and every sign-in (right, wrong, locked out)
each leave one record an operator can read, and no record ever holds personal data: not the username, the
password, a person's name or a fødselsnummer planted in an imported file or in a chapter's text."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import DATA, leader
from tilstand import auth, cli, ingest, logs, narrative, report
from tilstand.access import SYSTEM
from tilstand.errors import InputError

FNR = "12345678901"  # an 11-digit fødselsnummer (planted: no importer reads people)
NAME = "Kari Nordmann"
USERNAME = "kari.nordmann@kommune.no"
PASSWORD = "et langt og hemmelig passord"
SECRETS = (FNR, NAME, USERNAME, "kari.nordmann", PASSWORD, "hemmelig")
SSB_CSV = DATA / "ssb_12286_excel_cp1252.csv"


def _assert_no_personal_data(records: list[logging.LogRecord]) -> None:
    for r in records:
        text = r.getMessage()
        for secret in SECRETS:
            assert secret.lower() not in text.lower(), (secret, text)


def _planted_file(tmp_path: Path, *, broken: bool = False) -> Path:
    """The SSB download with the name and the fødselsnummer in its title (and, `broken`, in a value's place), under
    a file name that names the person too."""
    data = SSB_CSV.read_bytes().decode("cp1252").replace("12286: ", f"12286: {NAME} {FNR} ", 1)
    if broken:
        data = data.replace("1210", f"{NAME} {FNR}", 1)
    path = tmp_path / f"{NAME.replace(' ', '_')}_{FNR}.csv"
    path.write_bytes(data.encode("cp1252"))
    return path


def test_an_import_logs_source_table_regions_values_id_and_time_but_nothing_from_the_file(con, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    result = ingest.import_file(con, _planted_file(tmp_path), actor=SYSTEM)
    (record,) = [r for r in caplog.records if r.name == "tilstand.ingest"]
    message = record.getMessage()
    assert record.levelno == logging.INFO and message.startswith("imported ssb")
    assert "table 12286" in message and f"{result.rows} values for " in message
    assert f"import {result.import_id}," in message and message.endswith(" s")
    _assert_no_personal_data(caplog.records)


def test_importing_the_same_file_again_logs_that_nothing_changed(con, tmp_path, caplog):
    path = _planted_file(tmp_path)
    first = ingest.import_file(con, path, actor=SYSTEM)
    caplog.set_level(logging.INFO)
    ingest.import_file(con, path, actor=SYSTEM)
    assert [r.getMessage() for r in caplog.records if r.name == "tilstand.ingest"] == [
        f"import skipped: ssb_csv file already imported (import {first.import_id})"
    ]


def test_a_refused_file_is_logged_at_the_command_lines_boundary_with_the_quoted_values_blanked(
    db_path, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    path = _planted_file(tmp_path, broken=True)
    with pytest.raises(InputError) as refused:
        ingest.read(path)
    assert NAME in str(refused.value)  # the person is told which value, in the file they chose
    assert cli.main(["import", str(path), "--db", str(db_path)]) == cli.EXIT_INPUT
    (record,) = [r for r in caplog.records if r.name == "tilstand.cli"]
    assert record.getMessage().startswith("import refused its input: InputError: fil «…», rad ")
    _assert_no_personal_data(caplog.records)


def test_an_export_logs_region_year_language_and_time_but_not_the_text(demo, tmp_path, caplog):
    rep = narrative.create_report(demo, "5001", 2024, "nb", actor=leader())
    first = narrative.sections(demo, rep.id)[0]
    narrative.save(demo, first.id, f"{NAME} ({FNR}) fikk hjelp.", base_version=first.version, actor=leader())
    caplog.set_level(logging.INFO)
    report.render(demo, "5001", 2024, "nb", out=tmp_path / "rapport.docx", with_charts=False, today=date(2025, 3, 1))
    (record,) = [r for r in caplog.records if r.name == "tilstand.report"]
    assert record.getMessage().startswith("exported DOCX: region 5001, year 2024, nb, ")
    _assert_no_personal_data(caplog.records)


def test_sign_ins_log_the_account_id_for_success_failure_and_lock_out_never_what_was_typed(con, caplog):
    user = auth.add_user(con, SYSTEM, USERNAME, NAME, password=PASSWORD)
    (user_id,) = con.cursor().execute("SELECT id FROM app_user WHERE username = ?", [user.username]).fetchone()
    caplog.set_level(logging.INFO)
    auth.sign_in(con, USERNAME, PASSWORD, address="10.0.0.1")
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(auth.SignInError):
            auth.sign_in(con, USERNAME, "hemmelig feil", address="10.0.0.2")
    with pytest.raises(auth.SignInError):
        auth.sign_in(con, USERNAME, PASSWORD, address="10.0.0.2")
    with pytest.raises(auth.SignInError):
        auth.sign_in(con, PASSWORD, "hemmelig", address="10.0.0.3")  # a password typed as the username
    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "tilstand.auth"]
    assert said == [
        ("INFO", f"sign-in: user id {user_id}"),
        *[("WARNING", f"sign-in failed: wrong password (user id {user_id})")] * (auth.MAX_FAILED_ATTEMPTS - 1),
        ("WARNING", f"sign-in failed: wrong password (user id {user_id}); address locked out"),
        ("WARNING", said[-2][1]),
        ("WARNING", "sign-in failed: unknown user (user id None)"),
    ]
    assert (
        said[-2][1].startswith("sign-in refused: address locked out until ") and f"(user id {user_id})" in said[-2][1]
    )
    _assert_no_personal_data(caplog.records)


def test_an_error_is_logged_by_type_with_quoted_values_and_long_numbers_blanked():
    error = InputError("Kari_Nordmann.csv", 3, "verdi", f"«{NAME}» er ikke et tall; fødselsnummer {FNR}.")
    assert logs.said(error) == "InputError: fil «…», rad 3, felt «…»: «…» er ikke et tall; fødselsnummer …."
    assert logs.said(ValueError(f"could not convert {NAME!r}")) == "ValueError"


@pytest.mark.parametrize(
    ("value", "level"),
    [("", logging.INFO), ("debug", logging.DEBUG), ("WARNING", logging.WARNING), ("30", 30), ("høyt", logging.INFO)],
)
def test_the_level_comes_from_tilstand_log_level_and_is_info_otherwise(value, level):
    assert logs.level(value) == level


def test_only_the_entry_points_configure_logging():
    root = Path(__file__).resolve().parent.parent
    callers = sorted(
        str(p.relative_to(root))
        for folder in ("tilstand", "ui", "pages")
        for p in (root / folder).rglob("*.py")
        if "basicConfig(" in p.read_text(encoding="utf-8") or "logs.configure()" in p.read_text(encoding="utf-8")
    )
    assert callers == ["tilstand/cli.py", "tilstand/logs.py"]
    assert "logs.configure()" in (root / "app.py").read_text(encoding="utf-8")


def test_the_command_line_logs_to_stderr_at_the_level_asked_for(tmp_path):
    def run(level: str) -> str:
        env = {**os.environ, "TILSTAND_LOG_LEVEL": level}
        out = subprocess.run(
            [sys.executable, "-m", "tilstand.cli", "import", str(SSB_CSV), "--db", str(tmp_path / f"{level}.duckdb")],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        assert out.returncode == 0, out.stderr
        return out.stderr

    assert "INFO tilstand.ingest: imported ssb_csv table 12286: " in run("INFO")
    assert "tilstand.ingest" not in run("WARNING")
