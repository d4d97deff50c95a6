"""What the API gives and takes for a case's conversation frame: the questions with their
latest answers, and one answer to record (see :mod:`toetreding.web.api.frames`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from toetreding.audits import FrameView
from toetreding.store import FrameAnswerPublic as StoredAnswer
from toetreding.web.schemas import Text


class FrameAnswerCreate(BaseModel):
    answer: Text = Field(description="Het antwoord, zoals besproken (ten hoogste 5.000 tekens)")


class FrameAnswerOut(BaseModel):
    question_id: str
    answer: str
    revision: int = Field(description="1 voor het eerste antwoord; elke herziening telt op")
    recorded_by: int
    recorded_at: datetime


class FrameQuestion(BaseModel):
    question_id: str
    title: str
    asks: str = Field(description="Wat de vraag vraagt; leeg als het kader alleen een noot geeft")
    note: str = Field(description="Een noot bij de tekst zelf, of leeg")
    answer: FrameAnswerOut | None = Field(description="Het laatste antwoord, als er een is")


class FrameDetail(BaseModel):
    case_id: int
    framework_id: str
    framework_version: int
    framework_title: str
    may_answer: bool = Field(
        description="Of u in de huidige stap van het dossier de antwoorden mag vastleggen"
    )
    questions: list[FrameQuestion]
    unanswered: list[str] = Field(description="De vragen (nummers) zonder antwoord")


def answer_out(answer: StoredAnswer) -> FrameAnswerOut:
    return FrameAnswerOut(
        question_id=answer.question_id,
        answer=answer.answer,
        revision=answer.revision,
        recorded_by=answer.recorded_by,
        recorded_at=answer.recorded_at,
    )


def frame_detail(view: FrameView, may_answer: bool) -> FrameDetail:
    return FrameDetail(
        case_id=view.case_id,
        framework_id=view.framework.id,
        framework_version=view.framework.version,
        framework_title=view.framework.title,
        may_answer=may_answer,
        questions=[
            FrameQuestion(
                question_id=q.question_id,
                title=q.title,
                asks=q.asks,
                note=q.note,
                answer=answer_out(q.answer) if q.answer else None,
            )
            for q in view.questions
        ],
        unanswered=view.unanswered,
    )
