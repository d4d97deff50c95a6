"""Guard rules and the guard language: verdicts and the Dutch facts a refused user reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from toetreding._exceptions import GuardFailed
from toetreding.definition import ProtocolRegistry
from toetreding.files import Attachment
from toetreding.rules import (
    NO_WORDS,
    AuditFacts,
    ExpressionError,
    FrameFacts,
    Verdict,
    Words,
    parse_guard,
    rule,
    rule_calls,
)
from toetreding.workflows import Actor, FireRequest, ProtocolMachine

PROTOCOLS = Path(__file__).resolve().parent.parent / "protocols"
NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Past:
    trigger: str
    to_state: str
    from_state: str | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    inputs: Mapping[str, Any] = field(default_factory=dict)
    events: Sequence[Past] = ()
    state: str = "samenwerkingsschool"
    now: datetime = NOW
    peers: Mapping[str, Sequence[str]] = field(default_factory=dict)  # value -> schools
    audit_facts: AuditFacts | None = None
    frame_facts: FrameFacts | None = None
    words: Words = NO_WORDS
    earlier_steps: Mapping[str, str] = field(default_factory=dict)  # labels of earlier versions

    def history(self) -> Sequence[Past]:
        return self.events

    def audit(self) -> AuditFacts | None:
        return self.audit_facts

    def peers_with(self, name: str, value: Any) -> Sequence[str]:
        return self.peers.get(value, ())

    def frame(self, state: str) -> FrameFacts | None:
        return self.frame_facts if state == self.state else None

    def earlier_step(self, trigger: str) -> str | None:
        return self.earlier_steps.get(trigger)


def judge(guard: str, context: Context) -> Verdict:
    return parse_guard(guard).evaluate(context)


# A small case history: opened, passed 'volgschool' once and 'audit' twice.
HISTORY = (
    Past("openen", "orientatie"),
    Past("plan_indienen", "audit", "orientatie", {"plan": "plan_v1.pdf"}),
    Past("besluit_volgschool", "volgschool", "audit"),
    Past("heraudit_aanvragen", "audit", "volgschool", {"plan": "plan_v2.pdf", "leeg": ""}),
)


# --- input_at_most -------------------------------------------------------------------------


@pytest.mark.parametrize(("pages", "holds"), [(0, True), (9, True), (10, True), (11, False)])
def test_input_at_most_boundary(pages: int, holds: bool) -> None:
    verdict = judge("input_at_most('paginas', 10)", Context(inputs={"paginas": pages}))
    assert verdict.holds is holds
    assert f"'paginas' is {pages}" in verdict.fact
    assert "10" in verdict.fact


def test_input_at_most_refusal_says_how_much_too_many() -> None:
    verdict = judge("input_at_most('paginas', 10)", Context(inputs={"paginas": 14}))
    assert verdict == Verdict(False, "'paginas' is 14, meer dan het maximum van 10")


def test_input_at_most_without_the_number_refuses() -> None:
    verdict = judge("input_at_most('paginas', 10)", Context(inputs={"titel": "x"}))
    assert not verdict.holds
    assert verdict.fact == "'paginas' is niet opgegeven als getal"


# --- has_document --------------------------------------------------------------------------


def test_has_document_submitted_now() -> None:
    verdict = judge("has_document('plan')", Context(inputs={"plan": "plan.pdf"}))
    assert verdict == Verdict(True, "document 'plan' wordt nu ingediend")


STEPS = Words(
    {}, {}, {"heraudit_aanvragen": "Heraudit aanvragen", "plan_indienen": "Plan indienen"}
)


def test_has_document_submitted_earlier_names_the_latest_submission() -> None:
    verdict = judge("has_document('plan')", Context(events=HISTORY, words=STEPS))
    assert verdict == Verdict(True, "document 'plan' is ingediend bij 'Heraudit aanvragen'")


def test_has_document_found_in_an_older_event() -> None:
    verdict = judge("has_document('plan')", Context(events=HISTORY[:3], words=STEPS))
    assert verdict == Verdict(True, "document 'plan' is ingediend bij 'Plan indienen'")


def test_has_document_names_a_step_this_version_dropped_by_its_earlier_label() -> None:
    """The case moved onto a version without the step it gave the document in: the label
    of the version it took the step in, else words; never the step's identifier."""
    earlier = Context(events=HISTORY[:3], earlier_steps={"plan_indienen": "Plan opsturen"})
    verdict = judge("has_document('plan')", earlier)
    assert verdict == Verdict(True, "document 'plan' is ingediend bij 'Plan opsturen'")
    verdict = judge("has_document('plan')", Context(events=HISTORY[:3]))
    assert verdict == Verdict(
        True, "document 'plan' is ingediend bij een stap van een eerdere versie van het protocol"
    )
    assert "plan_indienen" not in verdict.fact


