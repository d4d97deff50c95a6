"""Admission advice from audit scores: the shipped NVAO rules, how the advice explains
itself, what an author sees when a rules file is wrong, and a partnership's own rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from toetreding._exceptions import (
    DefinitionError,
    IncompleteAudit,
    InvalidInputError,
    NotFoundError,
)
from toetreding.advice import (
    Advice,
    AdviceRegistry,
    AdviceRulesSpec,
    advise,
    check_against,
    load_advice_file,
    load_advice_text,
)
from toetreding.definition import ProtocolRegistry
from toetreding.frameworks import FrameworkRegistry, FrameworkSpec, load_framework_text

from .helpers import Writer, edit, line_of

PROTOCOLS = Path(__file__).resolve().parent.parent / "protocols"
NVAO = "nvao-opleidingsschool-2009"
RULES_ID = "nvao-toetredingsadvies"
LEVELS = "excellent, goed, voldoende, onvoldoende_reparabel, voldoet_niet"
KWANTITEIT = "2.1 Kwantiteit"
BETREKKEN = "4.3 Betrekken van medewerkers, studenten, alumni en beroepenveld"
REPARABEL = "onvoldoende — reparabel op korte termijn"
VOLDOET_NIET = "onvoldoende — voldoet niet"

# The rules of the task, written out: tests change one thing in it at a time.
RULES = """\
format: 1
id: test-advies
version: 1
title: Testadvies
source: Test
framework: nvao-opleidingsschool-2009
outcomes:
  - outcome: partner
    label: "Toelaatbaar als partner"
    when: {all_at_least: voldoende}
  - outcome: volgschool
    label: "Toelaatbaar als volgschool"
    when:
      at_least: {level: voldoende, criteria: [gerealiseerd_niveau]}
      none_at: [voldoet_niet]
  - outcome: niet_toelaatbaar
    label: "Niet toelaatbaar"
    otherwise: true
