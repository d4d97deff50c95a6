"""``toetreding serve`` (the web app with the scheduler) and ``toetreding user``."""

from __future__ import annotations

import threading
from dataclasses import replace

import typer

from toetreding._exceptions import NotFoundError
from toetreding.cli._common import cli_clock, console, new_app, service, state
from toetreding.service import new_password

user_app = new_app(
    "Accounts voor de webapp: aanmaken, wachtwoord opnieuw instellen, alles intrekken."
)

FIRST_ADMIN = ("Beheerder", "beheer@toetreding.local")


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    email: str = typer.Argument(
        ...,
        metavar="E-MAIL",
        help="E-mailadres (de persoon wordt aangemaakt als die nog niet bestaat)",
    ),
    name: str | None = typer.Option(None, "--name", help="Naam, voor een nieuwe persoon"),
    admin: bool = typer.Option(False, "--admin", help="Beheerder: ziet en beheert alles"),
) -> None:
    """Maak een account; het wachtwoord wordt één keer getoond."""
    app = service(ctx)
    try:
        person = app.person(email)
    except NotFoundError:
        person = app.add_person(name or email.split("@", maxsplit=1)[0], email)
    password = new_password()
    app.accounts.set_password(person.id, password, app.clock.now(), admin=admin)
    console.print(
        f"Account voor {person.name} <{person.email}>{' (beheerder)' if admin else ''}. "
        f"Wachtwoord (wordt niet opnieuw getoond): {password}",
        highlight=False,
    )


@user_app.command("reset-password")
def reset_password(
    ctx: typer.Context, email: str = typer.Argument(..., metavar="E-MAIL", help="E-mailadres")
) -> None:
    """Geef een account een nieuw wachtwoord (één keer getoond); alle sessies en API-tokens
    van de persoon houden meteen op."""
    app = service(ctx)
    person = app.person(email)
    accounts = app.accounts
    if accounts.account(person.id) is None:
        raise NotFoundError(f"{email} heeft nog geen account (toetreding user add {email})")
    password, ended = accounts.reset_password(person.id)
    console.print(f"Nieuw wachtwoord voor {person.email}: {password}", highlight=False)
    console.print(
        f"Beëindigd: {_count(ended.sessions, 'sessie', 'sessies')} en "
        f"{_count(ended.api_tokens, 'API-token', 'API-tokens')}.",
        highlight=False,
    )


@user_app.command("revoke")
def revoke(
    ctx: typer.Context, email: str = typer.Argument(..., metavar="E-MAIL", help="E-mailadres")
) -> None:
    """Trek alles in wat namens iemand aanmeldt: alle sessies, API-tokens en de agenda-link
    houden meteen op (het wachtwoord blijft)."""
    app = service(ctx)
    person = app.person(email)
    if app.accounts.account(person.id) is None:
        raise NotFoundError(f"{email} heeft nog geen account (toetreding user add {email})")
    ended = app.accounts.revoke_all(person.id)
    console.print(
        f"Ingetrokken voor {person.email}: {_count(ended.sessions, 'sessie', 'sessies')}, "
        f"{_count(ended.api_tokens, 'API-token', 'API-tokens')}"
        f"{' en de agenda-link' if ended.calendar else ''}.",
        highlight=False,
    )


def _count(number: int, one: str, more: str) -> str:
    return f"{number} {one if number == 1 else more}"


def ensure_first_admin(ctx: typer.Context) -> None:
    """On first run (no accounts at all) create the administrator and print the password."""
    app = service(ctx)
    accounts = app.accounts
    if accounts.exists():
        return
    name, email = FIRST_ADMIN
    try:
        person = app.person(email)
    except NotFoundError:
        person = app.add_person(name, email)
    password = new_password()
    accounts.set_password(person.id, password, app.clock.now(), admin=True)
    console.print(
        f"\nEerste beheerder aangemaakt: [bold]{email}[/] met wachtwoord [bold]{password}[/]\n"
        "(dit wachtwoord wordt niet opnieuw getoond; wijzig het met "
        f"'toetreding user reset-password {email}').\n",
        highlight=False,
    )


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Adres om op te luisteren"),
    port: int = typer.Option(8000, "--port", help="Poort om op te luisteren"),
    scheduler: bool = typer.Option(True, "--scheduler/--no-scheduler", help="Planner meedraaien"),
) -> None:
    """Start de webapp (en de planner voor herinneringen) en toon het adres."""
    import uvicorn

    from toetreding.cli.reminder_commands import heartbeat_thread
    from toetreding.web import create_app

    served = served_url(host, port)
    if not state(ctx).settings.base_url_set:  # e-mails link to where the app really runs
        state(ctx).settings = replace(state(ctx).settings, base_url=served)
    settings = state(ctx).settings
    ensure_first_admin(ctx)
    stop = threading.Event()
    if scheduler:
        heartbeat_thread(ctx, stop)
    console.print(f"toetreding draait op [bold]{served}/[/] (stoppen met Ctrl-C)")
    try:
        # the clock of every other command: TOETREDING_NOW, if set, is "now" on the pages too
        web_app = create_app(settings, cli_clock())
        uvicorn.run(web_app, host=host, port=port, log_level="warning")
    finally:
        stop.set()


def served_url(host: str, port: int) -> str:
    """The address people reach ``serve --host HOST --port PORT`` at (for links)."""
    shown = "localhost" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:  # an IPv6 address
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"
