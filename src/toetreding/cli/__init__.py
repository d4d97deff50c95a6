"""The ``toetreding`` command line. Messages are Dutch; ``--json`` on every read command.

Exit codes: 0 ok, 1 refused or invalid input, 2 usage error.
"""

from __future__ import annotations

from dataclasses import replace

import typer

from toetreding.cli import (
    audit_commands,
    calendar_commands,
    case_commands,
    deadline_commands,
    file_commands,
    framework_commands,
    maintenance_commands,
    protocol_commands,
    reminder_commands,
    report_commands,
    setup_commands,
    sheet_commands,
    simulate_command,
    web_commands,
)
from toetreding.cli._common import State, console, new_app, service, state
from toetreding.cli._dutch import install as _install_dutch
from toetreding.cli.overview_commands import overview, print_overview
from toetreding.demo import demo_start, seed_demo
from toetreding.settings import Settings

_install_dutch()  # click's and Typer's own words (help, usage, errors) in Dutch
app = new_app(
    "toetreding — toelatingsprotocollen van Samen Opleiden-partnerschappen.\n\n"
    "Database: TOETREDING_DATABASE_URL (standaard sqlite:///toetreding.db)."
)
app.command("init")(setup_commands.init)
app.command("overview")(overview)
app.command("agenda")(deadline_commands.agenda)
app.command("doctor")(calendar_commands.doctor)
app.command("simulate")(simulate_command.simulate)
app.command("scheduler")(reminder_commands.scheduler)
app.command("serve")(web_commands.serve)
app.command("verify")(maintenance_commands.verify)
app.command("backup")(maintenance_commands.backup)
app.command("restore")(maintenance_commands.restore)
app.add_typer(web_commands.user_app, name="user")
app.add_typer(deadline_commands.app, name="deadline")
app.add_typer(calendar_commands.app, name="calendar")
app.add_typer(reminder_commands.app, name="reminders")
app.add_typer(protocol_commands.app, name="protocol")
app.add_typer(framework_commands.app, name="framework")
app.add_typer(setup_commands.partnership_app, name="partnership")
app.add_typer(setup_commands.school_app, name="school")
app.add_typer(setup_commands.person_app, name="person")
app.add_typer(sheet_commands.app, name="import")
app.add_typer(case_commands.app, name="case")
app.add_typer(file_commands.app, name="file")
app.add_typer(audit_commands.app, name="audit")
app.add_typer(audit_commands.frame_app, name="frame")
app.add_typer(report_commands.app, name="report")
app.add_typer(report_commands.letter_app, name="letter")


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


@app.command("demo")
def demo(ctx: typer.Context) -> None:
    """Zet demogegevens klaar (als de database leeg is) en toon het overzicht."""
    app_ = service(ctx)
    protocols = state(ctx).settings.protocols_dir
    if seed_demo(app_, demo_start(app_.clock.now().date()), protocols):
        console.print(
            "Demogegevens aangemaakt: partnerschap 'part2' met zeven kandidaat-scholen.\n"
        )
    print_overview(app_.board(today=app_.today()))
    console.print(
        "\nVerder: [bold].venv/bin/toetreding case list[/], "
        "[bold].venv/bin/toetreding case show 1[/], "
        "[bold].venv/bin/toetreding --help[/]"
    )


def main() -> None:
    app()
