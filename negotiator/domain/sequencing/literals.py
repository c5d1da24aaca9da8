"""Literals of the sequencing model, and the helpers that fold constants away.

A literal is an ortools Boolean literal (a Boolean variable or its negation) or one of the Python
constants True and False: a condition that presence, quantities or the step count already decide
becomes a constant, and constants are folded away before they reach the model, so that they cost
nothing.  The helpers also read literals and expressions back from a solution.
"""

from __future__ import annotations

from typing import Any

# An ortools Boolean literal, or the constant True or False.
Lit = Any
# An ortools linear expression or integer variable, or a plain int.
Expr = Any


def negate(literal: Lit) -> Lit:
    if literal is True:
        return False
    if literal is False:
        return True
    return literal.negated()


def as_int(literal: Lit) -> Expr:
    """A literal as a 0/1 term of a linear expression."""
    if literal is True:
        return 1
    if literal is False:
        return 0
    return literal


def unique(literals: list[Lit]) -> list[Lit]:
    """The literals (none of them a constant) without repeats, in order."""
    seen: set[int] = set()
    kept = []
    for literal in literals:
        key = literal.index
        if key not in seen:
            seen.add(key)
            kept.append(literal)
    return kept


def holds_in(solution: Any, literal: Lit) -> bool:
    """The value of a literal in a solution (a solver after a solve, or a solution callback)."""
    if isinstance(literal, bool):
        return literal
    return bool(solution.boolean_value(literal))


def value_in(solution: Any, expression: Expr) -> int:
    """The value of an expression in a solution (a solver after a solve, or a solution callback)."""
    if isinstance(expression, int):
        return expression
    return int(solution.value(expression))
