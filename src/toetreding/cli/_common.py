"""What every command shares: the service, output (Rich or JSON), times and errors."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

# Typer carries its own copy of Click: its exceptions are the ones commands raise.
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from toetreding._exceptions import InvalidInputError
from toetreding.cli._errors import errors as _stderr
from toetreding.cli._errors import fail, usage_error
from toetreding.clock import Clock, FixedClock, SystemClock, as_aware, local
from toetreding.settings import Settings

if TYPE_CHECKING:  # imported where used: ``--help`` needs neither (see cli/__init__.py)
    from toetreding.definition import ProtocolRegistry
    from toetreding.service import Toetreding

console = Console(soft_wrap=True)
errors = _stderr  # the commands print their own warnings to stderr through it

JSON_HELP = "Uitvoer als JSON, voor scripts."
AT_HELP = (
    "Tijdstip (JJJJ-MM-DD of JJJJ-MM-DDTUU:MM, Nederlandse tijd), niet later dan nu; standaard nu."
)
# How far ahead of this machine's clock a given moment may lie (another machine's clock).
CLOCK_SKEW = timedelta(minutes=5)
NOW_ENV = "TOETREDING_NOW"  # a fixed "now" for the command line (exercises, replays, tests)


class Group(TyperGroup):
    """Every failure of a command becomes one Dutch line: exit 1, or 2 for a usage error
    (``cli/_errors.py``)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:  # one place turns every failure into one Dutch line
            root = ctx.find_root().obj
            fail(exc, root.settings.database_url if isinstance(root, State) else None)

    def main(  # type: ignore[override]
        self, args: Any = None, prog_name: Any = None, standalone_mode: bool = True, **kwargs: Any
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, standalone_mode=False, **kwargs)
        try:
            result = super().main(args, prog_name, standalone_mode=False, **kwargs)
        except ClickException as exc:
            usage_error(exc)
        except typer.Abort:
            errors.print("Afgebroken.")
            raise SystemExit(1) from None
        # Without standalone mode Click returns an exit code (typer.Exit) or the result.
        raise SystemExit(result if isinstance(result, int) else 0)


def new_app(help_text: str) -> typer.Typer:
    return typer.Typer(
        cls=Group, help=help_text, no_args_is_help=True, pretty_exceptions_enable=False
    )


@dataclass
class State:
    """Per-invocation state: settings, and the service built on first use."""

    settings: Settings
    _service: Toetreding | None = field(default=None, repr=False)

    @property
    def service(self) -> Toetreding:
        if self._service is None:
            from toetreding.service import Toetreding

            self._service = Toetreding.from_settings(self.settings, cli_clock())
        return self._service


def service(ctx: typer.Context) -> Toetreding:
    return state(ctx).service


def registry(ctx: typer.Context) -> ProtocolRegistry:
    """The protocols from the configured folder, without opening the database."""
    from toetreding.definition import ProtocolRegistry

    return ProtocolRegistry.from_directory(state(ctx).settings.protocols_dir)


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if root.obj is None:
        root.obj = State(Settings.from_env())
    assert isinstance(root.obj, State)
    return root.obj


def parse_at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            f"'{value}' is geen tijdstip (gebruik JJJJ-MM-DD of JJJJ-MM-DDTUU:MM)"
        ) from None
    return as_aware(parsed)


def cli_clock() -> Clock:
    """The wall clock, or the fixed moment ``TOETREDING_NOW`` names."""
    fixed = os.environ.get(NOW_ENV)
    if not fixed:
        return SystemClock()
    try:
        return FixedClock(datetime.fromisoformat(fixed))
    except ValueError:
        raise InvalidInputError(
            f"{NOW_ENV}='{fixed}' is geen tijdstip (gebruik JJJJ-MM-DDTUU:MM)"
        ) from None


def past_moment(ctx: typer.Context, value: str | None) -> datetime | None:
    """``--at`` of a command that records something: not later than now (give or take a
    few minutes between clocks). A typo such as 2099 would lock the case for every later
    step."""
    moment = parse_at(value)
    if moment is None:
        return None
    now = service(ctx).clock.now()
    if moment > now + CLOCK_SKEW:
        raise InvalidInputError(
            # as the service's refusals write a moment ('ligt vóór de laatste gebeurtenis')
            f"tijdstip {local(moment):%d-%m-%Y %H:%M} ligt in de toekomst (het is nu "
            f"{local(now):%d-%m-%Y %H:%M}); "
            "leg vast wat al gebeurd is, op het moment dat het gebeurde"
        )
    return moment


def parse_date(value: str) -> date:
    """A calendar date given as JJJJ-MM-DD; a clear error otherwise."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"'{value}' is geen datum (gebruik JJJJ-MM-DD)") from None


def show_time(moment: datetime | None) -> str:
    return "" if moment is None else local(moment).strftime("%Y-%m-%d %H:%M")


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, default=_json_default, ensure_ascii=False, indent=2))


def _json_default(value: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(value, datetime):
        return local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def key_values(pairs: list[str], option: str) -> dict[str, str]:
    """Parse repeated ``name=value`` options."""
    result: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InvalidInputError(f"{option} verwacht NAAM=WAARDE, kreeg '{pair}'")
        result[name.strip()] = value.strip()
    return result
