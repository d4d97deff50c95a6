"""Walk the Partnerschap 2 protocol to each outcome, and see refusals change nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from toetreding import (
    ConcurrentUpdateError,
    ConflictError,
    GuardFailed,
    InvalidInputError,
    MissingInput,
    RoleNotAllowed,
    TriggerNotAvailable,
)
from toetreding.audits import AuditDesk
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.service import Toetreding
from toetreding.store import CaseFilter
from toetreding.store.tables import SchoolCreate

from .conftest import PROTOCOLS
from .helpers import nvao_scores, pdf, record_audit, with_pdfs

COORDINATOR = "coordinator@p2.example"
STUURGROEP = "stuurgroep@p2.example"
KERNGROEP = "kerngroep@p2.example"
AUDIT = "audit@p2.example"
SCHOOL = "contact@noordik.example"
OTHER_SCHOOL = "contact@anders.example"


@pytest.fixture
def case_id(app: Toetreding) -> int:
    return open_noordik_case(app)


def open_noordik_case(app: Toetreding) -> int:
    """Partnerschap 2 with its people and two schools (region midden); Het Noordik's case."""
    now = app.clock.now()
    partnership = app.store.add_partnership("part2", "Partnerschap 2", now)
    assert partnership.id is not None
    for name, brin in [("Het Noordik", "NOORD1"), ("Andere School", "ANDER1")]:
        app.store.add_school(
            SchoolCreate(
                partnership_id=partnership.id, name=name, sector="vo", region="midden", brin=brin
            ),
            now,
        )
    for email, role in [
        (COORDINATOR, "coordinator"),
        (STUURGROEP, "stuurgroep"),
        (KERNGROEP, "kerngroep"),
        (AUDIT, "auditcommissie"),
    ]:
        app.add_person(email.split("@")[0], email, partnership_ref="part2", roles=(role,))
    app.add_person("Sam", SCHOOL, partnership_ref="part2", roles=("school",), school_ref="NOORD1")
    app.add_person(
        "Olga", OTHER_SCHOOL, partnership_ref="part2", roles=("school",), school_ref="ANDER1"
    )
    return app.open_case(school_ref="NOORD1", protocol_id="partnerschap2", actor_ref=COORDINATOR)


def step(app: Toetreding, case: int, trigger: str, actor: str, **kwargs: Any) -> str:
    assert isinstance(app.clock, FixedClock)
    app.clock.advance(timedelta(days=14))
    if "inputs" in kwargs:  # documents named here are uploaded as small PDFs of that name
        kwargs["inputs"] = with_pdfs(app, case, trigger, kwargs["inputs"])
    return app.fire(case, trigger, actor_ref=actor, **kwargs).to_state


def to_steering_review(app: Toetreding, case: int) -> None:
    """Steps 1-2: orientation talk, then a self-evaluation of the maximum ten pages."""
    assert (
        step(app, case, "orientatie_afronden", KERNGROEP, inputs={"verslag_orientatie": "v.pdf"})
        == "zelfevaluatie"
    )
    assert (
        step(
            app,
            case,
            "zelfevaluatie_indienen",
            SCHOOL,
            inputs={"zelfevaluatie": "z.pdf", "paginas": 10},
        )
        == "bespreking_stuurgroep"
    )


def to_decision(app: Toetreding, case: int, advice: str = "partner") -> None:
    """Steps 1-6: from the orientation talk to the steering group's decision."""
    to_audit_request(app, case)
    audit(app, case, first_request=True, advice=advice)


def to_audit_request(app: Toetreding, case: int) -> None:
    """Steps 1-4: from the orientation talk to the school's plan of approach."""
    to_steering_review(app, case)
    assert (
        step(
            app,
            case,
            "traject_inzetten",
            STUURGROEP,
            inputs={
                "besluit_stuurgroep": "b.pdf",
                "voorwaarden": "Twee getrainde werkplekbegeleiders",
            },
            note="Goede basis",
        )
        == "voorwaarden_gesteld"
    )
    assert (
        step(
            app,
            case,
            "voorwaarden_accepteren",
            SCHOOL,
            inputs={"akkoord": "ja", "akkoordverklaring": "a.pdf"},
        )
        == "plan_van_aanpak"
    )
    assert (
        step(app, case, "plan_van_aanpak_indienen", SCHOOL, inputs={"plan_van_aanpak": "p.pdf"})
        == "samenwerkingsschool"
    )


