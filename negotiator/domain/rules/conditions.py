"""Rules on conditions (DESIGN §2, §3, §14).

A condition's text must parse; every move it names must exist; a rule (no party) may not use
``balance`` or ``exposure``; a quantity is compared only for a move with a unit; ``by step N``
and ``steps CMP N`` count from 1; every number is finite and at most 10^12 in size; and no two
conditions of one party and era have the same text (nor two conditions the same name).

Text is judged in canonical form (:func:`negotiator.domain.language.to_text`), so the same
condition written two ways is one condition.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping

from negotiator.domain.conditions import (
    ByStep,
    Metric,
    Node,
    Quantity,
    Visitor,
    metrics_of,
    moves_of,
    operands_of,
    references,
)
from negotiator.domain.errors import ConditionSyntaxError, DuplicateCode, InvalidValue
from negotiator.domain.model import Condition, Move
from negotiator.domain.rules.catalogue import reference_problems
from negotiator.domain.rules.problems import Problem, problem
from negotiator.domain.rules.values import code_problems, number_problems, text_problems


def atoms(node: Node) -> Iterator[Node]:
    """The atoms of a condition tree, left to right."""
    parts = operands_of(node)
    if not parts:
        yield node
    for part in parts:
        yield from atoms(part)


def quantity_moves(node: Node) -> set[str]:
    """The moves whose quantity a condition compares."""
    return set(references(node).quantities)


class _AtomProblems(Visitor[list[Problem]]):
    """What the data does not allow in one atom (composites gather their operands' problems)."""

    def __init__(self, moves: Mapping[str, Move | None] | None):
        self.moves = moves

    def _fine(self, node: Node) -> list[Problem]:
        return []

    includes = excludes = before = after = with_ = _fine

    def by_step(self, node: ByStep) -> list[Problem]:
        if node.step < 1:
            return [Problem("text", f"'{node.move} by step {node.step}': steps are numbered from 1")]
        return []

    def quantity(self, node: Quantity) -> list[Problem]:
        found = number_problems("text", node.value, "number in a condition")
        move = self.moves.get(node.move) if self.moves is not None else None
        if move is not None and not move.unit:
            found.append(Problem("text", f"move '{node.move}' has no unit, so the condition cannot compare "
                                         "its quantity (give the move a unit)"))
        return found

    def metric(self, node: Metric) -> list[Problem]:
        found = number_problems("text", node.value, "number in a condition")
        if node.name == "steps" and (node.value < 1 or not float(node.value).is_integer()):
            found.append(Problem("text", "a package has 1 or more steps, so 'steps' is compared with a "
                                         f"whole number of at least 1, not {node.value:g}"))
        return found

    def _gathered(self, node: Node) -> list[Problem]:
        return [found for part in operands_of(node) for found in self.visit(part)]

    not_ = and_ = or_ = guarded = _gathered


def parsed(text: str) -> tuple[Node | None, list[Problem]]:
    """The tree of condition text, or the problem that it does not parse."""
    from negotiator.domain.language import parse

    found = text_problems("text", text)
    if found:
        return None, found
    try:
        return parse(text), []
    except ConditionSyntaxError as exc:
        return None, [problem("text", exc)]


def tree_problems(node: Node, party: str | None, moves: Mapping[str, Move | None] | None = None) -> list[Problem]:
    """What the language allows but the data does not (``moves``: the catalogue's, when known; a
    move known only by its code maps to None)."""
    found: list[Problem] = []
    if moves is not None:
        for code in sorted(moves_of(node)):
            found += reference_problems("text", "move", code, moves)
    if party is None:
        personal = sorted(metrics_of(node) & {"balance", "exposure"})
        if personal:
            found.append(Problem("text", f"a rule (a condition without a party) cannot use {' or '.join(personal)}: "
                                         "balance and exposure are measured for a party; give the condition a party"))
    found += _AtomProblems(moves).visit(node)
    return found


def condition_problems(
    condition: Condition,
    moves: Mapping[str, Move | None] | None = None,
    parties: Collection[str] | None = None,
) -> tuple[Node | None, list[Problem]]:
    """A condition alone, and against the catalogue's moves and parties when given; with the
    parsed tree (None when the text does not parse)."""
    node, found = parsed(condition.text)
    if node is not None:
        found += tree_problems(node, condition.party, moves)
    if condition.name is not None:
        found += code_problems("name", condition.name, "condition name")
    if parties is not None:
        found += reference_problems("party", "party", condition.party, parties)
    found += text_problems("source", condition.source)
    return node, found


def duplicate_problems(condition: Condition, others: Iterable[tuple[str, Condition]]) -> list[Problem]:
    """No other condition has the same name, nor the same party, era and (canonical) text.

    ``others`` are the other stored conditions, each with the label it is known by (its name or
    id); ``condition.text`` must already be canonical.
    """
    found = []
    for label, other in others:
        if condition.name is not None and other.name == condition.name:
            found.append(problem("name", DuplicateCode("condition", condition.name, "choose another name")))
        if other.party == condition.party and other.era == condition.era and other.text == condition.text:
            owner = f"{condition.party} already has this condition" if condition.party else "this rule already exists"
            if condition.era is not None:
                owner += f" in era '{condition.era}'"
            found.append(problem("text", InvalidValue(f"{owner}: condition {label}")))
    return found
