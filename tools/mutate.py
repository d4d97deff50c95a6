"""`make mutate`: mutation testing of the core packages with mutmut, one group at a time.

Each group mutates some core modules and runs only the fast tests that cover them (mutmut
narrows that further: a mutant runs only the tests that called the function it changed).
A group works in its own folder under build/mutate/ (its `mutants/` copy and mutmut's cache:
a second run retests only what changed). At the end it prints the kill ratio per package and
the surviving mutants, each with the reason docs/mutation.md gives for it; it fails when the
ratio is under 90% or a survivor is not accounted for there.

    .venv/bin/python tools/mutate.py            # every group
    .venv/bin/python tools/mutate.py calendar   # one group (the report covers what has run)
    .venv/bin/python tools/mutate.py --recheck  # test the survivors again (after new tests:
                                                # mutmut keeps a verdict until the code changes)
    .venv/bin/python tools/mutate.py --report   # only print the report of what has run
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "build" / "mutate"
ACCOUNTED = REPO / "docs" / "mutation.md"
MUTMUT = Path(sys.executable).with_name("mutmut")
TARGET = 0.90

# group: (modules to mutate, the fast tests that cover them)
GROUPS: dict[str, tuple[list[str], list[str]]] = {
    "rules": (
        ["src/toetreding/rules/*"],
        [
            "tests/test_rules.py",
            "tests/test_machine.py",
            "tests/test_partnerschap2.py",
            "tests/test_po_groningen.py",
        ],
    ),
    "workflows": (
        ["src/toetreding/workflows/*"],
        [
            "tests/test_machine.py",
            "tests/test_rules.py",
            "tests/test_partnerschap2.py",
            "tests/test_protocol_versions.py",
            "tests/test_po_groningen.py",
        ],
    ),
    "deadlines": (
        ["src/toetreding/deadlines/*"],
        [
            "tests/test_due_dates.py",
            "tests/test_deadlines.py",
            "tests/test_deadline_definitions.py",
            "tests/test_po_groningen.py",
            "tests/test_reminders.py",
            "tests/test_partnerschap2.py",
        ],
    ),
    "calendar": (
        ["src/toetreding/calendar/*"],
        [
            "tests/test_calendar.py",
            "tests/test_due_dates.py",
            "tests/test_deadlines.py",
            "tests/test_deadline_definitions.py",
        ],
    ),
    "store": (
        ["src/toetreding/store/_hotpath.py", "src/toetreding/store/cases.py"],
        ["tests/test_store_contract.py", "tests/test_deadlines.py"],
    ),
    "service": (
        ["src/toetreding/service/cases.py"],
        [
            "tests/test_partnerschap2.py",
            "tests/test_po_groningen.py",
            "tests/test_protocol_versions.py",
            "tests/test_deadlines.py",
        ],
    ),
    "access": (
        ["src/toetreding/web/access.py"],
        ["tests/test_access.py", "tests/test_authorization.py"],
    ),
}

KILLED = {"killed", "timeout", "caught by type check"}
PACKAGES = {"rules", "workflows", "deadlines", "calendar"}  # reported whole; others per module


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def prepare(group: str) -> Path:
    """The group's folder: links to the sources, tests and protocols, and a pyproject.toml
    that is the project's own with the group's [tool.mutmut] section."""
    folder = WORK / group
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("src", "tests", "protocols"):
        link = folder / name
        if not link.is_symlink():
            link.symlink_to(REPO / name, target_is_directory=True)
    mutate, tests = GROUPS[group]
    config = (
        "\n[tool.mutmut]\n"
        'source_paths = ["src"]\n'
        f"only_mutate = {_toml_list(mutate)}\n"
        'also_copy = ["protocols"]\n'
        'pytest_add_cli_args = ["-m", "not postgres", "-p", "no:cacheprovider", "-W", "ignore"]\n'
        f"pytest_add_cli_args_test_selection = {_toml_list(tests)}\n"
    )
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8") + config
    target = folder / "pyproject.toml"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return folder


def run(group: str, recheck: bool = False) -> None:
    folder = prepare(group)
    names = [m for m, s in results(group).items() if s not in KILLED] if recheck else []
    if recheck and not names:
        return
    env = {**os.environ, "TOETREDING_SKIP_BROWSER": "1"}
    started = time.monotonic()
    print(f"== {group}: mutmut run ({', '.join(GROUPS[group][0])})", flush=True)
    with (folder / "mutmut.log").open("w", encoding="utf-8") as log:
        done = subprocess.run(
            [str(MUTMUT), "run", *names], check=False, cwd=folder, env=env, stdout=log, stderr=log
        )
    print(f"   {time.monotonic() - started:.0f} s", flush=True)
    if done.returncode != 0:
        tail = (folder / "mutmut.log").read_text(encoding="utf-8", errors="replace")[-3000:]
        sys.exit(f"mutmut failed for group {group} (see {folder / 'mutmut.log'}):\n{tail}")


def results(group: str) -> dict[str, str]:
    """Every mutant of the group with its status, as mutmut reports them."""
    folder = WORK / group
    if not (folder / "mutants").exists():
        return {}
    out = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name.startswith("toetreding."):
            found[name] = status
    return found


def accounted() -> dict[str, str]:
    """Survivors docs/mutation.md accounts for: lines like "- `mutant`: why"."""
    reasons = {}
    for line in ACCOUNTED.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*[-*] `(toetreding\.[^`]+)`:?\s*(.*)", line)
        if match:
            reasons[match.group(1)] = match.group(2)
    return reasons


def package(mutant: str) -> str:
    module = re.split(r"\.x_|\.xǁ", mutant, maxsplit=1)[0]
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[1] in PACKAGES else module


def report(statuses: dict[str, str]) -> int:
    if not statuses:
        print("no results yet")
        return 1
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for mutant, status in statuses.items():
        per[package(mutant)]["killed" if status in KILLED else status] += 1
    print(f"\n{'package':40} {'mutants':>8} {'killed':>7} {'ratio':>7}  not killed")
    for name in sorted(per):
        counts = per[name]
        total = sum(counts.values())
        rest = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()) if s != "killed")
        print(f"{name:40} {total:8} {counts['killed']:7} {counts['killed'] / total:7.1%}  {rest}")
    total = len(statuses)
    killed = sum(1 for s in statuses.values() if s in KILLED)
    ratio = killed / total
    print(f"{'all core packages':40} {total:8} {killed:7} {ratio:7.1%}")

    reasons = accounted()
    survivors = sorted(m for m, s in statuses.items() if s not in KILLED)
    unaccounted = [m for m in survivors if m not in reasons]
    print(f"\nsurvivors ({len(survivors)}):")
    for mutant in survivors:
        why = reasons.get(mutant, "NOT ACCOUNTED FOR in docs/mutation.md")
        print(f"  {mutant} [{statuses[mutant]}]: {why}")
    stale = sorted(m for m in reasons if m in statuses and statuses[m] in KILLED)
    if stale:
        print(f"\nkilled now, still listed in docs/mutation.md: {', '.join(stale)}")
    failed = ratio < TARGET or bool(unaccounted)
    if ratio < TARGET:
        print(f"\nkill ratio {ratio:.1%} is under {TARGET:.0%}")
    if unaccounted:
        print(f"\n{len(unaccounted)} survivor(s) not accounted for in docs/mutation.md")
    print(f"\nkill ratio {ratio:.1%} ({killed} of {total})")
    print("a mutant's change: `../../../.venv/bin/mutmut show NAME` in build/mutate/GROUP")
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    recheck = "--recheck" in argv
    report_only = "--report" in argv
    groups = [a for a in argv if a not in ("--recheck", "--report")] or list(GROUPS)
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        sys.exit(f"unknown group(s) {', '.join(unknown)}; groups: {', '.join(GROUPS)}")
    started = time.monotonic()
    for group in [] if report_only else groups:
        run(group, recheck)
    if not report_only:
        print(f"\nmutation run took {(time.monotonic() - started) / 60:.1f} min")
    statuses: dict[str, str] = {}
    for group in GROUPS:
        statuses.update(results(group))
    return report(statuses)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