def audit(app: Toetreding, case: int, *, first_request: bool, advice: str = "partner") -> None:
    """Steps 5-6: request (unless already requested), plan, audit, draft, a correction from
    the school, final report. The committee's scores lead to ``advice``."""
    to_concept_report(app, case, first_request=first_request, advice=advice)
    desk = AuditDesk(app, PROTOCOLS)
    correction = desk.submit_correction(
        case, "Er zijn drie, geen twee begeleiders", actor_ref=SCHOOL
    )
    assert step(app, case, "correcties_indienen", SCHOOL) == "rapport_vaststellen"
    desk.decide_correction(
        case, correction.id or 0, accept=True, reason="Klopt, aangepast", actor_ref=AUDIT
    )
    desk.finalize(case, actor_ref=AUDIT)
    assert step(app, case, "rapport_vaststellen", AUDIT) == "besluitvorming"


def to_concept_report(
    app: Toetreding,
    case: int,
    *,
    first_request: bool = True,
    advice: str = "partner",
    sent_at: datetime | None = None,
) -> None:
    """Step 5 and the first of 6: request (unless already requested), plan, audit, and the
    concept report sent to the school (at ``sent_at``, else two weeks after the draft)."""
    if first_request:
        assert (
            step(app, case, "audit_aanvragen", SCHOOL, inputs={"vervolgzelfevaluatie": "vz.pdf"})
            == "audit_aangevraagd"
        )
    audit_day = (app.clock.now() + timedelta(days=20)).date()
    assert (
        step(app, case, "audit_inplannen", STUURGROEP, inputs={"auditdatum": audit_day.isoformat()})
        == "audit_gepland"
    )
    assert isinstance(app.clock, FixedClock)
    app.clock.set(datetime.combine(audit_day, time(9, 0)))
    desk = AuditDesk(app, PROTOCOLS)
    record_audit(
        desk,
        case,
        organiser=STUURGROEP,
        members=[(AUDIT, "Hogeschool Saxion"), (KERNGROEP, "Het Erasmus")],
        scores=nvao_scores(advice),
    )
    desk.draft_report(case, actor_ref=AUDIT)
    if sent_at is None:
        assert step(app, case, "concept_rapport_opstellen", AUDIT) == "concept_rapport"
    else:
        app.clock.set(sent_at)
        assert app.fire(case, "concept_rapport_opstellen", actor_ref=AUDIT).to_state == (
            "concept_rapport"
        )


def test_partner_outcome_closes_the_case(app: Toetreding, case_id: int) -> None:
    to_decision(app, case_id)
    assert (
        step(app, case_id, "besluit_partner", STUURGROEP, note="Voldoet op alle criteria")
        == "partner"
    )

    view = app.view(case_id)
    assert view.state.outcome == "partner" and view.state.final
    assert view.case.closed_at is not None
    assert view.allowed == []
    triggers = [h.trigger for h in view.history]
    assert triggers[0] == "openen" and triggers[-1] == "besluit_partner"
    assert len(triggers) == 12  # opening + eleven steps
    last = view.history[-1]
    assert (last.actor_name, last.role, last.note) == (
        "stuurgroep",
        "stuurgroep",
        "Voldoet op alle criteria",
    )


def test_volgschool_reaudits_and_gets_a_definitive_decision(app: Toetreding, case_id: int) -> None:
    to_decision(app, case_id, advice="volgschool")
    assert (
        step(app, case_id, "besluit_volgschool", STUURGROEP, note="2.2 onvoldoende") == "volgschool"
    )
    assert (
        step(
            app,
            case_id,
            "heraudit_aanvragen",
            SCHOOL,
            inputs={"ontwikkelplan_deficienties": "o.pdf", "vervolgzelfevaluatie": "vz2.pdf"},
        )
        == "audit_aangevraagd"
    )
    audit(app, case_id, first_request=False)

    with pytest.raises(GuardFailed, match="volgschool"):
        step(app, case_id, "besluit_volgschool", STUURGROEP, note="nog eens")
    assert (
        step(app, case_id, "besluit_partner", STUURGROEP, note="Deficiënties opgelost") == "partner"
    )


