"""The evaluator against DESIGN §3, case by case, on a package worked out by hand.

The package and its per-step balances are in ``korea_worked`` (read its docstring first):

    step 1: usa.delist-sst, rok.food-aid=500
    step 2: dprk.freeze, kaesong.wage=120
    step 3: dprk.disable-yongbyon, usa.liaison-office

Each case is (condition text, party, passed, the exact reason).  The property tests at the end
compare the evaluator with a reference that transcribes §3's table literally.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
from negotiator.domain.errors import InvalidValue
from negotiator.domain.evaluate import (
    Checker,
    ConditionResult,
    Outcome,
    check_package,
    effective_conditions,
    evaluate,
)
from negotiator.domain.language import parse, to_text
from negotiator.domain.metrics import move_values
from negotiator.domain.model import Condition, Package, Placement, Step, compare
from tests.domain.korea_worked import WORKED, catalogue, drafted

CATALOGUE = catalogue()

CASES = [
    # includes / excludes
    ("includes usa.delist-sst", None, True, "usa.delist-sst is in step 1"),
    ("includes dprk.abduction-accounting", None, False, "dprk.abduction-accounting is not in the package"),
    ("excludes dprk.abduction-accounting", None, True, "dprk.abduction-accounting is not in the package"),
    ("excludes dprk.freeze", None, False, "dprk.freeze is in step 2"),
    # before
    ("dprk.freeze before dprk.disable-yongbyon", None, True, "dprk.freeze is in step 2, dprk.disable-yongbyon in step 3"),
    ("dprk.disable-yongbyon before dprk.freeze", None, False, "dprk.disable-yongbyon is in step 3, after dprk.freeze in step 2"),
    ("kaesong.wage before dprk.freeze", None, False, "kaesong.wage and dprk.freeze are both in step 2"),
    # §3's own example: B is in the package, A is not.
    (
        "dprk.abduction-accounting before usa.delist-sst",
        "JPN",
        False,
        "usa.delist-sst is in step 1, but dprk.abduction-accounting is not in the package",
    ),
    # vacuous: the later move is absent, so nothing can come too early
    ("usa.delist-sst before dprk.abduction-accounting", None, True, "dprk.abduction-accounting is not in the package"),
    ("dprk.abduction-accounting before jpn.economic-cooperation", None, True, "jpn.economic-cooperation is not in the package"),
    # after
    ("dprk.disable-yongbyon after dprk.freeze", None, True, "dprk.freeze is in step 2, dprk.disable-yongbyon in step 3"),
    ("usa.delist-sst after dprk.freeze", None, False, "dprk.freeze is in step 2, after usa.delist-sst in step 1"),
    ("usa.delist-sst after dprk.abduction-accounting", None, False, "usa.delist-sst is in step 1, but dprk.abduction-accounting is not in the package"),
    ("jpn.economic-cooperation after dprk.abduction-accounting", None, True, "jpn.economic-cooperation is not in the package"),
    # with
    ("dprk.freeze with kaesong.wage", None, True, "dprk.freeze and kaesong.wage are both in step 2"),
    ("dprk.freeze with usa.delist-sst", None, False, "dprk.freeze is in step 2, usa.delist-sst in step 1"),
    ("dprk.abduction-accounting with jpn.economic-cooperation", None, True, "neither dprk.abduction-accounting nor jpn.economic-cooperation is in the package"),
    ("dprk.freeze with jpn.economic-cooperation", None, False, "dprk.freeze is in step 2, but jpn.economic-cooperation is not in the package"),
    ("jpn.economic-cooperation with dprk.freeze", None, False, "dprk.freeze is in step 2, but jpn.economic-cooperation is not in the package"),
    # by step
    ("dprk.freeze by step 2", None, True, "dprk.freeze is in step 2"),
    ("dprk.disable-yongbyon by step 2", None, False, "dprk.disable-yongbyon is in step 3, after step 2"),
    ("dprk.abduction-accounting by step 1", None, True, "dprk.abduction-accounting is not in the package"),
    # quantities
    ("kaesong.wage >= 100", None, True, "kaesong.wage is 120 in step 2"),
    ("kaesong.wage >= 300", "DPRK", False, "kaesong.wage is 120 in step 2, not >= 300"),
    ("kaesong.wage = 120", None, True, "kaesong.wage is 120 in step 2"),
    ("kaesong.wage != 120", None, False, "kaesong.wage is 120 in step 2, not != 120"),
    ("kaesong.wage < 120.5", None, True, "kaesong.wage is 120 in step 2"),
    ("kaesong.wage > 120", None, False, "kaesong.wage is 120 in step 2, not > 120"),
    ("rok.food-aid <= 499.5", None, False, "rok.food-aid is 500 in step 1, not <= 499.5"),
    ("usa.delist-sst >= 1", None, False, "usa.delist-sst is in step 1 with no quantity"),
    ("usa.delist-sst != 5", None, False, "usa.delist-sst is in step 1 with no quantity"),
    ("jpn.economic-cooperation >= 10", None, True, "jpn.economic-cooperation is not in the package"),
    # steps
    ("steps <= 3", None, True, "the package has 3 steps"),
    ("steps < 3", None, False, "the package has 3 steps, not < 3"),
    # balance and exposure (per-step balances in korea_worked: DPRK 6 6 4, USA -2 1 2, ROK -1 -1 -1)
    ("balance >= 0", "DPRK", True, "DPRK's balance is 4 after the last step"),
    ("balance >= 0", "ROK", False, "ROK's balance is -1 after the last step, not >= 0"),
    ("balance > 1", "USA", True, "USA's balance is 2 after the last step"),
    ("balance = -1", "JPN", True, "JPN's balance is -1 after the last step"),
    ("exposure <= 1", "USA", False, "USA's exposure is 2 (balance -2 after step 1), not <= 1"),
    ("exposure <= 0", "DPRK", True, "DPRK's exposure is 0 (its balance never falls below 0)"),
    ("exposure = 1", "ROK", True, "ROK's exposure is 1 (balance -1 after step 1)"),
    ("exposure < 1", "JPN", False, "JPN's exposure is 1 (balance -1 after step 1), not < 1"),
    # balance and exposure measure a party; a rule has none
    ("balance >= 0", None, False, "balance is measured for a party, and a rule has none"),
    # not
    ("not includes dprk.freeze", None, False, "dprk.freeze is in step 2"),
    ("not not includes dprk.freeze", None, True, "dprk.freeze is in step 2"),
    ("not dprk.abduction-accounting before usa.delist-sst", None, True, "usa.delist-sst is in step 1, but dprk.abduction-accounting is not in the package"),
    # and / or: the reason names what decided
    ("includes dprk.freeze and includes dprk.abduction-accounting", None, False, "dprk.abduction-accounting is not in the package"),
    ("includes dprk.freeze and dprk.freeze by step 1", None, False, "dprk.freeze is in step 2, after step 1"),
    ("includes dprk.freeze and excludes jpn.economic-cooperation", None, True, "dprk.freeze is in step 2; jpn.economic-cooperation is not in the package"),
    ("includes dprk.abduction-accounting or includes dprk.freeze", None, True, "dprk.freeze is in step 2"),
    (
        "includes dprk.abduction-accounting or excludes dprk.freeze",
        None,
        False,
        "dprk.abduction-accounting is not in the package; dprk.freeze is in step 2",
    ),
    # and binds tighter than or: (A and B) or C
    ("includes dprk.abduction-accounting and includes dprk.freeze or includes usa.delist-sst", None, True, "usa.delist-sst is in step 1"),
    ("includes dprk.abduction-accounting and (includes dprk.freeze or includes usa.delist-sst)", None, False, "dprk.abduction-accounting is not in the package"),
    ("not (dprk.freeze with kaesong.wage or includes dprk.abduction-accounting)", None, False, "dprk.freeze and kaesong.wage are both in step 2"),
    (
        "(includes dprk.freeze or includes jpn.economic-cooperation) and not (kaesong.wage >= 300 or steps > 3)",
        None,
        True,
        "dprk.freeze is in step 2; kaesong.wage is 120 in step 2, not >= 300; the package has 3 steps, not > 3",
    ),
    # if / unless
    (
        "usa.delist-sst after dprk.freeze if includes dprk.freeze",
        None,
        False,
        "dprk.freeze is in step 2, after usa.delist-sst in step 1 (applies because dprk.freeze is in step 2)",
    ),
    ("usa.delist-sst after dprk.abduction-accounting if includes jpn.economic-cooperation", None, True, "does not apply: jpn.economic-cooperation is not in the package"),
    ("dprk.freeze before dprk.disable-yongbyon if includes dprk.freeze", None, True, "dprk.freeze is in step 2, dprk.disable-yongbyon in step 3"),
    ("includes dprk.abduction-accounting unless includes dprk.freeze", None, True, "does not apply: dprk.freeze is in step 2"),
    (
        "includes dprk.abduction-accounting unless steps > 3",
        None,
        False,
        "dprk.abduction-accounting is not in the package (applies because the package has 3 steps, not > 3)",
    ),
    ("balance >= 5 or exposure <= 0 if includes usa.delist-sst", "DPRK", True, "DPRK's exposure is 0 (its balance never falls below 0)"),
]


@pytest.mark.parametrize(("text", "party", "passed", "reason"), CASES, ids=[f"{c[0]} [{c[1]}]" for c in CASES])
def test_condition_on_the_worked_package_has_the_hand_worked_outcome_and_reason(text, party, passed, reason):
    assert evaluate(parse(text), WORKED, party, CATALOGUE) == Outcome(passed, reason)


def test_there_are_at_least_forty_hand_worked_cases():
    assert len(CASES) >= 40


EMPTY = Package(name="empty")


@pytest.mark.parametrize(
    ("text", "party", "passed", "reason"),
    [
        ("includes dprk.freeze", None, False, "dprk.freeze is not in the package"),
        ("dprk.freeze before usa.delist-sst", None, True, "usa.delist-sst is not in the package"),
        ("dprk.freeze with usa.delist-sst", None, True, "neither dprk.freeze nor usa.delist-sst is in the package"),
        ("kaesong.wage >= 300", None, True, "kaesong.wage is not in the package"),
        ("steps >= 1", None, False, "the package has 0 steps, not >= 1"),
        ("balance >= 0", "DPRK", True, "DPRK's balance is 0 after the last step"),
        ("exposure <= 0", "DPRK", True, "DPRK's exposure is 0 (its balance never falls below 0)"),
    ],
)
def test_a_package_without_steps_holds_every_vacuous_condition_and_no_includes(text, party, passed, reason):
    assert evaluate(parse(text), EMPTY, party, CATALOGUE) == Outcome(passed, reason)


@pytest.mark.parametrize(
    ("text", "passed", "reason"),
    [
        ("rok.food-aid >= 0", True, "rok.food-aid is 0 in step 1"),
        ("rok.food-aid > 0", False, "rok.food-aid is 0 in step 1, not > 0"),
        ("rok.food-aid != 0", False, "rok.food-aid is 0 in step 1, not != 0"),
    ],
)
def test_a_quantity_of_zero_is_a_quantity_not_a_missing_one(text, passed, reason):
    assert evaluate(parse(text), drafted("rok.food-aid=0"), None, CATALOGUE) == Outcome(passed, reason)


def test_exposure_reports_the_lowest_balance_and_its_first_step():
    # JPN: -1 at step 1 (delist, opposed), +5 at step 2 (accounting), -2 at step 3 (cooperation
    # costs 2) -> balances -1, 4, 2: the exposure comes from step 1, the gain is 2.
    package = drafted("usa.delist-sst | dprk.abduction-accounting | jpn.economic-cooperation")
    assert evaluate(parse("exposure <= 0"), package, "JPN", CATALOGUE) == Outcome(
        False, "JPN's exposure is 1 (balance -1 after step 1), not <= 0"
    )
    assert evaluate(parse("balance = 2"), package, "JPN", CATALOGUE).passed


# --- whole packages: parties, rules, soft conditions, positions ---------------------------------


def _result(check, party, text):
    for party_check in check.parties:
        if party_check.party == party:
            return next(c for c in party_check.conditions if c.text == text)
    raise AssertionError(f"no party {party}")


def _party(check, party):
    return next(p for p in check.parties if p.party == party)


def test_position_bounds_are_conditions_of_their_party_with_origin_position():
    judged = effective_conditions(CATALOGUE)
    assert [(j.condition.party, j.condition.text, j.origin) for j in judged] == [
        ("DPRK", "kaesong.wage >= 300", "position"),
        ("ROK", "kaesong.wage <= 100", "position"),
    ]
    assert judged[0].node == Quantity("kaesong.wage", ">=", 300.0)


def test_a_position_bound_fails_with_its_reason_when_the_quantity_is_off():
    check = check_package(CATALOGUE, WORKED)
    assert _result(check, "DPRK", "kaesong.wage >= 300") == ConditionResult(
        "kaesong.wage >= 300", "DPRK", None, "position", False, False, "kaesong.wage is 120 in step 2, not >= 300"
    )
    assert _result(check, "ROK", "kaesong.wage <= 100").reason == "kaesong.wage is 120 in step 2, not <= 100"


def test_a_position_bound_on_a_placed_move_without_quantity_fails_with_no_quantity():
    check = check_package(CATALOGUE, drafted("kaesong.wage | dprk.freeze"))
    result = _result(check, "DPRK", "kaesong.wage >= 300")
    assert (result.passed, result.reason) == (False, "kaesong.wage is in step 1 with no quantity")


def test_a_position_bound_on_a_move_left_out_holds():
    check = check_package(CATALOGUE, drafted("dprk.freeze"))
    assert _result(check, "DPRK", "kaesong.wage >= 300").passed


def test_a_party_is_satisfied_only_when_every_hard_condition_holds():
    cat = catalogue(
        Condition("dprk.freeze before dprk.disable-yongbyon", "USA"),
        Condition("exposure <= 1", "USA"),
    )
    usa = _party(check_package(cat, WORKED), "USA")
    assert (usa.satisfied, usa.passed, usa.total) == (False, 1, 2)


def test_a_failed_soft_condition_is_counted_but_does_not_decide():
    cat = catalogue(
        Condition("dprk.freeze before dprk.disable-yongbyon", "USA"),
        Condition("exposure <= 1", "USA", name="low-exposure", soft=True),
    )
    usa = _party(check_package(cat, WORKED), "USA")
    assert (usa.satisfied, usa.passed, usa.total) == (True, 1, 2)
    soft = usa.conditions[1]
    assert (soft.name, soft.soft, soft.passed) == ("low-exposure", True, False)
    assert soft.reason == "USA's exposure is 2 (balance -2 after step 1), not <= 1"


def test_rules_decide_validity_and_belong_to_no_party():
    cat = catalogue(
        Condition("dprk.disable-yongbyon after dprk.freeze"),
        Condition("steps <= 2"),
    )
    check = check_package(cat, WORKED)
    assert check.valid is False
    assert [(r.text, r.party, r.passed, r.reason) for r in check.rules] == [
        ("dprk.disable-yongbyon after dprk.freeze", None, True, "dprk.freeze is in step 2, dprk.disable-yongbyon in step 3"),
        ("steps <= 2", None, False, "the package has 3 steps, not <= 2"),
    ]
    assert all(p.total == (1 if p.party in ("DPRK", "ROK") else 0) for p in check.parties)


def test_a_package_obeying_every_rule_is_valid():
    check = check_package(catalogue(Condition("dprk.disable-yongbyon after dprk.freeze")), WORKED)
    assert check.valid is True


def test_every_party_is_reported_in_catalogue_order_even_without_conditions():
    check = check_package(catalogue(), WORKED)
    assert [(p.party, p.satisfied, p.passed, p.total) for p in check.parties] == [
        ("DPRK", False, 0, 1),
        ("USA", True, 0, 0),
        ("ROK", False, 0, 1),
        ("JPN", True, 0, 0),
    ]


def test_the_checker_can_judge_only_some_parties():
    cat = catalogue(Condition("includes dprk.freeze", "USA"), Condition("includes usa.delist-sst", "DPRK"), Condition("steps <= 3"))
    check = Checker(cat, parties=["USA"]).check(WORKED)
    assert [p.party for p in check.parties] == ["USA"]
    assert len(check.rules) == 1


def test_without_explaining_passes_only_failures_carry_a_reason():
    cat = catalogue(Condition("includes dprk.freeze", "USA"), Condition("includes dprk.abduction-accounting", "USA"))
    usa = _party(Checker(cat, explain_passes=False).check(WORKED), "USA")
    assert [(c.passed, c.reason) for c in usa.conditions] == [
        (True, ""),
        (False, "dprk.abduction-accounting is not in the package"),
    ]


def test_one_checker_judges_many_packages_independently():
    checker = Checker(catalogue(Condition("dprk.freeze by step 1", "USA")))
    first, second = checker.check(drafted("dprk.freeze | usa.delist-sst")), checker.check(WORKED)
    assert _party(first, "USA").satisfied and not _party(second, "USA").satisfied


def test_a_stored_condition_that_does_not_parse_is_reported_as_invalid():
    with pytest.raises(InvalidValue, match="does not parse"):
        Checker(catalogue(Condition("includes", "USA")))


# --- properties ----------------------------------------------------------------------------------

POOL = ["a", "b", "c", "d.e", "f-g"]
PARTIES = ["X", "Y"]


def reference(node, package: Package, party, values) -> bool:
    """§3's table, transcribed as plainly as possible."""
    step = package.step_of()
    quantity = package.quantities()
    if isinstance(node, Includes):
        return node.move in step
    if isinstance(node, Excludes):
        return node.move not in step
    if isinstance(node, Before):
        return node.second not in step or (node.first in step and step[node.first] < step[node.second])
    if isinstance(node, After):
        return reference(Before(node.second, node.first), package, party, values)
    if isinstance(node, With):
        both_out = node.first not in step and node.second not in step
        return both_out or (node.first in step and node.second in step and step[node.first] == step[node.second])
    if isinstance(node, ByStep):
        return node.move not in step or step[node.move] <= node.step
    if isinstance(node, Quantity):
        if node.move not in step:
            return True
        return quantity[node.move] is not None and compare(quantity[node.move], node.op, node.value)
    if isinstance(node, Metric):
        if node.name == "steps":
            return compare(len(package.steps), node.op, node.value)
        if party is None:
            return False
        series = [
            sum(values[m][party] for m, s in step.items() if s <= t) for t in range(1, len(package.steps) + 1)
        ]
        amount = (series[-1] if series else 0) if node.name == "balance" else max([0] + [-b for b in series])
        return compare(amount, node.op, node.value)
    if isinstance(node, Not):
        return not reference(node.operand, package, party, values)
    if isinstance(node, And):
        return all(reference(o, package, party, values) for o in node.operands)
    if isinstance(node, Or):
        return any(reference(o, package, party, values) for o in node.operands)
    if isinstance(node, Guarded):
        guard = reference(node.guard, package, party, values)
        applies = guard if node.kind == "if" else not guard
        return not applies or reference(node.body, package, party, values)
    raise TypeError(node)


