"""The intake conversation frame (FROSK, seed 001 Bijlage 3) recorded in the orientation talk."""

from __future__ import annotations

import pytest

from toetreding import InvalidInputError, NotFoundError, Toetreding
from toetreding.audits import AuditDesk, FrameDesk

from .conftest import PROTOCOLS
from .helpers import part2_with_noordik, run, run_json, with_pdfs

KERNGROEP = "kerngroep@p2.example"
SCHOOL = "contact@noordik.example"


@pytest.fixture
def frames(app: Toetreding) -> FrameDesk:
    return FrameDesk(AuditDesk(app, PROTOCOLS))


@pytest.fixture
def case_id(app: Toetreding) -> int:
    part2_with_noordik(app, SCHOOL)
    app.add_person("Kim", KERNGROEP, partnership_ref="part2", roles=("kerngroep", "coordinator"))
    return app.open_case(school_ref="NOORD1", protocol_id="partnerschap2", actor_ref=KERNGROEP)


def test_answers_are_recorded_per_question_and_revisions_kept(
    frames: FrameDesk, case_id: int
) -> None:
    frames.answer(
        case_id, "1", "Twee schoolopleiders, vier getrainde begeleiders", actor_ref=KERNGROEP
    )
    frames.answer(
        case_id, "1", "Twee schoolopleiders, zes getrainde begeleiders", actor_ref=KERNGROEP
    )
    view = frames.view(case_id)
    assert view.framework.id == "frosk-intakegesprek" and len(view.questions) == 10
    first = view.questions[0]
    assert (first.title, first.answer.revision if first.answer else None) == (
        "Schoolopleiders en werkplekbegeleiders",
        2,
    )
    assert first.answer is not None and "zes getrainde" in first.answer.answer
    assert view.unanswered == [str(n) for n in range(2, 11)]


def test_answers_belong_to_the_orientation_talk_and_the_partnership(
    app: Toetreding, frames: FrameDesk, case_id: int
) -> None:
    with pytest.raises(InvalidInputError, match="gesprekspartners van het partnerschap"):
        frames.answer(case_id, "2", "Wij scholen iedereen", actor_ref=SCHOOL)
    with pytest.raises(NotFoundError, match="bekend zijn: 1, 2, 3"):
        frames.answer(case_id, "11", "?", actor_ref=KERNGROEP)
    app.fire(
        case_id,
        "orientatie_afronden",
        actor_ref=KERNGROEP,
        inputs=with_pdfs(app, case_id, "orientatie_afronden", {"verslag_orientatie": "v"}),
    )
    with pytest.raises(
        InvalidInputError, match="antwoorden worden vastgelegd in 'Oriënterend gesprek'"
    ):
        frames.answer(case_id, "2", "Later", actor_ref=KERNGROEP)
    assert frames.view(case_id).unanswered[0] == "1"  # still readable afterwards


def test_frame_commands(db: object) -> None:
    run("demo")
    early = next(c["id"] for c in run_json("case", "list") if c["state"] == "orientatie")
    run(
        "frame",
        "answer",
        str(early),
        "4",
        "--answer",
        "Opleiden in de school",
        "--as",
        "kerngroep@part2.example",
    )
    shown = run_json("frame", "show", str(early))
    assert shown["questions"][3]["answer"] == "Opleiden in de school"
    assert "4" not in shown["unanswered"]
