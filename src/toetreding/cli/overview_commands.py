"""``toetreding overview``: how many cases are at each step."""

from __future__ import annotations

import typer
from rich.table import Table

from toetreding.cli._common import JSON_HELP, console, print_json, service
from toetreding.service import StepCount, Toetreding


def overview(
    ctx: typer.Context,
    partnership: str | None = typer.Option(None, "--partnership", "-p"),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Aantal dossiers per stap, per protocol."""
    app = service(ctx)
    counts = app.overview(partnership)
    if as_json:
        print_json(
            [
                {
                    "protocol_id": c.protocol.id,
                    "protocol_version": c.protocol.version,
                    "state": c.state,
                    "state_label": c.protocol.states[c.state].label,
                    "step": c.protocol.states[c.state].step,
                    "count": c.count,
                }
                for c in counts
            ]
        )
        return
    print_overview(app, counts, app.partnership_id(partnership))


def print_overview(
    app: Toetreding, counts: list[StepCount], partnership_id: int | None = None
) -> None:
    if not counts:
        console.print("Nog geen dossiers. Open er een met 'toetreding case open'.")
        return
    names: dict[tuple[str, int, str], list[str]] = {}
    for case, school in app.store.cases(partnership_id=partnership_id):
        names.setdefault((case.protocol_id, case.protocol_version, case.state), []).append(school)
    by_protocol: dict[tuple[str, int], list[StepCount]] = {}
    for c in counts:
        by_protocol.setdefault(c.protocol.key, []).append(c)
    for rows in by_protocol.values():
        spec = rows[0].protocol
        table = Table(
            "stap", "toestand", "#", "scholen", "aan zet", title=f"{spec.title} (v{spec.version})"
        )
        machine = app.engine.machine(spec)
        for c in rows:
            st = spec.states[c.state]
            schools = names.get((spec.id, spec.version, c.state), [])
            shown = ", ".join(schools[:3]) + (f" +{len(schools) - 3}" if len(schools) > 3 else "")
            table.add_row(
                str(st.step or ""),
                st.label + (" (uitkomst)" if st.outcome else ""),
                str(c.count) if c.count else "[dim]0[/]",
                shown,
                ", ".join(spec.roles.get(r, r) for r in machine.acting_roles(c.state)),
            )
        console.print(table)
