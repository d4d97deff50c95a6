"""A transition's guard as a Dutch sentence for people (the protocol page, ``protocol
show``): ``date_reached('auditdatum') and report_ready('concept')`` reads "de afgesproken
datum van de interne audit is bereikt en de auditcommissie heeft een concept-rapport
opgesteld". Names of inputs, states and outcomes become the protocol's labels."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from toetreding.definition.model import InputSpec, ProtocolSpec
from toetreding.rules import AllOf, ExpressionError, Guard, Not, RuleCall, parse_guard

Words = Callable[[str], str]  # a name in the protocol → its label
Phrase = Callable[[Sequence[object], Words], tuple[str, str]]  # (holds, does not hold)

_REPORTS = {"concept": "een concept-rapport", "definitief": "een definitief rapport"}


def _phrases() -> dict[str, Phrase]:
    def q(words: Words, name: object) -> str:
        return f"‘{words(str(name))}’"

    return {
        "input_at_most": lambda a, w: (
            f"{q(w, a[0])} is hoogstens {a[1]}",
            f"{q(w, a[0])} is meer dan {a[1]}",
        ),
        "has_document": lambda a, w: (
            f"{q(w, a[0])} is ingediend",
            f"{q(w, a[0])} is nog niet ingediend",
        ),
        "has_been_in": lambda a, w: (
            f"het dossier is eerder in de stap {q(w, a[0])} geweest",
            f"het dossier is nooit eerder in de stap {q(w, a[0])} geweest",
        ),
        "times_in_at_most": lambda a, w: (
            f"het dossier is hoogstens {a[1]} keer in de stap {q(w, a[0])} geweest",
            f"het dossier is vaker dan {a[1]} keer in de stap {q(w, a[0])} geweest",
        ),
        "date_reached": lambda a, w: (
            f"de datum {q(w, a[0])} is bereikt",
            f"de datum {q(w, a[0])} is nog niet bereikt",
        ),
        "joins_in_time": lambda a, w: (
            f"het besluit valt op tijd ({a[1]}) voor het schooljaar in {q(w, a[0])}",
            f"het besluit valt te laat ({a[1]}) voor het schooljaar in {q(w, a[0])}",
        ),
        "school_year_started": lambda a, w: (
            f"het schooljaar in {q(w, a[0])} is begonnen",
            f"het schooljaar in {q(w, a[0])} is nog niet begonnen",
        ),
        "cluster_at_most": lambda a, w: (
            f"het cluster in {q(w, a[0])} telt hoogstens {a[1]} scholen van één bestuur",
            f"het cluster in {q(w, a[0])} telt meer dan {a[1]} scholen van één bestuur",
        ),
        "report_ready": lambda a, w: (
            f"de auditcommissie heeft {_REPORTS.get(str(a[0]), str(a[0]))} opgesteld",
            f"de auditcommissie heeft nog geen {_REPORTS.get(str(a[0]), str(a[0]))[4:]}",
        ),
        "corrections_returned": lambda a, w: (
            "de school heeft feitelijke onjuistheden in het concept-rapport gemeld",
            "de school heeft geen feitelijke onjuistheden gemeld",
        ),
        "frame_answered": lambda a, w: (
            "elke vraag van het gesprekskader van deze stap is beantwoord",
            "een vraag van het gesprekskader van deze stap is nog niet beantwoord",
        ),
        # Said without "of", so that it reads as one condition beside others.
        "advice_followed_or_reason": lambda a, w: (
            f"een besluit dat afwijkt van het advies van de auditcommissie ({q(w, a[0])}) "
            f"heeft een reden in {q(w, a[1])}",
            f"het besluit wijkt af van het advies ({q(w, a[0])}) zonder reden",
        ),
    }


_PHRASES = _phrases()


def guard_sentence(spec: ProtocolSpec, guard: str) -> str:
    """The guard of a transition of ``spec`` as one Dutch sentence (first letter capital,
    no full stop); the guard's text when it does not parse (a file not yet checked)."""
    try:
        tree = parse_guard(guard)
    except ExpressionError:
        return guard
    text, _ = _say(tree, _words_of(spec), holds=True)
    first = 1 if text.startswith("(") else 0
    return text[: first + 1].upper() + text[first + 1 :]


def _say(guard: Guard, words: Words, *, holds: bool) -> tuple[str, str | None]:
    """The sentence, and the word joining its parts (None: a single condition)."""
    if isinstance(guard, RuleCall):
        phrase = _PHRASES.get(guard.rule.name)
        if phrase is None:  # a rule without a phrase: its description
            text = guard.rule.description.rstrip(".")
            return (text if holds else f"niet: {text[:1].lower()}{text[1:]}"), None
        positive, negative = phrase(guard.args, words)
        return (positive if holds else negative), None
    if isinstance(guard, Not):
        return _say(guard.operand, words, holds=not holds)
    # not (a and b) = not a or not b: the joining word turns with the negation
    joiner = "en" if isinstance(guard, AllOf) == holds else "of"
    parts = []
    for operand in guard.operands:
        text, inner = _say(operand, words, holds=holds)
        # "A en B of C" could be read two ways: a part joined otherwise gets brackets
        parts.append(f"({text})" if inner not in (None, joiner) else text)
    return f" {joiner} ".join(parts), joiner


def _words_of(spec: ProtocolSpec) -> Words:
    names: dict[str, str] = {}
    for name, state in spec.states.items():
        names[name] = state.label
        if state.outcome:
            names.setdefault(state.outcome, state.label)
        for artefact in state.artefacts:
            names.setdefault(artefact.name, artefact.label)
    for transition in spec.transitions:
        for given in transition.inputs:
            names[given.name] = given.label
    return lambda name: names.get(name, name.replace("_", " "))


_KIND_WORDS = {
    "note": "toelichting",
    "text": "tekst",
    "document": "bestand",
    "confirmation": "bevestiging",
    "date": "datum",
    "number": "getal",
    "school_year": "schooljaar",
}


def kind_word(kind: str) -> str:
    """What an input holds, in a word a person reads (``bestand``, not ``document``)."""
    return _KIND_WORDS.get(str(kind), str(kind))


def input_words(given: InputSpec) -> str:
    """What an input asks, in words: its kind, a number's declared range and whether it may
    be left out ("getal van 1 tot en met 10", "bestand, niet verplicht")."""
    words = kind_word(given.kind)
    if given.min is not None and given.max is not None:
        words += f" van {given.min} tot en met {given.max}"
    elif given.min is not None:
        words += f", minstens {given.min}"
    elif given.max is not None:
        words += f", hoogstens {given.max}"
    return words if given.required else f"{words}, niet verplicht"


def outcome_label(spec: ProtocolSpec, outcome: str) -> str:
    """An outcome as people read it: the label of the final step that ends in it
    ('Niet toegelaten'), else the outcome in words ('partnerschool' -> 'Partnerschool')."""
    found = (s.label for s in spec.states.values() if s.final and s.outcome == outcome)
    return next(found, outcome.replace("_", " ").capitalize())
