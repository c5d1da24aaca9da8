"""Finding the best ordering of a package's moves, or the conditions that make one impossible (§5).

The sequencer keeps a package's moves and quantities and assigns them to exactly N non-empty
steps.  It encodes the judged conditions (``negotiator.domain.evaluate.effective_conditions``)
as an OR-Tools CP-SAT model and optimises, in this order of priority:

1. every rule holds (hard) and as many parties as possible are satisfied;
2. the largest exposure of any party is as small as possible;
3. the sum of the parties' exposures is as small as possible;
4. as few placements as possible change step (``moved``).

Two solves make one answer.  The first maximises the parties satisfied; its optimum is then
added as a constraint, and the second minimises a weighted sum of the three lower priorities
whose weights exceed the range of everything below them (see ``Encoding.weights``), which
orders solutions exactly as the lexicographic priorities do and is markedly faster than three
more solves.  An option is *proven* only when both solves ended OPTIMAL; a solve stopped by the
time limit keeps the best solution it found, marked not proven.

When not every party can be satisfied, the sequencer names a *minimal* set of conflicting party
conditions: the solver's unsatisfiable core under assumptions, shrunk by deleting one member at
a time and re-solving, so that dropping any member makes the rest satisfiable; then the rules
they collide with, shrunk the same way.  When the rules alone cannot all hold, it names a
minimal set of rules instead.

Why the encoding is small.  Quantities are kept and every move of the package stays in it, so
presence, quantity atoms, ``steps`` and a party's ``balance`` (its net gain after the last step)
are constants; only the order varies.  Each placement i has booleans ``x[i][t]`` (in step t) and
``y[i][t]`` (in step t or earlier); ``by step`` is a ``y`` literal, ``before`` is a literal tied
to the ``y`` of both moves by clauses (``with`` is "neither before the other"), and a party's
balance after step t is a linear sum of ``y`` literals, which gives its exposure exactly
through a max constraint.

The search is deterministic: one worker and a fixed seed, so the same input gives the same
answer unless the time limit is hit.  ortools is imported inside the functions only, so loading
this module costs nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from negotiator.domain.conditions import (
    After,
    And,
    Before,
    ByStep,
    Excludes,
    Guarded,
    Includes,
    Metric,
    Node,
    Not,
    Or,
    Quantity,
    With,
)
from negotiator.domain.errors import InvalidValue, NegotiatorError
from negotiator.domain.model import Catalogue, Package, Step, compare

SEED = 20270301
WORKERS = 1

# The solves one ``best`` call makes, in order.  The three lower priorities of §5 share one solve:
# a weighted sum whose weights exceed the range of everything below them orders solutions exactly
# as the lexicographic priorities do, and one solve is markedly faster than three.
STAGES = ("parties satisfied", "exposure and moved")


@dataclass(frozen=True)
class Option:
    """One ordering of the package's moves and what the solver established about it."""

    rank: int
    steps: tuple[tuple[str, ...], ...]
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
    """A condition in a minimal conflicting set: ``party`` is None for a rule."""

    party: str | None
    text: str


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
    best: dict
    bound: dict


ProgressCallback = Callable[[Progress], None]


class OutOfTime(NegotiatorError):
    """The time limit ran out before any ordering obeying the rules was found."""


# --------------------------------------------------------------------------------------------
# The public entry point


