"""``toetreding serve`` runs on the clock every other command uses: with ``TOETREDING_NOW``
set (an exercise, a replay), the overview's school-calendar notice is about that day's school
years, not the wall clock's."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from toetreding import Toetreding
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry

from .helpers import run
from .web_helpers import PASSWORD, sign_in

# Not official data: made-up dates of the right shape, for the tests only.
SOURCE = "https://testdata.invalid/zomervakanties-niet-officieel"
NOTICE = "Schoolkalender: gegevens ontbreken"


def test_the_served_overview_warns_about_the_calendar_of_the_injected_day(
    db: Path, registry: ProtocolRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = Toetreding.open(f"sqlite:///{db}", registry, FixedClock(datetime(2026, 9, 1)))
    # 2027-2028 is shipped; 2028-2029 entered: nothing is missing in 2027-2028
    app.set_summer_vacations(
        "2028-2029",
        {region: (date(2029, 7, 7), date(2029, 8, 19)) for region in ("noord", "midden", "zuid")},
        source=SOURCE,
        by=None,
    )
    admin = app.add_person("Beheerder", "beheer@po.nl")
    app.accounts.set_password(admin.id, PASSWORD, admin=True)
    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda web_app, **_: served.append(web_app))
    for now, missing in [
        ("2027-09-01T09:00", None),  # this school year and the next have their dates
        ("2028-09-01T09:00", "de zomervakantie 2029-2030 ontbreekt"),  # the next has none
        ("2026-12-07T09:00", "de zomervakantie 2026-2027 ontbreekt"),  # this one has none
    ]:
        monkeypatch.setenv("TOETREDING_NOW", now)
        run("serve", "--no-scheduler", "--port", "8741")
        with TestClient(served[-1]) as client:
            sign_in(client, "beheer@po.nl")
            page = client.get("/overzicht").text
        if missing is None:
            assert NOTICE not in page, now
        else:
            assert NOTICE in page and missing.capitalize() in page, now
