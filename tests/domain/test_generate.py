"""The benchmark scenario generator (``benchmarks/generate.py``): deterministic, and every value it
makes is one the commands would accept."""

from __future__ import annotations

from benchmarks.generate import generate
from negotiator.domain import rules
from negotiator.domain.model import check_move_code

SIZES = dict(parties=4, moves=40, conditions=30, packages=20, placements_per_package=12, steps=4)


def test_the_same_arguments_give_the_same_scenario_and_another_seed_another():
    assert generate(**SIZES, seed=7) == generate(**SIZES, seed=7)
    assert generate(**SIZES, seed=7) != generate(**SIZES, seed=8)


def test_the_scenario_has_the_sizes_asked_for():
    scenario = generate(**SIZES, seed=1)
    catalogue = scenario.catalogue
    assert (len(catalogue.parties), len(catalogue.moves), len(catalogue.conditions), len(scenario.packages)) == (4, 40, 30, 20)
    for package in scenario.packages:
        assert len(package.steps) == 4 and all(step.placements for step in package.steps)
        placed = [p.move for step in package.steps for p in step.placements]
        assert len(placed) == len(set(placed)) == 12


def test_every_generated_value_is_valid_as_if_entered_by_hand():
    scenario = generate(**SIZES, seed=3)
    catalogue = scenario.catalogue
    moves = {m.code: m for m in catalogue.moves}
    for move in catalogue.moves:
        check_move_code(move.code)
    for condition in catalogue.conditions:
        assert rules.condition_problems(condition, moves)[1] == []
    for position in catalogue.positions:
        is_actor = moves[position.move].actor == position.party
        assert is_actor == (position.stance == "offer")
        assert position.bound is None or moves[position.move].unit
    for package in scenario.packages:
        for step in package.steps:
            for placement in step.placements:
                assert placement.quantity is None or moves[placement.move].unit
    assert any(c.party is None for c in catalogue.conditions) and any(c.soft for c in catalogue.conditions)