"""


@pytest.fixture(scope="module")
def frameworks() -> FrameworkRegistry:
    return FrameworkRegistry.shipped(PROTOCOLS)


@pytest.fixture(scope="module")
def nvao(frameworks: FrameworkRegistry) -> FrameworkSpec:
    return frameworks.get(NVAO)


@pytest.fixture(scope="module")
def rules() -> AdviceRulesSpec:
    return AdviceRegistry.shipped(PROTOCOLS).get(RULES_ID)


def scores(nvao: FrameworkSpec, changes: dict[str, str], base: str = "voldoende") -> dict[str, str]:
    """Every NVAO criterion at ``base``, except ``changes``."""
    unknown = set(changes) - {c.id for c in nvao.criteria()}
    assert not unknown, f"test names unknown criteria {unknown}"
    return {criterion.id: changes.get(criterion.id, base) for criterion in nvao.criteria()}


def problems_of(path: Path, frameworks: FrameworkRegistry) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DefinitionError) as info:
        load_advice_file(path, frameworks.get)
    return [(p.line, p.key, p.message) for p in info.value.problems]


# --- the shipped rules -------------------------------------------------------------------------


def test_shipped_rules_load_and_fit_the_shipped_nvao_framework(
    rules: AdviceRulesSpec, nvao: FrameworkSpec
) -> None:
    assert rules.framework == NVAO
    assert check_against(rules, nvao) == []
    assert [(o.outcome, o.label) for o in rules.outcomes] == [
        ("partner", "Toelaatbaar als partner"),
        ("volgschool", "Toelaatbaar als volgschool"),
        ("niet_toelaatbaar", "Niet toelaatbaar"),
    ]


def test_shipped_outcomes_are_the_decisions_of_the_partnerschap2_protocol(
    rules: AdviceRulesSpec,
) -> None:
    protocol = ProtocolRegistry.from_directory(PROTOCOLS).get("partnerschap2")
    decisions = {state.outcome for state in protocol.states.values() if state.outcome}
    assert {o.outcome for o in rules.outcomes} == decisions


def test_protocol_registry_does_not_read_the_advice_folder() -> None:
    registry = ProtocolRegistry.from_directory(PROTOCOLS)
    with pytest.raises(NotFoundError):
        registry.get(RULES_ID)


# --- the three advices -------------------------------------------------------------------------


def test_sufficient_on_every_criterion_is_partner(
    rules: AdviceRulesSpec, nvao: FrameworkSpec
) -> None:
    audit = scores(nvao, {"gerealiseerd_niveau": "goed", "1.2": "excellent", "3.1": "goed"})
    assert advise(rules, nvao, audit) == Advice(
        outcome="partner",
        label="Toelaatbaar als partner",
        reasons=("alle 12 criteria zijn ten minste voldoende",),
        deciding=tuple(c.id for c in nvao.criteria()),
    )


def test_short_term_deficiencies_with_realised_level_in_order_is_volgschool(
    rules: AdviceRulesSpec, nvao: FrameworkSpec
) -> None:
    repairable = "onvoldoende_reparabel"
    audit = scores(nvao, {"gerealiseerd_niveau": "goed", "2.1": repairable, "4.3": repairable})
    advice = advise(rules, nvao, audit)
    assert advice.outcome == "volgschool"
    assert advice.label == "Toelaatbaar als volgschool"
    assert advice.reasons == (
        "gerealiseerd niveau is goed (ten minste voldoende vereist)",
        f"geen criterium is {VOLDOET_NIET}",
        f"niet toelaatbaar als partner: {KWANTITEIT} is {REPARABEL} (ten minste voldoende vereist)",
        f"niet toelaatbaar als partner: {BETREKKEN} is {REPARABEL} (ten minste voldoende vereist)",
    )
    assert advice.deciding == ("gerealiseerd_niveau", "2.1", "4.3")


def test_realised_level_not_in_order_and_a_fail_is_not_admissible(
    rules: AdviceRulesSpec, nvao: FrameworkSpec
) -> None:
    audit = scores(
        nvao,
        {"gerealiseerd_niveau": "onvoldoende_reparabel", "1.4": "voldoet_niet", "2.2": "goed"},
    )
    advice = advise(rules, nvao, audit)
    assert advice.outcome == "niet_toelaatbaar"
    assert advice.label == "Niet toelaatbaar"
    assert advice.reasons == (
        f"niet toelaatbaar als partner: gerealiseerd niveau is {REPARABEL} "
        "(ten minste voldoende vereist)",
        f"niet toelaatbaar als partner: 1.4 Afstemming vormgeving en inhoud is {VOLDOET_NIET} "
        "(ten minste voldoende vereist)",
        f"niet toelaatbaar als volgschool: gerealiseerd niveau is {REPARABEL} "
        "(ten minste voldoende vereist)",
        f"niet toelaatbaar als volgschool: 1.4 Afstemming vormgeving en inhoud is {VOLDOET_NIET}",
    )
    assert advice.deciding == ("gerealiseerd_niveau", "1.4")


# --- boundaries --------------------------------------------------------------------------------


def test_every_criterion_exactly_voldoende_is_still_partner(
    rules: AdviceRulesSpec, nvao: FrameworkSpec
) -> None:
    assert advise(rules, nvao, scores(nvao, {})).outcome == "partner"


def test_one_criterion_repairable_makes_volgschool(
    rules: AdviceRulesSpec, nvao: FrameworkSpec
) -> None:
    advice = advise(rules, nvao, scores(nvao, {"1.3": "onvoldoende_reparabel"}))
    assert advice.outcome == "volgschool"
    assert advice.reasons == (
        "gerealiseerd niveau is voldoende (ten minste voldoende vereist)",
        f"geen criterium is {VOLDOET_NIET}",
        f"niet toelaatbaar als partner: 1.3 Instroom is {REPARABEL} (ten minste voldoende vereist)",
    )
    assert advice.deciding == ("gerealiseerd_niveau", "1.3")


def test_realised_level_repairable_is_not_admissible(
    rules: AdviceRulesSpec, nvao: FrameworkSpec
) -> None:
    advice = advise(rules, nvao, scores(nvao, {"gerealiseerd_niveau": "onvoldoende_reparabel"}))
    assert advice.outcome == "niet_toelaatbaar"
    assert advice.reasons[-1] == (
        f"niet toelaatbaar als volgschool: gerealiseerd niveau is {REPARABEL} "
        "(ten minste voldoende vereist)"
    )
    assert advice.deciding == ("gerealiseerd_niveau",)


@pytest.mark.parametrize("failing", ["1.1", "2.1", "3.1", "4.3"])
def test_any_voldoet_niet_is_not_admissible(
    rules: AdviceRulesSpec, nvao: FrameworkSpec, failing: str
) -> None:
    audit = scores(nvao, {failing: "voldoet_niet"}, base="goed")
    advice = advise(rules, nvao, audit)
    assert advice.outcome == "niet_toelaatbaar"
    title = nvao.criterion(failing).title
    assert advice.reasons[-1] == (
        f"niet toelaatbaar als volgschool: {failing} {title} is {VOLDOET_NIET}"
    )
    assert advice.deciding == (failing,)


# --- scores that cannot be advised on ----------------------------------------------------------


def test_incomplete_scores_are_refused_listing_what_is_not_scored(
    rules: AdviceRulesSpec, nvao: FrameworkSpec
) -> None:
    audit = scores(nvao, {})
    del audit["2.1"], audit["4.3"]
    with pytest.raises(IncompleteAudit) as info:
        advise(rules, nvao, audit)
    assert str(info.value) == (
        "geen advies mogelijk; nog niet gescoord: 2.1 (Kwantiteit), "
        "4.3 (Betrekken van medewerkers, studenten, alumni en beroepenveld)"
    )
    assert info.value.missing == ("2.1", "4.3")
    assert isinstance(info.value, InvalidInputError)


def test_unknown_criterion_in_scores_is_refused(
    rules: AdviceRulesSpec, nvao: FrameworkSpec
) -> None:
    with pytest.raises(InvalidInputError) as info:
        advise(rules, nvao, scores(nvao, {}) | {"5.1": "goed"})
    assert str(info.value) == (
        f"onbekend criterium '5.1'; kader '{NVAO}' kent: gerealiseerd_niveau, 1.1, 1.2, 1.3, "
        "1.4, 1.5, 2.1, 2.2, 3.1, 4.1, 4.2, 4.3"
    )
    assert not isinstance(info.value, IncompleteAudit)


def test_unknown_level_in_scores_is_refused(rules: AdviceRulesSpec, nvao: FrameworkSpec) -> None:
    with pytest.raises(InvalidInputError) as info:
        advise(rules, nvao, scores(nvao, {"1.2": "onvoldoende"}))
    assert str(info.value) == f"onbekend niveau 'onvoldoende' bij criterium 1.2; kies uit: {LEVELS}"


def test_rules_for_another_framework_are_refused(
    rules: AdviceRulesSpec, frameworks: FrameworkRegistry
) -> None:
    other = frameworks.get("frosk-intakegesprek")
    with pytest.raises(DefinitionError) as info:
        advise(rules, other, {})
    [problem] = info.value.problems
    assert (problem.file, problem.key, problem.message) == (
        f"adviesregels '{RULES_ID}' versie 1",
        "framework",
        f"de regels lezen kader '{NVAO}', niet kader 'frosk-intakegesprek'",
    )


# --- malformed rules files ---------------------------------------------------------------------


def test_the_task_rules_load_as_written(write: Writer, frameworks: FrameworkRegistry) -> None:
    spec = load_advice_file(write(RULES), frameworks.get)
    assert [o.outcome for o in spec.outcomes] == ["partner", "volgschool", "niet_toelaatbaar"]


def test_unknown_level_lists_the_levels_of_the_scale(
    write: Writer, frameworks: FrameworkRegistry
) -> None:
    text = edit(RULES, "{all_at_least: voldoende}", "{all_at_least: voldoend}")
    path = write(text)
    assert problems_of(path, frameworks) == [
        (
            line_of(text, "voldoend}"),
            "outcomes[0].when.all_at_least",
            f"niveau 'voldoend' staat niet in de schaal van kader '{NVAO}'; kies uit: {LEVELS}",
        )
    ]


def test_unknown_level_in_none_at_points_at_the_item(
    write: Writer, frameworks: FrameworkRegistry
) -> None:
    text = edit(
        RULES, "none_at: [voldoet_niet]", "none_at:\n        - voldoet_niet\n        - slecht"
    )
    assert problems_of(write(text), frameworks) == [
        (
            line_of(text, "- slecht"),
            "outcomes[1].when.none_at[1]",
            f"niveau 'slecht' staat niet in de schaal van kader '{NVAO}'; kies uit: {LEVELS}",
        )
    ]


def test_unknown_criterion_lists_criteria_and_domains(
    write: Writer, frameworks: FrameworkRegistry
) -> None:
    text = edit(RULES, "criteria: [gerealiseerd_niveau]", 'criteria: [gerealiseerd_niveau, "5.1"]')
    assert problems_of(write(text), frameworks) == [
        (
            line_of(text, '"5.1"'),
            "outcomes[1].when.at_least.criteria[1]",
            f"'5.1' is geen criterium of domein van kader '{NVAO}'; criteria: "
            "gerealiseerd_niveau, 1.1, 1.2, 1.3, 1.4, 1.5, 2.1, 2.2, 3.1, 4.1, 4.2, 4.3; "
            "domeinen: gerealiseerd_niveau, programma, inzet_van_personeel, voorzieningen, "
            "interne_kwaliteitszorg",
        )
    ]


def test_unquoted_number_as_criterion_says_to_quote_it(
    write: Writer, frameworks: FrameworkRegistry
) -> None:
    text = edit(RULES, "criteria: [gerealiseerd_niveau]", "criteria: [2.1]")
    assert problems_of(write(text), frameworks) == [
        (
            line_of(text, "[2.1]"),
            "outcomes[1].when.at_least.criteria[0]",
            '2.1 is voor YAML een getal; zet het id tussen aanhalingstekens: "2.1"',
        )
    ]


def test_otherwise_not_last_is_refused(write: Writer, frameworks: FrameworkRegistry) -> None:
    text = edit(
        RULES,
        "    when: {all_at_least: voldoende}\n",
        "    otherwise: true\n",
    )
    assert problems_of(write(text), frameworks) == [
        (
            line_of(text, "otherwise: true"),
            "outcomes[0].otherwise",
            "'otherwise: true' hoort bij de laatste uitkomst; de uitkomsten erna worden nooit "
            "bereikt",
        )
    ]


def test_last_outcome_without_otherwise_is_refused(
    write: Writer, frameworks: FrameworkRegistry
) -> None:
    text = edit(RULES, "    otherwise: true\n", "    when: {none_at: [voldoet_niet]}\n")
    assert problems_of(write(text), frameworks) == [
        (
            line_of(text, "- outcome: niet_toelaatbaar"),
            "outcomes[2]",
            "de laatste uitkomst ('niet_toelaatbaar') moet 'otherwise: true' hebben, zodat er "
            "altijd een advies is",
        )
    ]


def test_outcome_needs_either_conditions_or_otherwise(
    write: Writer, frameworks: FrameworkRegistry
) -> None:
    text = edit(RULES, "    when: {all_at_least: voldoende}\n", "")
    text = edit(text, "    otherwise: true\n", "    otherwise: true\n    when: {none_at: [goed]}\n")
    assert problems_of(write(text), frameworks) == [
        (
            line_of(text, "- outcome: partner"),
            "outcomes[0]",
            "geef 'when' met minstens één voorwaarde, of 'otherwise: true'",
        ),
        (
            line_of(text, "otherwise: true"),
            "outcomes[2].otherwise",
            "geef 'when' of 'otherwise: true', niet allebei",
        ),
    ]


def test_unknown_key_lists_the_allowed_keys(write: Writer, frameworks: FrameworkRegistry) -> None:
    text = edit(RULES, "{all_at_least: voldoende}", "{all_at_least: voldoende, mostly_at: goed}")
    assert problems_of(write(text), frameworks) == [
        (
            line_of(text, "mostly_at"),
            "outcomes[0].when.mostly_at",
            "onbekende sleutel 'mostly_at'; toegestaan zijn: all_at_least, at_least, none_at",
        )
    ]


def test_unknown_top_level_key_lists_the_allowed_keys(
    write: Writer, frameworks: FrameworkRegistry
) -> None:
    text = edit(RULES, "source: Test\n", "source: Test\nschaal: nvao\n")
    assert problems_of(write(text), frameworks) == [
        (
            line_of(text, "schaal"),
            "schaal",
            "onbekende sleutel 'schaal'; toegestaan zijn: format, id, version, title, "
            "description, source, framework, outcomes",
        )
    ]


def test_duplicate_outcome_and_empty_when_are_reported_together(
    write: Writer, frameworks: FrameworkRegistry
) -> None:
    text = edit(RULES, "outcome: volgschool", "outcome: partner")
    text = edit(text, "{all_at_least: voldoende}", "{}")
    assert problems_of(write(text), frameworks) == [
        (
            line_of(text, "when: {}"),
            "outcomes[0].when",
            "geef minstens één voorwaarde: all_at_least, at_least, none_at",
        ),
        (
            line_of(text, "- outcome: partner", occurrence=1),
            "outcomes[1].outcome",
            "uitkomst 'partner' komt al eerder voor",
        ),
    ]


def test_rules_for_an_unknown_or_unscored_framework_are_refused(
    write: Writer, frameworks: FrameworkRegistry
) -> None:
    unknown = edit(RULES, f"framework: {NVAO}", "framework: nvao-2030")
    [(line, key, message)] = problems_of(write(unknown, "a.yaml"), frameworks)
    assert (line, key) == (line_of(unknown, "framework:"), "framework")
    assert message.startswith("kader 'nvao-2030' is onbekend; bekend zijn: ")

    unscored = edit(RULES, f"framework: {NVAO}", "framework: frosk-intakegesprek")
    assert problems_of(write(unscored, "b.yaml"), frameworks) == [
        (
            line_of(unscored, "framework:"),
            "framework",
            "kader 'frosk-intakegesprek' wordt niet gescoord (scored: false); adviesregels "
            "lezen scores en hebben een kader met een schaal nodig",
        )
    ]


# --- the registry ------------------------------------------------------------------------------


def test_registry_gives_the_newest_version_unless_asked(
    tmp_path: Path, write: Writer, frameworks: FrameworkRegistry
) -> None:
    write(RULES, "advice/v1.yaml")
    write(edit(RULES, "version: 1", "version: 2"), "advice/v2.yaml")
    registry = AdviceRegistry.from_directory(tmp_path / "advice", frameworks.get)
    assert registry.get("test-advies").version == 2
    assert registry.get("test-advies", 1).version == 1
    with pytest.raises(NotFoundError, match="adviesregels 'test-advies' versie 3 zijn onbekend"):
        registry.get("test-advies", 3)


def test_registry_reports_the_problems_of_every_file(
    tmp_path: Path, write: Writer, frameworks: FrameworkRegistry
) -> None:
    first = write(RULES, "advice/a.yaml")
    second = write(RULES, "advice/b.yaml")
    broken = write(edit(RULES, "level: voldoende", "level: prima"), "advice/c.yaml")
    with pytest.raises(DefinitionError) as info:
        AdviceRegistry.from_directory(tmp_path / "advice", frameworks.get)
    assert [(p.file, p.key) for p in info.value.problems] == [
        (str(second), "version"),
        (str(broken), "outcomes[1].when.at_least.level"),
    ]
    assert info.value.problems[0].message == (
        f"adviesregels 'test-advies' versie 1 staan ook in {first}"
    )


# --- a partnership's own rules -----------------------------------------------------------------

# A partnership's own framework: three levels, two domains; its criteria are placeholders.
WAARBORGEN = """\
format: 1
id: vier-waarborgen
version: 1
title: Vier waarborgen (eigen kader)
source: Eigen uitwerking van het partnerschap
scored: true
scale:
  - {name: op_orde, label: Op orde, sufficient: true}
  - {name: in_ontwikkeling, label: In ontwikkeling, sufficient: false}
  - {name: afwezig, label: Afwezig, sufficient: false}
