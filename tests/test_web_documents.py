"""The documents pages: audit reports, the decision letter and the step-3 decision of a case,
as HTML in the browser and PDF to download, only for whoever may see the case."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pypdfium2
from fastapi.testclient import TestClient

from .helpers import nvao_scores, record_audit, with_pdfs
from .web_helpers import AUDIT_CHAIR, COORDINATOR, KERNGROEP, STUURGROEP, sign_in, token

ROC = "contact@demo02.example"  # ROC Twente Techniek, case 2 (partner, final report v2)
NOORDIK = "contact@demo01.example"


def pdf_text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
    return " ".join(" ".join(pages).split())


def visible(page: str) -> str:
    """The page's text as a reader sees it: no tags, entities resolved, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_documents_page_lists_report_versions_and_letters(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    page = client.get("/dossiers/2/documenten")
    assert page.status_code == 200
    assert "Concept-rapport" in page.text and "Definitief rapport" in page.text
    assert "Toelaatbaar als partner" in page.text
    for name in ("rapport-1.html", "rapport-2.pdf", "besluitbrief.html", "traject.pdf"):
        assert f'href="/dossiers/2/documenten/{name}"' in page.text
    assert "Besluitbrief over de toetreding · 22 november 2025" in visible(page.text)
    assert "traject ingezet" in page.text
    early = client.get("/dossiers/4/documenten")  # Lyceum Wierden, at the orientation talk
    assert "Er is nog geen toetsingsrapport." in early.text
    assert "Er is nog geen besluit in dit dossier." in early.text
    assert "besluitbrief.html" not in early.text


def test_the_final_report_as_html_shows_school_scores_advice_and_corrections(
    client: TestClient,
) -> None:
    sign_in(client, ROC)  # the school reads its own report
    report = client.get("/dossiers/2/documenten/rapport-2.html")
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/html")
    assert report.headers["content-disposition"].startswith("inline")
    assert "default-src 'none'" in report.headers["content-security-policy"]
    text = html.unescape(report.text)
    assert "ROC Twente Techniek (demo)" in text
    assert "Definitief toetsingsrapport" in text
    assert "Toelaatbaar als partner" in text
    assert "Goed" in text and "Voldoende" in text
    assert "Het aantal getrainde werkplekbegeleiders is zes, niet vier." in text
    draft = client.get("/dossiers/2/documenten/rapport-1.html")
    assert "Concept" in draft.text and "Definitief toetsingsrapport" not in draft.text


def test_the_final_report_as_pdf_is_a_download_with_school_scores_and_advice(
    client: TestClient,
) -> None:
    sign_in(client, COORDINATOR)
    response = client.get("/dossiers/2/documenten/rapport-2.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'attachment; filename="toetsingsrapport-dossier-2-v2.pdf"'
    )
    text = pdf_text(response.content)
    assert "ROC Twente Techniek (demo)" in text
    assert "Toelaatbaar als partner" in text
    assert "Relatie doelstellingen en programma" in text
    assert "Goed" in text and "Voldoende" in text


def test_the_decision_letters_of_a_volgschool(client: TestClient) -> None:
    sign_in(client, STUURGROEP)
    letter = client.get("/dossiers/5/documenten/besluitbrief.html")
    assert letter.status_code == 200
    text = html.unescape(letter.text)
    assert "Vakcollege Hengelo (demo)" in text
    assert "Toelaatbaar als volgschool" in text
    assert "Kwantiteit" in text  # a deficiency: 2.1 scored insufficient
    assert "Een instituutsopleider van de lerarenopleiding" in text  # the support offered
    pdf = client.get("/dossiers/5/documenten/traject.pdf")
    assert pdf.headers["content-disposition"].startswith("attachment")
    assert "Twee getrainde werkplekbegeleiders per sectie" in pdf_text(pdf.content)