def _pool_catalogue():
    from negotiator.domain.model import Catalogue, Move, Party, Position

    return Catalogue(
        parties=(Party("X", "x"), Party("Y", "y")),
        moves=tuple(Move(code, "X" if i % 2 else "Y", code, cost=i % 3) for i, code in enumerate(POOL)),
        positions=(Position("X", "b", "demand", 2), Position("Y", "a", "demand", 3), Position("X", "c", "oppose", 1)),
    )


POOL_CATALOGUE = _pool_catalogue()
POOL_VALUES = move_values(POOL_CATALOGUE)

moves = st.sampled_from(POOL)
ops = st.sampled_from([">=", "<=", ">", "<", "=", "!="])
small = st.integers(-3, 6).map(float)
atoms = st.one_of(
    moves.map(Includes),
    moves.map(Excludes),
    st.builds(Before, moves, moves),
    st.builds(After, moves, moves),
    st.builds(With, moves, moves),
    st.builds(ByStep, moves, st.integers(0, 4)),
    st.builds(Quantity, moves, ops, small),
    st.builds(Metric, st.sampled_from(["balance", "exposure", "steps"]), ops, small),
)
expressions = st.recursive(
    atoms,
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
    ),
    max_leaves=6,
)
conditions = st.one_of(
    expressions, st.builds(Guarded, expressions, st.sampled_from(["if", "unless"]), expressions)
)


