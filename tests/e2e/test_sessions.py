"""Sessions in the browser: «Logg ut overalt» ends the person's sign-in in every browser, not only this one."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_sign_out_everywhere_signs_the_person_out_of_another_browser_too(browser, server):
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO") for _ in range(2)]
    try:
        here, elsewhere = (c.new_page() for c in contexts)
        for page in (here, elsewhere):
            page.set_default_timeout(30_000)
            sign_in(page, server, "lesar")
        here.get_by_role("button", name="Logg ut overalt").click()
        expect(here.get_by_role("button", name="Logg inn", exact=True)).to_be_visible()
        elsewhere.reload()
        expect(elsewhere.get_by_role("button", name="Logg inn", exact=True)).to_be_visible(timeout=20_000)
        expect(elsewhere.get_by_text("Innlogget som")).to_have_count(0)
    finally:
        for c in contexts:
            c.close()
