"""Composing packages: the tool proposes a package every party can accept, or proves that none
exists and names the demands that collide.

``sequence`` orders moves a person chose; :func:`compose` chooses them.  From a pool of
candidate moves it builds a package of exactly N non-empty steps, with every required move and
no forbidden one, that obeys every rule and, in order of priority, satisfies as many of the
considered parties as possible, does best on the objective over their gains (``maxmin``,
``total`` or ``nash``), then has the least exposure and the fewest moves.  Constrained
quantities are whole numbers aimed at the middle of what every party accepts.
``alternatives`` adds the next-best packages with other move sets; ``pareto`` lists the Pareto
frontier of the gains instead.

It is the sequencer's model with presence as a variable -- the same encoding, atoms, metrics
and conflict search (``negotiator.domain.sequencing``) -- so there is one encoder of the
condition language.  The package is split along its seams:

* ``request``: what is asked (:class:`Request`, :func:`pool_of`), checked and built into a
  solver problem (:func:`prepare`);
* ``objectives``: the priorities as solver stages, and the optimality gap;
* ``search``: the best package, its quantities, and the names of conflicting conditions;
* ``pareto``: the frontier;
* ``result``: the values returned (:class:`ComposeResult`, :class:`Composed`, :class:`Named`);
* ``report``: what the command shows, writes as JSON and saves.

The conditions and values judged are the caller's (by default those of the whole catalogue),
and so is "which conditions decide party P" (``deciding``), so that judging in an era, or
robustly across eras, needs nothing from this package.  ortools is imported inside the solves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from negotiator.domain.composing.objectives import Gap
from negotiator.domain.composing.request import (
    OBJECTIVES,
    PARETO_PARTIES,
    REQUIRED,
    Prepared,
    Request,
    pool_of,
    prepare,
    stakeholders,
)
from negotiator.domain.composing.result import Composed, ComposeResult, Named, Placed
from negotiator.domain.errors import InvalidValue
from negotiator.domain.model import Catalogue
from negotiator.domain.sequencing.problem import (
    Clock,
    OutOfTime,
    ProgressCallback,
    format_seconds,
)

if TYPE_CHECKING:
    from negotiator.domain.evaluate import Judged

__all__ = [
    "OBJECTIVES",
    "PARETO_PARTIES",
    "REQUIRED",
    "ComposeResult",
    "Composed",
    "Gap",
    "Named",
    "Placed",
    "Request",
    "compose",
    "pool_of",
    "stakeholders",
]

DEFAULT_TIME_LIMIT = 30.0


def compose(
    catalogue: Catalogue,
    request: Request,
    judged: Sequence[Judged] | None = None,
    values: Mapping[str, Mapping[str, int]] | None = None,
    deciding: Mapping[str, Sequence[int]] | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    progress: ProgressCallback | None = None,
    measures: Mapping[int, str] | None = None,
) -> ComposeResult:
    """The best package(s) for ``request`` (see the package's doc), or the Pareto frontier.

    ``judged`` (the conditions in force, bounds included), ``values`` (each move's value to each
    party) and ``deciding`` (party -> indices into ``judged`` of the conditions deciding it)
    default to the whole catalogue's (a catalogue in force); ``measures`` says whose values the
    balance of a judged condition measures when it is not its party's (a party in another era:
    ``negotiator.domain.judging.era_conditions``).
    """
    from ortools.sat.python import cp_model  # noqa: F401  (loaded before the clock starts)

    from negotiator.domain.evaluate import effective_conditions
    from negotiator.domain.metrics import move_values

    if time_limit is not None and time_limit <= 0:
        raise InvalidValue(f"--time-limit must be a positive number of seconds, not {time_limit}")
    prepared = prepare(
        catalogue,
        request,
        effective_conditions(catalogue) if judged is None else judged,
        move_values(catalogue) if values is None else values,
        deciding,
        measures,
    )
    clock = Clock(time_limit, progress)
    if request.pareto:
        return _frontier(prepared, clock, time_limit)
    return _best(prepared, clock, time_limit)


def _result(
    prepared: Prepared, status: str, options: Sequence[Composed], time_limit: float | None, **rest
) -> ComposeResult:
    request = prepared.request
    return ComposeResult(
        status=status,
        objective=request.objective,
        parties=prepared.parties,
        pool=prepared.pool,
        steps=request.steps,
        options=tuple(options),
        pareto=request.pareto,
        time_limit=time_limit,
        origin=request.origin.name if request.origin is not None else None,
        **rest,
    )


def _infeasible(prepared: Prepared, clock: Clock, time_limit: float | None, **rest) -> ComposeResult:
    """No package obeys the hard conditions: name a minimal set of them."""
    from negotiator.domain.composing.search import named

    conflicts = named(prepared, prepared.problem.rules_conflict(clock))
    return _result(
        prepared, "infeasible", (), time_limit, conflicts=conflicts, rules_conflict=True, unnamed=not conflicts, **rest
    )


def _out_of_time(time_limit: float | None, what: str) -> OutOfTime:
    return OutOfTime(
        f"no package {what} was found within the time limit of {format_seconds(time_limit)}; "
        "give it a longer --time-limit"
    )


def _best(prepared: Prepared, clock: Clock, time_limit: float | None) -> ComposeResult:
    from negotiator.domain.composing.search import best, named

    options: list[Composed] = []
    gap: Gap | None = None
    exact = True
    for rank in range(1, prepared.request.alternatives + 2):
        if options and clock.expired():
            break
        status, found, found_gap, exact_here = best(prepared, clock, [o.move_set for o in options])
        if found is None:
            if options:
                break  # fewer distinct move sets than asked for, or time ran out
            if status == "INFEASIBLE":
                return _infeasible(prepared, clock, time_limit)
            raise _out_of_time(time_limit, "obeying every rule")
        if rank == 1:
            gap, exact = found_gap, exact_here
        options.append(replace(found, rank=rank))
    conflicts: tuple[Named, ...] = ()
    unsatisfied = len(options[0].satisfied) < len(prepared.parties)
    if unsatisfied:
        conflicts = named(prepared, prepared.problem.party_conflict(clock))
    return _result(
        prepared,
        "optimal" if options[0].proven else "feasible",
        options,
        time_limit,
        conflicts=conflicts,
        unnamed=unsatisfied and not conflicts,
        gap=gap,
        nash_exact=exact,
    )


def _frontier(prepared: Prepared, clock: Clock, time_limit: float | None) -> ComposeResult:
    from negotiator.domain.composing.pareto import frontier
    from negotiator.domain.composing.search import named

    points, complete = frontier(prepared, clock)
    if points:
        return _result(prepared, "optimal" if complete else "feasible", points, time_limit, frontier_complete=complete)
    if not complete:
        raise _out_of_time(time_limit, "satisfying every considered party")
    rules = prepared.problem.rules_conflict(clock)
    if rules:
        return _result(
            prepared,
            "infeasible",
            (),
            time_limit,
            conflicts=named(prepared, rules),
            rules_conflict=True,
            frontier_complete=True,
        )
    conflicts = named(prepared, prepared.problem.party_conflict(clock))
    return _result(
        prepared, "infeasible", (), time_limit, conflicts=conflicts, unnamed=not conflicts, frontier_complete=True
    )
