"""Admission advice from the scores of an internal audit, by rules that are data.

A rules file (``protocols/advice/*.yaml``, format in ``docs/advice-rules.md``) lists the
possible outcomes in order, each with conditions on the scores of one quality framework; the
first outcome whose conditions all hold is the advice. The advice explains itself criterion
by criterion: why the outcome holds, and what kept each earlier outcome out.

    rules = AdviceRegistry.shipped(protocols_dir).get("nvao-toetredingsadvies")
    framework = FrameworkRegistry.shipped(protocols_dir).get(rules.framework)
    advice = advise(rules, framework, {"gerealiseerd_niveau": "goed", "1.1": "voldoende", ...})

The format is in ``model.py``, its checks in ``checks.py`` (each kind of condition in
``conditions.py``), loading and the shipped rules in ``registry.py``, the engine in
``engine.py``.
"""

from toetreding.advice.checks import check_against, check_rules
from toetreding.advice.conditions import criterion_words
from toetreding.advice.engine import Advice, advise
from toetreding.advice.model import AdviceId, AdviceRulesSpec, AtLeastSpec, OutcomeSpec, WhenSpec
from toetreding.advice.registry import (
    ADVICE_FOLDER,
    AdviceRegistry,
    FrameworkLookup,
    load_advice_file,
    load_advice_text,
)

__all__ = [
    "ADVICE_FOLDER",
    "Advice",
    "AdviceId",
    "AdviceRegistry",
    "AdviceRulesSpec",
    "AtLeastSpec",
    "FrameworkLookup",
    "OutcomeSpec",
    "WhenSpec",
    "advise",
    "check_against",
    "check_rules",
    "criterion_words",
    "load_advice_file",
    "load_advice_text",
]
