"""Conversation frames: the questions of an unscored framework (e.g. the FROSK intake) whose
answers are recorded during a step of the case, as the protocol's state names with ``frame``.

A partnership picks its own frame: where a step names a frame, the partnership's newest
choice (``FrameChoiceStore``) is used instead: a framework it loaded or another shipped one.
A case keeps the frame its answers were recorded in, whatever is chosen later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.audits.desk import AuditDesk
from toetreding.clock import as_aware
from toetreding.frameworks import FrameworkSpec
from toetreding.roles import SCHOOL_ROLE
from toetreding.store import CaseRecord, FrameAnswerCreate, FrameAnswerPublic, FrameChoiceCreate


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
        self.desk.frameworks.get(partnership.id, framework_id)  # raises, naming the known ones
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

    def _frame_of(self, case: CaseRecord, named: str) -> str:
        """The framework a case uses where its step names frame ``named``: the one its
        answers were recorded in, else the partnership's choice, else the frame itself."""
        choice = self.choices.current(case.partnership_id).get(named)
        candidates = dict.fromkeys([named, *([choice.framework_id] if choice else [])])
        for framework_id in candidates:
            if self.desk.audits.answers(case.id, framework_id):
                return framework_id
        return choice.framework_id if choice else named

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
        state = spec.states[case.state]
        if state.frame_by and not roles & set(state.frame_by):
            who = ", ".join(spec.role_label(role) for role in state.frame_by)
            raise InvalidInputError(
                f"in stap '{state.label}' worden de antwoorden vastgelegd door: {who}"
            )
        if not state.frame_by and not roles - {SCHOOL_ROLE}:
            raise InvalidInputError(
                "de gesprekspartners van het partnerschap leggen het gesprek vast"
            )
        framework, _ = self.desk.framework_for(
            case, self._frame_of(case, frame_id), as_aware(at) if at else self.app.clock.now()
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
            raise InvalidInputError(f"protocol '{spec.title}' gebruikt geen gesprekskader")
        frame_id = self._frame_of(case, frame_id)
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
