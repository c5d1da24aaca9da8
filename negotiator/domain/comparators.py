"""The six comparators of ``OP value`` (``>= <= > < = !=``), and what each means, written once.

A comparator appears wherever a number is limited: a position's bound (``>= 300``), a quantity
atom (``kaesong.wage <= 80``) and a metric atom (``exposure <= 2``).  Several parts of the tool
need its meaning in different forms, and each takes it from here so that they cannot disagree:

* :func:`holds` -- whether ``left OP right``, for the evaluator's reasons and the sequencer's
  constants;
* :func:`python` -- its spelling in the Python source the evaluator generates;
* :func:`negation` -- the comparator that holds exactly when this one does not;
* :func:`integer_interval` -- the integers of a range that satisfy ``OP value``, for the
  sequencer's integer variables (exposure);
* :data:`PATTERN` -- a regular expression matching any comparator, longest spelling first, for
  the grammar of conditions and the text of a bound.

Pure: no imports beyond the standard library.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable

# In the order the tool lists them (help, errors).
OPERATORS: tuple[str, ...] = (">=", "<=", ">", "<", "=", "!=")

_MEANING: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
    "!=": operator.ne,
}
_PYTHON = {">=": ">=", "<=": "<=", ">": ">", "<": "<", "=": "==", "!=": "!="}
_NEGATION = {">=": "<", "<": ">=", ">": "<=", "<=": ">", "=": "!=", "!=": "="}

# Longest spelling first, so that a matcher trying them in order reads ">=" rather than ">".
LONGEST_FIRST: tuple[str, ...] = tuple(sorted(OPERATORS, key=len, reverse=True))
PATTERN = "|".join(re.escape(op) for op in LONGEST_FIRST)


def _unknown(op: str) -> ValueError:
    return ValueError(f"unknown comparator {op!r}")


def holds(left: float, op: str, right: float) -> bool:
    """Whether ``left OP right``."""
    try:
        meaning = _MEANING[op]
    except KeyError:
        raise _unknown(op) from None
    return meaning(left, right)


def python(op: str) -> str:
    """The Python operator with the same meaning (``=`` is ``==``)."""
    try:
        return _PYTHON[op]
    except KeyError:
        raise _unknown(op) from None


def negation(op: str) -> str:
    """The comparator that holds exactly when ``op`` does not (for numbers that are not NaN)."""
    try:
        return _NEGATION[op]
    except KeyError:
        raise _unknown(op) from None


def integer_interval(op: str, value: float, low: int, high: int) -> list[tuple[int, int]]:
    """The integers k in [low, high] with ``k OP value``, as disjoint closed intervals in order.

    ``value`` need not be a whole number: ``> 1.5`` allows 2 and up, ``= 1.5`` allows nothing.
    """
    if op == ">=":
        intervals = [(max(low, math.ceil(value)), high)]
    elif op == ">":
        intervals = [(max(low, math.floor(value) + 1), high)]
    elif op == "<=":
        intervals = [(low, min(high, math.floor(value)))]
    elif op == "<":
        intervals = [(low, min(high, math.ceil(value) - 1))]
    elif op == "=":
        whole = float(value).is_integer()
        intervals = [(int(value), int(value))] if whole and low <= value <= high else []
    elif op == "!=":
        if float(value).is_integer() and low <= value <= high:
            intervals = [(low, int(value) - 1), (int(value) + 1, high)]
        else:
            intervals = [(low, high)]
    else:
        raise _unknown(op)
    return [(a, b) for a, b in intervals if a <= b]
