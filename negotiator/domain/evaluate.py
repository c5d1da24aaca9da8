"""Judging packages against conditions (DESIGN §3): which parties a package satisfies, and why.

A :class:`Checker` compiles every condition of a catalogue once and then judges any number of
packages.  Deciding and explaining are kept apart:

* *deciding* (``negotiator.domain.deciding``): the conditions of each party (and the rules)
  become one generated Python function that returns all their outcomes for a package at once;
* *explaining* (``negotiator.domain.reasons``): each condition also becomes a function that says
  why it has the outcome it has, naming moves and steps in the words of §3.  It is only called
  for the results that are shown: failed conditions always, passed ones unless
  ``explain_passes=False``.

Per package the only other work is one pass over its placements to build the move -> step and
move -> quantity maps; the balance series of the ``balance`` and ``exposure`` atoms are computed
only when such an atom is reached, all parties in one pass.

Positions with a bound are conditions of their party (origin ``position``, text ``move op value``).
Conditions without a party are rules: a package is *valid* when every rule holds.  A party is
*satisfied* when every non-soft condition of its own holds; soft ones are counted in
``passed``/``total`` but do not decide.  A party with no condition of its own (position bounds
aside) that neither acts in nor values any placed move has *no stake* in the package.

The catalogue judged against is the catalogue in force (``Catalogue.in_force``): each party's
positions and conditions of the era it is judged in, which every result names.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from itertools import compress
from typing import NamedTuple

from negotiator.domain.conditions import Node, Quantity
from negotiator.domain.deciding import Facts, expression, function, predicate
from negotiator.domain.eras import require_in_force
from negotiator.domain.errors import ConditionSyntaxError, InvalidValue
from negotiator.domain.language import parse, to_text
from negotiator.domain.metrics import Ledger, Values, move_values
from negotiator.domain.model import Catalogue, Condition, Package
from negotiator.domain.reasons import Explain, explainer, remembered


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
    era: str | None = None  # the era the condition (or the position) holds in; None: standing


class EraCheck(NamedTuple):
    """How a package fares with a party in one of its eras (None: on its standing rows alone)."""

    era: str | None
    satisfied: bool
    passed: int
    total: int
    conditions: tuple[ConditionResult, ...]
    stake: bool = True


class PartyCheck(NamedTuple):
    """A party's verdict on a package.

    ``stake`` is False when the party has no condition of its own in force and neither acts in
    nor values any placed move (then ``satisfied`` is True); ``era`` is the era it was judged in
    (None: its standing rows alone).  Judged across eras, ``eras`` holds its verdict in each of
    them; judged robustly, ``eras`` holds its verdict in each era the package's window spans,
    ``robust`` whether every one is satisfied, and ``satisfied`` is that robust verdict.
    """

    party: str
    satisfied: bool
    passed: int
    total: int
    conditions: tuple[ConditionResult, ...]
    stake: bool = True
    era: str | None = None
    eras: tuple[EraCheck, ...] | None = None
    robust: bool | None = None


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
    position with a bound as a condition of its party (of the position's era)."""
    require_in_force(catalogue)
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
        condition = Condition(text=to_text(node), party=position.party, source=position.source, era=position.era)
        judged.append(Judged(condition, node, "position"))
    return judged


# --- judging packages --------------------------------------------------------------------------


_new = tuple.__new__


class _Group(NamedTuple):
    """The conditions of one party (or the rules), compiled: one function deciding them all;
    per condition the fixed part of its result and its explainer; the result of each when it
    passes unexplained (the same for every package, so made once); and which are soft."""

    judge: Callable[[dict, dict, int, Facts], tuple[bool, ...]]
    entries: tuple[tuple[tuple, Explain, tuple], ...]  # fixed part, explainer, era part of each result
    plain: tuple[ConditionResult, ...]
    softs: tuple[bool, ...]
    has_conditions: bool  # a condition of its own (not only position bounds): a stake in any package


