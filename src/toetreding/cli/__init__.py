"""The ``toetreding`` command line. Messages are Dutch; ``--json`` on every read command.

Exit codes: 0 ok, 1 refused or invalid input, 2 usage error.
"""

from __future__ import annotations

from datetime import datetime

import typer

from toetreding.cli import case_commands, deadline_commands, protocol_commands, setup_commands
from toetreding.cli._common import State, console, new_app, service
from toetreding.cli.overview_commands import overview, print_overview
from toetreding.clock import LOCAL_TZ
from toetreding.demo import seed_demo
from toetreding.settings import Settings

app = new_app(
    "toetreding — toelatingsprotocollen van Samen Opleiden-partnerschappen.\n\n"
    "Database: TOETREDING_DATABASE_URL (standaard sqlite:///toetreding.db)."
)
app.command("init")(setup_commands.init)
app.command("overview")(overview)
app.command("agenda")(deadline_commands.agenda)
app.add_typer(deadline_commands.app, name="deadline")
app.add_typer(protocol_commands.app, name="protocol")
app.add_typer(setup_commands.partnership_app, name="partnership")
app.add_typer(setup_commands.school_app, name="school")
app.add_typer(setup_commands.person_app, name="person")
app.add_typer(case_commands.app, name="case")


@app.callback()
def _root(
    ctx: typer.Context,
    database: str | None = typer.Option(
        None, "--db", help="Database-URL; overschrijft TOETREDING_DATABASE_URL"
    ),
) -> None:
    settings = Settings.from_env()
    if database:
        settings = Settings(database_url=database, protocols_dir=settings.protocols_dir)
    ctx.obj = State(settings)


@app.command("demo")
def demo(ctx: typer.Context) -> None:
    """Zet demogegevens klaar (als de database leeg is) en toon het overzicht."""
    app_ = service(ctx)
    if seed_demo(app_, datetime(2025, 9, 1, 9, 0, tzinfo=LOCAL_TZ)):
        console.print(
            "Demogegevens aangemaakt: partnerschap 'part2' met zeven kandidaat-scholen.\n"
        )
    print_overview(app_, app_.overview())
    console.print(
        "\nVerder: [bold].venv/bin/toetreding case list[/], "
        "[bold].venv/bin/toetreding case show 1[/], "
        "[bold].venv/bin/toetreding --help[/]"
    )


def main() -> None:
    app()
