"""Explaining conditions: reasons naming moves and steps in the words of the condition language.

Each condition becomes a function that says why it has the outcome it has on a package
(``usa.delist-sst is in step 1, but dprk.abduction-accounting is not in the package``).  The
checker (``negotiator.domain.evaluate``) only calls it for the results that are shown, and
:func:`remembered` shares the reasons of compound conditions across packages with the same facts.
"""

from __future__ import annotations

from collections.abc import Callable

from negotiator.domain import comparators
from negotiator.domain.conditions import (
    After,
    And,
    Before,
    ByStep,
    Excludes,
    Guarded,
    Includes,
    Metric,
    Node,
    Not,
    Or,
    Quantity,
    Visitor,
    With,
    operands_of,
    references,
)
from negotiator.domain.deciding import Facts, compiled, predicate
from negotiator.domain.language import number_text

Explain = Callable[[Facts], str]


def _where(move: str, steps: dict) -> str:
    ordinal = steps.get(move)
    if ordinal is None:
        return f"{move} is not in the package"
    return f"{move} is in step {ordinal}"


class _Explainer(Visitor[Explain]):
    """Functions saying why a tree has the outcome it has on a package's facts, for ``party``."""

    def __init__(self, party: str | None):
        self.party = party

    def includes(self, node: Includes) -> Explain:
        move = node.move
        return lambda f: _where(move, f.step)

    def excludes(self, node: Excludes) -> Explain:
        move = node.move
        return lambda f: _where(move, f.step)

    def before(self, node: Before) -> Explain:
        return _before(node.first, node.second)

    def after(self, node: After) -> Explain:
        return _before(node.second, node.first)

    def with_(self, node: With) -> Explain:
        return _with(node.first, node.second)

    def by_step(self, node: ByStep) -> Explain:
        return _by_step(node.move, node.step)

    def quantity(self, node: Quantity) -> Explain:
        return _quantity(node.move, node.op, node.value)

    def metric(self, node: Metric) -> Explain:
        return _metric(node, self.party)

    def not_(self, node: Not) -> Explain:
        # The facts that make the operand hold are the facts that make its negation fail.
        return self.visit(node.operand)

    def and_(self, node: And) -> Explain:
        return _and([self._part(o) for o in node.operands])

    def or_(self, node: Or) -> Explain:
        return _or([self._part(o) for o in node.operands])

    def guarded(self, node: Guarded) -> Explain:
        return _guarded(self._part(node.body), node.kind, self._part(node.guard))

    def _part(self, node: Node) -> Part:
        return predicate(node, self.party), self.visit(node)


def explainer(node: Node, party: str | None) -> Explain:
    """A function saying why ``node`` has the outcome it has on a package's facts."""
    return _Explainer(party).visit(node)


def _before(first: str, second: str) -> Explain:
    """Why ``first before second`` holds or not: second may only come after first."""

    def explain(f):
        later = f.step.get(second)
        if later is None:
            return f"{second} is not in the package"
        earlier = f.step.get(first)
        if earlier is None:
            return f"{second} is in step {later}, but {first} is not in the package"
        if earlier == later:
            return f"{first} and {second} are both in step {later}"
        if earlier > later:
            return f"{first} is in step {earlier}, after {second} in step {later}"
        return f"{first} is in step {earlier}, {second} in step {later}"

    return explain


def _with(first: str, second: str) -> Explain:
    def explain(f):
        one, other = f.step.get(first), f.step.get(second)
        if one is None and other is None:
            return f"neither {first} nor {second} is in the package"
        if other is None:
            return f"{first} is in step {one}, but {second} is not in the package"
        if one is None:
            return f"{second} is in step {other}, but {first} is not in the package"
        if one == other:
            return f"{first} and {second} are both in step {one}"
        return f"{first} is in step {one}, {second} in step {other}"

    return explain


def _by_step(move: str, limit: int) -> Explain:
    def explain(f):
        ordinal = f.step.get(move)
        if ordinal is not None and ordinal > limit:
            return f"{move} is in step {ordinal}, after step {limit}"
        return _where(move, f.step)

    return explain


