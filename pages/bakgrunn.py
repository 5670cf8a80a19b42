"""Bakgrunn: the children in the municipality and the living conditions behind the need, against KOSTRA group, county, country and peers."""

from ui.area import show

show("bakgrunn")
