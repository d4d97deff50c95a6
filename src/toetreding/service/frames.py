"""Conversation frames in the service: which framework a case uses where its step names a
frame, and which of its questions are still open (what guards read through
``case_lookups.StoreLookups.frame``).

The frame's answers are recorded through ``toetreding.audits.FrameDesk``; the facts live here
because a step's guard (``frame_answered``) reads them whenever the case moves, on the CLI,
the pages and the API alike.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from toetreding.rules import FrameFacts
from toetreding.service._base import ServiceBase
from toetreding.store import CaseRecord

if TYPE_CHECKING:  # loaded when used: reading a case needs no framework
    from toetreding.store import FrameChoiceStore, FrameworkStore


class FrameService(ServiceBase):
    """The frame a case uses in a step and its open questions."""

    @cached_property
    def frame_choices(self) -> FrameChoiceStore:
        """The conversation frame each partnership chose (for ``toetreding.audits``). Made
        once per service (which lives as long as the app, across requests and threads): the
        store holds only the engine, which the service never changes, and reads every choice
        from the database in a session of its own, so a choice is seen at once."""
        from toetreding.store import FrameChoiceStore

        return FrameChoiceStore(self.store.engine)

    @cached_property
    def frame_frameworks(self) -> FrameworkStore:
        """The frameworks a frame may use: those shipped beside the protocol files (the
        registry's folder) and the partnerships' own."""
        from toetreding.frameworks import FrameworkRegistry
        from toetreding.store import FrameworkStore

        root = self.registry.root
        shipped = FrameworkRegistry.shipped(root) if root else FrameworkRegistry()
        return FrameworkStore(self.store.engine, shipped)

    def frame_in_use(self, case: CaseRecord, named: str) -> str:
        """The framework a case uses where its step names frame ``named``: the one its
        answers were recorded in, else the partnership's choice, else the frame itself."""
        choice = self.frame_choices.current(case.partnership_id).get(named)
        candidates = dict.fromkeys([named, *([choice.framework_id] if choice else [])])
        for framework_id in candidates:
            if self.store.audits.answers(case.id, framework_id):
                return framework_id
        return choice.framework_id if choice else named

    def frame_facts(self, case: CaseRecord, state: str) -> FrameFacts | None:
        """The frame of ``state`` as the case uses it, with the titles of the questions
        not answered yet; None when that step names no frame."""
        step = self.spec_of(case).states.get(state)
        if step is None or step.frame is None:
            return None
        framework_id = self.frame_in_use(case, step.frame)
        answers = self.store.audits.answers(case.id, framework_id)
        version = answers[-1].framework_version if answers else None
        framework = self.frame_frameworks.get(case.partnership_id, framework_id, version)
        answered = {answer.question_id for answer in answers}
        open_ = tuple(c.title for c in framework.criteria() if c.id not in answered)
        return FrameFacts(framework.title, open_)
