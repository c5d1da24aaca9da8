"""Finding the best ordering of a package's moves, or the conditions that make one impossible (§5).

The sequencer keeps a package's moves and quantities and assigns them to exactly N non-empty
steps.  It encodes the judged conditions (``negotiator.domain.evaluate.effective_conditions``)
as an OR-Tools CP-SAT model, finds the best ordering by the priorities of §5 and, when not every
party can be satisfied, names a minimal set of conflicting conditions.

The same model serves ``negotiator.domain.composing``, which lets the solver choose the moves
too: presence and quantities become variables, and nothing else changes.

This package is the public API -- :func:`sequence`, :func:`arrange` and the values they use --
and is split along the solver's seams:

* ``problem``: what is solved (:class:`Problem`), the shared :class:`Clock`, and the values
  returned (:class:`Option`, :class:`SequenceResult`, :class:`Conflict`, :class:`Progress`);
* ``encoding``: the CP-SAT model -- order, presence, balances and exposure, Boolean algebra
  over literals -- with ``literals`` for the constant-folding helpers;
* ``atoms``: each construct of the condition language as a literal of that model;
* ``optimise``: the solver's settings, the lexicographic search over stages, and the two solves
  that make one ordering;
* ``conflicts``: the minimal conflicting sets.

ortools is imported inside the functions only, so loading this package costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from negotiator.domain.errors import InvalidValue
from negotiator.domain.model import Catalogue, Package, Step
from negotiator.domain.sequencing.problem import (
    Clock,
    Conflict,
    Option,
    OutOfTime,
    Problem,
    Progress,
    ProgressCallback,
    SequenceResult,
    format_seconds,
)

if TYPE_CHECKING:
    from negotiator.domain.evaluate import Judged

__all__ = [
    "Conflict",
    "Option",
    "OutOfTime",
    "Problem",
    "Progress",
    "ProgressCallback",
    "SequenceResult",
    "arrange",
    "format_seconds",
    "sequence",
]


def sequence(
    catalogue: Catalogue,
    package: Package,
    steps: int | None = None,
    alternatives: int = 0,
    time_limit: float | None = None,
    progress: ProgressCallback | None = None,
    judged: Sequence[Judged] | None = None,
    values: Mapping[str, Mapping[str, int]] | None = None,
    decides: Mapping[str, tuple[int, ...]] | None = None,
    measures: Mapping[int, str] | None = None,
) -> SequenceResult:
    """Best assignment of ``package``'s moves to ``steps`` non-empty steps, and ``alternatives``
    distinct next-best ones (§5), or the conflicting conditions when parties cannot all be met.

    ``judged``, ``values``, ``decides`` and ``measures`` (see :class:`Problem`) default to those
    of ``catalogue`` (a catalogue in force); judging parties in several eras at once
    (``negotiator.domain.judging.era_conditions``) gives them all.
    """
    from ortools.sat.python import cp_model  # noqa: F401  (loaded before the clock starts)

    from negotiator.domain.evaluate import effective_conditions
    from negotiator.domain.metrics import move_values

    problem = Problem.of(catalogue, package, steps,
                         effective_conditions(catalogue) if judged is None else judged,
                         move_values(catalogue) if values is None else values, decides, measures)
    if alternatives < 0:
        raise InvalidValue(f"--alternatives must be at least 0, not {alternatives}")
    if time_limit is not None and time_limit <= 0:
        raise InvalidValue(f"--time-limit must be a positive number of seconds, not {time_limit}")
    clock = Clock(time_limit, progress)

    options: list[Option] = []
    for rank in range(1, alternatives + 2):
        if options and clock.expired():
            break
        status, found = problem.best(clock, exclude=[o.steps for o in options])
        if found is None:
            if options:
                break  # fewer distinct orderings exist than were asked for, or time ran out
            if status == "INFEASIBLE":
                rules = problem.rules_conflict(clock)
                conflicts = tuple(Conflict(None, problem.judged[j].condition.text, None) for j in rules)
                # The rules are proven to collide; an empty set means naming them ran out of time.
                return SequenceResult(package.name, "infeasible", (), conflicts, True,
                                      unnamed=not conflicts, time_limit=time_limit)
            raise OutOfTime(
                f"no ordering of package '{package.name}' was found within the time limit of "
                f"{format_seconds(time_limit)}; give it a longer --time-limit"
            )
        options.append(replace(found, rank=rank))

    named: tuple[Conflict, ...] = ()
    unsatisfied = len(options[0].satisfied) < len(problem.parties)
    if unsatisfied:
        named = tuple(
            Conflict(problem.judged[j].condition.party, problem.judged[j].condition.text,
                     problem.judged[j].condition.era)
            for j in problem.party_conflict(clock)
        )
    status = "optimal" if options[0].proven else "feasible"
    # Some party is left unsatisfied; without a time limit that proves a conflict, which is then
    # always named, so none named means the time limit cut the search short.
    return SequenceResult(package.name, status, tuple(options), named, False,
                          unnamed=unsatisfied and not named, time_limit=time_limit)


def arrange(package: Package, steps: Sequence[Sequence[str]], name: str | None = None) -> Package:
    """``package`` with its placements (quantities and levels kept) regrouped as ``steps``.

    Step labels and due dates stay with the ordinals: step 2 of the new package keeps the label of
    the original step 2.
    """
    placed = {p.move: p for _, p in package.placements()}
    new_steps = []
    for ordinal, moves in enumerate(steps, 1):
        template = package.steps[ordinal - 1] if ordinal <= len(package.steps) else Step()
        new_steps.append(Step(template.label, template.due, tuple(placed[m] for m in moves)))
    return replace(
        package,
        name=name or package.name,
        steps=tuple(new_steps),
        based_on=package.name if name and name != package.name else package.based_on,
        history=() if name and name != package.name else package.history,
    )
