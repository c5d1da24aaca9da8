"""The sequencer (§5) against brute force and against the evaluator.

The reference here enumerates every assignment of a small package's moves to N non-empty steps
and scores each with the evaluator (``Checker``) and the metrics (``package_metrics``); the
solver must agree with it on feasibility, on the optimum's objective values and on the order of
the next-best options, and everything it claims about an option must be what the evaluator says.
"""

from __future__ import annotations

import itertools
import math
import random
import subprocess
import sys
from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiator.domain.conditions import (
    After,
    And,
    Before,
    ByStep,
    Excludes,
    Guarded,
    Includes,
    Metric,
    Not,
    Or,
    Quantity,
    With,
)
from negotiator.domain.errors import InvalidValue
from negotiator.domain.evaluate import Checker
from negotiator.domain.language import to_text
from negotiator.domain.metrics import package_metrics
from negotiator.domain.model import (
    Bound,
    Catalogue,
    Condition,
    Event,
    Move,
    Package,
    Party,
    Placement,
    Position,
    Step,
)
from negotiator.domain.sequence_report import (
    options_table,
    saved_package,
    sequence_document,
    sequence_tables,
    status_line,
)
from negotiator.domain.sequencing import Progress, SequenceResult, arrange, sequence

OPS = (">=", "<=", ">", "<", "=", "!=")


# --- the reference: every assignment, scored by the evaluator ---------------------------------


def assignments(package: Package, count: int):
    """Every way to put the package's moves into ``count`` non-empty steps, as a Package."""
    moves = [p.move for _, p in package.placements()]
    for steps in itertools.product(range(count), repeat=len(moves)):
        if len(set(steps)) != count:
            continue
        groups = [[] for _ in range(count)]
        for move, t in zip(moves, steps):
            groups[t].append(move)
        yield arrange(package, groups)


def score(catalogue: Catalogue, checker: Checker, original: Package, candidate: Package):
    """(valid, objective tuple, check) of one assignment, all from the evaluator."""
    check = checker.check(candidate)
    metrics = package_metrics(catalogue, candidate)
    exposures = [m.exposure for m in metrics.parties.values()]
    before = original.step_of()
    moved = sum(1 for move, t in candidate.step_of().items() if before[move] != t)
    objective = (-len(check.satisfied()), max(exposures, default=0), sum(exposures), moved)
    return check.valid, objective, check


def reference(catalogue: Catalogue, package: Package, count: int):
    checker = Checker(catalogue)
    scored = [score(catalogue, checker, package, c) + (c,) for c in assignments(package, count)]
    return checker, scored


def holds_all(check, wanted: list[tuple[str | None, str]]) -> bool:
    """Whether every (party, text) condition in ``wanted`` passed in ``check``."""
    passed: dict[tuple[str | None, str], bool] = {}
    for result in check.rules:
        passed[(None, result.text)] = passed.get((None, result.text), True) and result.passed
    for party in check.parties:
        for result in party.conditions:
            key = (party.party, result.text)
            passed[key] = passed.get(key, True) and result.passed
    return all(passed[key] for key in wanted)


# --- random small scenarios ---------------------------------------------------------------------


def orderly_node(rng: random.Random, moves: list[str], personal: bool):
    """An ordering atom between two distinct moves of the package, or a modest exposure limit:
    conditions that each hold in some ordering, so that conflicts come from their collisions."""
    placed = moves[:-1]
    a, b = rng.sample(placed, 2)
    kind = rng.choice(["before", "after", "with", "by"] + (["exposure"] if personal else []))
    return {
        "before": lambda: Before(a, b),
        "after": lambda: After(a, b),
        "with": lambda: With(a, b),
        "by": lambda: ByStep(a, rng.randint(1, 2)),
        "exposure": lambda: Metric("exposure", "<=", rng.randint(0, 3)),
    }[kind]()


