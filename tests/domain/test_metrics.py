"""Values and package metrics (DESIGN §4) on the hand-worked package of ``korea_worked``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiator.domain.metrics import PartyMetrics, move_values, package_metrics
from negotiator.domain.model import Catalogue, Move, Package, Party, Placement, Position, Step
from tests.domain.korea_worked import WORKED, catalogue, drafted

CATALOGUE = catalogue()


@pytest.mark.parametrize(
    ("move", "expected"),
    [
        ("usa.delist-sst", {"DPRK": 4, "USA": -2, "ROK": 0, "JPN": -1}),
        ("rok.food-aid", {"DPRK": 2, "USA": 0, "ROK": -1, "JPN": 0}),
        ("dprk.freeze", {"DPRK": -3, "USA": 3, "ROK": 2, "JPN": 0}),
        # ROK offers kaesong.wage: an offer adds nothing to the actor's -cost
        ("kaesong.wage", {"DPRK": 3, "USA": 0, "ROK": -2, "JPN": 0}),
        ("usa.liaison-office", {"DPRK": 0, "USA": -1, "ROK": 0, "JPN": 0}),
        ("dprk.abduction-accounting", {"DPRK": -1, "USA": 0, "ROK": 0, "JPN": 5}),
    ],
)
def test_a_move_is_worth_minus_cost_to_its_actor_plus_or_minus_weight_to_the_others(move, expected):
    assert move_values(CATALOGUE)[move] == expected


@pytest.mark.parametrize(
    ("party", "balances", "gain", "exposure", "first_move", "first_gain"),
    [
        ("DPRK", (6, 6, 4), 4, 0, 2, 1),
        ("USA", (-2, 1, 2), 2, 2, 1, 2),
        ("ROK", (-1, -1, -1), -1, 1, 1, 2),
        ("JPN", (-1, -1, -1), -1, 1, None, None),
    ],
)
def test_party_metrics_of_the_worked_package(party, balances, gain, exposure, first_move, first_gain):
    metrics = package_metrics(CATALOGUE, WORKED)
    assert metrics.parties[party] == PartyMetrics(party, balances, gain, exposure, first_move, first_gain)


def test_package_summary_of_the_worked_package():
    metrics = package_metrics(CATALOGUE, WORKED)
    # Step 2 is the only reciprocal one: DPRK (freeze) gains from ROK's wage, ROK from DPRK's
    # freeze.  Step 1: USA gains nothing from food aid.  Step 3: DPRK gains nothing from the office.
    assert (metrics.package, metrics.steps, metrics.moves) == ("worked", 3, 6)
    assert metrics.reciprocity == pytest.approx(1 / 3)
    assert (metrics.max_exposure, metrics.min_gain, metrics.total_gain) == (2, -1, 4)


def test_a_step_with_one_acting_party_is_not_reciprocal():
    # step 1: only DPRK acts.  Step 2: USA (delist) and DPRK (accounting) act, but USA gains
    # nothing from the accounting, so neither step is reciprocal.
    metrics = package_metrics(CATALOGUE, drafted("dprk.freeze dprk.disable-yongbyon | usa.delist-sst dprk.abduction-accounting"))
    assert metrics.reciprocity == 0.0


def test_every_acting_party_must_gain_for_a_step_to_be_reciprocal():
    assert package_metrics(CATALOGUE, drafted("usa.delist-sst dprk.freeze")).reciprocity == 1.0
    assert package_metrics(CATALOGUE, drafted("usa.delist-sst dprk.freeze jpn.economic-cooperation")).reciprocity == 0.0


def test_a_package_without_steps_has_zero_metrics():
    metrics = package_metrics(CATALOGUE, Package(name="empty"))
    assert metrics.parties["USA"] == PartyMetrics("USA", (), 0, 0, None, None)
    assert (metrics.steps, metrics.moves, metrics.reciprocity, metrics.max_exposure) == (0, 0, 0.0, 0)


def test_values_computed_once_can_be_passed_in():
    values = move_values(CATALOGUE)
    assert package_metrics(CATALOGUE, WORKED, values) == package_metrics(CATALOGUE, WORKED)


# --- properties ----------------------------------------------------------------------------------

POOL = [f"m{i}" for i in range(6)]
PARTIES = ("A", "B", "C")


@st.composite
def scenarios(draw):
    moves = tuple(Move(code, draw(st.sampled_from(PARTIES)), code, cost=draw(st.integers(0, 3))) for code in POOL)
    positions = []
    for move in moves:
        for party in PARTIES:
            if party != move.actor and draw(st.booleans()):
                positions.append(Position(party, move.code, draw(st.sampled_from(["demand", "oppose"])), draw(st.integers(1, 5))))
    cat = Catalogue(parties=tuple(Party(p, p) for p in PARTIES), moves=moves, positions=tuple(positions))
    chosen = draw(st.lists(st.sampled_from(POOL), unique=True))
    count = draw(st.integers(1, 4))
    steps = [[] for _ in range(count)]
    for code in chosen:
        steps[draw(st.integers(0, count - 1))].append(Placement(code))
    return cat, Package(name="drawn", steps=tuple(Step(placements=tuple(p)) for p in steps))


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_gain_is_the_sum_of_placed_values_and_exposure_the_deepest_dip(drawn):
    cat, package = drawn
    values = move_values(cat)
    metrics = package_metrics(cat, package)
    placed = [p.move for s in package.steps for p in s.placements]
    for party, pm in metrics.parties.items():
        assert pm.gain == sum(values[m][party] for m in placed)
        assert len(pm.balances) == len(package.steps)
        assert pm.exposure >= 0
        assert (pm.exposure == 0) == all(b >= 0 for b in pm.balances)
        assert pm.exposure in {0} | {-b for b in pm.balances}
    assert 0.0 <= metrics.reciprocity <= 1.0
    assert metrics.total_gain == sum(pm.gain for pm in metrics.parties.values())