def _quantity(move: str, op: str, value: float) -> Explain:
    wanted = f"{op} {number_text(value)}"

    def explain(f):
        ordinal = f.step.get(move)
        if ordinal is None:
            return f"{move} is not in the package"
        amount = f.quantity.get(move)
        if amount is None:
            return f"{move} is in step {ordinal} with no quantity"
        verdict = "" if comparators.holds(amount, op, value) else f", not {wanted}"
        return f"{move} is {number_text(amount)} in step {ordinal}{verdict}"

    return explain


def _metric(node: Metric, party: str | None) -> Explain:
    op, value = node.op, node.value
    wanted = f"{op} {number_text(value)}"

    def verdict(amount) -> str:
        return "" if comparators.holds(amount, op, value) else f", not {wanted}"

    if node.name == "steps":
        return lambda f: f"the package has {f.count} step{'' if f.count == 1 else 's'}{verdict(f.count)}"
    if party is None:
        reason = f"{node.name} is measured for a party, and a rule has none"
        return lambda f: reason
    if node.name == "balance":

        def explain_balance(f):
            amount = f.balance(party)
            return f"{party}'s balance is {amount} after the last step{verdict(amount)}"

        return explain_balance

    def explain(f):
        amount = f.exposure(party)
        if amount == 0:
            return f"{party}'s exposure is 0 (its balance never falls below 0){verdict(0)}"
        series = f.balances(party)
        low = min(series)
        return f"{party}'s exposure is {amount} (balance {low} after step {series.index(low) + 1}){verdict(amount)}"

    return explain


Part = tuple[Callable[[Facts], bool], Explain]


def _and(parts: list[Part]) -> Explain:
    def explain(f):
        failed = [e(f) for t, e in parts if not t(f)]
        return "; ".join(failed) if failed else "; ".join(e(f) for _, e in parts)

    return explain


def _or(parts: list[Part]) -> Explain:
    def explain(f):
        for t, e in parts:
            if t(f):
                return e(f)
        return "; ".join(e(f) for _, e in parts)

    return explain


def _guarded(body: Part, kind: str, guard: Part) -> Explain:
    body_test, body_explain = body
    guard_test, guard_explain = guard
    applies_when = kind == "if"

    def explain(f):
        if guard_test(f) != applies_when:
            return f"does not apply: {guard_explain(f)}"
        if body_test(f):
            return body_explain(f)
        return f"{body_explain(f)} (applies because {guard_explain(f)})"

    return explain


_REMEMBERED = 4096  # reasons kept per condition; beyond that, new ones are made but not kept


def remembered(node: Node, party: str | None) -> Explain:
    """The explainer of a condition, remembering its reasons across packages.

    A reason depends only on the facts the condition reads: the steps of its moves, the
    quantities it compares, and the number of steps or the party's balances if it uses them.
    Thousands of packages share few such combinations, and the reasons of compound conditions
    (and, or, if) are the dear ones, so each is made once per combination -- and shared, which
    also saves memory.  Atoms are cheap enough to explain afresh.
    """
    explain = explainer(node, party)
    if not operands_of(node):
        return explain
    referred = references(node)
    read = [f"s.get({m!r})" for m in sorted(referred.moves)]
    read += [f"q.get({m!r})" for m in sorted(referred.quantities)]
    metrics = referred.metrics
    if "steps" in metrics:
        read.append("f.count")
    if party is not None and metrics & {"balance", "exposure"}:
        read.append(f"f.balances({party!r})")
    returned = "".join(r + ", " for r in read)
    facts_of = compiled(f"def facts_of(f):\n    s, q = f.step, f.quantity\n    return ({returned})\n", "facts_of")
    reasons: dict[tuple, str] = {}

    def remembered(f):
        key = facts_of(f)
        reason = reasons.get(key)
        if reason is None:
            reason = explain(f)
            if len(reasons) < _REMEMBERED:
                reasons[key] = reason
        return reason

    return remembered