def sequence(
    catalogue: Catalogue,
    package: Package,
    steps: int | None = None,
    alternatives: int = 0,
    time_limit: float | None = None,
    progress: ProgressCallback | None = None,
) -> SequenceResult:
    """Best assignment of ``package``'s moves to ``steps`` non-empty steps, and ``alternatives``
    distinct next-best ones (§5), or the conflicting conditions when parties cannot all be met."""
    from ortools.sat.python import cp_model  # noqa: F401  (loaded before the clock starts)

    from negotiator.domain.evaluate import effective_conditions
    from negotiator.domain.metrics import move_values

    problem = Problem.of(catalogue, package, steps, effective_conditions(catalogue), move_values(catalogue))
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
                conflicts = tuple(Conflict(None, problem.judged[j].condition.text) for j in rules)
                # The rules are proven to collide; an empty set means naming them ran out of time.
                return SequenceResult(package.name, "infeasible", (), conflicts, True,
                                      unnamed=not conflicts, time_limit=time_limit)
            raise OutOfTime(
                f"no ordering of package '{package.name}' was found within the time limit of "
                f"{format_seconds(time_limit)}; give it a longer --time-limit"
            )
        options.append(replace(found, rank=rank))

    conflicts: tuple[Conflict, ...] = ()
    unsatisfied = len(options[0].satisfied) < len(problem.parties)
    if unsatisfied:
        conflicts = tuple(
            Conflict(problem.judged[j].condition.party, problem.judged[j].condition.text)
            for j in problem.party_conflict(clock)
        )
    status = "optimal" if options[0].proven else "feasible"
    # Some party is left unsatisfied; without a time limit that proves a conflict, which is then
    # always named, so none named means the time limit cut the search short.
    return SequenceResult(package.name, status, tuple(options), conflicts, False,
                          unnamed=unsatisfied and not conflicts, time_limit=time_limit)


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


def format_seconds(seconds: float | None) -> str:
    return "no limit" if seconds is None else f"{seconds:g} s"


# --------------------------------------------------------------------------------------------
# Time and progress


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


def _solver(clock: Clock):
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = WORKERS
    solver.parameters.random_seed = SEED
    remaining = clock.remaining()
    if remaining is not None:
        solver.parameters.max_time_in_seconds = max(remaining, 0.001)
    return solver


