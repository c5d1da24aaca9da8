"""Packages side by side (§4): metrics and verdicts as the metrics and the checker give them, and
dominance exactly as §4 defines it; the ``balance`` matrix."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiator.domain.compare import compare, comparison_document, comparison_table, dominates
from negotiator.domain.evaluate import Checker
from negotiator.domain.matrices import balance_matrix
from negotiator.domain.metrics import PackageMetrics, PartyMetrics, package_metrics
from negotiator.domain.model import Bound, Catalogue, Condition, Move, Package, Party, Placement, Position, Step

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


def test_json_document_has_exactly_the_keys_of_section_8():
    document = comparison_document(compare(CATALOGUE, [AID_FIRST, FREEZE_FIRST]))
    assert list(document) == ["packages"]
    first = document["packages"][0]
    assert list(first) == ["package", "valid", "steps", "reciprocity", "max_exposure", "min_gain", "total_gain",
                           "dominated_by", "parties"]
    assert first["package"] == "aid-first" and first["valid"] is False and first["steps"] == 3
    assert list(first["parties"]) == ["DPRK", "USA"]
    assert first["parties"]["USA"] == {"satisfied": True, "gain": 3, "exposure": 3, "first_move": 1, "first_gain": 2}


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
