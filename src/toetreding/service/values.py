"""The values a person types for the directory, checked once for every way in (CLI, web,
API, spreadsheet import): names that say something, e-mail addresses that can be written to."""

from __future__ import annotations

import re

from toetreding._exceptions import InvalidInputError

MAX_NAME = 200
MAX_EMAIL = 254
# Not RFC 5322 in full: one @, no spaces, a dot in the domain. Enough to catch a typo such as
# 'notanemail' before a reminder bounces.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def checked_name(value: str, what: str) -> str:
    """``value`` without surrounding spaces; refused when empty or longer than MAX_NAME."""
    name = value.strip()
    if not name:
        raise InvalidInputError(f"{what} mag niet leeg zijn")
    if len(name) > MAX_NAME:
        raise InvalidInputError(f"{what} is te lang: {len(name)} tekens, hooguit {MAX_NAME}")
    return name


def checked_email(value: str) -> str:
    """The address without surrounding spaces; refused when it cannot be an e-mail address."""
    email = value.strip()
    if len(email) > MAX_EMAIL or not EMAIL.match(email):
        raise InvalidInputError(f"'{value.strip()}' is geen geldig e-mailadres")
    return email
