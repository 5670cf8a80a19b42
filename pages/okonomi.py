"""Økonomi: what the service costs per child and where the money goes, against KOSTRA group, county, country and peers."""

from ui.area import show

show("okonomi")
