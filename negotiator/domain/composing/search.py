"""Finding the best composed package, the next-best ones with other moves, and why parties
cannot all be satisfied.

One call to :func:`best` builds the shared encoding of the prepared problem (every pool move
optional, the constrained quantities free), requires the hard conditions, excludes the move sets
already proposed, and solves the priorities of ``objectives`` one stage after another.  Then
the quantities are settled: with the moves, their steps and the satisfied parties fixed, each
free quantity goes as near its aim (the middle of what every party accepts) as the conditions
the package meets allow.

Conflicts are named by the sequencer's minimal-conflict search over the same problem, so that
required moves (``includes M`` of ``(required)``) and the Nash floor take part like rules.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import Any

from negotiator.domain.composing.objectives import LOG_SCALE, QUANTITIES, Gap, Goals
from negotiator.domain.composing.request import Prepared, origin_of
from negotiator.domain.composing.result import Composed, Named, Placed
from negotiator.domain.sequencing.encoding import Encoding
from negotiator.domain.sequencing.literals import holds_in, negate, value_in
from negotiator.domain.sequencing.optimise import Stage, lexicographic, solve
from negotiator.domain.sequencing.problem import Clock


def encode(prepared: Prepared, exclude: Sequence[Collection[str]] = ()) -> Encoding:
    """The shared encoding of the prepared problem, its hard conditions required, the move sets
    of ``exclude`` ruled out, and the ``--from`` package suggested as a first answer."""
    problem = prepared.problem
    encoding = Encoding(problem)
    for j in problem.rules():
        encoding.require(encoding.condition(j))
    for moves in exclude:
        encoding.forbid_moves(moves)
    origin = prepared.request.origin
    if origin is not None:
        steps = {m: min(t, problem.steps) - 1 for m, t in origin.step_of().items()}
        encoding.hint_present(steps)
    return encoding


def read(encoding: Encoding, goals: Goals, solver: Any) -> Composed:
    """The package of the solver's solution and its metrics over the considered parties."""
    problem = encoding.problem
    variables = encoding.quantities()

    def quantity(move: str) -> float | None:
        free = problem.free.get(move)
        if free is None:
            return problem.quantities.get(move)
        if move in variables:
            return float(value_in(solver, variables[move]))
        return float(free.target)

    steps = tuple(tuple(Placed(m, quantity(m)) for m in group) for group in encoding.placed(solver))
    exposures = [value_in(solver, e) for e in encoding.exposure.values()]
    return Composed(
        rank=0,
        steps=steps,
        satisfied=tuple(p for p in problem.parties if holds_in(solver, encoding.satisfied(p))),
        gains={p: value_in(solver, g) for p, g in goals.gains.items()},
        max_exposure=max(exposures, default=0),
        total_exposure=sum(exposures),
        proven=False,
    )


def fix(encoding: Encoding, found: Composed, enforce: Any = None) -> None:
    """Constrain the model to ``found``'s moves, steps and satisfied parties (only when the
    literal ``enforce`` holds, if one is given)."""
    model = encoding.model
    step_of = {p.move: t for t, placed in enumerate(found.steps) for p in placed}
    literals = []
    for i, move in enumerate(encoding.problem.moves):
        if move in step_of:
            literals += [encoding.presence[i], encoding.x[i][step_of[move]]]
        else:
            literals.append(negate(encoding.presence[i]))
    literals += [encoding.satisfied(p) for p in found.satisfied]
    for literal in literals:
        if literal is True:
            continue
        if literal is False:
            model.add_bool_or([enforce.negated()] if enforce is not None else [])
            continue
        constraint = model.add_bool_or([literal])
        if enforce is not None:
            constraint.only_enforce_if(enforce)


def settle_quantities(encoding: Encoding, goals: Goals, found: Composed, clock: Clock,
                      enforce: Any = None) -> Composed:
    """``found`` with each free quantity of a placed move as near its aim as the conditions it
    meets allow (kept as it was when the time limit leaves no room to look)."""
    present = found.move_set
    variables = {m: v for m, v in encoding.quantities().items() if m in present}
    if not variables:
        return found
    model = encoding.model
    fix(encoding, found, enforce)
    distances = []
    for move, variable in variables.items():
        free = encoding.problem.free[move]
        distance = model.new_int_var(0, free.high - free.low, f"distance_{move}")
        model.add(distance >= variable - free.target)
        model.add(distance >= free.target - variable)
        distances.append(distance)
    model.clear_objective()
    model.minimize(sum(distances))
    if enforce is not None:
        model.clear_assumptions()
        model.add_assumptions([enforce])
    status, solver = solve(model, clock, QUANTITIES)
    if enforce is not None:
        model.clear_assumptions()
    if status not in ("OPTIMAL", "FEASIBLE"):
        return found
    # The moves and steps are fixed, so gains and exposures are too; the satisfied parties are
    # read again, since a quantity could satisfy one more when the search before was cut short.
    settled = read(encoding, goals, solver)
    return Composed(found.rank, settled.steps, settled.satisfied, found.gains, found.max_exposure,
                    found.total_exposure, found.proven)


def headlines(found: Composed, goals: Goals) -> dict[str, int]:
    """The answer's value on the headline part of each stage (for the gap)."""
    logs = sum(round(LOG_SCALE * math.log(max(g, 1))) for g in found.gains.values())
    return {
        "parties satisfied": len(found.satisfied),
        "min gain": found.min_gain,
        "total gain": found.total_gain,
        "Nash product": found.nash_product or 0,
        "Nash log-product x 10^6": logs,
        "max exposure": found.max_exposure,
    }


def best(
    prepared: Prepared, clock: Clock, exclude: Sequence[Collection[str]] = ()
) -> tuple[str, Composed | None, Gap | None, bool]:
    """The best package whose move set is none of ``exclude``: the status of the first solve,
    the package (None when the hard conditions cannot hold, or time ran out before any
    answer), the gap when it is not proven best, and whether the Nash product was exact."""
    encoding = encode(prepared, exclude)
    goals = Goals(encoding, prepared.request.objective)
    stages: list[Stage] = goals.stages()
    solved = lexicographic(encoding, stages, clock, lambda solver: read(encoding, goals, solver), goals.describe)
    if solved.solution is None:
        return solved.first, None, None, goals.exact_product
    found = settle_quantities(encoding, goals, solved.solution, clock)
    gap = None
    if not solved.proven:
        gap = goals.gap(solved.stopped or "", solved.stopped_with, solved.stopped_status, headlines(found, goals))
    found = Composed(
        found.rank, found.steps, found.satisfied, found.gains, found.max_exposure, found.total_exposure, solved.proven
    )
    return solved.first, found, gap, goals.exact_product


def named(prepared: Prepared, indices: Sequence[int]) -> tuple[Named, ...]:
    judged = prepared.problem.judged
    return tuple(
        Named(origin_of(judged[j]), getattr(judged[j].condition, "era", None), judged[j].condition.text)
        for j in indices
    )
