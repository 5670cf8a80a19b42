"""The chapter text editor: a textarea that saves by itself while the person types.

Streamlit's text_area sends its value only on blur or Ctrl+Enter, so text typed just before a crash
would be lost. This component sends the text 0.6 s after the last keystroke (and at once on blur or
when the tab is hidden); the page saves it as a new version before the rerun ends. The server never
overwrites what is in the textarea while the person types: it replaces the text only when the chapter
changes or when it sends a new `reset` token (after a restore, an inserted suggestion or a conflict).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from tilstand.words import t

HTML = """
<div class="tilstand-editor">
  <label class="lbl" for="tekst"></label>
  <p class="hint" id="tekst-hint"></p>
  <textarea id="tekst" aria-describedby="tekst-hint tekst-status" spellcheck="true" lang="nb"></textarea>
  <p class="status" id="tekst-status" role="status" aria-live="polite"></p>
</div>
"""

CSS = """
.tilstand-editor { font-family: var(--st-font, "Source Sans Pro", sans-serif); }
.lbl { display: block; font-weight: 600; margin-bottom: .25rem; color: var(--st-text-color, #262730); }
.hint { margin: 0 0 .4rem 0; font-size: .85rem; color: #4a4f5c; }
textarea { font-family: inherit; width: 100%; box-sizing: border-box; min-height: 26rem; padding: .6rem; font-size: 1rem;
           line-height: 1.5; border: 1px solid #8a8f99; border-radius: .4rem; resize: vertical;
           color: #1b1d22; background: #ffffff; }
textarea:focus { outline: 3px solid #1f5fa8; outline-offset: 1px; }
.status { margin: .3rem 0 0 0; font-size: .9rem; color: #2d3340; min-height: 1.2rem; }
"""

JS = """
export default function (component) {
  const { data, setStateValue, parentElement } = component;
  const area = parentElement.querySelector('textarea');
  const status = parentElement.querySelector('.status');
  parentElement.querySelector('.lbl').textContent = data.label;
  parentElement.querySelector('.hint').textContent = data.words.hint;
  area.setAttribute('lang', data.lang || 'nb');
  const st = parentElement.__tilstand || (parentElement.__tilstand = { seq: 0, timer: null });
  if (st.section !== data.section || st.reset !== data.reset) {
    area.value = data.body;
    st.section = data.section; st.reset = data.reset; st.sent = data.body;
  }
  status.textContent = data.status || '';
  const send = () => {
    clearTimeout(st.timer); st.timer = null;
    if (area.value === st.sent) return;
    st.sent = area.value; st.seq += 1;
    status.textContent = data.words.saving;
    setStateValue('draft', { text: area.value, section: data.section, base: data.base, seq: st.seq });
  };
  if (data.insert && data.insert.id !== st.insertId) {
    st.insertId = data.insert.id;
    const at = area.selectionStart ?? area.value.length;
    const before = area.value.slice(0, at), after = area.value.slice(at);
    const glue = before && !/\\s$/.test(before) ? ' ' : '';
    area.value = before + glue + data.insert.text + after;
    send();
  }
  area.oninput = () => { clearTimeout(st.timer); st.timer = setTimeout(send, 600); status.textContent = data.words.unsaved; };
  area.onblur = send;
  const onHide = () => { if (document.visibilityState === 'hidden') send(); };
  document.addEventListener('visibilitychange', onHide);
  window.addEventListener('pagehide', send);
  return () => { document.removeEventListener('visibilitychange', onHide); window.removeEventListener('pagehide', send); };
}
"""

_component = st.components.v2.component("tilstand_editor", html=HTML, css=CSS, js=JS)


@dataclass(frozen=True)
class Draft:
    text: str
    section: int
    base: int
    seq: int


def editor(
    *,
    key: str,
    label: str,
    section: int,
    body: str,
    base: int,
    reset: int,
    status: str,
    insert: dict | None = None,
    lang: str = "nb",
    on_change=None,
) -> Draft | None:
    """Mount the editor; returns the latest text the browser sent (None before the first keystroke)."""
    result = _component(
        key=key,
        data={
            "label": label,
            "section": section,
            "body": body,
            "base": base,
            "reset": reset,
            "status": status,
            "insert": insert,
            "lang": lang,
            "words": {"hint": t("ui.editor.hint"), "saving": t("ui.editor.saving"), "unsaved": t("ui.editor.unsaved")},
        },
        default={"draft": None},
        on_draft_change=on_change or (lambda: None),
    )
    raw = getattr(result, "draft", None)
    if not raw:
        return None
    return Draft(
        text=str(raw.get("text", "")),
        section=int(raw.get("section", -1)),
        base=int(raw.get("base", 0)),
        seq=int(raw.get("seq", 0)),
    )
