"""The data a document is rendered from: plain, frozen records, the contract with the store.

Whoever produces a document (the CLI, a web page, a test) fills these records; the templates
read nothing else. They hold only ``str``, ``int``, ``bool``, ``datetime.date``, ``None`` and
tuples of these records: no ORM objects, no lazy loading, nothing that reaches back into a
database while a template renders.

Free text (reasoning, conditions, evidence, ...) is plain text: line breaks are kept (a blank
line starts a new paragraph) and everything is escaped, so HTML in it shows as text.
Labels are Dutch, as the reader sees them (``"Goed"``, ``"Toelaatbaar als volgschool"``,
``"voorzitter stuurgroep"``).

Each document checks on construction that it tells one consistent story (an admitted school
has conditions, a decision that deviates from the advice says why, a volgschool gets its
deficiencies and a re-audit deadline, ...) and raises :class:`InvalidInputError` with a Dutch
message otherwise, so an incomplete letter is never rendered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

from toetreding._exceptions import InvalidInputError

Outcome = Literal["partner", "volgschool", "niet_toelaatbaar"]
"""The steering group's final decision (Partnerschap 2, step 7)."""

OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)

OUTCOME_LABELS: dict[Outcome, str] = {
    "partner": "Toelaatbaar als partner",
    "volgschool": "Toelaatbaar als volgschool",
    "niet_toelaatbaar": "Niet toelaatbaar",
}

CORRECTION_ADOPTED = "overgenomen"
CORRECTION_NOT_ADOPTED = "niet overgenomen"


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidInputError(message)


def _filled(text: str | None) -> bool:
    return bool(text and text.strip())


# --- shared parts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    """Who sends the document.

    ``partnership_code`` (e.g. ``part2``) also selects the partnership's own templates
    (``TOETREDING_TEMPLATES_DIR/<partnership_code>/``); it is never printed.
    """

    partnership_name: str  # "Opleidingsschool Partnerschap 2"
    partnership_code: str  # "part2"


@dataclass(frozen=True)
class Signatory:
    """Who signs a letter, e.g. ``Signatory("Marieke Bos", "voorzitter stuurgroep")``."""

    name: str
    role_label: str


@dataclass(frozen=True)
class Advice:
    """The audit committee's admission advice ("toetredingsadvies").

    ``reasons`` are whole Dutch sentences, in the order the committee gives them;
    ``deciding_criteria`` are the ids of the criteria the advice turns on (``"1.3"``).
    """

    outcome_label: str  # "Toelaatbaar als volgschool"
    reasons: tuple[str, ...]
    deciding_criteria: tuple[str, ...] = ()
    rules: str = ""  # "adviesregels Toetredingsadvies … versie 1"; empty in older reports


# --- Partnerschap 2, step 3: the steering group's argued decision ---------------------------


@dataclass(frozen=True, kw_only=True)
class ArguedDecision:
    """The steering group's written, argued decision after the school presented its
    self-evaluation: start the trajectory (the school becomes samenwerkingsschool under
    the stated conditions) or not.

    ``conditions`` ("voorwaarden tot toetreding", free text, may span lines) are required
    when ``admitted_to_trajectory`` and must be empty otherwise.
    """

    letterhead: Letterhead
    school_name: str
    case_id: int
    date: dt.date  # the date of the letter
    admitted_to_trajectory: bool
    reasoning: str  # the argumentation, free text
    signed_by: Signatory
    conditions: str = ""
    school_board: str | None = None

    def __post_init__(self) -> None:
        _require(_filled(self.reasoning), "het besluit mist de argumentatie")
        if self.admitted_to_trajectory:
            _require(
                _filled(self.conditions),
                "het traject wordt ingezet, maar de voorwaarden tot toetreding ontbreken",
            )
        else:
            _require(
                not _filled(self.conditions),
                "het traject wordt niet ingezet; een besluit zonder toetreding heeft geen "
                "voorwaarden tot toetreding",
            )


# --- Partnerschap 2, step 6: the audit report -----------------------------------------------


@dataclass(frozen=True)
class ScaleLevel:
    """One level of the framework's scale, e.g. ``ScaleLevel("goed", "Goed")``."""

    name: str
    label: str


@dataclass(frozen=True)
class CommitteeMember:
    """A member of the audit committee and the partner organisation they come from."""

    name: str
    organisation: str  # "ROC van Twente"
    role_label: str  # "voorzitter", "lid", "secretaris"


