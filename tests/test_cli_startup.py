"""The command line starts quickly: ``--help`` imports no database, web or PDF library, and
the root's table of commands says what each command's own help says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import toetreding
from toetreding.cli import COMMANDS, load_command

from .helpers import run

SRC = Path(toetreding.__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "fastapi", "starlette", "weasyprint")
OURS = ("toetreding.web", "toetreding.service", "toetreding.store", "toetreding.documents")


def test_help_imports_no_database_web_or_pdf_library(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from toetreding.cli import main\n"
        "sys.argv = ['toetreding', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as stop:\n"
        "    assert stop.code in (0, None), stop.code\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "TOETREDING_DATABASE_URL": f"sqlite:///{tmp_path / 'never.db'}",
        "COLUMNS": "120",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert "Toelatingsdossiers openen, bekijken en verder zetten." in done.stdout
    loaded = done.stderr.split()
    assert [m for m in loaded if m.split(".")[0] in HEAVY or m.startswith(OURS)] == []
    assert not (tmp_path / "never.db").exists()  # --help opens no database


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_in_the_table_shows_its_own_help_line(name: str) -> None:
    command = load_command(name)
    assert command.name == name
    first_paragraph = (command.help or "").split("\n\n")[0]
    assert " ".join(first_paragraph.split()) == COMMANDS[name].help


def test_a_group_loaded_on_demand_runs_and_lists_its_commands() -> None:
    assert "show" in run("case", "--help")
    assert "onbekend commando 'nonsense'" in run("nonsense", code=2)
