"""Hostile definition files: how long refusing an alias bomb and a huge file takes.

Run as ``.venv/bin/python bench/hostile_yaml.py [--levels N] [--megabytes N]`` (default: a
bomb of 12 levels, 10**12 values when expanded, and a 50 MB protocol file).

Times, each the best of 3, loading the file in-process (``load_protocol_file``) and the whole
command ``toetreding protocol validate FILE`` in a fresh process (Python start-up included),
and checks that the answer is one clean refusal (exit 1, no traceback).

Target (issue 11): each refused in under 2 s with a clean message. Before the budget and the
size limit the bomb ran 55 s and died with a MemoryError (3.5 GB); the 50 MB file was read
and parsed (5 s).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _setup import positive
from toetreding._exceptions import DefinitionError
from toetreding.definition import load_protocol_file

TARGET_S = 2.0
TOETREDING = Path(sys.executable).parent / "toetreding"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--levels", type=positive, default=12, help="levels of the bomb (12)")
    parser.add_argument("--megabytes", type=positive, default=50, help="the huge file (50)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="toetreding-bench-") as folder:
        bomb = Path(folder) / "bom.yaml"
        bomb.write_text(_bomb(args.levels), encoding="utf-8")
        huge = Path(folder) / "groot.yaml"
        _huge(huge, args.megabytes)
        print(f"target: each refused in under {TARGET_S:.0f} s, one clean message\n")
        _report("start-up alone: toetreding --help", _startup)
        for name, path in (
            (f"alias bomb, 10^{args.levels} values", bomb),
            (f"{args.megabytes} MB file", huge),
        ):
            _report(f"{name}: load_protocol_file", lambda p=path: _load(p))
            _report(f"{name}: protocol validate", lambda p=path: _command(p))


def _bomb(levels: int) -> str:
    lines = ["id: bom", "version: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def _huge(path: Path, megabytes: int) -> None:
    line = "  " + "x" * 61 + "\n"
    with path.open("w", encoding="utf-8") as file:
        file.write("id: groot\ndescription: |\n")
        file.write(line * (megabytes * 1024 * 1024 // len(line)))


def _load(path: Path) -> str:
    try:
        load_protocol_file(path)
    except DefinitionError as exc:
        return str(exc).splitlines()[-1].strip()
    raise SystemExit(f"{path.name} was accepted")


def _command(path: Path) -> str:
    done = subprocess.run(
        [str(TOETREDING), "protocol", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    if done.returncode != 1 or "Traceback" in output:
        raise SystemExit(f"{path.name}: exit {done.returncode}\n{output[-2000:]}")
    return output.strip().splitlines()[-1].strip()


def _startup() -> str:
    subprocess.run([str(TOETREDING), "--help"], capture_output=True, timeout=600, check=True)
    return "(what every command pays before it reads a file)"


def _report(name: str, run: Callable[[], str]) -> None:
    times = []
    for _ in range(3):
        began = time.perf_counter()
        message = run()
        times.append(time.perf_counter() - began)
    best = min(times)
    verdict = "ok" if best < TARGET_S else "TOO SLOW"
    print(f"{name:<48} {best:6.2f} s  (target < {TARGET_S:.0f} s: {verdict})")
    print(f"    {message[:150]}")


if __name__ == "__main__":
    main()
