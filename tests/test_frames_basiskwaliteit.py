"""The mbo institution maps its own basic quality on the waarborgen in step 2 (seed 002)."""

from __future__ import annotations

import pytest

from toetreding import GuardFailed, InvalidInputError, Toetreding
from toetreding.audits import AuditDesk, FrameDesk
from toetreding.calendar import Region
from toetreding.definition import Sector
from toetreding.frameworks import load_framework_text
from toetreding.store.tables import SchoolCreate

from .conftest import PROTOCOLS
from .helpers import run, with_pdfs

COORDINATOR = "coordinator@p.example"
STUURGROEP = "stuurgroep@p.example"
CONTACT = "contact@roc.example"

OWN_WAARBORGEN = """\
format: 1
id: waarborgen-eigen
version: 1
title: Onze waarborgen
source: Eigen versie van het partnerschap
scored: false
domains:
  - id: waarborgen
    title: Waarborgen
    criteria:
      - {id: "1", title: Eerste waarborg, asks: "Hoe staat het met onze eerste waarborg?"}
"""


@pytest.fixture
def frames(app: Toetreding) -> FrameDesk:
    return FrameDesk(AuditDesk(app, PROTOCOLS))


def _open_in_step_2(app: Toetreding, brin: str) -> int:
    case = app.open_case(school_ref=brin, protocol_id="mbo-aansluiting", actor_ref=COORDINATOR)
    inputs = {"verslag_verkenning": "v.pdf", "rol_instelling": "Eerst klein"}
    trigger = "verkenning_afronden"
    app.fire(case, trigger, actor_ref=COORDINATOR, inputs=with_pdfs(app, case, trigger, inputs))
    return case


@pytest.fixture
def case_id(app: Toetreding) -> int:
    partnership = app.store.add_partnership("mbo", "Partnerschap mbo", app.clock.now())
    for brin, name in (("ROC001", "ROC Oost"), ("ROC002", "ROC West")):
        school = SchoolCreate(
            partnership_id=partnership.id or 0,
            name=name,
            sector=Sector.MBO,
            region=Region.MIDDEN,
            brin=brin,
        )
        app.store.add_school(school, app.clock.now())
    app.add_person("Co", COORDINATOR, partnership_ref="mbo", roles=("coordinator",))
    app.add_person("Stu", STUURGROEP, partnership_ref="mbo", roles=("stuurgroep",))
    app.add_person("Ria", CONTACT, partnership_ref="mbo", roles=("school",), school_ref="ROC001")
    return _open_in_step_2(app, "ROC001")


def test_the_institution_maps_its_basic_quality_on_the_waarborgen(
    app: Toetreding, frames: FrameDesk, case_id: int
) -> None:
    view = frames.view(case_id)
    assert view.framework.id == "basiskwaliteit-waarborgen"
    assert [q.title for q in view.questions] == [f"Waarborg {n}" for n in range(1, 5)]
    assert "Kwaliteitskader Samen Opleiden & Inductie" in view.questions[0].note

    frames.answer(case_id, "1", "Werkt: schoolopleider. Niet: intervisie.", actor_ref=CONTACT)
    frames.answer(case_id, "2", "Begeleiding nog niet geregeld", actor_ref=COORDINATOR)
    with pytest.raises(InvalidInputError, match="Aansluitende mbo-instelling, Coördinator"):
        frames.answer(case_id, "3", "Goed", actor_ref=STUURGROEP)
    assert frames.view(case_id).unanswered == ["3", "4"]

    # the map is the frame's answers: it is submitted only once every waarborg is answered
    before = (app.case(case_id), len(app.history(case_id)))
    with pytest.raises(GuardFailed) as refused:
        app.fire(case_id, "basiskwaliteit_indienen", actor_ref=CONTACT, inputs={})
    open_ones = "'Eigen basiskwaliteit op de vier waarborgen': Waarborg 3, Waarborg 4\n"
    assert f"nog niet beantwoord in het gesprekskader {open_ones}" in str(refused.value)
    assert (app.case(case_id), len(app.history(case_id))) == before  # the refusal changed nothing

    frames.answer(case_id, "3", "Intervisie loopt", actor_ref=CONTACT)
    frames.answer(case_id, "4", "HR is betrokken", actor_ref=CONTACT)
    # the document may accompany the map, no longer must
    app.fire(case_id, "basiskwaliteit_indienen", actor_ref=CONTACT, inputs={})
    assert app.case(case_id).state == "bespreking_basiskwaliteit"
    assert frames.view(case_id).questions[0].answer is not None  # still readable


