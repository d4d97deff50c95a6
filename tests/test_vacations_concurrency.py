"""Two administrators saving the same summer vacation at once (a double submit, or two
people entering the new school year): the second save waits until the first committed and
then finds the year entered and the deadline dated, instead of failing on its insert or on
dating the deadline again. The first is held inside its transaction, after it read the
waiting deadlines, until the second is seen waiting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from toetreding import Toetreding
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.service import Saved
from toetreding.store import Store

from .test_days_off import partnerships
from .test_days_off_concurrency import (
    WAIT,
    engines,
    hold,
    in_thread,
    sqlite_pair,
    waits_for_a_lock,
    waits_in_the_database,
)
from .test_summer_working_days import MIDDEN_2027, SOURCE, sent

__all__ = ["engines"]

WAITING = """\
id: zomerwacht
version: 1
title: Wachten op de zomer
sectors: [po]
roles: {coordinator: Coördinator, school: School}
initial: reactie
states:
  reactie:
    label: Reactie
    deadlines:
      - {name: reageren, label: Reageren, met_by: [reageren], due: {after: 10 werkdagen}}
  klaar: {label: Klaar, final: true, outcome: partner}
transitions:
  - {trigger: reageren, label: Reageren, from: reactie, to: klaar, roles: [school]}
"""
OPENED = sent(date(2027, 6, 30))  # 10 working days reach July 2027: midden's summer


def protocols(folder: Path) -> ProtocolRegistry:
    (folder / "zomerwacht.yaml").write_text(WAITING, encoding="utf-8")
    return ProtocolRegistry.from_directory(folder)


def two_apps(first: Engine, second: Engine, folder: Path) -> tuple[Toetreding, Toetreding]:
    registry = protocols(folder)
    one = partnerships(Toetreding(Store(first), registry, FixedClock(OPENED)))
    return one, Toetreding(Store(second), registry, FixedClock(OPENED))


def enter(app: Toetreding) -> Callable[[], Saved]:
    return lambda: app.set_summer_vacations(
        "2026-2027", {"midden": MIDDEN_2027}, source=SOURCE, by=None
    )


def check(first: Toetreding, case_id: int, one: dict[str, Any], two: dict[str, Any]) -> None:
    assert "error" not in one and "error" not in two, (one, two)
    # the first entered the year and dated the deadline; the second found nothing to do
    assert (one["moved"].changed, one["moved"].dated) == (1, 1)
    assert (two["moved"].changed, two["moved"].dated) == (0, 0)
    [deadline] = first.store.deadlines(case_id=case_id)
    assert deadline.due_date == date(2027, 8, 25)  # 1, 2, 5-9 July, 23-25 August
    dated = [e for e in first.store.history(case_id) if e.trigger == "termijn_gedateerd"]
    assert len(dated) == 1
    trail = [c for c in first.calendar_changes() if c.subject == "zomervakantie 2026-2027 midden"]
    assert len(trail) == 1


@pytest.mark.postgres
def test_a_second_save_of_vacations_waits_for_the_first(
    engines: tuple[Engine, Engine, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_engine, second_engine, second_name = engines
    first, second = two_apps(first_engine, second_engine, tmp_path)
    case_id = first.open_case(school_ref="WILG", protocol_id="zomerwacht", actor_ref="c@po.nl")
    assert first.store.deadlines(case_id=case_id)[0].due_date is None  # datum volgt

    inside, go_on = hold(first, "_redate", monkeypatch)
    first_thread, one = in_thread(enter(first))
    assert inside.wait(WAIT)
    second_thread, two = in_thread(enter(second))
    waited = waits_for_a_lock(first_engine, second_name, second_thread)
    go_on.set()
    first_thread.join(WAIT)
    second_thread.join(WAIT)

    assert waited, "the second save went ahead while the first was still open"
    check(first, case_id, one, two)


def test_on_sqlite_a_second_save_of_vacations_waits_for_the_first(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = sqlite_pair(sqlite_url, protocols(tmp_path), OPENED)
    case_id = first.open_case(school_ref="WILG", protocol_id="zomerwacht", actor_ref="c@po.nl")

    inside, go_on = hold(first, "_redate", monkeypatch)
    first_thread, one = in_thread(enter(first))
    assert inside.wait(WAIT)
    second_thread, two = in_thread(enter(second))
    waited = waits_in_the_database(second_thread, "save_vacations")
    go_on.set()
    first_thread.join(WAIT)
    second_thread.join(WAIT)

    assert waited
    check(first, case_id, one, two)
    first.store.engine.dispose()
    second.store.engine.dispose()
