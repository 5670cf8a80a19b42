"""Dekningsgrad og kapasitet: how many children the service meets, and whether capacity keeps up, against KOSTRA group, county, country and peers."""

from ui.area import show

show("dekningsgrad")