@pytest.mark.parametrize(
    ("name", "context"),
    [
        ("plan", Context()),
        ("plan", Context(inputs={"plan": ""})),
        ("verslag", Context(inputs={"ander": "x.pdf"}, events=HISTORY)),
    ],
    ids=["nothing", "empty-now", "other-documents"],
)
def test_has_document_missing(name: str, context: Context) -> None:
    verdict = judge(f"has_document('{name}')", context)
    assert verdict == Verdict(False, f"document '{name}' is nog niet ingediend")


def test_has_document_empty_value_in_history_does_not_count() -> None:
    verdict = judge("has_document('leeg')", Context(events=HISTORY))
    assert not verdict.holds


# --- has_been_in / times_in_at_most --------------------------------------------------------


def test_has_been_in() -> None:
    assert judge("has_been_in('volgschool')", Context(events=HISTORY)) == Verdict(
        True, "het dossier is eerder in stap 'volgschool' geweest"
    )
    assert judge("has_been_in('partner')", Context(events=HISTORY)) == Verdict(
        False, "het dossier is nooit in stap 'partner' geweest"
    )
    assert not judge("has_been_in('volgschool')", Context()).holds


@pytest.mark.parametrize(("maximum", "holds"), [(3, True), (2, True), (1, False), (0, False)])
def test_times_in_at_most(maximum: int, holds: bool) -> None:
    verdict = judge(f"times_in_at_most('audit', {maximum})", Context(events=HISTORY))
    assert verdict.holds is holds
    assert "2 keer in stap 'audit'" in verdict.fact
    assert f"(max. {maximum})" in verdict.fact


def test_times_in_at_most_refusal_fact() -> None:
    verdict = judge("times_in_at_most('audit', 1)", Context(events=HISTORY))
    assert verdict.fact == "het dossier was al 2 keer in stap 'audit' (max. 1)"


# --- combining rules -----------------------------------------------------------------------

YES = "has_been_in('volgschool')"  # holds on HISTORY
NO = "has_been_in('partner')"  # does not hold on HISTORY
YES_FACT = "eerder in stap 'volgschool'"
NO_FACT = "nooit in stap 'partner'"


@pytest.mark.parametrize(
    ("guard", "holds"),
    [
        (f"{YES} and {YES}", True),
        (f"{YES} and {NO}", False),
        (f"{NO} and {YES}", False),
        (f"{YES} or {NO}", True),
        (f"{NO} or {YES}", True),
        (f"{NO} or {NO}", False),
        (f"not {YES}", False),
        (f"not {NO}", True),
        (f"not not {YES}", True),
        (f"{NO} or {YES} and {YES}", True),  # 'and' binds tighter than 'or'
        (f"{YES} or {NO} and {NO}", True),
        (f"({YES} or {NO}) and {NO}", False),
        (f"not {NO} and {YES}", True),  # 'not' binds tighter than 'and'
        (f"not ({NO} or {YES})", False),
        (f"{YES} and {YES} and {YES} and {NO}", False),
    ],
)
def test_combination_verdicts(guard: str, holds: bool) -> None:
    assert judge(guard, Context(events=HISTORY)).holds is holds


def test_and_refusal_names_only_what_failed() -> None:
    verdict = judge(f"{YES} and {NO}", Context(events=HISTORY))
    assert NO_FACT in verdict.fact
    assert YES_FACT not in verdict.fact


def test_and_refusal_names_every_failure() -> None:
    verdict = judge(f"{NO} and has_document('verslag')", Context(events=HISTORY))
    assert NO_FACT in verdict.fact
    assert "document 'verslag' is nog niet ingediend" in verdict.fact


