"""Spreadsheets on the web pages, on the demo database (NOW: 23 November 2026): the case
list, the agenda and an audit's scores as downloads a user opens in Excel, and the import
page (upload, dry run, confirm) with its refusals."""

from __future__ import annotations

import html
import io
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from .web_helpers import COORDINATOR, STUURGROEP, csrf_of, sign_in

CSV = "text/csv"


def cells(body: bytes) -> list[list[object]]:
    ws = load_workbook(io.BytesIO(body)).active
    assert ws is not None
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_case_list_downloads_as_xlsx_and_csv_with_what_the_page_shows(
    client: TestClient,
) -> None:
    sign_in(client, COORDINATOR)
    page = client.get("/dossiers")
    assert 'href="/dossiers.xlsx?zoek="' in page.text
    answer = client.get("/dossiers.xlsx")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == 'attachment; filename="dossiers.xlsx"'
    rows = cells(answer.content)
    assert rows[0][:6] == ["Dossier", "School", "Protocol", "Versie", "Stap", "Waar het dossier is"]
    assert {r[1] for r in rows[1:]} >= {"Het Noordik (demo)", "Vakcollege Hengelo (demo)"}
    found = client.get("/dossiers.csv?zoek=Hengelo")
    lines = found.content.decode("utf-8-sig").splitlines()
    assert found.headers["content-type"].startswith(CSV)
    assert (
        len(lines) == 2 and ";Vakcollege Hengelo (demo);" in lines[1] and ";Volgschool;" in lines[1]
    )
    assert client.get("/dossiers.pdf").status_code == 404


def test_the_agenda_downloads_with_its_filters_and_a_school_sees_only_its_own(
    client: TestClient,
) -> None:
    sign_in(client, COORDINATOR)
    assert 'href="/agenda.xlsx?binnen=&amp;te_laat=1"' in client.get("/agenda?te_laat=1").text
    rows = cells(client.get("/agenda.xlsx?te_laat=1").content)
    assert rows[0] == [
        "Uiterlijk",
        "Dagen over",
        "Status",
        "School",
        "Dossier",
        "Stap",
        "Wat",
        "Wie",
    ]
    assert rows[1][3] == "Twents Carmel Lyceum (demo)" and rows[1][2] == "verlopen"
    assert all(row[2] == "verlopen" and row[1] < 0 for row in rows[1:])  # type: ignore[operator]
    client.post("/uitloggen", data={"csrf_token": csrf_of(client.get("/agenda").text)})
    sign_in(client, "contact@demo05.example")
    own = client.get("/agenda.csv").content.decode("utf-8-sig").splitlines()
    assert len(own) >= 2 and all(";Vakcollege Hengelo (demo);" in line for line in own[1:])


def test_audit_scores_download_for_the_committee_side_never_for_the_school(
    client: TestClient,
) -> None:
    sign_in(client, STUURGROEP)
    assert 'href="/dossiers/5/audit/scores.xlsx?nummer=1"' in client.get("/dossiers/5/audit").text
    rows = cells(client.get("/dossiers/5/audit/scores.xlsx").content)
    assert rows[0][:4] == ["Domein", "Nummer", "Criterium", "Score"]
    assert len(rows) == 13 and all(row[3] for row in rows[1:])
    gesprek = rows[0].index("Gesprek")
    said = {row[gesprek] for row in rows[1:]} - {None, ""}
    assert said and not said & {"management", "studenten", "opleiders"}, said
    client.post("/uitloggen", data={"csrf_token": csrf_of(client.get("/dossiers").text)})
    sign_in(client, "contact@demo05.example")
    assert client.get("/dossiers/5/audit/scores.xlsx").status_code == 404
    assert client.get("/dossiers/1/audit/scores.csv").status_code == 404  # another school's


def upload(client: TestClient, content: bytes, kind: str = "schools", name: str = "s.csv"):  # type: ignore[no-untyped-def]
    form = client.get("/inlezen")
    partnership = re.search(r'<option value="(\d+)"[^>]*>Opleidingsschool', form.text)
    assert partnership, form.text
    return client.post(
        "/inlezen",
        data={"csrf_token": csrf_of(form.text), "soort": kind, "partnerschap": partnership[1]},
        files={"bestand": (name, content, "text/csv")},
    )


def test_the_import_page_shows_the_dry_run_and_imports_only_after_confirming(
    client: TestClient,
) -> None:
    sign_in(client, COORDINATOR)
    bad = b"naam;brin;sector;regio\nNieuw College;40AB;vo;midden\nKapot;;vo;midden\n"
    refused = upload(client, bad)
    assert refused.status_code == 422
    assert "1 rij wordt geweigerd; er wordt niets ingelezen" in refused.text
    assert "<td>3</td><td>brin ontbreekt</td>" in refused.text
    assert "/inlezen/bevestigen" not in refused.text
    good = upload(client, bad.splitlines(keepends=True)[0] + bad.splitlines(keepends=True)[1])
    assert good.status_code == 200
    assert "<td>2</td><td>toevoegen</td><td>school Nieuw College (40AB)</td>" in good.text
    assert "Nieuw College" not in client.get("/dossiers").text  # nothing yet
    service = client.app.state.ctx.service  # type: ignore[attr-defined]
    assert "40AB" not in {s.brin for s in service.schools()}
    confirm = dict(
        re.findall(
            r'name="(\w+)" value="([^"]*)"',
            good.text.split("/inlezen/bevestigen")[1].split("</form>")[0],
        )
    )
    done = client.post("/inlezen/bevestigen", data=confirm)
    assert done.status_code == 200
    assert "Ingelezen uit s.csv: 1 toegevoegd, 0 gewijzigd, 0 ongewijzigd." in done.text
    assert "40AB" in {s.brin for s in service.schools()}
    again = client.post("/inlezen/bevestigen", data=confirm)  # the same form twice
    assert "Ingelezen uit s.csv: 0 toegevoegd, 0 gewijzigd, 1 ongewijzigd." in again.text


def test_the_import_page_refuses_in_dutch_without_a_traceback(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    answer = upload(client, b"%PDF-1.7\x00 not a sheet", name="x.pdf")
    assert answer.status_code == 422 and "geen CSV- of Excel-bestand" in answer.text
    answer = upload(client, b"naam;kleur\nx;rood\n")
    assert answer.status_code == 422 and "onbekende kolom &#39;kleur&#39;" in answer.text
    assert "Traceback" not in answer.text
    client.post("/uitloggen", data={"csrf_token": csrf_of(client.get("/dossiers").text)})
    sign_in(client, STUURGROEP)  # works for the partnership, but is no coordinator
    page = client.get("/inlezen")
    assert "U mag voor geen partnerschap inlezen" in page.text
    forged = client.post(
        "/inlezen",
        data={"csrf_token": csrf_of(page.text), "soort": "schools", "partnerschap": "1"},
        files={"bestand": ("s.csv", b"naam;brin;sector;regio\nx;1;vo;noord\n", CSV)},
    )
    assert forged.status_code == 422 and "waarvoor u mag inlezen" in forged.text


def test_a_refused_person_row_names_the_role_by_its_dutch_name(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    people = b"naam,e-mail,rol,school\nRia,ria@example.nl,school,\n"
    refused = html.unescape(upload(client, people, kind="people").text)
    assert (
        "de rol 'Contactpersoon van de aanvragende school' hoort bij een school: vul de kolom "
        "school (BRIN) in" in refused
    )
    assert "de rol 'school'" not in refused
