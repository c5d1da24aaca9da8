"""The values ``compose`` answers with: composed packages, conflicts, and the whole result.

Nothing here imports ortools.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from negotiator.domain.model import Package, Placement, Step

if TYPE_CHECKING:
    from negotiator.domain.composing.objectives import Gap


class Placed(NamedTuple):
    """A move of a composed package and its quantity (None: it has none)."""

    move: str
    qty: float | None


@dataclass(frozen=True)
class Composed:
    """One composed package and what the solver established about it.  ``gains`` are the
    considered parties' (in their order), the exposures theirs too."""

    rank: int
    steps: tuple[tuple[Placed, ...], ...]
    satisfied: tuple[str, ...]
    gains: dict[str, int]
    max_exposure: int
    total_exposure: int
    proven: bool

    @property
    def moves(self) -> int:
        return sum(len(step) for step in self.steps)

    @property
    def move_set(self) -> frozenset[str]:
        return frozenset(p.move for step in self.steps for p in step)

    @property
    def min_gain(self) -> int:
        return min(self.gains.values(), default=0)

    @property
    def total_gain(self) -> int:
        return sum(self.gains.values())

    @property
    def nash_product(self) -> int | None:
        """The product of the gains when every one is at least 1 (the Nash bargaining product
        against no agreement), else None."""
        if not self.gains or min(self.gains.values()) < 1:
            return None
        return math.prod(self.gains.values())

    def key(self, objective: str) -> tuple:
        """The priorities of compose as one tuple, smaller is better."""
        if objective == "maxmin":
            middle: tuple = (-self.min_gain, -self.total_gain)
        elif objective == "total":
            middle = (-self.total_gain, -self.min_gain)
        else:
            middle = (-(self.nash_product or 0),)
        return (-len(self.satisfied), *middle, self.max_exposure, self.total_exposure, self.moves)

    def package(self, name: str, origin: Package | None = None) -> Package:
        """The option as a draft package: steps keep the labels and due dates of ``origin``'s
        steps of the same number, and the package ``origin``'s date (the day it is judged on)."""
        template = origin.steps if origin is not None else ()
        steps = []
        for ordinal, placed in enumerate(self.steps, 1):
            label, due = (
                (template[ordinal - 1].label, template[ordinal - 1].due) if ordinal <= len(template) else ("", None)
            )
            steps.append(Step(label, due, tuple(Placement(p.move, p.qty) for p in placed)))
        return Package(
            name=name,
            steps=tuple(steps),
            based_on=origin.name if origin is not None else None,
            date=origin.date if origin is not None else None,
        )


class Named(NamedTuple):
    """A condition in a minimal conflicting set: ``party`` is None for a rule and ``(required)``
    for a required move; ``era`` the era it belongs to (None: standing)."""

    party: str | None
    era: str | None
    text: str


@dataclass(frozen=True)
class ComposeResult:
    """What ``compose`` found.

    ``status`` is ``optimal`` (option 1 proven best, or with ``--pareto`` the frontier complete),
    ``feasible`` (the time limit stopped the search first; ``gap`` says how far option 1 may be
    from the best) or ``infeasible`` (no package obeys the hard conditions, or with ``--pareto``
    none satisfies every considered party).  ``nash_exact`` is False when the Nash stage
    compared logarithms (see ``objectives``).  ``conflicts`` is a minimal conflicting set when not
    every considered party can be satisfied (``rules_conflict`` when it is the hard conditions
    that cannot hold); ``unnamed`` when one exists but the time limit cut its naming short.
    """

    status: str
    objective: str
    parties: tuple[str, ...]
    pool: tuple[str, ...]
    steps: int
    options: tuple[Composed, ...]
    conflicts: tuple[Named, ...] = ()
    rules_conflict: bool = False
    unnamed: bool = False
    gap: Gap | None = None
    pareto: bool = False
    frontier_complete: bool | None = None
    time_limit: float | None = None
    origin: str | None = None
    nash_exact: bool = True

    @property
    def best(self) -> Composed | None:
        return self.options[0] if self.options else None
