"""A protocol without an internal audit gets its decision letter too: the Rijnland pilot's
decision 'in de schil' and 'niet toegelaten' each make a letter with the step, its
reasoning and what it recorded, in the protocol's words; before the decision there is none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from toetreding import NotFoundError, Toetreding
from toetreding.audits import AuditDesk
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry
from toetreding.documents import (
    OutcomeLetter,
    from_case,
    letter_outcomes,
    render_html,
    render_pdf,
)
from toetreding.store import Store, make_engine, migrate

from .conftest import PROTOCOLS
from .helpers import with_pdfs
from .test_pilot_aspirant import STUURGROEP, rijnland, signed, start


@pytest.fixture
def desk(sqlite_url: str, registry: ProtocolRegistry, clock: FixedClock) -> Iterator[AuditDesk]:
    engine = make_engine(sqlite_url)
    migrate(engine)
    yield AuditDesk(rijnland(Toetreding(Store(engine), registry, clock)), PROTOCOLS)
    engine.dispose()


def _step(app: Toetreding, case_id: int, trigger: str, **inputs: object) -> None:
    note = inputs.pop("note", None)
    given = with_pdfs(app, case_id, trigger, inputs)
    app.fire(case_id, trigger, actor_ref=STUURGROEP, inputs=given, note=note)  # type: ignore[arg-type]


def to_decision(app: Toetreding, brin: str) -> int:
    """A pilot run, evaluated and the partnership recognised: the decision is next."""
    assert isinstance(app.clock, FixedClock)
    app.clock.set(datetime(2026, 8, 20, 10, 0))
    case_id = signed(app, brin)
    start(app, case_id, "2026-09-01", "2027-03-01")
    app.clock.set(datetime(2027, 3, 2, 10, 0))
    _step(app, case_id, "pilot_afronden")
    _step(app, case_id, "verder_naar_toetreding", pilotevaluatie="eval.pdf", school_akkoord=True)
    _step(
        app,
        case_id,
        "erkenning_vastleggen",
        erkenningsbesluit="e.pdf",
        erkenningsdatum="2027-03-01",
    )
    return case_id


def test_a_decision_in_the_shell_makes_a_letter_in_the_protocols_words(desk: AuditDesk) -> None:
    app = desk.app
    case_id = to_decision(app, "VO01")
    with pytest.raises(NotFoundError, match="heeft nog geen toelatingsbesluit"):
        from_case.decision_letter(desk, case_id)

    app.clock.set(datetime(2027, 4, 12, 10, 0))  # type: ignore[attr-defined]
    agreements = "Twee teams begeleiden elk twee studenten.\n\nEvaluatie na een jaar."
    _step(
        app,
        case_id,
        "toelaten_in_schil",
        note="De pilot liep goed; formele toetreding past nog niet.",
        afspraken_schil=agreements,
    )
    letter = from_case.decision_letter(desk, case_id)
    assert isinstance(letter, OutcomeLetter)
    html = render_html(letter)
    for words in (
        "Besluit over Kleine vo-school VO01: partner in de schil (kern-schilconstructie)",
        "Besluit: de school treedt toe in de schil (kern-schilconstructie)",
        "Uitkomst: <strong>Partner in de schil (kern-schilconstructie)</strong>",
        "wordt partner in de schil van het partnerschap",  # the outcome's own text
        "De pilot liep goed; formele toetreding past nog niet.",
        "Afspraken over de rol van de school in de schil",
        "Twee teams begeleiden elk twee studenten.",
        "12 april 2027",
        "namens Opleidingsschool Rijnland,",
    ):
        assert words in html, words
    assert "schilpartner" not in html and "afspraken_schil" not in html  # names, never shown
    assert render_pdf(letter).startswith(b"%PDF")


def test_not_admitted_has_its_own_letter_and_each_case_its_own(desk: AuditDesk) -> None:
    app = desk.app
    no, yes = to_decision(app, "VO01"), to_decision(app, "VO02")
    _step(app, no, "niet_toelaten", note="De school kiest voor een andere opleidingsschool.")
    _step(app, yes, "toelaten_als_partner", note="Een geslaagde pilot.")
    refused, admitted = (render_html(from_case.decision_letter(desk, c)) for c in (no, yes))
    assert "wordt op dit moment niet toegelaten tot het partnerschap" in refused
    assert "De school kiest voor een andere opleidingsschool." in refused
    assert "treedt na de pilot toe als partner" in admitted
    assert "Kleine vo-school VO02" in admitted and "VO01" not in admitted


def test_every_outcome_of_the_shipped_protocols_has_a_letter_but_the_po_yearly_cycle() -> None:
    registry = ProtocolRegistry.from_directory(PROTOCOLS)
    outcomes = {
        (spec.id, state.outcome)
        for spec in registry.all()
        for state in spec.states.values()
        if state.outcome
    }
    missing = {pair for pair in outcomes if pair[1] not in letter_outcomes()}
    # po-Groningen's partnerschool is reached by the calendar (1 August), not by a decision
    assert missing == {("po-groningen", "partnerschool")}
