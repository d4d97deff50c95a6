"""The ``toetreding`` command line. Messages are Dutch; ``--json`` on every read command.

Exit codes: 0 ok, 1 refused or invalid input, 2 usage error.

Commands are listed in ``COMMANDS`` and their module is imported only when the command runs:
``toetreding --help`` then starts without SQLAlchemy, the web app or WeasyPrint (a test keeps
them out of its import graph), and each command pays only for what it uses.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, replace
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperCommand

from toetreding.cli._common import Group, State
from toetreding.cli._dutch import install as _install_dutch
from toetreding.settings import Settings

_install_dutch()  # click's and Typer's own words (help, usage, errors) in Dutch


@dataclass(frozen=True)
class Entry:
    """A command of the root: where it lives and the line ``--help`` shows for it (a test
    checks that line against the command's own help)."""

    module: str  # in toetreding.cli
    attribute: str  # a function (a command) or a Typer app (a group of commands)
    help: str


# In the order ``--help`` lists them.
COMMANDS = {
    "init": Entry(
        "setup_commands",
        "init",
        "Maak de database aan of werk hem bij, en controleer de protocollen.",
    ),
    "overview": Entry(
        "overview_commands", "overview", "Aantal dossiers per stap, per partnerschap en protocol."
    ),
    "agenda": Entry(
        "deadline_commands",
        "agenda",
        "Lopende termijnen over alle dossiers, de eerstvolgende eerst.",
    ),
    "doctor": Entry(
        "calendar_commands",
        "doctor",
        "Gezondheidscontrole: wat een beheerder moet doen. Exitstatus 1 als er iets te doen is.",
    ),
    "simulate": Entry(
        "simulate_command",
        "simulate",
        "Speel een cohort scholen door een protocol op een virtuele klok.",
    ),
    "scheduler": Entry(
        "reminder_commands",
        "scheduler",
        "Draai de planner: elke minuut termijnen afhandelen en herinneringen versturen.",
    ),
    "serve": Entry(
        "web_commands",
        "serve",
        "Start de webapp (en de planner voor herinneringen) en toon het adres.",
    ),
    "verify": Entry(
        "maintenance_commands",
        "verify",
        "Controleer of de geschiedenis van elk dossier nog is zoals ze is vastgelegd.",
    ),
    "backup": Entry(
        "maintenance_commands",
        "backup",
        "Maak een reservekopie van de hele database in een nieuw bestand (ook terwijl de app "
        "draait). Bestanden in een map (TOETREDING_FILES_DIR) zitten er niet in.",
    ),
    "restore": Entry(
        "maintenance_commands",
        "restore",
        "Zet een reservekopie terug in een lege database en controleer daarna de geschiedenis.",
    ),
    "demo": Entry(
        "overview_commands",
        "demo",
        "Zet demogegevens klaar (als de database leeg is) en toon het overzicht.",
    ),
    "user": Entry(
        "web_commands",
        "user_app",
        "Accounts voor de webapp: aanmaken, wachtwoord opnieuw instellen, alles intrekken.",
    ),
    "deadline": Entry("deadline_commands", "app", "Termijnen verlengen of laten vervallen."),
    "calendar": Entry(
        "calendar_commands",
        "app",
        "De schoolkalender: zomervakanties per regio en vrije dagen van een partnerschap, "
        "met bron.",
    ),
    "reminders": Entry(
        "reminder_commands",
        "app",
        "Herinneringen bij termijnen: één keer verstuurd, ook na een herstart.",
    ),
    "protocol": Entry(
        "protocol_commands",
        "app",
        "Protocollen bekijken, controleren, publiceren en dossiers overzetten.",
    ),
    "framework": Entry(
        "framework_commands", "app", "Kwaliteitskaders bekijken, controleren en laden."
    ),
    "advice": Entry(
        "advice_commands", "app", "Adviesregels bekijken en per partnerschap publiceren."
    ),
    "partnership": Entry("setup_commands", "partnership_app", "Partnerschappen beheren."),
    "school": Entry("setup_commands", "school_app", "Kandidaat-scholen beheren."),
    "person": Entry("setup_commands", "person_app", "Personen en hun rollen beheren."),
    "import": Entry(
        "sheet_commands",
        "app",
        "Scholen, besturen of personen inlezen uit een spreadsheet (CSV of XLSX).",
    ),
    "case": Entry("case_commands", "app", "Toelatingsdossiers openen, bekijken en verder zetten."),
    "file": Entry(
        "file_commands",
        "app",
        "Bestanden van een dossier: bekijken, opslaan, een nieuwe versie toevoegen.",
    ),
    "audit": Entry(
        "audit_commands",
        "app",
        "Interne audits: commissie, gesprekken en bevindingen per criterium.",
    ),
    "frame": Entry(
        "frame_commands",
        "frame_app",
        "Gesprekskaders: de vragen van bijv. het intakegesprek, de antwoorden en welk kader "
        "een partnerschap gebruikt.",
    ),
    "meeting": Entry(
        "meeting_commands",
        "app",
        "Vergaderingen van stuurgroep, bestuurdersnetwerk, auditcommissie en kerngroep.",
    ),
    "report": Entry(
        "report_commands",
        "app",
        "Auditrapporten: concept, correcties van de school, definitief rapport.",
    ),
    "letter": Entry(
        "report_commands", "letter_app", "Brieven: het beargumenteerde besluit en de besluitbrief."
    ),
}


def load_command(name: str) -> Any:
    """The (click) command ``name`` of the root, its module imported now."""
    entry = COMMANDS[name]
    found = getattr(import_module(f"toetreding.cli.{entry.module}"), entry.attribute)
    if isinstance(found, typer.Typer):
        command: Any = typer.main.get_group(found)
    else:  # a function: registered as the root would have registered it
        single = typer.Typer()
        single.command(name)(found)
        command = typer.main.get_group(single).commands[name]
    command.name = name
    return command


class LazyGroup(Group):
    """The root: commands in ``COMMANDS`` are loaded when they run; its own ``--help`` lists
    them from the table without importing them."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        if self._listing:
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name].help)
        command = self.commands[cmd_name] = load_command(cmd_name)
        resume_collection()
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    cls=LazyGroup,
    help="toetreding — toelatingsprotocollen van Samen Opleiden-partnerschappen.\n\n"
    "Database: TOETREDING_DATABASE_URL (standaard sqlite:///toetreding.db).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    database: str | None = typer.Option(
        None, "--db", help="Database-URL; overschrijft TOETREDING_DATABASE_URL"
    ),
) -> None:
    settings = Settings.from_env()
    if database:
        settings = replace(settings, database_url=database)
    ctx.obj = State(settings)


def resume_collection() -> None:
    """Once the command's module is loaded: if start-up paused the garbage collector
    (``toetreding.__main__``), keep everything made so far out of later collections and
    collect again, for whatever the command goes on to make (a server runs for days)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def main() -> None:
    app()
