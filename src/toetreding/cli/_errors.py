"""Every failure of a command as one Dutch line on stderr: exit 1, or 2 for a usage error.

One place decides what a person at the keyboard reads: toetreding's own errors, a database
that is down or cannot be opened, a file or folder that cannot be written or read, and
Click's usage errors (translated, with a Dutch usage line). Anything else unexpected is one
line too; ``TOETREDING_DEBUG=1`` shows the full traceback instead.
"""

from __future__ import annotations

import os
import re
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

# Typer carries its own copy of Click: its exceptions are the ones commands raise.
from typer._click.exceptions import ClickException

from toetreding._exceptions import ToetredingError, TransitionRefused

errors = Console(stderr=True, soft_wrap=True)
DEBUG_ENV = "TOETREDING_DEBUG"


# Click's usage messages (click 8) -> Dutch; the groups are kept.
_USAGE = (
    # An option with two names is quoted name by name ('--partnership' / '-p'): one quote pair.
    (r"'(-[^' ]+)' / '(-[^' ]+)'", r"'\1 / \2'"),
    (r"No such option: (\S+)", r"onbekende optie: \1"),
    (r"No such command '(.+)'\.", r"onbekend commando '\1'"),
    (r"Missing argument '(.+)'\.", r"argument \1 ontbreekt"),
    (r"Missing option '([^']+)'\.", r"optie \1 ontbreekt"),
    (r"Missing parameter: (.+)", r"\1 ontbreekt"),
    (r"Missing command\.", "geef een commando"),
    (r"Got unexpected extra arguments? \((.+)\)", r"onverwacht extra argument: \1"),
    (r"Option '(.+)' requires an argument\.", r"optie \1 verwacht een waarde"),
    (r"Option '(.+)' does not take a value\.", r"optie \1 neemt geen waarde"),
    (r"Invalid value for (.+?): ", r"ongeldige waarde voor \1: "),
    (r"'(.+)' is not a valid integer( range)?\.", r"'\1' is geen geheel getal"),
    (r"'(.+)' is not a valid float( range)?\.", r"'\1' is geen getal"),
    (r"'(.+)' is not one of (.+)\.", r"'\1' is niet een van \2"),
    (r"'(.+)' is not (a valid boolean|a valid boolean range)\.", r"'\1' is geen ja/nee"),
    (r"(File|Directory|Path) '(.+)' does not exist\.", r"'\2' bestaat niet"),
    (r"(File|Directory|Path) '(.+)' is a directory\.", r"'\2' is een map"),
    (r"(File|Directory|Path) '(.+)' is a file\.", r"'\2' is een bestand"),
    (r"(File|Directory|Path) '(.+)' is not readable\.", r"'\2' is niet te lezen"),
    (r"(File|Directory|Path) '(.+)' is not writable\.", r"'\2' is niet te schrijven"),
    (r"Did you mean (.+)\?", r"Bedoelt u \1?"),
    (r"(?:\(Possible options|Possible options): (.+)", r"mogelijk: \1"),
    (r"\s+or\s+", " of "),
)


def debugging() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")


def usage_error(exc: ClickException) -> NoReturn:
    """Print a usage error in Dutch with the usage line, and exit (2, or the error's code)."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        usage = ctx.get_usage().replace("Usage:", "Gebruik:", 1)
        usage = usage.replace("[OPTIONS]", "[OPTIES]").replace("COMMAND [ARGS]", "COMMANDO [ARGS]")
        errors.print(escape(usage), highlight=False)
    errors.print(f"[bold red]Fout:[/] {escape(dutch_usage(exc.format_message()))}", highlight=False)
    if ctx is not None:
        errors.print(f"Zie '{escape(ctx.command_path)} --help'.", highlight=False)
    raise SystemExit(exc.exit_code)


def dutch_usage(message: str) -> str:
    for pattern, dutch in _USAGE:
        message = re.sub(pattern, dutch, message)
    return message


def fail(exc: Exception, database_url: str | None) -> NoReturn:
    """Print ``exc`` as one Dutch line (and a tip) and exit 1; re-raise when debugging or
    when it is no failure (Click's exits and usage errors pass on)."""
    if isinstance(exc, typer.Exit | ClickException | typer.Abort):
        raise exc
    if debugging() and not isinstance(exc, ToetredingError):
        raise exc
    label, message, hint = "Fout", explain(exc, database_url), ""
    if isinstance(exc, ToetredingError):
        label = "Geweigerd" if isinstance(exc, TransitionRefused) else "Fout"
        hint = exc.hint
    errors.print(f"[bold red]{label}:[/] {escape(message)}", highlight=False)
    if hint:
        errors.print(f"Tip: {escape(hint)}", highlight=False)
    raise typer.Exit(1) from exc


def explain(exc: Exception, database_url: str | None) -> str:
    """What went wrong, in Dutch, without a traceback."""
    if isinstance(exc, ToetredingError):
        return str(exc)
    from toetreding.store import database_problem  # not for --help: see cli/__init__.py

    problem = database_problem(exc, database_url) if database_url else None
    if problem is not None:
        return problem
    if isinstance(exc, OSError):
        from toetreding.formats import file_problem

        reason = file_problem(exc)
        where = exc.filename if exc.filename is not None else ""
        return f"bestand of map {where}: {reason}" if where else f"bestandsfout: {reason}"
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):  # a record built from options (e.g. SchoolCreate)
        from toetreding.formats import value_problem

        parts = [f"{'.'.join(map(str, e['loc']))} {value_problem(e)}" for e in exc.errors()]
        return "ongeldige invoer: " + "; ".join(parts)
    if isinstance(exc, MemoryError):
        return "te weinig geheugen voor deze opdracht"
    return (
        f"onverwachte fout ({type(exc).__name__}): {str(exc)[:200]}. "
        f"Zet {DEBUG_ENV}=1 om de details te zien."
    )
