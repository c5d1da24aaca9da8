"""Random tiny composing scenarios, and the reference that judges every package they allow.

A scenario is a catalogue of 2 to 4 parties and a pool of 2 to 6 moves (some with a unit), with
positions (some bounded), conditions of every kind of the language -- orderings, ``by step``,
``includes``/``excludes``, quantities, ``balance``, ``exposure``, ``steps``, nested with and / or /
not / if / unless -- some soft, some rules, and a request: the step count (1 to 3), perhaps a
required and a forbidden move, perhaps a subset of the parties, an objective.

The reference enumerates every package compose could propose: every subset of the pool, every
assignment of it to exactly N non-empty steps, and for each free quantity every whole number
that can change an outcome (each number a condition compares it with, and its neighbours).  Each
is judged by the ordinary evaluator (``Checker``) and measured by ``package_metrics`` -- nothing
of the solver is used, except which moves have a free quantity.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, replace
from typing import NamedTuple

from negotiator.domain.composing import Request
from negotiator.domain.composing.request import prepare
from negotiator.domain.conditions import (
    After,
    And,
    Before,
    ByStep,
    Excludes,
    Guarded,
    Includes,
    Metric,
    Not,
    Or,
    Quantity,
    With,
    references,
)
from negotiator.domain.errors import InvalidValue
from negotiator.domain.evaluate import Checker, effective_conditions
from negotiator.domain.language import to_text
from negotiator.domain.metrics import move_values, package_metrics
from negotiator.domain.model import (
    Bound,
    Catalogue,
    Condition,
    Move,
    Package,
    Party,
    Placement,
    Position,
    Step,
)

OPS = (">=", "<=", ">", "<", "=", "!=")
NUMBERS = (100, 300)
OBJECTIVES = ("maxmin", "total", "nash")
MOST_PACKAGES = 6000


def _node(rng: random.Random, codes: list[str], measured: list[str], personal: bool, depth: int = 0):
    if depth < 2 and rng.random() < 0.3:
        kind = rng.choice(["not", "and", "or"])
        if kind == "not":
            return Not(_node(rng, codes, measured, personal, depth + 1))
        parts = tuple(_node(rng, codes, measured, personal, depth + 1) for _ in range(2))
        return And(parts) if kind == "and" else Or(parts)
    kinds = ["includes", "excludes", "before", "after", "with", "by", "steps", "before", "by"]
    kinds += ["quantity"] * 3 if measured else []
    kinds += ["balance", "exposure"] if personal else []
    kind = rng.choice(kinds)
    a, b = rng.sample(codes, 2)
    return {
        "includes": lambda: Includes(a),
        "excludes": lambda: Excludes(a),
        "before": lambda: Before(a, b),
        "after": lambda: After(a, b),
        "with": lambda: With(a, b),
        "by": lambda: ByStep(a, rng.randint(1, 3)),
        "steps": lambda: Metric("steps", rng.choice(OPS), rng.randint(1, 3)),
        "quantity": lambda: Quantity(rng.choice(measured), rng.choice(OPS), rng.choice(NUMBERS)),
        "balance": lambda: Metric("balance", rng.choice(OPS), rng.choice([-1, 0, 1, 2, 3])),
        "exposure": lambda: Metric("exposure", rng.choice(OPS), rng.choice([0, 1, 2])),
    }[kind]()


def _condition(rng: random.Random, codes, measured, party: str | None) -> Condition:
    node = _node(rng, codes, measured, party is not None)
    if rng.random() < 0.15:
        node = Guarded(node, rng.choice(["if", "unless"]), _node(rng, codes, measured, party is not None, 1))
    return Condition(text=to_text(node), party=party, soft=party is not None and rng.random() < 0.15)


@dataclass(frozen=True)
class Scenario:
    catalogue: Catalogue
    request: Request


def scenario(seed: int) -> Scenario:
    """A random tiny scenario (see the module's doc); the same seed, the same scenario."""
    rng = random.Random(seed)
    parties = ["A", "B", "C", "D"][: rng.randint(2, 4)]
    size = rng.randint(2, 6)
    codes = [f"m{i}" for i in range(size)] + ["out"]  # "out" is never in the pool
    units = {code: "t" if rng.random() < (0.4 if size <= 4 else 0.2) else None for code in codes}
    if sum(1 for c in codes[:-1] if units[c]) > 2:
        for code in [c for c in codes[:-1] if units[c]][2:]:
            units[code] = None
    moves = tuple(Move(c, rng.choice(parties), c, unit=units[c], cost=rng.randint(0, 3)) for c in codes)
    positions = []
    for move in moves:
        for party in parties:
            if party != move.actor and rng.random() < 0.5:
                stance = rng.choice(["demand", "demand", "oppose"])
                bound = None
                if move.unit and stance == "demand" and rng.random() < 0.5:
                    bound = Bound(rng.choice(OPS[:4]), rng.choice(NUMBERS))
                positions.append(Position(party, move.code, stance, rng.randint(1, 3), bound))
    measured = [c for c in codes if units[c]]
    conditions = [_condition(rng, codes, measured, rng.choice(parties)) for _ in range(rng.randint(1, 6))]
    conditions += [_condition(rng, codes, measured, None) for _ in range(rng.choice([0, 0, 1, 2]))]
    catalogue = Catalogue(
        parties=tuple(Party(p, p) for p in parties),
        moves=moves,
        positions=tuple(positions),
        conditions=tuple({(c.party, c.text): c for c in conditions}.values()),  # no duplicates
    )
    pool = tuple(codes[:-1])
    required = tuple(rng.sample(pool, 1)) if rng.random() < 0.25 else ()
    forbidden = tuple(m for m in rng.sample(pool, 1) if m not in required) if rng.random() < 0.2 else ()
    usable = len(pool) - len(forbidden)
    considered = None
    if rng.random() < 0.3:
        considered = tuple(sorted(rng.sample(parties, rng.randint(1, len(parties)))))
    request = Request(
        pool=pool,
        required=required,
        forbidden=forbidden,
        steps=rng.randint(1, min(3, usable)),
        parties=considered,
        objective=rng.choice(OBJECTIVES),
    )
    made = Scenario(catalogue, request)
    while packages_to_judge(made) > MOST_PACKAGES:  # keep the reference quick: fewer candidate moves
        dropped = [m for m in made.request.pool if m not in required][-1]
        pool = tuple(m for m in made.request.pool if m != dropped)
        usable = len([m for m in pool if m not in forbidden])
        made = Scenario(catalogue, replace(made.request, pool=pool, steps=min(made.request.steps, usable)))
    try:
        prepare(catalogue, made.request, effective_conditions(catalogue), move_values(catalogue))
    except InvalidValue:  # nash, but some considered party can gain from no move of the pool
        made = Scenario(catalogue, replace(made.request, objective="total"))
    return made


class Candidate(NamedTuple):
    """One package of the reference, as the evaluator sees it."""

    package: Package
    valid: bool  # every rule holds, every required move is in (and, with the Nash floor, every gain >= 1)
    satisfied: tuple[str, ...]  # the considered parties it satisfies
    gains: dict[str, int]
    max_exposure: int
    total_exposure: int
    moves: frozenset[str]
    holding: frozenset[tuple[str | None, str]]  # (party, text) of every condition that holds

    def key(self, objective: str) -> tuple:
        least, total = min(self.gains.values()), sum(self.gains.values())
        if objective == "maxmin":
            middle: tuple = (-least, -total)
        elif objective == "total":
            middle = (-total, -least)
        else:
            middle = (-math.prod(self.gains.values()),)
        return (-len(self.satisfied), *middle, self.max_exposure, self.total_exposure, len(self.moves))


def candidates(catalogue: Catalogue, move: str) -> list[int]:
    """Every whole quantity of ``move`` that can change an outcome: each number a condition or
    bound compares it with, and its neighbours."""
    numbers = set()
    for judged in effective_conditions(catalogue):
        for value in _compared_values(judged.node, move):
            numbers |= {math.floor(value) - 1, math.floor(value), math.ceil(value), math.ceil(value) + 1}
    return sorted(numbers) or [0]


def _compared_values(node, move):
    if isinstance(node, Quantity):
        return [node.value] if node.move == move else []
    children = {Not: lambda n: (n.operand,), And: lambda n: n.operands, Or: lambda n: n.operands,
                Guarded: lambda n: (n.body, n.guard)}
    for kind, parts in children.items():
        if isinstance(node, kind):
            return [v for part in parts(node) for v in _compared_values(part, move)]
    return []


def reference(sc: Scenario) -> tuple[list[Candidate], tuple[str, ...]]:
    """Every package the request allows, judged; and the considered parties."""
    catalogue, request = sc.catalogue, sc.request
    prepared = prepare(catalogue, request, effective_conditions(catalogue), move_values(catalogue))
    parties = prepared.parties
    pool = prepared.pool
    free = sorted(prepared.problem.free)
    checker = Checker(catalogue)
    values = move_values(catalogue)
    n = request.steps
    judged: list[Candidate] = []
    quantity_choices = {m: candidates(catalogue, m) for m in free}
    count = 0
    for places in itertools.product(range(n + 1), repeat=len(pool)):  # 0: absent
        if {t for t in places if t} != set(range(1, n + 1)):
            continue
        present = [m for m, t in zip(pool, places) if t]
        free_here = [m for m in free if m in present]
        for chosen in itertools.product(*(quantity_choices[m] for m in free_here)):
            count += 1
            quantity = dict(zip(free_here, map(float, chosen)))
            steps = [[] for _ in range(n)]
            for m, t in zip(pool, places):
                if t:
                    steps[t - 1].append(Placement(m, quantity.get(m)))
            package = Package("candidate", steps=tuple(Step(placements=tuple(s)) for s in steps))
            judged.append(_judge(catalogue, checker, values, package, parties, request))
    assert count <= MOST_PACKAGES * 4, "the reference grew too large for a quick test"
    return judged, parties


def _judge(catalogue, checker, values, package, parties, request) -> Candidate:
    check = checker.check(package)
    metrics = package_metrics(catalogue, package, values)
    gains = {p: metrics.parties[p].gain for p in parties}
    exposures = [metrics.parties[p].exposure for p in parties]
    moves = frozenset(package.step_of())
    holding = {(None, r.text) for r in check.rules if r.passed}
    for party in check.parties:
        holding |= {(party.party, r.text) for r in party.conditions if r.passed}
    holding |= {("(required)", f"includes {m}") for m in moves}
    floor = request.objective == "nash" and not request.pareto  # the Nash floor: every gain >= 1
    holding |= {(p, "balance >= 1") for p in parties if gains[p] >= 1} if floor else set()
    valid = check.valid and all(m in moves for m in request.required)
    if floor:
        valid = valid and all(g >= 1 for g in gains.values())
    satisfied = tuple(p.party for p in check.parties if p.party in parties and p.satisfied)
    return Candidate(package, valid, satisfied, gains, max(exposures, default=0), sum(exposures), moves,
                  frozenset(holding))


def packages_to_judge(sc: Scenario) -> int:
    """How many packages the reference would judge (to keep the tests quick)."""
    catalogue, request = sc.catalogue, sc.request
    pool = [m for m in request.pool if m not in request.forbidden]
    n = request.steps
    units = [m for m in pool if catalogue.move(m).unit and any(
        m in references(j.node).quantities for j in effective_conditions(catalogue))]
    per = math.prod(len(candidates(catalogue, m)) for m in units)
    return (n + 1) ** len(pool) * per


def dominated(a: dict[str, int], b: dict[str, int]) -> bool:
    """Whether gains ``a`` are dominated by gains ``b``."""
    return all(b[p] >= a[p] for p in a) and any(b[p] > a[p] for p in a)