def random_node(rng: random.Random, moves: list[str], personal: bool, depth: int = 0):
    """A random condition tree over ``moves`` (personal: may use balance and exposure)."""
    if depth < 2 and rng.random() < 0.35:
        kind = rng.choice(["not", "and", "or"])
        if kind == "not":
            return Not(random_node(rng, moves, personal, depth + 1))
        operands = tuple(random_node(rng, moves, personal, depth + 1) for _ in range(rng.randint(2, 3)))
        return And(operands) if kind == "and" else Or(operands)
    kinds = ["includes", "excludes", "quantity", "steps"]
    kinds += ["before", "after", "with", "by"] * 5  # ordering atoms are what the sequencer moves
    if personal:
        kinds += ["balance", "exposure", "exposure", "exposure"]
    kind = rng.choice(kinds)
    # Mostly moves of the package; now and then the one left out of it.
    placed = moves[:-1]
    a = rng.choice(moves if rng.random() < 0.1 else placed)
    others = [m for m in placed if m != a] or placed
    b = rng.choice(moves if rng.random() < 0.1 else others)
    value = rng.choice([0, 1, 2, 3, 1.5, -1, 100, 150, 300])
    return {
        "includes": lambda: Includes(a),
        "excludes": lambda: Excludes(a),
        "before": lambda: Before(a, b),
        "after": lambda: After(a, b),
        "with": lambda: With(a, b),
        "by": lambda: ByStep(a, rng.randint(0, 3)),
        "quantity": lambda: Quantity(a, rng.choice(OPS), value),
        "steps": lambda: Metric("steps", rng.choice(OPS), rng.randint(1, 3)),
        "balance": lambda: Metric("balance", rng.choice(OPS), value),
        "exposure": lambda: Metric("exposure", rng.choice(OPS), value),
    }[kind]()


def random_condition(rng: random.Random, moves: list[str], party: str | None, orderly: bool = False):
    if orderly:
        return Condition(text=to_text(orderly_node(rng, moves, party is not None)), party=party)
    node = random_node(rng, moves, personal=party is not None)
    if rng.random() < 0.2:
        node = Guarded(node, rng.choice(["if", "unless"]), random_node(rng, moves, party is not None, 1))
    return Condition(text=to_text(node), party=party, soft=party is not None and rng.random() < 0.15)


def random_scenario(seed: int):
    """A catalogue and a package of 2..7 moves in 1..3 steps, and a step count to ask for.

    Odd seeds give only orderly conditions (see ``orderly_node``), even seeds any condition.
    """
    rng = random.Random(seed)
    orderly = seed % 2 == 1
    parties = ["A", "B", "C", "D"][: rng.randint(2, 4)]
    count = rng.randint(2, 7)
    codes = [f"m{i}" for i in range(count + 1)]  # the last one stays out of the package
    moves = tuple(Move(code, rng.choice(parties), code, cost=rng.randint(0, 3)) for code in codes)
    positions = []
    for move in moves:
        for party in parties:
            if party != move.actor and rng.random() < 0.45:
                stance = rng.choice(["demand", "demand", "oppose"])
                bound = None
                if stance == "demand" and not orderly and rng.random() < 0.15:
                    bound = Bound(rng.choice(OPS), rng.choice([100, 150, 300]))
                positions.append(Position(party, move.code, stance, rng.randint(1, 3), bound))
    conditions = [random_condition(rng, codes, rng.choice(parties), orderly) for _ in range(rng.randint(2, 8))]
    conditions += [random_condition(rng, codes, None, orderly) for _ in range(rng.choice([0, 0, 0, 1, 2]))]
    catalogue = Catalogue(
        parties=tuple(Party(p, p) for p in parties),
        moves=moves,
        positions=tuple(positions),
        conditions=tuple(conditions),
    )
    original_steps = rng.choice([1, 2, 2, 3, 3, 3]) if count >= 3 else rng.randint(1, count)
    groups = [[] for _ in range(original_steps)]
    for i, code in enumerate(codes[:count]):
        groups[i if i < original_steps else rng.randrange(original_steps)].append(code)

    def quantity() -> float | None:
        return rng.choice([None, None, 120, 300])

    package = Package(
        "draft",
        steps=tuple(Step(f"step {t + 1}", placements=tuple(Placement(m, quantity()) for m in g)) for t, g in enumerate(groups)),
    )
    asked = rng.choice([None, rng.randint(1, min(3, count)), min(3, count)])
    if orderly and (asked or original_steps) == 1:
        asked = min(3, count)
    return catalogue, package, asked


