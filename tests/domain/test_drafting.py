"""Drafting without a database: step renumbering (the rules on drafts are in test_rules)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiator.domain.drafting import after_insertion, after_move, after_removal
from negotiator.domain.errors import InvalidValue


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
