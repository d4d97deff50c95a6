# ruff: noqa: E501
"""Guards of a newer version that look at the past states of a case moved onto it: they read
the history through the migration's state map (the rows keep the names they were written
with). Service tests run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from toetreding._exceptions import GuardFailed
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.service import Toetreding
from toetreding.store import Store

from .helpers import with_pdfs
from .version_move_helpers import COORDINATOR, partnership_with_schools

V1 = """\
id: hernoemd
version: 1
title: Toetreding met hernoemde stap
sectors: [vo]
roles: {coordinator: Coördinator}
initial: start
states:
  start: {label: Aanmelding}
  a: {label: Kennismaking}
  c: {label: Gesprek}
  klaar: {label: Afgerond, final: true}
transitions:
  - {trigger: kennismaken, label: Kennismaken, from: start, to: a, roles: [coordinator]}
  - {trigger: overslaan, label: Kennismaking overslaan, from: start, to: c, roles: [coordinator]}
  - {trigger: verder, label: Verder, from: a, to: c, roles: [coordinator]}
  - {trigger: afronden, label: Afronden, from: c, to: klaar, roles: [coordinator]}
"""

# Version 2 renames 'a' to 'b'; rounding off needs the case to have been in 'b', and
# 'nog_eens' may be taken while the case was in 'b' at most once.
V2 = """\
id: hernoemd
version: 2
title: Toetreding met hernoemde stap
sectors: [vo]
roles: {coordinator: Coördinator}
initial: start
migration:
  from: 1
  states: {a: b}
states:
  start: {label: Aanmelding}
  b: {label: Kennismaking (nieuw)}
  c: {label: Gesprek}
  klaar: {label: Afgerond, final: true}
transitions:
  - {trigger: kennismaken, label: Kennismaken, from: start, to: b, roles: [coordinator]}
  - {trigger: overslaan, label: Kennismaking overslaan, from: start, to: c, roles: [coordinator]}
  - {trigger: verder, label: Verder, from: b, to: c, roles: [coordinator]}
  - {trigger: nog_eens, label: Nog eens kennismaken, from: b, to: c, roles: [coordinator], guard: "times_in_at_most('b', 1)"}
  - {trigger: afronden, label: Afronden, from: c, to: klaar, roles: [coordinator], guard: "has_been_in('b')"}
"""


@pytest.fixture
def app(store: Store, tmp_path: Path, clock: FixedClock) -> Toetreding:
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "hernoemd-v1.yaml").write_text(V1, encoding="utf-8")
    (folder / "hernoemd-v2.yaml").write_text(V2, encoding="utf-8")
    app = Toetreding(store, ProtocolRegistry.from_directory(folder), clock)
    partnership_with_schools(app, clock, 2)
    return app


def _open_on_v1(app: Toetreding, brin: str, *triggers: str) -> int:
    case_id = app.open_case(
        school_ref=brin, protocol_id="hernoemd", version=1, actor_ref=COORDINATOR
    )
    for trigger in triggers:
        app.fire(case_id, trigger, actor_ref=COORDINATOR)
    return case_id


def test_a_guard_of_the_new_version_sees_a_past_state_under_its_new_name(
    app: Toetreding, clock: FixedClock
) -> None:
    case_id = _open_on_v1(app, "SCH1", "kennismaken", "verder")  # was in 'a', now in 'c'
    clock.advance(timedelta(hours=1))
    (outcome,) = app.apply_move("hernoemd", 1, 2, by=COORDINATOR)
    assert outcome.moved
    clock.advance(timedelta(hours=1))
    app.fire(case_id, "afronden", actor_ref=COORDINATOR)  # 'was in b' holds: 'a' is 'b' now
    assert app.case(case_id).state == "klaar"
    # the history keeps the names it was written with
    assert [h.to_state for h in app.history(case_id)] == ["start", "a", "c", "c", "klaar"]


def test_a_moved_case_that_never_was_in_the_renamed_state_is_still_refused(
    app: Toetreding, clock: FixedClock
) -> None:
    case_id = _open_on_v1(app, "SCH1", "overslaan")  # never in 'a'
    clock.advance(timedelta(hours=1))
    app.apply_move("hernoemd", 1, 2, by=COORDINATOR)
    with pytest.raises(GuardFailed, match=r"nooit in stap 'Kennismaking \(nieuw\)' geweest"):
        app.fire(case_id, "afronden", actor_ref=COORDINATOR)
    assert app.case(case_id).state == "c"


def test_the_move_itself_is_no_new_stay_in_the_state(app: Toetreding, clock: FixedClock) -> None:
    """A case moved while in 'a' (now 'b') was in 'b' once: the move row renames, it does
    not count as entering 'b' again."""
    case_id = _open_on_v1(app, "SCH2", "kennismaken")
    clock.advance(timedelta(hours=1))
    app.apply_move("hernoemd", 1, 2, by=COORDINATOR)
    clock.advance(timedelta(hours=1))
    app.fire(case_id, "nog_eens", actor_ref=COORDINATOR)  # at most once in 'b': holds
    assert app.case(case_id).state == "c"


# Version 2 of 'bewijs' drops the step that took the plan ('plan_indienen' is now
# 'plan_opsturen'); going back is only for a case without a plan.
_DOC_STEP = "    inputs: [{name: plan, kind: document, label: Plan van aanpak}]\n"
DOC_V1 = f"""\
id: bewijs
version: 1
title: Toetreding met een plan
sectors: [vo]
roles: {{coordinator: Coördinator}}
initial: start
states:
  start: {{label: Aanmelding}}
  plan: {{label: Plan beoordelen}}
  klaar: {{label: Afgerond, final: true}}
transitions:
  - trigger: plan_indienen
    label: Plan indienen
    from: start
    to: plan
    roles: [coordinator]
{_DOC_STEP}  - {{trigger: afronden, label: Afronden, from: plan, to: klaar, roles: [coordinator]}}
"""
DOC_V2 = (
    DOC_V1.replace("version: 1", "version: 2\nmigration: {from: 1}")
    .replace("trigger: plan_indienen", "trigger: plan_opsturen")
    .replace("label: Plan indienen", "label: Plan opsturen")
    + "  - {trigger: opnieuw, label: Opnieuw beginnen, from: plan, to: start, "
    "roles: [coordinator], guard: \"not has_document('plan')\"}\n"
)


def test_a_document_given_in_a_step_the_new_version_dropped_is_named_by_its_old_label(
    store: Store, tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "bewijs-v1.yaml").write_text(DOC_V1, encoding="utf-8")
    (folder / "bewijs-v2.yaml").write_text(DOC_V2, encoding="utf-8")
    app = Toetreding(store, ProtocolRegistry.from_directory(folder), clock)
    partnership_with_schools(app, clock, 1)
    case_id = app.open_case(
        school_ref="SCH1", protocol_id="bewijs", version=1, actor_ref=COORDINATOR
    )
    plan = with_pdfs(app, case_id, "plan_indienen", {"plan": "plan.pdf"})
    app.fire(case_id, "plan_indienen", actor_ref=COORDINATOR, inputs=plan)
    clock.advance(timedelta(hours=1))
    (outcome,) = app.apply_move("bewijs", 1, 2, by=COORDINATOR)
    assert outcome.moved
    with pytest.raises(GuardFailed) as refused:
        app.fire(case_id, "opnieuw", actor_ref=COORDINATOR)
    said = str(refused.value.reason)
    assert said == "document 'Plan van aanpak' is ingediend bij 'Plan indienen'"
    assert "plan_indienen" not in said
    assert app.case(case_id).state == "plan"
