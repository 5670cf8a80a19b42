"""Kvalitet (frister og lovkrav): whether deadlines and legal requirements are met, against KOSTRA group, county, country and peers."""

from ui.area import show

show("kvalitet")
