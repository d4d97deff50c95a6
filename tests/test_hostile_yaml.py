"""Hostile definition files are refused quickly, with file and line, never a crash.

Every format (protocols, quality frameworks, advice rules, cohort scripts, the calendar file)
reads its YAML through ``formats/_yaml.py``, so each hostile file is tried on each of them.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from toetreding._exceptions import CalendarDataError, ConfigurationError, DefinitionError
from toetreding.advice import load_advice_file
from toetreding.calendar import SummerVacations
from toetreding.definition import load_protocol_file
from toetreding.frameworks import load_framework_file
from toetreding.simulation.script import load_cohort_script

REPO = Path(__file__).resolve().parent.parent
PROTOCOL = load_protocol_file(REPO / "protocols" / "po-groningen.yaml")


def alias_bomb(levels: int = 12) -> str:
    """Ten x's, then lists of ten of the previous list: 10**levels values in a few lines."""
    lines = ["id: bom", "version: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def _calendar(path: Path) -> object:
    return SummerVacations.load(path)


LOADERS: dict[str, Callable[[Path], object]] = {
    "protocol": load_protocol_file,
    "kwaliteitskader": load_framework_file,
    "adviesregels": load_advice_file,
    "cohortscript": lambda path: load_cohort_script(path, PROTOCOL),
    "kalender": _calendar,
}


def _refusal(load: Callable[[Path], object], path: Path) -> str:
    with pytest.raises((DefinitionError, CalendarDataError)) as caught:
        load(path)
    return str(caught.value)


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_an_alias_bomb_is_refused_within_a_second_with_its_line(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_text(alias_bomb())
    began = time.perf_counter()
    message = _refusal(LOADERS[kind], path)
    elapsed = time.perf_counter() - began
    assert "meer dan 100.000 waarden" in message
    assert "bom.yaml:3" in message or "regel 3" in message  # where a0 is defined
    assert elapsed < 5, f"{elapsed:.1f} s"  # 0.1 s here; the bench holds the 2 s target


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_a_file_above_the_limit_is_refused_unread(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "groot.yaml"
    with path.open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # 50 MB of zero bytes, sparse: nothing to write
    message = _refusal(LOADERS[kind], path)
    assert "het bestand is 51.200 kB; meer dan 1.024 kB wordt niet gelezen" in message
    assert "TOETREDING_MAX_YAML_KB" in message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("id: x\na: &a [1, *a]\n", 2, "een alias verwijst naar een waarde waar hij zelf in staat"),
        ("id: x\na: &a {b: *a}\n", 2, "een alias verwijst naar een waarde waar hij zelf in staat"),
        ("id: x\na: " + "[" * 60 + "]" * 60 + "\n", 2, "dieper dan 50 niveaus genest"),
        ("id: x\nversion: 2025-13-40\n", 2, "waarde '2025-13-40' is onbruikbaar"),
        ("id: x\nversion: " + "7" * 5000 + "\n", 2, "is onbruikbaar"),
        ("id: x\n? [a, b]\n: 1\n", 2, "sleutel (een lijst of mapping) moet tekst zijn"),
    ],
    ids=["recursive-list", "recursive-mapping", "deep", "date", "huge-number", "list-as-key"],
)
@pytest.mark.parametrize("kind", ["protocol", "kalender"])
def test_odd_yaml_is_a_problem_on_its_line(
    kind: str, text: str, line: int, words: str, tmp_path: Path
) -> None:
    path = tmp_path / "raar.yaml"
    path.write_text(text)
    message = _refusal(LOADERS[kind], path)
    assert words in message
    assert f"raar.yaml:{line}:" in message or f"regel {line}:" in message


def test_the_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = REPO / "protocols" / "po-groningen.yaml"  # about 20 kB
    monkeypatch.setenv("TOETREDING_MAX_YAML_KB", "10")
    assert "meer dan 10 kB wordt niet gelezen" in _refusal(load_protocol_file, shipped)
    monkeypatch.setenv("TOETREDING_MAX_YAML_KB", "64")
    assert load_protocol_file(shipped).id == "po-groningen"
    monkeypatch.setenv("TOETREDING_MAX_YAML_KB", "veel")
    with pytest.raises(ConfigurationError, match="TOETREDING_MAX_YAML_KB moet een geheel"):
        load_protocol_file(shipped)


def test_protocol_validate_refuses_a_bomb_in_one_clean_message(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_text(alias_bomb())
    done = subprocess.run(
        [str(Path(sys.executable).parent / "toetreding"), "protocol", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "MemoryError" not in output
    assert f"{path}:3: a" in output and "meer dan 100.000 waarden" in output
