"""An internal audit on the NVAO framework, from committee to final report and decision."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pypdfium2
import pytest

from toetreding import ConflictError, GuardFailed, InvalidInputError, NotFoundError, Toetreding
from toetreding.audits import AuditDesk, NewFinding
from toetreding.clock import LOCAL_TZ, FixedClock
from toetreding.documents import from_case, render_html, render_pdf
from toetreding.store.tables import SchoolUpdate

from .conftest import PROTOCOLS
from .helpers import (
    NVAO_CRITERIA,
    nvao_scores,
    part2_with_noordik,
    record_audit,
    summer_2026_entered,
    walk_to_audit,
)

STUURGROEP = "stuurgroep@p2.example"
CHAIR = "voorzitter@saxion.example"
MEMBER = "lid@erasmus.example"
OUTSIDER = "buiten@p2.example"
SCHOOL = "contact@noordik.example"
COMMITTEE = [(CHAIR, "Hogeschool Saxion"), (MEMBER, "Het Erasmus")]


@pytest.fixture
def desk(app: Toetreding) -> AuditDesk:
    return AuditDesk(app, PROTOCOLS)


@pytest.fixture
def case_id(app: Toetreding) -> int:
    """A Partnerschap 2 case walked to the planned audit, today being the audit day."""
    part2_with_noordik(app, SCHOOL)
    for email, role in [
        (STUURGROEP, "stuurgroep"),
        ("coordinator@p2.example", "coordinator"),
        (CHAIR, "auditcommissie"),
        (MEMBER, "auditcommissie"),
        (OUTSIDER, "auditcommissie"),
    ]:
        app.add_person(email.split("@")[0], email, partnership_ref="part2", roles=(role,))
    case = app.open_case(
        school_ref="NOORD1", protocol_id="partnerschap2", actor_ref="coordinator@p2.example"
    )
    walk_to_audit(app, case, STUURGROEP, SCHOOL)
    return case


def later(app: Toetreding, days: int) -> None:
    assert isinstance(app.clock, FixedClock)
    app.clock.advance(timedelta(days=days))


def audit_to_final_report(app: Toetreding, desk: AuditDesk, case_id: int, advice: str) -> None:
    """Audit, draft, two corrections (one taken over, one not), final report."""
    record_audit(desk, case_id, organiser=STUURGROEP, members=COMMITTEE, scores=nvao_scores(advice))
    desk.draft_report(case_id, actor_ref=CHAIR)
    later(app, 1)
    app.fire(case_id, "concept_rapport_opstellen", actor_ref=CHAIR)
    later(app, 3)
    taken = desk.submit_correction(
        case_id, "Er zijn zes werkplekbegeleiders, geen vier", criterion_id="2.1", actor_ref=SCHOOL
    )
    refused = desk.submit_correction(case_id, "De rondgang was korter", actor_ref=SCHOOL)
    app.fire(case_id, "correcties_indienen", actor_ref=SCHOOL)
    later(app, 2)
    desk.decide_correction(
        case_id, taken.id or 0, accept=True, reason="Klopt; tekst aangepast", actor_ref=CHAIR
    )
    desk.decide_correction(
        case_id,
        refused.id or 0,
        accept=False,
        reason="Geen feitelijke onjuistheid",
        actor_ref=MEMBER,
    )
    desk.finalize(case_id, actor_ref=CHAIR)
    app.fire(case_id, "rapport_vaststellen", actor_ref=CHAIR)


@pytest.mark.parametrize(
    ("advice", "label", "deciding"),
    [
        ("partner", "Toelaatbaar als partner", None),
        ("volgschool", "Toelaatbaar als volgschool", "2.1"),
        ("niet_toelaatbaar", "Niet toelaatbaar", "3.1"),
    ],
)
def test_a_full_audit_gives_the_advice_its_scores_call_for(
    app: Toetreding, desk: AuditDesk, case_id: int, advice: str, label: str, deciding: str | None
) -> None:
    audit_to_final_report(app, desk, case_id, advice)

    final = desk.report(case_id)
    assert (final.version, final.final, final.advice_outcome) == (2, True, advice)
    assert final.content["advice"]["label"] == label
    if deciding is not None:
        assert deciding in final.content["advice"]["deciding"]
        assert any(deciding in reason for reason in final.content["advice"]["reasons"])
    corrections = {c["text"]: (c["accepted"], c["reason"]) for c in final.content["corrections"]}
    assert corrections == {
        "Er zijn zes werkplekbegeleiders, geen vier": (True, "Klopt; tekst aangepast"),
        "De rondgang was korter": (False, "Geen feitelijke onjuistheid"),
    }
    view = desk.view(case_id)
    assert view.audit.closed_at is not None and view.complete
    assert [i.group_name for i in view.interviews] == ["management", "begeleiders", "docenten"]
    assert app.store.case(case_id).state == "besluitvorming"


def test_an_incomplete_audit_cannot_be_drafted(
    app: Toetreding, desk: AuditDesk, case_id: int
) -> None:
    scores = nvao_scores("partner")
    del scores["2.2"], scores["4.3"]
    record_audit(desk, case_id, organiser=STUURGROEP, members=COMMITTEE, scores=scores)
    with pytest.raises(InvalidInputError) as refused:
        desk.draft_report(case_id, actor_ref=CHAIR)
    assert "nog niet gescoord: 2.2 (Kwaliteit), 4.3" in str(refused.value)
    assert desk.reports(case_id) == []
    with pytest.raises(GuardFailed, match="nog geen concept-rapport"):
        app.fire(case_id, "concept_rapport_opstellen", actor_ref=CHAIR)


def test_a_decision_against_the_advice_needs_a_reason_and_both_stay_visible(
    app: Toetreding, desk: AuditDesk, case_id: int
) -> None:
    audit_to_final_report(app, desk, case_id, "volgschool")
    before = app.store.case(case_id).revision
    with pytest.raises(GuardFailed) as refused:
        app.fire(case_id, "besluit_partner", actor_ref=STUURGROEP, note="Wij zien het anders")
    assert "het advies is 'Toelaatbaar als volgschool'" in str(refused.value)
    assert app.store.case(case_id).revision == before  # nothing changed

    reason = "Het tekort aan begeleiders is na de audit opgelost"
    app.fire(
        case_id,
        "besluit_partner",
        actor_ref=STUURGROEP,
        note="Toelaatbaar als partner",
        inputs={"reden_afwijking": reason},
    )
    decision = app.store.history(case_id)[-1]
    assert decision.payload["reden_afwijking"] == reason
    assert desk.report(case_id).advice_outcome == "volgschool"  # the advice stays as it was


def test_revising_a_finding_keeps_the_earlier_version(
    app: Toetreding, desk: AuditDesk, case_id: int
) -> None:
    record_audit(
        desk, case_id, organiser=STUURGROEP, members=COMMITTEE, scores=nvao_scores("partner")
    )
    later(app, 1)
    desk.score(
        case_id,
        NewFinding("2.1", "onvoldoende_reparabel", "Na navraag: twee begeleiders vertrokken"),
        actor_ref=MEMBER,
    )
    history = desk.finding_history(case_id, "2.1")
    assert [(f.revision, f.level) for f in history] == [
        (1, "voldoende"),
        (2, "onvoldoende_reparabel"),
    ]
    assert desk.view(case_id).findings["2.1"].level == "onvoldoende_reparabel"
    assert desk.advise(case_id).outcome == "volgschool"


def test_report_versions_can_be_compared(app: Toetreding, desk: AuditDesk, case_id: int) -> None:
    record_audit(
        desk, case_id, organiser=STUURGROEP, members=COMMITTEE, scores=nvao_scores("partner")
    )
    desk.draft_report(case_id, actor_ref=CHAIR)
    desk.score(case_id, NewFinding("2.1", "onvoldoende_reparabel", "Herzien"), actor_ref=CHAIR)
    desk.draft_report(case_id, actor_ref=CHAIR)
    comparison = desk.compare(case_id, 1, 2)
    assert [(c.criterion_id, c.before, c.after) for c in comparison.scores] == [
        ("2.1", "Voldoende", "Onvoldoende — reparabel op korte termijn")
    ]
    assert (comparison.advice_before, comparison.advice_after) == (
        "Toelaatbaar als partner",
        "Toelaatbaar als volgschool",
    )


def test_a_committee_from_one_partner_is_warned_about(
    app: Toetreding, desk: AuditDesk, case_id: int
) -> None:
    desk.open(case_id, actor_ref=STUURGROEP)
    first = desk.add_member(case_id, person_ref=CHAIR, partner="Saxion", actor_ref=STUURGROEP)
    assert first == [
        "alle leden van de auditcommissie komen van Saxion; neem leden van verschillende "
        "partners op"
    ]
    second = desk.add_member(
        case_id, person_ref=MEMBER, partner="Het Erasmus", actor_ref=STUURGROEP
    )
    assert second == []
    assert desk.view(case_id).warnings == []


def test_only_the_committee_scores_and_only_the_school_corrects(
    app: Toetreding, desk: AuditDesk, case_id: int
) -> None:
    with pytest.raises(InvalidInputError, match="coördinator of de stuurgroep"):
        desk.open(case_id, actor_ref=CHAIR)
    record_audit(desk, case_id, organiser=STUURGROEP, members=COMMITTEE, scores={})
    with pytest.raises(InvalidInputError, match="alleen leden van de auditcommissie"):
        desk.score(case_id, NewFinding("1.1", "goed", "gezien"), actor_ref=OUTSIDER)
    with pytest.raises(NotFoundError, match=r"bekend zijn: gerealiseerd_niveau, 1\.1"):
        desk.score(case_id, NewFinding("9.9", "goed", "gezien"), actor_ref=CHAIR)
    with pytest.raises(NotFoundError, match="bekend zijn: excellent, goed, voldoende"):
        desk.score(case_id, NewFinding("1.1", "prima", "gezien"), actor_ref=CHAIR)
    with pytest.raises(InvalidInputError, match="onderbouw de score"):
        desk.score(case_id, NewFinding("1.1", "goed", " "), actor_ref=CHAIR)
    with pytest.raises(InvalidInputError, match="correcties melden kan in stap"):
        desk.submit_correction(case_id, "fout", actor_ref=SCHOOL)
    for criterion in NVAO_CRITERIA:
        desk.score(case_id, NewFinding(criterion, "voldoende", "gezien"), actor_ref=CHAIR)
    desk.draft_report(case_id, actor_ref=CHAIR)
    later(app, 1)
    app.fire(case_id, "concept_rapport_opstellen", actor_ref=CHAIR)
    with pytest.raises(InvalidInputError, match="alleen de school zelf"):
        desk.submit_correction(case_id, "fout", actor_ref=CHAIR)
    with pytest.raises(InvalidInputError, match="scoren kan in stap"):
        desk.score(case_id, NewFinding("1.1", "goed", "nog eens"), actor_ref=CHAIR)


def test_finalizing_waits_for_a_decision_on_every_correction(
    app: Toetreding, desk: AuditDesk, case_id: int
) -> None:
    summer_2026_entered(app)  # the ten working days count from September 2026
    record_audit(
        desk, case_id, organiser=STUURGROEP, members=COMMITTEE, scores=nvao_scores("partner")
    )
    desk.draft_report(case_id, actor_ref=CHAIR)
    later(app, 1)
    app.fire(case_id, "concept_rapport_opstellen", actor_ref=CHAIR)
    correction = desk.submit_correction(case_id, "Datum klopt niet", actor_ref=SCHOOL)
    app.fire(case_id, "correcties_indienen", actor_ref=SCHOOL)
    with pytest.raises(InvalidInputError, match=f"nog open zijn {correction.id}"):
        desk.finalize(case_id, actor_ref=CHAIR)
    with pytest.raises(InvalidInputError, match="geef de reden"):
        desk.decide_correction(case_id, correction.id or 0, accept=True, reason="", actor_ref=CHAIR)
    desk.decide_correction(case_id, correction.id or 0, accept=True, reason="ok", actor_ref=CHAIR)
    with pytest.raises(ConflictError, match="al besloten"):
        desk.decide_correction(
            case_id, correction.id or 0, accept=False, reason="x", actor_ref=CHAIR
        )
    assert desk.finalize(case_id, actor_ref=CHAIR).final


def test_the_correction_window_closes_the_draft_as_it_is(
    app: Toetreding, desk: AuditDesk, case_id: int
) -> None:
    summer_2026_entered(app)  # the ten working days count from September 2026
    record_audit(
        desk, case_id, organiser=STUURGROEP, members=COMMITTEE, scores=nvao_scores("partner")
    )
    desk.draft_report(case_id, actor_ref=CHAIR)
    later(app, 1)
    app.fire(case_id, "concept_rapport_opstellen", actor_ref=CHAIR)
    window = next(d for d in app.store.deadlines(case_id=case_id) if d.name == "correctievenster")
    sent = app.clock.now().date()
    assert 14 <= (window.due_date - sent).days <= 18  # ten working days
    done = app.sweep_deadlines(datetime.combine(window.due_date + timedelta(days=1), time(6)))
    assert [(c.action, c.target) for c in done] == [("fire", "geen_correcties")]
    assert app.store.case(case_id).state == "rapport_vaststellen"
    # The school did not meet the window; the system's step does not make it 'met'.
    [closed] = [d for d in app.store.deadlines(case_id=case_id) if d.name == "correctievenster"]
    assert closed.status == "missed"


def test_the_draft_report_may_be_set_on_the_audit_day_itself(
    app: Toetreding, desk: AuditDesk, case_id: int
) -> None:
    """``date_reached('auditdatum')``: the day itself counts as reached (the fixture plans
    the audit for today)."""
    audit_day = app.clock.now().date()
    record_audit(
        desk, case_id, organiser=STUURGROEP, members=COMMITTEE, scores=nvao_scores("partner")
    )
    desk.draft_report(case_id, actor_ref=CHAIR)
    assert app.clock.now().date() == audit_day
    decision = app.fire(case_id, "concept_rapport_opstellen", actor_ref=CHAIR)
    assert decision.to_state == "concept_rapport"
    assert app.store.history(case_id)[-1].at.astimezone(LOCAL_TZ).date() == audit_day


# --- documents from the recorded audit -------------------------------------------------------

HOSTILE = "<script>alert('x')</script> & Zn"


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_the_report_and_letters_carry_what_was_recorded(
    app: Toetreding, desk: AuditDesk, case_id: int
) -> None:
    school = app.store.case(case_id).school_id
    app.store.update_school(school, SchoolUpdate(name=HOSTILE))
    audit_to_final_report(app, desk, case_id, "volgschool")
    app.fire(case_id, "besluit_volgschool", actor_ref=STUURGROEP, note="Werk aan 2.1 Kwantiteit")

    report = from_case.audit_report(desk, case_id)
    html = render_html(report)
    assert "<script>" not in html and "&lt;script&gt;" in html
    for fact in (
        "Definitief toetsingsrapport",
        "Onvoldoende — reparabel op korte termijn",  # the score of 2.1
        "Toelaatbaar als volgschool",
        "Er zijn zes werkplekbegeleiders, geen vier",
        "Geen feitelijke onjuistheid",  # the reason a correction was not taken over
        "Aankomende en net gestarte docenten",
    ):
        assert fact in html, fact
    text = pdf_text(render_pdf(report))
    assert HOSTILE in text and "Toelaatbaar als volgschool" in text

    letter = from_case.decision_letter(desk, case_id)
    assert letter.deficiencies[0].criterion_id == "2.1" and letter.reaudit_deadline is not None
    letter_text = pdf_text(render_pdf(letter))
    for fact in (HOSTILE, "volgschool", "Werk aan 2.1 Kwantiteit", "2.1"):
        assert fact in letter_text, fact

    trajectory = from_case.argued_decision(app, case_id)
    assert trajectory.admitted_to_trajectory and trajectory.conditions == "v"
    assert "Voorwaarden" in render_html(trajectory)


def test_the_volgschool_letter_gives_the_last_day_to_ask_for_a_reaudit(
    app: Toetreding, desk: AuditDesk, case_id: int
) -> None:
    """A year after the decision, by the Dutch calendar: decided just after midnight on
    6 October 2026 (still 5 October in UTC), the school may ask until 6 October 2027."""
    audit_to_final_report(app, desk, case_id, "volgschool")
    decided = datetime(2026, 10, 6, 0, 30, tzinfo=LOCAL_TZ)
    app.fire(case_id, "besluit_volgschool", actor_ref=STUURGROEP, note="Werk aan 2.1", at=decided)

    letter = from_case.decision_letter(desk, case_id)
    assert (letter.date, letter.reaudit_deadline) == (date(2026, 10, 6), date(2027, 10, 6))
    text = " ".join(re.sub(r"<[^>]+>", " ", render_html(letter)).split())
    assert "tot en met 6 oktober 2027 een nieuwe interne audit aanvragen" in text
