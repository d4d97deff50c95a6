"""Protocol and framework pages (read-only), and the protocol diagram."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from fastapi.testclient import TestClient

from toetreding.definition import ProtocolSpec
from toetreding.frameworks.registry import load_framework_text
from toetreding.web.diagram import protocol_diagram

from .test_web_agenda import ctx_of
from .web_helpers import COORDINATOR, sign_in

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(html: str) -> ET.Element:
    """The diagram on a page, parsed as XML (so it is well-formed)."""
    found = re.search(r"<svg .*?</svg>", html, re.S)
    assert found, "no diagram on the page"
    return ET.fromstring(found[0])


def states_in(svg: ET.Element) -> dict[str, ET.Element]:
    return {g.attrib["data-state"]: g for g in svg.iter(f"{SVG}g") if "data-state" in g.attrib}


def test_the_protocol_list_shows_the_four_shipped_protocols(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    page = client.get("/protocollen")
    assert page.status_code == 200
    for key in ("mbo-aansluiting/3", "partnerschap2/3", "pilot-aspirant/3", "po-groningen/3"):
        assert f'href="/protocollen/{key}"' in page.text
    assert "Partnerschap 2 — protocol voor uitbreiding" in page.text
    assert "<td>vo, mbo</td>" in page.text


def test_a_protocol_page_describes_states_moves_deadlines_and_draws_them(
    client: TestClient,
) -> None:
    sign_in(client, COORDINATOR)
    page = client.get("/protocollen/partnerschap2/3")
    assert page.status_code == 200
    text = page.text
    assert "Interne audit en adviesrapport" in text  # a step
    assert "De school schrijft een zelfevaluatie in de vorm van een ontwikkelportfolio" in text
    assert "Zelfevaluatie indienen" in text and "Aanvragende school, Coördinator" in text
    assert 'Aantal pagina&#39;s <span class="muted">(getal van 1 tot en met 10)' in text
    assert 'Besluitbrief <span class="muted">(bestand, niet verplicht)' in text
    assert "Termijn: Feitelijke onjuistheden terugmelden (10 werkdagen)</strong>" in text
    assert "10 werkdagen na binnenkomst in deze stap" in text
    assert "3 werkdagen vooraf: Aanvragende school" in text
    assert "Gemist: daarna automatisch School heeft geen feitelijke onjuistheden." in text
    assert "1 jaar na binnenkomst in deze stap" in text  # the volgschool's re-audit
    # named by its title and "versie 3", never "partnerschap2 v3" (the id is in the address)
    crumbs = text.split('<p class="crumbs">')[1].split("</p>")[0]
    assert "› Partnerschap 2 — protocol voor uitbreiding (versie 3)" in crumbs
    assert "partnerschap2 v3" not in text and "partnerschap2 ·" not in text
    states = states_in(svg_of(text))
    assert set(states) == set(ctx_of(client).service.registry.get("partnerschap2", 3).states)
    assert "final" in states["partner"].attrib["class"]
    assert "final" not in states["volgschool"].attrib["class"]
    assert not any("current" in g.attrib["class"] for g in states.values())


def test_a_school_contact_reads_each_action_by_its_label_without_its_code(
    client: TestClient,
) -> None:
    sign_in(client, "contact@demo01.example")
    text = client.get("/protocollen/partnerschap2/3").text
    shown = re.sub(r"<svg .*?</svg>|<[^>]+>", " ", text, flags=re.S)  # what the eye reads
    assert "Interne audit aanvragen" in shown
    assert "audit_aanvragen" not in shown and "geen_correcties" not in shown


def test_date_and_vacation_deadlines_are_described_in_dutch(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    text = client.get("/protocollen/po-groningen/3").text
    assert "vóór 1 april: de laatste dag is 31 maart (de eerstvolgende)" in text
    assert "vóór de zomervakantie van de regio: de laatste schooldag ervoor" in text
    assert "uiterlijk 1 augustus (in het schooljaar uit" in text
    assert "Op de datum gebeurt automatisch:" in text
    assert "3 werkdagen na de datum (escalatie): Stuurgroep" in text


def test_an_unknown_protocol_is_not_found_and_no_version_means_the_newest(
    client: TestClient,
) -> None:
    sign_in(client, COORDINATOR)
    assert client.get("/protocollen/bestaat-niet/1").status_code == 404
    assert client.get("/protocollen/partnerschap2/9").status_code == 404
    newest = client.get("/protocollen/partnerschap2", follow_redirects=False)
    assert newest.headers["location"] == "/protocollen/partnerschap2/3"
    # Version 2 stays readable for the cases that started on it.
    assert client.get("/protocollen/partnerschap2/2").status_code == 200


def test_every_arrow_names_its_moves_in_a_tooltip(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    svg = svg_of(client.get("/protocollen/partnerschap2/3").text)
    arrows = {
        (g.attrib["data-from"], g.attrib["data-to"]): g.findtext(f"{SVG}title")
        for g in svg.iter(f"{SVG}g")
        if "data-from" in g.attrib
    }
    assert arrows[("orientatie", "zelfevaluatie")] == (
        "Genoeg aanknopingspunten: door naar de zelfevaluatie (Stuurgroep, Kerngroep, Coördinator)"
    )
    both = arrows[("concept_rapport", "rapport_vaststellen")] or ""
    assert "School geeft feitelijke onjuistheden terug" in both
    assert "School heeft geen feitelijke onjuistheden" in both  # one arrow, two moves
    assert ("volgschool", "gestopt") in arrows


def test_the_case_diagram_marks_where_the_case_is(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    page = client.get("/dossiers/1/protocol")  # Het Noordik: samenwerkingsschool
    assert page.status_code == 200
    assert "Het dossier staat nu in: stap 4: Samenwerkingsschool." in page.text
    svg = svg_of(page.text)
    current = [name for name, g in states_in(svg).items() if "current" in g.attrib["class"]]
    assert current == ["samenwerkingsschool"]
    box = states_in(svg)["samenwerkingsschool"]
    assert box.attrib["aria-current"] == "step"
    assert "het dossier staat nu hier" in (box.findtext(f"{SVG}title") or "")
    assert "Het dossier staat nu in: stap 4: Samenwerkingsschool." in (
        svg.findtext(f"{SVG}desc") or ""
    )
    other = states_in(svg_of(client.get("/dossiers/5/protocol").text))
    assert "current" in other["volgschool"].attrib["class"]
    assert "current" not in other["samenwerkingsschool"].attrib["class"]


def test_the_case_diagram_is_hidden_from_another_schools_contact(client: TestClient) -> None:
    sign_in(client, "contact@demo01.example")
    assert client.get("/dossiers/1/protocol").status_code == 200
    assert client.get("/dossiers/2/protocol").status_code == 404
    assert client.get("/dossiers/999/protocol").status_code == 404


def _spec(**changes: Any) -> ProtocolSpec:
    data: dict[str, Any] = {
        "id": "klein",
        "version": 1,
        "title": 'Klein <b>"protocol"</b> & co',
        "sectors": ["vo"],
        "roles": {"coordinator": "Coördinator <i>"},
        "initial": "begin",
        "states": {
            "begin": {"label": "Begin <script>alert(1)</script>", "step": 1},
            "klaar": {"label": "Klaar & af", "step": 2, "final": True},
            "weg": {"label": "Weg", "final": True},
        },
        "transitions": [
            {"trigger": "af", "label": "Af <ronden>", "from": "begin", "to": "klaar",
             "roles": ["coordinator"]},
            {"trigger": "stop", "label": "Stoppen & weg", "from": "*", "to": "weg",
             "roles": ["coordinator"]},
        ],
    }  # fmt: skip
    data.update(changes)
    return ProtocolSpec.model_validate(data)


def test_the_diagram_escapes_every_label_and_lists_moves_from_every_state() -> None:
    svg = str(protocol_diagram(_spec(), current="begin"))
    root = ET.fromstring(svg)  # well-formed: nothing leaked unescaped
    assert "<script>" not in svg and "<b>" not in svg and "<ronden>" not in svg
    assert "Begin &lt;script&gt;alert(1)&lt;/script&gt;" in svg
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "Vanuit elke lopende stap:" in texts and "Stoppen & weg → Weg" in texts
    arrows = [g for g in root.iter(f"{SVG}g") if "data-from" in g.attrib]
    assert [(g.attrib["data-from"], g.attrib["data-to"]) for g in arrows] == [("begin", "klaar")]
    assert root.findtext(f"{SVG}desc", "").endswith(
        "Het dossier staat nu in: stap 1: Begin <script>alert(1)</script>."
    )


def test_the_frameworks_page_lists_the_shipped_frameworks(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    page = client.get("/kaders")
    assert page.status_code == 200
    for framework, version in (
        ("nvao-opleidingsschool-2009", 2),
        ("frosk-intakegesprek", 1),
        ("aspirant-ontwikkelplan", 1),
    ):
        assert f'href="/kaders/{framework}?versie={version}"' in page.text
    assert "NVAO-toetsingskader opleidingsschool (2009)" in page.text
    # Named by title (the link), never by our id; a narrow screen reads the list as cards.
    assert ">aspirant-ontwikkelplan<" not in page.text and '<table class="stack">' in page.text
    assert '">Ontwikkelplan aspirant-partnerschap</a>' in page.text


def test_a_framework_page_shows_domains_criteria_and_scale(client: TestClient) -> None:
    sign_in(client, "contact@demo01.example")  # schools read what they are audited against
    page = client.get("/kaders/nvao-opleidingsschool-2009")
    assert page.status_code == 200
    assert '<span class="code">1.1</span> Relatie doelstellingen en programma' in page.text
    assert "Deel 1 — Gerealiseerd niveau" in page.text and "1 Programma" in page.text
    assert "Onvoldoende — reparabel op korte termijn" in page.text
    # A criterion the source names only by its heading: the remark apart, muted, not as text.
    assert (
        '<dt><span class="code">1.3</span> Instroom</dt>\n      <dd>\n        <span class="muted '
        'criterion-note">(bron noemt alleen het onderwerp; de omschrijving staat in het '
        "NVAO-toetsingskader)</span>"
    ) in page.text
    assert "De bron van dit bestand" not in page.text
    # A criterion without a number is named by its title alone, not by our id.
    plan = client.get("/kaders/aspirant-ontwikkelplan").text
    assert "<dt>Visie en ambitie</dt>" in plan and "visie_en_ambitie" not in plan
    assert client.get("/kaders/bestaat-niet").status_code == 404
    assert client.get("/kaders/nvao-opleidingsschool-2009?versie=7").status_code == 404


OWN = """
format: 1
id: {id}
version: 1
title: {title}
source: Eigen werk
scored: false
domains:
  - id: thema
    title: Thema
    criteria:
      - {{id: vraag, title: Een vraag, asks: Wat vindt u ervan?}}
"""


def test_own_frameworks_are_seen_only_in_their_own_partnership(client: TestClient) -> None:
    context = ctx_of(client)
    store, now = context.service.store, context.service.clock.now()
    elders = store.add_partnership("elders", "Partnerschap Elders", now)
    for partnership_id, framework_id, title in (
        (elders.id, "kader-elders", "Kader van Elders"),
        (store.partnership("part2").id, "kader-part2", "Kader van Partnerschap 2"),
    ):
        spec = load_framework_text(OWN.format(id=framework_id, title=title))
        context.desk.frameworks.load(partnership_id, spec, now)
    sign_in(client, COORDINATOR)
    listing = client.get("/kaders").text
    assert "Kader van Partnerschap 2" in listing and "Kader van Elders" not in listing
    own = client.get("/kaders/kader-part2")
    assert own.status_code == 200 and "eigen kader van Opleidingsschool Partnerschap 2" in own.text
    assert client.get("/kaders/kader-elders").status_code == 404