def test_or_refusal_names_every_alternative() -> None:
    verdict = judge(f"{NO} or has_document('verslag')", Context(events=HISTORY))
    assert not verdict.holds
    assert NO_FACT in verdict.fact
    assert "document 'verslag' is nog niet ingediend" in verdict.fact


def test_or_that_holds_names_what_held() -> None:
    verdict = judge(f"{NO} or {YES}", Context(events=HISTORY))
    assert verdict.holds
    assert YES_FACT in verdict.fact


def test_not_refusal_names_the_fact_that_holds() -> None:
    verdict = judge(f"not {YES}", Context(events=HISTORY))
    assert not verdict.holds
    assert YES_FACT in verdict.fact


def test_not_over_an_or_names_the_part_that_held() -> None:
    verdict = judge(f"not ({NO} or {YES})", Context(events=HISTORY))
    assert not verdict.holds
    assert YES_FACT in verdict.fact


def test_rule_calls_of_a_guard_in_order() -> None:
    guard = parse_guard("has_document('a') and not (has_been_in('b') or has_document('c'))")
    calls = [(call.rule.name, call.args) for call in rule_calls(guard)]
    assert calls == [("has_document", ("a",)), ("has_been_in", ("b",)), ("has_document", ("c",))]


# --- what the parser refuses ---------------------------------------------------------------


def test_unknown_rule_lists_known_rules() -> None:
    with pytest.raises(ExpressionError) as info:
        parse_guard("heeft_plan()")
    message = str(info.value)
    assert "onbekende regel 'heeft_plan'" in message
    for name in ("has_been_in", "has_document", "input_at_most", "times_in_at_most"):
        assert name in message


def test_rule_names_are_registered_once() -> None:
    def again(context: Any, name: str) -> Verdict:
        return Verdict(True, name)

    with pytest.raises(ValueError, match="has_document"):
        rule("has_document", "nog een keer")(again)
    assert judge("has_document('x')", Context()).fact == "document 'x' is nog niet ingediend"


# --- a refused trigger carries the fact ----------------------------------------------------


@pytest.fixture(scope="module")
def partnerschap2() -> ProtocolMachine:
    return ProtocolMachine(ProtocolRegistry.from_directory(PROTOCOLS).get("partnerschap2", 2))


def fire(
    machine: ProtocolMachine,
    state: str,
    trigger: str,
    role: str,
    history: Sequence[Past] = (),
    audit: AuditFacts | None = None,
    **inputs: Any,
) -> None:
    actor = Actor(1, "Sanne", frozenset({role}))
    request = FireRequest(trigger, actor, NOW, inputs, note="toelichting")
    machine.decide(7, state, request, Context(events=history, audit_facts=audit))


def attached(name: str) -> Attachment:
    """A file given to a document input, as the service hands it to the machine."""
    return Attachment(name, "application/pdf", 1234, "0" * 64)


def test_refusal_reason_states_the_page_count(partnerschap2: ProtocolMachine) -> None:
    with pytest.raises(GuardFailed) as info:
        fire(
            partnerschap2,
            "zelfevaluatie",
            "zelfevaluatie_indienen",
            "school",
            zelfevaluatie=attached("ze.pdf"),
            paginas=12,
        )
    # the protocol's label of the input (Partnerschap 2 version 2), never its name
    assert "'Aantal pagina's (maximaal 10)' is 12, meer dan het maximum van 10" in (
        info.value.reason
    )
    assert "paginas" not in str(info.value)


def test_refusal_reason_names_the_missing_document(partnerschap2: ProtocolMachine) -> None:
    with pytest.raises(GuardFailed) as info:
        fire(
            partnerschap2,
            "samenwerkingsschool",
            "audit_aanvragen",
            "school",
            history=[Past("openen", "orientatie")],
            vervolgzelfevaluatie=attached("v.pdf"),
        )
    assert "document '(Ontwikkel)plan van aanpak' is nog niet ingediend" in info.value.reason
    assert "plan_van_aanpak" not in info.value.reason


