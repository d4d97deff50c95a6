"""The intake conversation frame (FROSK, seed 001 Bijlage 3) recorded in the orientation talk."""

from __future__ import annotations

import pytest

from toetreding import InvalidInputError, NotFoundError, Toetreding
from toetreding.audits import AuditDesk, FrameDesk
from toetreding.frameworks import load_framework_text

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


# --- a partnership picks its own frame --------------------------------------------------------

OWN_FRAME = """\
format: 1
id: intake-partnerschap2
version: 1
title: "Intakegesprek Partnerschap 2"
description: "De eigen vragen van Partnerschap 2 voor het oriënterend gesprek."
source: "Stuurgroep Partnerschap 2, vastgesteld in de vergadering van november 2026"
scored: false
domains:
  - id: intake
    title: Intake
    criteria:
      - {id: "1", title: Visie, asks: "Hoe past opleiden in de visie van de school?"}
      - {id: "2", title: Begeleiding, asks: "Wie begeleidt de studenten in de school?"}
"""


def test_a_partnership_uses_the_frame_it_chose_and_a_case_keeps_its_own(
    app: Toetreding, frames: FrameDesk, case_id: int
) -> None:
    frames.answer(case_id, "1", "Twee schoolopleiders", actor_ref=KERNGROEP)  # FROSK, before
    part2 = app.partnership("part2").id
    frames.desk.frameworks.load(part2, load_framework_text(OWN_FRAME, "eigen"), app.clock.now())

    with pytest.raises(InvalidInputError, match="Kim mag niet het gesprekskader kiezen"):
        frames.choose("part2", "frosk-intakegesprek", "intake-partnerschap2", by=KERNGROEP)
    app.accounts.set_password(app.person_id(KERNGROEP), "beheer-2026-lang", admin=True)
    slot = frames.choose("part2", "frosk-intakegesprek", "intake-partnerschap2", by=KERNGROEP)
    assert (slot.frame_title, slot.framework_title) == (
        "Gesprekskader toetreding tot de FROSK (2017)",
        "Intakegesprek Partnerschap 2",
    )
    assert any("Oriënterend gesprek" in place for place in slot.used_in)
    assert frames.view(case_id).framework.id == "frosk-intakegesprek"  # its answers are there

    other_school = _second_school(app)
    new_case = app.open_case(school_ref=other_school, protocol_id="partnerschap2",
                             actor_ref=KERNGROEP)  # fmt: skip
    view = frames.view(new_case)
    assert view.framework.title == "Intakegesprek Partnerschap 2"
    assert [q.title for q in view.questions] == ["Visie", "Begeleiding"]
    frames.answer(new_case, "2", "De schoolopleider", actor_ref=KERNGROEP)
    assert frames.view(new_case).unanswered == ["1"]

    # another partnership still talks with the FROSK questions
    app.store.add_partnership("rijnland", "Opleidingsschool Rijnland", app.clock.now())
    slots = {s.frame_id: s.framework_id for s in frames.slots("rijnland")}
    assert slots["frosk-intakegesprek"] == "frosk-intakegesprek"


def test_a_choice_names_a_frame_the_protocols_use_and_a_known_framework(
    app: Toetreding, frames: FrameDesk, case_id: int
) -> None:
    with pytest.raises(
        InvalidInputError, match="wel genoemd: 'basiskwaliteit-waarborgen', 'frosk-intakegesprek'"
    ):
        frames.choose("part2", "intake", "nvao-opleidingsschool-2009", by=KERNGROEP)
    with pytest.raises(NotFoundError, match="onbekend"):
        frames.choose("part2", "frosk-intakegesprek", "bestaat-niet", by=KERNGROEP)
    with pytest.raises(InvalidInputError, match="kader met scores voor een audit, geen gespreks"):
        frames.choose("part2", "frosk-intakegesprek", "nvao-opleidingsschool-2009", by=KERNGROEP)
    assert frames.slots("part2")[0].chosen_at is None  # nothing recorded


def _second_school(app: Toetreding) -> str:
    from toetreding.store.tables import SchoolCreate

    partnership = app.partnership("part2")
    app.store.add_school(
        SchoolCreate(
            partnership_id=partnership.id,
            name="Pius X College",
            sector="vo",
            region="midden",
            brin="PIUS10",
        ),
        app.clock.now(),
    )
    return "PIUS10"


def test_frame_choose_and_choices_on_the_command_line(db: object, tmp_path: object) -> None:
    run("demo")
    run("person", "add", "--name", "Beheer", "--email", "beheer@part2.example")
    run("user", "add", "beheer@part2.example", "--admin")
    run("framework", "load", _own_frame_file(tmp_path), "--partnership", "part2")
    out = run(
        "frame", "choose", "frosk-intakegesprek", "intake-partnerschap2",
        "--partnership", "part2", "--by", "beheer@part2.example",
    )  # fmt: skip
    assert "gebruikt dit partnerschap nu 'Intakegesprek Partnerschap 2'" in out
    choices = run_json("frame", "choices", "--partnership", "part2")
    assert [(c["frame"], c["framework"]) for c in choices] == [
        ("basiskwaliteit-waarborgen", "basiskwaliteit-waarborgen"),  # nothing chosen: its own
        ("frosk-intakegesprek", "intake-partnerschap2"),
    ]
    refused = run("frame", "choose", "x", "y", "--partnership", "part2", "--by",
                  "beheer@part2.example", code=1)  # fmt: skip
    assert "geen protocol noemt gesprekskader 'x'" in refused and "Traceback" not in refused


def _own_frame_file(folder: object) -> str:
    from pathlib import Path

    path = Path(str(folder)) / "intake.yaml"
    path.write_text(OWN_FRAME, encoding="utf-8")
    return str(path)
