"""Conversation frames: the questions of an unscored framework (e.g. the FROSK intake) whose
answers are recorded during a step of the case, as the protocol's state names with ``frame``.

A partnership picks its own frame: where a step names a frame, the partnership's newest
choice (``FrameChoiceStore``) is used instead: a framework it loaded or another shipped one.
A case keeps the frame its answers were recorded in, whatever is chosen later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.audits.desk import AuditDesk
from toetreding.clock import as_aware
from toetreding.frameworks import FrameworkSpec
from toetreding.roles import SCHOOL_ROLE
from toetreding.store import CaseRecord, FrameAnswerCreate, FrameAnswerPublic, FrameChoiceCreate

# The longest answer, as the longest note of a step: a conversation's summary, not a report.
MAX_ANSWER_CHARS = 5_000


@dataclass(frozen=True)
class QuestionView:
    question_id: str
    title: str
    asks: str  # '' when the framework gives only a note
    note: str  # about the text itself (shown apart, muted), or ''
    answer: FrameAnswerPublic | None  # the latest revision, if answered


@dataclass(frozen=True)
class FrameView:
    case_id: int
    framework: FrameworkSpec
    questions: list[QuestionView]

    @property
    def unanswered(self) -> list[str]:
        return [q.question_id for q in self.questions if q.answer is None]


@dataclass(frozen=True)
class FrameSlot:
    """A frame the protocols name, and what one partnership uses for it."""

    frame_id: str  # the frame the protocols name
    frame_title: str  # its title (the shipped framework of that id)
    used_in: list[str]  # 'Partnerschap 2 — protocol voor uitbreiding: Oriënterend gesprek'
    framework_id: str  # what the partnership uses: its choice, else the frame itself
    framework_title: str
    chosen_at: datetime | None  # None: nothing chosen, the protocol's own frame


class FrameDesk:
    """Record and read the answers of a case's conversation frame; a partnership's choice
    of frame."""

    def __init__(self, audits: AuditDesk) -> None:
        self.desk = audits
        self.app = audits.app
        self.choices = audits.app.frame_choices

    # --- the partnership's choice ---------------------------------------------------------

    def slots(self, partnership_ref: str | int) -> list[FrameSlot]:
        """Every frame a protocol names, with what the partnership uses for it."""
        partnership = self.app.partnership(partnership_ref)
        chosen = self.choices.current(partnership.id)
        slots = []
        for frame_id, used_in in sorted(self._frames_in_use().items()):
            choice = chosen.get(frame_id)
            using = choice.framework_id if choice else frame_id
            slots.append(
                FrameSlot(
                    frame_id,
                    self._title(None, frame_id),
                    used_in,
                    using,
                    self._title(partnership.id, using),
                    choice.chosen_at if choice else None,
                )
            )
        return slots

    def choose(
        self,
        partnership_ref: str | int,
        frame_id: str,
        framework_id: str,
        *,
        by: str | int,
        at: datetime | None = None,
    ) -> FrameSlot:
        """From now on, where a step names ``frame_id``, this partnership's new cases use
        ``framework_id`` (its own or a shipped framework)."""
        partnership = self.app.partnership(partnership_ref)
        in_use = self._frames_in_use()
        if frame_id not in in_use:
            known = ", ".join(f"'{f}'" for f in sorted(in_use)) or "geen"
            raise InvalidInputError(
                f"geen protocol noemt gesprekskader '{frame_id}'; wel genoemd: {known}"
            )
        chosen = self.desk.frameworks.get(partnership.id, framework_id)  # raises, naming them
        if chosen.scored:  # scores and levels are for an audit committee, not for a talk
            raise InvalidInputError(
                f"'{chosen.title}' is een kader met scores voor een audit, geen gesprekskader; "
                "kies een kader zonder scores (vragen die in een gesprek worden beantwoord)"
            )
        self.choices.choose(
            FrameChoiceCreate(
                partnership_id=partnership.id,
                frame_id=frame_id,
                framework_id=framework_id,
                chosen_by=self.app.require_administrator(
                    by, "het gesprekskader kiezen", partnership.id
                ),
                chosen_at=as_aware(at) if at else self.app.clock.now(),
            )
        )
        return next(s for s in self.slots(partnership.id) if s.frame_id == frame_id)

    def _frames_in_use(self) -> dict[str, list[str]]:
        """Per frame the protocols' steps that name it (newest version of each protocol)."""
        used: dict[str, list[str]] = {}
        newest = {spec.id: spec for spec in self.app.protocols().all()}  # sorted by version
        for spec in newest.values():
            for state in spec.states.values():
                if state.frame:
                    used.setdefault(state.frame, []).append(f"{spec.title}: {state.label}")
        return used

    def _title(self, partnership_id: int | None, framework_id: str) -> str:
        try:
            return self.desk.frameworks.get(partnership_id, framework_id).title
        except NotFoundError:
            return framework_id

    # --- answers --------------------------------------------------------------------------

    def answer(
        self,
        case_id: int,
        question_id: str,
        text: str,
        *,
        actor_ref: str | int,
        at: datetime | None = None,
    ) -> FrameAnswerPublic:
        """Record (or revise) the answer to one question, during the step that has the frame."""
        return self.answer_all(case_id, {question_id: text}, actor_ref=actor_ref, at=at)[0]

    def answer_all(
        self,
        case_id: int,
        texts: Mapping[str, str],
        *,
        actor_ref: str | int,
        at: datetime | None = None,
    ) -> list[FrameAnswerPublic]:
        """Record the answers in ``texts`` (question id → text) that differ from the latest
        ones, each as a new revision; a question left empty that was never answered stays
        open. Every answer is checked before any is recorded, so a refusal records none."""
        case = self.app.case(case_id)
        person_id = self.app.person_id(actor_ref)
        frame_id = self._recorder(case, person_id)
        moment = as_aware(at) if at else self.app.clock.now()
        framework, _ = self.desk.framework_for(case, self.app.frame_in_use(case, frame_id), moment)
        latest = {a.question_id: a.answer for a in self.desk.audits.answers(case_id, framework.id)}
        changed: dict[str, str] = {}
        for question_id, text in texts.items():
            title = framework.criterion(question_id).title  # raises, listing the questions
            wanted = _checked(
                title, text, was_answered=question_id in latest, alone=len(texts) == 1
            )
            if wanted is not None and wanted != latest.get(question_id):
                changed[question_id] = wanted
        return [
            self.desk.audits.record_answer(
                FrameAnswerCreate(
                    case_id=case_id,
                    framework_id=framework.id,
                    framework_version=framework.version,
                    state=case.state,
                    question_id=question_id,
                    answer=text,
                    recorded_by=person_id,
                    recorded_at=moment,
                )
            )
            for question_id, text in changed.items()
        ]

    def may_answer(self, case_id: int, person_id: int) -> bool:
        """Whether this person may record the frame's answers in the case's current step."""
        try:
            self._recorder(self.app.case(case_id), person_id)
        except InvalidInputError:
            return False
        return True

    def _recorder(self, case: CaseRecord, person_id: int) -> str:
        """The frame the case's current step names, if this person may record its answers
        there (its ``frame_by``, else every role but the school); refused in Dutch."""
        spec = self.app.spec_of(case)
        state = spec.states[case.state]
        if state.frame is None:
            with_frame = [s.label for s in spec.states.values() if s.frame]
            where = ", ".join(f"'{label}'" for label in with_frame) or "geen stap"
            raise InvalidInputError(
                f"in stap '{state.label}' hoort geen gesprekskader; "
                f"antwoorden worden vastgelegd in {where}"
            )
        roles = self.app.roles_for_case(case.id, person_id)
        if state.frame_by and not roles & set(state.frame_by):
            who = ", ".join(spec.role_label(role) for role in state.frame_by)
            raise InvalidInputError(
                f"in stap '{state.label}' worden de antwoorden vastgelegd door: {who}"
            )
        if not state.frame_by and not roles - {SCHOOL_ROLE}:
            raise InvalidInputError(
                "de gesprekspartners van het partnerschap leggen het gesprek vast"
            )
        return state.frame

    def view(self, case_id: int) -> FrameView:
        """The frame's questions with their latest answers (the frame of any step of the
        case's protocol that has one; the first such step when there are several)."""
        case = self.app.case(case_id)
        spec = self.app.spec_of(case)
        frame_id = spec.states[case.state].frame or next(
            (s.frame for s in spec.states.values() if s.frame), None
        )
        if frame_id is None:
            raise InvalidInputError(f"protocol '{spec.title}' gebruikt geen gesprekskader")
        frame_id = self.app.frame_in_use(case, frame_id)
        answers = self.desk.audits.answers(case_id, frame_id)
        version = answers[-1].framework_version if answers else None
        framework = self.desk.frameworks.get(case.partnership_id, frame_id, version)
        latest = {a.question_id: a for a in answers}
        return FrameView(
            case_id,
            framework,
            [
                QuestionView(c.id, c.title, c.asks or "", c.note, latest.get(c.id))
                for c in framework.criteria()
            ],
        )


def _checked(title: str, text: str, *, was_answered: bool, alone: bool) -> str | None:
    """The answer to record for question ``title`` (stripped); None for a question left
    empty that was never answered (a form with every question). An answer is never emptied."""
    answer = text.strip()
    if not answer:
        if was_answered or alone:
            raise InvalidInputError(
                f"geef het antwoord op '{title}'"
                + (
                    " (een gegeven antwoord kan worden herzien, niet gewist)"
                    if was_answered
                    else ""
                )
            ).with_hint("--answer TEKST")
        return None
    if len(answer) > MAX_ANSWER_CHARS:
        count, limit = (f"{n:,}".replace(",", ".") for n in (len(answer), MAX_ANSWER_CHARS))
        raise InvalidInputError(
            f"het antwoord op '{title}' is te lang: {count} tekens; ten hoogste {limit}"
        )
    return answer
