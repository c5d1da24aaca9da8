"""``compose`` on small cases worked out by hand: the objectives, the quantities, the frontier,
what is reported, saved and refused.

The trade (steps 1, parties A and B considered, C the broker who acts at no cost): rules allow
exactly one of three deals, worth (to A, to B)

    x: (2, 2)   least 2, total 4, product 4
    y: (1, 6)   least 1, total 7, product 6
    z: (0, 9)   least 0, total 9, no Nash product (A gains nothing)

so maxmin picks x, total picks z, and nash picks y.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from negotiator.domain.composing import Request, compose
from negotiator.domain.composing.objectives import Gap, Goals
from negotiator.domain.composing.report import (
    compose_document,
    compose_tables,
    saved_package,
    status_line,
)
from negotiator.domain.composing.request import prepare
from negotiator.domain.composing.result import Composed, ComposeResult, Placed
from negotiator.domain.errors import InvalidValue, UnknownCode
from negotiator.domain.evaluate import effective_conditions
from negotiator.domain.metrics import move_values
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
    Step,
)
from negotiator.domain.sequencing import Progress

TRADE = Catalogue(
    parties=(Party("A", "A"), Party("B", "B"), Party("C", "C")),
    issues=(Issue("deal", "Deal"),),
    moves=(Move("x", "C", "x", issue="deal", cost=0), Move("y", "C", "y", issue="deal", cost=0),
           Move("z", "C", "z", issue="deal", cost=0)),
    positions=(
        Position("A", "x", "demand", 2), Position("B", "x", "demand", 2),
        Position("A", "y", "demand", 1), Position("B", "y", "demand", 6),
        Position("B", "z", "demand", 9),
    ),
    conditions=(
        Condition("includes x or includes y or includes z"),
        Condition("excludes y if includes x"),
        Condition("excludes z if includes x"),
        Condition("excludes z if includes y"),
    ),
)


def trade(**asked) -> Request:
    return replace(Request(pool=("x", "y", "z"), steps=1, parties=("A", "B")), **asked)


def moves_of(option: Composed) -> list[str]:
    return [p.move for step in option.steps for p in step]


@pytest.mark.parametrize(("objective", "chosen"), [("maxmin", "x"), ("total", "z"), ("nash", "y")])
def test_each_objective_picks_its_deal(objective, chosen):
    result = compose(TRADE, trade(objective=objective), time_limit=None)
    assert result.status == "optimal" and moves_of(result.options[0]) == [chosen]


def test_alternatives_follow_the_objective_with_other_moves():
    result = compose(TRADE, trade(alternatives=5), time_limit=None)
    assert [moves_of(o) for o in result.options] == [["x"], ["y"], ["z"]]  # only three packages obey the rules
    assert [o.rank for o in result.options] == [1, 2, 3]
    assert [(o.min_gain, o.total_gain, o.nash_product) for o in result.options] == [(2, 4, 4), (1, 7, 6), (0, 9, None)]


def test_the_pareto_frontier_of_the_trade_is_its_three_deals_in_order_of_the_objective():
    result = compose(TRADE, trade(pareto=True), time_limit=None)
    assert result.status == "optimal" and result.frontier_complete is True
    assert [o.gains for o in result.options] == [{"A": 2, "B": 2}, {"A": 1, "B": 6}, {"A": 0, "B": 9}]
    limited = compose(TRADE, trade(pareto=True, limit=2), time_limit=None)
    assert len(limited.options) == 2 and limited.frontier_complete is False and limited.status == "feasible"
    by_nash = compose(TRADE, trade(pareto=True, objective="nash"), time_limit=None)
    assert [o.nash_product for o in by_nash.options] == [6, 4, None]


def test_the_nash_product_by_logarithms_picks_the_same_deal(monkeypatch):
    from negotiator.domain.composing import objectives

    monkeypatch.setattr(objectives, "EXACT_PRODUCT", 1)
    result = compose(TRADE, trade(objective="nash"), time_limit=None)
    assert result.nash_exact is False and moves_of(result.options[0]) == ["y"]


def test_a_party_that_cannot_gain_is_refused_for_nash():
    with pytest.raises(InvalidValue, match="no move of the pool is worth anything to C"):
        compose(TRADE, trade(objective="nash", parties=("A", "B", "C")))


def test_no_package_giving_everyone_at_least_1_names_the_floors_that_collide():
    catalogue = replace(TRADE, conditions=(*TRADE.conditions, Condition("excludes x"), Condition("excludes y")))
    result = compose(catalogue, trade(objective="nash"), time_limit=None)
    assert result.status == "infeasible" and result.rules_conflict
    # Only z is left, and it gives A nothing.
    assert set(result.conflicts) == {("A", None, "balance >= 1"), (None, None, "excludes x"), (None, None, "excludes y")}
    assert status_line(result) == ("No package of 1 step from a pool of 3 moves obeys every rule and gives every "
                                   "considered party a gain of at least 1: these cannot all hold (dropping any one "
                                   "of them makes the rest possible)")


def test_required_moves_take_part_in_conflicts_as_required():
    result = compose(TRADE, trade(required=("x", "y")), time_limit=None)
    assert result.status == "infeasible"
    assert set(result.conflicts) == {(None, None, "excludes y if includes x"), ("(required)", None, "includes x"),
                                     ("(required)", None, "includes y")}
    assert status_line(result) == ("No package of 1 step from a pool of 3 moves obeys every rule and holds every "
                                   "required move: these cannot all hold (dropping any one of them makes the rest "
                                   "possible)")


def test_every_party_with_a_stake_is_considered_by_default():
    result = compose(TRADE, replace(trade(), parties=None), time_limit=None)
    assert result.parties == ("A", "B", "C")  # C acts in every move


def test_same_input_same_answer():
    assert compose(TRADE, trade(alternatives=2)) == compose(TRADE, trade(alternatives=2))


def test_progress_names_the_priorities_that_are_searched():
    seen: list[Progress] = []
    compose(TRADE, trade(objective="total"), progress=seen.append)
    # A and B have no conditions, so every package satisfies both: that priority needs no search.
    assert {p.stage for p in seen} == {"total gain, then min gain", "exposure and moves"}
    assert [p.best for p in seen if p.stage == "total gain, then min gain"][-1] == {"total gain": 9}


# --- quantities -----------------------------------------------------------------------------------

WAGE = Catalogue(
    parties=(Party("DPRK", "North"), Party("ROK", "South")),
    moves=(Move("wage", "ROK", "Wage", unit="USD", cost=1), Move("ease", "DPRK", "Ease travel", cost=1),
           Move("fee", "ROK", "Fee", unit="USD", cost=0)),
    positions=(Position("DPRK", "wage", "demand", 3, Bound(">=", 100)), Position("ROK", "wage", "offer", 1, Bound("<=", 300)),
               Position("ROK", "ease", "demand", 3), Position("DPRK", "fee", "demand", 1)),
)


def wage_of(catalogue: Catalogue, **asked) -> float | None:
    request = replace(Request(pool=("ease", "wage"), steps=1), **asked)
    (option,) = compose(catalogue, request, time_limit=None).options
    return {p.move: p.qty for step in option.steps for p in step}["wage"]


def test_a_constrained_quantity_is_the_middle_of_what_everyone_accepts():
    assert wage_of(WAGE) == 200  # DPRK >= 100, ROK <= 300


def test_with_one_side_open_the_quantity_is_the_bound_itself():
    one_sided = replace(WAGE, positions=tuple(p if p.party == "DPRK" else replace(p, bound=None) for p in WAGE.positions))
    assert wage_of(one_sided) == 100


def test_a_quantity_nothing_constrains_gets_none_or_its_quantity_in_the_package_it_comes_from():
    request = Request(pool=("ease", "fee"), steps=1)
    (option,) = compose(WAGE, request, time_limit=None).options
    assert [p for step in option.steps for p in step] == [Placed("ease", None), Placed("fee", None)]
    origin = Package("drafted", steps=(Step("Start", placements=(Placement("fee", 42.0), Placement("ease"))),))
    (option,) = compose(WAGE, replace(request, pool=("ease", "fee"), origin=origin), time_limit=None).options
    assert [p for step in option.steps for p in step] == [Placed("ease", None), Placed("fee", 42.0)]


def test_when_bounds_clash_the_satisfied_party_gets_the_quantity_nearest_the_middle_of_the_gap():
    clash = replace(WAGE, positions=tuple(
        replace(p, bound=Bound("<=", 80)) if (p.party, p.move) == ("ROK", "wage") else
        replace(p, bound=Bound(">=", 300)) if (p.party, p.move) == ("DPRK", "wage") else p
        for p in WAGE.positions))
    result = compose(clash, Request(pool=("ease", "wage"), steps=1, required=("wage",)), time_limit=None)
    (option,) = result.options
    wage = {p.move: p.qty for step in option.steps for p in step}["wage"]
    assert (option.satisfied, wage) in ((("DPRK",), 300.0), (("ROK",), 80.0))
    assert {(c.party, c.text) for c in result.conflicts} == {
        ("DPRK", "wage >= 300"), ("ROK", "wage <= 80"), ("(required)", "includes wage")}


# --- mistakes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "error", "message"),
    [
        ({"pool": ()}, InvalidValue, "the pool of candidate moves is empty"),
        ({"forbidden": ("x", "y", "z")}, InvalidValue, "the pool of candidate moves is empty"),
        ({"required": ("x",), "forbidden": ("x",)}, InvalidValue, "move 'x' is both required and forbidden"),
        ({"steps": 0}, InvalidValue, "--steps must be at least 1, not 0"),
        ({"steps": 4}, InvalidValue, "cannot spread a pool of 3 moves over 4 non-empty steps"),
        ({"parties": ("A", "Q")}, UnknownCode, "unknown party 'Q'"),
        ({"required": ("w",)}, UnknownCode, "unknown move 'w'"),
        ({"objective": "fair"}, InvalidValue, "unknown objective 'fair'"),
        ({"alternatives": -1}, InvalidValue, "--alternatives must be at least 0"),
        ({"pareto": True, "limit": 0}, InvalidValue, "--limit must be at least 1"),
    ],
)
def test_what_cannot_be_composed_is_refused(asked, error, message):
    with pytest.raises(error, match=message):
        compose(TRADE, trade(**asked))


def test_more_than_four_parties_cannot_be_put_on_a_frontier():
    catalogue = replace(TRADE, parties=tuple(Party(p, p) for p in "ABCDE"),
                        positions=(*TRADE.positions, Position("D", "x", "demand"), Position("E", "x", "demand")))
    with pytest.raises(InvalidValue, match="at most 4 parties, not 5"):
        compose(catalogue, replace(trade(pareto=True), parties=None))


def test_a_time_limit_must_be_positive():
    with pytest.raises(InvalidValue):
        compose(TRADE, trade(), time_limit=0)


# --- what is reported and saved ---------------------------------------------------------------------


def test_the_gap_reads_the_bound_of_the_stage_that_was_stopped():
    prepared = prepare(TRADE, trade(), effective_conditions(TRADE), move_values(TRADE))
    from negotiator.domain.composing.search import encode

    goals = Goals(encode(prepared), "maxmin")
    low, high = goals.total_range
    weight = high - low + 1

    class Stopped:
        best_objective_bound = weight * 3 + 5.0  # least gain at most 3 (with a total of 5)

    assert goals.gap("min gain, then total gain", Stopped(), "FEASIBLE", {"min gain": 2}) == Gap("min gain", 2, 3)
    # Stopped before finding anything: no bound to trust; a bound below the answer is none either.
    assert goals.gap("min gain, then total gain", Stopped(), "UNKNOWN", {"min gain": 2}) == Gap("min gain", 2, None)
    assert goals.gap("min gain, then total gain", Stopped(), "FEASIBLE", {"min gain": 4}) == Gap("min gain", 4, None)
    assert goals.gap("parties satisfied", None, "", {"parties satisfied": 1}) == Gap("parties satisfied", 1, None)


def test_a_result_stopped_by_the_time_limit_says_how_far_it_may_be_from_the_best():
    option = Composed(1, ((Placed("x", None),),), ("A", "B"), {"A": 2, "B": 2}, 0, 0, False)
    result = ComposeResult("feasible", "maxmin", ("A", "B"), ("x", "y", "z"), 1, (option,), gap=Gap("min gain", 2, 3),
                           time_limit=30)
    assert status_line(result) == ("Best package of 1 move in 1 step from a pool of 3 moves (objective maxmin): best "
                                   "found, not proven optimal (time limit); min gain 2, at most 3 possible")
    assert compose_document(result)["gap"] == {"priority": "min gain", "found": 2, "bound": 3}


def test_the_document_has_the_keys_of_the_compose_shape():
    document = compose_document(compose(TRADE, trade()))
    assert list(document) == ["status", "objective", "parties", "options", "gap", "conflicts"]
    assert list(document["options"][0]) == ["rank", "steps", "satisfied", "min_gain", "total_gain", "nash_product",
                                            "max_exposure", "total_exposure", "moves", "proven_optimal", "gains"]
    assert document["options"][0]["steps"] == [[{"move": "x", "qty": None}]]
    frontier = compose_document(compose(TRADE, trade(pareto=True)))
    assert list(frontier) == ["status", "objective", "parties", "options", "frontier_complete", "gap", "conflicts"]


def test_the_tables_are_the_options_side_by_side_then_a_grid_per_option():
    result = compose(TRADE, trade(alternatives=1))
    options, first, second = compose_tables(TRADE, result)
    assert options.title == "Best package of 1 move in 1 step from a pool of 3 moves (objective maxmin): proven optimal"
    assert options.headers == ("metric", "option 1", "option 2")
    assert {row[0]: row[1:] for row in options.rows} == {
        "parties satisfied": ("2/2", "2/2"), "satisfied": ("A B", "A B"), "A gain": (2, 1), "B gain": (2, 6),
        "min gain": (2, 1), "total gain": (4, 7), "Nash product": (4, 6), "max exposure": (0, 0),
        "total exposure": (0, 0), "moves": (1, 1), "proven optimal": (True, "-"),
    }
    assert first.headers == ("step", "A", "B", "C") and first.rows[0] == (1, None, None, "x")
    assert first.rows[1:] == (("gain", "2", "2", "0"), ("exposure", "0", "0", "0"))
    assert second.title == "Option 2: steps × parties"


def test_a_saved_option_is_a_fresh_draft_based_on_the_package_it_came_from():
    origin = Package("drafted", steps=(Step("Opening", placements=(Placement("y"),)),))
    result = compose(TRADE, trade(origin=origin, pool=("x", "y", "z")))
    saved = saved_package(result, result.options[0], "proposal")
    assert saved.package.name == "proposal" and saved.package.status == "draft" and saved.package.based_on is None
    based = saved_package(result, result.options[0], "proposal", origin)
    assert based.package.based_on == "drafted" and based.package.steps[0].label == "Opening"
    assert based.note.startswith("composed from a pool of 3 moves into 1 step (option 1, objective maxmin, proven "
                                 "optimal): 2/2 parties satisfied, gains A 2, B 2")


@pytest.mark.parametrize(
    ("gap", "text"),
    [
        (Gap("min gain", 2, 3), "min gain 2, at most 3 possible"),
        (Gap("max exposure", 3, 1), "max exposure 3, at least 1 possible"),
        (Gap("max exposure", 2, 2), "max exposure 2, proven the best possible, but not what comes after it"),
        (Gap("parties satisfied", 4, None), "parties satisfied 4, not searched further within the time limit"),
    ],
)
def test_a_gap_reads_as_what_was_found_and_what_may_still_be_possible(gap, text):
    assert gap.text() == text


def test_loading_compose_loads_no_ortools():
    import subprocess
    import sys

    probe = (
        "import sys, negotiator.domain.composing, negotiator.domain.composing.search, "
        "negotiator.domain.composing.pareto, negotiator.domain.composing.report, negotiator.domain.zopa\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ortools'))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
