"""The JSON API on the demo database: reading cases, taking steps, the agenda and the audit.

Demo cases (tests/web_helpers.py): 1 Het Noordik (samenwerkingsschool), 2 ROC Twente
(partner, closed), 3 De Esch (zelfevaluatie), 4 Lyceum Wierden (orientatie), 5 Vakcollege
Hengelo (volgschool), 6 Twents Carmel (concept_rapport), 7 Bornerbroek (bespreking_stuurgroep).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from toetreding.audits import AuditDesk
from toetreding.calendar import Region
from toetreding.definition.model import Sector
from toetreding.service import Toetreding
from toetreding.store.tables import SchoolCreate

from .helpers import with_pdfs
from .web_helpers import (
    AUDIT_CHAIR,
    COORDINATOR,
    STUURGROEP,
    add_cases,
    csrf_of,
    demo_client,
    pdf_upload,
    sign_in,
    token,
)

SCHOOL_1 = "contact@demo01.example"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    yield from demo_client(tmp_path)


def service(client: TestClient) -> Toetreding:
    app: Toetreding = client.app.state.ctx.service  # type: ignore[attr-defined]
    return app


def desk(client: TestClient) -> AuditDesk:
    audits: AuditDesk = client.app.state.ctx.desk  # type: ignore[attr-defined]
    return audits


# --- credentials ------------------------------------------------------------------------------


def test_without_credentials_the_api_answers_401_in_json(client: TestClient) -> None:
    for path in ("/api/ik", "/api/dossiers", "/api/dossiers/1", "/api/agenda"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"detail": "niet aangemeld"}
    wrong = client.get("/api/ik", headers={"Authorization": "Bearer geen-echt-token"})
    assert wrong.status_code == 401
    post = client.post("/api/dossiers/4/handelingen/stoppen", json={"note": "weg"})
    assert post.status_code == 401
    assert service(client).store.case(4).state == "orientatie"


def test_several_tokens_work_side_by_side_until_each_is_revoked(client: TestClient) -> None:
    """A person has a token per program; revoking one leaves the others working."""
    first = token(client, COORDINATOR)
    second = token(client, COORDINATOR)
    assert client.get("/api/ik", headers=first).json()["email"] == COORDINATOR
    assert client.get("/api/ik", headers=second).json()["email"] == COORDINATOR
    accounts = client.app.state.ctx.accounts  # type: ignore[attr-defined]
    person_id = service(client).store.person(COORDINATOR).id
    newest = accounts.api_tokens(person_id)[0]
    assert accounts.revoke_api_token(person_id, newest.id)
    assert client.get("/api/ik", headers=second).status_code == 401
    assert client.get("/api/ik", headers=first).status_code == 200


def test_who_am_i_lists_roles_per_partnership(client: TestClient) -> None:
    me = client.get("/api/ik", headers=token(client, COORDINATOR)).json()
    assert me["name"] == "Carla de Vries" and me["is_admin"] is False
    [membership] = me["partnerships"]
    assert membership["partnership"]["code"] == "part2"
    assert [r["role"] for r in membership["roles"]] == ["coordinator"]
    school = client.get("/api/ik", headers=token(client, SCHOOL_1)).json()
    [role] = school["partnerships"][0]["roles"]
    assert role["role"] == "school" and role["school"]["name"] == "Het Noordik (demo)"


def test_a_session_needs_the_csrf_header_to_change_something(client: TestClient) -> None:
    sign_in(client, STUURGROEP)
    assert client.get("/api/dossiers/4").status_code == 200  # reading needs no token
    body = {"note": "De school ziet ervan af."}
    refused = client.post("/api/dossiers/4/handelingen/stoppen", json=body)
    assert refused.status_code == 403
    assert "het formulier is verlopen" in refused.json()["detail"]
    forged = client.post(
        "/api/dossiers/4/handelingen/stoppen", json=body, headers={"X-CSRF-Token": "geraden"}
    )
    assert forged.status_code == 403
    assert service(client).store.case(4).state == "orientatie"
    csrf = csrf_of(client.get("/dossiers/4").text)
    done = client.post(
        "/api/dossiers/4/handelingen/stoppen", json=body, headers={"X-CSRF-Token": csrf}
    )
    assert done.status_code == 200, done.text
    assert done.json()["to_state"] == "gestopt"


def test_a_bearer_token_needs_no_csrf_header(client: TestClient) -> None:
    response = client.post(
        "/api/dossiers/4/handelingen/stoppen",
        json={"note": "Past niet bij de school."},
        headers=token(client, STUURGROEP),
    )
    assert response.status_code == 200, response.text
    assert service(client).store.case(4).state == "gestopt"


# --- cases ------------------------------------------------------------------------------------


def test_the_case_list_with_its_filters(client: TestClient) -> None:
    auth = token(client, COORDINATOR)
    every = client.get("/api/dossiers", headers=auth).json()
    assert sorted(c["id"] for c in every) == [1, 2, 3, 4, 5, 6, 7]
    wierden = next(c for c in every if c["id"] == 4)
    assert wierden["school_name"] == "Lyceum Wierden (demo)"
    assert wierden["state_label"] == "Oriënterend gesprek" and wierden["step"] == 1
    in_step = client.get("/api/dossiers", params={"stap": "concept_rapport"}, headers=auth)
    assert [c["id"] for c in in_step.json()] == [6]
    closed = client.get("/api/dossiers", params={"open": "false"}, headers=auth).json()
    assert [(c["id"], c["outcome"], c["final"]) for c in closed] == [(2, "partner", True)]
    running = client.get("/api/dossiers", params={"open": "true"}, headers=auth).json()
    assert 2 not in {c["id"] for c in running} and len(running) == 6
    by_code = client.get("/api/dossiers", params={"partnerschap": "part2"}, headers=auth)
    assert len(by_code.json()) == 7
    named = client.get("/api/dossiers", params={"school": "WIERDEN"}, headers=auth).json()
    assert [c["id"] for c in named] == [4]


def test_an_unknown_step_is_refused_naming_the_known_steps_in_words(client: TestClient) -> None:
    auth = token(client, COORDINATOR)
    bogus = client.get("/api/dossiers", params={"stap": "bogus"}, headers=auth)
    assert bogus.status_code == 422
    detail = bogus.json()["detail"]
    assert list(bogus.json()) == ["detail"]
    assert detail.startswith("stap 'bogus' bestaat niet; bekende stappen: ")
    assert "Concept-rapport bij de school" in detail and "concept_rapport" not in detail
    named = {"stap": "Concept-rapport bij de school"}  # the listed words are taken
    assert [c["id"] for c in client.get("/api/dossiers", params=named, headers=auth).json()] == [6]


def test_the_case_list_comes_a_page_at_a_time_with_the_total(client: TestClient) -> None:
    auth = token(client, COORDINATOR)
    added = add_cases(client, 120, "Albeda")
    first = client.get("/api/dossiers", headers=auth)
    assert first.headers["X-Total-Count"] == "127" and len(first.json()) == 100  # the default
    rest = client.get("/api/dossiers", params={"overslaan": 100, "aantal": 50}, headers=auth)
    assert rest.headers["X-Total-Count"] == "127" and len(rest.json()) == 27
    ids = [c["id"] for c in first.json() + rest.json()]
    assert len(set(ids)) == 127 and set(added) < set(ids)  # no case twice, none left out
    too_many = client.get("/api/dossiers", params={"aantal": 501}, headers=auth)
    assert too_many.status_code == 422
    school = client.get("/api/dossiers", headers=token(client, SCHOOL_1))
    assert school.headers["X-Total-Count"] == "1" and [c["id"] for c in school.json()] == [1]
    unknown = client.get("/api/dossiers", params={"partnerschap": "nergens"}, headers=auth)
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "partnerschap 'nergens' bestaat niet"}
    for odd in ("²", "99999999999999999999"):  # digits, but no id a database holds
        response = client.get("/api/dossiers", params={"partnership": odd}, headers=auth)
        assert response.status_code == 404, odd


def test_a_school_contact_lists_and_reads_only_its_own_case(client: TestClient) -> None:
    auth = token(client, SCHOOL_1)
    listed = client.get("/api/dossiers", headers=auth).json()
    assert [(c["id"], c["school_name"]) for c in listed] == [(1, "Het Noordik (demo)")]
    assert client.get("/api/dossiers/1", headers=auth).status_code == 200
    other = client.get("/api/dossiers/2", headers=auth)
    unknown = client.get("/api/dossiers/99999", headers=auth)
    assert other.status_code == unknown.status_code == 404
    assert other.json()["detail"].replace("2", "N") == unknown.json()["detail"].replace(
        "99999", "N"
    )
    assert "ROC Twente" not in other.text


def test_a_case_shows_what_this_person_may_do_now_with_its_inputs(client: TestClient) -> None:
    case = client.get("/api/dossiers/4", headers=token(client, COORDINATOR)).json()
    assert case["case"]["school_name"] == "Lyceum Wierden (demo)"
    assert case["school"]["brin"] == "DEMO04" and case["partnership"]["code"] == "part2"
    assert case["state"]["name"] == "orientatie" and case["state"]["step_label"]
    [action] = case["actions"]  # 'stoppen' is for the school and the steering group
    assert action["trigger"] == "orientatie_afronden" and action["role"] == "coordinator"
    inputs = {i["name"]: (i["kind"], i["required"]) for i in action["inputs"]}
    assert inputs == {"verslag_orientatie": ("document", True), "toelichting": ("note", False)}
    allowed = {a["trigger"]: a["roles"] for a in case["allowed"]}
    assert allowed["stoppen"] == ["school", "stuurgroep"]
    assert [h["trigger"] for h in case["history"]] == ["openen"]
    school = client.get("/api/dossiers/1", headers=token(client, SCHOOL_1)).json()
    assert {a["trigger"] for a in school["actions"]} == {"audit_aanvragen", "stoppen"}


def test_firing_a_step_with_inputs_moves_the_case_and_records_it(client: TestClient) -> None:
    auth = token(client, COORDINATOR)
    response = client.post(
        "/api/dossiers/4/handelingen/orientatie_afronden",
        data={"note": "Goed gesprek"},
        files={"verslag_orientatie": pdf_upload("verslag-wierden.pdf")},
        headers=auth,
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["from_state"], result["to_state"], result["role"]) == (
        "orientatie",
        "zelfevaluatie",
        "coordinator",
    )
    assert result["case"]["state"]["label"] == "Zelfevaluatie schrijven"
    last = client.get("/api/dossiers/4", headers=auth).json()["history"][-1]
    assert last["trigger"] == "orientatie_afronden" and last["actor_name"] == "Carla de Vries"
    [report] = last["payload"]["verslag_orientatie"]
    assert (report["name"], report["version"], report["media_type"]) == (
        "verslag-wierden.pdf",
        1,
        "application/pdf",
    )
    assert last["note"] == "Goed gesprek"
    # Beside the identifiers, the words the case page shows for the row.
    assert last["label"] == "Genoeg aanknopingspunten: door naar de zelfevaluatie"
    assert (last["from_state_label"], last["to_state_label"]) == (
        "Oriënterend gesprek",
        "Zelfevaluatie schrijven",
    )
    assert last["by"] == "Carla de Vries (Coördinator)" and last["lines"] == []
    # A number given as a number, checked by the protocol's rule (at most 10 pages); the
    # self-evaluation uploaded first, then named by its number (upload-then-reference).
    school = token(client, "contact@demo04.example")
    uploaded = client.post(
        "/api/dossiers/4/bestanden",
        data={"artefact": "zelfevaluatie"},
        files={"bestand": pdf_upload("ze.pdf")},
        headers=school,
    )
    assert uploaded.status_code == 201, uploaded.text
    [kept] = uploaded.json()
    too_long = client.post(
        "/api/dossiers/4/handelingen/zelfevaluatie_indienen",
        json={"inputs": {"zelfevaluatie": kept["id"], "paginas": 14}},
        headers=auth,
    )
    assert too_long.status_code == 422
    assert "14" in too_long.json()["reason"]


def test_a_role_the_person_does_not_hold_is_refused_and_changes_nothing(
    client: TestClient,
) -> None:
    auth = token(client, "contact@demo04.example")  # the school contact of case 4
    response = client.post(
        "/api/dossiers/4/handelingen/orientatie_afronden",
        json={"inputs": {"verslag_orientatie": "v.pdf"}, "role": "kerngroep"},
        headers=auth,
    )
    assert response.status_code == 422
    body = response.json()
    # the roles by the protocol's names, never their codes
    assert body["reason"].endswith(
        "heeft de rol 'Kerngroep' niet voor dit dossier (wel: Aanvragende school)"
    )
    assert (body["trigger"], body["state"]) == ("orientatie_afronden", "orientatie")
    case = client.get("/api/dossiers/4", headers=auth).json()
    assert case["state"]["name"] == "orientatie" and len(case["history"]) == 1


def test_a_refused_step_says_why_and_what_is_allowed_and_changes_nothing(
    client: TestClient,
) -> None:
    auth = token(client, COORDINATOR)
    missing = client.post("/api/dossiers/4/handelingen/orientatie_afronden", json={}, headers=auth)
    assert missing.status_code == 422
    body = missing.json()
    assert "'Verslag van het oriënterend gesprek' ontbreekt" in body["reason"]
    assert "--doc" not in missing.text  # the command line's hint is not the API's
    assert body["trigger"] == "orientatie_afronden" and body["state"] == "orientatie"
    assert {a["trigger"] for a in body["allowed"]} == {"orientatie_afronden", "stoppen"}
    assert body["detail"].startswith(  # the protocol's label, the identifier is in "trigger"
        "'Genoeg aanknopingspunten: door naar de zelfevaluatie' geweigerd voor dossier 4 "
        "(stap 'Oriënterend gesprek')"
    )
    not_mine = client.post(
        "/api/dossiers/4/handelingen/stoppen", json={"note": "weg"}, headers=auth
    )
    assert not_mine.status_code == 422
    assert "alleen Aanvragende school, Stuurgroep mag dit" in not_mine.json()["reason"]
    unknown = client.post("/api/dossiers/4/handelingen/vliegen", json={}, headers=auth)
    assert unknown.status_code == 422 and "vliegen" in unknown.json()["reason"]
    case = client.get("/api/dossiers/4", headers=auth).json()
    assert case["state"]["name"] == "orientatie" and len(case["history"]) == 1


def test_a_malformed_request_is_a_422_with_one_dutch_detail(client: TestClient) -> None:
    auth = token(client, COORDINATOR)
    bad_id = client.get("/api/dossiers/abc", headers=auth)
    assert bad_id.status_code == 422
    assert bad_id.json()["detail"].startswith("ongeldige aanvraag: het dossiernummer in het adres")
    bad_body = client.post(
        "/api/dossiers/4/handelingen/orientatie_afronden",
        content=b"{niet: json",
        headers={**auth, "Content-Type": "application/json"},
    )
    assert bad_body.status_code == 422 and isinstance(bad_body.json()["detail"], str)
    nested = client.post(
        "/api/dossiers/4/handelingen/orientatie_afronden",
        json={"inputs": {"verslag_orientatie": {"a": 1}}},
        headers=auth,
    )
    assert (
        nested.status_code == 422
        and "het veld 'inputs.verslag_orientatie' in de inhoud" in (nested.json()["detail"])
    )


def test_a_repeated_query_parameter_is_refused_not_answered_for_one_of_its_values(
    client: TestClient,
) -> None:
    auth = token(client, COORDINATOR)
    one = client.get("/api/dossiers?stap=orientatie", headers=auth)
    assert one.status_code == 200 and one.json()
    both = client.get("/api/dossiers?stap=orientatie&stap=besluit&open=true", headers=auth)
    assert both.status_code == 422
    assert both.json() == {
        "detail": "ongeldige aanvraag: de waarde 'stap' in de zoekvraag mag maar één keer voorkomen"
    }


def test_text_with_a_nul_character_is_refused_before_it_reaches_the_database(
    client: TestClient,
) -> None:
    """PostgreSQL cannot store (or even look up) text with NUL; the API says so, in Dutch."""
    auth = token(client, COORDINATOR)
    for path in ("/api/dossiers?state=a%00", "/api/protocollen/a%00/1", "/api/ik?x=%00"):
        response = client.get(path, headers=auth)
        assert response.status_code == 422, path
        assert response.json() == {
            "detail": "ongeldige aanvraag: het adres bevat een NUL-teken (%00)"
        }
    for body in ({"note": "a\u0000b"}, {"inputs": {"verslag_orientatie": "v\u0000.pdf"}}):
        response = client.post(
            "/api/dossiers/4/handelingen/orientatie_afronden", json=body, headers=auth
        )
        assert response.status_code == 422
        assert "NUL-teken" in response.json()["detail"]
    assert service(client).store.case(4).state == "orientatie"


# --- overview and agenda ----------------------------------------------------------------------


def _counts(boards: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    return {s["state"]: (s["count"], s["overdue"]) for b in boards for s in b["states"]}


def test_the_overview_counts_visible_cases_per_state(client: TestClient) -> None:
    [board] = client.get("/api/overzicht", headers=token(client, COORDINATOR)).json()
    assert (board["protocol_id"], board["protocol_version"], board["total"]) == (
        "partnerschap2",
        3,  # the demo's cases start on the newest version
        7,
    )
    counts = _counts([board])
    assert counts["orientatie"][0] == 1 and counts["concept_rapport"][0] == 1
    assert sum(overdue for _, overdue in counts.values()) >= 1  # the demo has late deadlines
    [own] = client.get("/api/overzicht", headers=token(client, SCHOOL_1)).json()
    assert own["total"] == 1
    assert {s: c for s, c in _counts([own]).items() if c[0]} == {
        "samenwerkingsschool": _counts([board])["samenwerkingsschool"]
    }
    po = client.get("/api/overzicht", params={"sector": "po"}, headers=token(client, COORDINATOR))
    assert po.json() == []


def test_the_agenda_lists_only_visible_deadlines_soonest_first(client: TestClient) -> None:
    auth = token(client, COORDINATOR)
    items = client.get("/api/agenda", headers=auth).json()
    assert items, "the demo has open deadlines"
    one_page = client.get("/api/agenda", params={"aantal": 1, "overslaan": 1}, headers=auth)
    assert one_page.headers["X-Total-Count"] == str(len(items))
    assert one_page.json() == items[1:2]
    assert [i["due_date"] for i in items] == sorted(i["due_date"] for i in items)
    late = client.get("/api/agenda", params={"verlopen": "true"}, headers=auth).json()
    assert late and all(i["overdue"] and i["days_left"] < 0 for i in late)
    soon = client.get("/api/agenda", params={"binnen_dagen": 0}, headers=auth).json()
    assert all(i["days_left"] <= 0 for i in soon)
    correction = next(i for i in items if i["deadline"] == "correctievenster")
    assert correction["case_id"] == 6 and correction["label"].startswith("Feitelijke")
    own = client.get("/api/agenda", headers=token(client, SCHOOL_1)).json()
    assert {i["case_id"] for i in own} <= {1}
    assert {i["case_id"] for i in items if i["case_id"] == 1} == {i["case_id"] for i in own}
    too_far = client.get("/api/agenda", params={"binnen_dagen": 100000}, headers=auth)
    assert too_far.status_code == 422


def test_a_deadline_row_in_the_history_comes_with_its_words(client: TestClient) -> None:
    """A deadline extended: the API gives the row's words (what happened, the deadline's label,
    both dates as on the case page) beside its raw payload."""
    auth = token(client, COORDINATOR)
    item = next(
        i
        for i in client.get("/api/agenda", headers=auth).json()
        if i["deadline"] == "correctievenster"
    )
    old = date.fromisoformat(item["due_date"])
    service(client).extend_deadline(
        item["case_id"], "correctievenster", new_due=date(2027, 1, 15),
        reason="school gesloten door storm", actor_ref=COORDINATOR,
    )  # fmt: skip
    last = client.get(f"/api/dossiers/{item['case_id']}", headers=auth).json()["history"][-1]
    assert last["trigger"] == "termijn_verlengen" and last["label"] == "Termijn verlengd"
    assert last["from_state_label"] == last["to_state_label"]  # an event, not a move
    assert [(line["label"], line["value"]) for line in last["lines"]] == [
        ("termijn", item["label"]),
        ("oude datum", f"{old:%d-%m-%Y}"),
        ("nieuwe datum", "15-01-2027"),
    ]
    assert last["payload"]["nieuwe_datum"] == "2027-01-15"  # machine data, unchanged
    assert last["note"] == "school gesloten door storm"


# --- the audit --------------------------------------------------------------------------------


def test_the_audit_of_a_case_with_committee_findings_and_advice(client: TestClient) -> None:
    audit = client.get("/api/dossiers/6/audit", headers=token(client, COORDINATOR)).json()
    assert audit["audit"]["framework_id"] == "nvao-opleidingsschool-2009"
    assert {m["name"] for m in audit["committee"]} == {"Ruud Kamphuis", "Ineke Bosman"}
    assert {i["group"] for i in audit["interviews"]} == {"management", "begeleiders", "docenten"}
    assert len(audit["findings"]) == 12 and audit["unscored"] == []
    assert audit["advice"]["outcome"] == "partner"
    assert [(r["version"], r["final"]) for r in audit["reports"]] == [(1, False)]


def test_the_school_reads_its_audit_reports_but_not_the_working_findings(
    client: TestClient,
) -> None:
    audit = client.get("/api/dossiers/6/audit", headers=token(client, "contact@demo06.example"))
    assert audit.status_code == 200
    body = audit.json()
    assert body["findings_shown"] is False and body["findings"] == [] and body["advice"] is None
    assert [r["version"] for r in body["reports"]] == [1]


def test_no_audit_answers_404(client: TestClient) -> None:
    auth = token(client, COORDINATOR)
    not_yet = client.get("/api/dossiers/4/audit", headers=auth)
    assert not_yet.status_code == 404 and "nog geen audit" in not_yet.json()["detail"]
    app = service(client)
    partnership = app.store.partnership("part2")
    app.store.add_school(
        SchoolCreate(
            partnership_id=partnership.id or 0,
            name="ROC Almelo (test)",
            sector=Sector.MBO,
            region=Region.MIDDEN,
            brin="TEST01",
        ),
        app.clock.now(),
    )
    case_id = app.open_case(
        school_ref="TEST01", protocol_id="mbo-aansluiting", actor_ref=COORDINATOR
    )
    none = client.get(f"/api/dossiers/{case_id}/audit", headers=auth)
    assert none.status_code == 404 and "kent geen interne audit" in none.json()["detail"]
    score = client.put(
        f"/api/dossiers/{case_id}/audit/scores/1.1",
        json={"level": "goed", "evidence": "x"},
        headers=auth,
    )
    assert score.status_code == 404


def test_scoring_outside_the_audit_step_is_refused_with_the_reason(client: TestClient) -> None:
    response = client.put(
        "/api/dossiers/6/audit/scores/2.1",
        json={"level": "goed", "evidence": "Zes getrainde begeleiders."},
        headers=token(client, AUDIT_CHAIR),
    )
    assert response.status_code == 422
    assert "scoren kan in stap 'Interne audit gepland'" in response.json()["detail"]
    audit = client.get("/api/dossiers/6/audit", headers=token(client, AUDIT_CHAIR)).json()
    finding = next(f for f in audit["findings"] if f["criterion_id"] == "2.1")
    assert finding["level"] == "voldoende" and finding["revision"] == 1


@pytest.fixture
def planned_audit(client: TestClient) -> int:
    """Case 1 (Het Noordik) taken to 'audit_gepland' with an open audit and a committee."""
    app = service(client)
    app.fire(
        1,
        "audit_aanvragen",
        actor_ref=SCHOOL_1,
        inputs=with_pdfs(app, 1, "audit_aanvragen", {"vervolgzelfevaluatie": "v.pdf"}),
    )
    app.fire(1, "audit_inplannen", actor_ref=STUURGROEP, inputs={"auditdatum": date(2026, 12, 7)})
    desk(client).open(1, actor_ref=STUURGROEP)
    desk(client).add_member(1, person_ref=AUDIT_CHAIR, partner="Saxion", actor_ref=STUURGROEP)
    desk(client).add_interview(
        1, group="management", held_on=date(2026, 12, 7), attendees=["Directie"],
        actor_ref=AUDIT_CHAIR,
    )  # fmt: skip
    return 1


def test_a_committee_member_scores_a_criterion_and_revises_it(
    client: TestClient, planned_audit: int
) -> None:
    auth = token(client, AUDIT_CHAIR)
    path = f"/api/dossiers/{planned_audit}/audit/scores/2.1"
    first = client.put(
        path,
        json={
            "level": "onvoldoende_reparabel",
            "evidence": "Twee getrainde werkplekbegeleiders voor vijf secties.",
            "development": "Meer begeleiders trainen.",
            "interview_group": "management",
        },
        headers=auth,
    )
    assert first.status_code == 200, first.text
    finding = first.json()
    assert (finding["criterion_id"], finding["revision"], finding["interview_group"]) == (
        "2.1",
        1,
        "management",
    )
    assert finding["level_label"] and finding["title"]
    second = client.put(
        path,
        json={"level": "voldoende", "evidence": "Nu vijf getrainde begeleiders."},
        headers=auth,
    )
    assert second.status_code == 200 and second.json()["revision"] == 2
    audit = client.get(f"/api/dossiers/{planned_audit}/audit", headers=auth).json()
    [current] = [f for f in audit["findings"] if f["criterion_id"] == "2.1"]
    assert current["level"] == "voldoende"
    assert "2.1" not in {c["criterion_id"] for c in audit["unscored"]}
    assert audit["advice"] is None  # eleven criteria are still unscored


def test_a_client_that_still_sends_session_group_keeps_its_interview(
    client: TestClient, planned_audit: int
) -> None:
    body = {"level": "goed", "evidence": "Gezien.", "session_group": "management"}
    path = f"/api/dossiers/{planned_audit}/audit/scores/1.1"
    saved = client.put(path, json=body, headers=token(client, AUDIT_CHAIR))
    assert saved.status_code == 200, saved.text
    assert saved.json()["interview_group"] == "management"


def test_only_committee_members_score_and_only_known_criteria(
    client: TestClient, planned_audit: int
) -> None:
    path = f"/api/dossiers/{planned_audit}/audit/scores/2.1"
    body = {"level": "goed", "evidence": "Gezien."}
    coordinator = client.put(path, json=body, headers=token(client, COORDINATOR))
    assert coordinator.status_code == 422
    assert "alleen leden van de auditcommissie" in coordinator.json()["detail"]
    school = client.put(path, json=body, headers=token(client, "contact@demo02.example"))
    assert school.status_code == 404  # another school's case: not even visible
    auth = token(client, AUDIT_CHAIR)
    unknown = client.put(f"/api/dossiers/{planned_audit}/audit/scores/9.9", json=body, headers=auth)
    assert unknown.status_code == 404 and "criterium '9.9'" in unknown.json()["detail"]
    no_evidence = client.put(path, json={"level": "goed", "evidence": "  "}, headers=auth)
    assert no_evidence.status_code == 422 and "onderbouw" in no_evidence.json()["detail"]
    sign_in(client, AUDIT_CHAIR)
    no_csrf = client.put(path, json=body)
    assert no_csrf.status_code == 403
    audit = client.get(f"/api/dossiers/{planned_audit}/audit", headers=auth).json()
    assert audit["findings"] == []


# --- protocols and the schema -----------------------------------------------------------------


def test_protocols_are_listed_and_shown_in_full(client: TestClient) -> None:
    auth = token(client, SCHOOL_1)
    listed = {
        (p["id"], p["version"]): p for p in client.get("/api/protocollen", headers=auth).json()
    }
    assert listed[("partnerschap2", 3)]["audit"] is True
    assert listed[("partnerschap2", 2)]["audit"] is True  # kept for the cases started on it
    assert listed[("po-groningen", 3)]["sectors"] == ["po"]
    spec = client.get("/api/protocollen/partnerschap2/3", headers=auth).json()
    assert spec["initial"] == "orientatie"
    stoppen = next(t for t in spec["transitions"] if t["trigger"] == "stoppen")
    assert stoppen["to"] == "gestopt" and "orientatie" in stoppen["from"]
    indienen = next(t for t in spec["transitions"] if t["trigger"] == "zelfevaluatie_indienen")
    assert {"name": "paginas", "min": 1, "max": 10}.items() <= next(
        i for i in indienen["inputs"] if i["name"] == "paginas"
    ).items()
    missing = client.get("/api/protocollen/partnerschap2/99", headers=auth)
    assert missing.status_code == 404 and "onbekend" in missing.json()["detail"]


def test_every_api_route_is_documented_with_its_errors(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert {(p, m) for p, m, _ in operations} >= {
        ("/api/ik", "get"),
        ("/api/overzicht", "get"),
        ("/api/dossiers", "get"),
        ("/api/dossiers/{case_id}", "get"),
        ("/api/dossiers/{case_id}/handelingen/{trigger}", "post"),
        ("/api/dossiers/{case_id}/bestanden", "get"),
        ("/api/dossiers/{case_id}/bestanden", "post"),
        ("/api/dossiers/{case_id}/bestanden/{file_id}", "get"),
        ("/api/agenda", "get"),
        ("/api/dossiers/{case_id}/audit", "get"),
        ("/api/dossiers/{case_id}/audit/scores/{criterion_id}", "put"),
        ("/api/protocollen", "get"),
        ("/api/protocollen/{protocol_id}/{version}", "get"),
    }
    problem = "#/components/schemas/Problem"
    for path, method, operation in operations:
        assert path.startswith("/api/"), path  # no page leaks into the API's schema
        assert operation["summary"] and operation["description"], path
        answer = operation["responses"].get("200") or operation["responses"]["201"]
        if path.endswith("{file_id}"):  # the file itself, of the type told from its bytes
            assert "application/pdf" in answer["content"], path
        else:
            assert "application/json" in answer.get("content", {"application/json": 1}), path
        assert operation["responses"]["401"]["content"]["application/json"]["schema"] == {
            "$ref": problem
        }
        if "{case_id}" in path:
            assert "404" in operation["responses"], path
        if method in ("post", "put"):
            assert {"403", "409", "422"} <= set(operation["responses"]), path
    schemes = schema["components"]["securitySchemes"]
    assert schemes["api-token"]["scheme"] == "bearer"


def test_query_parameters_have_dutch_names_and_the_english_ones_still_work(
    client: TestClient,
) -> None:
    """The schema lists only the Dutch names; a client written before asks the same with
    the English names (aliases) and gets the same answer."""
    auth = token(client, COORDINATOR)
    schema = client.get("/api/openapi.json").json()["paths"]
    named = {
        path: [p["name"] for p in schema[path]["get"]["parameters"] if p["in"] == "query"]
        for path in ("/api/dossiers", "/api/agenda", "/api/overzicht")
    }
    assert named == {
        "/api/dossiers": ["partnerschap", "stap", "open", "school", "aantal", "overslaan"],
        "/api/agenda": ["binnen_dagen", "verlopen", "aantal", "overslaan"],
        "/api/overzicht": ["sector", "regio"],
    }
    audit = schema["/api/dossiers/{case_id}/audit"]["get"]["parameters"]
    assert [p["name"] for p in audit if p["in"] == "query"] == ["nummer"]
    pairs = [
        ("/api/dossiers", {"stap": "orientatie", "aantal": 1}, {"state": "orientatie", "limit": 1}),
        (
            "/api/dossiers",
            {"partnerschap": "part2", "overslaan": 2},
            {"partnership": "part2", "offset": 2},
        ),
        (
            "/api/agenda",
            {"binnen_dagen": 30, "verlopen": "true"},
            {"within_days": 30, "overdue": "true"},
        ),
        ("/api/overzicht", {"regio": "midden"}, {"region": "midden"}),
        ("/api/dossiers/6/audit", {"nummer": 1}, {"number": 1}),
    ]
    for path, dutch, english in pairs:
        new = client.get(path, params=dutch, headers=auth)
        old = client.get(path, params=english, headers=auth)
        assert new.status_code == old.status_code == 200, (path, new.text, old.text)
        assert new.json() == old.json(), path
    narrowed = client.get("/api/dossiers", params={"stap": "orientatie"}, headers=auth).json()
    everything = client.get("/api/dossiers", headers=auth).json()
    assert narrowed and len(narrowed) < len(everything)  # the Dutch name does filter
    refused = client.get("/api/dossiers", params={"aantal": 0}, headers=auth)
    assert refused.status_code == 422 and "aantal" in refused.text
