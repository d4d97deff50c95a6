"""The meeting pack of a case moved to another protocol version: "in deze stap sinds" is
the day the case entered its step, not the day of the move (a rename, no new step), the
same day the overview's board counts from."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

from toetreding.audits import AuditDesk
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.documents.meetings import meeting_pack, pack_html
from toetreding.service import Toetreding
from toetreding.store import Store

from .conftest import PROTOCOLS
from .helpers import edit
from .test_web_documents import visible
from .version_move_helpers import COORDINATOR, V1, V2, cases_in_every_state

ROLES = "roles: {coordinator: Coördinator, school: School}\n"
WITH_BODY = "roles: {coordinator: Coördinator, school: School, stuurgroep: Stuurgroep}\n"
DECIDES = "from: besluit, to: toegelaten, roles: [coordinator]}"


def _with_stuurgroep(text: str) -> str:
    """The test protocol with a steering group that decides on admission (a body that meets)."""
    text = edit(text, ROLES, WITH_BODY)
    return edit(text, DECIDES, "from: besluit, to: toegelaten, roles: [coordinator, stuurgroep]}")


def test_a_moved_case_is_in_its_step_since_it_entered_it_not_since_the_move(
    store: Store, tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "overgang-v1.yaml").write_text(_with_stuurgroep(V1), encoding="utf-8")
    (folder / "overgang-v2.yaml").write_text(_with_stuurgroep(V2), encoding="utf-8")
    app = Toetreding(store, ProtocolRegistry.from_directory(folder), clock)
    cases = cases_in_every_state(app, clock)  # opened on 1 September 2026
    clock.advance(timedelta(days=20))
    app.apply_move("overgang", 1, 2, by=COORDINATOR)  # 'Aanmelding ontvangen' becomes 'Intake'
    moved = cases["aanmelding"]
    assert app.case(moved).state == "intake"
    clock.advance(timedelta(days=9))
    meeting_id = app.create_meeting(
        partnership_ref="part2",
        body="stuurgroep",
        day=app.today(),
        starts_at=time(15, 0),
        place="Zwolle",
        actor_ref=COORDINATOR,
    )
    app.set_agenda(meeting_id, [moved], actor_ref=COORDINATOR)

    pack = meeting_pack(AuditDesk(app, PROTOCOLS), meeting_id)

    (summary,) = pack.cases
    assert summary.step.endswith("Intake")
    assert summary.since == date(2026, 9, 1)  # opened then; moved on 23 September
    assert summary.days_in_step == (app.today() - date(2026, 9, 1)).days == 31
    assert "In deze stap sinds 1 september 2026 (31 dagen)" in visible(pack_html(pack))
    # the same day as the board's card
    (timing,) = app.timings({moved: app.spec_of(app.case(moved))}, app.today()).values()
    assert timing.since == summary.since
