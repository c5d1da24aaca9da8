"""Values of moves to parties, and the per-package metrics of DESIGN §4.

Everything here is a pure function of a catalogue and a package.  The evaluator uses it for the
``balance`` and ``exposure`` atoms, ``compare`` for its side-by-side table, the sequencer to score
orderings.

Conventions, where §4 leaves room:

* ``balance_P(t)`` is taken after each step t = 1..n.  Exposure is ``max(0, -min_t balance_P(t))``
  over those steps; counting t = 0 (balance 0 before anything happens) would give the same number,
  because of the ``max(0, ...)``.  A package whose balances are all >= 0 has exposure 0, and so
  does a package with no steps.
* ``first_gain_P`` is the first step holding a move of positive value to P (not the first step
  where P's running balance is positive).
* A move placed in a package but missing from the catalogue is worth nothing to anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from negotiator.domain.eras import require_in_force
from negotiator.domain.model import Catalogue, Package

Values = Mapping[str, Mapping[str, int]]


def move_values(catalogue: Catalogue) -> dict[str, dict[str, int]]:
    """``v_P(m)`` for every move m and party P: -cost for the actor, +weight for a party that
    demands it, -weight for one that opposes it, 0 otherwise (offers add nothing: the offering
    party is the actor).  The positions are those in force (``Catalogue.in_force``)."""
    require_in_force(catalogue)
    parties = [p.code for p in catalogue.parties]
    values = {m.code: dict.fromkeys(parties, 0) for m in catalogue.moves}
    actor_of = {m.code: m.actor for m in catalogue.moves}
    for position in catalogue.positions:
        row = values.get(position.move)
        if row is None or actor_of.get(position.move) == position.party:
            continue
        if position.stance == "demand":
            row[position.party] = position.weight
        elif position.stance == "oppose":
            row[position.party] = -position.weight
    for move in catalogue.moves:
        values[move.code][move.actor] = -move.cost
    return values


class PartyMetrics(NamedTuple):
    party: str
    balances: tuple[int, ...]  # balance after each step 1..n
    gain: int
    exposure: int
    first_move: int | None
    first_gain: int | None


class PackageMetrics(NamedTuple):
    package: str
    steps: int
    moves: int
    reciprocity: float
    parties: dict[str, PartyMetrics]
    max_exposure: int
    min_gain: int
    total_gain: int


class Ledger(NamedTuple):
    """The values of moves to parties as one vector per move, in the order of ``parties``, so
    that a step's effect on every party is one vector sum."""

    parties: tuple[str, ...]
    vectors: dict[str, tuple[int, ...]]

    @classmethod
    def of(cls, values: Values, parties: Iterable[str]) -> Ledger:
        order = tuple(parties)
        return cls(order, {move: tuple(row.get(p, 0) for p in order) for move, row in values.items()})


def balance_series(steps: Sequence[Sequence[str]], ledger: Ledger) -> dict[str, tuple[int, ...]]:
    """``balance_P(t)`` after each step t = 1..n, for every party of the ledger, in one pass over
    the moves of each step (``steps``: the move codes of each step, in order)."""
    parties, vectors = ledger
    nothing = (0,) * len(parties)
    running = nothing
    after_each_step = []
    for codes in steps:
        running = tuple(map(sum, zip(running, *[vectors.get(m, nothing) for m in codes])))
        after_each_step.append(running)
    if not after_each_step:
        return dict.fromkeys(parties, ())
    return dict(zip(parties, zip(*after_each_step)))


def exposure_of(series: tuple[int, ...]) -> int:
    """The most a party is ever out of pocket over a series of balances."""
    return max(0, -min(series)) if series else 0


def party_metrics(
    package: Package, party: str, values: Values, actor_of: Mapping[str, str], series: tuple[int, ...]
) -> PartyMetrics:
    """The §4 metrics of one party, given its balance series (:func:`balance_series`)."""
    first_move = first_gain = None
    for ordinal, step in enumerate(package.steps, 1):
        for placement in step.placements:
            if first_move is None and actor_of.get(placement.move) == party:
                first_move = ordinal
            if first_gain is None and values.get(placement.move, {}).get(party, 0) > 0:
                first_gain = ordinal
        if first_move is not None and first_gain is not None:
            break
    return PartyMetrics(
        party=party,
        balances=series,
        gain=series[-1] if series else 0,
        exposure=exposure_of(series),
        first_move=first_move,
        first_gain=first_gain,
    )


def is_reciprocal(moves: list[str], values: Values, actor_of: Mapping[str, str]) -> bool:
    """At least two parties act in the step, and each of them gains (v > 0) from a move of
    another party in the same step."""
    actors = {actor_of[m] for m in moves if m in actor_of}
    if len(actors) < 2:
        return False
    for actor in actors:
        if not any(
            actor_of.get(m) != actor and values.get(m, {}).get(actor, 0) > 0 for m in moves
        ):
            return False
    return True


def reciprocity(package: Package, values: Values, actor_of: Mapping[str, str]) -> float:
    """Reciprocal steps / number of steps (0.0 for a package without steps)."""
    if not package.steps:
        return 0.0
    reciprocal = sum(
        is_reciprocal([p.move for p in step.placements], values, actor_of) for step in package.steps
    )
    return reciprocal / len(package.steps)


def package_metrics(catalogue: Catalogue, package: Package, values: Values | None = None) -> PackageMetrics:
    """The §4 metrics of one package for every party of the catalogue.  Pass ``values`` (from
    :func:`move_values`) when judging many packages against one catalogue."""
    if values is None:
        values = move_values(catalogue)
    actor_of = {m.code: m.actor for m in catalogue.moves}
    ledger = Ledger.of(values, (p.code for p in catalogue.parties))
    series = balance_series([[p.move for p in step.placements] for step in package.steps], ledger)
    parties = {code: party_metrics(package, code, values, actor_of, series[code]) for code in ledger.parties}
    gains = [m.gain for m in parties.values()]
    return PackageMetrics(
        package=package.name,
        steps=len(package.steps),
        moves=sum(len(step.placements) for step in package.steps),
        reciprocity=reciprocity(package, values, actor_of),
        parties=parties,
        max_exposure=max((m.exposure for m in parties.values()), default=0),
        min_gain=min(gains, default=0),
        total_gain=sum(gains),
    )