def _solve(model, clock: Clock, stage: str, describe=None):
    """Solve ``model`` once; returns (status name, solver)."""
    from ortools.sat.python import cp_model

    solver = _solver(clock)
    callback = None
    if clock.progress is not None and describe is not None and model.HasObjective():

        class Report(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                best, bound = describe(stage, self)
                clock.progress(Progress(stage, clock.elapsed(), best, bound))

        callback = Report()
    status = solver.Solve(model, callback)
    return solver.StatusName(status), solver


# --------------------------------------------------------------------------------------------
# The problem and its encoding


@dataclass(frozen=True)
class Problem:
    """A package's placements, the step count, the judged conditions and the parties' values."""

    package: Package
    moves: tuple[str, ...]  # placements in package order
    original: tuple[int, ...]  # 0-based original step of each placement
    quantities: dict
    steps: int
    judged: tuple[Any, ...]  # negotiator.domain.evaluate.Judged
    parties: tuple[str, ...]
    values: dict  # party -> tuple of value of each placement

    @classmethod
    def of(cls, catalogue: Catalogue, package: Package, steps: int | None, judged, move_values) -> "Problem":
        judged = tuple(judged)
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
            + [j.condition.party for j in judged if j.condition.party is not None]
        ))
        values = {
            party: tuple(int(move_values.get(m, {}).get(party, 0)) for m in moves) for party in parties
        }
        return cls(
            package=package,
            moves=moves,
            original=tuple(ordinal - 1 for ordinal, _ in placements),
            quantities={p.move: p.quantity for _, p in placements},
            steps=count,
            judged=tuple(judged),
            parties=parties,
            values=values,
        )

    # Which judged conditions play which part.
    def rules(self) -> list[int]:
        return [j for j, c in enumerate(self.judged) if c.condition.party is None]

    def deciding(self, party: str) -> list[int]:
        """The party's conditions that decide whether it is satisfied (non-soft ones)."""
        return [
            j for j, c in enumerate(self.judged) if c.condition.party == party and not c.condition.soft
        ]

    def party_conditions(self) -> list[int]:
        return [j for party in self.parties for j in self.deciding(party)]

    # The three kinds of solve.
    def best(self, clock: Clock, exclude: Sequence[tuple[tuple[str, ...], ...]] = ()) -> tuple[str, Option | None]:
        """The lexicographically best ordering other than those in ``exclude``.

        Returns the status of the first solve and the option (None when the rules cannot hold
        with these exclusions, status INFEASIBLE, or when time ran out before any solution).
        """
        encoding = Encoding(self)
        for rule in self.rules():
            encoding.require(encoding.condition(rule))
        for steps in exclude:
            encoding.forbid(steps)
        encoding.hint_original()

        stages = [(stage, *encoding.objective(stage)) for stage in STAGES]
        # A stage on which every ordering scores the same needs no solve, unless none is left.
        stages = [stage for stage in stages if not isinstance(stage[1], int)] or [("rules", 0, False)]
        first = None
        proven = True
        solution = None
        for number, (stage, objective, maximise) in enumerate(stages):
            encoding.model.ClearObjective()
            if not isinstance(objective, int):
                encoding.model.Maximize(objective) if maximise else encoding.model.Minimize(objective)
            status, solver = _solve(encoding.model, clock, stage, encoding.describe)
            first = first or status
            if status not in ("OPTIMAL", "FEASIBLE"):
                if solution is None:
                    return first, None
                proven = False
                break  # out of time mid-way: keep the previous stage's solution
            proven = proven and status == "OPTIMAL"
            solution = encoding.read(solver)
            if number == len(stages) - 1:
                break
            if not isinstance(objective, int):
                value = round(solver.ObjectiveValue())
                encoding.model.Add(objective >= value if maximise else objective <= value)
            encoding.hint(solver)
            if clock.expired():
                proven = False
                break
        return first, replace(solution, proven=proven)

    def rules_conflict(self, clock: Clock) -> list[int]:
        """A minimal set of rules that cannot all hold (empty when they can, or time ran out)."""
        return self._minimal_conflict(self.rules(), [], clock)

    def party_conflict(self, clock: Clock) -> list[int]:
        """A minimal set of party conditions that cannot all hold together with the rules, then
        the rules they collide with (a minimal set of those, given the party conditions).

        Together they are unsatisfiable and dropping any one makes the rest satisfiable: a
        party condition, because the rest hold even under every rule; a rule, by the second
        shrinking.
        """
        parties = self._minimal_conflict(self.party_conditions(), self.rules(), clock)
        if not parties:
            return []
        return parties + self._minimal_conflict(self.rules(), parties, clock)

    def _minimal_conflict(self, candidates: list[int], hard: list[int], clock: Clock) -> list[int]:
        """Deletion-based shrinking of the solver's core under assumptions.

        A member is dropped only when the rest is shown INFEASIBLE, and kept only when the rest
        is shown feasible (or a time limit cut the re-solve short), so without a time limit the
        set is minimal.  The cores the solver offers only speed the shrinking up; the final set
        is checked once more, and shrunk again without their help if the check fails.
        """
        encoding = Encoding(self)
        for j in hard:
            encoding.require(encoding.condition(j))
        literals: dict[int, Any] = {}
        for j in candidates:
            literal = encoding.condition(j)
            if literal is False:
                return [j]  # can never hold, whatever the order
            if literal is not True:
                literals[j] = literal
        if not literals:
            return []
        if hard and encoding.core([], literals, clock)[0] == "INFEASIBLE":
            return []  # the hard conditions collide on their own: no candidate is needed
        status, core = encoding.core(list(literals), literals, clock)
        if status != "INFEASIBLE":
            return []
        members = self._shrink(encoding, [j for j in literals if j in core] or list(literals), literals, clock, True)
        if encoding.core(members, literals, clock)[0] != "INFEASIBLE":
            members = self._shrink(encoding, list(literals), literals, clock, False)
        return members

    @staticmethod
    def _shrink(encoding: "Encoding", members: list[int], literals: dict, clock: Clock, use_cores: bool) -> list[int]:
        index = 0
        while index < len(members):
            trial = members[:index] + members[index + 1:]
            status, smaller = encoding.core(trial, literals, clock)
            if status == "INFEASIBLE":
                members = [j for j in trial if j in smaller] if use_cores and smaller else trial
            else:
                index += 1
        return members


