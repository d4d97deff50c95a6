"""Cross-checks of a validated framework: unique ids and names, and a scale that fits.

Returns ``(path, message)`` pairs; paths use the keys of the file so the loader can point
at the line.
"""

from __future__ import annotations

from toetreding.formats import KeyPath
from toetreding.frameworks.model import FrameworkSpec, LevelSpec

Problem = tuple[KeyPath, str]


def check_framework(spec: FrameworkSpec) -> list[Problem]:
    return [*_check_ids(spec), *_check_fields(spec), *_check_asks(spec), *_check_scale(spec)]


def _check_asks(spec: FrameworkSpec) -> list[Problem]:
    """A criterion says what it asks, or has a note that says why it cannot."""
    return [
        (
            ("domains", d, "criteria", c),
            f"criterium '{criterion.id}' zegt niet wat het vraagt: geef 'asks', of een 'note' "
            "die zegt waarom dat ontbreekt (bijvoorbeeld: de bron noemt alleen het onderwerp)",
        )
        for d, domain in enumerate(spec.domains)
        for c, criterion in enumerate(domain.criteria)
        if criterion.asks is None and not criterion.note.strip()
    ]


def _check_ids(spec: FrameworkSpec) -> list[Problem]:
    """Domain ids and criterion ids are each unique in the whole framework: findings and
    advice refer to a criterion by its id alone."""
    problems: list[Problem] = []
    domains: set[str] = set()
    criteria: dict[str, str] = {}  # criterion id -> id of the domain holding it first
    for d, domain in enumerate(spec.domains):
        if domain.id in domains:
            problems.append((("domains", d, "id"), f"domein-id '{domain.id}' komt al eerder voor"))
        domains.add(domain.id)
        for c, criterion in enumerate(domain.criteria):
            if criterion.id in criteria:
                problems.append(
                    (
                        ("domains", d, "criteria", c, "id"),
                        f"criterium-id '{criterion.id}' komt al voor in domein "
                        f"'{criteria[criterion.id]}'; elk criterium heeft een eigen id",
                    )
                )
            criteria.setdefault(criterion.id, domain.id)
    return problems


def _check_fields(spec: FrameworkSpec) -> list[Problem]:
    problems: list[Problem] = []
    for d, domain in enumerate(spec.domains):
        for c, criterion in enumerate(domain.criteria):
            seen: set[str] = set()
            for f, field in enumerate(criterion.fields):
                if field.name in seen:
                    path: KeyPath = ("domains", d, "criteria", c, "fields", f, "name")
                    problems.append((path, f"veld '{field.name}' komt al eerder voor"))
                seen.add(field.name)
    return problems


def _check_scale(spec: FrameworkSpec) -> list[Problem]:
    if not spec.scored:
        if spec.scale:
            return [
                (
                    ("scale",),
                    "een kader met 'scored: false' heeft geen schaal; laat 'scale' weg of "
                    "zet 'scored: true'",
                )
            ]
        return []
    if len(spec.scale) < 2:
        # Point at 'scale' when it is there, else at 'scored', which asks for it.
        where: KeyPath = ("scale",) if spec.scale else ("scored",)
        return [
            (
                where,
                "een kader met 'scored: true' heeft een 'scale' met minstens twee niveaus "
                "nodig (beste eerst)",
            )
        ]
    return [*_check_level_names(spec.scale), *_check_sufficient(spec.scale)]


def _check_level_names(scale: tuple[LevelSpec, ...]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, level in enumerate(scale):
        if level.name in seen:
            problems.append(
                (("scale", index, "name"), f"niveau '{level.name}' komt al eerder voor")
            )
        seen.add(level.name)
    return problems


def _check_sufficient(scale: tuple[LevelSpec, ...]) -> list[Problem]:
    """``sufficient`` on every level or on none, and the sufficient levels on top: advice
    rules read "at least voldoende" as "this level or a better one"."""
    marked = [level.sufficient for level in scale]
    if all(mark is None for mark in marked):
        return []
    missing = [index for index, mark in enumerate(marked) if mark is None]
    if missing:
        return [
            (
                ("scale", index),
                f"niveau '{scale[index].name}' mist 'sufficient'; geef het bij elk niveau "
                "of bij geen enkel",
            )
            for index in missing
        ]
    if all(marked) or not any(marked):
        return [
            (
                ("scale",),
                "met 'sufficient' moet minstens één niveau voldoende (true) en één "
                "onvoldoende (false) zijn",
            )
        ]
    first_insufficient = marked.index(False)
    return [
        (
            ("scale", index, "sufficient"),
            f"niveau '{scale[index].name}' is voldoende maar staat onder een onvoldoende "
            "niveau; zet de niveaus van best naar slechtst",
        )
        for index in range(first_insufficient + 1, len(scale))
        if marked[index]
    ]
