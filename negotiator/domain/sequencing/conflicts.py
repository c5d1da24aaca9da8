"""Naming why parties cannot all be satisfied: minimal sets of conflicting conditions.

When not every party can be satisfied, the sequencer names a *minimal* set of conflicting party
conditions: the solver's unsatisfiable core under assumptions, shrunk by deleting one member at
a time and re-solving, so that dropping any member makes the rest satisfiable; then the rules
they collide with, shrunk the same way.  When the rules alone cannot all hold, it names a
minimal set of rules instead.

Conditions are named by their index in ``Problem.judged``.
"""

from __future__ import annotations

from typing import Any

from negotiator.domain.sequencing.encoding import Encoding
from negotiator.domain.sequencing.literals import Lit
from negotiator.domain.sequencing.optimise import solve
from negotiator.domain.sequencing.problem import Clock, Problem


def rules_conflict(problem: Problem, clock: Clock) -> list[int]:
    """A minimal set of rules that cannot all hold (empty when they can, or time ran out)."""
    return minimal_conflict(problem, problem.rules(), [], clock)


def party_conflict(problem: Problem, clock: Clock) -> list[int]:
    """A minimal set of party conditions that cannot all hold together with the rules, then
    the rules they collide with (a minimal set of those, given the party conditions).

    Together they are unsatisfiable and dropping any one makes the rest satisfiable: a
    party condition, because the rest hold even under every rule; a rule, by the second
    shrinking.
    """
    parties = minimal_conflict(problem, problem.party_conditions(), problem.rules(), clock)
    if not parties:
        return []
    return parties + minimal_conflict(problem, problem.rules(), parties, clock)


def minimal_conflict(problem: Problem, candidates: list[int], hard: list[int], clock: Clock) -> list[int]:
    """Deletion-based shrinking of the solver's core under assumptions.

    A member is dropped only when the rest is shown INFEASIBLE, and kept only when the rest
    is shown feasible (or a time limit cut the re-solve short), so without a time limit the
    set is minimal.  The cores the solver offers only speed the shrinking up; the final set
    is checked once more, and shrunk again without their help if the check fails.
    """
    encoding = Encoding(problem)
    for j in hard:
        encoding.require(encoding.condition(j))
    literals: dict[int, Lit] = {}
    for j in candidates:
        literal = encoding.condition(j)
        if literal is False:
            return [j]  # can never hold, whatever the order
        if literal is not True:
            literals[j] = literal
    if not literals:
        return []
    if hard and _assuming(encoding, [], literals, clock)[0] == "INFEASIBLE":
        return []  # the hard conditions collide on their own: no candidate is needed
    status, core = _assuming(encoding, list(literals), literals, clock)
    if status != "INFEASIBLE":
        return []
    members = _shrink(encoding, [j for j in literals if j in core] or list(literals), literals, clock, True)
    if _assuming(encoding, members, literals, clock)[0] != "INFEASIBLE":
        members = _shrink(encoding, list(literals), literals, clock, False)
    return members


def _shrink(
    encoding: Encoding, members: list[int], literals: dict[int, Lit], clock: Clock, use_cores: bool
) -> list[int]:
    index = 0
    while index < len(members):
        trial = members[:index] + members[index + 1 :]
        status, smaller = _assuming(encoding, trial, literals, clock)
        if status == "INFEASIBLE":
            members = [j for j in trial if j in smaller] if use_cores and smaller else trial
        else:
            index += 1
    return members


def _assuming(encoding: Encoding, members: list[int], literals: dict[int, Lit], clock: Clock) -> tuple[str, set[int]]:
    """Solve with ``members`` assumed to hold; on INFEASIBLE also the core found (as members)."""
    model: Any = encoding.model
    model.clear_assumptions()
    model.add_assumptions([literals[j] for j in members])
    status, solver = solve(model, clock, "conflicts")
    if status != "INFEASIBLE":
        return status, set()
    by_index = {literals[j].index: j for j in members}
    core = {by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index}
    return status, core
