"""What ``compose`` is asked, checked, and turned into one solver problem.

A :class:`Request` names the pool of candidate moves and everything else the analyst chose
(required and forbidden moves, the step count, the considered parties, the objective...).
:func:`pool_of` builds the pool from issues, moves and a package; :func:`prepare` refuses what
cannot be composed -- each mistake one :class:`~negotiator.domain.errors.NegotiatorError` -- and
builds the :class:`~negotiator.domain.sequencing.problem.Problem` the shared encoding solves:

* every pool move is *optional* (its presence a variable);
* a pool move with a unit whose quantity some condition or bound compares gets a *free*
  quantity (a whole number the solver picks), aimed at the middle of the zone every party
  accepts (``negotiator.domain.zopa.aim``); the others keep their ``--from`` quantity or none;
* the *hard* conditions are the rules, ``includes M`` for each required move (party
  ``(required)``), and, for the Nash objective, ``balance >= 1`` for each considered party;
* each considered party is decided by the conditions the caller says decide it (by default
  its non-soft conditions and bounds; judged across eras, those of each era).

The conditions and values come from the caller (``effective_conditions`` and ``move_values`` of
the catalogue in force), so that eras decide what is judged without this module knowing them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from negotiator.domain.conditions import Includes, Metric, references
from negotiator.domain.errors import InvalidValue, UnknownCode
from negotiator.domain.model import Catalogue, Condition, Package
from negotiator.domain.sequencing.problem import FreeQuantity, Problem
from negotiator.domain.zopa import aim, zone_of

if TYPE_CHECKING:
    from negotiator.domain.evaluate import Judged

OBJECTIVES = ("maxmin", "total", "nash")
REQUIRED = "(required)"
PARETO_PARTIES = 4
# Quantities are finite with |q| <= 10^12 (the data rules); a proposed one stays inside.
QUANTITY_LIMIT = 10**12


@dataclass(frozen=True)
class Request:
    """What the analyst asked ``compose`` for; ``parties`` None means every party with a stake
    in the pool, ``origin`` is the ``--from`` package (its quantities and step labels are kept)."""

    pool: tuple[str, ...]
    required: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    steps: int = 3
    parties: tuple[str, ...] | None = None
    objective: str = "maxmin"
    alternatives: int = 0
    pareto: bool = False
    limit: int = 10
    origin: Package | None = None


@dataclass(frozen=True)
class Prepared:
    """A checked request and the problem it becomes; ``extra`` are the hard conditions compose
    added (required moves, the Nash floor), judged after the caller's ones."""

    request: Request
    problem: Problem
    parties: tuple[str, ...]
    pool: tuple[str, ...]
    extra: tuple[Judged, ...] = field(default=())


def pool_of(
    catalogue: Catalogue,
    issues: Sequence[str] = (),
    moves: Sequence[str] = (),
    origin: Package | None = None,
) -> tuple[str, ...]:
    """The candidate moves, in catalogue order: those of the ``issues``, the ``moves`` and the
    ``origin`` package together; every move when none of them is given."""
    known_issues = {i.code for i in catalogue.issues} | {m.issue for m in catalogue.moves if m.issue}
    for issue in issues:
        if issue not in known_issues:
            raise UnknownCode("issue", issue, sorted(known_issues))
    for move in moves:
        catalogue.move(move)
    if not issues and not moves and origin is None:
        return tuple(m.code for m in catalogue.moves)
    wanted = set(moves) | ({p.move for _, p in origin.placements()} if origin is not None else set())
    chosen = set(issues)
    return tuple(m.code for m in catalogue.moves if m.code in wanted or m.issue in chosen)


def stakeholders(
    catalogue: Catalogue, pool: Sequence[str], judged: Sequence[Judged], values: Mapping[str, Mapping[str, int]]
) -> tuple[str, ...]:
    """Every party with a stake in the pool, in catalogue order: it acts in, values, or has a
    condition of its own on a pool move."""
    moves = set(pool)
    involved = {catalogue.move(m).actor for m in pool}
    involved |= {party for m in pool for party, value in values.get(m, {}).items() if value != 0}
    involved |= {
        j.condition.party for j in judged
        if j.condition.party is not None and references(j.node).moves & moves
    }
    return tuple(p.code for p in catalogue.parties if p.code in involved)


def _checked_codes(catalogue: Catalogue, moves: Sequence[str]) -> tuple[str, ...]:
    for move in moves:
        catalogue.move(move)
    return tuple(dict.fromkeys(moves))


def _considered(catalogue: Catalogue, request: Request, pool: tuple[str, ...], judged, values) -> tuple[str, ...]:
    if request.parties is None:
        return stakeholders(catalogue, pool, judged, values)
    for party in request.parties:
        catalogue.party(party)
    chosen = set(request.parties)
    return tuple(p.code for p in catalogue.parties if p.code in chosen)


def _check_shape(request: Request, pool: tuple[str, ...]) -> None:
    if request.objective not in OBJECTIVES:
        raise InvalidValue(f"unknown objective '{request.objective}': choose {', '.join(OBJECTIVES)}")
    if request.alternatives < 0:
        raise InvalidValue(f"--alternatives must be at least 0, not {request.alternatives}")
    if request.limit < 1:
        raise InvalidValue(f"--limit must be at least 1, not {request.limit}")
    if request.steps < 1:
        raise InvalidValue(f"--steps must be at least 1, not {request.steps}")
    if request.steps > len(pool):
        moves = f"{len(pool)} move{'s' if len(pool) != 1 else ''}"
        raise InvalidValue(
            f"cannot spread a pool of {moves} over {request.steps} non-empty steps: "
            f"--steps must be between 1 and {len(pool)}"
        )


