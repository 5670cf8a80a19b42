"""Streamlit widgets of our own (not pages): kept out of pages/ so Streamlit never lists them as pages."""
