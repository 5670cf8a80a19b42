"""Ansatte og 10-FAKTOR: staffing, sick leave, turnover, competence and the 10-FAKTOR survey, against KOSTRA group, county, country and peers."""

from ui.area import show

show("ansatte")
