"""Command-line start-up: ``toetreding --help`` and ``toetreding case show 1``, cold.

Run as ``.venv/bin/python bench/cli_startup.py [--runs N]`` (default 15 runs of each).

Builds the demo database (``toetreding demo``: seven schools, case 1 with a history of
five steps and its files) in a temporary folder, then starts each command as a new
process, the way a coordinator types it: Python's start-up, the imports, settings, the
protocols, the schema check, the query and the printing. The runs of the two commands
alternate, after one warm-up run each (which writes the cache of checked protocols, in a
folder of the run's own, as any second start finds it). It prints the median and the fastest
wall time of each beside its target, and the median CPU time of the process (user + system:
less disturbed than wall time when other work shares the machine).

The environment is left as it is, PYTHONDONTWRITEBYTECODE included: the output says how
many of our modules had up-to-date bytecode (.pyc) for the timed runs. Without it each start
compiles them from source (about a fifth of ``case show``); pip compiles an installed
package, and the Makefile's install steps run ``python -m compileall -q src``.

Targets (issue 15): ``--help`` under 0.3 s, ``case show`` under 0.5 s. Setup is not
measured.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import toetreding
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
        env["COLUMNS"] = "120"
        env["TOETREDING_CACHE_DIR"] = str(Path(folder) / "cache")
        _run(env, ["demo"])
        for words, _target in COMMANDS.values():
            _run(env, words)  # warm-up: the disk cache (and bytecode, if Python may write it)
        compiled, modules = bytecode_of(Path(toetreding.__file__).parent)
        wall: dict[str, list[float]] = {name: [] for name in COMMANDS}
        cpu: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(args.runs):
            for name, (words, _target) in COMMANDS.items():
                seconds, cpu_seconds = _run(env, words)
                wall[name].append(seconds)
                cpu[name].append(cpu_seconds)
    print(f"{args.runs} runs of each, alternating; load average {os.getloadavg()[0]:.1f}")
    print(
        f"bytecode: {compiled} of our {modules} modules had an up-to-date .pyc"
        + ("" if compiled == modules else " (python -m compileall -q src compiles them)")
        + ("; PYTHONDONTWRITEBYTECODE is set" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "")
    )
    for name, (_words, target) in COMMANDS.items():
        median = statistics.median(wall[name])
        verdict = "met" if median < target else "missed"
        print(
            f"toetreding {name:12s} median {median:5.2f} s  fastest {min(wall[name]):5.2f} s  "
            f"cpu {statistics.median(cpu[name]):5.2f} s  (target < {target} s: {verdict})"
        )


def bytecode_of(package: Path) -> tuple[int, int]:
    """How many of the package's modules have bytecode that matches their source (the
    modification time and size a .pyc records), and how many modules there are."""
    sources = sorted(package.rglob("*.py"))
    compiled = 0
    for source in sources:
        try:
            header = Path(importlib.util.cache_from_source(str(source))).read_bytes()[:16]
        except OSError:
            continue
        state = source.stat()
        recorded = int.from_bytes(header[8:12], "little"), int.from_bytes(header[12:16], "little")
        flags = int.from_bytes(header[4:8], "little")
        if flags == 0 and recorded == (int(state.st_mtime) & 0xFFFFFFFF, state.st_size):
            compiled += 1
    return compiled, len(sources)


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
