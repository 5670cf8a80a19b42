"""One module per chart kind, each with one `build` taking the same arguments (see tilstand/charts/_registry.py).

Modules starting with an underscore are drawing shared by several kinds (bars, lines), not kinds themselves.
"""