def test_refusal_of_a_second_volgschool_decision(partnerschap2: ProtocolMachine) -> None:
    history = [Past("openen", "orientatie"), Past("besluit_volgschool", "volgschool")]
    with pytest.raises(GuardFailed) as info:
        fire(partnerschap2, "besluitvorming", "besluit_volgschool", "stuurgroep", history)
    assert "eerder in stap 'Volgschool'" in info.value.reason
    # the same decision on a first audit, as the report advises, goes through
    history = [Past("openen", "orientatie")]
    fire(partnerschap2, "besluitvorming", "besluit_volgschool", "stuurgroep", history, VOLGSCHOOL)


VOLGSCHOOL = AuditFacts(
    draft_version=1,
    final_version=2,
    advice_outcome="volgschool",
    advice_label="Toelaatbaar als volgschool",
    corrections=0,
)


def test_report_ready_waits_for_the_report_of_that_kind() -> None:
    draft_only = AuditFacts(1, None, "partner", "Toelaatbaar als partner", 0)
    assert judge("report_ready('concept')", Context(audit_facts=draft_only)) == Verdict(
        True, "concept-rapport versie 1 ligt klaar"
    )
    assert judge("report_ready('definitief')", Context(audit_facts=draft_only)).holds is False
    assert "nog geen concept-rapport" in judge("report_ready('concept')", Context()).fact


def test_a_decision_against_the_advice_needs_a_reason() -> None:
    guard = "advice_followed_or_reason('partner', 'reden')"
    refused = judge(guard, Context(audit_facts=VOLGSCHOOL))
    assert refused == Verdict(
        False,
        "het advies is 'Toelaatbaar als volgschool'; wie anders besluit, geeft de reden om af "
        "te wijken in 'reden'",
    )
    given = judge(
        guard, Context(inputs={"reden": "Deficiënties zijn al hersteld"}, audit_facts=VOLGSCHOOL)
    )
    assert given.holds and "wijkt af van het advies" in given.fact
    followed = judge(
        "advice_followed_or_reason('volgschool', 'reden')", Context(audit_facts=VOLGSCHOOL)
    )
    assert followed == Verdict(True, "het besluit volgt het advies 'Toelaatbaar als volgschool'")
    assert "nog geen definitief rapport" in judge(guard, Context()).fact


# --- school years and clusters (po Groningen) ----------------------------------------------


