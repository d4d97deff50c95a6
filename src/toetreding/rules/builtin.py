"""The rules shipped with toetreding. Protocol guards refer to them by name.

Each rule returns a :class:`Verdict` whose ``fact`` states, in Dutch, what was found —
the text a refused user reads.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from toetreding.calendar import DayLimit, SchoolYear, parse_limit
from toetreding.clock import LOCAL_TZ
from toetreding.rules._registry import GuardContext, PastEvent, Verdict, rule


@rule("input_at_most", "Een ingevoerd getal is niet groter dan het maximum (bijv. pagina's).")
def input_at_most(context: GuardContext, name: str, maximum: int) -> Verdict:
    value = context.inputs.get(name)
    label = context.words.input(name)
    if not isinstance(value, int | float):
        return Verdict(False, f"'{label}' is niet opgegeven als getal")
    if value > maximum:
        return Verdict(False, f"'{label}' is {value}, meer dan het maximum van {maximum}")
    return Verdict(True, f"'{label}' is {value}, binnen het maximum van {maximum}")


@rule("has_document", "Het dossier bevat een document met deze naam (nu of eerder ingediend).")
def has_document(context: GuardContext, name: str) -> Verdict:
    label = context.words.input(name)
    if context.inputs.get(name):
        return Verdict(True, f"document '{label}' wordt nu ingediend")
    for event in reversed(context.history()):
        if event.payload.get(name):
            return Verdict(True, f"document '{label}' is ingediend bij {_step(context, event)}")
    return Verdict(False, f"document '{label}' is nog niet ingediend")


# A step the case took before it moved onto this version, which no version it was on names.
_EARLIER_STEP = "een stap van een eerdere versie van het protocol"


def _step(context: GuardContext, event: PastEvent) -> str:
    """The step ``event`` took, in the protocol's words: this version's label, else the one
    of the earlier version the case took it in (a version move dropped it), never its id."""
    label = context.words.steps.get(event.trigger) or context.earlier_step(event.trigger)
    return f"'{label}'" if label else _EARLIER_STEP


@rule("has_been_in", "Het dossier is eerder in deze stap geweest.")
def has_been_in(context: GuardContext, state: str) -> Verdict:
    label = context.words.state(state)
    for event in context.history():
        if event.to_state == state:
            return Verdict(True, f"het dossier is eerder in stap '{label}' geweest")
    return Verdict(False, f"het dossier is nooit in stap '{label}' geweest")


@rule("times_in_at_most", "Het dossier is hoogstens zo vaak in deze stap geweest.")
def times_in_at_most(context: GuardContext, state: str, maximum: int) -> Verdict:
    count = sum(1 for event in context.history() if event.to_state == state)
    label = context.words.state(state)
    if count > maximum:
        return Verdict(False, f"het dossier was al {count} keer in stap '{label}' (max. {maximum})")
    return Verdict(True, f"het dossier was {count} keer in stap '{label}' (max. {maximum})")


@rule("date_reached", "Een eerder ingevoerde datum (bijv. de auditdatum) is bereikt.")
def date_reached(context: GuardContext, name: str) -> Verdict:
    recorded = _recorded(context, name)
    label = context.words.input(name)
    if recorded is None:
        return Verdict(False, f"er is geen '{label}' vastgelegd")
    due = date.fromisoformat(str(recorded))
    if _today(context) < due:
        return Verdict(False, f"'{label}' is {due:%d-%m-%Y}; die datum is nog niet bereikt")
    return Verdict(True, f"'{label}' ({due:%d-%m-%Y}) is bereikt")


@rule("date_after", "Een ingevoerde datum ligt na een andere (bijv. het einde na de start).")
def date_after(context: GuardContext, name: str, other: str) -> Verdict:
    """``name`` (given now or recorded earlier) falls after ``other``."""
    found = {key: _recorded(context, key) for key in (name, other)}
    missing = [key for key, value in found.items() if value is None]
    if missing:
        return Verdict(False, f"er is geen '{context.words.input(missing[0])}' vastgelegd")
    end, start = (date.fromisoformat(str(found[key])) for key in (name, other))
    later, earlier = (f"'{context.words.input(key)}'" for key in (name, other))
    if end <= start:
        return Verdict(False, f"{later} ({end:%d-%m-%Y}) ligt niet na {earlier} ({start:%d-%m-%Y})")
    return Verdict(True, f"{later} ({end:%d-%m-%Y}) ligt na {earlier} ({start:%d-%m-%Y})")


@rule(
    "joins_in_time",
    "Het gekozen schooljaar kan nog: het besluit valt op tijd vóór de start van dat schooljaar "
    "('vóór 1 april': uiterlijk 31 maart; 'uiterlijk 1 april': 1 april telt nog mee).",
)
def joins_in_time(context: GuardContext, name: str, day: str) -> Verdict:
    year = _recorded_year(context, name)
    if isinstance(year, Verdict):
        return year
    try:
        limit = parse_limit(day)
    except ValueError as exc:  # refused when the file is checked; never reached from a file
        return Verdict(False, str(exc))
    last = _last_before_start(year, limit)
    today = _today(context)
    if today > last:
        return Verdict(
            False,
            f"aansluiten in schooljaar {year} kon tot en met {last:%d-%m-%Y}; "
            f"kies {_first_open_year(today, limit)} of later",
        )
    return Verdict(True, f"aansluiten in schooljaar {year} kan (uiterlijk {last:%d-%m-%Y})")


@rule("school_year_started", "Het schooljaar in deze invoer (bijv. 2027-2028) is begonnen.")
def school_year_started(context: GuardContext, name: str) -> Verdict:
    year = _recorded_year(context, name)
    if isinstance(year, Verdict):
        return year
    if _today(context) < year.start:
        return Verdict(False, f"schooljaar {year} begint pas op {year.start:%d-%m-%Y}")
    return Verdict(True, f"schooljaar {year} is op {year.start:%d-%m-%Y} begonnen")


@rule(
    "cluster_at_most",
    "Een cluster (de waarde van deze invoer) telt hoogstens zoveel scholen van één bestuur.",
)
def cluster_at_most(context: GuardContext, name: str, maximum: int) -> Verdict:
    cluster = context.inputs.get(name)
    if cluster is None:
        return Verdict(False, f"'{context.words.input(name)}' is niet opgegeven")
    peers = list(context.peers_with(name, cluster))
    if len(peers) >= maximum:
        return Verdict(
            False,
            f"cluster '{cluster}' heeft al {len(peers)} scholen van dit bestuur "
            f"({', '.join(sorted(peers))}); het maximum is {maximum}",
        )
    return Verdict(True, f"cluster '{cluster}' telt met deze school {len(peers) + 1} scholen")


def _recorded(context: GuardContext, name: str) -> Any:
    """The input's value given now, else the latest recorded on the case; None if never."""
    if name in context.inputs:
        return context.inputs[name]
    return next((e.payload[name] for e in reversed(context.history()) if name in e.payload), None)


def _recorded_year(context: GuardContext, name: str) -> SchoolYear | Verdict:
    """The school year recorded in ``name``, or the refusal saying why there is none."""
    recorded = _recorded(context, name)
    if recorded is None:
        return Verdict(False, f"er is geen '{context.words.input(name)}' vastgelegd")
    try:
        return SchoolYear.parse(str(recorded))
    except ValueError as exc:
        return Verdict(False, str(exc))


def _today(context: GuardContext) -> date:
    return context.now.astimezone(LOCAL_TZ).date()


def _last_before_start(year: SchoolYear, limit: DayLimit) -> date:
    """The last day that ``limit`` allows before ``year`` starts on 1 August: for "vóór
    1 april" and 2028-2029, 31 March 2028."""
    last = limit.last_in(year.start.year)
    return last if last < year.start else limit.last_in(year.start.year - 1)


def _first_open_year(today: date, limit: DayLimit) -> SchoolYear:
    year = SchoolYear.of(today).next()
    while _last_before_start(year, limit) < today:
        year = year.next()
    return year
