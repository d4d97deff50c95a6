"""Cross-checks of the days that labels name against the deadlines they are shown beside.

A deadline's date is computed from its ``due`` and always shown next to its label, as
"uiterlijk 31-03-2027". So a deadline's label names no day and no summer vacation: it would
say the date a second time, in other words, or contradict it.

A state's or step's label may name the day its deadlines fall on, as the source document
does ("Besluit van de school (vóór 1 april)"), but it must agree with them: "vóór 1 april"
with ``before: 1 april``, "uiterlijk 1 april" (or "tot en met 1 april", or a bare "1 april")
with ``by: 1 april``, "vóór de zomervakantie" with ``before: zomervakantie``. A label of a
state or step without such deadlines is not checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from toetreding.calendar import NamedMoment, moments_named_in
from toetreding.definition.model import DeadlineSpec, DueSpec, ProtocolSpec
from toetreding.formats import KeyPath

Problem = tuple[KeyPath, str]


def check_labels(spec: ProtocolSpec) -> list[Problem]:
    problems: list[Problem] = []
    for name, state in spec.states.items():
        for index, deadline in enumerate(state.deadlines):
            at: KeyPath = ("states", name, "deadlines", index, "label")
            named = moments_named_in(deadline.label)
            problems += [(at, _named_in_deadline(moment, deadline)) for moment in named]
        problems += [
            (("states", name, "label"), message)
            for message in _disagreements(state.label, state.deadlines)
        ]
    for index, step in enumerate(spec.steps):
        deadlines = [
            deadline
            for state in spec.states.values()
            if state.step == step.number
            for deadline in state.deadlines
        ]
        problems += [
            (("steps", index, "label"), message)
            for message in _disagreements(step.label, deadlines)
        ]
    return problems


def _named_in_deadline(moment: NamedMoment, deadline: DeadlineSpec) -> str:
    shown = "de berekende datum staat er altijd naast ('uiterlijk DD-MM-JJJJ')"
    if _is_day(deadline.due) and not _agrees(moment, deadline.due):
        return (
            f"het label noemt '{moment.text}', maar de termijn valt {_last_day(deadline.due)}; "
            f"{shown}, dus laat '{moment.text}' weg"
        )
    return f"het label noemt '{moment.text}'; {shown}, dus laat '{moment.text}' weg"


def _disagreements(label: str, deadlines: Iterable[DeadlineSpec]) -> Iterator[str]:
    on_days = [deadline for deadline in deadlines if _is_day(deadline.due)]
    if not on_days:
        return
    for moment in moments_named_in(label):
        if not any(_agrees(moment, deadline.due) for deadline in on_days):
            first = on_days[0]
            yield (
                f"het label noemt '{moment.text}', maar termijn '{first.name}' valt "
                f"{_last_day(first.due)}; schrijf '{_words(first.due)}' of laat de dag weg"
            )


def _is_day(due: DueSpec) -> bool:
    """Due on a day in the year or before the summer vacation (not after a span or on an
    entered date): a day a label can name."""
    return due.limit is not None or due.summer_vacation


def _agrees(moment: NamedMoment, due: DueSpec) -> bool:
    if moment.limit is None:
        return due.summer_vacation and moment.before
    return due.limit is not None and moment.limit.agrees_with(due.limit)


def _last_day(due: DueSpec) -> str:
    """``uiterlijk op 31 maart ('before: 1 april')``, in the words of the file."""
    limit = due.limit
    if limit is None:
        return "op de laatste schooldag vóór de zomervakantie ('before: zomervakantie')"
    key = "before" if limit.before else "by"
    return f"uiterlijk op {limit.last_words} ('{key}: {limit.named}')"


def _words(due: DueSpec) -> str:
    limit = due.limit
    return "vóór de zomervakantie" if limit is None else limit.words
