"""The audit pages: committee, interviews, a score form per criterion, reports, corrections.

Each test drives the pages as a person would (sign in, read the page, post its forms) on the
demo database; case 6 (Twents Carmel) has its draft report with the school, case 5
(Vakcollege Hengelo) a finished audit, case 1 (Het Noordik) no audit yet.
"""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from httpx import Response

from .web_helpers import (
    AUDIT_CHAIR,
    COORDINATOR,
    KERNGROEP,
    STUURGROEP,
    csrf_of,
    pdf_upload,
    sign_in,
)

CARMEL = "contact@demo06.example"
NOORDIK = "contact@demo01.example"
NO_EVIDENCE = "onderbouw de score: wat is gelezen of gehoord"


def fire(client: TestClient, case_id: int, trigger: str, **inputs: str) -> Response:
    """Take a step of the protocol through the form on the case page; an input given as a
    name ending in .pdf is uploaded as a PDF of that name."""
    case = client.get(f"/dossiers/{case_id}")
    data = {"csrf_token": csrf_of(case.text)}
    data |= {f"invoer_{k}": v for k, v in inputs.items() if not v.endswith(".pdf")}
    files = {f"bestand_{k}": pdf_upload(v) for k, v in inputs.items() if v.endswith(".pdf")}
    response: Response = client.post(
        f"/dossiers/{case_id}/handelingen/{trigger}", data=data, files=files or None
    )
    assert response.status_code == 200, response.text
    return response


def criterion(html: str, criterion_id: str) -> str:
    """The part of the audit page about one criterion."""
    found = re.search(rf'id="criterium-{re.escape(criterion_id)}".*?</article>', html, re.S)
    assert found, f"criterion {criterion_id} is not on the page"
    return found[0]


def score(
    client: TestClient, case_id: int, criterion_id: str, level: str, evidence: str, **more: str
) -> Response:
    page = client.get(f"/dossiers/{case_id}/audit")
    data = {"csrf_token": csrf_of(page.text), "score": level, "onderbouwing": evidence, **more}
    response: Response = client.post(f"/dossiers/{case_id}/audit/scores/{criterion_id}", data=data)
    return response


def post(client: TestClient, case_id: int, path: str, **data: str) -> Response:
    page = client.get(f"/dossiers/{case_id}/audit")
    response: Response = client.post(
        f"/dossiers/{case_id}/audit/{path}", data={"csrf_token": csrf_of(page.text), **data}
    )
    return response


def carmel_corrections_returned(client: TestClient) -> None:
    """Case 6 moves on to 'Definitief rapport vaststellen': the school has no corrections."""
    sign_in(client, CARMEL)
    fire(client, 6, "geen_correcties")


# --- reading the audit ------------------------------------------------------------------


def test_the_audit_page_shows_committee_interviews_every_score_and_the_advice(
    client: TestClient,
) -> None:
    sign_in(client, COORDINATOR)
    page = client.get("/dossiers/5/audit")  # Vakcollege Hengelo: audit done, a volgschool
    assert page.status_code == 200
    text = page.text
    assert "Ruud Kamphuis" in text and "Hogeschool Saxion" in text and "voorzitter" in text
    assert "Ineke Bosman" in text and "Het Erasmus Almelo" in text
    assert "Management en schoolbrede schoolopleider" in text  # the protocol's group label
    assert "Directeur onderwijs, Schoolbrede schoolopleider" in text
    for number in ("1.1", "1.5", "2.1", "3.1", "4.3"):
        assert "Gescoord:" in criterion(text, number)
    assert "Gescoord: Voldoende (versie 1)" in criterion(text, "gerealiseerd_niveau")
    assert "Onvoldoende — reparabel op korte termijn" in criterion(text, "2.1")
    assert "Meer getrainde werkplekbegeleiders nodig." in criterion(text, "2.1")
    # 2.1 is known by its heading only: the remark is muted apart, not the criterion's text.
    assert (
        '<p class="muted criterion-note">(bron noemt alleen het onderwerp; de omschrijving '
        "staat in het NVAO-toetsingskader)</p>"
    ) in criterion(text, "2.1")
    assert '<p class="help">' not in criterion(text, "2.1") and "De bron van dit" not in text
    assert "Alle 12 criteria zijn gescoord." in text
    assert "Toelaatbaar als volgschool" in text
    assert "rapport-2.pdf" in text  # the final report, linked
    assert 'class="score-form"' not in text  # the coordinator is no committee member
    assert "afgesloten met het definitieve rapport" in text


