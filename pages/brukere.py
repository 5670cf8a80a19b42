"""Brukerundersøkelser: what children, young people and parents say about the service, against KOSTRA group, county, country and peers."""

from ui.area import show

show("brukere")
