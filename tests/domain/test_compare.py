"""Packages side by side (§4): metrics and verdicts as the metrics and the checker give them, and
dominance exactly as §4 defines it; the ``balance`` matrix."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiator.domain.compare import (
    best_by,
    compare,
    comparison_document,
    comparison_table,
    dominates,
    pareto_optimal,
)
from negotiator.domain.evaluate import Checker
from negotiator.domain.matrices import balance_matrix
from negotiator.domain.metrics import PackageMetrics, PartyMetrics, package_metrics
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

CATALOGUE = Catalogue(
    parties=(Party("DPRK", "North"), Party("USA", "United States")),
    moves=(
        Move("dprk.freeze", "DPRK", "Freeze", cost=3),
        Move("dprk.inspect", "DPRK", "Inspections", cost=2),
        Move("usa.aid", "USA", "Aid", cost=2),
        Move("usa.delist", "USA", "Delist", cost=1),
    ),
    positions=(
        Position("USA", "dprk.freeze", "demand", 4),
        Position("USA", "dprk.inspect", "demand", 2),
        Position("DPRK", "usa.aid", "demand", 3, Bound(">=", 100)),
        Position("DPRK", "usa.delist", "demand", 2),
    ),
    conditions=(Condition("dprk.freeze after usa.delist", party="DPRK"), Condition("dprk.inspect after dprk.freeze")),
)


def package(name: str, *steps: list) -> Package:
    return Package(name, steps=tuple(
        Step(f"step {i}", placements=tuple(Placement(m, 120 if m == "usa.aid" else None) for m in moves))
        for i, moves in enumerate(steps, 1)
    ))


AID_FIRST = package("aid-first", ["usa.aid", "usa.delist"], ["dprk.inspect"], ["dprk.freeze"])
FREEZE_FIRST = package("freeze-first", ["dprk.freeze"], ["usa.aid", "usa.delist", "dprk.inspect"])
TOGETHER = package("together", ["usa.delist"], ["usa.aid", "dprk.freeze"], ["dprk.inspect"])


def metrics(gains: dict[str, int], exposures: dict[str, int]) -> PackageMetrics:
    parties = {p: PartyMetrics(p, (), gains[p], exposures[p], None, None) for p in gains}
    return PackageMetrics("x", 1, 1, 0.0, parties, max(exposures.values()), min(gains.values()), sum(gains.values()))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # (gains, exposures, satisfied) of A and B
        (({"P": 3, "Q": 1}, {"P": 0, "Q": 0}, {"P"}), ({"P": 3, "Q": 1}, {"P": 0, "Q": 0}, {"P"}), False),
        (({"P": 3, "Q": 2}, {"P": 0, "Q": 0}, {"P"}), ({"P": 3, "Q": 1}, {"P": 0, "Q": 0}, {"P"}), True),
        (({"P": 3, "Q": 1}, {"P": 0, "Q": 0}, {"P"}), ({"P": 3, "Q": 1}, {"P": 1, "Q": 0}, {"P"}), True),
        (({"P": 3, "Q": 1}, {"P": 0, "Q": 0}, {"P", "Q"}), ({"P": 3, "Q": 1}, {"P": 0, "Q": 0}, {"P"}), True),
        (({"P": 3, "Q": 1}, {"P": 0, "Q": 0}, {"Q"}), ({"P": 3, "Q": 1}, {"P": 0, "Q": 0}, {"P"}), False),
        (({"P": 4, "Q": 1}, {"P": 0, "Q": 2}, {"P"}), ({"P": 3, "Q": 1}, {"P": 0, "Q": 1}, {"P"}), False),
        (({"P": 4, "Q": 0}, {"P": 0, "Q": 0}, {"P"}), ({"P": 3, "Q": 1}, {"P": 0, "Q": 0}, {"P"}), False),
    ],
    ids=["equal", "more-gain", "less-exposure", "more-satisfied", "other-satisfied", "trade-off-exposure",
         "trade-off-gain"],
)
def test_dominance_follows_the_definition(a, b, expected):
    assert dominates(metrics(a[0], a[1]), frozenset(a[2]), metrics(b[0], b[1]), frozenset(b[2])) is expected


VALUES = st.dictionaries(st.sampled_from("PQR"), st.integers(-3, 3), min_size=3, max_size=3)


@settings(max_examples=150, deadline=None)
@given(VALUES, VALUES, VALUES, VALUES, st.sets(st.sampled_from("PQR")), st.sets(st.sampled_from("PQR")))
def test_dominance_is_irreflexive_and_antisymmetric(gain_a, exposure_a, gain_b, exposure_b, sat_a, sat_b):
    a = metrics(gain_a, {p: abs(v) for p, v in exposure_a.items()})
    b = metrics(gain_b, {p: abs(v) for p, v in exposure_b.items()})
    assert not dominates(a, frozenset(sat_a), a, frozenset(sat_a))
    assert not (dominates(a, frozenset(sat_a), b, frozenset(sat_b)) and dominates(b, frozenset(sat_b), a, frozenset(sat_a)))


def test_comparison_carries_the_metrics_and_the_verdicts_of_each_package():
    comparison = compare(CATALOGUE, [AID_FIRST, FREEZE_FIRST, TOGETHER])
    checker = Checker(CATALOGUE)
    assert [c.name for c in comparison.packages] == ["aid-first", "freeze-first", "together"]
    for compared, drafted in zip(comparison.packages, [AID_FIRST, FREEZE_FIRST, TOGETHER]):
        assert compared.metrics == package_metrics(CATALOGUE, drafted)
        assert compared.check == checker.check(drafted)


def test_dominated_by_and_dominates_mirror_each_other():
    comparison = compare(CATALOGUE, [AID_FIRST, FREEZE_FIRST, TOGETHER])
    by_name = {c.name: c for c in comparison.packages}
    # "together" exposes USA less than aid-first, with the same gains and parties satisfied;
    # freeze-first exposes DPRK more but USA less than "together": neither dominates.
    assert by_name["aid-first"].dominated_by == ("together",)
    assert by_name["together"].dominates == ("aid-first",)
    assert by_name["freeze-first"].dominated_by == () and by_name["freeze-first"].dominates == ()
    for compared in comparison.packages:
        for other in compared.dominated_by:
            assert compared.name in by_name[other].dominates


def test_json_document_has_the_keys_of_section_8_and_the_pareto_and_best_marks():
    document = comparison_document(compare(CATALOGUE, [AID_FIRST, FREEZE_FIRST]))
    assert list(document) == ["packages"]
    first = document["packages"][0]
    assert list(first) == ["package", "valid", "steps", "reciprocity", "max_exposure", "min_gain", "total_gain",
                           "dominated_by", "pareto_optimal", "best_by", "parties"]
    assert first["package"] == "aid-first" and first["valid"] is False and first["steps"] == 3
    assert list(first["parties"]) == ["DPRK", "USA"]
    assert first["parties"]["USA"] == {"era": None, "stake": True, "satisfied": True, "gain": 3, "exposure": 3,
                                       "first_move": 1, "first_gain": 2}


def test_table_has_metrics_as_rows_and_packages_as_columns():
    table = comparison_table(compare(CATALOGUE, [AID_FIRST, FREEZE_FIRST]))
    assert table.headers == ("metric", "aid-first", "freeze-first")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["valid"] == (False, True)
    assert rows["parties satisfied"] == ("2/2", "1/2")
    assert rows["steps"] == (3, 2)
    assert rows["DPRK exposure"] == (0, 3)
    assert rows["USA first move"] == (1, 2)
    assert [row[0] for row in table.rows][:8] == [
        "valid", "parties satisfied", "steps", "moves", "reciprocity", "max exposure", "min gain", "total gain"]


def test_balance_matrix_gives_each_party_balance_after_each_step_and_exposure():
    table = balance_matrix(CATALOGUE, AID_FIRST)
    assert table.headers == ("step", "label", "DPRK", "USA")
    assert table.rows == (
        (1, "step 1", 5, -3),
        (2, "step 2", 3, -1),
        (3, "step 3", 0, 3),
        ("exposure", "", 0, 3),
    )


# --- Pareto-optimal in gains, and best by each objective of compose ---------------------------


@pytest.mark.parametrize(
    ("gains", "expected"),
    [
        ([{"P": 3, "Q": 1}, {"P": 1, "Q": 3}, {"P": 1, "Q": 1}], [True, True, False]),
        ([{"P": 2, "Q": 2}, {"P": 2, "Q": 2}], [True, True]),
        ([{"P": 2, "Q": 2}, {"P": 2, "Q": 3}], [False, True]),
        ([{"P": -1, "Q": 5}], [True]),
    ],
    ids=["trade-off", "equal", "one-better-for-one", "alone"],
)
def test_pareto_optimal_packages_are_those_no_other_improves_for_every_party(gains, expected):
    assert pareto_optimal(gains) == expected


@pytest.mark.parametrize(
    ("gains", "expected"),
    [
        # maxmin: least gain, then total; total: total, then least; nash: product, every gain >= 1
        ([{"P": 2, "Q": 2}, {"P": 1, "Q": 5}, {"P": 0, "Q": 9}],
         [("maxmin",), ("nash",), ("total",)]),
        ([{"P": 3, "Q": 3}, {"P": 3, "Q": 3}], [("maxmin", "total", "nash"), ("maxmin", "total", "nash")]),
        ([{"P": 0, "Q": 4}, {"P": -1, "Q": 9}], [("maxmin",), ("total",)]),
        ([{"P": 2, "Q": 3}, {"P": 3, "Q": 2}, {"P": 1, "Q": 5}], [("maxmin", "nash"), ("maxmin", "nash"), ("total",)]),
    ],
    ids=["each-its-own", "ties-all-best", "no-nash-when-someone-gains-nothing", "ties-on-least-then-total"],
)
def test_best_by_each_objective_follows_its_definition(gains, expected):
    assert best_by(gains) == expected


def test_packages_with_the_same_moves_tie_on_everything_and_no_nash_when_a_party_gains_nothing():
    # Each places all four moves: DPRK gains 3 + 2 - 3 - 2 = 0, USA 4 + 2 - 2 - 1 = 3.
    comparison = compare(CATALOGUE, [AID_FIRST, FREEZE_FIRST, TOGETHER])
    marks = {c.name: (c.pareto_optimal, c.best_by) for c in comparison.packages}
    assert marks == {name: (True, ("maxmin", "total")) for name in ("aid-first", "freeze-first", "together")}


def test_a_party_no_placed_move_concerns_does_not_spoil_the_least_gain_or_the_nash_product():
    catalogue = Catalogue(CATALOGUE.parties + (Party("RUS", "Russia"),), (), CATALOGUE.moves, CATALOGUE.positions)
    trio = package("trio", ["usa.aid", "usa.delist"], ["dprk.freeze"])  # DPRK 3 + 2 - 3 = 2, USA 4 - 2 - 1 = 1
    pair = package("pair", ["usa.aid", "dprk.freeze"])  # DPRK 3 - 3 = 0, USA 4 - 2 = 2
    worse = package("worse", ["usa.aid"], ["dprk.inspect"])  # DPRK 3 - 2 = 1, USA 2 - 2 = 0
    comparison = compare(catalogue, [trio, pair, worse])
    by_name = {c.name: c for c in comparison.packages}
    assert by_name["trio"].best_by == ("maxmin", "total", "nash")  # least 1, total 3, product 2; RUS left out
    assert by_name["pair"].best_by == () and by_name["worse"].best_by == ()
    assert [c.pareto_optimal for c in comparison.packages] == [True, True, False]  # trio beats worse for both
    rows = {row[0]: row[1:] for row in comparison_table(comparison).rows}
    assert rows["Pareto-optimal (gains)"] == (True, True, False)
    assert rows["best by"] == ("maxmin, total, nash", "", "")
