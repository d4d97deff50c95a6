"""The conversation frame of a case in the browser and the API: the mbo institution maps its
basic quality on the waarborgen (mbo-aansluiting v3, step 2), the stuurgroep reads it, and a
person who may not see the case learns nothing of it."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from toetreding import Toetreding
from toetreding.store.tables import SchoolCreate

from .helpers import with_pdfs
from .web_helpers import (
    COORDINATOR,
    KERNGROEP,
    PASSWORD,
    STUURGROEP,
    client,
    csrf_of,
    sign_in,
    token,
)

__all__ = ["client"]  # the demo client fixture

CONTACT = "contact@roc-almelo.example"
OUTSIDER = "contact@demo01.example"  # the contact of another demo school


def _mbo_case_in_step_2(client: TestClient) -> int:
    app: Toetreding = client.app.state.ctx.service  # type: ignore[attr-defined]
    partnership = app.store.partnership("part2")
    school = SchoolCreate(
        partnership_id=partnership.id or 0, name="ROC Almelo", sector="mbo", region="midden",
        brin="ALM001",
    )  # fmt: skip
    app.store.add_school(school, app.clock.now())
    person = app.add_person("Ria", CONTACT, partnership_ref="part2", roles=("school",),
                            school_ref="ALM001")  # fmt: skip
    app.accounts.set_password(person.id, PASSWORD, app.clock.now())
    case = app.open_case(school_ref="ALM001", protocol_id="mbo-aansluiting", actor_ref=COORDINATOR)
    inputs = {"verslag_verkenning": "v.pdf", "rol_instelling": "Eerst klein"}
    trigger = "verkenning_afronden"
    app.fire(case, trigger, actor_ref=COORDINATOR, inputs=with_pdfs(app, case, trigger, inputs))
    return case


def _text(html: str) -> str:
    """What a person reads: the page without its tags."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def _alert(html: str) -> str:
    """The refusal at the top of the case page."""
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', html, re.S)
    return _text(found.group(1)) if found else ""


def test_the_school_maps_its_basic_quality_in_the_browser(client: TestClient) -> None:
    case = _mbo_case_in_step_2(client)
    sign_in(client, CONTACT)
    assert (
        f'href="/dossiers/{case}/gesprekskader">Gesprekskader invullen'
        in client.get(f"/dossiers/{case}").text
    )
    shown = client.get(f"/dossiers/{case}/gesprekskader")
    assert shown.status_code == 200
    assert "Eigen basiskwaliteit op de vier waarborgen" in shown.text
    assert "4 van 4 vragen nog niet beantwoord" in shown.text
    assert 'name="antwoord-1"' in shown.text and "Kwaliteitskader Samen Opleiden" in shown.text
    form = {"csrf_token": csrf_of(shown.text)}

    typed = {"antwoord-1": "Werkt: schoolopleider", "antwoord-2": "Nog niet", "antwoord-3": ""}
    saved = client.post(f"/dossiers/{case}/gesprekskader", data={**form, **typed})
    assert saved.status_code == 200  # after the redirect
    page = _text(saved.text)
    assert "Opgeslagen: 2 antwoorden vastgelegd." in page
    assert "Werkt: schoolopleider</textarea>" in unescape(saved.text)
    assert "Versie 1, vastgelegd door Ria" in page
    assert "2 van 4 vragen nog niet beantwoord: Waarborg 3, Waarborg 4" in page

    # only what changed becomes a new revision
    typed = {"antwoord-1": "Werkt: schoolopleider en intervisie", "antwoord-2": "Nog niet"}
    again = client.post(f"/dossiers/{case}/gesprekskader", data={**form, **typed})
    assert "Opgeslagen: 1 antwoord vastgelegd." in _text(again.text)
    api = client.get(f"/api/dossiers/{case}/gesprekskader", headers=token(client, CONTACT)).json()
    assert [(q["question_id"], (q["answer"] or {}).get("revision")) for q in api["questions"]] == [
        ("1", 2), ("2", 1), ("3", None), ("4", None)
    ]  # fmt: skip


