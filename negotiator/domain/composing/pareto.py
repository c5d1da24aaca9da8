"""The Pareto frontier of the considered parties' gains (``compose --pareto``).

Among the packages that obey the hard conditions and satisfy every considered party, a vector
of gains is on the frontier when no package gives every party at least as much and one party
more.  The frontier is found one point at a time on one encoding:

1. maximise the objective's weighted form (the least gain, then the total; the total first for
   ``--objective total``) among the packages that no point found so far weakly dominates.  The
   optimum is on the frontier: a package dominating it would not be weakly dominated by any
   found point either, and would score higher;
2. with the gains fixed to that point (through an assumption, so that the constraint goes away
   afterwards), find the package with the least exposure, then the fewest moves, and settle
   its quantities;
3. rule out everything that point weakly dominates, and go on.

The search stops when no point is left (the frontier is complete), at ``--limit`` points (one
more solve says whether any is left), or when the time limit stops a solve (incomplete).
"""

from __future__ import annotations

from typing import Any

from negotiator.domain.composing.objectives import EXPOSURE, Goals
from negotiator.domain.composing.request import Prepared
from negotiator.domain.composing.result import Composed
from negotiator.domain.composing.search import encode, read, settle_quantities
from negotiator.domain.sequencing.encoding import Encoding
from negotiator.domain.sequencing.literals import Expr, value_in
from negotiator.domain.sequencing.optimise import solve
from negotiator.domain.sequencing.problem import Clock

FRONTIER = "Pareto frontier"


def scalarised(goals: Goals) -> Expr:
    """The objective in weighted form, strictly increasing in every party's gain."""
    least, total = goals.least(), goals.total
    if isinstance(least, int) and isinstance(total, int):
        return 0
    if goals.objective == "total":
        return (goals.least_range[1] - goals.least_range[0] + 1) * total + least
    return (goals.total_range[1] - goals.total_range[0] + 1) * least + total


def _beyond(encoding: Encoding, goals: Goals, point: dict[str, int]) -> None:
    """Rule out every package whose gains the point weakly dominates: some party must gain more."""
    model = encoding.model
    better = []
    for party, gain in goals.gains.items():
        if isinstance(gain, int):
            continue  # the same in every package
        literal = model.new_bool_var(f"beyond_{party}")
        model.add(gain >= point[party] + 1).only_enforce_if(literal)
        better.append(literal)
    model.add_bool_or(better)  # empty: nothing can beat the point anywhere, so no package is left


def _representative(
    encoding: Encoding, goals: Goals, point: dict[str, int], clock: Clock, solver: Any
) -> Composed | None:
    """The package of least exposure, then fewest moves, with exactly the gains of ``point``."""
    model = encoding.model
    enforce = model.new_bool_var("at_point")
    for party, gain in goals.gains.items():
        if not isinstance(gain, int):
            model.add(gain == point[party]).only_enforce_if(enforce)
    stage = goals.exposure_stage()
    model.clear_objective()
    if not isinstance(stage.goal, int):
        model.minimize(stage.goal)
    model.clear_assumptions()
    model.add_assumptions([enforce])
    encoding.hint(solver)
    status, made = solve(model, clock, EXPOSURE, goals.describe)
    model.clear_assumptions()
    if status not in ("OPTIMAL", "FEASIBLE"):
        return None
    found = read(encoding, goals, made)
    found = settle_quantities(encoding, goals, found, clock, enforce)
    return Composed(
        found.rank,
        found.steps,
        found.satisfied,
        found.gains,
        found.max_exposure,
        found.total_exposure,
        status == "OPTIMAL",
    )


def frontier(prepared: Prepared, clock: Clock) -> tuple[list[Composed], bool]:
    """The frontier points found, one package each, in the order of the objective, and whether
    the frontier is complete."""
    encoding = encode(prepared)
    for party in prepared.parties:
        encoding.require(encoding.satisfied(party))
    goals = Goals(encoding, prepared.request.objective)
    model = encoding.model
    goal = scalarised(goals)
    points: list[Composed] = []
    complete = False
    while True:
        model.clear_objective()
        model.clear_assumptions()
        if len(points) >= prepared.request.limit:
            status, _ = solve(model, clock, FRONTIER)
            complete = status == "INFEASIBLE"
            break
        if not isinstance(goal, int):
            model.maximize(goal)
        status, solver = solve(model, clock, FRONTIER)
        if status == "INFEASIBLE":
            complete = True
            break
        if status != "OPTIMAL":
            break  # out of time: a point not proven best might not be on the frontier
        point = {party: value_in(solver, gain) for party, gain in goals.gains.items()}
        found = _representative(encoding, goals, point, clock, solver)
        if found is None:
            break
        points.append(found)
        _beyond(encoding, goals, point)
    if goals.objective == "nash":
        points.sort(key=lambda p: -(p.nash_product or 0))
    return [
        Composed(rank, p.steps, p.satisfied, p.gains, p.max_exposure, p.total_exposure, p.proven)
        for rank, p in enumerate(points, 1)
    ], complete
