"""The solver's problem, the clock of one call, and the values ``sequence`` answers with.

:class:`Problem` is what the solver works on: the placements (a package's, in package order, or
a pool of candidate moves), the step count, the judged conditions, the parties and what each
placement is worth to each party; also which placements are optional, which quantities are the
solver's to choose, which conditions are hard and which decide each party.  :meth:`Problem.of`
builds one for ``sequence`` and refuses what cannot be sequenced; ``compose`` builds its own
(``negotiator.domain.composing.request``).  :class:`Clock` is the
deadline shared by every solve of one call, and the progress reporter.  :class:`Option`,
:class:`Conflict`, :class:`SequenceResult`, :class:`Progress` and :class:`OutOfTime` are what
``sequence`` returns, reports and raises.

Nothing here imports ortools; the solves themselves live in ``optimise`` and ``conflicts``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from negotiator.domain.errors import InvalidValue, NegotiatorError
from negotiator.domain.model import Catalogue, Package

if TYPE_CHECKING:
    from negotiator.domain.evaluate import Judged

# An assignment of moves to steps: the move codes of step 1, of step 2, ...
Assignment = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Option:
    """One ordering of the package's moves and what the solver established about it."""

    rank: int
    steps: Assignment
    satisfied: tuple[str, ...]
    max_exposure: int
    total_exposure: int
    moved: int
    proven: bool

    @property
    def objective(self) -> tuple[int, int, int, int]:
        """The priorities of §5 as one tuple, smaller is better."""
        return (-len(self.satisfied), self.max_exposure, self.total_exposure, self.moved)


class Conflict(NamedTuple):
    """A condition in a minimal conflicting set: ``party`` is None for a rule; ``era`` the era
    the party was judged in (None: on its standing rows, or a rule)."""

    party: str | None
    text: str
    era: str | None = None


@dataclass(frozen=True)
class SequenceResult:
    """What ``sequence`` found: the options, best first, and the conflicting conditions.

    ``unnamed`` says that the rules were proven unable to all hold, or the best option leaves a
    party unsatisfied, but the time limit ran out before a conflicting set was named, so
    ``conflicts`` is empty; ``time_limit`` is the limit the call had.
    """

    package: str
    status: str  # 'optimal' | 'feasible' | 'infeasible'
    options: tuple[Option, ...]
    conflicts: tuple[Conflict, ...]
    rules_conflict: bool
    unnamed: bool = False
    time_limit: float | None = None

    @property
    def best(self) -> Option | None:
        return self.options[0] if self.options else None


@dataclass(frozen=True)
class Progress:
    """What a long solve reports each time it finds a better ordering: the stage, seconds since
    ``sequence`` started, the best values found so far and what is proven about the optimum
    (``{"parties satisfied": 5}`` as an upper bound, ``{"max exposure": 2}`` as a lower bound)."""

    stage: str
    elapsed: float
    best: dict[str, int]
    bound: dict[str, int]


ProgressCallback = Callable[[Progress], None]


class OutOfTime(NegotiatorError):
    """The time limit ran out before any ordering obeying the rules was found."""


def format_seconds(seconds: float | None) -> str:
    return "no limit" if seconds is None else f"{seconds:g} s"


class Clock:
    """The deadline shared by every solve of one ``sequence`` call, and the progress reporter."""

    def __init__(self, limit: float | None, progress: ProgressCallback | None):
        self.start = time.monotonic()
        self.limit = limit
        self.progress = progress

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float | None:
        if self.limit is None:
            return None
        return max(self.limit - self.elapsed(), 0.0)

    def expired(self) -> bool:
        remaining = self.remaining()
        return remaining is not None and remaining <= 0.0


class FreeQuantity(NamedTuple):
    """A quantity the solver chooses: a whole number in [low, high], as close to ``target`` as the
    conditions it has to satisfy allow."""

    low: int
    high: int
    target: int


