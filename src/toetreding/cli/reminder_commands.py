"""``toetreding scheduler`` and ``toetreding reminders``: the heartbeat and its ledger."""

from __future__ import annotations

import threading

import typer
from rich.table import Table

from toetreding._exceptions import ConfigurationError
from toetreding.cli._common import (
    JSON_HELP,
    console,
    new_app,
    parse_at,
    print_json,
    service,
    show_time,
    state,
)
from toetreding.clock import SystemClock, local
from toetreding.reminders import channel_from_settings
from toetreding.reminders.scheduler import (
    HEARTBEAT_SECONDS,
    run_forever,
    run_in_background,
    single_scheduler,
)
from toetreding.reminders.sweep import ReminderSweep, SweepReport

app = new_app("Herinneringen bij termijnen: één keer verstuurd, ook na een herstart.")

STATUS_LABELS = {
    "pending": "klaar om te versturen",
    "sending": "wordt verstuurd",
    "sent": "verstuurd",
    "failed": "mislukt, wordt opnieuw geprobeerd",
    "skipped": "overgeslagen",
}


def _sweep(ctx: typer.Context, exclusive: bool) -> ReminderSweep:
    settings = state(ctx).settings
    return ReminderSweep(
        service(ctx),
        channel_from_settings(settings),
        sender=settings.mail_from,
        base_url=settings.base_url,
        exclusive=exclusive,
    )


def scheduler(
    ctx: typer.Context,
    interval: int = typer.Option(
        HEARTBEAT_SECONDS, "--interval", min=1, help="Seconden tussen twee hartslagen"
    ),
) -> None:
    """Draai de planner: elke minuut termijnen afhandelen en herinneringen versturen.

    Stopt netjes bij Ctrl-C of SIGTERM (een lopende hartslag maakt hij eerst af).
    """
    settings = state(ctx).settings
    with single_scheduler(settings.database_url) as exclusive:
        sweep = _sweep(ctx, exclusive)
        console.print(
            f"Planner gestart (elke {interval} s); herinneringen via {sweep.channel!r}. "
            "Stoppen met Ctrl-C.",
            highlight=False,
        )
        run_forever(lambda: _print_report(sweep.run(), quiet=True), interval)
    console.print("Planner gestopt.")


def heartbeat_thread(ctx: typer.Context, stop: threading.Event) -> threading.Thread:
    """The scheduler on a daemon thread beside the web app; it steps aside (with a warning)
    when another scheduler already serves this SQLite database."""
    settings = state(ctx).settings

    def run() -> None:
        try:
            with single_scheduler(settings.database_url) as exclusive:
                sweep = _sweep(ctx, exclusive)
                run_in_background(lambda: _print_report(sweep.run(), quiet=True), stop)
        except ConfigurationError as exc:
            console.print(f"[yellow]Planner niet gestart:[/] {exc}", highlight=False)

    thread = threading.Thread(target=run, name="toetreding-planner", daemon=True)
    thread.start()
    return thread


@app.command("run-once")
def run_once(
    ctx: typer.Context,
    at: str | None = typer.Option(None, "--at", help="Peilmoment; standaard nu"),
) -> None:
    """Eén hartslag: termijnen afhandelen en wat nu moet versturen, daarna stoppen."""
    with single_scheduler(state(ctx).settings.database_url) as exclusive:
        report = _sweep(ctx, exclusive).run(parse_at(at))
    _print_report(report, quiet=False)


@app.command("status")
def status(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Hoeveel herinneringen verstuurd, wachtend, mislukt of overgeslagen zijn, en waarom."""
    ledger = service(ctx).reminder_ledger
    counts = ledger.counts()
    failed = ledger.rows(["failed"], limit=50)
    if as_json:
        print_json({"counts": counts, "failed": failed})
        return
    if not counts:
        console.print("Nog geen herinneringen.")
        return
    for key, label in STATUS_LABELS.items():
        if counts.get(key):
            console.print(f"{label}: {counts[key]}", highlight=False)
    for row in failed:
        console.print(
            f"[red]mislukt[/] {row['email']} ({row['deadline_name']}, dossier {row['case_id']}), "
            f"poging {row['attempts']}, opnieuw vanaf {show_time(row['next_attempt_at'])}: "
            f"{row['last_error']}",
            highlight=False,
        )


@app.command("list")
def list_reminders(
    ctx: typer.Context,
    status_: list[str] = typer.Option([], "--status", help="Alleen deze status(sen)"),
    limit: int = typer.Option(50, "--limit", min=1),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """De herinneringen, nieuwste eerst."""
    rows = service(ctx).reminder_ledger.rows(status_ or None, limit=limit)
    if as_json:
        print_json(rows)
        return
    table = Table("dossier", "termijn", "aan", "voor", "status", "verstuurd", "toelichting")
    for row in rows:
        table.add_row(
            str(row["case_id"]),
            row["deadline_name"],
            row["email"],
            f"{row['send_on']:%d-%m-%Y}",
            STATUS_LABELS.get(row["status"], row["status"]),
            show_time(row["sent_at"]),
            row["skip_reason"] or row["last_error"] or "",
        )
    console.print(table)


def _print_report(report: SweepReport, *, quiet: bool) -> None:
    busy = report.consequences or report.planned or report.sent or report.failed
    if quiet and not busy:
        return
    stamp = f"{local(SystemClock().now()):%Y-%m-%d %H:%M} " if quiet else ""
    console.print(
        f"{stamp}termijngevolgen: {len(report.consequences)}, nieuw ingepland: {report.planned}, "
        f"verstuurd: {report.sent}, overgeslagen: {report.skipped}, mislukt: {len(report.failed)}",
        highlight=False,
    )
    for failure in report.failed:
        console.print(f"[red]mislukt:[/] {failure}", highlight=False)
