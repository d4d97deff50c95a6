"""Every command fails cleanly: one Dutch line on stderr, exit 1 (2 for a usage error).

Runs EVERY command of the CLI (enumerated from the app, so a new command is tried too)
against a SQLite path that cannot be opened and a PostgreSQL URL where nothing listens, in
process (Typer's CliRunner goes through the same ``main`` as the console script); a few real
processes check the console script itself.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from toetreding.cli import app

TOETREDING = Path(sys.executable).parent / "toetreding"
# Commands that do not use the database named by --db: they may succeed or fail on their
# own terms, but must not crash either.
NO_DATABASE = {"protocol", "framework validate", "simulate"}


def _commands(group: typer.core.TyperGroup, prefix: tuple[str, ...] = ()) -> Iterator[tuple]:
    # Through list_commands/get_command: the root loads its commands lazily (cli/__init__.py).
    ctx = typer.Context(group)
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        if isinstance(command, typer.core.TyperGroup):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


COMMANDS = dict(_commands(get_command(app)))  # type: ignore[arg-type]


def _arguments(command: object, folder: Path) -> list[str]:
    """Plausible values for the required parameters, so the command gets to its work."""
    values: list[str] = []
    for param in command.params:  # type: ignore[attr-defined]
        if not param.required:
            continue
        kind = param.type_descriptor.annotation
        value = "x"
        if kind in (int, float):
            value = "1"
        elif kind is Path:
            value = str(folder / "invoer.yaml")
        elif isinstance(kind, type) and issubclass(kind, Enum):
            value = str(next(iter(kind)).value)
        if param.param_type_name == "option":
            values.append(param.opts[0])
        values.append(value)
    return values


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def broken_urls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("stuk")
    return {
        "sqlite": f"sqlite:///{folder / 'bestaat-niet' / 'toetreding.db'}",
        "postgresql": f"postgresql+psycopg://postgres:geheim@127.0.0.1:{_free_port()}/test",
    }


def _clean(output: str, code: int) -> None:
    assert code in (1, 2), output
    assert "Traceback" not in output and "sqlalchemy" not in output.lower(), output
    assert "Error" not in output and "Usage:" not in output, output
    assert "geheim" not in output, output  # never the password of the database URL


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_every_command_says_in_one_dutch_line_that_the_database_is_unusable(
    backend: str, broken_urls: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "invoer.yaml").write_text("id: x\n")
    runner = CliRunner()
    reached = []
    for path, command in COMMANDS.items():
        args = ["--db", broken_urls[backend], *path, *_arguments(command, tmp_path)]
        if path == ("serve",):
            args += ["--port", str(_free_port())]
        result = runner.invoke(app, args, env={"TOETREDING_DEBUG": ""})
        output = result.stdout + result.stderr
        # CliRunner keeps an escaped exception instead of printing its traceback
        assert isinstance(result.exception, SystemExit | None), (path, result.exception)
        if " ".join(path) in NO_DATABASE or path[0] in NO_DATABASE:
            assert "Traceback" not in output, output
            continue
        _clean(output, result.exit_code)
        if result.exit_code == 1 and "is niet bruikbaar" in result.stderr:
            # A deprecated alias (audit session) gets its Dutch warning line first.
            lines = [x for x in result.stderr.splitlines() if "is verouderd" not in x]
            assert len(lines) == 1, (path, output)
            reached.append(" ".join(path))
    # The plausible arguments get nearly every command to the database: a guard that this
    # test does not silently try usage errors only.
    missed = sorted({" ".join(p) for p in COMMANDS} - set(reached))
    assert len(reached) >= 0.8 * (len(COMMANDS) - len(NO_DATABASE)), missed
    assert {"serve", "case list", "case fire", "init"} <= set(reached)


def _script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [str(TOETREDING), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_the_console_script_on_a_stopped_postgresql(broken_urls: dict[str, str]) -> None:
    done = _script("--db", broken_urls["postgresql"], "case", "list")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Fout: de database postgresql+psycopg://postgres:***@127.0.0.1:"
        f"{broken_urls['postgresql'].rsplit(':', 1)[1].split('/')[0]}/test is niet bruikbaar: "
        "er luistert geen databaseserver (draait PostgreSQL?)"
    )
    debug = _script(
        "--db", broken_urls["postgresql"], "case", "list", env={"TOETREDING_DEBUG": "1"}
    )
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_usage_errors_are_dutch_with_exit_2() -> None:
    done = _script("--bogus")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "Gebruik: toetreding [OPTIES] COMMANDO [ARGS]...",
        "Fout: onbekende optie: --bogus",
        "Zie 'toetreding --help'.",
    ]
    runner = CliRunner()
    missing = runner.invoke(app, ["case", "show"])
    assert (
        missing.exit_code == 2
        and "Fout: argument" in missing.stderr
        and "ontbreekt" in missing.stderr
    )
    two_names = runner.invoke(app, ["frame", "choices"])
    assert two_names.exit_code == 2
    assert "Fout: optie --partnership / -p ontbreekt" in two_names.stderr
    unknown = runner.invoke(app, ["zaak"])
    assert unknown.exit_code == 2 and "onbekend commando 'zaak'" in unknown.stderr


def test_an_output_path_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "init"]).exit_code == 0
    missing = runner.invoke(
        app, ["--db", db, "case", "list", "--export", "csv", "-o", str(tmp_path / "nee" / "x.csv")]
    )
    assert missing.exit_code == 1
    assert missing.stderr.count("\n") == 1 and missing.stderr.startswith("Fout: bestand of map")
    assert "bestaat niet" in missing.stderr and "No such" not in missing.stderr
    assert str(tmp_path / "nee" / "x.csv") in missing.stderr
    folder = runner.invoke(
        app, ["--db", db, "case", "list", "--export", "csv", "-o", str(tmp_path)]
    )
    assert folder.exit_code == 1
    assert folder.stderr.count("\n") == 1 and folder.stderr.startswith("Fout: bestand of map")
    assert "is een map" in folder.stderr