@dataclass(frozen=True)
class Problem:
    """The moves, the step count, the judged conditions and the parties' values of one solve.

    ``sequence`` keeps every move (``optional`` empty) and every quantity fixed (``free`` empty);
    composing a package makes the pool's moves optional and the quantities that conditions
    constrain free.  ``hard`` lists the conditions every answer must meet (by default the rules;
    composing adds the required moves and, for the Nash objective, a gain of at least 1 for each
    party), and ``decides`` the conditions deciding whether each party is satisfied (by default
    its non-soft conditions; judging a party across several eras gives it those of every era).
    Both hold indices into ``judged``.  ``values`` may hold, besides the parties, the values of
    a party in another era under a key of its own (``ROK@lee``); ``measures`` says which key the
    ``balance`` and ``exposure`` of a judged condition measure (by default its party's).
    """

    package: Package | None
    moves: tuple[str, ...]  # placements in package order, or the pool
    original: tuple[int, ...]  # 0-based original step of each placement
    quantities: dict[str, float | None]
    steps: int
    judged: tuple[Judged, ...]
    parties: tuple[str, ...]
    values: dict[str, tuple[int, ...]]  # party -> value of each placement to it
    optional: frozenset[str] = frozenset()
    free: Mapping[str, FreeQuantity] = field(default_factory=dict)
    hard: tuple[int, ...] | None = None
    decides: Mapping[str, tuple[int, ...]] | None = None
    measures: Mapping[int, str] | None = None  # judged index -> the key of ``values`` its balance uses

    @classmethod
    def of(
        cls,
        catalogue: Catalogue,
        package: Package,
        steps: int | None,
        judged: Iterable[Judged],
        move_values: Mapping[str, Mapping[str, int]],
        decides: Mapping[str, tuple[int, ...]] | None = None,
        measures: Mapping[int, str] | None = None,
    ) -> Problem:
        conditions = tuple(judged)
        placements = package.placements()
        moves = tuple(p.move for _, p in placements)
        count = len(package.steps) if steps is None else steps
        if not moves:
            raise InvalidValue(f"package '{package.name}' has no moves to sequence")
        if count < 1:
            raise InvalidValue(f"--steps must be at least 1, not {count}")
        if count > len(moves):
            raise InvalidValue(
                f"cannot spread {len(moves)} move{'s' if len(moves) != 1 else ''} of package "
                f"'{package.name}' over {count} non-empty steps: --steps must be between 1 and {len(moves)}"
            )
        # The parties the checker judges: the catalogue's, then any named only by a condition.
        parties = tuple(dict.fromkeys(
            [p.code for p in catalogue.parties]
            + [j.condition.party for j in conditions if j.condition.party is not None]
        ))
        keys = tuple(dict.fromkeys([*parties, *(measures or {}).values()]))
        values = {
            key: tuple(int(move_values.get(m, {}).get(key, 0)) for m in moves) for key in keys
        }
        return cls(
            package=package,
            moves=moves,
            original=tuple(ordinal - 1 for ordinal, _ in placements),
            quantities={p.move: p.quantity for _, p in placements},
            steps=count,
            judged=conditions,
            parties=parties,
            values=values,
            decides=decides,
            measures=measures,
        )

    # Which judged conditions play which part.
    def rules(self) -> list[int]:
        """The conditions every answer must meet: the rules, or ``hard`` when given."""
        if self.hard is not None:
            return list(self.hard)
        return [j for j, c in enumerate(self.judged) if c.condition.party is None]

    def deciding(self, party: str) -> list[int]:
        """The party's conditions that decide whether it is satisfied: ``decides[party]`` when
        given, else its non-soft ones."""
        if self.decides is not None:
            return list(self.decides.get(party, ()))
        return [
            j for j, c in enumerate(self.judged) if c.condition.party == party and not c.condition.soft
        ]

    def measured(self, j: int) -> str | None:
        """Whose balance and exposure judged condition j measures: a key of ``values``."""
        if self.measures is not None and j in self.measures:
            return self.measures[j]
        return self.judged[j].condition.party

    def party_conditions(self) -> list[int]:
        return [j for party in self.parties for j in self.deciding(party)]

    # The three kinds of solve.  Their modules import this one, hence the imports inside.
    def best(self, clock: Clock, exclude: Sequence[Assignment] = ()) -> tuple[str, Option | None]:
        """The lexicographically best ordering other than those in ``exclude`` (see
        ``optimise.best``): the status of the first solve, and the option or None."""
        from negotiator.domain.sequencing.optimise import best

        return best(self, clock, exclude)

    def rules_conflict(self, clock: Clock) -> list[int]:
        """A minimal set of rules that cannot all hold (empty when they can, or time ran out)."""
        from negotiator.domain.sequencing.conflicts import rules_conflict

        return rules_conflict(self, clock)

    def party_conflict(self, clock: Clock) -> list[int]:
        """A minimal set of party conditions that cannot all hold with the rules, then the rules
        they collide with (see ``conflicts.party_conflict``)."""
        from negotiator.domain.sequencing.conflicts import party_conflict

        return party_conflict(self, clock)
