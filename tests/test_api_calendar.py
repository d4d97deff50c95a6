"""The school calendar in the JSON API: administrators read it, set a school year's summer
vacation and add or remove a partnership's day off (which moves its working-day deadlines);
anyone else is refused, bad input is refused in Dutch and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from toetreding import Toetreding
from toetreding.clock import FixedClock
from toetreding.settings import Settings
from toetreding.web import create_app

from .test_days_off import DUE, OPENED, SOURCE, due, open_case, partnerships, registry

DAY_OFF = {"partnerschap": "po", "dag": "2027-05-07", "naam": "Studiedag", "bron": SOURCE}
REMOVE = f"/api/kalender/vrije-dagen/po/2027-05-07?bron={SOURCE}"
VACATION = {"zomervakanties": {"noord": {"begin": "2027-07-10", "eind": "2027-08-22"}}}
CITED = "https://testdata.invalid/zomervakanties-niet-officieel"  # vacations cite a web page


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Toetreding]]:
    """One app for the module: partnerships po and ander (see test_days_off), an
    administrator's and a coordinator's API token."""
    folder = tmp_path_factory.mktemp("api_calendar")
    registry(folder)
    settings = Settings(database_url=f"sqlite:///{folder / 'web.db'}", protocols_dir=folder)
    web = create_app(settings, FixedClock(OPENED), secret="test-secret")
    app = partnerships(web.state.ctx.service)
    admin = app.add_person("Beheerder", "beheer@po.nl")
    app.accounts.set_password(admin.id, "correct-horse-battery", admin=True)
    app.accounts.set_password(app.store.person("c@po.nl").id or 0, "correct-horse-battery")
    with TestClient(web) as client:
        yield client, app


def token(app: Toetreding, email: str) -> dict[str, str]:
    person = app.store.person(email)
    return {"Authorization": f"Bearer {app.accounts.issue_token(person.id or 0, 'api')}"}


def test_only_an_administrator_reads_or_changes_the_calendar(
    api: tuple[TestClient, Toetreding],
) -> None:
    client, app = api
    coordinator = token(app, "c@po.nl")
    before = app.calendar_changes()
    for method, path, body in [
        ("GET", "/api/kalender", None),
        ("PUT", "/api/kalender/2026-2027", {**VACATION, "bron": CITED}),
        ("POST", "/api/kalender/vrije-dagen", DAY_OFF),
        ("DELETE", REMOVE, None),
    ]:
        answer = client.request(method, path, json=body, headers=coordinator)
        assert answer.status_code == 403, (method, answer.text)
        assert answer.json() == {"detail": "alleen een beheerder mag de schoolkalender beheren"}
    assert client.get("/api/kalender").status_code == 401
    assert app.calendar_changes() == before


def test_an_administrator_keeps_the_calendar_through_the_api(
    api: tuple[TestClient, Toetreding],
) -> None:
    client, app = api
    admin = token(app, "beheer@po.nl")
    case_id = open_case(app, "WILG")

    added = client.post(
        "/api/kalender/vrije-dagen", json=DAY_OFF, headers={**admin, "Idempotency-Key": "d-1"}
    )
    assert added.status_code == 201, added.text
    assert added.json() == {
        "partnerschap": "po",
        "dag": "2027-05-07",
        "melding": "1 termijn verschoven",
        "verschoven": [
            {
                "dossier": case_id,
                "termijn": "Reageren binnen 10 werkdagen",
                "was": "2027-05-10",
                "wordt": "2027-05-11",
            }
        ],
    }
    # the same request again with its key: the first answer, nothing moves twice
    again = client.post(
        "/api/kalender/vrije-dagen", json=DAY_OFF, headers={**admin, "Idempotency-Key": "d-1"}
    )
    assert again.headers["Idempotency-Replayed"] == "true" and again.json() == added.json()
    assert due(app, case_id) == date(2027, 5, 11)

    shown = client.get("/api/kalender", headers=admin).json()
    assert {"partnerschap": "po", "dag": "2027-05-07", "naam": "Studiedag", "bron": SOURCE} in (
        shown["vrije_dagen"]
    )
    [year] = [y for y in shown["schooljaren"] if y["schooljaar"] == "2026-2027"]
    assert year["compleet"] is False and year["zomervakanties"][0] == {
        "regio": "noord",
        "begin": None,
        "eind": None,
        "bron": None,
    }

    saved = client.put("/api/kalender/2026-2027", json={**VACATION, "bron": CITED}, headers=admin)
    assert saved.json() == {
        "schooljaar": "2026-2027",
        "gewijzigd": 1,
        "gedateerd": 0,
        "verschoven": 0,
        "melding": "",
    }
    [year] = [
        y for y in client.get("/api/kalender", headers=admin).json()["schooljaren"]
        if y["schooljaar"] == "2026-2027"
    ]  # fmt: skip
    assert year["zomervakanties"][0]["begin"] == "2027-07-10"

    removed = client.delete(REMOVE, headers=admin)
    assert removed.status_code == 200
    assert removed.json()["melding"] == "1 termijn verschoven"
    assert removed.json()["verschoven"][0]["wordt"] == DUE.isoformat()
    assert due(app, case_id) == DUE
    assert [c.subject for c in app.calendar_changes(3)] == [
        "vrije dag po 07-05-2027",
        "zomervakantie 2026-2027 noord",
        "vrije dag po 07-05-2027",
    ]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "words"),
    [
        ("PUT", "/api/kalender/2026-2028", {**VACATION, "bron": CITED}, 422, "opeenvolgend"),
        ("PUT", "/api/kalender/2026-2027", {**VACATION, "bron": " "}, 422, "bron"),
        (
            "PUT",
            "/api/kalender/2026-2027",
            {**VACATION, "bron": "niet een url"},
            422,
            "geef de bron als webadres, bijv. https://www.rijksoverheid.nl/",
        ),
        (
            "PUT",
            "/api/kalender/2026-2027",
            {"zomervakanties": {"oost": VACATION["zomervakanties"]["noord"]}, "bron": CITED},
            422,
            "zomervakanties",
        ),
        (
            "PUT",
            "/api/kalender/2026-2027",
            {
                "zomervakanties": {"noord": {"begin": "2027-08-22", "eind": "2027-07-10"}},
                "bron": CITED,
            },
            422,
            "vóór het begin",
        ),
        ("POST", "/api/kalender/vrije-dagen", {**DAY_OFF, "dag": "7 mei"}, 422, "dag"),
        ("POST", "/api/kalender/vrije-dagen", {**DAY_OFF, "naam": " "}, 422, "naam"),
        ("POST", "/api/kalender/vrije-dagen", {**DAY_OFF, "partnerschap": "xx"}, 404, "xx"),
        (
            "DELETE",
            f"/api/kalender/vrije-dagen/po/2027-05-14?bron={SOURCE}",
            None,
            404,
            "po heeft geen vrije dag op 14-05-2027",
        ),
        ("DELETE", "/api/kalender/vrije-dagen/po/2027-05-07", None, 422, "bron"),
    ],
)
def test_bad_input_is_refused_in_dutch_and_changes_nothing(
    api: tuple[TestClient, Toetreding],
    method: str,
    path: str,
    body: Any,
    status: int,
    words: str,
) -> None:
    client, app = api
    before = app.calendar_changes()
    answer = client.request(method, path, json=body, headers=token(app, "beheer@po.nl"))
    assert answer.status_code == status, answer.text
    assert words in answer.json()["detail"] and "Traceback" not in answer.text
    assert app.calendar_changes() == before
