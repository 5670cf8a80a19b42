"""Accessibility fixes for Streamlit's own markup, which we cannot change at the source.

Streamlit's chrome speaks English to screen readers (aria-labels such as «Help for …», «Show password»,
«Search», the «Page not found» dialog, the file uploader's texts) on a page whose <html lang> is nb:
WCAG 3.1.2 wants the language of every part to be right. Its caption grey is also too light for WCAG
1.4.3 (3.8:1 against the sidebar, 4.5:1 needed). One small script, run in the parent page from a 1-pixel
iframe like set_page_language below, rewrites those texts as Streamlit draws them (a
MutationObserver, since Streamlit redraws on every rerun) and adds one style rule.
tests/e2e/test_accessibility.py checks that no English label is left and that axe-core finds nothing
serious or critical.
"""

from __future__ import annotations

import json

import streamlit as st

from tilstand.words import t

# Streamlit's English aria-label/title/placeholder texts, whole value -> Norwegian (the catalog's [ui.chrome]).
LABELS: dict[str, str] = {
    "Help": t("ui.chrome.help"),
    "Close": t("ui.chrome.close"),
    "Open": t("ui.chrome.open"),
    "Search": t("ui.chrome.search"),
    "Clear all": t("ui.chrome.clear_all"),
    "Clear value": t("ui.chrome.clear_value"),
    "Selected values": t("ui.chrome.selected_values"),
    "Show password": t("ui.chrome.show_password"),
    "Hide password": t("ui.chrome.hide_password"),
    "Show/hide columns": t("ui.chrome.show_hide_columns"),
    "Download as CSV": t("ui.chrome.download_csv"),
    "Fullscreen": t("ui.chrome.fullscreen"),
    "Close fullscreen": t("ui.chrome.close_fullscreen"),
    "Collapse sidebar": t("ui.chrome.collapse_sidebar"),
    "Expand sidebar": t("ui.chrome.expand_sidebar"),
    "Sidebar": t("ui.chrome.sidebar"),
    "Decrement": t("ui.chrome.decrement"),
    "Increment": t("ui.chrome.increment"),
    "file upload": t("ui.chrome.file_upload"),
    "Link to heading": t("ui.chrome.link_to_heading"),
    "Choose an option": t("ui.chrome.choose"),
    "Choose options": t("ui.chrome.choose"),
    "Copy to clipboard": t("ui.chrome.copy"),
    "Skip to content": t("ui.chrome.skip_to_content"),
    "Main menu": t("ui.chrome.main_menu"),
    "Delete": t("ui.chrome.delete"),
}
# Labels that end with the element's own (already Norwegian) name: English prefix -> Norwegian prefix.
PREFIXES: dict[str, str] = {
    "Help for ": t("ui.chrome.help_for") + " ",
    "Remove ": t("ui.chrome.remove") + " ",
    "Search: ": t("ui.chrome.search") + ": ",
    "Show/hide columns: ": t("ui.chrome.show_hide_columns") + ": ",
    "Download as CSV: ": t("ui.chrome.download_csv") + ": ",
    "Fullscreen: ": t("ui.chrome.fullscreen") + ": ",
}
# Whole visible texts of Streamlit's chrome (text nodes), English -> Norwegian.
TEXTS: dict[str, str] = {
    "Skip to main content": t("ui.chrome.skip_to_main"),
    "Page not found": t("ui.chrome.page_not_found"),
    "The page that you have requested does not seem to exist. Running the app's main page.": t(
        "ui.chrome.page_not_found_text"
    ),
    "Drag and drop files here": t("ui.chrome.drop_files"),
    "Drag and drop file here": t("ui.chrome.drop_file"),
    "Browse files": t("ui.chrome.browse_files"),
    "Upload": t("ui.chrome.upload"),
    "Press Enter to apply": t("ui.chrome.enter_apply"),
    "Press Enter to submit form": t("ui.chrome.enter_submit"),
    "Press ⌘+Enter to apply": t("ui.chrome.cmd_enter_apply"),
    "Press Ctrl+Enter to apply": t("ui.chrome.ctrl_enter_apply"),
    "No results": t("ui.chrome.no_results"),
}
# Streamlit draws captions in the text colour at 60 % opacity (#7f7e7d on the sidebar's #f8f8f7: 3.8:1);
# full opacity in #5c5b5a gives 5.8:1 there and 6.4:1 on white. !important: Streamlit's own class rules
# come later in the page and would win a tie.
CSS = (
    "[data-testid=stCaptionContainer], [data-testid=stCaptionContainer] p, [data-testid=stWidgetLabel] small "
    "{ color: #5c5b5a !important; opacity: 1 !important; }"
)

