"""What moving a case onto a newer protocol version does to its running audit.

A running audit keeps the framework and advice rules it opened with (as it keeps its advice
rules when they get a new version): the dry run says so per case, and the history row of
the move repeats it. A case cannot move while its audit runs when the new version has no
audit, or when it is in a step of the audit and lands in a step the new version's audit
does not use (the audit could not be finished there). A finished (closed) audit is history.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from toetreding._exceptions import NotFoundError
from toetreding.definition import ProtocolSpec
from toetreding.definition.model import AuditSpec
from toetreding.store import CaseRecord
from toetreding.store.repository import Store

if TYPE_CHECKING:
    from toetreding.store import AuditPublic

# The stores (and tables, rules) of frameworks and advice rules are imported where a case
# with a running audit moves, not with this module: the service's import is every command's
# start, and ``toetreding case show`` needs none of them (tests/test_cli_startup.py).


@dataclass(frozen=True)
class AuditOnMove:
    """The running audit on a move: why the case cannot move, or what it keeps (words)."""

    refusal: str | None = None
    kept: str = ""  # 'Audit blijft op kader 'NVAO …' versie 1; …' (empty: no running audit)


def audit_on_move(
    store: Store,
    case: CaseRecord,
    old: ProtocolSpec,
    new: ProtocolSpec,
    target: str,
    shipped: Path | None = None,
) -> AuditOnMove:
    """What moving ``case`` from ``old`` into state ``target`` of ``new`` means for its
    running audit (nothing when it has none). ``shipped``: the protocols folder, whose
    ``frameworks`` folder holds the shipped frameworks a new version may name."""
    audit = store.audits.latest_audit(case.id)
    if audit is None or audit.closed_at is not None:
        return AuditOnMove()
    framework = _framework_title(store, case, audit)
    why = _why_not(old, new, case.state, target)
    if why:
        return AuditOnMove(
            f"de audit (kader '{framework}' versie {audit.framework_version}) loopt nog en "
            f"{why}; stel eerst het definitieve rapport vast in versie {old.version}"
        )
    return AuditOnMove(kept=_kept(store, case, audit, framework, new, shipped))


def _why_not(old: ProtocolSpec, new: ProtocolSpec, state: str, target: str) -> str:
    """Why a running audit could not be finished on ``new`` (empty: it can)."""
    if new.audit is None:
        return f"versie {new.version} kent geen interne audit"
    if old.audit is None:  # an audit of a version before ``old``: nothing to compare
        return ""
    if old.audit.finalize_in and not new.audit.finalize_in:
        return f"versie {new.version} kent geen stap waarin het rapport wordt vastgesteld"
    if state in _steps(old.audit) and target not in _steps(new.audit):
        label = new.states[target].label
        return f"stap '{label}' hoort in versie {new.version} niet bij de audit"
    return ""


def _steps(audit: AuditSpec) -> set[str]:
    """The states in which audit work happens (opening to the final report)."""
    named = (audit.corrections_in, audit.finalize_in)
    return set(audit.open_in) | {state for state in named if state is not None}


def _kept(
    store: Store,
    case: CaseRecord,
    audit: AuditPublic,
    framework: str,
    new: ProtocolSpec,
    shipped: Path | None,
) -> str:
    words = f"Audit blijft op kader '{framework}' versie {audit.framework_version}"
    if audit.advice_id is not None:
        rules = _advice_title(store, case, audit)
        words += f", adviesregels '{rules}' versie {audit.advice_version}"
    assert new.audit is not None
    if new.audit.framework != audit.framework_id:
        other = _newest_title(store, case, new.audit.framework, shipped)
        named = f"kader '{other}'" if other else _missing(new.audit.framework)
        words += f"; protocolversie {new.version} noemt {named} voor een volgende audit"
    return words


def _framework_title(store: Store, case: CaseRecord, audit: AuditPublic) -> str:
    """The title of the framework version the audit is scored against (recorded when it
    opened, so the store knows it)."""
    from toetreding.store import FrameworkStore

    owner = case.partnership_id if audit.partnership_framework else None
    try:
        found = FrameworkStore(store.engine).get(owner, audit.framework_id, audit.framework_version)
    except NotFoundError:
        return audit.framework_id.replace("-", " ")
    return found.title


def _advice_title(store: Store, case: CaseRecord, audit: AuditPublic) -> str:
    from toetreding.store import AdviceRulesStore

    assert audit.advice_id is not None
    try:
        found = AdviceRulesStore(store.engine).get(
            case.partnership_id, audit.advice_id, audit.advice_version
        )
    except NotFoundError:
        return audit.advice_id.replace("-", " ")
    return found.title


def _newest_title(
    store: Store, case: CaseRecord, framework_id: str, shipped: Path | None
) -> str | None:
    """The title of the newest framework of that id: the partnership's own or one stored,
    else one shipped in the protocols folder (not stored until an audit uses it)."""
    from toetreding.frameworks import FrameworkRegistry
    from toetreding.store import FrameworkStore

    registry = FrameworkRegistry.shipped(shipped) if shipped else FrameworkRegistry()
    try:
        return FrameworkStore(store.engine, registry).get(case.partnership_id, framework_id).title
    except NotFoundError:
        return None


def _missing(framework_id: str) -> str:
    """A framework the new version names that toetreding does not have, in an
    administrator's words: its code is what they load or ship it under."""
    return (
        f"een kader dat toetreding nog niet kent (code '{framework_id}': laad het op "
        "Kaderbeheer of met 'toetreding framework load', of zet het bestand bij de "
        "meegeleverde kaders)"
    )