SCENARIOS = st.integers(min_value=0, max_value=10**9)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- differential properties ----------------------------------------------------------------------


@PROPERTY
@given(SCENARIOS)
def test_solver_agrees_with_brute_force_on_feasibility_and_optimum(seed):
    catalogue, package, asked = random_scenario(seed)
    count = asked or len(package.steps)
    _, scored = reference(catalogue, package, count)
    valid = sorted(objective for ok, objective, _, _ in scored if ok)
    result = sequence(catalogue, package, steps=asked, alternatives=2)
    if not valid:
        assert result.status == "infeasible"
        assert result.options == ()
        assert result.rules_conflict
    else:
        assert result.status == "optimal"
        assert [o.objective for o in result.options] == valid[: len(result.options)]
        assert len(result.options) == min(3, len(valid))


@PROPERTY
@given(SCENARIOS)
def test_every_option_is_what_the_evaluator_says_it_is(seed):
    catalogue, package, asked = random_scenario(seed)
    result = sequence(catalogue, package, steps=asked, alternatives=2)
    checker = Checker(catalogue)
    seen = set()
    for rank, option in enumerate(result.options, 1):
        candidate = arrange(package, option.steps)
        valid, objective, check = score(catalogue, checker, package, candidate)
        assert option.rank == rank
        assert valid
        assert option.satisfied == tuple(check.satisfied())
        assert option.objective == objective
        assert len(option.steps) == (asked or len(package.steps))
        assert all(option.steps)
        assert sorted(m for step in option.steps for m in step) == sorted(package.step_of())
        assert candidate.quantities() == package.quantities()
        assert option.steps not in seen
        seen.add(option.steps)


@PROPERTY
@given(SCENARIOS)
def test_conflicts_are_unsatisfiable_together_and_minimal(seed):
    """The named conditions (party ones, then the rules they collide with) cannot all hold in any
    ordering, and without any one of them the rest can."""
    catalogue, package, asked = random_scenario(seed)
    count = asked or len(package.steps)
    _, scored = reference(catalogue, package, count)
    result = sequence(catalogue, package, steps=asked)
    everyone = result.options and len(result.options[0].satisfied) == len(catalogue.parties)
    if everyone:
        assert result.conflicts == ()
        return
    assert result.conflicts, "a party is left unsatisfied but no conflict is named"
    wanted = [(c.party, c.text) for c in result.conflicts]
    hard = []
    if result.rules_conflict:
        assert all(party is None for party, _ in wanted)
    else:
        assert any(party is not None for party, _ in wanted)
        parties_first = sorted(wanted, key=lambda c: c[0] is None)
        assert wanted == parties_first
    checks = [check for _, _, check, _ in scored]
    assert not any(holds_all(check, hard + wanted) for check in checks)
    for i in range(len(wanted)):
        rest = wanted[:i] + wanted[i + 1:]
        assert any(holds_all(check, hard + rest) for check in checks), f"{wanted[i]} is not needed"


# --- presence: the one place every atom asks ---------------------------------------------------------


def judged_outcomes(check) -> dict[str | None, list[bool]]:
    """The evaluator's outcome of each condition, by party (None: the rules), in judged order."""
    outcomes: dict[str | None, list[bool]] = {None: [r.passed for r in check.rules]}
    for party in check.parties:
        outcomes[party.party] = [r.passed for r in party.conditions]
    return outcomes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCENARIOS, st.randoms(use_true_random=False))