def test_a_refused_form_keeps_what_was_typed_and_records_nothing(client: TestClient) -> None:
    case = _mbo_case_in_step_2(client)
    sign_in(client, CONTACT)
    form = {"csrf_token": csrf_of(client.get(f"/dossiers/{case}/gesprekskader").text)}
    client.post(f"/dossiers/{case}/gesprekskader", data={**form, "antwoord-1": "Eerste beeld"})

    emptied = client.post(
        f"/dossiers/{case}/gesprekskader",
        data={**form, "antwoord-1": "", "antwoord-2": "Getypt maar niet bewaard"},
    )
    assert emptied.status_code == 422
    page = _text(emptied.text)
    assert "Niet opgeslagen:" in page and "geef het antwoord op 'Waarborg 1'" in page
    assert "Getypt maar niet bewaard</textarea>" in emptied.text  # the form is kept
    too_long = client.post(
        f"/dossiers/{case}/gesprekskader", data={**form, "antwoord-3": "x" * 5001}
    )
    assert too_long.status_code == 422
    assert "'Waarborg 3' is te lang: 5.001 tekens; ten hoogste 5.000" in _text(too_long.text)
    stored = client.get(f"/api/dossiers/{case}/gesprekskader", headers=token(client, CONTACT))
    assert stored.json()["unanswered"] == ["2", "3", "4"]  # nothing of either form recorded


def test_the_submit_waits_for_every_waarborg_on_the_case_page(client: TestClient) -> None:
    case = _mbo_case_in_step_2(client)
    sign_in(client, CONTACT)
    form = {"csrf_token": csrf_of(client.get(f"/dossiers/{case}/gesprekskader").text)}
    client.post(f"/dossiers/{case}/gesprekskader", data={**form, "antwoord-1": "Op orde"})
    refused = client.post(f"/dossiers/{case}/handelingen/basiskwaliteit_indienen", data=form)
    assert refused.status_code == 422
    assert "nog niet beantwoord in het gesprekskader" in _text(refused.text)
    assert "Waarborg 2, Waarborg 3, Waarborg 4" in _text(refused.text)
    # the refusal leads to where they are answered
    assert (
        f'<a href="/dossiers/{case}/gesprekskader">Beantwoord de vragen van het gesprekskader</a>'
        in refused.text
    )
    assert "Beantwoord de vragen" in _alert(refused.text)
    # so does the API's, in a field of its own
    api = client.post(
        f"/api/dossiers/{case}/handelingen/basiskwaliteit_indienen",
        json={},
        headers=token(client, CONTACT),
    )
    assert api.status_code == 422 and "Waarborg 2" in api.json()["reason"]
    assert api.json()["frame"] == {
        "page": f"/dossiers/{case}/gesprekskader",
        "api": f"/api/dossiers/{case}/gesprekskader",
    }
    # a refusal for another reason does not
    other = client.post(f"/dossiers/{case}/handelingen/verkenning_afronden", data=form)
    assert other.status_code == 422 and "Niet gelukt" in _alert(other.text)
    assert "gesprekskader" not in _alert(other.text)
    api_other = client.post(
        f"/api/dossiers/{case}/handelingen/verkenning_afronden",
        json={},
        headers=token(client, CONTACT),
    )
    assert api_other.status_code == 422 and api_other.json()["frame"] is None
    answers = {f"antwoord-{n}": f"Waarborg {n} in kaart" for n in (2, 3, 4)}
    client.post(f"/dossiers/{case}/gesprekskader", data={**form, **answers})
    client.post(f"/dossiers/{case}/handelingen/basiskwaliteit_indienen", data=form)

    # the next step reads the map; nobody records in it any more
    after = client.get(f"/dossiers/{case}/gesprekskader")
    assert "Waarborg 3 in kaart" in after.text and "<textarea" not in after.text
    assert "De antwoorden worden vastgelegd in stap" in _text(after.text)
    late = client.post(f"/dossiers/{case}/gesprekskader", data={**form, "antwoord-1": "Later"})
    assert late.status_code == 422 and "hoort geen gesprekskader" in _text(late.text)


