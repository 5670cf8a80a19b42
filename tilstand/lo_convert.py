"""Fill a DOCX's table of contents in a running LibreOffice and store it as PDF or DOCX.

Run by the *system* Python (the one that has Debian's python3-uno), never imported by the library:
the project's virtual environment cannot import `uno`. `tilstand.pdf` starts soffice, runs this
script, and kills soffice afterwards; this script only talks to the soffice it is pointed at.

    /usr/bin/python3 lo_convert.py --connect 'pipe,name=X;urp' --deadline 60 pdf IN.docx OUT.pdf

Exit codes tell the library what went wrong, so that it can say it in Norwegian:
0 done, 3 LibreOffice did not answer, 4 LibreOffice could not read the document,
5 LibreOffice could not write the result, 1 anything else. One line on stderr gives the detail.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

EXIT_NO_CONNECTION = 3
EXIT_LOAD = 4
EXIT_STORE = 5

FILTERS = {"pdf": "writer_pdf_Export", "docx": "MS Word 2007 XML"}
# Tagged PDF gives screen readers the heading structure and reading order; the bookmarks give the
# PDF reader an outline; showing the title instead of the file name is WCAG technique PDF18.
PDF_OPTIONS = {"UseTaggedPDF": True, "ExportBookmarks": True, "DisplayPDFDocumentTitle": True}


class Failure(Exception):
    def __init__(self, code: int, detail: str):
        super().__init__(detail)
        self.code = code


def props(**values) -> tuple:
    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name = name
        p.Value = value
        out.append(p)
    return tuple(out)


def connect(connection: str, deadline: float):
    """Retry until soffice accepts: it needs a second or two to start with a fresh profile."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            return resolver.resolve(f"uno:{connection};StarOffice.ComponentContext")
        except NoConnectException as e:
            if time.monotonic() > deadline:
                raise Failure(EXIT_NO_CONNECTION, f"no answer from soffice: {e.Message}") from e
            time.sleep(0.1)


def convert(ctx, kind: str, src: Path, dst: Path) -> None:
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    # The import filter is named so that a file that is not a Word document fails here instead of
    # being opened as plain text and "converted" into pages of garbage.
    try:
        doc = desktop.loadComponentFromURL(
            src.resolve().as_uri(), "_blank", 0, props(Hidden=True, ReadOnly=True, FilterName="MS Word 2007 XML")
        )
    except Exception as e:  # IllegalArgumentException, IOException: both mean "cannot read it"
        raise Failure(EXIT_LOAD, f"{type(e).__name__}: {getattr(e, 'Message', e)}") from e
    if doc is None or not hasattr(doc, "getDocumentIndexes"):
        if doc is not None:
            doc.close(True)
        raise Failure(EXIT_LOAD, "not a text document")
    try:
        indexes = doc.getDocumentIndexes()
        # Twice: filling the TOC can push the text onto a new page and shift its own page numbers.
        for _ in range(2):
            for i in range(indexes.getCount()):
                indexes.getByIndex(i).update()
        doc.refresh()
        args = {"FilterName": FILTERS[kind], "Overwrite": True}
        if kind == "pdf":
            args["FilterData"] = uno.Any("[]com.sun.star.beans.PropertyValue", props(**PDF_OPTIONS))
        try:
            doc.storeToURL(dst.resolve().as_uri(), props(**args))
        except Exception as e:
            raise Failure(EXIT_STORE, f"{type(e).__name__}: {getattr(e, 'Message', e)}") from e
    finally:
        doc.close(True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connect", required=True, help="UNO connection string, e.g. 'pipe,name=X;urp'")
    ap.add_argument("--deadline", type=float, default=120, help="seconds to wait for soffice")
    ap.add_argument("kind", choices=sorted(FILTERS))
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    a = ap.parse_args(argv)
    try:
        ctx = connect(a.connect, time.monotonic() + a.deadline)
    except Failure as e:
        print(e, file=sys.stderr)
        return e.code
    try:
        convert(ctx, a.kind, a.src, a.dst)
    except Failure as e:
        print(e, file=sys.stderr)
        return e.code
    except Exception as e:  # noqa: BLE001 - a UNO error has its text in .Message; one line is enough for the log
        print(f"{type(e).__name__}: {getattr(e, 'Message', e)}", file=sys.stderr)
        return 1
    finally:
        quit_office(ctx)
    return 0


def quit_office(ctx) -> None:
    """Ask soffice to quit, also after a failure: a clean exit removes its sockets in /tmp, which a
    kill leaves behind. The bridge drops as soffice goes away, which may raise: the expected end."""
    try:
        ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx).terminate()
    except Exception:  # noqa: BLE001 - the bridge dropping as soffice quits is the expected end
        pass


if __name__ == "__main__":
    sys.exit(main())