def test_every_condition_literal_is_what_the_evaluator_says_when_moves_may_be_left_out(seed, rng):
    """With some placements optional (presence a variable, as composing a package needs), every
    solution of the bare encoding -- each choice of present moves and of steps for them, every
    step holding a present move -- gives each condition the value the evaluator gives the
    package of the present moves, and there is exactly one solution per such package."""
    from ortools.sat.python import cp_model

    from negotiator.domain.evaluate import effective_conditions
    from negotiator.domain.metrics import move_values
    from negotiator.domain.sequencing import Problem
    from negotiator.domain.sequencing.encoding import Encoding
    from negotiator.domain.sequencing.literals import holds_in

    catalogue, package, asked = random_scenario(seed)
    moves = [p.move for _, p in package.placements()]
    count = asked or len(package.steps)
    if len(moves) > 5:  # every assignment is enumerated: keep it to at most 3^5 x 4
        moves = moves[:5]
        package = arrange(package, [moves] + [[] for _ in range(count - 1)])
        package = replace(package, steps=tuple(step for step in package.steps if step.placements))
    optional = rng.sample(moves, rng.randint(1, min(2, len(moves))))
    problem = Problem.of(catalogue, package, count, effective_conditions(catalogue), move_values(catalogue))
    encoding = Encoding(problem, optional=optional)
    literals = [encoding.condition(j) for j in range(len(problem.judged))]
    checker = Checker(catalogue)

    class Compare(cp_model.CpSolverSolutionCallback):
        def __init__(self):
            super().__init__()
            self.seen = 0

        def on_solution_callback(self) -> None:
            self.seen += 1
            steps = [
                next(t for t, literal in enumerate(row) if holds_in(self, literal)) for row in encoding.y
            ]
            groups = [[] for _ in range(count)]
            for i, move in enumerate(problem.moves):
                if holds_in(self, encoding.presence[i]):
                    groups[steps[i]].append(move)
            expected = judged_outcomes(checker.check(arrange(package, groups)))
            got: dict[str | None, list[bool]] = {None: []}
            for judged, literal in zip(problem.judged, literals):
                got.setdefault(judged.condition.party, []).append(holds_in(self, literal))
            for party, outcomes in got.items():
                assert outcomes == expected[party], (party, groups)

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    compare = Compare()
    assert solver.status_name(solver.solve(encoding.model, compare)) == "OPTIMAL"
    # Every choice of present moves, times every assignment of the present ones to non-empty
    # steps: an absent move waits in the last step, so it adds no solutions of its own.
    def surjections(placed: int) -> int:
        return sum((-1) ** k * math.comb(count, k) * (count - k) ** placed for k in range(count + 1))

    expected = sum(
        math.comb(len(optional), absent) * surjections(len(moves) - absent) for absent in range(len(optional) + 1)
    )
    assert compare.seen == expected


# --- behaviours on hand-written cases ----------------------------------------------------------------


def freeze_for_freeze(*conditions: Condition) -> tuple[Catalogue, Package]:
    """Two parties trading a freeze for aid, drafted with the freeze last."""
    catalogue = Catalogue(
        parties=(Party("DPRK", "North"), Party("USA", "United States")),
        moves=(
            Move("dprk.freeze", "DPRK", "Freeze", cost=3),
            Move("dprk.inspect", "DPRK", "Inspections", cost=2),
            Move("usa.aid", "USA", "Aid", cost=2),
            Move("usa.delist", "USA", "Delist", cost=1),
        ),
        positions=(
            Position("USA", "dprk.freeze", "demand", 4),
            Position("USA", "dprk.inspect", "demand", 2),
            Position("DPRK", "usa.aid", "demand", 3, Bound(">=", 100)),
            Position("DPRK", "usa.delist", "demand", 2),
        ),
        conditions=conditions,
    )
    package = Package(
        "aid-first",
        steps=(
            Step("one", placements=(Placement("usa.aid", 120), Placement("usa.delist"))),
            Step("two", placements=(Placement("dprk.inspect"),)),
            Step("three", placements=(Placement("dprk.freeze"),)),
        ),
    )
    return catalogue, package