def test_the_stuurgroep_reads_and_an_outsider_sees_nothing(client: TestClient) -> None:
    case = _mbo_case_in_step_2(client)
    sign_in(client, CONTACT)
    form = {"csrf_token": csrf_of(client.get(f"/dossiers/{case}/gesprekskader").text)}
    client.post(f"/dossiers/{case}/gesprekskader", data={**form, "antwoord-1": "Geheim beeld"})

    sign_in(client, STUURGROEP)
    read = client.get(f"/dossiers/{case}/gesprekskader")
    assert "Geheim beeld" in read.text and "<textarea" not in read.text
    assert "leggen Aansluitende mbo-instelling en Coördinator" in _text(read.text)
    form = {"csrf_token": csrf_of(read.text)}
    refused = client.post(f"/dossiers/{case}/gesprekskader", data={**form, "antwoord-2": "x"})
    assert refused.status_code == 422
    assert "worden de antwoorden vastgelegd door" in _text(refused.text)

    sign_in(client, OUTSIDER)
    form = {"csrf_token": csrf_of(client.get("/overzicht").text)}
    for response in (
        client.get(f"/dossiers/{case}/gesprekskader"),
        client.post(f"/dossiers/{case}/gesprekskader", data={**form, "antwoord-2": "x"}),
        client.get(f"/api/dossiers/{case}/gesprekskader", headers=token(client, OUTSIDER)),
    ):
        assert response.status_code == 404 and "Geheim beeld" not in response.text
    unknown = client.get("/dossiers/9999/gesprekskader")
    assert unknown.status_code == 404


def test_the_api_records_one_answer_at_a_time(client: TestClient) -> None:
    case = _mbo_case_in_step_2(client)
    url = f"/api/dossiers/{case}/gesprekskader"
    mine = token(client, CONTACT)
    shown = client.get(url, headers=mine).json()
    assert shown["may_answer"] is True and shown["unanswered"] == ["1", "2", "3", "4"]
    first = client.put(f"{url}/antwoorden/1", json={"answer": "Op orde"}, headers=mine)
    assert first.status_code == 200 and first.json()["revision"] == 1
    same = client.put(f"{url}/antwoorden/1", json={"answer": "Op orde "}, headers=mine)
    assert same.json()["revision"] == 1  # nothing changed, no new revision
    empty = client.put(f"{url}/antwoorden/2", json={"answer": " "}, headers=mine)
    assert empty.status_code == 422 and "geef het antwoord op 'Waarborg 2'" in empty.text
    unknown = client.put(f"{url}/antwoorden/9", json={"answer": "x"}, headers=mine)
    assert unknown.status_code in (404, 422)
    stuurgroep = token(client, STUURGROEP)
    assert client.get(url, headers=stuurgroep).json()["may_answer"] is False
    refused = client.put(f"{url}/antwoorden/2", json={"answer": "x"}, headers=stuurgroep)
    assert refused.status_code == 422 and "vastgelegd door" in refused.json()["detail"]
    assert client.get("/api/dossiers/1/gesprekskader", headers=stuurgroep).status_code == 200


def test_the_school_reads_its_intake_answers_and_the_form_says_so(client: TestClient) -> None:
    """Decision (issue 13): the school takes part in the intake talk, so it reads the FROSK
    answers on its own case; the form warns the partnership's staff before they write."""
    case = 4  # Lyceum Wierden, at the orientation talk (FROSK)
    sign_in(client, KERNGROEP)
    shown = client.get(f"/dossiers/{case}/gesprekskader")
    warning = "De school kan deze antwoorden lezen."
    assert warning in _text(shown.text)
    assert shown.text.index(warning) < shown.text.index('class="frame-form"')  # above the form
    form = {"csrf_token": csrf_of(shown.text)}
    typed = {"antwoord-1": "Twee schoolopleiders, een derde in opleiding"}
    client.post(f"/dossiers/{case}/gesprekskader", data={**form, **typed})

    sign_in(client, "contact@demo04.example")  # the school's contact
    read = client.get(f"/dossiers/{case}/gesprekskader")
    assert read.status_code == 200
    assert "Twee schoolopleiders, een derde in opleiding" in read.text
    assert "<textarea" not in read.text  # reads, does not write