@st.composite
def packages(draw):
    chosen = draw(st.lists(moves, unique=True, max_size=len(POOL)))
    count = draw(st.integers(1, 4)) if chosen else draw(st.integers(0, 2))
    steps = [[] for _ in range(count)]
    for move in chosen:
        quantity = draw(st.one_of(st.none(), small))
        steps[draw(st.integers(0, count - 1))].append(Placement(move, quantity))
    return Package(name="drawn", steps=tuple(Step(placements=tuple(p)) for p in steps))


@settings(max_examples=200, deadline=None)
@given(conditions, packages(), st.sampled_from(PARTIES + [None]))
def test_the_evaluator_agrees_with_the_literal_reading_of_section_3(node, package, party):
    outcome = evaluate(node, package, party, POOL_CATALOGUE)
    assert outcome.passed == reference(node, package, party, POOL_VALUES)
    assert outcome.reason


@settings(max_examples=200, deadline=None)
@given(expressions, packages(), st.sampled_from(PARTIES))
def test_not_x_always_has_the_opposite_outcome_of_x(node, package, party):
    plain = evaluate(node, package, party, POOL_CATALOGUE)
    negated = evaluate(parse(f"not ({to_text(node)})"), package, party, POOL_CATALOGUE)
    assert negated.passed is (not plain.passed)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(conditions, st.sampled_from(PARTIES + [None]), st.booleans()), max_size=6),
    st.lists(packages(), min_size=1, max_size=8),
)
def test_one_checker_over_many_packages_agrees_with_one_by_one_evaluation(drawn, drafts):
    # One checker judges every package, so reasons it remembers from one package are reused on
    # the next: each must still be the reason a fresh evaluation gives.
    cat = POOL_CATALOGUE.__class__(
        parties=POOL_CATALOGUE.parties,
        moves=POOL_CATALOGUE.moves,
        positions=POOL_CATALOGUE.positions,
        conditions=tuple(Condition(to_text(n), party, soft=soft) for n, party, soft in drawn),
    )
    checker = Checker(cat)
    for package in drafts:
        check = checker.check(package)
        judged = list(check.rules) + [c for p in check.parties for c in p.conditions]
        assert len(judged) == len(drawn)
        for result in judged:
            alone = evaluate(parse(result.text), package, result.party, cat)
            assert (result.passed, result.reason) == tuple(alone)
        assert check.valid == all(r.passed for r in check.rules)
        for party in check.parties:
            assert party.satisfied == all(c.passed for c in party.conditions if not c.soft)
            assert party.passed == sum(c.passed for c in party.conditions)
