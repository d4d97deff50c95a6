"""Named rules for protocol guards, and the restricted expression language combining them."""

from toetreding.rules import audit_rules as _audit_rules  # noqa: F401  (registers them)
from toetreding.rules import builtin as _builtin  # noqa: F401  (registers the shipped rules)
from toetreding.rules import frame_rules as _frame_rules  # noqa: F401  (registers them)
from toetreding.rules._registry import (
    NO_WORDS,
    AuditFacts,
    CaseLookups,
    FrameFacts,
    GuardContext,
    NoLookups,
    PastEvent,
    Rule,
    Verdict,
    Words,
    all_rules,
    get_rule,
    rule,
)
from toetreding.rules.expression import (
    AllOf,
    AnyOf,
    ExpressionError,
    Guard,
    Not,
    RuleCall,
    parse_guard,
    rule_calls,
)

__all__ = [
    "NO_WORDS",
    "AllOf",
    "AnyOf",
    "AuditFacts",
    "CaseLookups",
    "ExpressionError",
    "FrameFacts",
    "Guard",
    "GuardContext",
    "NoLookups",
    "Not",
    "PastEvent",
    "Rule",
    "RuleCall",
    "Verdict",
    "Words",
    "all_rules",
    "get_rule",
    "parse_guard",
    "rule",
    "rule_calls",
]
