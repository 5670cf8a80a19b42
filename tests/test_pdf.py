"""DOCX → PDF through the real LibreOffice: the TOC gets page numbers, failures are explained, and
no soffice is ever left running.

No mocks: without LibreOffice these tests skip locally and fail in CI (TILSTAND_REQUIRE_BROWSER=1,
which means "require the real tools").
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from tests.conftest import env_flag
from tilstand import pdf
from tilstand.errors import TilstandError

TOC_INSTRUCTION = r'TOC \o "1-2" \h \z \u'
pytestmark = pytest.mark.libreoffice


def _require(ok: bool, what: str) -> None:
    if not ok:
        if env_flag("TILSTAND_REQUIRE_BROWSER"):
            pytest.fail(f"{what} is missing and TILSTAND_REQUIRE_BROWSER=1")
        pytest.skip(f"{what} is missing")


@pytest.fixture
def office() -> None:
    _require(pdf.available(), "LibreOffice (soffice)")
    _require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")


@pytest.fixture
def uno(office) -> None:
    _require(pdf.uno_python() is not None, "python3-uno for /usr/bin/python3")


@pytest.fixture(autouse=True)
def _own_temp_dir(tmp_path, monkeypatch):
    """Profiles and work dirs go under this test's folder, so that afterwards we can prove none of
    *our* soffice processes or temporary folders is left, whatever other LibreOffice runs nearby."""
    work = tmp_path / "lo-tmp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    yield work
    assert _office_processes(work) == [], "soffice left running"
    assert list(work.iterdir()) == [], "temporary folder left behind"


def _office_processes(marker: Path) -> list[str]:
    """Live processes whose command line mentions `marker` (the private profile lives there)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            cmd = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(marker) in cmd and ("soffice" in cmd or "oosplash" in cmd):
            found.append(cmd)
    return found


def _field_char(paragraph, kind: str) -> None:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(el)


def make_report(path: Path, chapters: int = 3, paragraphs: int = 1) -> list[tuple[int, str]]:
    """A DOCX like report.py writes: title, TOC field, one page per chapter with a subchapter.

    Returns the headings as (level, text) in order; chapter n starts on page n + 1.
    """
    doc = docx.Document()
    doc.add_paragraph("Tilstandsrapport for barnevernet", style="Title")
    toc = doc.add_paragraph()
    _field_char(toc, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {TOC_INSTRUCTION} "
    toc.add_run()._r.append(instr)
    _field_char(toc, "separate")
    toc.add_run("Høyreklikk og velg «Oppdater felt» for å se innholdsfortegnelsen.")
    _field_char(toc, "end")
    headings = []
    for n in range(1, chapters + 1):
        h1 = f"Kapittel {n}: Tiltak for barn i Ås, Bø og Årøy"
        h2 = f"{n}.1 Særlige behov og økonomi"
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_paragraph(h1, style="Heading 1")
        for _ in range(paragraphs):
            doc.add_paragraph("Barneverntjenesten følger opp tiltakene jevnlig. " * 12)
        doc.add_paragraph(h2, style="Heading 2")
        doc.add_paragraph("Kort omtale av særlige behov.")
        headings += [(1, h1), (2, h2)]
    doc.save(path)
    return headings


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def toc_lines(text: str) -> dict[str, int]:
    """TOC entries in pdftotext output: 'heading ....... page'."""
    return {m[1].strip(): int(m[2]) for m in re.finditer(r"^\s*(.+?)\s*\.{3,}\s*(\d+)\s*$", text, re.M)}


def test_to_pdf_fills_the_table_of_contents_with_page_numbers(uno, tmp_path):
    src = tmp_path / "Tilstandsrapport Ås 2024.docx"  # a name that needs escaping in a URL
    headings = make_report(src)
    out = pdf.to_pdf(src, tmp_path / "Tilstandsrapport Ås 2024.pdf")

    assert out == tmp_path / "Tilstandsrapport Ås 2024.pdf"
    assert out.read_bytes()[:4] == b"%PDF"
    text = pdf_text(out)
    for _, heading in headings:
        assert text.count(heading) == 2, heading  # once in the TOC, once as the heading
    chapter_pages = {h: n + 1 for n, (lvl, h) in enumerate(headings[::2], start=1)}
    entries = toc_lines(text)
    assert set(entries) == {h for _, h in headings}
    for heading, page in chapter_pages.items():
        assert entries[heading] == page
    assert "Oppdater felt" not in text  # the placeholder was replaced


def test_to_pdf_is_tagged_for_screen_readers(uno, tmp_path):
    src = tmp_path / "rapport.docx"
    make_report(src, chapters=1)
    out = pdf.to_pdf(src, tmp_path / "rapport.pdf")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M)


