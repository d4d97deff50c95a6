"""A partnership chooses which shared protocols it uses: one it leaves out is not offered to
its people and no new case opens on it; running cases go on; taken up again, it is back.
Other partnerships are not affected; an own protocol cannot be left out."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from toetreding import Toetreding
from toetreding._exceptions import InvalidInputError, NotFoundError
from toetreding.clock import FixedClock
from toetreding.settings import Settings
from toetreding.store.tables import SchoolCreate
from toetreding.web import create_app

from .conftest import PROTOCOLS
from .helpers import run, run_json, with_pdfs
from .test_protocol_owners import OWN, two_partnerships
from .web_helpers import NOW, PASSWORD, csrf_of, sign_in


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_shared_protocol_left_out_is_not_offered_and_opens_no_case(app: Toetreding) -> None:
    ids = two_partnerships(app)
    running = app.open_case(school_ref="AA01", protocol_id="partnerschap2", actor_ref="c@p2.nl")
    with pytest.raises(InvalidInputError, match="mag niet kiezen welke protocollen"):
        app.use_protocol("p2", "partnerschap2", used=False, by="c@p2.nl")  # a coordinator
    app.grant_role("c@p2.nl", "p2", "admin")  # now its administrator
    assert app.use_protocol("p2", "partnerschap2", used=False, by="c@p2.nl")
    assert not app.use_protocol("p2", "partnerschap2", used=False)  # already so

    def seen(partnerships: set[int] | None) -> set[str]:
        return {spec.id for spec in app.visible_protocols(partnerships)}

    assert "partnerschap2" not in seen({ids["p2"]})
    assert "partnerschap2" in seen({ids["ander"]}) and "partnerschap2" in seen(None)
    assert "partnerschap2" in seen({ids["p2"], ids["ander"]})  # one of theirs uses it
    assert {s.id: used for s, used in app.protocol_uses("p2")}["partnerschap2"] is False

    inputs = with_pdfs(app, running, "orientatie_afronden", {"verslag_orientatie": "v.pdf"})
    app.fire(running, "orientatie_afronden", actor_ref="c@p2.nl", inputs=inputs)  # goes on
    second = SchoolCreate(partnership_id=ids["p2"], name="Tweede", sector="vo", region="noord")
    app.store.add_school(second.model_copy(update={"brin": "AA02"}), app.clock.now())
    with pytest.raises(InvalidInputError, match="wordt door P2 niet gebruikt"):
        app.open_case(school_ref="AA02", protocol_id="partnerschap2", actor_ref="c@p2.nl")
    assert app.case(running).state == "zelfevaluatie"  # the running case goes on
    assert app.store.open_case_of_school(app.store.school("AA02").id) is None  # none opened
    assert app.use_protocol("p2", "partnerschap2", used=True, by="c@p2.nl")
    app.open_case(school_ref="AA02", protocol_id="partnerschap2", actor_ref="c@p2.nl")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_own_or_unknown_protocol_cannot_be_left_out(app: Toetreding) -> None:
    two_partnerships(app)
    app.publish_protocol(OWN, partnership="p2")
    with pytest.raises(InvalidInputError, match="is een eigen protocol van dit partnerschap"):
        app.use_protocol("p2", "p2-eigen", used=False)
    with pytest.raises(NotFoundError, match="onbekend"):
        app.use_protocol("p2", "bestaat-niet", used=False)
    # Another partnership's own protocol is as unknown to it: neither its title nor its owner.
    with pytest.raises(NotFoundError) as other:
        app.use_protocol("ander", "p2-eigen", used=False)
    assert str(other.value) == "protocol 'p2-eigen' is onbekend"
    # Someone who may not choose gets the same refusal for it as for any protocol.
    for protocol_id in ("p2-eigen", "partnerschap2"):
        with pytest.raises(InvalidInputError, match=r"^ander mag niet kiezen welke protocollen"):
            app.use_protocol("ander", protocol_id, used=False, by="c@ander.nl")


def test_leave_out_and_use_on_the_command_line(db: Path) -> None:
    run("demo")
    run("person", "add", "--name", "Beheer", "--email", "beheer@part2.example")
    run("user", "add", "beheer@part2.example", "--admin")
    by = ("-p", "part2", "--by", "beheer@part2.example")
    out = run("protocol", "leave-out", "pilot-aspirant", *by)
    assert "gebruikt niet langer 'Aspirant partnerschap — toetreding via een pilot'" in out
    uses = {u["protocol"]: u["used"] for u in run_json("protocol", "uses", "-p", "part2")}
    assert uses["pilot-aspirant"] is False and uses["partnerschap2"] is True
    again = run("protocol", "use", "pilot-aspirant", *by)
    assert "gebruikt 'Aspirant partnerschap" in again and "Niets gewijzigd" not in again


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", protocols_dir=PROTOCOLS)
    web = create_app(settings, FixedClock(NOW), secret="test-secret")
    service = web.state.ctx.service
    two_partnerships(service)
    admin = service.add_person("Beheer", "beheer@p2.nl")
    service.accounts.set_password(admin.id, PASSWORD, admin=True)
    service.accounts.set_password(service.store.person("c@p2.nl").id or 0, PASSWORD)
    with TestClient(web) as test_client:
        yield test_client


def test_an_administrator_sets_a_partnerships_protocols_on_the_page(client: TestClient) -> None:
    sign_in(client, "c@p2.nl")
    assert client.get("/protocolgebruik").status_code == 403
    assert "Partnerschap 2 — protocol voor uitbreiding" in client.get("/protocollen").text
    sign_in(client, "beheer@p2.nl")
    shown = client.get("/protocolgebruik?partnerschap=1")
    assert shown.status_code == 200 and "Niet meer gebruiken" in shown.text
    form = {"csrf_token": csrf_of(shown.text), "partnerschap": "1", "gebruiken": "nee"}
    left = client.post("/protocolgebruik", data={**form, "protocol": "partnerschap2"})
    assert left.status_code == 200
    assert "P2 gebruikt niet langer 'Partnerschap 2 — protocol voor uitbreiding'" in unescape(
        left.text
    )
    refused = client.post("/protocolgebruik", data={**form, "protocol": "bestaat-niet"})
    assert refused.status_code == 422 and "Niet gewijzigd" in refused.text
    unknown = client.post("/protocolgebruik", data={**form, "partnerschap": "99", "protocol": "x"})
    assert unknown.status_code == 422 and "Niet gewijzigd:</strong> kies het partnerschap" in (
        unknown.text
    )
    sign_in(client, "c@p2.nl")
    assert "Partnerschap 2 — protocol voor uitbreiding" not in client.get("/protocollen").text