def test_a_committee_with_members_of_one_partner_is_warned(client: TestClient) -> None:
    sign_in(client, NOORDIK)
    fire(client, 1, "audit_aanvragen", vervolgzelfevaluatie="vervolg.pdf")
    sign_in(client, STUURGROEP)
    fire(client, 1, "audit_inplannen", auditdatum="2026-11-23")
    assert post(client, 1, "openen").status_code == 200
    added = post(client, 1, "leden", email=AUDIT_CHAIR, partner="Hogeschool Saxion")
    assert "Het lid is toegevoegd." in added.text
    assert "alle leden van de auditcommissie komen van Hogeschool Saxion" in added.text
    second = post(client, 1, "leden", email=KERNGROEP, partner="Het Erasmus Almelo")
    assert "alle leden van de auditcommissie komen van" not in second.text
    unknown = post(client, 1, "leden", email="niemand@example.org", partner="X")
    assert unknown.status_code == 422
    assert "persoon 'niemand@example.org' bestaat niet" in html.unescape(unknown.text)
    assert 'value="niemand@example.org"' in unknown.text  # what was typed stays


# --- scoring ------------------------------------------------------------------------------


def test_a_member_scores_a_criterion_and_sees_the_new_version(client: TestClient) -> None:
    carmel_corrections_returned(client)
    sign_in(client, AUDIT_CHAIR)
    before = client.get("/dossiers/6/audit")
    assert "Gescoord: Voldoende (versie 1)" in criterion(before.text, "2.1")
    saved = score(
        client,
        6,
        "2.1",
        "goed",
        "Zes getrainde werkplekbegeleiders gesproken.",
        sterke_punten="Begeleiding per sectie geregeld.",
        gesprek="begeleiders",
    )
    assert saved.status_code == 200
    assert "gedaan=score-2.1" in str(saved.url)
    block = criterion(saved.text, "2.1")
    assert "Gescoord: Goed (versie 2)" in block
    assert "Opgeslagen." in block
    assert "Zes getrainde werkplekbegeleiders gesproken." in block
    assert re.search(r'<option value="begeleiders" selected>', block)


def test_audit_js_saves_a_score_and_gets_the_status_the_open_list_and_the_advice(
    client: TestClient,
) -> None:
    carmel_corrections_returned(client)
    sign_in(client, KERNGROEP)  # the other committee member
    page = client.get("/dossiers/6/audit")
    assert '<script src="/static/audit.js" defer></script>' in page.text
    headers = {"Accept": "application/json", "X-CSRF-Token": csrf_of(page.text)}
    saved = client.post(
        "/dossiers/6/audit/scores/1.3",
        data={"score": "excellent", "onderbouwing": "Intake herzien."},
        headers=headers,
    )
    assert saved.status_code == 200
    answer = saved.json()
    assert answer["status"] == "Gescoord: Excellent (versie 2)"
    assert answer["open"] == []
    assert answer["advice"]["label"] == "Toelaatbaar als partner"
    refused = client.post(
        "/dossiers/6/audit/scores/1.3", data={"score": "goed", "onderbouwing": ""}, headers=headers
    )
    assert refused.status_code == 422
    assert NO_EVIDENCE in refused.json()["detail"]
    reloaded = client.get("/dossiers/6/audit")
    assert "Gescoord: Excellent (versie 2)" in criterion(reloaded.text, "1.3")
    assert client.get("/static/audit.js").status_code == 200


def test_a_score_without_evidence_is_refused_and_changes_nothing(client: TestClient) -> None:
    carmel_corrections_returned(client)
    sign_in(client, AUDIT_CHAIR)
    refused = score(client, 6, "2.1", "voldoet_niet", "   ", ontwikkelpunten="Meer begeleiders")
    assert refused.status_code == 422
    block = criterion(refused.text, "2.1")
    assert f"Niet gelukt: {NO_EVIDENCE}" in block
    assert "Gescoord: Voldoende (versie 1)" in block
    assert 'value="voldoet_niet" checked' in block  # what was chosen stays on the form
    assert "Meer begeleiders" in block
    again = client.get("/dossiers/6/audit")
    assert "Gescoord: Voldoende (versie 1)" in criterion(again.text, "2.1")
    assert NO_EVIDENCE not in again.text