def test_a_document_that_does_not_exist_answers_404(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    missing = client.get("/dossiers/2/documenten/rapport-7.html")
    assert missing.status_code == 404 and "rapportversie 7 bestaat niet" in missing.text
    assert client.get("/dossiers/2/documenten/rapport-2.docx").status_code == 404
    no_letter = client.get("/dossiers/4/documenten/besluitbrief.pdf")
    assert no_letter.status_code == 404 and "heeft nog geen toelatingsbesluit" in no_letter.text


def test_another_schools_contact_gets_404_as_for_an_unknown_case(client: TestClient) -> None:
    sign_in(client, NOORDIK)
    unknown = client.get("/dossiers/99/documenten/rapport-2.pdf")
    assert unknown.status_code == 404 and "dossier 99 bestaat niet" in unknown.text
    for path in (
        "/dossiers/2/documenten",
        "/dossiers/2/documenten/rapport-2.pdf",
        "/dossiers/2/documenten/rapport-2.html",
        "/dossiers/2/documenten/besluitbrief.html",
        "/dossiers/2/documenten/traject.pdf",
        "/dossiers/2/audit",
        "/dossiers/2/audit/vergelijk?oud=1&nieuw=2",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "dossier 2 bestaat niet" in response.text, path
        assert "ROC Twente" not in response.text, path
    own = client.get("/dossiers/1/documenten")
    assert own.status_code == 200 and "Het Noordik (demo)" in own.text


def test_a_partnerships_own_template_is_used(client: TestClient, tmp_path: Path) -> None:
    folder = tmp_path / "sjablonen" / "part2"
    folder.mkdir(parents=True)
    (folder / "toetsingsrapport.html.j2").write_text(
        '{% extends "toetreding/toetsingsrapport.html.j2" %}'
        "{% block marker %}Eigen sjabloon · versie {{ doc.version }}{% endblock %}",
        encoding="utf-8",
    )
    context = client.app.state.ctx  # type: ignore[attr-defined]
    context.settings = dataclasses.replace(context.settings, templates_dir=folder.parent)
    sign_in(client, COORDINATOR)
    report = client.get("/dossiers/2/documenten/rapport-2.html")
    assert "Eigen sjabloon · versie 2" in report.text


def test_a_school_reads_only_the_report_versions_it_was_sent(client: TestClient) -> None:
    """The committee's working drafts stay internal: the school sees the draft that was sent
    to it (step 6), and the final report once the committee has sent that too."""
    context = client.app.state.ctx  # type: ignore[attr-defined]
    service, desk = context.service, context.desk
    service.fire(
        1,
        "audit_aanvragen",
        actor_ref=NOORDIK,
        inputs=with_pdfs(service, 1, "audit_aanvragen", {"vervolgzelfevaluatie": "v"}),
    )
    service.fire(1, "audit_inplannen", actor_ref=STUURGROEP, inputs={"auditdatum": "2026-11-20"})
    committee = [(AUDIT_CHAIR, "Saxion"), (KERNGROEP, "Het Noordik")]
    record_audit(desk, 1, organiser=STUURGROEP, members=committee, scores=nvao_scores("partner"))
    desk.draft_report(1, actor_ref=AUDIT_CHAIR)
    desk.draft_report(1, actor_ref=AUDIT_CHAIR)  # v2 replaces v1 before anything is sent

    def school_sees() -> list[int]:
        versions = [v for v in (1, 2, 3) if client.get(_report(v)).status_code == 200]
        listed = client.get("/dossiers/1/documenten").text
        assert [v for v in (1, 2, 3) if _report(v) in listed] == versions
        api = client.get("/api/dossiers/1/audit", headers=api_token).json()
        assert [report["version"] for report in api["reports"]] == versions
        return versions

    sign_in(client, NOORDIK)
    api_token = token(client, NOORDIK)
    assert school_sees() == []
    unsent = client.get(_report(2))
    assert unsent.status_code == 404 and "rapportversie 2 bestaat niet" in unsent.text
    assert "Er is nog geen rapport." in client.get("/dossiers/1/audit").text

    service.fire(1, "concept_rapport_opstellen", actor_ref=AUDIT_CHAIR)
    assert school_sees() == [2]
    assert client.get("/dossiers/1/audit/vergelijk?oud=1&nieuw=2").status_code == 404
    service.fire(1, "geen_correcties", actor_ref=NOORDIK)
    desk.finalize(1, actor_ref=AUDIT_CHAIR)
    assert school_sees() == [2]  # fixed, but not yet sent
    service.fire(1, "rapport_vaststellen", actor_ref=AUDIT_CHAIR)
    assert school_sees() == [2, 3]

    sign_in(client, COORDINATOR)  # the partnership reads every version
    assert [v for v in (1, 2, 3) if client.get(_report(v)).status_code == 200] == [1, 2, 3]


def _report(version: int) -> str:
    return f"/dossiers/1/documenten/rapport-{version}.html"


def test_a_re_audit_keeps_the_first_audits_reports_and_decision_letter(
    client: TestClient,
) -> None:
    """A volgschool is audited again; the first audit's reports stay listed and readable,
    and the volgschool letter keeps resting on that audit's final report."""
    context = client.app.state.ctx  # type: ignore[attr-defined]
    service, desk = context.service, context.desk
    hengelo = "contact@demo05.example"  # case 5, Vakcollege Hengelo, volgschool
    first = [r.version for r in desk.reports(5)]
    service.fire(
        5,
        "heraudit_aanvragen",
        actor_ref=hengelo,
        inputs=with_pdfs(
            service,
            5,
            "heraudit_aanvragen",
            {"ontwikkelplan_deficienties": "plan.pdf", "vervolgzelfevaluatie": "ze2.pdf"},
        ),
    )
    service.fire(5, "audit_inplannen", actor_ref=STUURGROEP, inputs={"auditdatum": "2026-12-07"})
    committee = [(AUDIT_CHAIR, "Saxion"), (KERNGROEP, "Vakcollege")]
    record_audit(desk, 5, organiser=STUURGROEP, members=committee, scores=nvao_scores("partner"))
    desk.draft_report(5, actor_ref=AUDIT_CHAIR)

    sign_in(client, COORDINATOR)
    page = visible(client.get("/dossiers/5/documenten").text)
    assert "Audit 2 (de laatste)" in page and "Audit 1 ·" in page
    assert page.index("Audit 2") < page.index("Audit 1")
    new_draft = client.get("/dossiers/5/documenten/rapport-1.html")
    assert "Toelaatbaar als partner" in html.unescape(new_draft.text)
    for version in first:
        earlier = client.get(f"/dossiers/5/documenten/audit-1/rapport-{version}.html")
        assert earlier.status_code == 200
        assert "Toelaatbaar als volgschool" in html.unescape(earlier.text)
    pdf = client.get(f"/dossiers/5/documenten/audit-1/rapport-{first[-1]}.pdf")
    assert pdf.headers["content-disposition"] == (
        f'attachment; filename="toetsingsrapport-dossier-5-audit1-v{first[-1]}.pdf"'
    )
    assert client.get("/dossiers/5/documenten/audit-3/rapport-1.html").status_code == 404
    letter = html.unescape(client.get("/dossiers/5/documenten/besluitbrief.html").text)
    assert "Toelaatbaar als volgschool" in letter and "Kwantiteit" in letter

    sign_in(client, AUDIT_CHAIR)  # the audit page: the latest with its forms, earlier read only
    page_now = client.get("/dossiers/5/audit").text
    assert 'href="/dossiers/5/audit?nummer=1"' in page_now
    assert "Concept-rapport opstellen</button>" in page_now
    first_audit = client.get("/dossiers/5/audit", params={"nummer": 1}).text
    assert "U bekijkt een eerdere audit" in first_audit
    assert "Toelaatbaar als volgschool" in first_audit
    assert "</button>" not in first_audit.split('<main id="inhoud"', 1)[1]  # no forms
    assert f'href="/dossiers/5/documenten/audit-1/rapport-{first[-1]}.html"' in first_audit
    assert client.get("/dossiers/5/audit", params={"nummer": 3}).status_code == 404
    assert client.get("/dossiers/5/audit", params={"nummer": "0"}).status_code == 404

    auth = token(client, COORDINATOR)
    latest = client.get("/api/dossiers/5/audit", headers=auth).json()
    earlier = client.get("/api/dossiers/5/audit", params={"number": 1}, headers=auth).json()
    assert latest["audit"]["id"] != earlier["audit"]["id"]
    assert [r["version"] for r in earlier["reports"]] == first
    assert client.get("/api/dossiers/5/audit?number=3", headers=auth).status_code == 404

    sign_in(client, hengelo)  # the school: its first audit's reports, not the new draft
    school_page = client.get("/dossiers/5/documenten").text
    assert f"/dossiers/5/documenten/audit-1/rapport-{first[-1]}.html" in school_page
    assert "/dossiers/5/documenten/rapport-1.html" not in school_page
    assert client.get("/dossiers/5/documenten/rapport-1.html").status_code == 404