def test_best_ordering_minimises_exposure_before_moving_placements():
    catalogue, package = freeze_for_freeze()
    result = sequence(catalogue, package)
    best = result.best
    assert result.status == "optimal" and best.proven
    # Aid with the freeze and delisting with the inspections leaves nobody out of pocket.
    assert best.max_exposure == 0
    assert set(best.steps[0]) | set(best.steps[1]) | set(best.steps[2]) == set(package.step_of())
    metrics = package_metrics(catalogue, arrange(package, best.steps))
    assert metrics.max_exposure == 0


def test_original_order_is_kept_when_nothing_is_better():
    catalogue, package = freeze_for_freeze()
    best = sequence(catalogue, arrange(package, [["usa.aid", "dprk.freeze"], ["usa.delist", "dprk.inspect"]])).best
    assert best.moved == 0
    assert best.steps == (("usa.aid", "dprk.freeze"), ("usa.delist", "dprk.inspect"))


def test_rules_always_hold_even_at_the_cost_of_exposure():
    catalogue, package = freeze_for_freeze(Condition("usa.aid by step 1"), Condition("dprk.freeze by step 1"),
                                           Condition("usa.delist before dprk.inspect"))
    best = sequence(catalogue, package).best
    step = arrange(package, best.steps).step_of()
    assert step["usa.aid"] == 1 and step["dprk.freeze"] == 1
    assert step["usa.delist"] < step["dprk.inspect"]


def test_parties_satisfied_come_before_exposure():
    catalogue, package = freeze_for_freeze(Condition("dprk.freeze after usa.delist", party="DPRK"))
    best = sequence(catalogue, package).best
    step = arrange(package, best.steps).step_of()
    assert "DPRK" in best.satisfied
    assert step["dprk.freeze"] > step["usa.delist"]


def test_colliding_conditions_are_named_by_party_and_text():
    catalogue, package = freeze_for_freeze(
        Condition("usa.aid before dprk.freeze", party="DPRK"),
        Condition("dprk.freeze by step 1", party="USA"),
        Condition("steps <= 5", party="USA"),
        Condition("usa.delist with usa.aid", party="DPRK", soft=True),
    )
    result = sequence(catalogue, package)
    assert not result.rules_conflict
    assert len(result.best.satisfied) == 1
    assert set(result.conflicts) == {("DPRK", "usa.aid before dprk.freeze", None), ("USA", "dprk.freeze by step 1", None)}


def test_rules_that_cannot_all_hold_are_named_and_nothing_is_proposed():
    catalogue, package = freeze_for_freeze(
        Condition("usa.aid before dprk.freeze"),
        Condition("dprk.freeze before usa.delist"),
        Condition("usa.delist before usa.aid"),
        Condition("dprk.inspect by step 3"),
    )
    result = sequence(catalogue, package)
    assert result.status == "infeasible" and result.rules_conflict and result.options == ()
    assert sorted(c.text for c in result.conflicts) == [
        "dprk.freeze before usa.delist",
        "usa.aid before dprk.freeze",
        "usa.delist before usa.aid",
    ]
    assert all(c.party is None for c in result.conflicts)


def test_a_condition_no_ordering_can_meet_is_a_conflict_on_its_own():
    catalogue, package = freeze_for_freeze(Condition("includes usa.lift-sanctions", party="DPRK"))
    result = sequence(catalogue, package)
    assert result.conflicts == (("DPRK", "includes usa.lift-sanctions", None),)


