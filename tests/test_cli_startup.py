"""The command line starts quickly: ``--help`` imports no database, web or PDF library,
``case show`` only what reading a case needs, and the root's table of commands says what
each command's own help says. (The times themselves are measured by bench/cli_startup.py.)"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import toetreding
from toetreding.cli import COMMANDS, load_command
from toetreding.store import make_engine, migrate

from .helpers import run

SRC = Path(toetreding.__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "fastapi", "starlette", "weasyprint")
OURS = ("toetreding.web", "toetreding.service", "toetreding.store", "toetreding.documents")


# What reading one case does not need: the web app, PDFs, migrations (the schema is
# current), password hashing, spreadsheets, Rich's Markdown (only for help pages), and the
# rules, tables and stores of audits, quality frameworks and advice rules, and those of
# accounts, sign-in sessions, kept API answers and meetings; and on SQLite, SQLAlchemy's PostgreSQL
# dialect (a partial index's ``postgresql_where`` or a PostgreSQL ``insert`` would load it).
NOT_FOR_SHOW = (
    *("fastapi", "starlette", "uvicorn", "jinja2", "weasyprint", "alembic", "argon2"),
    *("openpyxl", "markdown_it", "typer.rich_utils", "psycopg", "sqlalchemy.dialects.postgresql"),
    "yaml",  # the protocols are in the cache of checked definitions: their text is not parsed
    *("toetreding.web", "toetreding.documents", "toetreding.reminders", "toetreding.audits"),
    *("toetreding.demo", "toetreding.simulation", "toetreding.advice", "toetreding.frameworks"),
    *("toetreding.store.tables.audits", "toetreding.store.tables.frameworks"),
    *("toetreding.store.tables.advice", "toetreding.store.audits", "toetreding.store.frameworks"),
    *("toetreding.store.advice_rules", "toetreding.store.frame_choices"),
    *("toetreding.store.tables.accounts", "toetreding.store.tables.requests"),
    *("toetreding.store.accounts", "toetreding.store.sessions", "toetreding.store.idempotency"),
    *("toetreding.store.tables.meetings", "toetreding.store.meetings"),
)


def _start(database: str, *args: str) -> tuple[str, list[str]]:
    """Run ``toetreding ARGS`` as the installed command does, in a new process: its output,
    and the modules it had loaded at the end (the garbage collector must be running again
    by then, for whatever a command goes on to do)."""
    script = (
        "import gc, sys\n"
        "from toetreding.__main__ import main\n"
        f"sys.argv = ['toetreding', *{list(args)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as stop:\n"
        "    assert stop.code in (0, None), stop.code\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
        "print('gc', gc.isenabled(), file=sys.stderr)\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "TOETREDING_DATABASE_URL": database,
        "COLUMNS": "120",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout, done.stderr.split()


def test_help_imports_no_database_web_or_pdf_library(tmp_path: Path) -> None:
    shown, loaded = _start(f"sqlite:///{tmp_path / 'never.db'}", "--help")
    assert "Toelatingsdossiers openen, bekijken en verder zetten." in shown
    assert "Opties" in shown  # the help in Dutch, now that Rich's help is loaded late
    assert [m for m in loaded if m.split(".")[0] in HEAVY or m.startswith(OURS)] == []
    assert not (tmp_path / "never.db").exists()  # --help opens no database


def test_case_show_loads_only_what_reading_a_case_needs(db: Path) -> None:
    run("partnership", "add", "part2", "Partnerschap 2")
    run(
        "school",
        "add",
        "-p",
        "part2",
        "--name",
        "Het Noordik",
        "--brin",
        "20AB",
        "--sector",
        "vo",
        "--region",
        "midden",
    )
    run(
        "person",
        "add",
        "--name",
        "Carla",
        "--email",
        "carla@p2.nl",
        "-p",
        "part2",
        "--role",
        "coordinator",
    )
    run("case", "open", "--school", "20AB", "--protocol", "partnerschap2", "--as", "carla@p2.nl")

    shown, loaded = _start(f"sqlite:///{db}", "case", "show", "1")
    assert "Dossier 1 · Het Noordik" in shown and "Geschiedenis" in shown
    assert "sqlalchemy" in loaded  # it reads the database, through the store
    assert [m for m in loaded if m.startswith(NOT_FOR_SHOW)] == []
    assert loaded[-2:] == ["gc", "True"]


def test_a_restore_in_a_fresh_process_puts_back_the_tables_defined_on_demand(
    tmp_path: Path,
) -> None:
    """The frameworks' table is defined only when named; a restore needs it all the same."""
    source = tmp_path / "reservekopie.db"
    engine = make_engine(f"sqlite:///{source}")
    migrate(engine)
    engine.dispose()
    with sqlite3.connect(source) as connection:
        connection.execute(
            "INSERT INTO frameworks (framework_id, version, title, digest, definition, loaded_at)"
            " VALUES ('kader', 1, 'Ons kader', ?, '{}', '2027-01-04 09:00:00.000000')",
            ("0" * 64,),
        )
    connection.close()

    _start(f"sqlite:///{tmp_path / 'terug.db'}", "restore", str(source))
    with sqlite3.connect(tmp_path / "terug.db") as connection:
        titles = connection.execute("SELECT title FROM frameworks").fetchall()
    connection.close()
    assert titles == [("Ons kader",)]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_in_the_table_shows_its_own_help_line(name: str) -> None:
    command = load_command(name)
    assert command.name == name
    first_paragraph = (command.help or "").split("\n\n")[0]
    assert " ".join(first_paragraph.split()) == COMMANDS[name].help


def test_a_group_loaded_on_demand_runs_and_lists_its_commands() -> None:
    assert "show" in run("case", "--help")
    assert "onbekend commando 'nonsense'" in run("nonsense", code=2)