_SCRIPT = """<script>
const doc = window.parent.document;
const LABELS = %(labels)s, PREFIXES = %(prefixes)s, TEXTS = %(texts)s;
const ATTRS = ['aria-label', 'title', 'placeholder'];
function label(v) {
  if (v in LABELS) return LABELS[v];
  for (const [en, nb] of Object.entries(PREFIXES)) if (v.startsWith(en)) return nb + v.slice(en.length);
  const limit = /^Limit (\\d+)MB per file(.*)$/.exec(v);
  return limit ? `Maks ${limit[1]} MB per fil${limit[2]}` : null;
}
function fixElement(el) {
  for (const a of ATTRS) {
    const v = el.getAttribute(a);
    const nb = v && label(v);
    if (nb && nb !== v) el.setAttribute(a, nb);
  }
}
function fixText(node) {
  const v = node.nodeValue.trim();
  const nb = TEXTS[v] || (v.startsWith('Limit ') ? label(v) : null);
  if (nb) node.nodeValue = node.nodeValue.replace(v, nb);
}
function fix(root) {
  if (root.nodeType === Node.TEXT_NODE) { fixText(root); return; }
  if (root.nodeType !== Node.ELEMENT_NODE) return;
  fixElement(root);
  for (const el of root.querySelectorAll('[aria-label],[title],[placeholder]')) fixElement(el);
  const walk = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) fixText(n);
}
if (!doc.getElementById('tilstand-a11y-style')) {
  const style = doc.createElement('style');
  style.id = 'tilstand-a11y-style';
  style.textContent = %(css)s;
  doc.head.appendChild(style);
}
// A rerun may draw this iframe anew: the old observer goes with it, this one takes over.
if (window.parent.tilstandA11y) window.parent.tilstandA11y.disconnect();
const observer = new MutationObserver(records => {
  for (const r of records) {
    if (r.type === 'attributes') fixElement(r.target);
    else if (r.type === 'characterData') fixText(r.target);
    else r.addedNodes.forEach(fix);
  }
});
observer.observe(doc.body, {subtree: true, childList: true, characterData: true, attributes: true,
                            attributeFilter: ATTRS});
window.parent.tilstandA11y = observer;
fix(doc.body);
</script>"""


def script() -> str:
    """The page script, with the translation tables and the style rule filled in."""
    return _SCRIPT % {
        "labels": json.dumps(LABELS, ensure_ascii=False),
        "prefixes": json.dumps(PREFIXES, ensure_ascii=False),
        "texts": json.dumps(TEXTS, ensure_ascii=False),
        "css": json.dumps(CSS),
    }


def norwegian_chrome() -> None:
    """Call once per run from app.py, before the navigation, so it is on every page incl. sign-in."""
    st.iframe(script(), height=1, alt=t("ui.chrome.script_alt"))


def set_page_language(lang: str = "nb") -> None:
    """Streamlit ships <html lang="en"> with no setting for it; WCAG 3.1.1 needs the real language."""
    st.iframe(
        "<script>const d = window.parent.document.documentElement;"
        f"const set = () => {{ if (d.lang !== '{lang}') d.lang = '{lang}'; }};"
        "set(); new MutationObserver(set).observe(d, {attributes: true, attributeFilter: ['lang']});</script>",
        height=1,
        alt=t("ui.chrome.language_alt"),
    )
