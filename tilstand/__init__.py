"""Tilstand: the yearly condition report on a municipality's child welfare service.

The library never imports streamlit; pages/ and cli.py are thin layers over it.
"""

__version__ = "0.1.0"
