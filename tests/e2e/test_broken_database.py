"""A real server on a database file that cannot be opened: the sign-in page says so in Norwegian, and the
browser never gets DuckDB's English message, a traceback or a server path."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server
from tests.storage_faults import random_bytes_file, text_file


@pytest.mark.parametrize("make", [random_bytes_file, text_file], ids=["random", "text"])
def test_the_sign_in_page_on_a_broken_database_says_so_in_norwegian_without_details(browser, tmp_path, make):
    db = make(tmp_path / "tilstand.duckdb")
    srv = Server(db, tmp_path / "streamlit.log").start()
    context = browser.new_context(locale="nb-NO")
    try:
        page = context.new_page()
        page.goto(srv.url)
        expect(page.get_by_text("Databasefilen er ikke en Tilstand-database")).to_be_visible(timeout=30_000)
        text = page.locator("body").inner_text()
        for leak in ("Traceback", "IO Error", "IOException", str(tmp_path), "This app has encountered an error"):
            assert leak not in text, leak
        assert page.get_by_label("Passord").count() == 0
    finally:
        context.close()
        srv.stop()