def test_position_bounds_take_part_as_conditions():
    catalogue, _ = freeze_for_freeze()
    short = Package("short", steps=(Step(placements=(Placement("usa.aid", 50), Placement("dprk.freeze"))),))
    result = sequence(catalogue, short)
    assert "DPRK" not in result.best.satisfied
    assert result.conflicts == (("DPRK", "usa.aid >= 100", None),)


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (0, "--steps must be at least 1, not 0"),
        (-2, "--steps must be at least 1, not -2"),
        (5, "cannot spread 4 moves of package 'aid-first' over 5 non-empty steps: --steps must be between 1 and 4"),
    ],
)
def test_step_counts_outside_one_to_the_number_of_moves_are_refused(steps, message):
    catalogue, package = freeze_for_freeze()
    with pytest.raises(InvalidValue) as error:
        sequence(catalogue, package, steps=steps)
    assert str(error.value) == message


def test_a_package_without_moves_cannot_be_sequenced():
    catalogue, _ = freeze_for_freeze()
    with pytest.raises(InvalidValue, match="has no moves to sequence"):
        sequence(catalogue, Package("empty", steps=(Step(),)))


@pytest.mark.parametrize("steps", [1, 2, 3, 4])
def test_exactly_the_asked_number_of_non_empty_steps(steps):
    catalogue, package = freeze_for_freeze()
    for option in sequence(catalogue, package, steps=steps, alternatives=3).options:
        assert len(option.steps) == steps and all(option.steps)


def test_alternatives_are_distinct_and_in_order_of_priority():
    catalogue, package = freeze_for_freeze()
    options = sequence(catalogue, package, alternatives=4).options
    assert len(options) == 5
    assert len({o.steps for o in options}) == 5
    assert [o.objective for o in options] == sorted(o.objective for o in options)
    assert [o.rank for o in options] == [1, 2, 3, 4, 5]


def test_fewer_alternatives_when_fewer_orderings_exist():
    catalogue, package = freeze_for_freeze()
    # Four moves in four steps, with three order constraints fixing everything.
    catalogue = Catalogue(catalogue.parties, (), catalogue.moves, catalogue.positions, (
        Condition("usa.aid before usa.delist"), Condition("usa.delist before dprk.inspect"),
        Condition("dprk.inspect before dprk.freeze"),
    ))
    result = sequence(catalogue, package, steps=4, alternatives=3)
    assert [o.steps for o in result.options] == [(("usa.aid",), ("usa.delist",), ("dprk.inspect",), ("dprk.freeze",))]


def test_same_input_gives_the_same_answer():
    catalogue, package, asked = random_scenario(7)
    first = sequence(catalogue, package, steps=asked, alternatives=3)
    assert sequence(catalogue, package, steps=asked, alternatives=3) == first


def test_progress_is_reported_through_the_callback():
    catalogue, package = freeze_for_freeze(Condition("dprk.freeze after usa.delist", party="DPRK"))
    seen: list[Progress] = []
    best = sequence(catalogue, package, progress=seen.append).best
    assert {p.stage for p in seen} == {"parties satisfied", "exposure and moved"}
    assert [p.elapsed for p in seen] == sorted(p.elapsed for p in seen)
    last = [p for p in seen if p.stage == "exposure and moved"][-1]
    assert last.best == {"max exposure": best.max_exposure, "total exposure": best.total_exposure, "moved": best.moved}
    assert last.bound["max exposure"] <= best.max_exposure


@pytest.mark.parametrize(("alternatives", "time_limit"), [(-1, None), (0, 0), (0, -3.5)])
def test_bad_alternatives_and_time_limits_are_refused(alternatives, time_limit):
    catalogue, package = freeze_for_freeze()
    with pytest.raises(InvalidValue):
        sequence(catalogue, package, alternatives=alternatives, time_limit=time_limit)