@dataclass(frozen=True)
class Interview:
    """One interview of the audit day, e.g. group (a) management and schoolopleider.

    ``id`` is what a :class:`Finding` refers to (``"a"``, ``"management"``); it is not
    printed.
    """

    id: str
    group_label: str  # "Management en schoolbrede schoolopleider"
    date: dt.date
    attendees: tuple[str, ...]  # "Anne Smit (directeur)", ...


@dataclass(frozen=True, kw_only=True)
class Finding:
    """The committee's finding on one criterion.

    ``level_label`` is the label of a level of the report's scale, or None when the
    criterion was not scored. ``evidence``, ``strengths`` and ``points_for_development``
    are free text; an empty one is left out. ``interview_id`` names the interview the
    finding draws on, if any.
    """

    criterion_id: str  # "1.1"
    title: str  # "Relatie doelstellingen en programma"
    level_label: str | None
    evidence: str
    strengths: str = ""
    points_for_development: str = ""
    interview_id: str | None = None

    @property
    def session_id(self) -> str | None:
        """Deprecated: ``interview_id`` under the name older partnership templates use."""
        return self.interview_id


@dataclass(frozen=True)
class DomainFindings:
    """The findings of one domain of the framework, in the framework's order."""

    title: str  # "1 Programma"
    findings: tuple[Finding, ...]


@dataclass(frozen=True, kw_only=True)
class FactualCorrection:
    """A factual inaccuracy the school returned on the draft report, and what the
    committee did with it (``decision_label`` ``"overgenomen"`` or ``"niet overgenomen"``,
    ``reason`` why)."""

    text: str
    decision_label: str
    reason: str
    criterion_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class AuditReport:
    """The draft (``final=False``) or final audit report with the admission advice.

    ``scale`` lists the framework's levels best first; every finding's level label must be
    one of them. ``corrections`` (the school's factual corrections) belong to a final report
    only. Criterion ids in the advice and interview ids in the findings must exist.
    """

    letterhead: Letterhead
    school_name: str
    case_id: int
    final: bool
    version: int  # 1, 2, ... of this report
    date: dt.date  # the date of the report
    framework_title: str  # "NVAO-toetsingskader opleidingsschool (2009)"
    scale: tuple[ScaleLevel, ...]
    committee: tuple[CommitteeMember, ...]
    interviews: tuple[Interview, ...]
    domains: tuple[DomainFindings, ...]
    advice: Advice
    corrections: tuple[FactualCorrection, ...] = ()
    audit_date: dt.date | None = None
    school_board: str | None = None

    def __post_init__(self) -> None:
        _require(self.version >= 1, f"versie {self.version} van het rapport is geen geldige versie")
        _require(
            self.final or not self.corrections,
            "een concept-rapport heeft nog geen verwerkte feitelijke onjuistheden",
        )
        _require(bool(self.committee), "het rapport noemt geen leden van de auditcommissie")
        ids = [finding.criterion_id for finding in self.findings()]
        doubles = sorted({i for i in ids if ids.count(i) > 1})
        _require(not doubles, f"criterium {_listed(doubles)} staat meer dan eens in het rapport")
        labels = {level.label for level in self.scale}
        off_scale = [
            f.criterion_id for f in self.findings() if f.level_label and f.level_label not in labels
        ]
        _require(
            not off_scale,
            f"de score bij criterium {_listed(off_scale)} staat niet in de schaal "
            f"({_listed(sorted(labels)) or 'leeg'})",
        )
        held = {interview.id for interview in self.interviews}
        unknown = sorted(
            {
                f.interview_id
                for f in self.findings()
                if f.interview_id and f.interview_id not in held
            }
        )
        _require(not unknown, f"onbekend gesprek {_listed(unknown)} bij een bevinding")
        missing = [c for c in self.advice.deciding_criteria if c not in ids]
        _require(
            not missing,
            f"het advies noemt criterium {_listed(missing)}, dat niet in het rapport staat",
        )
        wrong = [
            c.criterion_id for c in self.corrections if c.criterion_id and c.criterion_id not in ids
        ]
        _require(
            not wrong,
            f"een feitelijke onjuistheid noemt criterium {_listed(wrong)}, "
            "dat niet in het rapport staat",
        )

    def findings(self) -> tuple[Finding, ...]:
        """Every finding, domain by domain."""
        return tuple(finding for domain in self.domains for finding in domain.findings)

    def finding(self, criterion_id: str) -> Finding:
        return next(f for f in self.findings() if f.criterion_id == criterion_id)

    def interview(self, interview_id: str) -> Interview:
        return next(i for i in self.interviews if i.id == interview_id)

    # Deprecated: the names older partnership templates use for the interviews.
    @property
    def sessions(self) -> tuple[Interview, ...]:
        return self.interviews

    def session(self, interview_id: str) -> Interview:
        return self.interview(interview_id)


