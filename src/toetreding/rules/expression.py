"""Guard expressions: named rules combined with ``and``, ``or``, ``not`` and parentheses.

Example: ``has_document('plan_van_aanpak') and not has_been_in('volgschool')``.
The text is parsed with :mod:`ast` and only a tiny whitelist of node types is accepted;
it is never evaluated as Python.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

from toetreding.rules._registry import GuardContext, Rule, Verdict, all_rules, get_rule

Literal = str | int | float | bool


class ExpressionError(ValueError):
    """A guard expression is not valid; the message is Dutch."""


@dataclass(frozen=True)
class RuleCall:
    rule: Rule
    args: tuple[Literal, ...]

    def evaluate(self, context: GuardContext) -> Verdict:
        return self.rule.judge(context, self.args)


@dataclass(frozen=True)
class Not:
    operand: Guard

    def evaluate(self, context: GuardContext) -> Verdict:
        inner = self.operand.evaluate(context)
        return Verdict(not inner.holds, inner.fact)


@dataclass(frozen=True)
class AllOf:
    operands: tuple[Guard, ...]

    def evaluate(self, context: GuardContext) -> Verdict:
        verdicts = [op.evaluate(context) for op in self.operands]
        failed = [v for v in verdicts if not v.holds]
        if failed:
            open_frame = any(v.open_frame for v in failed)
            return Verdict(False, "; ".join(v.fact for v in failed), open_frame)
        return Verdict(True, "; ".join(v.fact for v in verdicts))


@dataclass(frozen=True)
class AnyOf:
    operands: tuple[Guard, ...]

    def evaluate(self, context: GuardContext) -> Verdict:
        verdicts = [op.evaluate(context) for op in self.operands]
        held = [v.fact for v in verdicts if v.holds]
        if held:
            return Verdict(True, held[0])
        open_frame = any(v.open_frame for v in verdicts)
        return Verdict(False, " en ".join(v.fact for v in verdicts), open_frame)


Guard = RuleCall | Not | AllOf | AnyOf


def parse_guard(text: str) -> Guard:
    """Parse ``text`` into a guard tree, checking every rule name and its arguments."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"ongeldige guard-expressie {text!r}: {exc.msg}") from exc
    return _build(tree.body)


def rule_calls(guard: Guard) -> list[RuleCall]:
    """Every rule call in ``guard``, left to right."""
    if isinstance(guard, RuleCall):
        return [guard]
    if isinstance(guard, Not):
        return rule_calls(guard.operand)
    return [call for op in guard.operands for call in rule_calls(op)]


def _build(node: ast.expr) -> Guard:
    if isinstance(node, ast.BoolOp):
        operands = tuple(_build(value) for value in node.values)
        return AllOf(operands) if isinstance(node.op, ast.And) else AnyOf(operands)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return Not(_build(node.operand))
    if isinstance(node, ast.Name):
        return _rule_call(node.id, [])
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.keywords:
            raise ExpressionError(f"regel '{node.func.id}' accepteert geen benoemde argumenten")
        return _rule_call(node.func.id, node.args)
    raise ExpressionError(
        f"niet toegestaan in een guard: '{ast.unparse(node)}' "
        "(alleen regels, and, or, not en haakjes)"
    )


def _rule_call(name: str, arg_nodes: Sequence[ast.expr]) -> RuleCall:
    found = get_rule(name)
    if found is None:
        known = ", ".join(r.name for r in all_rules())
        raise ExpressionError(f"onbekende regel '{name}'; bekende regels: {known}")
    args: list[Literal] = []
    for arg in arg_nodes:
        if not isinstance(arg, ast.Constant) or not isinstance(arg.value, str | int | float):
            raise ExpressionError(
                f"argumenten van '{name}' moeten letterlijke tekst of getallen zijn"
            )
        args.append(arg.value)
    if len(args) != len(found.parameters):
        wanted = ", ".join(found.parameters) or "geen"
        raise ExpressionError(
            f"regel '{name}' verwacht {len(found.parameters)} argument(en) ({wanted}), "
            f"kreeg {len(args)}"
        )
    return RuleCall(found, tuple(args))