def _check_parties(request: Request, parties: tuple[str, ...], pool: tuple[str, ...], values) -> None:
    if not parties:
        raise InvalidValue("no party is considered: name some with --parties")
    if request.pareto and len(parties) > PARETO_PARTIES:
        raise InvalidValue(
            f"--pareto compares the gains of at most {PARETO_PARTIES} parties, not {len(parties)} "
            f"({', '.join(parties)}): choose them with --parties"
        )
    if request.objective == "nash" and not request.pareto:
        for party in parties:
            if not any(values.get(m, {}).get(party, 0) > 0 for m in pool):
                raise InvalidValue(
                    f"--objective nash needs every considered party to be able to gain, but no move of "
                    f"the pool is worth anything to {party}: leave it out with --parties, or choose "
                    "another objective"
                )


def _free_quantities(
    catalogue: Catalogue, pool: tuple[str, ...], judged: Sequence[Judged], origin: Package | None
) -> dict[str, FreeQuantity]:
    """The pool moves with a unit whose quantity some condition compares, with their aim."""
    compared: set[str] = set()
    for j in judged:
        compared |= references(j.node).quantities
    drafted = origin.quantities() if origin is not None else {}
    free = {}
    for move in pool:
        if move in compared and catalogue.move(move).unit:
            target = aim(zone_of(catalogue, move, judged), drafted.get(move))
            target = max(-QUANTITY_LIMIT, min(QUANTITY_LIMIT, target))
            free[move] = FreeQuantity(-QUANTITY_LIMIT, QUANTITY_LIMIT, target)
    return free


def prepare(
    catalogue: Catalogue,
    request: Request,
    judged: Sequence[Judged],
    values: Mapping[str, Mapping[str, int]],
    deciding: Mapping[str, Sequence[int]] | None = None,
    measures: Mapping[int, str] | None = None,
) -> Prepared:
    """Check ``request`` against the catalogue and build its problem (see the module's doc).

    ``judged`` are the conditions in force (bounds included) and ``values`` each move's value to
    each party; ``deciding`` maps a party to the indices (into ``judged``) of the conditions that
    decide whether it is satisfied, by default its non-soft ones; ``measures`` maps a condition's
    index to the key of ``values`` its balance measures, when not its party's.
    """
    from negotiator.domain.evaluate import Judged

    required = _checked_codes(catalogue, request.required)
    forbidden = set(_checked_codes(catalogue, request.forbidden))
    for move in request.pool:
        catalogue.move(move)
    both = [m for m in required if m in forbidden]
    if both:
        raise InvalidValue(f"move '{both[0]}' is both required and forbidden")
    wanted = set(request.pool) | set(required)
    pool = tuple(m.code for m in catalogue.moves if m.code in wanted and m.code not in forbidden)
    if not pool:
        raise InvalidValue("the pool of candidate moves is empty: name issues, moves or a package that have moves "
                           "left once the forbidden ones are taken out")
    _check_shape(request, pool)
    considered = _considered(catalogue, request, pool, judged, values)
    _check_parties(request, considered, pool, values)

    conditions = tuple(judged)
    if deciding is None:
        decides = {
            party: tuple(j for j, c in enumerate(conditions) if c.condition.party == party and not c.condition.soft)
            for party in considered
        }
    else:
        decides = {party: tuple(deciding.get(party, ())) for party in considered}
    extra = tuple(
        Judged(Condition(text=f"includes {m}", party=None), Includes(m), "required") for m in required
    )
    if request.objective == "nash" and not request.pareto:  # the frontier is over every package
        extra += tuple(Judged(Condition(text="balance >= 1", party=p), Metric("balance", ">=", 1.0), "nash")
                       for p in considered)
    everything = conditions + extra
    hard = tuple(j for j, c in enumerate(conditions) if c.condition.party is None)
    hard += tuple(range(len(conditions), len(everything)))

    origin = request.origin
    steps_of = origin.step_of() if origin is not None else {}
    drafted = origin.quantities() if origin is not None else {}
    free = _free_quantities(catalogue, pool, conditions, origin)
    problem = Problem(
        package=origin,
        moves=pool,
        original=tuple(min(steps_of.get(m, request.steps), request.steps) - 1 for m in pool),
        quantities={m: None if m in free else drafted.get(m) for m in pool},
        steps=request.steps,
        judged=everything,
        parties=considered,
        values={p: tuple(int(values.get(m, {}).get(p, 0)) for m in pool)
                for p in dict.fromkeys([*considered, *(measures or {}).values()])},
        optional=frozenset(pool),
        free=free,
        hard=hard,
        decides=decides,
        measures=measures,
    )
    return Prepared(request, problem, considered, pool, extra)


def origin_of(judged: Judged) -> str | None:
    """The party a condition is reported under: ``(required)`` for a required move, None for a
    rule."""
    if judged.origin == "required":
        return REQUIRED
    return judged.condition.party
