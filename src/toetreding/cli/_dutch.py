"""The command line's own words in Dutch: click's and Typer's help texts (which they take
through ``gettext``, with no Dutch catalogue) and the type names in the help; a value that
does not convert says why in Dutch. Usage errors are put in Dutch by ``_errors.py``.

Installed once, when :mod:`toetreding.cli` is imported; this process runs only our CLI.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import typer._click.core
import typer._click.decorators
import typer._click.exceptions
import typer._click.formatting
import typer._click.parser
import typer._click.termui
import typer._click.utils
import typer._coercion
import typer._param_types
import typer.completion
import typer.core

# help texts only: usage errors are put in Dutch by _errors.py (one place)
WORDS = {
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon de versie en stop.",
    "Usage:": "Gebruik:",
    "Arguments": "Argumenten",
    "Options": "Opties",
    "Commands": "Commando's",
    "Error": "Fout",
    "Aborted!": "Afgebroken.",
    "Aborted.": "Afgebroken.",
    "[required]": "[verplicht]",
    "required": "verplicht",
    "[default: {}]": "[standaard: {}]",
    "default: {default}": "standaard: {default}",
    "[env var: {}]": "[omgevingsvariabele: {}]",
    "env var: {var}": "omgevingsvariabele: {var}",
    "(deprecated) ": "(verouderd) ",
    "deprecated": "verouderd",
    "Try '{command} {option}' for help.": "Zie '{command} {option}' voor hulp.",
    "Try [blue]'{command_path} {help_option}'[/] for help.": (
        "Zie [blue]'{command_path} {help_option}'[/] voor hulp."
    ),
    "file": "bestand",
    "directory": "map",
    "path": "pad",
    "Choose from:\n\t{choices}": "Kies uit:\n\t{choices}",
    "unknown error": "onbekende fout",
    "integer": "geheel getal",
    "float": "getal",
    "Install completion for the current shell.": (
        "Installeer het aanvullen van opdrachten (tab) voor deze shell."
    ),
    "Show completion for the current shell, to copy it or customize the installation.": (
        "Toon het script voor het aanvullen van opdrachten voor deze shell, om te kopiëren "
        "of aan te passen."
    ),
}

# Typer's type names in the help ('<int>'), in words; a switch shows none
TYPES = {
    "<int>": "<getal>",
    "<float>": "<getal>",
    "<int range>": "<getal>",
    "<float range>": "<getal>",
    "<str>": "<tekst>",
    "<bool>": None,
    "<Path>": "<pad>",
    "<path>": "<pad>",
    "<file>": "<bestand>",
    "<list[Path]>": "<paden>",
    "<list[str]>": "<teksten>",
    "<list[int]>": "<getallen>",
    "<datetime>": "<tijdstip>",
}


def dutch(message: str) -> str:
    return WORDS.get(message, message)


def dutch_plural(singular: str, plural: str, n: int) -> str:
    return dutch(singular if n == 1 else plural)


def _dutch_types(show: Callable[[Any, Any], str | None]) -> Callable[[Any, Any], str | None]:
    def display(self: Any, ctx: Any) -> str | None:
        shown = show(self, ctx)
        if shown is None:
            return None
        return TYPES.get(shown, shown)

    display._dutch = True  # type: ignore[attr-defined]
    return display


_PIECES = {"[OPTIONS]": "[OPTIES]", "COMMAND [ARGS]...": "COMMANDO [ARGS]..."}  # as _errors


def _dutch_usage(collect: Callable[[Any, Any], list[str]]) -> Callable[[Any, Any], list[str]]:
    def pieces(self: Any, ctx: Any) -> list[str]:
        return [_PIECES.get(piece, piece) for piece in collect(self, ctx)]

    pieces._dutch = True  # type: ignore[attr-defined]
    return pieces


def _dutch_help_option(get: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def help_option(self: Any, ctx: Any) -> Any:
        option = get(self, ctx)
        if option is not None:
            option.help = WORDS["Show this message and exit."]
        return option

    help_option._dutch = True  # type: ignore[attr-defined]
    return help_option


def _dutch_usage_line(write: Callable[..., None]) -> Callable[..., None]:
    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write(self, prog, args, "Gebruik: " if prefix is None else prefix)

    write_usage._dutch = True  # type: ignore[attr-defined]
    return write_usage


def _dutch_deprecation(invoke: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """click warns of a deprecated command in English ('DeprecationWarning: The command … is
    deprecated.'), in a sentence it builds itself: say it in Dutch, then run the command."""

    def run(self: Any, ctx: Any) -> Any:
        if not self.deprecated:
            return invoke(self, ctx)
        advice = f" {self.deprecated}" if isinstance(self.deprecated, str) else ""
        message = f"Let op: het commando '{self.name}' is verouderd.{advice}"
        typer._click.utils.echo(typer._click.termui.style(message, fg="red"), err=True)
        self.deprecated, deprecated = False, self.deprecated
        try:
            return invoke(self, ctx)
        finally:
            self.deprecated = deprecated

    run._dutch = True  # type: ignore[attr-defined]
    return run


def _patch(owner: Any, name: str, wrap: Callable[[Any], Any]) -> None:
    """Wrap ``owner.name`` (its own or inherited) once: ``install`` may run again."""
    current = getattr(owner, name, None)
    if current is not None and not getattr(current, "_dutch", False):
        setattr(owner, name, wrap(current))


def _value_error(exc: Any) -> str:
    from toetreding.formats import value_problem  # pydantic's words: not needed for --help

    errors = exc.errors() if hasattr(exc, "errors") else []
    return value_problem(errors[0]) if errors else str(exc)


def _use_dutch_words(module: Any) -> None:
    if hasattr(module, "_"):
        module._ = dutch
    if hasattr(module, "ngettext"):
        module.ngettext = dutch_plural


_RICH_STRINGS = (
    "DEPRECATED_STRING",
    "DEFAULT_STRING",
    "ENVVAR_STRING",
    "REQUIRED_LONG_STRING",
    "ARGUMENTS_PANEL_TITLE",
    "OPTIONS_PANEL_TITLE",
    "COMMANDS_PANEL_TITLE",
    "ERRORS_PANEL_TITLE",
    "ABORTED_TEXT",
    "RICH_HELP",
)


def _dutch_rich_help(format_help: Callable[..., None]) -> Callable[..., None]:
    """Typer draws help with ``typer.rich_utils`` (Rich's Markdown, 50 ms to import), which
    it imports only then: its words are put in Dutch at that moment, not at every start."""

    def help_text(self: Any, ctx: Any, formatter: Any) -> None:
        import typer.rich_utils as rich

        if not getattr(rich, "_dutch", False):
            _use_dutch_words(rich)
            for name in _RICH_STRINGS:  # translated when it was imported: again, in Dutch
                setattr(rich, name, dutch(getattr(rich, name)))
            rich._dutch = True  # type: ignore[attr-defined]
        format_help(self, ctx, formatter)

    help_text._dutch = True  # type: ignore[attr-defined]
    return help_text


def dutch_range(low: float | None, high: float | None) -> str | None:
    """An option's range in the help, in words ('minstens 1'; Typer writes 'x>=1')."""
    if low is None and high is None:
        return None
    if low is None:
        return f"hoogstens {high}"
    if high is None:
        return f"minstens {low}"
    return f"{low} tot en met {high}"


def install() -> None:
    """Put the Dutch words in place (idempotent)."""
    for command in (typer._click.core.Command, typer.core.TyperGroup):
        _patch(command, "collect_usage_pieces", _dutch_usage)
    _patch(typer._click.core.Command, "get_help_option", _dutch_help_option)
    _patch(typer._click.core.Command, "invoke", _dutch_deprecation)
    setattr(typer.core, "describe_number_range", dutch_range)  # noqa: B010  (the help)
    _patch(typer._click.formatting.HelpFormatter, "write_usage", _dutch_usage_line)
    for module in (typer._coercion, typer._param_types):  # a value that does not convert
        setattr(module, "get_error_msg", _value_error)  # noqa: B010
    click = typer._click  # Typer's own copy of click: its words and usage line
    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser):
        _use_dutch_words(module)
    _use_dutch_words(typer.core)
    _patch(typer.core.TyperCommand, "format_help", _dutch_rich_help)  # help through Rich
    _patch(typer.core.TyperGroup, "format_help", _dutch_rich_help)
    for kind in (typer.core.TyperArgument, typer.core.TyperOption):
        _patch(kind, "display_type_rich", _dutch_types)
    # the options --install-completion and --show-completion carry their help as defaults
    for placeholder in (
        typer.completion._install_completion_placeholder_function,
        typer.completion._install_completion_no_auto_placeholder_function,
    ):
        for parameter in inspect.signature(placeholder).parameters.values():
            info = parameter.default
            if isinstance(getattr(info, "help", None), str):
                info.help = dutch(info.help)
