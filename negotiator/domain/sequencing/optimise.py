"""Finding the best ordering: the solver's settings, the lexicographic search over stages (which
``compose`` runs with its own stages), and the two solves that make one ordering.

The priorities of §5, in order: every rule holds (hard) and as many parties as possible are
satisfied; the largest exposure of any party is as small as possible; the sum of the parties'
exposures is as small as possible; as few placements as possible change step (``moved``).

The first solve maximises the parties satisfied; its optimum is then added as a constraint, and
the second minimises a weighted sum of the three lower priorities whose weights exceed the range
of everything below them (``Encoding.weights``), which orders solutions exactly as the
lexicographic priorities do and is markedly faster than three more solves.  An option is
*proven* only when both solves ended OPTIMAL; a solve stopped by the time limit keeps the best
solution it found, marked not proven.

The search is deterministic: one worker and a fixed seed, so the same input gives the same
answer unless the time limit is hit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, NamedTuple, TypeVar

from negotiator.domain.sequencing.encoding import Encoding
from negotiator.domain.sequencing.literals import Expr, as_int, value_in
from negotiator.domain.sequencing.problem import (
    Assignment,
    Clock,
    Option,
    Problem,
    Progress,
)

SEED = 20270301
WORKERS = 1

# The solves one ``best`` call makes, in order (see the module's doc).
STAGES = ("parties satisfied", "exposure and moved")

Describe = Callable[[str, Any], tuple[dict[str, int], dict[str, int]]]
T = TypeVar("T")


def solver(clock: Clock) -> Any:
    """A CP-SAT solver with the fixed settings and what is left of the time limit."""
    from ortools.sat.python import cp_model

    made = cp_model.CpSolver()
    made.parameters.num_workers = WORKERS
    made.parameters.random_seed = SEED
    remaining = clock.remaining()
    if remaining is not None:
        made.parameters.max_time_in_seconds = max(remaining, 0.001)
    return made


def solve(model: Any, clock: Clock, stage: str, describe: Describe | None = None) -> tuple[str, Any]:
    """Solve ``model`` once, reporting progress when the clock has a reporter; returns (status
    name, solver)."""
    from ortools.sat.python import cp_model

    made = solver(clock)
    callback = None
    if clock.progress is not None and describe is not None and model.has_objective():
        report, words = clock.progress, describe

        class Report(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                best, bound = words(stage, self)
                report(Progress(stage, clock.elapsed(), best, bound))

        callback = Report()
    status = made.solve(model, callback)
    return made.status_name(status), made


def objective(encoding: Encoding, stage: str) -> tuple[Expr, bool]:
    """(linear expression or int, maximise?) of a stage (see STAGES)."""
    if stage == "parties satisfied":
        literals = [encoding.satisfied(party) for party in encoding.problem.parties]
        return sum(as_int(literal) for literal in literals), True
    if stage == "exposure and moved":
        worst, total, moved = encoding.parts()
        below, above = encoding.weights()
        return above * worst + below * total + moved, False
    raise ValueError(stage)


def describer(encoding: Encoding) -> Describe:
    """What progress reports: the best solution so far and the proven bound, in the words of §5."""

    def describe(stage: str, solution: Any) -> tuple[dict[str, int], dict[str, int]]:
        bound = solution.best_objective_bound
        if stage == "parties satisfied":
            return {stage: round(solution.objective_value)}, {stage: math.floor(bound + 1e-6)}
        if stage == "exposure and moved":
            worst, total, moved = encoding.parts()
            best = {
                "max exposure": value_in(solution, worst),
                "total exposure": value_in(solution, total),
                "moved": value_in(solution, moved),
            }
            return best, {"max exposure": math.ceil(bound - 1e-6) // encoding.weights()[1]}
        return {}, {}

    return describe


class Stage(NamedTuple):
    """One priority of a lexicographic search: its name, its goal (a linear expression, or an
    int when every solution scores the same) and whether it is maximised."""

    name: str
    goal: Expr
    maximise: bool


@dataclass(frozen=True)
class Solved(Generic[T]):
    """What a lexicographic search established: the status of its first solve, the solution read
    after the last stage that found one (None when none did), whether every stage was proven
    optimal, and, when one was not, that stage's name, the solver that stopped on it and that
    solve's status (for the gap between what was found and the bound proven)."""

    first: str
    solution: T | None
    proven: bool
    stopped: str | None = None
    stopped_with: Any = None
    stopped_status: str = ""


def lexicographic(
    encoding: Encoding,
    stages: Sequence[Stage],
    clock: Clock,
    read: Callable[[Any], T],
    describe: Describe | None = None,
) -> Solved[T]:
    """Solve ``stages`` in order on ``encoding``'s model: each optimum is added as a constraint
    before the next stage, and the solution of each hints the next.

    A stage on which every solution scores the same needs no solve, unless none is left.  A
    solve stopped by the time limit keeps the best solution found so far, marked not proven.
    """
    stages = [stage for stage in stages if not isinstance(stage.goal, int)] or [Stage("rules", 0, False)]
    model = encoding.model
    first = ""
    proven = True
    solution: T | None = None
    stopped: str | None = None
    stopped_with: Any = None
    stopped_status = ""
    for number, stage in enumerate(stages):
        model.clear_objective()
        if not isinstance(stage.goal, int):
            if stage.maximise:
                model.maximize(stage.goal)
            else:
                model.minimize(stage.goal)
        status, made = solve(model, clock, stage.name, describe)
        first = first or status
        if status not in ("OPTIMAL", "FEASIBLE"):
            if solution is None:
                return Solved(first, None, False, stage.name, made, status)
            proven, stopped, stopped_with, stopped_status = False, stage.name, made, status
            break  # out of time mid-way: keep the previous stage's solution
        if status != "OPTIMAL" and proven:
            proven, stopped, stopped_with, stopped_status = False, stage.name, made, status
        solution = read(made)
        if number == len(stages) - 1:
            break
        if not isinstance(stage.goal, int):
            value = round(made.objective_value)
            model.add(stage.goal >= value if stage.maximise else stage.goal <= value)
        encoding.hint(made)
        if clock.expired():
            if proven:
                proven, stopped, stopped_with = False, stages[number + 1].name, None
            break
    return Solved(first, solution, proven, stopped, stopped_with, stopped_status)


def best(problem: Problem, clock: Clock, exclude: Sequence[Assignment] = ()) -> tuple[str, Option | None]:
    """The lexicographically best ordering other than those in ``exclude``.

    Returns the status of the first solve and the option (None when the rules cannot hold
    with these exclusions, status INFEASIBLE, or when time ran out before any solution).
    """
    encoding = Encoding(problem)
    for rule in problem.rules():
        encoding.require(encoding.condition(rule))
    for steps in exclude:
        encoding.forbid(steps)
    encoding.hint_original()
    stages = [Stage(stage, *objective(encoding, stage)) for stage in STAGES]
    solved = lexicographic(encoding, stages, clock, encoding.read, describer(encoding))
    if solved.solution is None:
        return solved.first, None
    return solved.first, replace(solved.solution, proven=solved.proven)
