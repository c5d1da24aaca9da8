"""The tree of a parsed condition (DESIGN §3), and the one dispatch over it.

One node class per construct of the language.  The parser (``negotiator.domain.language``)
builds these; the canonical printer, the evaluator and the sequencer's encoder walk them, each as
a :class:`Visitor` -- the one place where the node classes are told apart.  Nodes are frozen and
hashable, so trees compare by value: ``parse(text(tree)) == tree``.

``After`` is kept distinct from ``Before`` (and ``Unless`` from ``If``) so that the canonical
text says what the analyst wrote.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, NamedTuple, TypeVar


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
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Guarded:
    """``body if guard`` (kind ``if``) or ``body unless guard`` (kind ``unless``); top level only."""

    body: Node
    kind: str
    guard: Node


Atom = Includes | Excludes | Before | After | With | ByStep | Quantity | Metric
Node = Atom | Not | And | Or | Guarded


# --- the one dispatch over the node classes -----------------------------------------------------

T = TypeVar("T")


class Visitor(ABC, Generic[T]):
    """A walk over condition trees, one method per construct of the language.

    ``visit(node)`` calls the method of the node's construct; the method decides whether and how
    to visit the node's parts.  This is the only place that tells the node classes apart, so a
    new construct means a new node class, its case below and its method -- and every visitor
    that lacks the method cannot even be created (the methods are abstract), rather than
    failing on the first tree that uses it.
    """

    def visit(self, node: Node) -> T:
        match node:
            case Includes():
                return self.includes(node)
            case Excludes():
                return self.excludes(node)
            case Before():
                return self.before(node)
            case After():
                return self.after(node)
            case With():
                return self.with_(node)
            case ByStep():
                return self.by_step(node)
            case Quantity():
                return self.quantity(node)
            case Metric():
                return self.metric(node)
            case Not():
                return self.not_(node)
            case And():
                return self.and_(node)
            case Or():
                return self.or_(node)
            case Guarded():
                return self.guarded(node)
        raise TypeError(f"not a condition node: {node!r}")

    @abstractmethod
    def includes(self, node: Includes) -> T: ...

    @abstractmethod
    def excludes(self, node: Excludes) -> T: ...

    @abstractmethod
    def before(self, node: Before) -> T: ...

    @abstractmethod
    def after(self, node: After) -> T: ...

    @abstractmethod
    def with_(self, node: With) -> T: ...

    @abstractmethod
    def by_step(self, node: ByStep) -> T: ...

    @abstractmethod
    def quantity(self, node: Quantity) -> T: ...

    @abstractmethod
    def metric(self, node: Metric) -> T: ...

    @abstractmethod
    def not_(self, node: Not) -> T: ...

    @abstractmethod
    def and_(self, node: And) -> T: ...

    @abstractmethod
    def or_(self, node: Or) -> T: ...

    @abstractmethod
    def guarded(self, node: Guarded) -> T: ...


# --- what a condition refers to -----------------------------------------------------------------


class References(NamedTuple):
    """What a condition refers to: the moves it names, the metrics it uses (balance, exposure,
    steps), and the moves whose quantity it compares."""

    moves: frozenset[str]
    metrics: frozenset[str]
    quantities: frozenset[str]


_NOTHING: frozenset[str] = frozenset()


def _joined(parts: Iterable[References]) -> References:
    moves: set[str] = set()
    metrics: set[str] = set()
    quantities: set[str] = set()
    for part in parts:
        moves |= part.moves
        metrics |= part.metrics
        quantities |= part.quantities
    return References(frozenset(moves), frozenset(metrics), frozenset(quantities))


def _moves(*codes: str) -> References:
    return References(frozenset(codes), _NOTHING, _NOTHING)


class _Referenced(Visitor[References]):
    def includes(self, node: Includes) -> References:
        return _moves(node.move)

    def excludes(self, node: Excludes) -> References:
        return _moves(node.move)

    def before(self, node: Before) -> References:
        return _moves(node.first, node.second)

    def after(self, node: After) -> References:
        return _moves(node.first, node.second)

    def with_(self, node: With) -> References:
        return _moves(node.first, node.second)

    def by_step(self, node: ByStep) -> References:
        return _moves(node.move)

    def quantity(self, node: Quantity) -> References:
        return References(frozenset({node.move}), _NOTHING, frozenset({node.move}))

    def metric(self, node: Metric) -> References:
        return References(_NOTHING, frozenset({node.name}), _NOTHING)

    def not_(self, node: Not) -> References:
        return self.visit(node.operand)

    def and_(self, node: And) -> References:
        return _joined(self.visit(o) for o in node.operands)

    def or_(self, node: Or) -> References:
        return _joined(self.visit(o) for o in node.operands)

    def guarded(self, node: Guarded) -> References:
        return _joined((self.visit(node.body), self.visit(node.guard)))


_REFERENCED = _Referenced()


def references(node: Node) -> References:
    """The moves, metrics and compared quantities of a condition (see :class:`References`)."""
    return _REFERENCED.visit(node)


def moves_of(node: Node) -> set[str]:
    """Every move code a condition refers to."""
    return set(references(node).moves)


def metrics_of(node: Node) -> set[str]:
    """Names of the metrics (balance, exposure, steps) a condition uses."""
    return set(references(node).metrics)


class _Operands(Visitor[tuple[Node, ...]]):
    def _atom(self, node: Atom) -> tuple[Node, ...]:
        return ()

    includes = excludes = before = after = with_ = by_step = quantity = metric = _atom

    def not_(self, node: Not) -> tuple[Node, ...]:
        return (node.operand,)

    def and_(self, node: And) -> tuple[Node, ...]:
        return node.operands

    def or_(self, node: Or) -> tuple[Node, ...]:
        return node.operands

    def guarded(self, node: Guarded) -> tuple[Node, ...]:
        return (node.body, node.guard)


_OPERANDS = _Operands()


def operands_of(node: Node) -> tuple[Node, ...]:
    """The conditions a node is built from, in order: none for an atom, the operand of ``not``,
    the operands of ``and`` and ``or``, the body and then the guard of ``if`` and ``unless``."""
    return _OPERANDS.visit(node)
