"""The conversation frame each partnership chose: where a protocol's step asks for a frame
(the FROSK intake questions), the framework the partnership uses instead. Every choice is a
row; the newest per (partnership, frame) counts and the older ones are its log."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from toetreding.store.tables import FrameChoice, FrameChoiceCreate, FrameChoicePublic


class FrameChoiceStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def choose(self, choice: FrameChoiceCreate) -> FrameChoicePublic:
        with Session(self.engine) as session:
            row = FrameChoice.model_validate(choice)
            session.add(row)
            session.commit()
            session.refresh(row)
            return FrameChoicePublic.model_validate(row)

    def current(self, partnership_id: int) -> dict[str, FrameChoicePublic]:
        """Per frame the partnership's newest choice."""
        return {choice.frame_id: choice for choice in self.log(partnership_id)[::-1]}

    def log(self, partnership_id: int | None = None) -> list[FrameChoicePublic]:
        """Every choice, the newest first (of one partnership, or of all)."""
        query = select(FrameChoice).order_by(col(FrameChoice.id).desc())
        if partnership_id is not None:
            query = query.where(FrameChoice.partnership_id == partnership_id)
        with Session(self.engine) as session:
            return [FrameChoicePublic.model_validate(row) for row in session.exec(query)]
