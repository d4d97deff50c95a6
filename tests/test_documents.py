"""The documents toetreding produces: the steering group's argued decision (Partnerschap 2
step 3), the draft and final audit report (step 6) and the decision letters (step 7), as
HTML and as PDF, in Dutch; escaped free text; a partnership's own templates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from jinja2 import UndefinedError
from jinja2.exceptions import SecurityError

from toetreding._exceptions import ConfigurationError, InvalidInputError
from toetreding.documents import (
    Advice,
    ArguedDecision,
    AuditReport,
    CommitteeMember,
    DecisionLetter,
    Deficiency,
    Document,
    DomainFindings,
    FactualCorrection,
    Finding,
    Interview,
    Letterhead,
    ScaleLevel,
    Signatory,
    render_html,
    render_pdf,
    template_name,
)
from toetreding.documents.filters import dutch_date, nl2br, paragraphs
from toetreding.frameworks import load_framework_file
from toetreding.settings import Settings

PROTOCOLS = Path(__file__).resolve().parent.parent / "protocols"
NVAO = load_framework_file(PROTOCOLS / "frameworks" / "nvao-opleidingsschool-2009.yaml")

PART2 = Letterhead("Opleidingsschool Partnerschap 2", "part2")
OTHER = Letterhead("Opleidingsschool Twente-Oost", "twente-oost")
SCHOOL = "Het Noordik"
BOARD = "Stichting Voortgezet Onderwijs Noord-Twente"
CHAIR = Signatory("Marieke ter Horst", "voorzitter stuurgroep")
HOSTILE = "<script>alert('x')</script> & \"Zoë's\" school"
HOSTILE_ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;Zoë&#39;s&#34; school"

# Scores of the audit, per NVAO criterion (level names from the framework's scale).
SCORES = {
    "gerealiseerd_niveau": "goed",
    "1.1": "goed",
    "1.2": "voldoende",
    "1.3": "onvoldoende_reparabel",
    "1.4": "voldoende",
    "1.5": "goed",
    "2.1": "voldoende",
    "2.2": "onvoldoende_reparabel",
    "3.1": "goed",
    "4.1": "voldoende",
    "4.2": "voldoende",
    "4.3": "excellent",
}
INTERVIEWS = (
    Interview(
        "a",
        "Management en schoolbrede schoolopleider",
        dt.date(2026, 10, 13),
        ("Anne Smit (rector)", "Joost Meijer (schoolopleider)"),
    ),
    Interview(
        "b",
        "Schoolopleiders en werkplekbegeleiders",
        dt.date(2026, 10, 13),
        ("Fatima El Amrani", "Peter Kuipers", "Sanne de Groot"),
    ),
    Interview(
        "c",
        "Aankomende en net gestarte docenten",
        dt.date(2026, 10, 13),
        ("Lotte Brouwer (pabo-student)", "Daan Visser (startend docent)"),
    ),
)
ADVICE = Advice(
    "Toelaatbaar als volgschool",
    (
        "Het gerealiseerde niveau is op orde en de school werkt operationeel volgens de visie "
        "van het partnerschap.",
        "De instroom (1.3) en de kwaliteit van het personeel (2.2) zijn nog onvoldoende, maar "
        "op korte termijn te herstellen.",
    ),
    ("1.3", "2.2"),
)


def finding_for(criterion_id: str, title: str, level: str) -> Finding:
    label = NVAO.level(level).label
    if level.startswith("onvoldoende"):
        evidence = (
            f"Voor {title.lower()} is nog geen gedeelde werkwijze vastgelegd.\n"
            "De school heeft een eerste opzet geëvalueerd met de coördinator."
        )
        development = "Leg de werkwijze vast in het opleidingsplan en evalueer die na één jaar."
    else:
        evidence = f"Het criterium {title.lower()} is in de vervolgzelfevaluatie onderbouwd."
        development = ""
    return Finding(
        criterion_id=criterion_id,
        title=title,
        level_label=label,
        evidence=evidence,
        strengths="Betrokken schoolleiding; korte lijnen met het instituut.",
        points_for_development=development,
        interview_id="a" if criterion_id.startswith("1") else ("b" if level != "goed" else None),
    )


def audit_report(**changes: Any) -> AuditReport:
    domains = tuple(
        DomainFindings(
            domain.title,
            tuple(finding_for(c.id, c.title, SCORES[c.id]) for c in domain.criteria),
        )
        for domain in NVAO.domains
    )
    report = AuditReport(
        letterhead=PART2,
        school_name=SCHOOL,
        school_board=BOARD,
        case_id=8,
        final=False,
        version=1,
        date=dt.date(2026, 11, 2),
        audit_date=dt.date(2026, 10, 13),
        framework_title=NVAO.title,
        scale=tuple(ScaleLevel(level.name, level.label) for level in NVAO.scale),
        committee=(
            CommitteeMember("Hanneke Jansen", "Saxion", "voorzitter"),
            CommitteeMember("Erik Wolters", "ROC van Twente", "lid"),
            CommitteeMember("Ingrid Mulder", "Pius X College", "secretaris"),
        ),
        interviews=INTERVIEWS,
        domains=domains,
        advice=ADVICE,
    )
    return dataclasses.replace(report, **changes)


CORRECTIONS = (
    FactualCorrection(
        text="Er zijn niet twee maar drie gecertificeerde schoolopleiders.",
        criterion_id="2.1",
        decision_label="overgenomen",
        reason="Bevestigd door de personeelsadministratie; de tekst bij 2.1 is aangepast.",
    ),
    FactualCorrection(
        text=(
            "Het opleidingsplan is wel degelijk vastgesteld, zie "
            "Opleidingsplan_HetNoordik_2026_2027_vastgesteld_door_MR_definitief_v3.pdf"
        ),
        criterion_id="1.3",
        decision_label="niet overgenomen",
        reason="Het plan is vastgesteld ná de auditdatum en kon niet worden meegewogen.",
    ),
)


def final_report(**changes: Any) -> AuditReport:
    return audit_report(**{"final": True, "version": 2, "corrections": CORRECTIONS, **changes})


def argued_decision(**changes: Any) -> ArguedDecision:
    decision = ArguedDecision(
        letterhead=PART2,
        school_name=SCHOOL,
        school_board=BOARD,
        case_id=8,
        date=dt.date(2026, 3, 17),
        admitted_to_trajectory=True,
        reasoning=(
            "De zelfevaluatie laat een duidelijke visie op opleiden zien.\n\n"
            "De personele inzet is nog beperkt, maar de schoolleiding heeft concrete plannen."
        ),
        conditions=(
            "1. Vóór 1 augustus is een schoolopleider aangesteld.\n"
            "2. Alle werkplekbegeleiders volgen de basistraining."
        ),
        signed_by=CHAIR,
    )
    return dataclasses.replace(decision, **changes)


DEFICIENCIES = (
    Deficiency("1.3", "Instroom", "Onvoldoende — reparabel op korte termijn"),
    Deficiency("2.2", "Kwaliteit", "Onvoldoende — reparabel op korte termijn"),
)
REASONING = {
    "partner": "De school voldoet op alle criteria ten minste voldoende.",
    "volgschool": "De school werkt volgens de visie; twee criteria zijn nog onvoldoende.",
    "niet_toelaatbaar": "Het gerealiseerde niveau is nog niet op orde.",
}


def decision_letter(outcome: str = "volgschool", **changes: Any) -> DecisionLetter:
    letter = DecisionLetter(
        letterhead=PART2,
        school_name=SCHOOL,
        school_board=BOARD,
        case_id=8,
        date=dt.date(2026, 11, 23),
        outcome=outcome,  # type: ignore[arg-type]
        reasoning=REASONING[outcome],
        advice=ADVICE,
        deviates_from_advice=outcome != "volgschool",
        deviation_reason=(
            "" if outcome == "volgschool" else "De stuurgroep weegt de recente verbeteringen mee."
        ),
        deficiencies=DEFICIENCIES if outcome == "volgschool" else (),
        reaudit_deadline=dt.date(2027, 11, 23) if outcome == "volgschool" else None,
        signed_by=CHAIR,
    )
    return dataclasses.replace(letter, **changes)


def shown(criterion_id: str) -> str:
    """How a criterion id precedes its title: ``"1.1 "``, or nothing for a named id."""
    return f"{criterion_id} " if criterion_id[0].isdigit() else ""


def text_of(html: str) -> str:
    """What a browser shows, roughly: tags dropped, entities of the test data decoded,
    whitespace folded."""
    text = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    text = re.sub(r"</?(strong|em|span)\b[^>]*>", "", text)  # inline: no word break
    text = re.sub(r"<[^>]+>", " ", text)
    for entity, char in (("&#39;", "'"), ("&#34;", '"'), ("&lt;", "<"), ("&gt;", ">")):
        text = text.replace(entity, char)
    return " ".join(text.replace("&amp;", "&").split())


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, whitespace folded (lines wrap differently than in HTML)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


def pdf_text(pdf: bytes) -> str:
    return " ".join(pdf_pages(pdf))


# --- the steering group's argued decision (step 3) ------------------------------------------


def test_an_admitted_school_reads_the_decision_its_reasons_and_its_conditions() -> None:
    html = render_html(argued_decision())
    text = text_of(html)
    assert "Besluit van de stuurgroep over het toetredingstraject van Het Noordik" in text
    assert BOARD in text
    assert "17 maart 2026" in text and "dossier 8" in text
    assert "Het traject naar toetreding wordt ingezet" in text
    assert "samenwerkingsschool" in text
    assert "De zelfevaluatie laat een duidelijke visie op opleiden zien." in text
    assert "Voorwaarden tot toetreding" in text
    # the conditions keep their lines; the reasoning keeps its paragraphs
    assert "1. Vóór 1 augustus is een schoolopleider aangesteld.<br>" in html
    assert "<p>De personele inzet is nog beperkt" in html
    assert "Marieke ter Horst" in text and "voorzitter stuurgroep" in text


def test_a_school_that_may_not_start_gets_no_conditions() -> None:
    text = text_of(
        render_html(argued_decision(admitted_to_trajectory=False, conditions="", school_board=None))
    )
    assert "Het traject naar toetreding wordt niet ingezet" in text
    assert "start niet als samenwerkingsschool" in text
    assert "Voorwaarden tot toetreding" not in text
    assert "Geachte schoolleiding," in text and "Geacht bestuur" not in text


# --- the audit report (step 6) --------------------------------------------------------------


def test_the_draft_report_has_every_score_then_the_findings_then_the_advice() -> None:
    html = render_html(audit_report())
    text = text_of(html)
    assert "Concept-toetsingsrapport" in text and "Definitief toetsingsrapport" not in text
    assert "Interne audit van Het Noordik" in text
    assert "13 oktober 2026" in text and "2 november 2026" in text
    assert "NVAO-toetsingskader opleidingsschool (2009)" in text
    assert "Hanneke Jansen Saxion voorzitter" in text
    assert "Fatima El Amrani, Peter Kuipers, Sanne de Groot" in text

    scores = text[text.index("Scores per criterium") : text.index("Bevindingen per domein")]
    for criterion in NVAO.criteria():
        row = f"{shown(criterion.id)}{criterion.title} {NVAO.level(SCORES[criterion.id]).label}"
        assert row in scores
    for domain in NVAO.domains:
        assert domain.title in scores
    # a numbered criterion shows its number; a named one (Deel 1) only its title
    assert "1.3 Instroom Onvoldoende — reparabel op korte termijn" in scores
    assert "Deel 1 — Gerealiseerd niveau Gerealiseerd niveau Goed 1 Programma" in scores
    assert "gerealiseerd_niveau" not in text

    order = ["Scores per criterium", "Bevindingen per domein", "Toetredingsadvies"]
    assert [text.index(heading) for heading in order] == sorted(
        text.index(heading) for heading in order
    )
    findings = text[text.index("Bevindingen per domein") : text.index("Toetredingsadvies")]
    assert "1.3 Instroom Score: Onvoldoende — reparabel op korte termijn" in findings
    assert "Ontwikkelpunten Leg de werkwijze vast in het opleidingsplan" in findings
    assert "Gesprek: Management en schoolbrede schoolopleider (13 oktober 2026)" in findings

    advice = text[text.index("Toetredingsadvies") :]
    assert "Advies: Toelaatbaar als volgschool" in advice
    for reason in ADVICE.reasons:
        assert reason in advice
    assert "Doorslaggevend voor dit advies: 1.3 Instroom, 2.2 Kwaliteit." in advice
    assert "Feitelijke onjuistheden" not in text  # a draft has none yet


def test_the_final_report_lists_the_schools_corrections_and_what_was_done_with_them() -> None:
    text = text_of(render_html(final_report()))
    assert "Definitief toetsingsrapport" in text and "Concept-toetsingsrapport" not in text
    corrections = text[text.index("Feitelijke onjuistheden") :]
    assert (
        "1 2.1 Er zijn niet twee maar drie gecertificeerde schoolopleiders. overgenomen "
        "Bevestigd door de personeelsadministratie" in corrections
    )
    assert (
        "2 1.3 Het opleidingsplan is wel degelijk vastgesteld, zie Opleidingsplan_HetNoordik_"
        "2026_2027_vastgesteld_door_MR_definitief_v3.pdf niet overgenomen Het plan is "
        "vastgesteld ná" in corrections
    )


def test_a_final_report_says_so_when_the_school_returned_no_corrections() -> None:
    text = text_of(render_html(audit_report(final=True, version=2)))
    assert "De school heeft geen feitelijke onjuistheden teruggegeven." in text


def test_an_unscored_criterion_says_not_scored() -> None:
    report = audit_report()
    first = report.domains[0]
    unscored = dataclasses.replace(first.findings[0], level_label=None)
    domains = (dataclasses.replace(first, findings=(unscored,)), *report.domains[1:])
    text = text_of(render_html(dataclasses.replace(report, domains=domains)))
    assert "Deel 1 — Gerealiseerd niveau Gerealiseerd niveau niet beoordeeld" in text


# --- the decision letters (step 7) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "decision", "particular"),
    [
        (
            "partner",
            "Het Noordik is toelaatbaar als partner.",
            "telstudenten voor het partnerschap",
        ),
        (
            "volgschool",
            "Het Noordik is toelaatbaar als volgschool.",
            "onder verantwoordelijkheid van de andere partners",
        ),
        (
            "niet_toelaatbaar",
            "Het Noordik is niet toelaatbaar.",
            "als samenwerkingsschool blijven deelnemen",
        ),
    ],
)
def test_each_outcome_has_its_own_letter(outcome: str, decision: str, particular: str) -> None:
    letter = decision_letter(outcome)
    assert template_name(letter) == f"besluitbrief_{outcome}.html.j2"
    text = text_of(render_html(letter))
    assert "Besluit over de toetreding van Het Noordik" in text and "23 november 2026" in text
    assert decision in text
    assert particular in text
    assert REASONING[outcome] in text
    # the advice is always in the letter, with its reasons
    assert "Advies van de auditcommissie Advies: Toelaatbaar als volgschool" in text
    for reason in ADVICE.reasons:
        assert reason in text


def test_the_volgschool_letter_names_the_deficiencies_and_the_reaudit_deadline() -> None:
    text = text_of(render_html(decision_letter("volgschool")))
    assert "Deficiënties" in text
    assert "1.3 Instroom Onvoldoende — reparabel op korte termijn" in text
    assert "2.2 Kwaliteit Onvoldoende — reparabel op korte termijn" in text
    assert "tot en met 23 november 2027 een nieuwe interne audit aanvragen" in text
    assert "De stuurgroep volgt het advies van de auditcommissie." in text
    assert "Afwijking van het advies" not in text
    assert "detachering" not in text  # none offered: no word about it


def test_the_volgschool_letter_names_the_support_the_partnership_offers() -> None:
    # "Ondersteuning en detachering van expertise vanuit het partnerschap is optioneel."
    offered = "een instituutsopleider van de pabo, vier uur per week tot de nieuwe audit"
    text = text_of(render_html(decision_letter("volgschool", support=offered)))
    assert "Ondersteuning en detachering van expertise" in text
    assert f"ondersteuning en detachering van expertise: {offered}" in text


def test_a_decision_against_the_advice_shows_the_advice_and_the_reason() -> None:
    text = text_of(render_html(decision_letter("partner")))
    assert "Het Noordik is toelaatbaar als partner." in text
    assert "Advies van de auditcommissie Advies: Toelaatbaar als volgschool" in text
    assert "Afwijking van het advies" in text
    assert "De stuurgroep weegt de recente verbeteringen mee." in text
    assert "volgt het advies" not in text


# --- escaping ------------------------------------------------------------------------------

HOSTILE_DOCUMENTS: dict[str, Callable[[], Document]] = {
    "argued decision": lambda: argued_decision(
        school_name=HOSTILE, reasoning=HOSTILE, conditions=HOSTILE
    ),
    "audit report": lambda: final_report(
        school_name=HOSTILE,
        corrections=(
            FactualCorrection(text=HOSTILE, decision_label="overgenomen", reason=HOSTILE),
        ),
    ),
    "decision letter": lambda: decision_letter(
        "partner", school_name=HOSTILE, reasoning=HOSTILE, deviation_reason=HOSTILE
    ),
    "volgschool letter": lambda: decision_letter(
        "volgschool", school_name=HOSTILE, support=HOSTILE
    ),
}


@pytest.mark.parametrize("make", HOSTILE_DOCUMENTS.values(), ids=HOSTILE_DOCUMENTS.keys())
def test_names_and_free_text_are_escaped_in_html(make: Callable[[], Document]) -> None:
    html = render_html(make())
    assert "<script>" not in html
    assert "alert('x')" not in html
    assert HOSTILE_ESCAPED in html
    assert html.count(HOSTILE_ESCAPED) >= 3  # school name (title, body) and free text


def test_line_breaks_survive_escaping_and_only_br_is_added() -> None:
    assert str(nl2br("a < b\nc & d")) == "a &lt; b<br>\nc &amp; d"
    assert str(nl2br("<br>")) == "&lt;br&gt;"
    assert str(paragraphs("één\r\ntwee\n\n\n<b>drie</b>\n")) == (
        "<p>één<br>\ntwee</p>\n<p>&lt;b&gt;drie&lt;/b&gt;</p>"
    )
    assert str(paragraphs("  \n ")) == ""


def test_dates_are_written_out_in_dutch() -> None:
    assert dutch_date(dt.date(2026, 11, 23)) == "23 november 2026"
    assert dutch_date(dt.date(2027, 3, 1)) == "1 maart 2027"


# --- PDF -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def final_report_pdf() -> bytes:
    return render_pdf(final_report())


def test_the_report_pdf_has_the_same_facts_as_the_html(final_report_pdf: bytes) -> None:
    pages = pdf_pages(final_report_pdf)
    text = " ".join(pages)
    assert pages[0].count("Definitief toetsingsrapport") >= 1
    assert "Interne audit van Het Noordik, met toetredingsadvies" in text
    for criterion in NVAO.criteria():
        assert f"{shown(criterion.id)}{criterion.title}" in text
    assert "Onvoldoende — reparabel op korte termijn" in text
    assert "Toetredingsadvies" in text and "Advies: Toelaatbaar als volgschool" in text
    for reason in ADVICE.reasons:
        assert reason in text
    assert "Het plan is vastgesteld ná de auditdatum" in text
    assert "Deficiënties" not in text  # a report, not a letter
    # every page says which document it belongs to and where it is
    assert all(f"pagina {n} van {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert all("Definitief · versie 2" in page for page in pages)


def test_the_report_pdf_is_a4_and_no_text_runs_into_the_margins(final_report_pdf: bytes) -> None:
    document = pypdfium2.PdfDocument(final_report_pdf)
    try:
        for page in document:
            width, height = page.get_size()
            assert (round(width), round(height)) == (595, 842)  # A4 in points
            textpage = page.get_textpage()
            printed = [
                textpage.get_charbox(i)
                for i in range(textpage.count_chars())
                if textpage.get_text_range(i, 1).strip()
            ]
            left = min(box[0] for box in printed)
            right = max(box[2] for box in printed)
            mm = 72 / 25.4
            assert left >= 22 * mm - 1  # the left margin is 22 mm
            assert right <= width - 20 * mm + 1  # the right margin is 20 mm
    finally:
        document.close()


def test_letters_as_pdf_show_decision_advice_and_deviation() -> None:
    text = pdf_text(render_pdf(decision_letter("niet_toelaatbaar")))
    assert "Het Noordik is niet toelaatbaar." in text
    assert "Advies van de auditcommissie Advies: Toelaatbaar als volgschool" in text
    assert "De stuurgroep weegt de recente verbeteringen mee." in text
    assert "23 november 2026" in text and "Marieke ter Horst" in text

    text = pdf_text(render_pdf(argued_decision()))
    assert "Voorwaarden tot toetreding" in text
    assert "2. Alle werkplekbegeleiders volgen de basistraining." in text


def test_hostile_text_is_printed_literally_in_the_pdf() -> None:
    text = pdf_text(render_pdf(HOSTILE_DOCUMENTS["decision letter"]()))
    literal = " ".join(HOSTILE.split())
    assert text.count(literal) >= 3  # school name twice in the letter, and the reasons
    assert "&lt;" not in text and "&#39;" not in text


def test_render_pdf_refuses_resources_outside_the_document(tmp_path: Path) -> None:
    folder = tmp_path / "part2"
    folder.mkdir()
    (folder / "besluitbrief_partner.html.j2").write_text(
        '{% extends "toetreding/besluitbrief_partner.html.j2" %}'
        '{% block outcome_text %}<img src="file:///etc/hostname">{% endblock %}',
        encoding="utf-8",
    )
    with pytest.raises(ConfigurationError, match="data:-URL"):
        render_pdf(decision_letter("partner"), tmp_path)


# --- a partnership's own templates ---------------------------------------------------------


def test_a_partnerships_own_template_wins_for_that_partnership_only(tmp_path: Path) -> None:
    folder = tmp_path / "part2"
    folder.mkdir()
    (folder / "besluitbrief_partner.html.j2").write_text(
        "<p>Eigen brief van {{ doc.letterhead.partnership_name }} aan {{ doc.school_name }}, "
        "{{ doc.date | datum }}</p>",
        encoding="utf-8",
    )
    own = render_html(decision_letter("partner", school_name=HOSTILE), tmp_path)
    assert own == (
        f"<p>Eigen brief van Opleidingsschool Partnerschap 2 aan {HOSTILE_ESCAPED}, "
        "23 november 2026</p>"
    )

    other = render_html(decision_letter("partner", letterhead=OTHER), tmp_path)
    assert "Eigen brief" not in other
    assert "Het Noordik is <strong>toelaatbaar als partner</strong>." in other
    # the other documents of part2 still come from the package
    assert "Concept-toetsingsrapport" in render_html(audit_report(), tmp_path)
    assert "Eigen brief" not in render_html(decision_letter("partner"))  # no folder given


def test_an_override_can_replace_one_block_of_the_packages_template(tmp_path: Path) -> None:
    folder = tmp_path / "part2"
    folder.mkdir()
    (folder / "style.css.j2").write_text(".letterhead { border-color: #c0392b; }\n")
    (folder / "toetsingsrapport.html.j2").write_text(
        '{% extends "toetreding/toetsingsrapport.html.j2" %}\n'
        "{% block marker %}Vertrouwelijk{% endblock %}\n",
        encoding="utf-8",
    )
    html = render_html(final_report(), tmp_path)
    assert '<div class="page-marker final">Vertrouwelijk</div>' in html
    assert "Definitief · versie 2" not in html
    assert "Scores per criterium" in html  # the rest is the package's
    assert ".letterhead { border-color: #c0392b; }" in html  # the partnership's stylesheet
    assert "size: A4" not in html


def test_an_override_written_before_interviews_had_their_name_still_renders(
    tmp_path: Path,
) -> None:
    # Partnership templates are data we cannot update: the old names keep working.
    folder = tmp_path / "part2"
    folder.mkdir()
    (folder / "toetsingsrapport.html.j2").write_text(
        "{% for s in doc.sessions %}[{{ s.group_label }}]{% endfor %}"
        "{% for f in doc.findings() if f.session_id %}"
        "({{ f.criterion_id }}: {{ doc.session(f.session_id).group_label }})"
        "{% endfor %}",
        encoding="utf-8",
    )
    html = render_html(audit_report(), tmp_path)
    assert html.startswith(f"[{INTERVIEWS[0].group_label}][{INTERVIEWS[1].group_label}]")
    assert f"(1.1: {INTERVIEWS[0].group_label})" in html
    assert f"(2.2: {INTERVIEWS[1].group_label})" in html


def test_an_override_cannot_reach_python_internals_or_undefined_names(tmp_path: Path) -> None:
    folder = tmp_path / "part2"
    folder.mkdir()
    template = folder / "besluitbrief_partner.html.j2"
    template.write_text("{{ doc.__class__.__init__.__globals__ }}")
    with pytest.raises(SecurityError):
        render_html(decision_letter("partner"), tmp_path)
    template.write_text("{{ doc.schoolnaam }}")
    with pytest.raises(UndefinedError, match="schoolnaam"):
        render_html(decision_letter("partner"), tmp_path)


def test_a_missing_templates_folder_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="bestaat niet"):
        render_html(argued_decision(), tmp_path / "sjablonen")


def test_the_templates_folder_is_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TOETREDING_TEMPLATES_DIR", raising=False)
    assert Settings.from_env().templates_dir is None
    monkeypatch.setenv("TOETREDING_TEMPLATES_DIR", str(tmp_path))
    assert Settings.from_env().templates_dir == tmp_path


# --- the records refuse an inconsistent document -------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: argued_decision(conditions=" "), "voorwaarden tot toetreding ontbreken"),
        (lambda: argued_decision(admitted_to_trajectory=False), "geen voorwaarden"),
        (lambda: argued_decision(reasoning=""), "argumentatie"),
        (lambda: audit_report(corrections=CORRECTIONS), "concept-rapport"),
        (lambda: audit_report(version=0), "versie 0"),
        (lambda: audit_report(advice=Advice("Partner", (), ("9.9",))), "criterium 9.9"),
        (lambda: audit_report(interviews=INTERVIEWS[:1]), "onbekend gesprek b"),
        (lambda: audit_report(scale=(ScaleLevel("goed", "Goed"),)), "niet in de schaal"),
        (lambda: decision_letter("partner", deviation_reason=""), "reden daarvoor ontbreekt"),
        (lambda: decision_letter("volgschool", deviation_reason="x"), "wijkt niet af"),
        (lambda: decision_letter("volgschool", deficiencies=()), "deficiënties"),
        (lambda: decision_letter("volgschool", reaudit_deadline=None), "nieuwe interne audit"),
        (
            lambda: decision_letter("volgschool", reaudit_deadline=dt.date(2026, 11, 1)),
            "na de datum van het besluit",
        ),
        (lambda: decision_letter("partner", deficiencies=DEFICIENCIES), "alleen een besluit"),
        (
            lambda: dataclasses.replace(decision_letter(), outcome="toegelaten"),  # type: ignore[arg-type]
            "onbekende uitkomst",
        ),
    ],
)
def test_an_inconsistent_document_is_refused(make: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        make()
