"""The comparators of ``OP value``: one meaning, in every form the tool uses it."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiator.domain.comparators import (
    OPERATORS,
    PATTERN,
    holds,
    integer_interval,
    negation,
    python,
)
from negotiator.domain.model import Bound

ops = st.sampled_from(OPERATORS)
numbers = st.floats(allow_nan=False, allow_infinity=False, width=64)
# Values near the integers of the range, whole and not, so that every edge of an interval is hit.
near = st.one_of(st.integers(-12, 12).map(float), st.integers(-48, 48).map(lambda k: k / 4))


@settings(max_examples=300, deadline=None)
@given(ops, near, st.integers(-10, 10), st.integers(0, 12))
def test_holds_agrees_with_the_integer_interval_on_every_integer_of_the_range(op, value, low, width):
    high = low + width
    intervals = integer_interval(op, value, low, high)
    for k in range(low, high + 1):
        assert holds(k, op, value) == any(a <= k <= b for a, b in intervals), (k, op, value)


@settings(max_examples=300, deadline=None)
@given(ops, near, st.integers(-10, 10), st.integers(0, 12))
def test_integer_intervals_are_disjoint_ordered_and_inside_the_range(op, value, low, width):
    high = low + width
    intervals = integer_interval(op, value, low, high)
    for a, b in intervals:
        assert low <= a <= b <= high
    for (_, end), (start, _) in itertools.pairwise(intervals):
        assert end + 1 < start


@settings(max_examples=300, deadline=None)
@given(numbers, ops, numbers)
def test_holds_agrees_with_the_python_spelling_of_generated_code(left, op, right):
    assert holds(left, op, right) == eval(f"{left!r} {python(op)} {right!r}")


@settings(max_examples=300, deadline=None)
@given(st.one_of(numbers, near), ops, st.one_of(numbers, near))
def test_the_negation_holds_exactly_when_the_comparator_does_not(left, op, right):
    assert holds(left, negation(op), right) == (not holds(left, op, right))
    assert negation(negation(op)) == op


@pytest.mark.parametrize("form", [lambda op: holds(1, op, 2), python, negation, lambda op: integer_interval(op, 1, 0, 3)])
def test_an_unknown_comparator_is_refused_in_every_form(form):
    with pytest.raises(ValueError, match="unknown comparator '=>'"):
        form("=>")


def test_the_pattern_matches_every_comparator_and_reads_the_longest_spelling():
    assert all(re.fullmatch(PATTERN, op) for op in OPERATORS)
    assert [re.match(PATTERN, text).group() for text in (">=3", "<=3", "!=3", ">3", "<3", "=3")] == [
        ">=", "<=", "!=", ">", "<", "="
    ]


@settings(max_examples=100, deadline=None)
@given(ops, numbers, numbers)
def test_a_bound_holds_as_its_comparator_says(op, value, quantity):
    assert Bound(op, value).holds(quantity) == holds(quantity, op, value)
