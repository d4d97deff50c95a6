"""Command-line start-up: ``toetreding --help`` and ``toetreding case show 1``, cold.

Run as ``.venv/bin/python bench/cli_startup.py [--runs N]`` (default 15 runs of each).

Builds the demo database (``toetreding demo``: seven schools, case 1 with a history of
five steps and its files) in a temporary folder, then starts each command as a new
process, the way a coordinator types it: Python's start-up, the imports, settings, the
protocols, the schema check, the query and the printing. The runs of the two commands
alternate, after one warm-up run each (which also writes Python's bytecode cache, as an
installed package has it, and the cache of checked protocols, in a folder of the run's own,
as any second start finds it). It prints the median and the fastest wall time of each beside
its target, and the median CPU time of the process (user + system: less disturbed than
wall time when other work shares the machine).

Targets (issue 15): ``--help`` under 0.3 s, ``case show`` under 0.5 s. Setup is not
measured.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import positive

COMMANDS = {  # what is run, and its target in seconds
    "--help": (["--help"], 0.3),
    "case show 1": (["case", "show", "1"], 0.5),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=positive, default=15, help="timed runs of each (15)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="toetreding-bench-") as folder:
        env = {**os.environ, "TOETREDING_DATABASE_URL": f"sqlite:///{Path(folder) / 'demo.db'}"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its .pyc files
        env["COLUMNS"] = "120"
        env["TOETREDING_CACHE_DIR"] = str(Path(folder) / "cache")
        _run(env, ["demo"])
        for words, _target in COMMANDS.values():
            _run(env, words)  # warm-up: the bytecode cache and the disk cache
        wall: dict[str, list[float]] = {name: [] for name in COMMANDS}
        cpu: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(args.runs):
            for name, (words, _target) in COMMANDS.items():
                seconds, cpu_seconds = _run(env, words)
                wall[name].append(seconds)
                cpu[name].append(cpu_seconds)
    print(f"{args.runs} runs of each, alternating; load average {os.getloadavg()[0]:.1f}")
    for name, (_words, target) in COMMANDS.items():
        median = statistics.median(wall[name])
        verdict = "met" if median < target else "missed"
        print(
            f"toetreding {name:12s} median {median:5.2f} s  fastest {min(wall[name]):5.2f} s  "
            f"cpu {statistics.median(cpu[name]):5.2f} s  (target < {target} s: {verdict})"
        )


def _run(env: dict[str, str], words: list[str]) -> tuple[float, float]:
    """Run ``toetreding WORDS`` as a new process: its wall time and CPU time."""
    command = [str(Path(sys.executable).with_name("toetreding")), *words]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {done.returncode}:\n{done.stderr}")
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, used


if __name__ == "__main__":
    main()
