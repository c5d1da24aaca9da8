"""``compose`` against brute force (``tests/domain/compose_brute.py``): on random tiny scenarios
every package the request allows is judged by the ordinary evaluator, and the solver must agree
with it -- on the optimum of each objective and of each next-best option, on what each proposed
package is, on the conflicts it names, and on the Pareto frontier.

``NEGOTIATOR_THOROUGH=1`` runs ten times as many scenarios.
"""

from __future__ import annotations

import os
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiator.domain.composing import Request, compose
from negotiator.domain.evaluate import Checker
from negotiator.domain.metrics import package_metrics
from negotiator.domain.sequencing import sequence
from tests.domain.compose_brute import dominated, reference, scenario
from tests.domain.test_sequencing import random_scenario

SCALE = 10 if os.environ.get("NEGOTIATOR_THOROUGH") else 1
SEEDS = st.integers(min_value=0, max_value=10**9)


def examples(count: int):
    return settings(max_examples=count * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@examples(100)
@given(SEEDS)
def test_each_option_has_the_brute_force_optimum_of_what_remains(seed):
    """Option 1 has the best objective values of every allowed package; option k the best of the
    packages whose move sets differ from options 1..k-1."""
    sc = scenario(seed)
    objective = sc.request.objective
    candidates, _ = reference(sc)
    valid = [c for c in candidates if c.valid]
    result = compose(sc.catalogue, replace(sc.request, alternatives=2), time_limit=None)
    if not valid:
        assert result.status == "infeasible" and result.options == () and result.rules_conflict
        return
    assert result.status == "optimal"
    seen: list[frozenset[str]] = []
    for option in result.options:
        remaining = [c.key(objective) for c in valid if c.moves not in seen]
        assert option.key(objective) == min(remaining)
        seen.append(option.move_set)
    distinct = len({c.moves for c in valid})
    assert len(result.options) == min(3, distinct)


@examples(100)
@given(SEEDS)
def test_every_proposed_package_is_what_the_evaluator_says_it_is(seed):
    sc = scenario(seed)
    request = replace(sc.request, alternatives=1)
    result = compose(sc.catalogue, request, time_limit=None)
    checker = Checker(sc.catalogue)
    for option in result.options:
        package = option.package("proposed")
        check = checker.check(package)
        metrics = package_metrics(sc.catalogue, package)
        assert check.valid
        assert all(m in option.move_set for m in request.required)
        assert not option.move_set & set(request.forbidden)
        assert option.move_set <= set(result.pool)
        assert len(option.steps) == request.steps and all(option.steps)
        assert option.satisfied == tuple(p.party for p in check.parties if p.party in result.parties and p.satisfied)
        assert option.gains == {p: metrics.parties[p].gain for p in result.parties}
        exposures = [metrics.parties[p].exposure for p in result.parties]
        assert (option.max_exposure, option.total_exposure) == (max(exposures), sum(exposures))
        if request.objective == "nash":
            assert option.nash_product is not None and option.nash_product >= 1
        for step in option.steps:
            for placed in step:
                assert placed.qty is None or float(placed.qty).is_integer()


@examples(100)
@given(SEEDS)
def test_named_conflicts_cannot_all_hold_and_each_is_needed(seed):
    """The conditions named when not every considered party can be satisfied (or when no
    package obeys the hard conditions) hold together in no allowed package, and without any
    one of them the rest hold in some package."""
    sc = scenario(seed)
    candidates, parties = reference(sc)
    result = compose(sc.catalogue, sc.request, time_limit=None)
    if result.options and len(result.options[0].satisfied) == len(parties):
        assert result.conflicts == ()
        return
    assert result.conflicts, "a considered party is left unsatisfied, or nothing is valid, but no conflict is named"
    wanted = {(c.party, c.text) for c in result.conflicts}
    assert len(wanted) == len(result.conflicts)
    assert not any(wanted <= c.holding for c in candidates)
    for member in wanted:
        assert any(wanted - {member} <= c.holding for c in candidates), f"{member} is not needed"


@examples(60)
@given(SEEDS)
def test_the_pareto_frontier_is_the_brute_force_frontier(seed):
    """Every point is a gain vector no allowed package satisfying every considered party
    dominates, every such vector is a point, and each point's package has the least exposure,
    then the fewest moves, of the packages with those gains."""
    sc = scenario(seed)
    request = replace(sc.request, pareto=True, limit=50)
    candidates, parties = reference(replace(sc, request=request))
    eligible = [c for c in candidates if c.valid and len(c.satisfied) == len(parties)]
    result = compose(sc.catalogue, request, time_limit=None)
    frontier = {tuple(sorted(c.gains.items())) for c in eligible
                if not any(dominated(c.gains, other.gains) for other in eligible)}
    found = [tuple(sorted(o.gains.items())) for o in result.options]
    assert len(found) == len(set(found))
    assert set(found) == frontier
    if not eligible:
        assert result.status == "infeasible" and result.conflicts
        return
    assert result.frontier_complete is True and result.status == "optimal"
    for option in result.options:
        same = [c for c in eligible if c.gains == option.gains]
        best = min((c.max_exposure, c.total_exposure, len(c.moves)) for c in same)
        assert (option.max_exposure, option.total_exposure, option.moves) == best


@examples(40)
@given(SEEDS)
def test_with_every_move_required_compose_orders_them_as_well_as_sequence_does(seed):
    """The sequence special case: with a package's moves as the pool, all of them required and
    every party considered, the gains are fixed, so compose's priorities are the sequencer's
    but for the last (fewest moves instead of fewest moved): both find the same number of
    parties satisfied, the same largest and total exposure."""
    catalogue, package, asked = random_scenario(seed)
    moves = tuple(p.move for _, p in package.placements())
    ordered = sequence(catalogue, package, steps=asked)
    request = Request(pool=moves, required=moves, steps=asked or len(package.steps),
                      parties=tuple(p.code for p in catalogue.parties), origin=package)
    composed = compose(catalogue, request, time_limit=None)
    if ordered.best is None:
        assert composed.status == "infeasible" and composed.options == ()
        return
    best, reference_best = composed.best, ordered.best
    assert best.move_set == frozenset(moves)
    assert (len(best.satisfied), best.max_exposure, best.total_exposure) == (
        len(reference_best.satisfied), reference_best.max_exposure, reference_best.total_exposure)
