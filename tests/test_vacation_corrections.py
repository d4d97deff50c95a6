"""Correcting a summer vacation re-dates the open deadlines counted with it: Partnerschap 2's
"10 werkdagen" correction window dated with the vacation first entered must not keep that
date once the vacation is corrected (it would fall in the corrected vacation, and the sweep
would fire geen_correcties while the school is away). A date extended by hand stays."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from toetreding import Toetreding
from toetreding.service import deadline_payload, history_actor, history_heading

from .conftest import SmtpServer
from .test_partnerschap2 import COORDINATOR
from .test_reminder_rungs import Heartbeats
from .test_school_calendar import web  # noqa: F401  (the web app with an administrator)
from .test_summer_working_days import (
    MIDDEN_2027,
    SOURCE,
    concept_report_sent_on,
    correction_window,
    sent,
)
from .web_helpers import csrf_of, sign_in

# The tester's correction: midden's summer 2026-2027 is Sat 24 July - Sun 5 September 2027.
CORRECTED = (date(2027, 7, 24), date(2027, 9, 5))


def summer(app: Toetreding, period: tuple[date, date], on: date) -> tuple[int, int, int, str]:
    saved = app.set_summer_vacations(
        "2026-2027", {"midden": period}, source=SOURCE, by=None, at=sent(on)
    )
    return saved.changed, saved.dated, saved.redated, saved.redated_words


def test_a_corrected_summer_re_dates_the_window_counted_with_it(app: Toetreding) -> None:
    case = concept_report_sent_on(app, date(2027, 6, 30))  # Wednesday; Het Noordik: midden
    # entered 10 July - 22 August: ... Fri 9 July (7), Mon 23 (8), Tue 24 (9), Wed 25 August
    assert summer(app, MIDDEN_2027, date(2027, 7, 2))[:2] == (1, 1)
    assert correction_window(app, case) == (date(2027, 8, 25), None)

    answer = summer(app, CORRECTED, date(2027, 7, 5))

    # Counted again from Wed 30 June: Thu 1 (1), Fri 2 (2), Mon 5 - Fri 9 (3-7), Mon 12 (8),
    # Tue 13 (9), Wed 14 July (10); the corrected vacation begins only on 24 July.
    assert answer == (1, 0, 1, "1 termijn kreeg een nieuwe datum")
    assert correction_window(app, case) == (date(2027, 7, 14), None)
    last = app.store.history(case)[-1]
    assert last.trigger == "termijn_verschoven_zomervakantie"
    assert last.payload == {
        "termijn": "correctievenster",
        "oude_datum": "2027-08-25",
        "nieuwe_datum": "2027-07-14",
    }
    assert last.note == "de zomervakantie van regio midden is gecorrigeerd"
    # the case's history names it in words, no identifiers
    spec = app.spec_of(app.store.case(case))
    assert history_heading(spec, last) == "Termijn verschoven (zomervakantie gecorrigeerd)"
    assert history_actor(spec, last) == "de schoolkalender"
    assert deadline_payload(spec, last) == [
        ("termijn", "Feitelijke onjuistheden terugmelden (10 werkdagen)"),
        ("oude datum", "25-08-2027"),
        ("nieuwe datum", "14-07-2027"),
    ]
    # saving the same dates again changes nothing and moves nothing
    assert summer(app, CORRECTED, date(2027, 7, 6)) == (0, 0, 0, "")


def test_a_correction_into_the_window_moves_it_past_the_corrected_summer(
    app: Toetreding,
) -> None:
    # Sent Wed 7 July 2027: Thu 8 (1), Fri 9 (2), vacation 10 July - 22 August, Mon 23 -
    # Fri 27 August (3-7), Mon 30 (8), Tue 31 August (9), Wed 1 September (10) as entered ...
    case = concept_report_sent_on(app, date(2027, 7, 7))
    summer(app, MIDDEN_2027, date(2027, 7, 7))
    assert correction_window(app, case) == (date(2027, 9, 1), None)
    # ... and with the corrected vacation (24 July - 5 September): Thu 8 (1), Fri 9 (2),
    # Mon 12 - Fri 16 (3-7), Mon 19 (8), Tue 20 (9), Wed 21 July (10).
    assert summer(app, CORRECTED, date(2027, 7, 8))[2] == 1
    assert correction_window(app, case) == (date(2027, 7, 21), None)
    # nothing fires while the school is on the corrected vacation before it is due
    assert app.sweep_deadlines(sent(date(2027, 7, 20))) == []


def test_a_window_extended_by_hand_keeps_its_date(app: Toetreding) -> None:
    case = concept_report_sent_on(app, date(2027, 6, 30))
    summer(app, MIDDEN_2027, date(2027, 7, 2))
    app.extend_deadline(
        case,
        "correctievenster",
        new_due=date(2027, 8, 27),
        reason="de school vroeg om twee dagen",
        actor_ref=COORDINATOR,
        at=sent(date(2027, 7, 2)),
    )

    assert summer(app, CORRECTED, date(2027, 7, 5))[1:3] == (0, 0)
    assert correction_window(app, case) == (date(2027, 8, 27), None)
    assert app.store.history(case)[-1].trigger == "termijn_verlengen"


def test_its_reminders_go_out_on_the_new_days(app: Toetreding, smtp_server: SmtpServer) -> None:
    heartbeats = Heartbeats(app, smtp_server)
    case = concept_report_sent_on(app, date(2027, 6, 30))
    summer(app, MIDDEN_2027, date(2027, 7, 2))  # due Wed 25 August
    summer(app, CORRECTED, date(2027, 7, 5))  # due Wed 14 July
    # its rung "3 werkdagen" before: Tue 13 (1), Mon 12 (2), Fri 9 July (3); and the day
    # itself, 14 July, not 25 August
    assert list(heartbeats.days(date(2027, 7, 5), date(2027, 8, 31))) == [
        date(2027, 7, 9),
        date(2027, 7, 14),
    ]
    assert correction_window(app, case) == (date(2027, 7, 14), None)


def test_a_reminder_sent_before_the_correction_is_not_sent_again(
    app: Toetreding, smtp_server: SmtpServer
) -> None:
    heartbeats = Heartbeats(app, smtp_server)
    case = concept_report_sent_on(app, date(2027, 6, 30))
    summer(app, MIDDEN_2027, date(2027, 6, 30))
    # due Wed 25 August; its rung "3 werkdagen" before: Tue 24 (1), Mon 23 (2), the
    # vacation skipped, Fri 9 July (3): sent then
    assert list(heartbeats.days(date(2027, 7, 1), date(2027, 7, 11))) == [date(2027, 7, 9)]

    # one week more vacation (10 July - 29 August): ... Fri 9 July (7), Mon 30 (8),
    # Tue 31 August (9), Wed 1 September (10)
    assert summer(app, (date(2027, 7, 10), date(2027, 8, 29)), date(2027, 7, 12))[2] == 1
    assert correction_window(app, case) == (date(2027, 9, 1), None)

    # the rung before is still Fri 9 July: sent, not sent again; the one on the day goes
    # out on the new date, not on 25 August
    assert list(heartbeats.days(date(2027, 7, 12), date(2027, 9, 2))) == [date(2027, 9, 1)]


def test_the_api_and_the_page_say_how_many_got_a_new_date(
    web: tuple[TestClient, Toetreding],  # noqa: F811  (the fixture imported above)
) -> None:
    client, service = web
    case = concept_report_sent_on(service, date(2027, 6, 30))
    admin = service.store.person("beheer@po.nl")
    bearer = {"Authorization": f"Bearer {service.accounts.issue_token(admin.id or 0, 'api')}"}
    entered = {"midden": {"begin": "2027-07-10", "eind": "2027-08-22"}}
    answer = client.put(
        "/api/kalender/2026-2027", json={"zomervakanties": entered, "bron": SOURCE}, headers=bearer
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "schooljaar": "2026-2027",
        "gewijzigd": 1,
        "gedateerd": 1,
        "verschoven": 0,
        "melding": "",
    }
    corrected = {"midden": {"begin": "2027-07-24", "eind": "2027-09-05"}}
    answer = client.put(
        "/api/kalender/2026-2027",
        json={"zomervakanties": corrected, "bron": SOURCE},
        headers=bearer,
    )
    assert answer.json()["verschoven"] == 1
    assert answer.json()["melding"] == "1 termijn kreeg een nieuwe datum"
    assert correction_window(service, case) == (date(2027, 7, 14), None)

    # the page: back to the first dates, the window back to 25 August
    sign_in(client, "beheer@po.nl")
    form = client.get("/beheer/schoolkalender?schooljaar=2026-2027").text
    fields = {
        "csrf_token": csrf_of(form),
        "schooljaar": "2026-2027",
        "midden_begin": "2027-07-10",
        "midden_eind": "2027-08-22",
        "bron": SOURCE,
    }
    saved = client.post("/beheer/schoolkalender", data=fields)
    assert "Zomervakantie 2026-2027 opgeslagen. 1 termijn kreeg een nieuwe datum." in saved.text
    assert correction_window(service, case) == (date(2027, 8, 25), None)
    history = client.get(f"/dossiers/{case}").text.split('id="geschiedenis"')[1]
    assert "Termijn verschoven (zomervakantie gecorrigeerd)" in history
    assert "termijn_verschoven_zomervakantie" not in history