def test_refresh_docx_fills_the_toc_and_keeps_it_a_live_field(uno, tmp_path):
    src = tmp_path / "rapport.docx"
    headings = make_report(src)
    out = pdf.refresh_docx(src, tmp_path / "ferdig.docx")

    doc = docx.Document(out)
    instructions = " ".join(el.text for el in doc.element.body.iter(qn("w:instrText")))
    assert re.search(r"TOC\b", instructions) and r"\o" in instructions and "1-2" in instructions
    # All paragraphs in order, including those inside the w:sdt that LibreOffice wraps the TOC in.
    body_paragraphs = [Paragraph(p, doc) for p in doc.element.body.iter(qn("w:p"))]
    first_heading = next(i for i, p in enumerate(body_paragraphs) if p.style.name == "Heading 1")
    entries = [p.text for p in body_paragraphs[:first_heading] if "\t" in p.text]
    assert [e.split("\t")[0] for e in entries] == [h for _, h in headings]
    assert [e.split("\t")[-1] for e in entries] == ["2", "2", "3", "3", "4", "4"]
    # The headings themselves are still Word's built-in styles.
    assert [(p.style.name, p.text) for p in body_paragraphs[first_heading:] if p.style.name.startswith("Heading")] == [
        (f"Heading {lvl}", h) for lvl, h in headings
    ]


def test_random_bytes_named_docx_raise_a_norwegian_error_naming_the_file(office, tmp_path):
    bad = tmp_path / "ødelagt rapport.docx"
    bad.write_bytes(os.urandom(4096))
    with pytest.raises(pdf.PdfConversionError) as caught:
        pdf.to_pdf(bad, tmp_path / "ut.pdf")
    assert "«ødelagt rapport.docx»" in str(caught.value)
    assert "kunne ikke lese" in str(caught.value)
    assert isinstance(caught.value, TilstandError)
    assert not (tmp_path / "ut.pdf").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no .part file


def test_refresh_docx_refuses_a_broken_file_too(uno, tmp_path):
    bad = tmp_path / "tull.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(pdf.PdfConversionError, match=r"«tull\.docx»"):
        pdf.refresh_docx(bad, tmp_path / "ut.docx")


def test_missing_input_is_named(office, tmp_path):
    with pytest.raises(pdf.PdfConversionError, match=r"«finnes-ikke.docx».*finnes ikke"):
        pdf.to_pdf(tmp_path / "finnes-ikke.docx", tmp_path / "ut.pdf")


@pytest.mark.parametrize("timeout", [0.3, 1.0], ids=["while-starting", "while-converting"])
def test_a_timeout_kills_libreoffice_and_says_so(office, tmp_path, timeout):
    src = tmp_path / "rapport.docx"
    make_report(src, chapters=200, paragraphs=3)  # ≈ 2 s here: the second case lands mid-work
    with pytest.raises(pdf.PdfConversionError, match=r"«rapport.docx».*tidsavbrudd") as caught:
        pdf.to_pdf(src, tmp_path / "ut.pdf", timeout=timeout)
    # The timeout path, with this call's limit (not a wall-clock bound, which a loaded machine breaks).
    assert f"ble ikke ferdig innen {timeout:g} sekund" in str(caught.value)
    assert not (tmp_path / "ut.pdf").exists()
    # The autouse fixture checks that no soffice of ours is left.


def test_two_conversions_at_once_both_succeed(uno, tmp_path):
    srcs = []
    for name in ("a", "b"):
        src = tmp_path / f"{name}.docx"
        make_report(src, chapters=2 if name == "a" else 3)
        srcs.append(src)
    results: dict[str, object] = {}

    def run(src: Path) -> None:
        try:
            results[src.stem] = pdf.to_pdf(src, src.with_suffix(".pdf"))
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            results[src.stem] = e

    threads = [threading.Thread(target=run, args=(s,)) for s in srcs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert results == {"a": tmp_path / "a.pdf", "b": tmp_path / "b.pdf"}
    # Each got its own document, not the other's.
    assert len(toc_lines(pdf_text(tmp_path / "a.pdf"))) == 4
    assert len(toc_lines(pdf_text(tmp_path / "b.pdf"))) == 6


def test_without_uno_the_pdf_is_still_made_with_the_toc_as_written(office, tmp_path, monkeypatch):
    monkeypatch.setenv("TILSTAND_UNO_PYTHON", str(tmp_path / "no-such-python"))
    assert pdf.uno_python() is None
    src = tmp_path / "rapport.docx"
    headings = make_report(src)
    out = pdf.to_pdf(src, tmp_path / "rapport.pdf")
    text = pdf_text(out)
    assert out.read_bytes()[:4] == b"%PDF"
    assert all(h in text for _, h in headings)
    assert toc_lines(text) == {}
    with pytest.raises(pdf.PdfUnavailableError, match="python3-uno"):
        pdf.refresh_docx(src, tmp_path / "ut.docx")


def test_without_uno_a_broken_file_is_still_refused(office, tmp_path, monkeypatch):
    monkeypatch.setenv("TILSTAND_UNO_PYTHON", str(tmp_path / "no-such-python"))
    bad = tmp_path / "rot.docx"
    bad.write_bytes(os.urandom(2048))
    with pytest.raises(pdf.PdfConversionError, match=r"«rot.docx».*kunne ikke lese"):
        pdf.to_pdf(bad, tmp_path / "ut.pdf")
    assert not (tmp_path / "ut.pdf").exists()


def test_without_libreoffice_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pdf.available() is False
    src = tmp_path / "rapport.docx"
    src.write_bytes(b"")
    for convert in (pdf.to_pdf, pdf.refresh_docx):
        with pytest.raises(pdf.PdfUnavailableError, match="libreoffice-writer-nogui") as caught:
            convert(src, tmp_path / "ut")
        assert "LibreOffice" in str(caught.value)
