"""Judging packages against conditions (DESIGN §3): which parties a package satisfies, and why.

A :class:`Checker` compiles every condition of a catalogue once and then judges any number of
packages.  Deciding and explaining are kept apart:

* *deciding*: the conditions of each party (and the rules) become one generated Python function
  that returns all their outcomes for a package at once (see "deciding" below for why);
* *explaining*: each condition also becomes a function that says why it has the outcome it has,
  naming moves and steps in the words of §3 (``usa.delist-sst is in step 1, but
  dprk.abduction-accounting is not in the package``).  It is only called for the results that are
  shown: failed conditions always, passed ones unless ``explain_passes=False``.

Per package the only other work is one pass over its placements to build the move -> step and
move -> quantity maps; the balance series of the ``balance`` and ``exposure`` atoms are computed
only when such an atom is reached, all parties in one pass.

Positions with a bound are conditions of their party (origin ``position``, text ``move op value``).
Conditions without a party are rules: a package is *valid* when every rule holds.  A party is
*satisfied* when every non-soft condition of its own holds; soft ones are counted in
``passed``/``total`` but do not decide.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from itertools import compress
from typing import Any, NamedTuple

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
from negotiator.domain.errors import ConditionSyntaxError, InvalidValue
from negotiator.domain.language import number_text, parse, to_text
from negotiator.domain.metrics import Ledger, balance_series, exposure_of, move_values
from negotiator.domain.model import Catalogue, Condition, Package


class Outcome(NamedTuple):
    passed: bool
    reason: str


class ConditionResult(NamedTuple):
    text: str
    party: str | None
    name: str | None
    origin: str  # 'condition' or 'position'
    soft: bool
    passed: bool
    reason: str


class PartyCheck(NamedTuple):
    party: str
    satisfied: bool
    passed: int
    total: int
    conditions: tuple[ConditionResult, ...]


class PackageCheck(NamedTuple):
    package: str
    valid: bool
    rules: tuple[ConditionResult, ...]
    parties: tuple[PartyCheck, ...]

    def satisfied(self) -> list[str]:
        return [p.party for p in self.parties if p.satisfied]


class Judged(NamedTuple):
    """A condition as judged: the stored (or position-derived) condition and its tree."""

    condition: Condition
    node: Node
    origin: str


def effective_conditions(catalogue: Catalogue) -> list[Judged]:
    """Every condition packages are judged against: the catalogue's conditions, then each
    position with a bound as a condition of its party."""
    judged = []
    for condition in catalogue.conditions:
        try:
            node = parse(condition.text)
        except ConditionSyntaxError as error:
            owner = f"of {condition.party}" if condition.party else "(a rule)"
            raise InvalidValue(f"stored condition {owner} '{condition.text}' does not parse: {error.problem}") from None
        judged.append(Judged(condition, node, "condition"))
    for position in catalogue.positions:
        if position.bound is None:
            continue
        node = Quantity(position.move, position.bound.op, position.bound.value)
        condition = Condition(text=to_text(node), party=position.party, source=position.source)
        judged.append(Judged(condition, node, "position"))
    return judged


# --- the facts of one package ------------------------------------------------------------------


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


# --- deciding: conditions as generated Python -------------------------------------------------
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


def _expression(node: Node, party: str | None) -> str:
    """``node`` as a Python boolean expression over ``s``, ``q``, ``n`` and ``f`` (see above)."""
    return _Expression(party).visit(node)


def _compiled(source: str, name: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(source, "<conditions>", "exec"), namespace)  # noqa: S102  (the source holds no user text, see above)
    return namespace[name]


def _function(expressions: list[str]) -> Callable[[dict, dict, int, Facts], tuple[bool, ...]]:
    """One function ``(s, q, n, f) -> (outcome, ...)`` over a list of expressions."""
    body = "(" + "".join(e + ", " for e in expressions) + ")"
    return _compiled(f"def judge(s, q, n, f):\n    return {body}\n", "judge")


def _test(node: Node, party: str | None) -> Callable[[Facts], bool]:
    """One condition (or part of one) as a function of a package's facts."""
    source = f"def holds(f):\n    s, q, n = f.step, f.quantity, f.count\n    return {_expression(node, party)}\n"
    return _compiled(source, "holds")


# --- explaining: reasons naming moves and steps ------------------------------------------------

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
        return _test(node, self.party), self.visit(node)


def _explainer(node: Node, party: str | None) -> Explain:
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


