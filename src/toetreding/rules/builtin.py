"""The rules shipped with toetreding. Protocol guards refer to them by name.

Each rule returns a :class:`Verdict` whose ``fact`` states, in Dutch, what was found —
the text a refused user reads.
"""

from __future__ import annotations

from datetime import date

from toetreding.clock import LOCAL_TZ
from toetreding.rules._registry import GuardContext, Verdict, rule


@rule("input_at_most", "Een ingevoerd getal is niet groter dan het maximum (bijv. pagina's).")
def input_at_most(context: GuardContext, name: str, maximum: int) -> Verdict:
    value = context.inputs.get(name)
    if not isinstance(value, int | float):
        return Verdict(False, f"'{name}' is niet opgegeven als getal")
    if value > maximum:
        return Verdict(False, f"'{name}' is {value}, meer dan het maximum van {maximum}")
    return Verdict(True, f"'{name}' is {value}, binnen het maximum van {maximum}")


@rule("has_document", "Het dossier bevat een document met deze naam (nu of eerder ingediend).")
def has_document(context: GuardContext, name: str) -> Verdict:
    if context.inputs.get(name):
        return Verdict(True, f"document '{name}' wordt nu ingediend")
    for event in reversed(context.history()):
        if event.payload.get(name):
            return Verdict(True, f"document '{name}' is ingediend bij '{event.trigger}'")
    return Verdict(False, f"document '{name}' is nog niet ingediend")


@rule("has_been_in", "Het dossier is eerder in deze stap geweest.")
def has_been_in(context: GuardContext, state: str) -> Verdict:
    for event in context.history():
        if event.to_state == state:
            return Verdict(True, f"het dossier is eerder in stap '{state}' geweest")
    return Verdict(False, f"het dossier is nooit in stap '{state}' geweest")


@rule("times_in_at_most", "Het dossier is hoogstens zo vaak in deze stap geweest.")
def times_in_at_most(context: GuardContext, state: str, maximum: int) -> Verdict:
    count = sum(1 for event in context.history() if event.to_state == state)
    if count > maximum:
        return Verdict(False, f"het dossier was al {count} keer in stap '{state}' (max. {maximum})")
    return Verdict(True, f"het dossier was {count} keer in stap '{state}' (max. {maximum})")


@rule("date_reached", "Een eerder ingevoerde datum (bijv. de auditdatum) is bereikt.")
def date_reached(context: GuardContext, name: str) -> Verdict:
    recorded = context.inputs.get(name)
    if recorded is None:
        recorded = next(
            (e.payload[name] for e in reversed(context.history()) if name in e.payload), None
        )
    if recorded is None:
        return Verdict(False, f"er is geen '{name}' vastgelegd")
    due = date.fromisoformat(str(recorded))
    today = context.now.astimezone(LOCAL_TZ).date()
    if today < due:
        return Verdict(False, f"'{name}' is {due:%d-%m-%Y}; die datum is nog niet bereikt")
    return Verdict(True, f"'{name}' ({due:%d-%m-%Y}) is bereikt")
