"""A database that cannot be reached or opened, told in one Dutch line.

The views may not import SQLAlchemy, so they catch :data:`DATABASE_DOWN` and ask
:func:`database_problem` what to say (the CLI prints it, the web app answers 503).
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

# What a database that is down, missing or unreachable raises on first use.
DATABASE_DOWN: tuple[type[Exception], ...] = (OperationalError, InterfaceError)

# Words in the driver's message -> what it means for the person at the keyboard.
_REASONS = (
    (
        "unable to open database file",
        "het databasebestand kan niet worden geopend (bestaat de map?)",
    ),
    ("readonly database", "het databasebestand is alleen-lezen"),
    ("database is locked", "de database is bezet door een ander proces; probeer het zo opnieuw"),
    ("disk i/o error", "het databasebestand kan niet worden gelezen of geschreven"),
    ("file is not a database", "het bestand is geen SQLite-database"),
    ("connection refused", "er luistert geen databaseserver (draait PostgreSQL?)"),
    ("could not translate host name", "de databaseserver is onbekend"),
    ("name or service not known", "de databaseserver is onbekend"),
    ("password authentication failed", "aanmelden bij de database is mislukt"),
    ("timeout expired", "de databaseserver antwoordt niet"),
    ("does not exist", "de database bestaat niet op de server"),
    ("server closed the connection", "de databaseserver verbrak de verbinding"),
    ("terminating connection", "de databaseserver verbrak de verbinding"),
)


def database_problem(exc: BaseException, url: str) -> str | None:
    """One Dutch line for ``exc`` when it means the database at ``url`` is unusable (the
    password in ``url`` is never shown); None for any other error."""
    if isinstance(exc, ArgumentError):
        return f"'{_shown(url)}' is geen bruikbare database-URL"
    if not isinstance(exc, DATABASE_DOWN):
        return None
    text = str(getattr(exc, "orig", None) or exc).lower()
    reason = next((dutch for words, dutch in _REASONS if words in text), None)
    if reason is None:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        reason = f"de database meldt: {first}"
    return f"de database {_shown(url)} is niet bruikbaar: {reason}"


def _shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.rsplit("@", maxsplit=1)[-1]  # whatever it is, never the part with a password