def test_a_volgschool_decision_may_record_support_and_secondment_of_expertise(
    app: Toetreding, case_id: int
) -> None:
    # "Ondersteuning en detachering van expertise vanuit het partnerschap is optioneel"
    # (seed 001, Bijlage 2, stap 7.2): recorded with the decision, in the same history row.
    to_decision(app, case_id, advice="volgschool")
    support = "Instituutsopleider van de pabo, vier uur per week tot de nieuwe audit"
    assert (
        step(
            app,
            case_id,
            "besluit_volgschool",
            STUURGROEP,
            inputs={"ondersteuning": support, "detacheringsafspraak": "detachering.pdf"},
            note="2.2 onvoldoende",
        )
        == "volgschool"
    )
    decision = app.store.history(case_id)[-1]
    assert decision.payload["ondersteuning"] == support
    [secondment] = decision.payload["detacheringsafspraak"]
    assert secondment["name"] == "detachering.pdf"
    # The year for a new audit runs as without the secondment.
    assert [d.name for d in app.view(case_id).deadlines if d.resolved_at is None] == [
        "heraudit_binnen_een_jaar"
    ]


def test_the_school_may_ask_for_support_with_its_plan_of_approach(
    app: Toetreding, case_id: int
) -> None:
    # Stap 4: support by schoolopleiders, relatiebeheerders and instituutsopleiders is a
    # possibility the school names in its plan, or leaves out (as to_decision does).
    to_steering_review(app, case_id)
    step(
        app,
        case_id,
        "traject_inzetten",
        STUURGROEP,
        inputs={"besluit_stuurgroep": "b.pdf", "voorwaarden": "v"},
        note="m",
    )
    step(
        app,
        case_id,
        "voorwaarden_accepteren",
        SCHOOL,
        inputs={"akkoord": "ja", "akkoordverklaring": "a.pdf"},
    )
    wish = "Een relatiebeheerder van de hogeschool bij de opleiding van werkplekbegeleiders"
    step(
        app,
        case_id,
        "plan_van_aanpak_indienen",
        SCHOOL,
        inputs={"plan_van_aanpak": "p.pdf", "ondersteuning": wish},
    )
    assert app.store.history(case_id)[-1].payload["ondersteuning"] == wish
    view = app.view(case_id)
    assert "relatiebeheerders en instituutsopleiders" in view.state.description


def test_not_admissible_school_stays_and_requests_a_new_audit(
    app: Toetreding, case_id: int
) -> None:
    to_decision(app, case_id, advice="niet_toelaatbaar")
    assert (
        step(app, case_id, "besluit_niet_toelaatbaar", STUURGROEP, note="Te weinig begeleiders")
        == "niet_toelaatbaar"
    )
    assert (
        step(app, case_id, "doorgaan_als_samenwerkingsschool", SCHOOL, note="Wij ontwikkelen door")
        == "samenwerkingsschool"
    )
    audit(app, case_id, first_request=True, advice="volgschool")
    assert step(app, case_id, "besluit_volgschool", STUURGROEP, note="Nu op orde") == "volgschool"


def test_not_admissible_school_can_stop(app: Toetreding, case_id: int) -> None:
    to_decision(app, case_id, advice="niet_toelaatbaar")
    step(app, case_id, "besluit_niet_toelaatbaar", STUURGROEP, note="Onvoldoende")
    assert step(app, case_id, "stoppen", STUURGROEP, note="Geen verdere pogingen") == "gestopt"
    assert app.view(case_id).state.final


def test_orientation_can_end_the_trajectory(app: Toetreding, case_id: int) -> None:
    assert step(app, case_id, "stoppen", SCHOOL, note="Te weinig aanknopingspunten") == "gestopt"
    assert app.store.open_case_of_school(app.store.school("NOORD1").id or 0) is None


def test_steering_group_can_decline_to_start(app: Toetreding, case_id: int) -> None:
    to_steering_review(app, case_id)
    assert (
        step(
            app,
            case_id,
            "traject_afwijzen",
            STUURGROEP,
            inputs={"besluit_stuurgroep": "b.pdf"},
            note="Visie sluit niet aan",
        )
        == "geen_traject"
    )


def _snapshot(app: Toetreding, case: int) -> tuple[Any, ...]:
    record = app.store.case(case)
    return (record.state, record.revision, record.updated_at, len(app.store.history(case)))