def on(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00+01:00")


@pytest.mark.parametrize(
    ("decided", "holds"),
    [("2027-03-31", True), ("2027-04-01", False), ("2027-04-02", False), ("2027-07-31", False)],
)
def test_joining_the_coming_school_year_closes_on_1_april(decided: str, holds: bool) -> None:
    # "vóór 1 april": 31 March is the last day on which 2027-2028 can still be chosen.
    context = Context(inputs={"jaar": "2027-2028"}, now=on(decided))
    verdict = judge("joins_in_time('jaar', 'vóór 1 april')", context)
    assert verdict.holds is holds
    if not holds:
        assert verdict.fact == (
            "aansluiten in schooljaar 2027-2028 kon tot en met 31-03-2027; kies 2028-2029 of later"
        )


@pytest.mark.parametrize(("decided", "holds"), [("2027-04-01", True), ("2027-04-02", False)])
def test_by_1_april_still_counts_1_april_itself(decided: str, holds: bool) -> None:
    context = Context(inputs={"jaar": "2027-2028"}, now=on(decided))
    assert judge("joins_in_time('jaar', 'uiterlijk 1 april')", context).holds is holds


def test_a_later_school_year_is_still_open_on_1_april() -> None:
    context = Context(inputs={"jaar": "2028-2029"}, now=on("2027-04-01"))
    verdict = judge("joins_in_time('jaar', 'vóór 1 april')", context)
    assert verdict == Verdict(True, "aansluiten in schooljaar 2028-2029 kan (uiterlijk 31-03-2028)")


def test_joining_a_school_year_that_already_began_is_refused() -> None:
    context = Context(inputs={"jaar": "2026-2027"}, now=on("2026-11-23"))
    verdict = judge("joins_in_time('jaar', 'vóór 1 april')", context)
    assert not verdict.holds
    assert "kies 2027-2028 of later" in verdict.fact


def test_a_day_without_before_or_by_is_refused_rather_than_guessed() -> None:
    # A file cannot get here (its guard is checked on loading); a rule never guesses.
    context = Context(inputs={"jaar": "2027-2028"}, now=on("2027-03-01"))
    verdict = judge("joins_in_time('jaar', '1 april')", context)
    assert not verdict.holds and "zegt niet of 1 april zelf nog meetelt" in verdict.fact


def test_a_malformed_school_year_is_refused_with_how_to_write_it() -> None:
    context = Context(inputs={"jaar": "2027-2029"}, now=on("2026-11-23"))
    verdict = judge("joins_in_time('jaar', 'vóór 1 april')", context)
    assert not verdict.holds
    assert "de jaren moeten opeenvolgend zijn" in verdict.fact


def test_school_year_started_on_1_august_from_the_recorded_input() -> None:
    recorded = (Past("aansluiten_melden", "x", payload={"jaar": "2027-2028"}),)
    before = judge("school_year_started('jaar')", Context(events=recorded, now=on("2027-07-31")))
    assert before == Verdict(False, "schooljaar 2027-2028 begint pas op 01-08-2027")
    assert judge(
        "school_year_started('jaar')", Context(events=recorded, now=on("2027-08-01"))
    ).holds


def test_a_cluster_takes_a_fourth_school_of_the_board_but_not_a_fifth() -> None:
    three = {"Cluster Noord": ("A", "B", "C")}
    fourth = judge(
        "cluster_at_most('cluster', 4)", Context(inputs={"cluster": "Cluster Noord"}, peers=three)
    )
    assert fourth == Verdict(True, "cluster 'Cluster Noord' telt met deze school 4 scholen")
    four = {"Cluster Noord": ("D", "B", "A", "C")}
    fifth = judge(
        "cluster_at_most('cluster', 4)", Context(inputs={"cluster": "Cluster Noord"}, peers=four)
    )
    assert fifth == Verdict(
        False,
        "cluster 'Cluster Noord' heeft al 4 scholen van dit bestuur (A, B, C, D); het maximum is 4",
    )


# --- exact facts and messages ----------------------------------------------------------------


def test_and_and_or_join_their_facts_exactly() -> None:
    context = Context(events=HISTORY)
    both = judge("has_been_in('audit') and has_been_in('volgschool')", context)
    assert both == Verdict(
        True,
        "het dossier is eerder in stap 'audit' geweest; "
        "het dossier is eerder in stap 'volgschool' geweest",
    )
    neither = judge("has_been_in('x') and has_been_in('y')", context)
    assert neither.fact == (
        "het dossier is nooit in stap 'x' geweest; het dossier is nooit in stap 'y' geweest"
    )
    either = judge("has_been_in('x') or has_been_in('y')", context)
    assert either == Verdict(
        False,
        "het dossier is nooit in stap 'x' geweest en het dossier is nooit in stap 'y' geweest",
    )
    bare = judge("corrections_returned", Context())
    assert bare == Verdict(False, "de school heeft geen correcties op het concept-rapport gemeld")


@pytest.mark.parametrize(
    ("guard", "message"),
    [
        ("has_document(", "ongeldige guard-expressie 'has_document(': '(' was never closed"),
        (
            "has_document(name='x')",
            "regel 'has_document' accepteert geen benoemde argumenten",
        ),
        (
            "has_document(x)",
            "argumenten van 'has_document' moeten letterlijke tekst of getallen zijn",
        ),
        (
            "has_document([1])",
            "argumenten van 'has_document' moeten letterlijke tekst of getallen zijn",
        ),
        (
            "input_at_most('a')",
            "regel 'input_at_most' verwacht 2 argument(en) (name, maximum), kreeg 1",
        ),
        (
            "has_document('a', 'b')",
            "regel 'has_document' verwacht 1 argument(en) (name), kreeg 2",
        ),
        (
            "corrections_returned(1)",
            "regel 'corrections_returned' verwacht 0 argument(en) (geen), kreeg 1",
        ),
        (
            "1 + 2",
            "niet toegestaan in een guard: '1 + 2' (alleen regels, and, or, not en haakjes)",
        ),
        (
            "x.y()",
            "niet toegestaan in een guard: 'x.y()' (alleen regels, and, or, not en haakjes)",
        ),
    ],
)
def test_what_the_parser_refuses_and_says(guard: str, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_guard(guard)
    assert str(info.value) == message


def test_an_unknown_rule_lists_the_known_ones_comma_separated() -> None:
    with pytest.raises(ExpressionError) as info:
        parse_guard("nope()")
    assert str(info.value).startswith("onbekende regel 'nope'; bekende regels: ")
    assert ", date_reached, frame_answered, has_been_in, has_document, " in str(info.value)


def test_nothing_recorded_is_a_refusal_not_an_error() -> None:
    for guard in ("date_reached('d')", "school_year_started('j')", "joins_in_time('j', '1 april')"):
        name = guard.split("'")[1]
        assert judge(guard, Context(events=HISTORY)) == Verdict(
            False, f"er is geen '{name}' vastgelegd"
        )
    bad = judge("school_year_started('j')", Context(inputs={"j": "2027"}))
    assert bad.holds is False


def test_date_reached_goes_by_the_dutch_calendar_day() -> None:
    # 23:30 UTC on 1 March is already 2 March in the Netherlands
    late = datetime(2027, 3, 1, 23, 30, tzinfo=UTC)
    context = Context(inputs={"d": "2027-03-02"}, now=late)
    assert judge("date_reached('d')", context) == Verdict(True, "'d' (02-03-2027) is bereikt")
    early = Context(inputs={"d": "2027-03-02"}, now=datetime(2027, 3, 1, 22, 30, tzinfo=UTC))
    assert judge("date_reached('d')", early) == Verdict(
        False, "'d' is 02-03-2027; die datum is nog niet bereikt"
    )


@pytest.mark.parametrize(
    ("day", "decided", "fact"),
    [
        # 1 August is the first day of 2027-2028: the day before it falls in the year before
        (
            "1 augustus",
            "2026-08-01",
            "aansluiten in schooljaar 2027-2028 kan (uiterlijk 01-08-2026)",
        ),
        (
            "15 september",
            "2026-09-15",
            "aansluiten in schooljaar 2027-2028 kan (uiterlijk 15-09-2026)",
        ),
        ("31 juli", "2027-07-31", "aansluiten in schooljaar 2027-2028 kan (uiterlijk 31-07-2027)"),
        (
            "1 augustus",
            "2026-08-02",
            "aansluiten in schooljaar 2027-2028 kon tot en met 01-08-2026; kies 2028-2029 of later",
        ),
        (
            "1 april",
            "2027-04-02",
            "aansluiten in schooljaar 2027-2028 kon tot en met 01-04-2027; kies 2028-2029 of later",
        ),
    ],
)
def test_the_last_day_to_join_is_the_day_before_the_school_year(
    day: str, decided: str, fact: str
) -> None:
    context = Context(inputs={"jaar": "2027-2028"}, now=on(decided))
    assert judge(f"joins_in_time('jaar', 'uiterlijk {day}')", context).fact == fact


def test_the_first_open_year_counts_the_last_day_itself() -> None:
    # On 1 April 2027 itself, 2027-2028 is still open; asking for 2026-2027 names it.
    context = Context(inputs={"jaar": "2026-2027"}, now=on("2027-04-01"))
    assert judge("joins_in_time('jaar', 'uiterlijk 1 april')", context).fact == (
        "aansluiten in schooljaar 2026-2027 kon tot en met 01-04-2026; kies 2027-2028 of later"
    )


# --- frame_answered ------------------------------------------------------------------------


def test_frame_answered_names_the_open_questions_by_title() -> None:
    waarborgen = "Eigen basiskwaliteit op de vier waarborgen"
    open_ = judge("frame_answered()", Context(frame_facts=FrameFacts(waarborgen, ("W 3", "W 4"))))
    assert not open_.holds
    assert open_.fact == f"nog niet beantwoord in het gesprekskader '{waarborgen}': W 3, W 4"
    done = judge("frame_answered()", Context(frame_facts=FrameFacts(waarborgen, ())))
    assert (
        done.holds and done.fact == f"elke vraag van het gesprekskader '{waarborgen}' is beantwoord"
    )
    assert not judge("frame_answered()", Context()).holds  # a step without a frame
