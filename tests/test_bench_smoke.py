"""Every benchmark in bench/ still runs to the end: benchmarks cannot rot.

Each script runs once as a real subprocess, the way ``make bench`` runs it, at a size that
takes seconds. A benchmark that exits non-zero (or hangs) fails here, with its stderr. No
figure is asserted: benchmarks print figures, they never fail a build on speed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import _POSTGRES_UP, POSTGRES_URL

BENCH = Path(__file__).resolve().parent.parent / "bench"

# The arguments of a tiny run of each benchmark (each takes --cases N).
TINY = {
    "agenda.py": [
        "--cases",
        "20",
        "--runs",
        "1",
        *(["--url", POSTGRES_URL] if _POSTGRES_UP else []),
    ],
    "cli_startup.py": ["--runs", "1"],
    "engine_events.py": ["--cases", "3"],
    "engine_postgres.py": ["--cases", "3", "--url", POSTGRES_URL],
    "engine_throughput.py": ["--cases", "3"],
    "hostile_yaml.py": ["--levels", "7", "--megabytes", "2"],
    "reminder_sweep.py": ["--cases", "50", "--due", "10"],
    "web_pages.py": ["--cases", "40"],
}


def test_every_benchmark_has_a_tiny_run() -> None:
    scripts = sorted(p.name for p in BENCH.glob("*.py") if not p.name.startswith("_"))
    assert scripts == sorted(TINY), "give each benchmark in bench/ a tiny run in TINY"


@pytest.mark.parametrize("script", sorted(TINY))
def test_the_benchmark_runs_to_the_end_at_a_tiny_size(script: str, tmp_path: Path) -> None:
    if script == "engine_postgres.py" and not _POSTGRES_UP:
        pytest.skip(f"PostgreSQL answers not at {POSTGRES_URL}")
    command = [sys.executable, str(BENCH / script), *TINY[script]]
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, (
        f"{' '.join(command[1:])} exited with {done.returncode}\n"
        f"--- stderr ---\n{done.stderr}\n--- stdout ---\n{done.stdout}"
    )
    assert done.stdout.strip(), f"{script} printed no figures"