@pytest.mark.parametrize(
    ("trigger", "actor", "kwargs", "error", "says"),
    [
        ("besluit_partner", STUURGROEP, {"note": "x"}, TriggerNotAvailable, "kan niet vanuit"),
        ("bestaat_niet", STUURGROEP, {}, TriggerNotAvailable, "bestaat niet"),
        (
            "orientatie_afronden",
            SCHOOL,
            {"inputs": {"verslag_orientatie": "v.pdf"}},
            RoleNotAllowed,
            "mag dit",
        ),
        ("orientatie_afronden", KERNGROEP, {}, MissingInput, "Verslag van het oriënterend gesprek"),
        (
            "orientatie_afronden",
            KERNGROEP,
            {"inputs": {"verslag_orientatie": "v", "x": "1"}},
            MissingInput,
            "onbekende invoer 'x'",
        ),
        ("stoppen", OTHER_SCHOOL, {"note": "weg"}, RoleNotAllowed, "geen"),
        (
            "orientatie_afronden",
            KERNGROEP,
            {"inputs": {"verslag_orientatie": 7}},  # a file number this dossier does not have
            MissingInput,
            "bestand 7 bestaat niet in dossier",
        ),
    ],
)
def test_refusals_say_why_list_allowed_triggers_and_change_nothing(
    app: Toetreding,
    case_id: int,
    trigger: str,
    actor: str,
    kwargs: dict[str, Any],
    error: type[Exception],
    says: str,
) -> None:
    before = _snapshot(app, case_id)
    if "inputs" in kwargs:
        kwargs = {**kwargs, "inputs": with_pdfs(app, case_id, trigger, kwargs["inputs"])}
    with pytest.raises(error) as caught:
        app.fire(case_id, trigger, actor_ref=actor, **kwargs)
    message = str(caught.value)
    assert says in message
    assert "Nu toegestaan: " in message and "orientatie_afronden" in message
    assert _snapshot(app, case_id) == before


def test_a_step_takes_a_file_of_its_dossier_by_number_and_refuses_any_other(
    app: Toetreding, case_id: int
) -> None:
    """A file already in the dossier is given by its number and named in the history row; a
    file of another artefact, or of another dossier, is refused and changes nothing."""
    mine = app.add_version(case_id, "verslag_orientatie", [pdf(app, "v.pdf")], actor_ref=KERNGROEP)
    other = app.add_version(case_id, "zelfevaluatie", [pdf(app, "ze.pdf")], actor_ref=SCHOOL)
    elsewhere = app.open_case(
        school_ref="ANDER1", protocol_id="partnerschap2", actor_ref=COORDINATOR
    )
    theirs = app.add_version(
        elsewhere, "verslag_orientatie", [pdf(app, "a.pdf")], actor_ref=KERNGROEP
    )
    before = _snapshot(app, case_id)
    for given, says in [
        (other[0].id, f"bestand {other[0].id} is een 'zelfevaluatie', geen 'verslag_orientatie'"),
        (theirs[0].id, f"bestand {theirs[0].id} bestaat niet in dossier {case_id}"),
    ]:
        with pytest.raises(MissingInput, match=says):
            app.fire(
                case_id,
                "orientatie_afronden",
                actor_ref=KERNGROEP,
                inputs={"verslag_orientatie": given},
            )
        assert _snapshot(app, case_id) == before
    app.fire(
        case_id,
        "orientatie_afronden",
        actor_ref=KERNGROEP,
        inputs={"verslag_orientatie": mine[0].id},
    )
    entry = app.history(case_id)[-1].payload["verslag_orientatie"]
    assert entry == [
        {
            "file_id": mine[0].id,
            "artefact": "verslag_orientatie",
            "version": 1,
            "name": "v.pdf",
            "media_type": "application/pdf",
            "size": mine[0].size,
            "sha256": mine[0].sha256,
        }
    ]