def _remembered(node: Node, party: str | None) -> Explain:
    """The explainer of a condition, remembering its reasons across packages.

    A reason depends only on the facts the condition reads: the steps of its moves, the
    quantities it compares, and the number of steps or the party's balances if it uses them.
    Thousands of packages share few such combinations, and the reasons of compound conditions
    (and, or, if) are the dear ones, so each is made once per combination -- and shared, which
    also saves memory.  Atoms are cheap enough to explain afresh.
    """
    explain = _explainer(node, party)
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
    facts_of = _compiled(f"def facts_of(f):\n    s, q = f.step, f.quantity\n    return ({''.join(r + ', ' for r in read)})\n", "facts_of")
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


# --- judging packages --------------------------------------------------------------------------


_new = tuple.__new__


class _Group(NamedTuple):
    """The conditions of one party (or the rules), compiled: one function deciding them all;
    per condition the fixed part of its result and its explainer; the result of each when it
    passes unexplained (the same for every package, so made once); and which are soft."""

    judge: Callable[[dict, dict, int, Facts], tuple[bool, ...]]
    entries: tuple[tuple[tuple, Explain], ...]
    plain: tuple[ConditionResult, ...]
    softs: tuple[bool, ...]


def _group(judged: list[Judged], party: str | None) -> _Group:
    fixed = [(c.text, c.party, c.name, origin, c.soft) for c, _, origin in judged]
    return _Group(
        judge=_function([_expression(j.node, party) for j in judged]),
        entries=tuple(zip(fixed, [_remembered(j.node, party) for j in judged])),
        plain=tuple(ConditionResult(*f, True, "") for f in fixed),
        softs=tuple(j.condition.soft for j in judged),
    )


class Checker:
    """Every condition of a catalogue, compiled once; ``check(package)`` judges one package.

    ``parties`` limits which parties are judged (rules are always judged).  With
    ``explain_passes=False`` only failed conditions get a reason (passed ones get ``""``), which is
    what ``check`` without ``--detail`` shows and saves most of the cost of reasons.
    """

    def __init__(self, catalogue: Catalogue, parties: Iterable[str] | None = None, explain_passes: bool = True):
        self.catalogue = catalogue
        self.ledger = Ledger.of(move_values(catalogue), (p.code for p in catalogue.parties))
        self.explain_passes = explain_passes
        wanted = None if parties is None else set(parties)
        rules: list[Judged] = []
        by_party: dict[str, list[Judged]] = {
            p.code: [] for p in catalogue.parties if wanted is None or p.code in wanted
        }
        for judged in effective_conditions(catalogue):
            party = judged.condition.party
            if party is None:
                rules.append(judged)
            elif wanted is None or party in wanted:
                by_party.setdefault(party, []).append(judged)
        self.rules = _group(rules, None)
        self.parties = {party: _group(judged, party) for party, judged in by_party.items()}

    def check(self, package: Package) -> PackageCheck:
        facts = Facts(package, self.ledger)
        rules, outcomes = self._results(self.rules, facts)
        valid = all(outcomes)
        parties = []
        for party, group in self.parties.items():
            results, outcomes = self._results(group, facts)
            satisfied = all(map(operator.or_, outcomes, group.softs))
            parties.append(_new(PartyCheck, (party, satisfied, sum(outcomes), len(outcomes), results)))
        return PackageCheck(package.name, valid, rules, tuple(parties))

    def _results(self, group: _Group, facts: Facts) -> tuple[tuple[ConditionResult, ...], tuple[bool, ...]]:
        # This runs once per package and group of conditions: results are made with tuple.__new__
        # (the NamedTuple's own constructor is a Python call), and when passes go unexplained
        # only the failed conditions -- found without a Python loop -- get a result of their own.
        outcomes = group.judge(facts.step, facts.quantity, facts.count, facts)
        entries = group.entries
        if self.explain_passes:
            results = [
                _new(ConditionResult, fixed + (passed, explain(facts)))
                for (fixed, explain), passed in zip(entries, outcomes)
            ]
            return tuple(results), outcomes
        if all(outcomes):
            return group.plain, outcomes
        results = list(group.plain)
        for index in compress(range(len(outcomes)), map(operator.not_, outcomes)):
            fixed, explain = entries[index]
            results[index] = _new(ConditionResult, fixed + (False, explain(facts)))
        return tuple(results), outcomes


def check_package(catalogue: Catalogue, package: Package) -> PackageCheck:
    """Judge one package against every condition of the catalogue."""
    return Checker(catalogue).check(package)


def evaluate(node: Node, package: Package, party: str | None, catalogue: Catalogue) -> Outcome:
    """Judge one condition tree on one package for ``party`` (None: as a rule)."""
    facts = Facts(package, Ledger.of(move_values(catalogue), (p.code for p in catalogue.parties)))
    return Outcome(_test(node, party)(facts), _explainer(node, party)(facts))