def test_arrange_keeps_quantities_labels_and_names_the_origin():
    _, package = freeze_for_freeze()
    new = arrange(package, [["dprk.freeze", "usa.aid"], ["usa.delist"], ["dprk.inspect"]], name="better")
    assert new.name == "better" and new.based_on == "aid-first"
    assert [s.label for s in new.steps] == ["one", "two", "three"]
    assert new.quantities() == package.quantities()
    assert new.step_of() == {"dprk.freeze": 1, "usa.aid": 1, "usa.delist": 2, "dprk.inspect": 3}


def test_party_conflicts_name_the_rules_they_collide_with():
    catalogue, package = freeze_for_freeze(
        Condition("dprk.freeze after usa.delist", party="DPRK"),
        Condition("dprk.inspect after dprk.freeze"),
        Condition("usa.aid by step 2"),
    )
    result = sequence(catalogue, package, steps=2)
    assert not result.rules_conflict
    assert result.conflicts == (("DPRK", "dprk.freeze after usa.delist", None), (None, "dprk.inspect after dprk.freeze", None))


def test_a_time_limit_gives_an_answer_that_says_whether_it_is_proven():
    catalogue, package, asked = random_scenario(11)
    result = sequence(catalogue, package, steps=asked, time_limit=30)
    assert result.status in ("optimal", "infeasible")
    if result.options:
        assert result.options[0].proven


def _naming_runs_out_of_time(monkeypatch):
    """Every attempt to name a conflicting set comes back empty, as when the time limit is hit."""
    from negotiator.domain.sequencing import Problem

    monkeypatch.setattr(Problem, "rules_conflict", lambda self, clock: [])
    monkeypatch.setattr(Problem, "party_conflict", lambda self, clock: [])


COLLIDING_RULES = (Condition("usa.aid before dprk.freeze"), Condition("dprk.freeze before usa.aid"))


def test_rules_proven_to_collide_but_not_named_in_time_are_marked_unnamed(monkeypatch):
    catalogue, package = freeze_for_freeze(*COLLIDING_RULES)
    _naming_runs_out_of_time(monkeypatch)
    result = sequence(catalogue, package, time_limit=30)
    assert result.status == "infeasible" and result.conflicts == ()
    assert result.unnamed and result.time_limit == 30


def test_unsatisfied_party_without_named_conflicts_is_marked_unnamed(monkeypatch):
    catalogue, package = freeze_for_freeze(Condition("usa.aid before dprk.freeze", party="DPRK"),
                                           Condition("dprk.freeze by step 1", party="USA"))
    _naming_runs_out_of_time(monkeypatch)
    result = sequence(catalogue, package, time_limit=30)
    assert result.options and result.unnamed and result.conflicts == ()


@pytest.mark.parametrize(
    "conditions",
    [(), COLLIDING_RULES, (Condition("usa.aid before dprk.freeze", party="DPRK"),
                           Condition("dprk.freeze by step 1", party="USA"))],
    ids=["no conflict", "colliding rules", "colliding parties"],
)
def test_conflicts_found_in_time_are_not_marked_unnamed(conditions):
    catalogue, package = freeze_for_freeze(*conditions)
    result = sequence(catalogue, package, time_limit=30)
    assert not result.unnamed
    assert bool(result.conflicts) == bool(conditions)


# --- what ``sequence`` shows and saves (negotiator.domain.sequence_report) -----------------------


def test_status_line_says_when_colliding_rules_could_not_be_named():
    catalogue, package = freeze_for_freeze(*COLLIDING_RULES)
    result = SequenceResult("aid-first", "infeasible", (), (), True, unnamed=True, time_limit=0.01)
    line = "No ordering of aid-first obeys every rule; could not name the conflicting conditions within --time-limit 0.01"
    assert status_line(result) == line
    (table,) = sequence_tables(catalogue, package, result)
    assert table.title == line and table.rows == ()