domains:
  - id: basis
    title: Basis
    criteria:
      - {id: visie, title: Visie, asks: Is er een gedeelde visie?}
      - {id: begeleiding, title: Begeleiding, asks: Is de begeleiding geregeld?}
  - id: borging
    title: Borging
    criteria:
      - {id: kwaliteitszorg, title: Kwaliteitszorg, asks: Wordt de kwaliteit bewaakt?}
      - {id: borging, title: Borging, asks: Is het geborgd?}
"""

EIGEN_ADVIES = """\
# Our partnership's advice: partner when everything is in order; aspirant when the basics
# are in order and nothing is absent.
format: 1
id: eigen-advies
version: 1
title: Ons toetredingsadvies
source: Besluit stuurgroep, 2026
framework: vier-waarborgen
outcomes:
  - outcome: partner
    label: Toelaatbaar als partner
    when: {all_at_least: op_orde}
  - outcome: aspirant
    label: Toelaatbaar als aspirant-partner
    when:
      at_least: {level: op_orde, criteria: [basis]}
      none_at: [afwezig]
  - outcome: nog_niet
    label: Nog niet toelaatbaar
    otherwise: true
"""


@pytest.fixture
def own(write: Writer) -> tuple[AdviceRulesSpec, FrameworkSpec]:
    framework = load_framework_text(WAARBORGEN)
    rules = load_advice_file(write(EIGEN_ADVIES), FrameworkRegistry([framework]).get)
    return rules, framework


def test_own_rules_read_a_domain_as_all_its_criteria(
    own: tuple[AdviceRulesSpec, FrameworkSpec],
) -> None:
    rules, framework = own
    audit = {
        "visie": "op_orde",
        "begeleiding": "op_orde",
        "kwaliteitszorg": "in_ontwikkeling",
        "borging": "op_orde",
    }
    assert advise(rules, framework, audit) == Advice(
        outcome="aspirant",
        label="Toelaatbaar als aspirant-partner",
        reasons=(
            "visie is op orde (ten minste op orde vereist)",
            "begeleiding is op orde (ten minste op orde vereist)",
            "geen criterium is afwezig",
            "niet toelaatbaar als partner: kwaliteitszorg is in ontwikkeling "
            "(ten minste op orde vereist)",
        ),
        deciding=("visie", "begeleiding", "kwaliteitszorg"),
    )


def test_own_rules_a_criterion_id_wins_over_a_domain_with_that_id(
    write: Writer, own: tuple[AdviceRulesSpec, FrameworkSpec]
) -> None:
    _, framework = own
    rules = load_advice_text(
        edit(EIGEN_ADVIES, "criteria: [basis]", "criteria: [borging]"),
        frameworks=FrameworkRegistry([framework]).get,
    )
    audit = {
        "visie": "in_ontwikkeling",
        "begeleiding": "in_ontwikkeling",
        "kwaliteitszorg": "in_ontwikkeling",  # in domain 'borging', not criterion 'borging'
        "borging": "op_orde",
    }
    advice = advise(rules, framework, audit)
    assert advice.outcome == "aspirant"
    assert advice.reasons[0] == "borging is op orde (ten minste op orde vereist)"


def test_own_rules_give_nog_niet_when_the_basis_is_missing(
    own: tuple[AdviceRulesSpec, FrameworkSpec],
) -> None:
    rules, framework = own
    audit = {
        "visie": "afwezig",
        "begeleiding": "op_orde",
        "kwaliteitszorg": "op_orde",
        "borging": "op_orde",
    }
    advice = advise(rules, framework, audit)
    assert advice.outcome == "nog_niet"
    assert advice.reasons == (
        "niet toelaatbaar als partner: visie is afwezig (ten minste op orde vereist)",
        "niet toelaatbaar als aspirant-partner: visie is afwezig (ten minste op orde vereist)",
        "niet toelaatbaar als aspirant-partner: visie is afwezig",
    )
    assert advice.deciding == ("visie",)


def test_own_rules_are_checked_against_their_own_framework(
    write: Writer, own: tuple[AdviceRulesSpec, FrameworkSpec], frameworks: FrameworkRegistry
) -> None:
    _, framework = own
    text = edit(EIGEN_ADVIES, "none_at: [afwezig]", "none_at: [voldoet_niet]")
    with pytest.raises(DefinitionError) as info:
        load_advice_file(write(text), FrameworkRegistry([framework]).get)
    [problem] = info.value.problems
    assert (problem.line, problem.key, problem.message) == (
        line_of(text, "none_at"),
        "outcomes[1].when.none_at[0]",
        "niveau 'voldoet_niet' staat niet in de schaal van kader 'vier-waarborgen'; kies uit: "
        "op_orde, in_ontwikkeling, afwezig",
    )
    # ... and the shipped frameworks do not know it
    with pytest.raises(DefinitionError, match="kader 'vier-waarborgen' is onbekend"):
        load_advice_file(write(EIGEN_ADVIES, "eigen.yaml"), frameworks.get)