def test_someone_outside_the_committee_cannot_score(client: TestClient) -> None:
    carmel_corrections_returned(client)
    sign_in(client, STUURGROEP)
    page = client.get("/dossiers/6/audit")
    assert 'class="score-form"' not in page.text
    refused = score(client, 6, "2.1", "goed", "Zelf gezien.")
    assert refused.status_code == 422
    assert "alleen leden van de auditcommissie van deze audit mogen dit" in refused.text
    assert "Gescoord: Voldoende (versie 1)" in criterion(refused.text, "2.1")


def test_scores_wait_while_the_draft_is_with_the_school(client: TestClient) -> None:
    sign_in(client, AUDIT_CHAIR)
    page = client.get("/dossiers/6/audit")  # 'Concept-rapport bij de school'
    assert 'class="score-form"' not in page.text
    refused = score(client, 6, "2.1", "goed", "Nieuwe informatie.")
    assert refused.status_code == 422
    assert "scoren kan in stap" in refused.text
    assert "Gescoord: Voldoende (versie 1)" in criterion(refused.text, "2.1")


# --- corrections and the final report -----------------------------------------------------


def test_the_school_returns_a_correction_and_the_committee_decides_it(client: TestClient) -> None:
    sign_in(client, CARMEL)
    page = client.get("/dossiers/6/audit")
    assert "Een feitelijke onjuistheid melden" in page.text
    assert "Scores per criterium" not in page.text  # the school reads reports, not drafts
    reported = post(
        client, 6, "correcties", criterium="1.3", tekst="Er zijn twee intakemomenten, niet één."
    )
    assert reported.status_code == 200
    assert "Uw correctie is gemeld." in reported.text
    assert "Er zijn twee intakemomenten, niet één." in reported.text
    assert "nog open" in reported.text
    fire(client, 6, "correcties_indienen")
    late = post(client, 6, "correcties", tekst="Nog iets.")
    assert late.status_code == 422 and "correcties melden kan in stap" in late.text

    sign_in(client, AUDIT_CHAIR)
    page = client.get("/dossiers/6/audit")
    correction_id = re.search(r"/audit/correcties/(\d+)/besluit", page.text)
    assert correction_id, "no form to decide the correction"
    without_reason = post(client, 6, f"correcties/{correction_id[1]}/besluit", besluit="overnemen")
    assert without_reason.status_code == 422
    assert "geef de reden om de correctie (niet) over te nemen" in without_reason.text
    decided = post(
        client,
        6,
        f"correcties/{correction_id[1]}/besluit",
        besluit="niet_overnemen",
        reden="Het tweede moment is een voorlichting.",
    )
    assert "niet overgenomen</strong> — Het tweede moment is een voorlichting." in decided.text
    final = post(client, 6, "vaststellen")
    assert "Het definitieve rapport is vastgesteld." in final.text
    assert "Definitief" in final.text and "rapport-2.html" in final.text


def test_reports_can_be_compared(client: TestClient) -> None:
    sign_in(client, KERNGROEP)
    page = client.get("/dossiers/5/audit/vergelijk", params={"oud": 1, "nieuw": 2})
    assert page.status_code == 200
    assert "Versie 1 en versie 2 vergeleken" in page.text
    assert "Ongewijzigd: <strong>Toelaatbaar als volgschool</strong>" in page.text
    assert "Geen scores gewijzigd." in page.text
    missing = client.get("/dossiers/5/audit/vergelijk", params={"oud": 1, "nieuw": 7})
    assert missing.status_code == 404 and "rapportversie 7 bestaat niet" in missing.text


# --- a whole audit through the pages ------------------------------------------------------


