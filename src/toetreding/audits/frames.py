"""Conversation frames: the questions of an unscored framework (e.g. the FROSK intake) whose
answers are recorded during a step of the case, as the protocol's state names with ``frame``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from toetreding._exceptions import InvalidInputError
from toetreding.audits.desk import AuditDesk
from toetreding.clock import as_aware
from toetreding.frameworks import FrameworkSpec
from toetreding.roles import SCHOOL_ROLE
from toetreding.store import FrameAnswerCreate, FrameAnswerPublic


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


class FrameDesk:
    """Record and read the answers of a case's conversation frame."""

    def __init__(self, audits: AuditDesk) -> None:
        self.desk = audits
        self.app = audits.app

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
        case = self.app.case(case_id)
        spec = self.app.spec_of(case)
        frame_id = spec.states[case.state].frame
        if frame_id is None:
            with_frame = [s.label for s in spec.states.values() if s.frame]
            where = ", ".join(f"'{label}'" for label in with_frame) or "geen stap"
            raise InvalidInputError(
                f"in stap '{spec.states[case.state].label}' hoort geen gesprekskader; "
                f"antwoorden worden vastgelegd in {where}"
            )
        person_id = self.app.person_id(actor_ref)
        roles = self.app.roles_for_case(case_id, person_id)
        if not roles - {SCHOOL_ROLE}:
            raise InvalidInputError(
                "de gesprekspartners van het partnerschap leggen het gesprek vast"
            )
        framework, _ = self.desk.framework_for(
            case, frame_id, as_aware(at) if at else self.app.clock.now()
        )
        framework.criterion(question_id)  # raises, listing the questions
        if not text.strip():
            raise InvalidInputError("geef het antwoord").with_hint("--answer TEKST")
        return self.desk.audits.record_answer(
            FrameAnswerCreate(
                case_id=case_id,
                framework_id=framework.id,
                framework_version=framework.version,
                state=case.state,
                question_id=question_id,
                answer=text.strip(),
                recorded_by=person_id,
                recorded_at=as_aware(at) if at else self.app.clock.now(),
            )
        )

    def view(self, case_id: int) -> FrameView:
        """The frame's questions with their latest answers (the frame of any step of the
        case's protocol that has one; the first such step when there are several)."""
        case = self.app.case(case_id)
        spec = self.app.spec_of(case)
        frame_id = spec.states[case.state].frame or next(
            (s.frame for s in spec.states.values() if s.frame), None
        )
        if frame_id is None:
            raise InvalidInputError(f"protocol '{spec.id}' gebruikt geen gesprekskader")
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
