"""Rules about the case's internal audit: reports drafted and fixed, corrections, advice.

They read the audit through :meth:`GuardContext.audit`, so a protocol step can wait for the
committee's report, and a decision against the advice needs a reason.
"""

from __future__ import annotations

from toetreding.rules._registry import AuditFacts, GuardContext, Verdict, rule

_KINDS = {"concept": "concept-rapport", "definitief": "definitief rapport"}


@rule("report_ready", "De auditcommissie heeft een rapport van deze soort (concept of definitief).")
def report_ready(context: GuardContext, kind: str) -> Verdict:
    facts = context.audit()
    name = _KINDS.get(kind, kind)
    version = _version(facts, kind)
    if version is None:
        return Verdict(False, f"de auditcommissie heeft nog geen {name} opgesteld")
    return Verdict(True, f"{name} versie {version} ligt klaar")


@rule("corrections_returned", "De school heeft feitelijke onjuistheden in het concept gemeld.")
def corrections_returned(context: GuardContext) -> Verdict:
    facts = context.audit()
    count = facts.corrections if facts else 0
    if count == 0:
        return Verdict(False, "de school heeft geen correcties op het concept-rapport gemeld")
    return Verdict(True, f"de school heeft {count} correctie(s) gemeld")


@rule(
    "advice_followed_or_reason",
    "Het besluit volgt het advies van het definitieve rapport, of de reden voor afwijken is "
    "gegeven in deze invoer.",
)
def advice_followed_or_reason(context: GuardContext, outcome: str, name: str) -> Verdict:
    facts = context.audit()
    if facts is None or facts.final_version is None or facts.advice_outcome is None:
        return Verdict(False, "er is nog geen definitief rapport met een toetredingsadvies")
    advice = f"'{facts.advice_label or facts.advice_outcome}'"
    if facts.advice_outcome == outcome:
        return Verdict(True, f"het besluit volgt het advies {advice}")
    reason = str(context.inputs.get(name) or "").strip()
    if not reason:
        return Verdict(
            False,
            f"het advies is {advice}; wie anders besluit, geeft de reden om af te wijken "
            f"in '{context.words.input(name)}'",
        )
    return Verdict(True, f"het besluit wijkt af van het advies {advice}, met reden")


def _version(facts: AuditFacts | None, kind: str) -> int | None:
    if facts is None:
        return None
    return facts.final_version if kind == "definitief" else facts.draft_version