def test_a_role_the_actor_does_not_hold_is_refused(app: Toetreding, case_id: int) -> None:
    """Asking to act in a role (``role=``) is checked against the roles the person holds
    for this case: a school contact cannot close the orientation as the kerngroep."""
    before = _snapshot(app, case_id)
    with pytest.raises(RoleNotAllowed) as caught:
        app.fire(
            case_id,
            "orientatie_afronden",
            actor_ref=SCHOOL,
            role="kerngroep",
            inputs=with_pdfs(app, case_id, "orientatie_afronden", {"verslag_orientatie": "v.pdf"}),
        )
    assert caught.value.reason == (
        "Sam heeft de rol 'Kerngroep' niet voor dit dossier (wel: Aanvragende school)"
    )
    assert (caught.value.case_id, caught.value.state) == (case_id, "orientatie")
    assert _snapshot(app, case_id) == before
    # the kerngroep itself may, and is recorded in that role
    decision = app.fire(
        case_id,
        "orientatie_afronden",
        actor_ref=KERNGROEP,
        role="kerngroep",
        inputs=with_pdfs(app, case_id, "orientatie_afronden", {"verslag_orientatie": "v.pdf"}),
    )
    assert (decision.to_state, decision.role) == ("zelfevaluatie", "kerngroep")
    assert app.store.history(case_id)[-1].role == "kerngroep"


def test_a_page_count_outside_one_to_ten_is_refused_naming_the_field(
    app: Toetreding, case_id: int
) -> None:
    # "een zelfevaluatie van maximaal 10 pagina's": 0, a negative count and 11 are refused
    # alike, with the field's label and the range, and nothing is stored.
    step(app, case_id, "orientatie_afronden", KERNGROEP, inputs={"verslag_orientatie": "v.pdf"})
    before = _snapshot(app, case_id)
    for pages, words in [
        ("12", "'Aantal pagina's': moet van 1 tot en met 10 zijn, niet 12"),
        ("0", "'Aantal pagina's': moet van 1 tot en met 10 zijn, niet 0"),
        ("-5", "'Aantal pagina's': moet van 1 tot en met 10 zijn, niet -5"),
        ("tien", "'Aantal pagina's': 'tien' is geen geheel getal"),
    ]:
        with pytest.raises(MissingInput) as refused:
            app.fire(
                case_id,
                "zelfevaluatie_indienen",
                actor_ref=SCHOOL,
                inputs=with_pdfs(
                    app,
                    case_id,
                    "zelfevaluatie_indienen",
                    {"zelfevaluatie": "z.pdf", "paginas": pages},
                ),
            )
        assert words in str(refused.value)
        assert "paginas" not in str(refused.value)  # the label, never the input's name
    assert _snapshot(app, case_id) == before


def test_written_acceptance_must_be_explicit(app: Toetreding, case_id: int) -> None:
    to_steering_review(app, case_id)
    step(
        app,
        case_id,
        "traject_inzetten",
        STUURGROEP,
        inputs={"besluit_stuurgroep": "b.pdf", "voorwaarden": "v"},
        note="m",
    )
    with pytest.raises(MissingInput, match="bevestigd"):
        app.fire(
            case_id,
            "voorwaarden_accepteren",
            actor_ref=SCHOOL,
            inputs=with_pdfs(
                app,
                case_id,
                "voorwaarden_accepteren",
                {"akkoord": "misschien", "akkoordverklaring": "a.pdf"},
            ),
        )


def test_report_cannot_precede_the_audit_day(app: Toetreding, case_id: int) -> None:
    to_decision(app, case_id, advice="niet_toelaatbaar")  # past one audit; now a second, early
    step(app, case_id, "besluit_niet_toelaatbaar", STUURGROEP, note="n")
    step(app, case_id, "doorgaan_als_samenwerkingsschool", STUURGROEP, note="door")
    step(app, case_id, "audit_aanvragen", SCHOOL, inputs={"vervolgzelfevaluatie": "vz.pdf"})
    audit_day = app.clock.now().date() + timedelta(days=30)
    step(app, case_id, "audit_inplannen", STUURGROEP, inputs={"auditdatum": audit_day.isoformat()})
    with pytest.raises(GuardFailed, match="nog niet bereikt"):
        app.fire(case_id, "concept_rapport_opstellen", actor_ref=AUDIT)


def test_a_document_input_takes_a_file_not_a_name(app: Toetreding, case_id: int) -> None:
    before = _snapshot(app, case_id)
    with pytest.raises(MissingInput, match=r"vraagt een bestand; alleen een naam \('v.pdf'\)"):
        app.fire(
            case_id,
            "orientatie_afronden",
            actor_ref=KERNGROEP,
            inputs={"verslag_orientatie": "v.pdf"},
        )
    assert _snapshot(app, case_id) == before


