"""``toetreding scheduler`` and ``toetreding reminders``: the heartbeat and its ledger."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

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
from toetreding.reminders import channel_from_settings, ledger_rows
from toetreding.reminders.scheduler import (
    HEARTBEAT_SECONDS,
    run_forever,
    run_in_background,
    single_scheduler,
)
from toetreding.reminders.sending import DEFAULT_BATCH, DEFAULT_LEASE
from toetreding.reminders.sweep import ReminderSweep, SweepReport

app = new_app("Herinneringen bij termijnen: één keer verstuurd, ook na een herstart.")

STATUS_LABELS = {
    "pending": "klaar om te versturen",
    "sending": "wordt verstuurd",
    "sent": "verstuurd",
    "failed": "mislukt, wordt opnieuw geprobeerd",
    "skipped": "overgeslagen",
}


LEASE_HELP = (
    "Seconden dat een geclaimde herinnering van dit proces is zonder verlenging (het proces "
    "verlengt zolang het verstuurt); na een crash neemt een ander het zo lang daarna over"
)
BATCH_HELP = "Hoeveel herinneringen het proces per keer claimt"


def _sweep(ctx: typer.Context, exclusive: bool, lease: float, batch: int) -> ReminderSweep:
    settings = state(ctx).settings
    return ReminderSweep(
        service(ctx),
        channel_from_settings(settings),
        sender=settings.mail_from,
        base_url=settings.base_url,
        exclusive=exclusive,
        lease=timedelta(seconds=lease),
        batch=batch,
    )


def _beat(sweep: ReminderSweep) -> datetime | None:
    report = sweep.run()
    _print_report(report, quiet=True)
    return report.look_again_at


class _Stopped(Exception):
    """SIGTERM while this scheduler waits as a standby."""


def _stop_waiting(_signum: int, _frame: object) -> None:
    raise _Stopped()


def scheduler(
    ctx: typer.Context,
    interval: float = typer.Option(
        HEARTBEAT_SECONDS, "--interval", min=0.1, help="Seconden tussen twee hartslagen"
    ),
    lease: float = typer.Option(DEFAULT_LEASE.total_seconds(), "--lease", min=0.5, help=LEASE_HELP),
    batch: int = typer.Option(DEFAULT_BATCH, "--batch", min=1, max=1000, help=BATCH_HELP),
) -> None:
    """Draai de planner: elke minuut termijnen afhandelen en herinneringen versturen.

    Stopt netjes bij Ctrl-C of SIGTERM (een lopende hartslag maakt hij eerst af). Op SQLite
    verstuurt één planner per database; een tweede wacht als reserve en neemt het binnen een
    seconde over als de eerste stopt. Op PostgreSQL delen planners het werk.
    """
    import signal

    settings = state(ctx).settings

    def standby(holder: str) -> None:
        console.print(
            f"Er draait al een planner voor deze database ({holder}); deze wacht als reserve "
            "en neemt het over zodra die stopt.",
            highlight=False,
        )

    # SIGTERM ends a standby, and a scheduler still starting up (a standby that just took
    # over builds its service), cleanly: until run_forever puts its own handler in place.
    previous = signal.signal(signal.SIGTERM, _stop_waiting)
    try:
        with single_scheduler(settings.database_url, standby=standby) as exclusive:
            sweep = _sweep(ctx, exclusive, lease, batch)
            console.print(
                f"Planner gestart (elke {interval:g} s, lease {lease:g} s); herinneringen via "
                f"{sweep.channel!r}. Stoppen met Ctrl-C.",
                highlight=False,
            )
            run_forever(lambda: _beat(sweep), interval, on_stop=sweep.stop)
    except (_Stopped, KeyboardInterrupt):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    console.print("Planner gestopt.")


def heartbeat_thread(ctx: typer.Context, stop: threading.Event) -> threading.Thread:
    """The scheduler on a daemon thread beside the web app; it steps aside (with a warning)
    when another scheduler already serves this SQLite database."""
    settings = state(ctx).settings

    def run() -> None:
        try:
            with single_scheduler(settings.database_url) as exclusive:
                sweep = _sweep(ctx, exclusive, DEFAULT_LEASE.total_seconds(), DEFAULT_BATCH)
                run_in_background(lambda: _beat(sweep), stop)
        except ConfigurationError as exc:
            console.print(f"[yellow]Planner niet gestart:[/] {exc}", highlight=False)

    thread = threading.Thread(target=run, name="toetreding-planner", daemon=True)
    thread.start()
    return thread


@app.command("run-once")
def run_once(
    ctx: typer.Context,
    at: str | None = typer.Option(None, "--at", help="Peilmoment; standaard nu"),
    lease: float = typer.Option(DEFAULT_LEASE.total_seconds(), "--lease", min=0.5, help=LEASE_HELP),
    batch: int = typer.Option(DEFAULT_BATCH, "--batch", min=1, max=1000, help=BATCH_HELP),
) -> None:
    """Eén hartslag: termijnen afhandelen en wat nu moet versturen, daarna stoppen."""
    with single_scheduler(state(ctx).settings.database_url) as exclusive:
        report = _sweep(ctx, exclusive, lease, batch).run(parse_at(at))
    _print_report(report, quiet=False)


@app.command("status")
def status(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Hoeveel herinneringen verstuurd, wachtend, mislukt of overgeslagen zijn, en waarom."""
    app_ = service(ctx)
    counts = app_.reminder_ledger.counts()
    failed = ledger_rows(app_, ["failed"], limit=50)
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
            f"[red]mislukt[/] {row['email']} ({row['about']}, dossier {row['case_id']}), "
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
    rows = ledger_rows(service(ctx), status_ or None, limit=limit)
    if as_json:
        print_json(rows)
        return
    table = Table("dossier", "termijn", "aan", "voor", "status", "verstuurd", "toelichting")
    for row in rows:
        table.add_row(
            str(row["case_id"]),
            row["about"],
            row["email"],
            f"{row['send_on']:%d-%m-%Y}",
            STATUS_LABELS.get(row["status"], row["status"]),
            show_time(row["sent_at"]),
            row["skip_reason"] or row["last_error"] or "",
        )
    console.print(table)


def _print_report(report: SweepReport, *, quiet: bool) -> None:
    busy = report.consequences or report.planned or report.sent or report.failed or report.lost
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
    for key in report.lost:
        console.print(
            f"[red]let op:[/] {key} is verstuurd nadat een ander proces het al had "
            "overgenomen (deze planner kon de database langer dan de lease niet bereiken); "
            "het kan twee keer zijn aangekomen, met hetzelfde Message-ID.",
            highlight=False,
        )