def _group(judged: list[Judged], party: str | None) -> _Group:
    fixed = [(c.text, c.party, c.name, origin, c.soft) for c, _, origin in judged]
    tails = [(j.condition.era,) for j in judged]
    return _Group(
        judge=function([expression(j.node, party) for j in judged]),
        entries=tuple(zip(fixed, [remembered(j.node, party) for j in judged], tails)),
        plain=tuple(ConditionResult(*f, True, "", *tail) for f, tail in zip(fixed, tails)),
        softs=tuple(j.condition.soft for j in judged),
        has_conditions=any(j.origin == "condition" for j in judged),
    )


def concerned_moves(catalogue: Catalogue, values: Values | None = None) -> dict[str, frozenset[str]]:
    """Party -> the moves it acts in or values (v_P(m) != 0), by the positions in force
    (``values``: ``move_values(catalogue)``, when already known)."""
    values = move_values(catalogue) if values is None else values
    found: dict[str, set[str]] = {p.code: set() for p in catalogue.parties}
    for move in catalogue.moves:
        found.setdefault(move.actor, set()).add(move.code)
        for party, value in values.get(move.code, {}).items():
            if value:
                found.setdefault(party, set()).add(move.code)
    return {party: frozenset(moves) for party, moves in found.items()}


class Checker:
    """Every condition of a catalogue, compiled once; ``check(package)`` judges one package.

    ``parties`` limits which parties are judged (rules are always judged).  With
    ``explain_passes=False`` only failed conditions get a reason (passed ones get ``""``), which is
    what ``check`` without ``--detail`` shows and saves most of the cost of reasons.
    """

    def __init__(self, catalogue: Catalogue, parties: Iterable[str] | None = None, explain_passes: bool = True):
        self.catalogue = catalogue
        values = move_values(catalogue)
        self.ledger = Ledger.of(values, (p.code for p in catalogue.parties))
        self.explain_passes = explain_passes
        self.era_of = catalogue.era_of
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
        # Only a party without a condition of its own can lack a stake; its moves are looked up.
        self.concerned = {party: moves for party, moves in concerned_moves(catalogue, values).items()
                          if party in self.parties and not self.parties[party].has_conditions}

    def check(self, package: Package) -> PackageCheck:
        facts = Facts(package, self.ledger)
        rules, outcomes = self._results(self.rules, facts)
        valid = all(outcomes)
        parties = []
        era_of = self.era_of
        for party, group in self.parties.items():
            results, outcomes = self._results(group, facts)
            satisfied = all(map(operator.or_, outcomes, group.softs))
            concerned = self.concerned.get(party)
            stake = concerned is None or not concerned.isdisjoint(facts.step)
            parties.append(_new(PartyCheck, (party, satisfied, sum(outcomes), len(outcomes), results, stake,
                                             era_of.get(party), None, None)))
        return PackageCheck(package.name, valid, rules, tuple(parties))

    def _results(self, group: _Group, facts: Facts) -> tuple[tuple[ConditionResult, ...], tuple[bool, ...]]:
        # This runs once per package and group of conditions: results are made with tuple.__new__
        # (the NamedTuple's own constructor is a Python call), and when passes go unexplained
        # only the failed conditions -- found without a Python loop -- get a result of their own.
        outcomes = group.judge(facts.step, facts.quantity, facts.count, facts)
        entries = group.entries
        if self.explain_passes:
            results = [
                _new(ConditionResult, fixed + (passed, explain(facts)) + tail)
                for (fixed, explain, tail), passed in zip(entries, outcomes)
            ]
            return tuple(results), outcomes
        if all(outcomes):
            return group.plain, outcomes
        results = list(group.plain)
        for index in compress(range(len(outcomes)), map(operator.not_, outcomes)):
            fixed, explain, tail = entries[index]
            results[index] = _new(ConditionResult, fixed + (False, explain(facts)) + tail)
        return tuple(results), outcomes


def check_package(catalogue: Catalogue, package: Package) -> PackageCheck:
    """Judge one package against every condition of the catalogue."""
    return Checker(catalogue).check(package)


def evaluate(node: Node, package: Package, party: str | None, catalogue: Catalogue) -> Outcome:
    """Judge one condition tree on one package for ``party`` (None: as a rule)."""
    facts = Facts(package, Ledger.of(move_values(catalogue), (p.code for p in catalogue.parties)))
    return Outcome(predicate(node, party)(facts), explainer(node, party)(facts))