# --- Partnerschap 2, step 7: the decision letter --------------------------------------------


@dataclass(frozen=True)
class Deficiency:
    """A criterion a volgschool does not yet meet, with its score in the final report."""

    criterion_id: str
    title: str
    level_label: str


@dataclass(frozen=True, kw_only=True)
class DecisionLetter:
    """The steering group's final decision on admission, one template per ``outcome``.

    The letter always shows the committee's ``advice``. When the steering group decides
    otherwise, ``deviates_from_advice`` is true and ``deviation_reason`` says why (required
    then, empty otherwise). A ``volgschool`` decision names its ``deficiencies`` and the
    ``reaudit_deadline``: the last day ("binnen een jaar") on which the school may request
    a new internal audit; other outcomes have neither. A ``volgschool`` decision may name the
    ``support`` (and secondment of expertise) the partnership offers; empty when none.
    """

    letterhead: Letterhead
    school_name: str
    case_id: int
    date: dt.date  # the date of the letter (and of the decision)
    outcome: Outcome
    reasoning: str  # the steering group's reasoning, free text
    advice: Advice
    signed_by: Signatory
    deviates_from_advice: bool = False
    deviation_reason: str = ""
    deficiencies: tuple[Deficiency, ...] = ()
    reaudit_deadline: dt.date | None = None
    school_board: str | None = None
    support: str = ""

    def __post_init__(self) -> None:
        _require(
            self.outcome in OUTCOMES,
            f"onbekende uitkomst '{self.outcome}'; mogelijk zijn: {', '.join(OUTCOMES)}",
        )
        _require(_filled(self.reasoning), "het besluit mist de motivering")
        if self.deviates_from_advice:
            _require(
                _filled(self.deviation_reason),
                "de stuurgroep wijkt af van het advies, maar de reden daarvoor ontbreekt",
            )
        else:
            _require(
                not _filled(self.deviation_reason),
                "er is een reden voor afwijken van het advies gegeven, maar het besluit "
                "wijkt niet af",
            )
        if self.outcome == "volgschool":
            _require(bool(self.deficiencies), "een besluit 'volgschool' noemt de deficiënties")
            _require(
                self.reaudit_deadline is not None and self.reaudit_deadline > self.date,
                "een besluit 'volgschool' noemt de uiterste datum voor een nieuwe interne "
                "audit, na de datum van het besluit",
            )
        else:
            _require(
                not self.deficiencies and self.reaudit_deadline is None,
                "alleen een besluit 'volgschool' heeft deficiënties en een termijn voor een "
                "nieuwe interne audit",
            )

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


# --- a protocol without an internal audit: the decision letter on the step alone ----------


@dataclass(frozen=True)
class RecordedFact:
    """What the decision recorded, as the reader sees it: ('Startdatum van de pilot',
    '01-09-2026')."""

    label: str
    value: str


@dataclass(frozen=True, kw_only=True)
class OutcomeLetter:
    """The decision that led a case into an ``outcome`` of a protocol without an internal
    audit (the mbo institution joining, the Rijnland pilot, po-Groningen): the step, its
    note and what it recorded. One template per outcome (``uitkomstbrief_<outcome>``);
    Partnerschap 2's :class:`DecisionLetter` rests on the audit committee's advice instead.
    """

    letterhead: Letterhead
    school_name: str
    case_id: int
    date: dt.date  # the date of the letter (and of the decision)
    outcome: str  # the outcome's name: picks the template, never printed
    outcome_label: str  # the protocol's label of the state the decision led to
    step_label: str  # the protocol's label of the step: 'Besluit: de instelling sluit aan'
    signed_by: Signatory
    reasoning: str = ""  # the step's note, when it has one
    facts: tuple[RecordedFact, ...] = ()
    school_board: str | None = None

    def __post_init__(self) -> None:
        _require(_filled(self.outcome_label), "de brief mist de uitkomst van het besluit")


Document = ArguedDecision | AuditReport | DecisionLetter | OutcomeLetter
"""Anything :func:`toetreding.documents.render_html` renders."""


def _listed(items: Iterable[str]) -> str:
    return ", ".join(items)
