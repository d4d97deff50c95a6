"""The command line's own words in Dutch: click's and Typer's help and error texts (which
they take through ``gettext``, with no Dutch catalogue) and the type names in the help.

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
import typer._coercion
import typer._param_types
import typer.completion
import typer.core
import typer.rich_utils

from toetreding.formats import value_problem

WORDS = {
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon de versie en stop.",
    "Usage:": "Gebruik:",
    "Arguments": "Argumenten",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Error": "Fout",
    "Error: {message}": "Fout: {message}",
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
    "Missing argument": "Ontbrekend argument",
    "Missing option": "Ontbrekende optie",
    "Missing parameter": "Ontbrekende parameter",
    "Missing command.": "Geef een opdracht.",
    "Missing {param_type}": "{param_type} ontbreekt",
    "Missing parameter: {param_name}": "Ontbrekende parameter: {param_name}",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
    "No such option {name!r}.": "Onbekende optie {name!r}.",
    "Option {name!r} does not take a value.": "Optie {name!r} neemt geen waarde.",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "Try '{command} {option}' for help.": "Zie '{command} {option}' voor hulp.",
    "Try [blue]'{command_path} {help_option}'[/] for help.": (
        "Zie [blue]'{command_path} {help_option}'[/] voor hulp."
    ),
    "{value!r} is not a valid {number_type}.": "{value!r} is geen geldig {number_type}.",
    "{value} is not in the range {range}.": "{value} ligt niet tussen {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} bestaat niet.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} is een map.",
    "{name} {filename!r} is a file.": "{name} {filename!r} is een bestand.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} is niet leesbaar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} is niet schrijfbaar.",
    "Could not open file {filename!r}: {message}": (
        "Kon bestand {filename!r} niet openen: {message}"
    ),
    "file": "bestand",
    "directory": "map",
    "path": "pad",
    "Choose from:\n\t{choices}": "Kies uit:\n\t{choices}",
    "unknown error": "onbekende fout",
    "Got unexpected extra argument ({args})": "Onverwacht extra argument ({args})",
    "Got unexpected extra arguments ({args})": "Onverwachte extra argumenten ({args})",
    "Option {name!r} requires an argument.": "Optie {name!r} vraagt een waarde.",
    "Option {name!r} requires {nargs} arguments.": "Optie {name!r} vraagt {nargs} waarden.",
    "Did you mean {possibility}?": "Bedoelt u {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Bedoelt u een van: {possibilities}?)",
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


_PIECES = {"[OPTIONS]": "[OPTIES]", "COMMAND [ARGS]...": "OPDRACHT [ARGUMENTEN]..."}


def _dutch_usage(collect: Callable[[Any, Any], list[str]]) -> Callable[[Any, Any], list[str]]:
    def pieces(self: Any, ctx: Any) -> list[str]:
        return [_PIECES.get(piece, piece) for piece in collect(self, ctx)]

    pieces._dutch = True  # type: ignore[attr-defined]
    return pieces


# Typer's copy of click writes these in its own code: said again in Dutch where they start
_REPHRASE = (
    ("Invalid value for ", "Ongeldige waarde voor "),
    ("Invalid value: ", "Ongeldige waarde: "),
    ("Missing argument", "Ontbrekend argument"),
    ("Missing option", "Ontbrekende optie"),
    ("Missing parameter", "Ontbrekende parameter"),
    ("No such option: ", "Onbekende optie: "),
    ("Got unexpected extra argument(s)", "Onverwachte extra argumenten"),
    ("Option '", "Optie '"),
    (" requires an argument.", " vraagt een waarde."),
    (" does not take a value.", " neemt geen waarde."),
    ("Did you mean ", "Bedoelt u "),
    ("(Possible options: ", "(mogelijke opties: "),
)


def rephrase(message: str) -> str:
    for english, words in _REPHRASE:
        message = message.replace(english, words)
    return message


def _dutch_message(format_message: Callable[[Any], str]) -> Callable[[Any], str]:
    def said(self: Any) -> str:
        return rephrase(format_message(self))

    said._dutch = True  # type: ignore[attr-defined]
    return said


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


def _patch(owner: Any, name: str, wrap: Callable[[Any], Any]) -> None:
    """Wrap ``owner.name`` (its own or inherited) once: ``install`` may run again."""
    current = getattr(owner, name, None)
    if current is not None and not getattr(current, "_dutch", False):
        setattr(owner, name, wrap(current))


def _value_error(exc: Any) -> str:
    errors = exc.errors() if hasattr(exc, "errors") else []
    return value_problem(errors[0]) if errors else str(exc)


def install() -> None:
    """Put the Dutch words in place (idempotent)."""
    for command in (typer._click.core.Command, typer.core.TyperGroup):
        _patch(command, "collect_usage_pieces", _dutch_usage)
    _patch(typer._click.core.Command, "get_help_option", _dutch_help_option)
    _patch(typer._click.formatting.HelpFormatter, "write_usage", _dutch_usage_line)
    for error in vars(typer._click.exceptions).values():
        if isinstance(error, type) and issubclass(error, Exception):
            _patch(error, "format_message", _dutch_message)
    for module in (typer._coercion, typer._param_types):  # a value that does not convert
        setattr(module, "get_error_msg", _value_error)  # noqa: B010
    click = typer._click  # Typer's own copy of click: its words and usage line
    for module in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        typer.core,
        typer.rich_utils,
    ):
        if hasattr(module, "_"):
            module._ = dutch  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = dutch_plural  # type: ignore[attr-defined]
    rich = typer.rich_utils  # its fixed strings were translated when it was imported
    for name in (
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
    ):
        setattr(rich, name, dutch(getattr(rich, name)))
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
