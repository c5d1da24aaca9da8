"""Deterministic synthetic scenarios for the §10 benchmarks, and a writer into a database.

``generate(parties, moves, conditions, packages, placements_per_package, steps, seed)`` returns a
:class:`~negotiator.domain.model.Scenario` of domain values; the same arguments always give the
same scenario.  ``write_scenario(scenario, db)`` puts it into a database (created and migrated if
new) through the scenario importer, in one transaction: 10,000 packages of 30 placements take
seconds rather than the minutes as many commands would need.

The shapes mimic a real catalogue: each move has an actor (round robin over the parties), some
have a unit and get quantities when placed; each party demands or opposes some of the others'
moves (some demands carry a bound) and offers some of its own; conditions mix every atom of the
language with and/or/not and if/unless; about one condition in ten is a rule (no party), one in
ten is soft.  Every package places distinct moves in exactly ``steps`` non-empty steps.

Use from the repository root, e.g.::

    from benchmarks.generate import generate, write_scenario
    scenario = generate(parties=6, moves=120, conditions=60, packages=100,
                        placements_per_package=30, steps=6, seed=1)
    write_scenario(scenario, "/tmp/bench.db")
"""

from __future__ import annotations

import random

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
)
from negotiator.domain.language import to_text
from negotiator.domain.model import (
    Bound,
    Catalogue,
    Condition,
    Issue,
    Move,
    Package,
    Party,
    Placement,
    Position,
    Scenario,
    Step,
)

COMPARATORS = (">=", "<=", ">", "<", "=", "!=")


def generate(
    parties: int,
    moves: int,
    conditions: int,
    packages: int,
    placements_per_package: int,
    steps: int,
    seed: int = 0,
) -> Scenario:
    """A synthetic scenario; deterministic for the same arguments."""
    if placements_per_package > moves:
        raise ValueError("a package cannot place more moves than the catalogue has")
    if steps > placements_per_package:
        raise ValueError("every step needs at least one placement")
    rng = random.Random(seed)
    party_codes = [f"P{i}" for i in range(1, parties + 1)]
    issue_codes = [f"track{i}" for i in range(1, max(1, moves // 20) + 1)]
    catalogue_moves = tuple(
        Move(
            code=f"p{i % parties + 1}.m{i}",
            actor=party_codes[i % parties],
            title=f"Move {i}",
            issue=issue_codes[i % len(issue_codes)],
            unit="USD" if i % 5 == 0 else None,
            cost=rng.randint(0, 3),
        )
        for i in range(1, moves + 1)
    )
    positions = tuple(_positions(rng, party_codes, catalogue_moves))
    move_codes = [m.code for m in catalogue_moves]
    measured = [m.code for m in catalogue_moves if m.unit]
    catalogue_conditions = tuple(
        _condition(rng, i, party_codes, move_codes, measured, steps) for i in range(1, conditions + 1)
    )
    catalogue = Catalogue(
        parties=tuple(Party(code, f"Party {code}") for code in party_codes),
        issues=tuple(Issue(code, f"Track {code}") for code in issue_codes),
        moves=catalogue_moves,
        positions=positions,
        conditions=catalogue_conditions,
    )
    units = {m.code: m.unit for m in catalogue_moves}
    drafted = tuple(
        _package(rng, f"pkg{i:05d}", move_codes, units, placements_per_package, steps)
        for i in range(1, packages + 1)
    )
    return Scenario(catalogue=catalogue, packages=drafted)


def _positions(rng: random.Random, party_codes: list[str], moves: tuple[Move, ...]):
    for move in moves:
        if rng.random() < 0.5:
            yield Position(move.actor, move.code, "offer")
        for party in party_codes:
            if party == move.actor:
                continue
            roll = rng.random()
            if roll < 0.3:
                bound = Bound(">=", float(rng.randint(1, 40) * 10)) if move.unit and rng.random() < 0.5 else None
                yield Position(party, move.code, "demand", rng.randint(1, 5), bound)
            elif roll < 0.4:
                yield Position(party, move.code, "oppose", rng.randint(1, 3))


def _atom(rng: random.Random, moves: list[str], measured: list[str], steps: int, personal: bool):
    a, b = rng.sample(moves, 2)
    roll = rng.random()
    if roll < 0.25:
        return Before(a, b)
    if roll < 0.35:
        return After(a, b)
    if roll < 0.45:
        return Includes(a)
    if roll < 0.52:
        return Excludes(a)
    if roll < 0.58:
        return With(a, b)
    if roll < 0.70:
        return ByStep(a, rng.randint(1, steps))
    if roll < 0.82 and measured:
        return Quantity(rng.choice(measured), rng.choice(COMPARATORS[:4]), float(rng.randint(1, 40) * 10))
    if roll < 0.94 and personal:
        name = rng.choice(("balance", "exposure"))
        value = rng.randint(-2, 6) if name == "balance" else rng.randint(0, 4)
        return Metric(name, ">=" if name == "balance" else "<=", float(value))
    return Metric("steps", "<=", float(rng.randint(max(1, steps - 1), steps + 1)))


def _tree(rng, moves, measured, steps, personal):
    roll = rng.random()
    atom = lambda: _atom(rng, moves, measured, steps, personal)  # noqa: E731
    if roll < 0.55:
        return atom()
    if roll < 0.70:
        return And((atom(), atom()))
    if roll < 0.82:
        return Or((atom(), And((atom(), atom()))))
    if roll < 0.90:
        return Not(atom())
    return Guarded(atom(), rng.choice(("if", "unless")), atom())


def _condition(rng, number, party_codes, moves, measured, steps) -> Condition:
    party = None if number % 10 == 0 else party_codes[number % len(party_codes)]
    node = _tree(rng, moves, measured, steps, personal=party is not None)
    return Condition(
        text=to_text(node),
        party=party,
        name=f"c{number}" if number % 3 == 0 else None,
        soft=rng.random() < 0.1,
    )


def _package(rng, name, moves, units, count, steps) -> Package:
    chosen = rng.sample(moves, count)
    ordinals = list(range(steps)) + [rng.randrange(steps) for _ in range(count - steps)]
    placed: list[list[Placement]] = [[] for _ in range(steps)]
    for move, ordinal in zip(chosen, ordinals):
        quantity = float(rng.randint(1, 50) * 10) if units[move] and rng.random() < 0.9 else None
        placed[ordinal].append(Placement(move, quantity))
    return Package(
        name=name,
        title=f"Synthetic package {name}",
        # Placements in code order within a step, as the database lists them.
        steps=tuple(
            Step(label=f"step {i}", placements=tuple(sorted(p, key=lambda x: x.move)))
            for i, p in enumerate(placed, 1)
        ),
    )


# --- writing -----------------------------------------------------------------------------------


def write_scenario(scenario: Scenario, db: str) -> None:
    """Put ``scenario`` into the database ``db`` (a path or URL; created and migrated if new) the
    way ``negotiator import`` does, in one transaction: the product's own importer, so that what
    is measured is what a user's import would have stored."""
    from negotiator.db.engine import Store
    from negotiator.db.scenario import import_scenario
    from negotiator.domain.language import parse
    from negotiator.scenario import ParsedScenario

    trees = tuple(parse(condition.text) for condition in scenario.catalogue.conditions)
    store = Store(db)
    store.create_if_missing()
    with store.write() as session:
        import_scenario(session, ParsedScenario("generated", scenario, trees=trees))