def test_only_the_best_option_claims_to_be_proven():
    catalogue, package = freeze_for_freeze()
    result = sequence(catalogue, package, alternatives=2)
    assert all(o.proven for o in result.options)  # each is the proven best of what remained
    assert [row[-1] for row in options_table(catalogue, package, result).rows] == [True, "-", "-"]


def test_sequence_tables_are_the_options_the_steps_and_the_conflicts():
    catalogue, package = freeze_for_freeze(Condition("usa.aid before dprk.freeze", party="DPRK"),
                                           Condition("dprk.freeze by step 1", party="USA"))
    result = sequence(catalogue, package)
    options, steps, conflicts = sequence_tables(catalogue, package, result)
    assert options.title == "Best ordering of aid-first into 3 steps: proven optimal"
    assert options.rows[0][-2] == round(package_metrics(catalogue, arrange(package, result.best.steps)).reciprocity, 2)
    assert [row[:2] for row in steps.rows] == [(1, 1), (1, 2), (1, 3)]
    assert set(conflicts.rows) == {("DPRK", None, "usa.aid before dprk.freeze"), ("USA", None, "dprk.freeze by step 1")}


@pytest.mark.parametrize("conditions", [(), COLLIDING_RULES], ids=["feasible", "infeasible"])
def test_sequence_document_has_exactly_the_keys_of_section_8(conditions):
    catalogue, package = freeze_for_freeze(*conditions)
    document = sequence_document(sequence(catalogue, package))
    assert list(document) == ["package", "status", "options", "conflicts"]
    for option in document["options"]:
        assert list(option) == ["rank", "steps", "satisfied", "max_exposure", "total_exposure", "moved"]
    for conflict in document["conflicts"]:
        assert list(conflict) == ["party", "era", "text"]


def test_saved_package_is_a_fresh_draft_based_on_the_original():
    catalogue, package = freeze_for_freeze()
    agreed = Package(
        package.name, status="agreed",
        steps=tuple(Step(s.label, s.due, tuple(p._replace(level="3") for p in s.placements)) for s in package.steps),
        history=(Event(datetime(2027, 3, 1), "created"),),
    )
    best = sequence(catalogue, agreed).best
    saved = saved_package(agreed, best, "aid-best")
    assert saved.package.name == "aid-best" and saved.package.based_on == "aid-first"
    assert saved.package.status == "draft" and saved.package.history == ()
    assert {p.level for _, p in saved.package.placements()} == {"0"}
    assert saved.package.quantities() == agreed.quantities()
    assert saved.note.startswith("sequenced from aid-first into 3 steps (proven optimal): 2 parties satisfied")


def test_loading_the_sequencer_loads_no_ortools():
    probe = (
        "import sys, negotiator.domain.sequencing, negotiator.domain.sequence_report\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ortools'))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_an_absent_placement_is_not_counted_as_moved():
    """With usa.aid optional and left out, the other three keep their steps: nothing is moved,
    although the absent placement waits in the last step rather than its own first one."""
    from ortools.sat.python import cp_model

    from negotiator.domain.evaluate import effective_conditions
    from negotiator.domain.metrics import move_values
    from negotiator.domain.sequencing import Problem
    from negotiator.domain.sequencing.encoding import Encoding
    from negotiator.domain.sequencing.literals import negate, value_in

    catalogue, package = freeze_for_freeze()
    problem = Problem.of(catalogue, package, 3, effective_conditions(catalogue), move_values(catalogue))
    encoding = Encoding(problem, optional=["usa.aid"])
    encoding.require(negate(encoding.present("usa.aid")))
    _, _, moved = encoding.parts()
    encoding.model.minimize(moved)
    solver = cp_model.CpSolver()
    assert solver.status_name(solver.solve(encoding.model)) == "OPTIMAL"
    option = encoding.read(solver)
    assert option.steps == (("usa.delist",), ("dprk.inspect",), ("dprk.freeze",))
    assert option.moved == value_in(solver, moved) == 0
