"""The tree of a parsed condition (DESIGN §3).

One node class per construct of the language.  The parser (``negotiator.domain.language``)
builds these; the evaluator, the sequencer's encoder and the canonical printer walk them.
Nodes are frozen and hashable, so trees compare by value: ``parse(text(tree)) == tree``.

``After`` is kept distinct from ``Before`` (and ``Unless`` from ``If``) so that the canonical
text says what the analyst wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Includes:
    move: str


@dataclass(frozen=True)
class Excludes:
    move: str


@dataclass(frozen=True)
class Before:
    """``first before second``: second may only come after first."""

    first: str
    second: str


@dataclass(frozen=True)
class After:
    """``first after second``: the same as ``second before first``."""

    first: str
    second: str


@dataclass(frozen=True)
class With:
    first: str
    second: str


@dataclass(frozen=True)
class ByStep:
    move: str
    step: int


@dataclass(frozen=True)
class Quantity:
    """``move OP value`` on the move's quantity in the package."""

    move: str
    op: str
    value: float


@dataclass(frozen=True)
class Metric:
    """``balance|exposure|steps OP value``."""

    name: str
    op: str
    value: float


@dataclass(frozen=True)
class Not:
    operand: "Node"


@dataclass(frozen=True)
class And:
    operands: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    operands: tuple["Node", ...]


@dataclass(frozen=True)
class Guarded:
    """``body if guard`` (kind ``if``) or ``body unless guard`` (kind ``unless``); top level only."""

    body: "Node"
    kind: str
    guard: "Node"


Atom = Union[Includes, Excludes, Before, After, With, ByStep, Quantity, Metric]
Node = Union[Atom, Not, And, Or, Guarded]


def moves_of(node: Node) -> set[str]:
    """Every move code a condition refers to."""
    if isinstance(node, (Includes, Excludes, ByStep, Quantity)):
        return {node.move}
    if isinstance(node, (Before, After, With)):
        return {node.first, node.second}
    if isinstance(node, Metric):
        return set()
    if isinstance(node, Not):
        return moves_of(node.operand)
    if isinstance(node, (And, Or)):
        found: set[str] = set()
        for operand in node.operands:
            found |= moves_of(operand)
        return found
    if isinstance(node, Guarded):
        return moves_of(node.body) | moves_of(node.guard)
    raise TypeError(f"not a condition node: {node!r}")


def metrics_of(node: Node) -> set[str]:
    """Names of the metrics (balance, exposure, steps) a condition uses."""
    if isinstance(node, Metric):
        return {node.name}
    if isinstance(node, Not):
        return metrics_of(node.operand)
    if isinstance(node, (And, Or)):
        found: set[str] = set()
        for operand in node.operands:
            found |= metrics_of(operand)
        return found
    if isinstance(node, Guarded):
        return metrics_of(node.body) | metrics_of(node.guard)
    return set()