def test_time_cannot_run_backwards_on_a_case(app: Toetreding, case_id: int) -> None:
    step(app, case_id, "orientatie_afronden", KERNGROEP, inputs={"verslag_orientatie": "v.pdf"})
    earlier = app.clock.now() - timedelta(days=60)
    with pytest.raises(InvalidInputError, match="vóór de laatste gebeurtenis"):
        app.fire(case_id, "stoppen", actor_ref=SCHOOL, note="x", at=earlier)


def test_a_school_gets_only_one_running_case(app: Toetreding, case_id: int) -> None:
    with pytest.raises(ConflictError, match="al een lopend dossier"):
        app.open_case(school_ref="NOORD1", protocol_id="partnerschap2", actor_ref=COORDINATOR)


def test_a_school_contact_cannot_open_cases(app: Toetreding, case_id: int) -> None:
    with pytest.raises(InvalidInputError, match="mag een dossier openen"):
        app.open_case(school_ref="ANDER1", protocol_id="partnerschap2", actor_ref=OTHER_SCHOOL)


def test_opening_records_who_when_and_why_and_refuses_exactly(
    app: Toetreding, case_id: int
) -> None:
    partnership = app.store.partnership("part2").id or 0
    app.store.add_school(
        SchoolCreate(
            partnership_id=partnership, name="De Wilg", sector="po", region="noord", brin="WILG1"
        ),
        app.clock.now(),
    )
    with pytest.raises(InvalidInputError) as sector:
        app.open_case(school_ref="WILG1", protocol_id="partnerschap2", actor_ref=COORDINATOR)
    assert str(sector.value) == (
        "protocol 'Partnerschap 2 — protocol voor uitbreiding' is voor vo, mbo; De Wilg is po"
    )
    with pytest.raises(InvalidInputError) as role:
        app.open_case(school_ref="ANDER1", protocol_id="partnerschap2", actor_ref=KERNGROEP)
    assert str(role.value) == (
        "alleen Coördinator of Stuurgroep mag een dossier openen; kerngroep heeft: Kerngroep"
    )
    app.add_person("Niemand", "niemand@p2.example", partnership_ref="part2", roles=())
    with pytest.raises(InvalidInputError) as nobody:
        app.open_case(
            school_ref="ANDER1", protocol_id="partnerschap2", actor_ref="niemand@p2.example"
        )
    assert str(nobody.value).endswith("; Niemand heeft: geen rol")
    app.add_person(
        "Twee", "twee@p2.example", partnership_ref="part2", roles=("kerngroep", "auditcommissie")
    )
    with pytest.raises(InvalidInputError) as two:
        app.open_case(school_ref="ANDER1", protocol_id="partnerschap2", actor_ref="twee@p2.example")
    assert str(two.value).endswith("; Twee heeft: Auditcommissie, Kerngroep")

    at = datetime(2026, 9, 2, 8, 15, tzinfo=LOCAL_TZ)
    opened = app.open_case(
        school_ref="ANDER1",
        protocol_id="partnerschap2",
        actor_ref=STUURGROEP,
        partnership_ref="part2",
        version=2,
        note="Kennismaking gepland",
        at=at,
    )
    case = app.store.case(opened)
    assert (case.state, case.protocol_version, case.updated_at) == ("orientatie", 2, at)
    [first] = app.store.history(opened)
    assert (first.trigger, first.role, first.actor_name, first.note, first.at) == (
        "openen",
        "stuurgroep",
        "stuurgroep",
        "Kennismaking gepland",
        at,
    )