class Encoding:
    """The CP-SAT model of one problem: placement booleans, exposures and condition literals.

    Literals are ortools literals or the Python constants True/False (folded away early, so that
    conditions decided by presence or quantity cost nothing).
    """

    def __init__(self, problem: Problem):
        from ortools.sat.python import cp_model

        self.cp = cp_model
        self.problem = problem
        self.model = model = cp_model.CpModel()
        n, count = problem.steps, len(problem.moves)
        self.index = {m: i for i, m in enumerate(problem.moves)}
        # Order encoding: y[i][t] "placement i is in step t or earlier" (t 0-based), monotone in
        # t and true at the last step; x[i][t] "exactly in step t" is y[i][t] and not y[i][t-1].
        # Comparisons of steps become clauses over y, which propagate without arithmetic; the
        # exactly-one over each x row gives the solver's linear relaxation its cliques.
        self.y: list[list[Any]] = []
        self.x: list[list[Any]] = []
        for i in range(count):
            prefix = [model.NewBoolVar(f"y{i}_{t}") for t in range(n - 1)] + [True]
            for t in range(n - 2):
                model.AddImplication(prefix[t], prefix[t + 1])
            exact = []
            for t in range(n):
                if t == 0:
                    exact.append(prefix[0] if n > 1 else True)
                elif t == n - 1:
                    exact.append(prefix[t - 1].Not())
                else:
                    literal = model.NewBoolVar(f"x{i}_{t}")
                    model.AddBoolAnd([prefix[t], prefix[t - 1].Not()]).OnlyEnforceIf(literal)
                    model.AddBoolOr([prefix[t].Not(), prefix[t - 1], literal])
                    exact.append(literal)
            if n > 1:
                model.AddExactlyOne(exact)
            self.y.append(prefix)
            self.x.append(exact)
        if n > 1:
            for t in range(n):
                model.AddBoolOr([self.x[i][t] for i in range(count)])
        self.upper: dict[int, int] = {}  # upper bound of each exposure variable, by index
        self.exposure = {party: self._exposure(party) for party in problem.parties}
        self._cache: dict[Any, Any] = {}
        self._conditions: dict[int, Any] = {}

    # Exposure ---------------------------------------------------------------------------------
    def balance(self, party: str, t: int):
        """The party's balance after step t (0-based) as a linear expression (or an int)."""
        values = self.problem.values[party]
        constant = 0
        terms = []
        for i, value in enumerate(values):
            if value == 0:
                continue
            literal = self.y[i][t]
            if literal is True:
                constant += value
            else:
                terms.append(value * literal)
        return sum(terms, constant) if terms else constant

    def _exposure(self, party: str):
        values = self.problem.values[party]
        out_of_pocket = -sum(v for v in values if v < 0)
        if out_of_pocket == 0:
            return 0
        target = self.model.NewIntVar(0, out_of_pocket, f"exposure_{party}")
        self.upper[target.Index()] = out_of_pocket
        exprs = [0] + [-self.balance(party, t) for t in range(self.problem.steps)]
        self.model.AddMaxEquality(target, exprs)
        return target

    # Conditions -------------------------------------------------------------------------------
    def condition(self, j: int):
        """The literal of judged condition j (True/False when decided without the order)."""
        if j not in self._conditions:
            judged = self.problem.judged[j]
            self._conditions[j] = self.literal(judged.node, judged.condition.party)
        return self._conditions[j]

    def require(self, literal) -> None:
        if literal is True:
            return
        if literal is False:
            self.model.AddBoolOr([])  # an empty clause: the model has no solution
            return
        self.model.AddBoolOr([literal])

    def literal(self, node: Node, party: str | None):
        key = (node, party if _uses_party(node) else None)
        if key not in self._cache:
            self._cache[key] = self._encode(node, party)
        return self._cache[key]

    def _encode(self, node: Node, party: str | None):
        problem = self.problem
        present = self.index
        if isinstance(node, Includes):
            return node.move in present
        if isinstance(node, Excludes):
            return node.move not in present
        if isinstance(node, After):
            return self.literal(Before(node.second, node.first), party)
        if isinstance(node, Before):
            if node.second not in present:
                return True
            if node.first not in present or node.first == node.second:
                return False
            return self._reify_less(present[node.first], present[node.second])
        if isinstance(node, With):
            a, b = node.first in present, node.second in present
            if not a and not b:
                return True
            if a != b:
                return False
            if node.first == node.second:
                return True
            return self._reify_same(present[node.first], present[node.second])
        if isinstance(node, ByStep):
            if node.move not in present:
                return True
            if node.step >= problem.steps:
                return True
            if node.step < 1:
                return False
            return self.y[present[node.move]][node.step - 1]
        if isinstance(node, Quantity):
            if node.move not in present:
                return True
            quantity = problem.quantities[node.move]
            return quantity is not None and compare(quantity, node.op, node.value)
        if isinstance(node, Metric):
            return self._metric(node, party)
        if isinstance(node, Not):
            return _negate(self.literal(node.operand, party))
        if isinstance(node, Guarded):
            guard = self.literal(node.guard, party)
            body = self.literal(node.body, party)
            return self._or([_negate(guard), body] if node.kind == "if" else [guard, body])
        if isinstance(node, And):
            return self._and([self.literal(o, party) for o in node.operands])
        if isinstance(node, Or):
            return self._or([self.literal(o, party) for o in node.operands])
        raise TypeError(f"not a condition node: {node!r}")

    def _metric(self, node: Metric, party: str | None):
        if node.name == "steps":
            return compare(self.problem.steps, node.op, node.value)
        if party is None:
            return False  # balance and exposure mean nothing without a party (§3)
        if node.name == "balance":
            gain = sum(self.problem.values.get(party, ()))
            return compare(gain, node.op, node.value)
        if node.name == "exposure":
            exposure = self.exposure.get(party, 0)
            if isinstance(exposure, int):
                return compare(exposure, node.op, node.value)
            return self._reify_domain(exposure, node.op, node.value)
        raise TypeError(f"unknown metric {node.name!r}")

    def _reify_less(self, a: int, b: int):
        """step(a) < step(b), i.e. for every t: b by t implies a by t-1 (a by -1 being false)."""
        if self.problem.steps == 1:
            return False
        key = ("less", a, b)
        if key not in self._cache:
            ya, yb = self.y[a], self.y[b]
            literal = self.model.NewBoolVar(f"lt{a}_{b}")
            for t in range(self.problem.steps):
                # literal -> (b by t -> a by t-1), down to the last step, which b is always by
                clause = [literal.Not()]
                if yb[t] is not True:
                    clause.append(yb[t].Not())
                if t > 0:
                    clause.append(ya[t - 1])
                self.model.AddBoolOr(clause)
            for t in range(self.problem.steps - 1):
                # not literal -> (a by t -> b by t)
                self.model.AddBoolOr([literal, ya[t].Not(), yb[t]])
            self._cache[key] = literal
        return self._cache[key]

    def _reify_same(self, a: int, b: int):
        """step(a) = step(b): neither comes before the other."""
        if self.problem.steps == 1:
            return True
        a, b = min(a, b), max(a, b)
        return self._and([_negate(self._reify_less(a, b)), _negate(self._reify_less(b, a))])

    def _reify_domain(self, variable, op: str, value: float):
        """``variable OP value`` for an integer variable, as a literal (or constant)."""
        low, high = 0, self.upper[variable.Index()]
        allowed = _integer_interval(op, value, low, high)
        if allowed == [(low, high)]:
            return True
        if not allowed:
            return False
        refused = _integer_interval(_OPPOSITE[op], value, low, high)
        literal = self.model.NewBoolVar("")
        self.model.AddLinearExpressionInDomain(
            variable, self.cp.Domain.from_intervals([list(iv) for iv in allowed])
        ).OnlyEnforceIf(literal)
        self.model.AddLinearExpressionInDomain(
            variable, self.cp.Domain.from_intervals([list(iv) for iv in refused])
        ).OnlyEnforceIf(literal.Not())
        return literal

    def _and(self, literals: list):
        if any(literal is False for literal in literals):
            return False
        rest = _unique([literal for literal in literals if literal is not True])
        if not rest:
            return True
        if len(rest) == 1:
            return rest[0]
        literal = self.model.NewBoolVar("")
        for operand in rest:
            self.model.AddImplication(literal, operand)
        self.model.AddBoolOr([literal] + [operand.Not() for operand in rest])
        return literal

    def _or(self, literals: list):
        return _negate(self._and([_negate(literal) for literal in literals]))

    # Objectives, solutions, hints ---------------------------------------------------------------
    def satisfied(self, party: str):
        key = ("satisfied", party)
        if key not in self._cache:
            self._cache[key] = self._and([self.condition(j) for j in self.problem.deciding(party)])
        return self._cache[key]

    def objective(self, stage: str):
        """(linear expression or int, maximise?) of a stage (see STAGES)."""
        problem = self.problem
        if stage == "parties satisfied":
            literals = [self.satisfied(party) for party in problem.parties]
            return sum(_as_int(literal) for literal in literals), True
        if stage == "exposure and moved":
            worst, total, moved = self.parts()
            below, above = self.weights()
            return above * worst + below * total + moved, False
        raise ValueError(stage)

    def parts(self):
        """Max exposure, total exposure and placements moved, as expressions (or ints)."""
        if "parts" not in self._cache:
            problem = self.problem
            exposures = list(self.exposure.values())
            worst: Any = 0
            if not all(isinstance(e, int) for e in exposures):
                highest = max(e if isinstance(e, int) else self.upper[e.Index()] for e in exposures)
                worst = self.model.NewIntVar(0, highest, "max_exposure")
                self.model.AddMaxEquality(worst, exposures)
            kept = [self.x[i][t] for i, t in enumerate(problem.original) if t < problem.steps]
            moved = len(problem.moves) - sum(_as_int(literal) for literal in kept)
            self._cache["parts"] = (worst, sum(exposures), moved)
        return self._cache["parts"]

    def weights(self) -> tuple[int, int]:
        """Weights of total exposure and of max exposure in the weighted stage.

        ``moved`` is at most the number of placements, so weighting the total by one more than
        that puts any difference in total above any difference in moved; likewise max exposure
        is weighted by more than the largest possible weighted total plus moved.
        """
        below = len(self.problem.moves) + 1
        return below, below * (sum(self.upper.values()) + 1)

    def describe(self, stage: str, solution: Any) -> tuple[dict[str, int], dict[str, int]]:
        """The best solution so far and the proven bound, in the words of §5 (for progress)."""
        bound = solution.BestObjectiveBound()
        if stage == "parties satisfied":
            return {stage: round(solution.ObjectiveValue())}, {stage: math.floor(bound + 1e-6)}
        if stage == "exposure and moved":
            worst, total, moved = self.parts()
            best = {
                "max exposure": _value(solution, worst),
                "total exposure": _value(solution, total),
                "moved": _value(solution, moved),
            }
            return best, {"max exposure": math.ceil(bound - 1e-6) // self.weights()[1]}
        return {}, {}

    def forbid(self, steps: tuple[tuple[str, ...], ...]) -> None:
        """Exclude one exact assignment of placements to steps."""
        same = [self.x[self.index[m]][t] for t, moves in enumerate(steps) for m in moves]
        self.model.AddBoolOr([_negate(literal) for literal in same if literal is not True])

    def hint_original(self) -> None:
        self._hint([min(t, self.problem.steps - 1) for t in self.problem.original])

    def hint(self, solver) -> None:
        self._hint(self._assigned(solver))

    def _hint(self, assigned: list[int]) -> None:
        """Suggest an assignment (0-based step of each placement) to the search."""
        self.model.ClearHints()
        for i, t in enumerate(assigned):
            for u, literal in enumerate(self.y[i][:-1]):
                self.model.AddHint(literal, t <= u)

    def _assigned(self, solver) -> list[int]:
        """The 0-based step of each placement in the solver's solution."""
        return [
            next(t for t, literal in enumerate(row) if literal is True or solver.BooleanValue(literal))
            for row in self.y
        ]

    def read(self, solver) -> Option:
        problem = self.problem
        groups: list[list[str]] = [[] for _ in range(problem.steps)]
        assigned = self._assigned(solver)
        for move, t in zip(problem.moves, assigned):
            groups[t].append(move)
        satisfied = tuple(
            party for party in problem.parties if _holds(solver, self.satisfied(party))
        )
        exposures = [_value(solver, e) for e in self.exposure.values()]
        return Option(
            rank=0,
            steps=tuple(tuple(group) for group in groups),
            satisfied=satisfied,
            max_exposure=max(exposures, default=0),
            total_exposure=sum(exposures),
            moved=sum(1 for t, o in zip(assigned, problem.original) if t != o),
            proven=False,
        )

    def core(self, members: list[int], literals: dict, clock: Clock) -> tuple[str, set[int]]:
        """Solve with ``members`` assumed to hold; on INFEASIBLE also the core found (as members)."""
        self.model.ClearAssumptions()
        self.model.AddAssumptions([literals[j] for j in members])
        status, solver = _solve(self.model, clock, "conflicts")
        if status != "INFEASIBLE":
            return status, set()
        by_index = {literals[j].Index(): j for j in members}
        core = {by_index[i] for i in solver.SufficientAssumptionsForInfeasibility() if i in by_index}
        return status, core


def _uses_party(node: Node) -> bool:
    from negotiator.domain.conditions import metrics_of

    return bool(metrics_of(node) & {"balance", "exposure"})


def _negate(literal):
    if literal is True:
        return False
    if literal is False:
        return True
    return literal.Not()


def _unique(literals: list) -> list:
    seen: set[int] = set()
    kept = []
    for literal in literals:
        key = literal.Index()
        if key not in seen:
            seen.add(key)
            kept.append(literal)
    return kept


def _as_int(literal):
    if literal is True:
        return 1
    if literal is False:
        return 0
    return literal


def _holds(solver, literal) -> bool:
    if isinstance(literal, bool):
        return literal
    return bool(solver.BooleanValue(literal))


def _value(solver, expression) -> int:
    if isinstance(expression, int):
        return expression
    return int(solver.Value(expression))


_OPPOSITE = {">=": "<", "<": ">=", ">": "<=", "<=": ">", "=": "!=", "!=": "="}


def _integer_interval(op: str, value: float, low: int, high: int) -> list[tuple[int, int]]:
    """The integers in [low, high] that satisfy ``OP value``, as disjoint closed intervals."""
    if op == ">=":
        intervals = [(max(low, math.ceil(value)), high)]
    elif op == ">":
        intervals = [(max(low, math.floor(value) + 1), high)]
    elif op == "<=":
        intervals = [(low, min(high, math.floor(value)))]
    elif op == "<":
        intervals = [(low, min(high, math.ceil(value) - 1))]
    elif op == "=":
        whole = float(value).is_integer()
        intervals = [(int(value), int(value))] if whole and low <= value <= high else []
    elif op == "!=":
        if float(value).is_integer() and low <= value <= high:
            intervals = [(low, int(value) - 1), (int(value) + 1, high)]
        else:
            intervals = [(low, high)]
    else:
        raise ValueError(f"unknown comparator {op!r}")
    return [(a, b) for a, b in intervals if a <= b]