def test_a_whole_audit_through_the_pages(client: TestClient) -> None:
    sign_in(client, NOORDIK)
    fire(client, 1, "audit_aanvragen", vervolgzelfevaluatie="vervolg.pdf")
    sign_in(client, COORDINATOR)
    planned = fire(client, 1, "audit_inplannen", auditdatum="2026-11-23")
    assert "Interne audit gepland" in planned.text
    assert "Nog geen audit" in client.get("/dossiers/1/audit").text
    sign_in(client, KERNGROEP)  # a member-to-be, but no organiser
    not_yours = post(client, 1, "openen")
    assert not_yours.status_code == 422
    assert "alleen de coördinator of de stuurgroep stelt de auditcommissie samen" in not_yours.text

    sign_in(client, COORDINATOR)
    opened = post(client, 1, "openen")
    assert "De audit is geopend." in opened.text
    post(client, 1, "leden", email=AUDIT_CHAIR, partner="Hogeschool Saxion", rol="voorzitter")
    post(client, 1, "leden", email=KERNGROEP, partner="Het Erasmus Almelo")

    sign_in(client, AUDIT_CHAIR)
    session = post(
        client,
        1,
        "gesprekken",
        groep="docenten",
        datum="2026-11-23",
        aanwezigen="Drie studenten\n\nEen startende docent\n",
    )
    assert "Het gesprek is vastgelegd." in session.text
    assert "Drie studenten, Een startende docent" in session.text
    assert "Aankomende en net gestarte docenten" in session.text
    criteria = re.findall(r'/audit/scores/([^"#]+)#', session.text)
    assert len(criteria) == 12
    assert "12 van 12 criteria nog open" in re.sub(r"<[^>]+>", "", session.text)

    for criterion_id in criteria[:-1]:
        assert score(client, 1, criterion_id, "goed", "Gezien.", gesprek="docenten").is_success
    incomplete = post(client, 1, "concept")
    assert incomplete.status_code == 422
    assert "nog niet gescoord: 4.3 (Betrekken van medewerkers" in incomplete.text
    assert "1 van 12 criteria nog open" in re.sub(r"<[^>]+>", "", incomplete.text)
    assert "Het advies volgt zodra alle criteria gescoord zijn." in incomplete.text

    last = score(client, 1, criteria[-1], "voldoende", "Verslagen gelezen.")
    assert "Alle 12 criteria zijn gescoord." in last.text
    assert "Toelaatbaar als partner" in last.text
    drafted = post(client, 1, "concept")
    assert "Het concept-rapport is opgesteld." in drafted.text
    assert "rapport-1.pdf" in drafted.text
    assert "Concept-toetsingsrapport met toetredingsadvies naar de school" in drafted.text
    sent = fire(client, 1, "concept_rapport_opstellen")
    assert "Concept-rapport bij de school" in sent.text

    sign_in(client, NOORDIK)
    fire(client, 1, "geen_correcties")
    sign_in(client, AUDIT_CHAIR)
    final = post(client, 1, "vaststellen")
    assert "Het definitieve rapport is vastgesteld." in final.text
    documents = client.get("/dossiers/1/documenten")
    assert "Concept-rapport" in documents.text and "Definitief rapport" in documents.text


# --- protection ---------------------------------------------------------------------------


def test_audit_forms_without_the_csrf_token_are_refused(client: TestClient) -> None:
    carmel_corrections_returned(client)
    sign_in(client, AUDIT_CHAIR)
    plain = client.post(
        "/dossiers/6/audit/scores/2.1", data={"score": "goed", "onderbouwing": "Gezien."}
    )
    assert plain.status_code == 403 and "het formulier is verlopen" in plain.text
    forged = client.post(
        "/dossiers/6/audit/scores/2.1",
        data={"score": "goed", "onderbouwing": "Gezien."},
        headers={"Accept": "application/json", "X-CSRF-Token": "geraden"},
    )
    assert forged.status_code == 403
    assert client.post("/dossiers/6/audit/vaststellen").status_code == 403
    page = client.get("/dossiers/6/audit")
    assert "Gescoord: Voldoende (versie 1)" in criterion(page.text, "2.1")
    assert "Definitief rapport vaststellen" in page.text  # not finalized


def test_another_schools_contact_cannot_post_to_this_audit(client: TestClient) -> None:
    sign_in(client, NOORDIK)
    page = client.get("/dossiers/1")
    response = client.post(
        "/dossiers/6/audit/correcties",
        data={"csrf_token": csrf_of(page.text), "tekst": "Klopt niet."},
    )
    assert response.status_code == 404 and "dossier 6 bestaat niet" in response.text