def test_the_service_reads_a_case_its_history_deadlines_roles_and_lists(
    app: Toetreding, case_id: int
) -> None:
    other = app.open_case(school_ref="ANDER1", protocol_id="partnerschap2", actor_ref=COORDINATOR)
    step(app, case_id, "orientatie_afronden", KERNGROEP, inputs={"verslag_orientatie": "v.pdf"})
    assert app.case(case_id).state == "zelfevaluatie"
    assert [h.trigger for h in app.history(case_id)] == ["openen", "orientatie_afronden"]
    assert [h.trigger for h in app.history(other)] == ["openen"]
    assert app.case_deadlines(case_id) == app.store.deadlines(case_id=case_id)
    assert app.view(case_id).deadlines == app.store.deadlines(case_id=case_id)
    view = app.view(other)
    assert (view.school.name, view.partnership.code, view.state.label) == (
        "Andere School",
        "part2",
        view.spec.states["orientatie"].label,
    )
    assert [a.trigger for a in view.allowed] == ["orientatie_afronden", "stoppen"]
    sam = app.store.person(SCHOOL).id or 0
    assert app.roles_for_case(case_id, sam) == frozenset({"school"})
    assert app.roles_for_case(other, sam) == frozenset()
    every = CaseFilter()
    assert app.count_cases(every) == 2
    assert [c.id for c, _ in app.find_cases(every)] == [case_id, other]  # newest activity first
    assert [c.id for c, _ in app.find_cases(every, limit=1, offset=1)] == [other]
    assert [c.id for c, _ in app.find_cases(every, limit=1)] == [case_id]
    assert [(c.id, name) for c, name in app.find_cases(CaseFilter(state="orientatie"))] == [
        (other, "Andere School")
    ]
    assert app.count_cases(CaseFilter(state="orientatie")) == 1


def test_two_requests_on_one_loaded_case_cannot_both_win(app: Toetreding, case_id: int) -> None:
    stale = app.store.case(case_id)
    step(app, case_id, "orientatie_afronden", KERNGROEP, inputs={"verslag_orientatie": "v.pdf"})
    with pytest.raises(ConcurrentUpdateError):
        app.store.apply(
            stale,
            to_state="gestopt",
            final=True,
            trigger="stoppen",
            actor_id=None,
            role="school",
            at=app.clock.now(),
            note="late",
            payload={},
        )
    assert app.store.case(case_id).state == "zelfevaluatie"
    assert [h.trigger for h in app.store.history(case_id)] == ["openen", "orientatie_afronden"]


def test_cases_share_one_machine_per_protocol_version(app: Toetreding, case_id: int) -> None:
    app.open_case(school_ref="ANDER1", protocol_id="partnerschap2", actor_ref=COORDINATOR)
    for case in app.store.cases():
        app.view(case[0].id)
    assert len(app.machines) == 1


def test_audit_date_input_is_a_real_date(app: Toetreding, case_id: int) -> None:
    to_decision(app, case_id)
    planned = next(h for h in app.store.history(case_id) if h.trigger == "audit_inplannen")
    assert date.fromisoformat(planned.payload["auditdatum"]) > planned.at.date()


def test_a_volgschool_year_without_reaudit_goes_to_a_definitive_decision_once(
    app: Toetreding, case_id: int
) -> None:
    to_decision(app, case_id, advice="volgschool")
    step(app, case_id, "besluit_volgschool", STUURGROEP, note="2.2 onvoldoende")
    decided = app.store.case(case_id).updated_at
    deadline = next(d for d in app.store.deadlines(case_id=case_id) if d.status == "open")
    decided_on = decided.astimezone(LOCAL_TZ).date()
    assert deadline.due_date == decided_on.replace(year=decided_on.year + 1)  # "tot een jaar"

    assert app.sweep_deadlines(at=datetime.combine(deadline.due_date, time(23, 0))) == []
    later = datetime.combine(deadline.due_date + timedelta(days=1), time(6, 0))
    done = app.sweep_deadlines(at=later)
    assert [(c.action, c.target) for c in done] == [("fire", "heraudit_termijn_verstreken")]
    assert app.sweep_deadlines(at=later + timedelta(days=1)) == []  # exactly once

    assert app.store.case(case_id).state == "besluitvorming"
    last = app.store.history(case_id)[-1]
    assert (last.trigger, last.role, last.actor_id) == (
        "heraudit_termijn_verstreken",
        "systeem",
        None,
    )
    assert "Termijn verstreken" in (last.note or "")
    assert (
        next(d for d in app.store.deadlines(case_id=case_id) if d.name == deadline.name).status
        == "missed"
    )
    with pytest.raises(GuardFailed, match="volgschool"):  # the decision is definitive now
        app.fire(case_id, "besluit_volgschool", actor_ref=STUURGROEP, note="nog eens", at=later)
