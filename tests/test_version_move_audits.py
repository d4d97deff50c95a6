# ruff: noqa: E501
"""Moving a case with a running audit onto a newer protocol version: the audit keeps the
framework and advice rules it opened with (the dry run and the history row say so), a case
whose audit could not go on in the new version stays behind with the reason, and the audit's
released reports follow renamed audit steps. Service tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from toetreding.audits import AuditDesk
from toetreding.clock import FixedClock
from toetreding.definition import GroupLabels, ProtocolRegistry, load_protocol_text
from toetreding.service import Toetreding
from toetreding.settings import Settings
from toetreding.store import Store
from toetreding.web import create_app

from .conftest import PROTOCOLS
from .helpers import AUDIT_GROUPS, nvao_scores, record_audit, run
from .version_move_helpers import COORDINATOR, case_per_state, partnership_with_schools
from .web_helpers import PASSWORD, sign_in, token

CHAIR = "voorzitter@saxion.example"

_GROUPS = "\n".join(f"    - {{name: {g}, label: Groep {g}}}" for g in AUDIT_GROUPS)
_ROLES = "roles: {coordinator: Coördinator, auditcommissie: Auditcommissie}"

V1 = f"""\
id: auditverhuis
version: 1
title: Toetreding met audit
sectors: [vo]
{_ROLES}
initial: aanmelding
states:
  aanmelding: {{label: Aanmelding}}
  audit: {{label: Audit}}
  concept: {{label: Concept-rapport bij de school}}
  vaststellen: {{label: Rapport vaststellen}}
  besluit: {{label: Besluit}}
  klaar: {{label: Afgerond, final: true}}
transitions:
  - {{trigger: plannen, label: Audit plannen, from: aanmelding, to: audit, roles: [coordinator]}}
  - {{trigger: concept_sturen, label: Concept sturen, from: audit, to: concept, roles: [auditcommissie]}}
  - {{trigger: correcties, label: Correcties indienen, from: concept, to: vaststellen, roles: [coordinator]}}
  - {{trigger: vastgesteld, label: Rapport vastgesteld, from: vaststellen, to: besluit, roles: [auditcommissie]}}
  - {{trigger: toelaten, label: Toelaten, from: besluit, to: klaar, roles: [coordinator]}}
audit:
  framework: nvao-opleidingsschool-2009
  advice: nvao-toetredingsadvies
  groups:
{_GROUPS}
  open_in: [audit]
  corrections_in: concept
  finalize_in: vaststellen
"""

# Version 2 renames the audit's three steps and names another framework.
V2 = f"""\
id: auditverhuis
version: 2
title: Toetreding met audit
sectors: [vo]
{_ROLES}
initial: aanmelding
migration:
  from: 1
  states: {{audit: auditdag, concept: concept_school, vaststellen: rapport}}
states:
  aanmelding: {{label: Aanmelding}}
  auditdag: {{label: Auditdag}}
  concept_school: {{label: Concept bij de school}}
  rapport: {{label: Rapport afronden}}
  besluit: {{label: Besluit}}
  klaar: {{label: Afgerond, final: true}}
transitions:
  - {{trigger: plannen, label: Audit plannen, from: aanmelding, to: auditdag, roles: [coordinator]}}
  - {{trigger: concept_sturen, label: Concept sturen, from: auditdag, to: concept_school, roles: [auditcommissie]}}
  - {{trigger: correcties, label: Correcties indienen, from: concept_school, to: rapport, roles: [coordinator]}}
  - {{trigger: vastgesteld, label: Rapport vastgesteld, from: rapport, to: besluit, roles: [auditcommissie]}}
  - {{trigger: toelaten, label: Toelaten, from: besluit, to: klaar, roles: [coordinator]}}
audit:
  framework: basiskwaliteit-waarborgen
  groups:
{_GROUPS}
  open_in: [auditdag]
  corrections_in: concept_school
  finalize_in: rapport
