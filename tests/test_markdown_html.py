"""Chapter text as the pages show it: HTML made from the same parsed Markdown subset as the DOCX, so nothing a
leader (or anyone who can write a chapter) types can load an image, run a script or link to another scheme."""

from __future__ import annotations

import pytest

from tests.html_tags import tags_of
from tilstand import markdown_html
from tilstand.markdown import Span, inline

ATTACKS = {
    "markdown image": "Se ![x](https://evil.example/p.png) her.",
    "raw img tag": "Hei <img src=https://evil.example/p.png onerror=alert(1)> der.",
    "script link": "[a](javascript:alert(document.cookie))",
    "data link": "[a](data:text/html,<script>alert(1)</script>)",
    "data image": "![a](data:image/png;base64,iVBORw0KGgo=)",
    "quote out of href": '[a](https://ok.example/"onmouseover="alert(1))',
    "raw anchor": '<a href="https://evil.example/p.png">klikk</a>',
    "raw iframe": "<iframe src=https://evil.example></iframe>",
}
ALLOWED_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "a"}
ALLOWED_ATTRIBUTES = {"href", "rel", "target"}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_no_image_no_raw_html_and_no_other_scheme_survives(attack):
    html = markdown_html.render(ATTACKS[attack])
    tags = tags_of(html)
    assert {t for t, _ in tags} <= ALLOWED_TAGS, html
    for tag, attrs in tags:
        assert set(attrs) <= ALLOWED_ATTRIBUTES, html
        if tag == "a":
            assert attrs["href"].startswith(("http://", "https://", "mailto:")), html
            assert "evil.example" not in attrs["href"], html
    assert "<img" not in html and "javascript:" not in "".join(str(a.get("href")) for _, a in tags)


def test_what_is_not_in_the_subset_is_shown_as_typed():
    html = markdown_html.render(ATTACKS["markdown image"] + "\n\n" + ATTACKS["raw img tag"])
    assert "Se ![x](https://evil.example/p.png) her." in html
    assert "Hei &lt;img src=https://evil.example/p.png onerror=alert(1)&gt; der." in html


def test_an_image_is_literal_text_in_the_docx_too():
    assert inline("![x](https://evil.example/p.png)") == (Span("![x](https://evil.example/p.png)"),)


def test_http_and_mailto_links_still_work_and_do_not_send_the_page_address():
    html = markdown_html.render(
        "Les [Bufdir](https://www.bufdir.no/statistikk?a=1&b=2) eller [skriv](mailto:post@kommune.no)."
    )
    links = [attrs for tag, attrs in tags_of(html) if tag == "a"]
    assert [a["href"] for a in links] == ["https://www.bufdir.no/statistikk?a=1&b=2", "mailto:post@kommune.no"]
    assert all(a["rel"] == "noopener noreferrer nofollow" for a in links)
    assert ">Bufdir</a>" in html


def test_the_subset_becomes_headings_paragraphs_lists_and_emphasis_one_level_below_the_chapter():
    html = markdown_html.render(
        "# Hovedfunn\n\nTjenesten har **god** og *stabil* drift.\n\n- a\n- b\n\n1. c\n2. d", base_level=2
    )
    assert html == (
        "<h3>Hovedfunn</h3>"
        "<p>Tjenesten har <strong>god</strong> og <em>stabil</em> drift.</p>"
        "<ul><li>a</li><li>b</li></ul>"
        "<ol><li>c</li><li>d</li></ol>"
    )


def test_text_that_looks_like_markup_to_streamlit_stays_text():
    # st.markdown would make LaTeX, icons, colours and emoji of these; the rendered HTML keeps them as typed
    html = markdown_html.render("Kostnad $5 og $6 :red[rødt] :material/home: :smile:")
    assert html == "<p>Kostnad $5 og $6 :red[rødt] :material/home: :smile:</p>"


def test_markdown_escaped_text_shows_names_literally_in_streamlit():
    assert markdown_html.literal("![x](https://evil.example/p.png) *Kari* $x$") == (
        r"\!\[x\]\(https\:\/\/evil\.example\/p\.png\) \*Kari\* \$x\$"
    )