def test_the_guard_counts_the_questions_of_the_chosen_frame(
    app: Toetreding, frames: FrameDesk, case_id: int
) -> None:
    """With the partnership's own waarborgen, its one question is what must be answered."""
    partnership = app.partnership("mbo").id
    frames.desk.frameworks.load(partnership, load_framework_text(OWN_WAARBORGEN), app.clock.now())
    app.grant_role(COORDINATOR, "mbo", "admin")
    frames.choose("mbo", "basiskwaliteit-waarborgen", "waarborgen-eigen", by=COORDINATOR)
    new_case = _open_in_step_2(app, "ROC002")
    app.add_person(
        "Wim", "wim@roc.example", partnership_ref="mbo", roles=("school",), school_ref="ROC002"
    )
    with pytest.raises(GuardFailed, match="'Onze waarborgen': Eerste waarborg"):
        app.fire(new_case, "basiskwaliteit_indienen", actor_ref="wim@roc.example", inputs={})
    frames.answer(new_case, "1", "Op orde", actor_ref="wim@roc.example")
    app.fire(new_case, "basiskwaliteit_indienen", actor_ref="wim@roc.example", inputs={})
    assert app.case(new_case).state == "bespreking_basiskwaliteit"


def test_a_form_records_only_the_changed_answers(
    app: Toetreding, frames: FrameDesk, case_id: int
) -> None:
    frames.answer(case_id, "1", "Eerste beeld", actor_ref=CONTACT)
    saved = frames.answer_all(
        case_id, {"1": " Eerste beeld ", "2": "Nieuw", "3": "", "4": ""}, actor_ref=CONTACT
    )
    assert [(a.question_id, a.revision) for a in saved] == [("2", 1)]
    with pytest.raises(InvalidInputError, match=r"'Waarborg 1'.*niet gewist"):
        frames.answer_all(case_id, {"1": " ", "3": "Wel"}, actor_ref=CONTACT)
    with pytest.raises(InvalidInputError, match=r"'Waarborg 3' is te lang: 5\.001 tekens"):
        frames.answer_all(case_id, {"3": "x" * 5001}, actor_ref=CONTACT)
    assert frames.view(case_id).unanswered == ["3", "4"]  # a refused form records nothing


def test_the_partnerships_chosen_waarborgen_replace_the_shipped_frame(
    app: Toetreding, frames: FrameDesk, case_id: int
) -> None:
    partnership = app.partnership("mbo").id
    own = load_framework_text(OWN_WAARBORGEN, "eigen")
    frames.desk.frameworks.load(partnership, own, app.clock.now())
    app.grant_role(COORDINATOR, "mbo", "admin")  # its administrator chooses
    frames.choose("mbo", "basiskwaliteit-waarborgen", "waarborgen-eigen", by=COORDINATOR)

    new_case = _open_in_step_2(app, "ROC002")
    assert [q.title for q in frames.view(new_case).questions] == ["Eerste waarborg"]
    frames.answer(new_case, "1", "Op orde", actor_ref=COORDINATOR)
    assert frames.view(new_case).unanswered == []


def test_the_command_line_refusal_names_the_command_that_answers(
    app: Toetreding, case_id: int, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOETREDING_DATABASE_URL", database_url)
    fire = ("case", "fire", str(case_id), "basiskwaliteit_indienen", "--as", CONTACT)
    refused = run(*fire, code=1)
    assert "Geweigerd:" in refused and "Waarborg 1, Waarborg 2" in refused
    assert (
        f"Tip: beantwoord de vragen met 'toetreding frame answer {case_id} VRAAG --answer "
        f"TEKST --as {CONTACT}' (de vragen: 'toetreding frame show {case_id}')"
    ) in " ".join(refused.split())
    other = run("case", "fire", str(case_id), "verkenning_afronden", "--as", CONTACT, code=1)
    assert "Geweigerd:" in other and "frame answer" not in other