"""

# Version 3 maps the finalizing step onto the decision, and finalizes in a new step.
V3 = (
    V2.replace("version: 2", "version: 3")
    .replace("from: 1", "from: 2")
    .replace(
        "{audit: auditdag, concept: concept_school, vaststellen: rapport}", "{rapport: besluit}"
    )
    .replace("rapport: {label: Rapport afronden}", "eindrapport: {label: Eindrapport}")
    .replace("to: rapport,", "to: eindrapport,")
    .replace("from: rapport,", "from: eindrapport,")
    .replace("finalize_in: rapport", "finalize_in: eindrapport")
)
# Version 4 (from 3) has no step that finalizes the report; version 5 (from 3) no audit.
V4 = (
    V3.replace("version: 3", "version: 4")
    .replace("from: 2", "from: 3")
    .replace("{rapport: besluit}", "{}")
    .replace("  finalize_in: eindrapport\n", "")
)
V5 = V4.replace("version: 4", "version: 5").split("audit:\n  framework")[0]

# The v1 path to each state; the audit opens in 'audit' and is finalized in 'vaststellen'.
PATHS = {
    "aanmelding": (),
    "audit": ("plannen",),
    "concept": ("plannen", "concept_sturen"),
    "vaststellen": ("plannen", "concept_sturen", "correcties"),
    "besluit": ("plannen", "concept_sturen", "correcties", "vastgesteld"),
}
NVAO = "kader 'NVAO-toetsingskader opleidingsschool (2009)' versie 2"
KEPT = (
    f"Audit blijft op {NVAO}, adviesregels 'Toetredingsadvies Partnerschap 2 (NVAO-kader)' "
    "versie 1; protocolversie 2 noemt kader 'Eigen basiskwaliteit op de vier waarborgen' "
    "voor een volgende audit"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "protocols"
    folder.mkdir()
    for sub in ("frameworks", "advice"):
        (folder / sub).symlink_to(PROTOCOLS / sub)
    for number, text in enumerate((V1, V2, V3, V4, V5), start=1):
        (folder / f"auditverhuis-v{number}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def moving(
    store: Store, folder: Path, clock: FixedClock
) -> tuple[Toetreding, AuditDesk, dict[str, int]]:
    app = Toetreding(store, ProtocolRegistry.from_directory(folder), clock)
    desk = AuditDesk(app, folder)
    return app, desk, cases_on_v1(app, desk, clock)


def cases_on_v1(app: Toetreding, desk: AuditDesk, clock: FixedClock) -> dict[str, int]:
    """A case on version 1 in each state of PATHS: from 'audit' on with an audit opened,
    from 'concept' on scored and its draft sent to the school, in 'besluit' finalized."""
    partnership_with_schools(app, clock, len(PATHS))
    app.add_person("Vera", CHAIR, partnership_ref="part2", roles=("auditcommissie",))

    def take(case_id: int, trigger: str) -> None:
        if trigger == "vastgesteld":
            desk.finalize(case_id, actor_ref=CHAIR)
        if trigger == "concept_sturen":
            record_audit(
                desk,
                case_id,
                organiser=COORDINATOR,
                members=[(CHAIR, "Saxion")],
                scores=nvao_scores("partner"),
            )
            desk.draft_report(case_id, actor_ref=CHAIR)
            clock.advance(timedelta(minutes=5))
        actor = CHAIR if trigger in ("concept_sturen", "vastgesteld") else COORDINATOR
        app.fire(case_id, trigger, actor_ref=actor)

    def arrived(case_id: int, state: str) -> None:
        if state == "audit":
            desk.open(case_id, actor_ref=COORDINATOR)

    cases = case_per_state(app, clock, "auditverhuis", PATHS, take, arrived)
    clock.advance(timedelta(days=1))
    return cases


def test_the_dry_run_says_per_case_what_its_running_audit_keeps(
    moving: tuple[Toetreding, AuditDesk, dict[str, int]],
) -> None:
    app, _, cases = moving
    plan = app.plan_move("auditverhuis", 1, 2, by=COORDINATOR)
    said = {m.case_id: (m.to_label, m.refusal, m.audit) for m in plan.moves}
    assert said == {
        cases["aanmelding"]: ("Aanmelding", None, ""),  # no audit: nothing to say
        cases["audit"]: ("Auditdag", None, KEPT),
        cases["concept"]: ("Concept bij de school", None, KEPT),
        cases["vaststellen"]: ("Rapport afronden", None, KEPT),
        cases["besluit"]: ("Besluit", None, ""),  # its audit is finished
    }


def test_applying_keeps_the_audit_on_its_framework_and_the_history_row_says_so(
    moving: tuple[Toetreding, AuditDesk, dict[str, int]], clock: FixedClock
) -> None:
    app, desk, cases = moving
    outcomes = app.apply_move("auditverhuis", 1, 2, by=COORDINATOR)
    assert all(o.moved for o in outcomes)
    moved = cases["audit"]
    assert app.case(moved).state == "auditdag"
    row = app.history(moved)[-1]
    assert (row.payload["van_versie"], row.payload["naar_versie"]) == (1, 2)
    assert row.note == KEPT + "."
    # the audit runs on in the renamed step, scored against the framework it opened with
    (audit,) = desk.audits_of(moved)
    assert (audit.framework_id, audit.framework_version, audit.closed_at) == (
        "nvao-opleidingsschool-2009", 2, None,
    )  # fmt: skip
    clock.advance(timedelta(hours=1))
    desk.add_member(moved, person_ref=CHAIR, partner="Saxion", actor_ref=COORDINATOR)
    assert desk.view(moved).framework.id == "nvao-opleidingsschool-2009"
    # and is finalized in the renamed finalizing step
    finishing = cases["vaststellen"]
    assert desk.finalize(finishing, actor_ref=CHAIR).final


def test_the_reports_sent_before_the_move_stay_the_ones_the_school_received(
    moving: tuple[Toetreding, AuditDesk, dict[str, int]],
) -> None:
    """Version 2 renamed the corrections and finalizing steps: the draft and the final
    report released under their old names still count as released."""
    app, desk, cases = moving
    case_id = cases["besluit"]
    before = [(r.version, r.final) for r in desk.released_reports(case_id)]
    assert before == [(1, False), (2, True)]
    app.apply_move("auditverhuis", 1, 2, by=COORDINATOR)
    assert [(r.version, r.final) for r in desk.released_reports(case_id)] == before


def test_a_case_whose_audit_could_not_go_on_in_the_new_version_stays_with_the_reason(
    moving: tuple[Toetreding, AuditDesk, dict[str, int]],
) -> None:
    app, _, cases = moving
    app.apply_move("auditverhuis", 1, 2, by=COORDINATOR)
    # version 3 maps the finalizing step onto the decision
    refusals = {
        m.case_id: m.refusal for m in app.plan_move("auditverhuis", 2, 3, by=COORDINATOR).moves
    }
    assert refusals[cases["vaststellen"]] == (
        f"de audit ({NVAO}) loopt nog en stap 'Besluit' hoort in versie 3 niet bij de "
        "audit; stel eerst het definitieve rapport vast in versie 2"
    )
    assert refusals[cases["audit"]] is None
    outcomes = {o.case_id: o for o in app.apply_move("auditverhuis", 2, 3, by=COORDINATOR)}
    assert not outcomes[cases["vaststellen"]].moved
    assert app.case(cases["vaststellen"]).protocol_version == 2
    assert outcomes[cases["audit"]].moved
    # version 4 finalizes no report; version 5 has no audit at all
    refusals = {
        m.case_id: m.refusal for m in app.plan_move("auditverhuis", 3, 4, by=COORDINATOR).moves
    }
    assert refusals[cases["audit"]] == (
        f"de audit ({NVAO}) loopt nog en versie 4 kent geen stap waarin het rapport wordt "
        "vastgesteld; stel eerst het definitieve rapport vast in versie 3"
    )
    assert refusals[cases["aanmelding"]] is None
    refusals = {
        m.case_id: m.refusal for m in app.plan_move("auditverhuis", 3, 5, by=COORDINATOR).moves
    }
    assert refusals[cases["audit"]] == (
        f"de audit ({NVAO}) loopt nog en versie 5 kent geen interne audit; stel eerst het "
        "definitieve rapport vast in versie 3"
    )
    assert refusals[cases["besluit"]] is None  # its audit is finished


def test_cli_dry_run_and_the_moved_case_say_what_the_audit_keeps_in_words(
    folder: Path, monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    monkeypatch.setenv("TOETREDING_PROTOCOLS_DIR", str(folder))
    clock = FixedClock(datetime(2026, 9, 1, 9, 0))
    app = Toetreding.open(f"sqlite:///{db}", ProtocolRegistry.from_directory(folder), clock)
    cases = cases_on_v1(app, AuditDesk(app, folder), clock)
    app.close()
    monkeypatch.setenv("TOETREDING_NOW", "2026-09-03T09:00:00+02:00")
    monkeypatch.setenv("COLUMNS", "400")  # the table's cells on one line each
    migrate = ("protocol", "migrate", "auditverhuis", "--from", "1", "--to", "2")
    dry = run(*migrate, "--dry-run", "--as", COORDINATOR)
    assert KEPT in dry
    assert "nvao-" not in dry and "basiskwaliteit-" not in dry  # titles, not identifiers
    assert "5 van 5 dossiers kunnen over" in dry
    assert "5 dossier(s) overgezet naar versie 2" in run(*migrate, "--as", COORDINATOR)
    shown = run("case", "show", str(cases["audit"]))
    assert "Overgezet van versie 1 naar versie 2" in shown and KEPT in shown


def test_the_plan_page_and_the_api_say_what_the_audit_keeps(folder: Path, tmp_path: Path) -> None:
    clock = FixedClock(datetime(2026, 9, 1, 9, 0))
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", protocols_dir=folder)
    web = create_app(settings, clock, secret="test-secret")
    service: Toetreding = web.state.ctx.service
    cases_on_v1(service, AuditDesk(service, folder), clock)
    service.accounts.set_password(service.store.person(COORDINATOR).id, PASSWORD, clock.now())
    with TestClient(web) as client:
        sign_in(client, COORDINATOR)
        page = client.get("/protocolbeheer/auditverhuis/overzetten?van=1&naar=2")
        assert page.status_code == 200
        text = html.unescape(page.text)
        assert text.count(KEPT) == 3  # the three cases whose audit runs
        assert "nvao-" not in text and "basiskwaliteit-" not in text
        plan = client.get(
            "/api/protocollen/auditverhuis/overzetten?van=1&naar=2",
            headers=token(client, COORDINATOR),
        ).json()
        assert [m["audit"] for m in plan["dossiers"]] == [None, KEPT, KEPT, KEPT, None]


def test_a_framework_toetreding_does_not_have_yet_is_named_for_the_administrator(
    store: Store, folder: Path, clock: FixedClock
) -> None:
    """Version 2 names a framework neither stored nor shipped: the plan says which one is
    missing and where an administrator adds it, not "een ander kader"."""
    text = (folder / "auditverhuis-v2.yaml").read_text(encoding="utf-8")
    later = text.replace("framework: basiskwaliteit-waarborgen", "framework: kader-2030")
    (folder / "auditverhuis-v2.yaml").write_text(later, encoding="utf-8")
    app = Toetreding(store, ProtocolRegistry.from_directory(folder), clock)
    cases = cases_on_v1(app, AuditDesk(app, folder), clock)
    plan = app.plan_move("auditverhuis", 1, 2, by=COORDINATOR)
    said = {m.case_id: m.audit for m in plan.moves}[cases["audit"]]
    assert said.endswith(
        "protocolversie 2 noemt een kader dat toetreding nog niet kent (code 'kader-2030': "
        "laad het op Kaderbeheer of met 'toetreding framework load', of zet het bestand bij "
        "de meegeleverde kaders) voor een volgende audit"
    )
    assert "een ander kader" not in said


def _drop_docenten(folder: Path) -> None:
    """Version 2 without the group 'docenten' (its interviews were held on version 1)."""
    v2 = folder / "auditverhuis-v2.yaml"
    text = v2.read_text(encoding="utf-8")
    v2.write_text(text.replace("    - {name: docenten, label: Groep docenten}\n", ""), "utf-8")


def test_an_interview_with_a_group_the_new_version_dropped_keeps_its_label(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the audit page, in the API and in `audit show`: the label version 1
    gave the group, never its name."""
    _drop_docenten(folder)
    clock = FixedClock(datetime(2026, 9, 1, 9, 0))
    db = tmp_path / "web.db"
    settings = Settings(database_url=f"sqlite:///{db}", protocols_dir=folder)
    web = create_app(settings, clock, secret="test-secret")
    service: Toetreding = web.state.ctx.service
    case_id = cases_on_v1(service, AuditDesk(service, folder), clock)["concept"]
    service.apply_move("auditverhuis", 1, 2, by=COORDINATOR)
    assert service.view(case_id).group_labels["docenten"] == "Groep docenten"
    service.accounts.set_password(service.store.person(COORDINATOR).id, PASSWORD, clock.now())
    with TestClient(web) as client:
        sign_in(client, COORDINATOR)
        page = html.unescape(client.get(f"/dossiers/{case_id}/audit").text)
        assert '<td data-label="Gespreksgroep">Groep docenten</td>' in page
        assert '<td data-label="Gespreksgroep">docenten</td>' not in page
        detail = client.get(f"/api/dossiers/{case_id}/audit", headers=token(client, COORDINATOR))
        labels = {i["group"]: i["group_label"] for i in detail.json()["interviews"]}
        assert labels["docenten"] == "Groep docenten"
    monkeypatch.setenv("TOETREDING_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("TOETREDING_PROTOCOLS_DIR", str(folder))
    shown = run("audit", "show", str(case_id))
    assert "gesprek Groep docenten op" in shown and "gesprek docenten" not in shown


def test_a_group_no_known_version_names_is_named_in_words() -> None:
    without = load_protocol_text(V2.replace("    - {name: docenten, label: Groep docenten}\n", ""))
    assert GroupLabels(without, [load_protocol_text(V1)])["docenten"] == "Groep docenten"
    assert GroupLabels(without)["docenten"] == "een gespreksgroep die het protocol niet meer noemt"
    assert list(GroupLabels(without, [load_protocol_text(V1)])) == ["management", "begeleiders"]
