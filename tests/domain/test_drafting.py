"""The pure rules of drafting: renumbering, quantities, status transitions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiator.domain.drafting import (
    after_insertion,
    after_move,
    after_removal,
    check_quantity,
    check_status,
    check_trackable,
    check_transition,
)
from negotiator.domain.errors import InvalidValue
from negotiator.domain.model import STATUSES, Move


@pytest.mark.parametrize(
    "count, removed, expected",
    [
        (1, 1, {}),
        (3, 1, {2: 1, 3: 2}),
        (3, 2, {1: 1, 3: 2}),
        (3, 3, {1: 1, 2: 2}),
    ],
)
def test_removing_a_step_closes_the_gap(count, removed, expected):
    assert after_removal(count, removed) == expected


@pytest.mark.parametrize(
    "count, at, expected",
    [
        (0, 1, {}),
        (2, 1, {1: 2, 2: 3}),
        (2, 2, {1: 1, 2: 3}),
        (2, 3, {1: 1, 2: 2}),
    ],
)
def test_inserting_a_step_makes_room_at_its_place(count, at, expected):
    assert after_insertion(count, at) == expected


@pytest.mark.parametrize(
    "count, moved, to, expected",
    [
        (3, 1, 3, {1: 3, 2: 1, 3: 2}),
        (3, 3, 1, {1: 2, 2: 3, 3: 1}),
        (4, 2, 3, {1: 1, 2: 3, 3: 2, 4: 4}),
        (3, 2, 2, {1: 1, 2: 2, 3: 3}),
    ],
)
def test_moving_a_step_shifts_the_ones_between(count, moved, to, expected):
    assert after_move(count, moved, to) == expected


@pytest.mark.parametrize(
    "call",
    [lambda: after_removal(3, 4), lambda: after_removal(3, 0), lambda: after_removal(0, 1),
     lambda: after_move(3, 1, 4), lambda: after_move(3, 5, 1), lambda: after_insertion(2, 4),
     lambda: after_insertion(2, 0)],
)
def test_a_step_that_does_not_exist_is_refused(call):
    with pytest.raises(InvalidValue):
        call()


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n), st.integers(1, n))))
def test_every_renumbering_numbers_steps_one_to_n_without_gaps(case):
    count, a, b = case
    assert sorted(after_move(count, a, b).values()) == list(range(1, count + 1))
    assert sorted(after_removal(count, a).values()) == list(range(1, count))
    shifted = after_insertion(count, a)
    assert a not in shifted.values()
    assert sorted([*shifted.values(), a]) == list(range(1, count + 2))


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n), st.integers(1, n))))
def test_moving_a_step_keeps_the_others_in_order(case):
    count, moved, to = case
    mapping = after_move(count, moved, to)
    assert mapping[moved] == to
    others = [mapping[o] for o in range(1, count + 1) if o != moved]
    assert others == sorted(others)


@pytest.mark.parametrize(
    "old, new",
    [("draft", "proposed"), ("proposed", "agreed"), ("agreed", "implementing"),
     ("implementing", "completed"), ("implementing", "collapsed"), ("draft", "agreed"),
     ("agreed", "collapsed")],
)
def test_going_forward_needs_nothing(old, new):
    check_transition(old, new)


@pytest.mark.parametrize(
    "old, new",
    [("proposed", "draft"), ("implementing", "agreed"), ("completed", "implementing"),
     ("completed", "collapsed"), ("collapsed", "completed")],
)
def test_going_back_needs_force_and_a_note(old, new):
    with pytest.raises(InvalidValue, match="--force"):
        check_transition(old, new)
    with pytest.raises(InvalidValue, match="--note"):
        check_transition(old, new, force=True, note="  ")
    check_transition(old, new, force=True, note="talks resumed")


@pytest.mark.parametrize("status", STATUSES)
def test_the_same_status_again_is_refused(status):
    with pytest.raises(InvalidValue, match="already"):
        check_transition(status, status, force=True, note="x")


def test_an_unknown_status_is_refused_with_the_valid_ones():
    with pytest.raises(InvalidValue, match="draft, proposed, agreed"):
        check_status("signed")


@pytest.mark.parametrize("status", ["draft", "proposed", "completed", "collapsed"])
def test_only_agreed_or_implementing_packages_are_tracked(status):
    with pytest.raises(InvalidValue, match=f"is {status}"):
        check_trackable("p", status)


WITH_UNIT = Move("kaesong.wage", "ROK", "Wage", unit="USD/month")
WITHOUT_UNIT = Move("dprk.freeze", "DPRK", "Freeze")


def test_a_quantity_for_a_move_without_a_unit_is_refused():
    with pytest.raises(InvalidValue, match="has no unit"):
        check_quantity(WITHOUT_UNIT, 3.0)


def test_a_move_with_a_unit_placed_without_a_quantity_warns():
    assert "USD/month" in check_quantity(WITH_UNIT, None)


@pytest.mark.parametrize("move, quantity", [(WITH_UNIT, 300.0), (WITHOUT_UNIT, None)])
def test_a_matching_quantity_passes_silently(move, quantity):
    assert check_quantity(move, quantity) is None
