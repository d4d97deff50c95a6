"""The roles people hold in a partnership, with their Dutch names."""

from __future__ import annotations

ROLE_LABELS: dict[str, str] = {
    "coordinator": "Coördinator / programmaleiding",
    "stuurgroep": "Stuurgroep",
    "kerngroep": "Kerngroep",
    "auditcommissie": "Auditcommissie",
    "bestuurdersnetwerk": "Bestuurdersnetwerk",
    "school": "Contactpersoon van de aanvragende school",
    "admin": "Beheerder",
}

SCHOOL_ROLE = "school"
ADMIN_ROLE = "admin"  # a partnership's administrator: its own calendar, protocols, rules
