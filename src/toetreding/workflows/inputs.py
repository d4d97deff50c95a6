"""Check and normalise the inputs a person supplies when firing a transition."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from toetreding.calendar.schoolyear import SchoolYear
from toetreding.definition.model import InputKind, InputSpec, TransitionSpec
from toetreding.files import Attachment, NoSuchFile

_YES = {"ja", "yes", "true", "1", "akkoord", "j", "y"}
# The longest note and named text a step takes: a history row stays readable, and a 10 MB
# note is refused here for the CLI, the web pages and the API alike.
MAX_NOTE_CHARS = 5_000
MAX_TEXT_CHARS = 2_000


class InputProblems(ValueError):
    """One or more inputs are missing or malformed; each problem is a Dutch sentence, each
    hint the command-line option that gives a missing input."""

    def __init__(self, problems: list[str], hints: list[str]) -> None:
        self.problems = problems
        self.hints = hints
        super().__init__("; ".join(problems))


def normalise_inputs(
    transition: TransitionSpec, given: Mapping[str, Any], note: str | None
) -> dict[str, Any]:
    """Return the JSON-ready payload for ``transition``; raise :class:`InputProblems`."""
    problems: list[str] = []
    hints: list[str] = []
    declared = {spec.name for spec in transition.inputs}
    for name in given:
        if name not in declared:
            wanted = ", ".join(sorted(declared)) or "geen invoer"
            problems.append(f"onbekende invoer '{name}' (deze handeling vraagt: {wanted})")
    if note is not None and len(note.strip()) > MAX_NOTE_CHARS:
        problems.append(f"de toelichting is te lang: {_too_long(note.strip(), MAX_NOTE_CHARS)}")
    payload: dict[str, Any] = {}
    for spec in transition.inputs:
        raw = note if spec.kind is InputKind.NOTE else given.get(spec.name)
        if raw is None or (isinstance(raw, str | list | tuple) and not _given(raw)):
            if spec.required:
                problems.append(f"'{spec.label}' ontbreekt")
                hints.append(_how_to_give(spec))
            continue
        try:
            value = _parse(spec, raw)
        except ValueError as exc:
            problems.append(f"'{spec.label}': {exc}")
            continue
        if spec.kind is not InputKind.NOTE:  # the note is checked above
            payload[spec.name] = value
    if problems:
        raise InputProblems(problems, hints)
    return payload


def _given(raw: str | list[Any] | tuple[Any, ...]) -> bool:
    return bool(raw.strip()) if isinstance(raw, str) else bool(raw)


def _parse(spec: InputSpec, raw: Any) -> Any:
    if spec.kind is InputKind.DOCUMENT:
        return _files(spec, raw)
    if isinstance(raw, Attachment | NoSuchFile | list | tuple):
        raise ValueError("vraagt geen bestand")
    if spec.kind in (InputKind.NOTE, InputKind.TEXT):
        text = str(raw).strip()
        if spec.kind is InputKind.TEXT and len(text) > MAX_TEXT_CHARS:
            raise ValueError(_too_long(text, MAX_TEXT_CHARS))
        return text
    if spec.kind is InputKind.CONFIRMATION:
        if raw is True or str(raw).strip().lower() in _YES:
            return True
        raise ValueError("moet uitdrukkelijk bevestigd worden met 'ja'")
    if spec.kind is InputKind.DATE:
        if isinstance(raw, date):
            return raw.isoformat()
        try:
            return date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise ValueError(f"'{raw}' is geen datum (gebruik JJJJ-MM-DD)") from None
    if spec.kind is InputKind.NUMBER:
        return _number(spec, raw)
    if spec.kind is InputKind.SCHOOL_YEAR:
        return SchoolYear.parse(str(raw)).name
    raise ValueError(f"onbekende soort invoer {spec.kind}")  # pragma: no cover


def _number(spec: InputSpec, raw: Any) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    else:
        text = str(raw).strip()
        if len(text) > 20:  # int() of thousands of digits is slow: no count is that long
            raise ValueError(f"'{text[:20]}…' is geen geheel getal")
        try:
            number = int(text)
        except ValueError:
            raise ValueError(f"'{raw}' is geen geheel getal") from None
    below = spec.min is not None and number < spec.min
    above = spec.max is not None and number > spec.max
    if (below or above) and spec.min is not None and spec.max is not None:
        raise ValueError(f"moet van {spec.min} tot en met {spec.max} zijn, niet {number}")
    if below:
        raise ValueError(f"moet minstens {spec.min} zijn, niet {number}")
    if above:
        raise ValueError(f"mag hoogstens {spec.max} zijn, niet {number}")
    return number


def _too_long(text: str, limit: int) -> str:
    return f"{len(text):,} tekens; ten hoogste {limit:,}".replace(",", ".")


def _files(spec: InputSpec, raw: Any) -> list[dict[str, Any]]:
    """A document input holds files (:class:`Attachment`): the history row's entries."""
    given = list(raw) if isinstance(raw, list | tuple) else [raw]
    for item in given:
        if isinstance(item, str):
            raise ValueError(
                f"vraagt een bestand; alleen een naam ('{item.strip()}') is niet genoeg"
            )
        if isinstance(item, NoSuchFile):
            raise ValueError(item.reason)
        if not isinstance(item, Attachment):
            raise ValueError(f"'{item}' is geen bestand")
    if len(given) > 1 and not spec.multiple:
        raise ValueError(f"neemt één bestand; er zijn er {len(given)} gekozen")
    return [item.entry() for item in given]


def _how_to_give(spec: InputSpec) -> str:
    if spec.kind is InputKind.NOTE:
        return "--note TEKST"
    if spec.kind is InputKind.DOCUMENT:
        return f"--doc {spec.name}=PAD"
    if spec.kind is InputKind.CONFIRMATION:
        return f"--confirm {spec.name}"
    return f"--input {spec.name}=WAARDE"
