"""Deciding conditions: the facts of a package, and conditions as generated Python over them.

:class:`Facts` is what a condition is judged on for one package.  :func:`function` turns the
conditions of a party (or the rules) into one compiled Python function that returns all their
outcomes for a package at once; :func:`predicate` does the same for one condition or part of one,
which the reasons (``negotiator.domain.reasons``) use to see which parts hold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
)
from negotiator.domain.metrics import Ledger, balance_series, exposure_of
from negotiator.domain.model import Package


class Facts:
    """What conditions are judged on, for one package: ``step`` maps each placed move to its
    step's ordinal, ``quantity`` each placed move that has a quantity to it, ``count`` is the
    number of steps.  The parties' balance series are computed on first use, all in one pass."""

    __slots__ = ("_balances", "_moves", "count", "ledger", "quantity", "step")

    def __init__(self, package: Package, ledger: Ledger):
        step: dict[str, int] = {}
        quantity: dict[str, float] = {}
        moves: list[list[str]] = []
        for ordinal, placed in enumerate(package.steps, 1):
            codes = []
            for placement in placed.placements:
                move = placement.move
                step[move] = ordinal
                codes.append(move)
                if placement.quantity is not None:
                    quantity[move] = placement.quantity
            moves.append(codes)
        self.step = step
        self.quantity = quantity
        self.count = len(moves)
        self.ledger = ledger
        self._moves = moves
        self._balances: dict[str, tuple[int, ...]] | None = None

    def balances(self, party: str) -> tuple[int, ...]:
        """``balance_P(t)`` after each step t = 1..n (§4)."""
        if self._balances is None:
            self._balances = balance_series(self._moves, self.ledger)
        found = self._balances.get(party)
        return found if found is not None else (0,) * self.count

    def balance(self, party: str) -> int:
        series = self.balances(party)
        return series[-1] if series else 0

    def exposure(self, party: str) -> int:
        return exposure_of(self.balances(party))


# --- conditions as generated Python ---------------------------------------------------------------
#
# Judging 10,000 packages against 60+ conditions must cost microseconds per condition (§10), so a
# tree is not walked per package: it is printed once as a Python expression over the package's
# facts -- ``s`` (move -> step), ``q`` (move -> quantity), ``n`` (number of steps) and ``f`` (the
# Facts, for balances) -- and every condition of a party is compiled into one function that
# returns all their outcomes at once.  Codes enter the source only as repr() literals, numbers as
# repr(float) or int, comparators through a fixed table: whatever a user types, the generated
# source holds no code of theirs.

_ABSENT = "1_000_000_000"  # the step of a move that is not placed: after every real step


class _Expression(Visitor[str]):
    """A tree as a Python boolean expression over ``s``, ``q``, ``n`` and ``f`` (see above), as
    judged for ``party`` (None: as a rule)."""

    def __init__(self, party: str | None):
        self.party = party

    def includes(self, node: Includes) -> str:
        return f"({node.move!r} in s)"

    def excludes(self, node: Excludes) -> str:
        return f"({node.move!r} not in s)"

    def before(self, node: Before) -> str:
        return self._ordered(node.first, node.second)

    def after(self, node: After) -> str:
        return self._ordered(node.second, node.first)

    @staticmethod
    def _ordered(first: str, second: str) -> str:
        return f"({second!r} not in s or s.get({first!r}, {_ABSENT}) < s[{second!r}])"

    def with_(self, node: With) -> str:
        return f"(s.get({node.first!r}) == s.get({node.second!r}))"

    def by_step(self, node: ByStep) -> str:
        return f"({node.move!r} not in s or s[{node.move!r}] <= {int(node.step)})"

    def quantity(self, node: Quantity) -> str:
        move, op = node.move, comparators.python(node.op)
        return f"({move!r} not in s or ({move!r} in q and q[{move!r}] {op} {float(node.value)!r}))"

    def metric(self, node: Metric) -> str:
        op, value = comparators.python(node.op), repr(float(node.value))
        if node.name == "steps":
            return f"(n {op} {value})"
        if self.party is None:
            return "False"  # balance/exposure in a rule: refused on save; fails if it slips in
        return f"(f.{node.name}({self.party!r}) {op} {value})"

    def not_(self, node: Not) -> str:
        return f"(not {self.visit(node.operand)})"

    def and_(self, node: And) -> str:
        return "(" + " and ".join(self.visit(o) for o in node.operands) + ")"

    def or_(self, node: Or) -> str:
        return "(" + " or ".join(self.visit(o) for o in node.operands) + ")"

    def guarded(self, node: Guarded) -> str:
        guard, body = self.visit(node.guard), self.visit(node.body)
        if node.kind == "if":
            return f"(not {guard} or {body})"
        return f"({guard} or {body})"


def expression(node: Node, party: str | None) -> str:
    """``node`` as a Python boolean expression over ``s``, ``q``, ``n`` and ``f`` (see above)."""
    return _Expression(party).visit(node)


def compiled(source: str, name: str) -> Any:
    """Compile generated ``source`` and return what it defines as ``name``."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<conditions>", "exec"), namespace)  # noqa: S102  (the source holds no user text, see above)
    return namespace[name]


def function(expressions: list[str]) -> Callable[[dict, dict, int, Facts], tuple[bool, ...]]:
    """One function ``(s, q, n, f) -> (outcome, ...)`` over a list of expressions."""
    body = "(" + "".join(e + ", " for e in expressions) + ")"
    return compiled(f"def judge(s, q, n, f):\n    return {body}\n", "judge")


def predicate(node: Node, party: str | None) -> Callable[[Facts], bool]:
    """One condition (or part of one) as a function of a package's facts."""
    source = f"def holds(f):\n    s, q, n = f.step, f.quantity, f.count\n    return {expression(node, party)}\n"
    return compiled(source, "holds")
