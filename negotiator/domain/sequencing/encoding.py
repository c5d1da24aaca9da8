"""The CP-SAT model of one problem: where each placement is, whether it is there, what it is
worth over the steps, and the literal of every judged condition.

Literals are ortools Boolean literals or the Python constants True and False.  Constants are
folded away as early as possible, so that a condition decided without the order costs nothing.

**Order.**  Each placement i has booleans ``y[i][t]`` ("in step t or earlier", t 0-based,
monotone in t and true at the last step) and ``x[i][t]`` ("exactly in step t").  Comparisons of
steps become clauses over ``y``, which propagate without arithmetic; the exactly-one over each
``x`` row gives the solver's linear relaxation its cliques.

**Presence.**  Whether placement i is in the package at all is ``presence[i]``, the one place
every atom and every balance asks (through :meth:`Encoding.present` and
:meth:`Encoding.placed_by`).  ``sequence`` keeps every move of the package, so each is the
constant True and folds away: the model is exactly the order model above.  A placement named in
``optional`` (or ``Problem.optional``: composing a package from a pool) gets a Boolean variable
instead.  An absent placement waits in the last step (``y`` false before it), so that absent
moves do not multiply the solutions, a placement in an earlier step is present, and "placed by
step t" is ``y[i][t]`` before the last step and ``presence[i]`` at it -- no new literal.  The
atoms read "present and ..."; the non-empty-steps rule, ``moved``, hints, exclusions and
:meth:`Encoding.placed` count present placements only.

**Quantities.**  A placement's quantity is the constant of the package, except for the moves of
``Problem.free``, whose quantity is an integer variable (see :meth:`Encoding.quantity`): a
quantity atom on one is a literal reified on that variable's domain.

**Balances and exposure.**  A party's balance after step t is a linear sum of ``placed_by``
literals weighted by the placements' values; its exposure is an integer variable tied to those
sums by a max constraint, so it is exact.

How each construct of the condition language becomes a literal is in ``atoms``; the solves that
use this model are in ``optimise`` and ``conflicts``.  ortools is imported when an encoding is
made, never when this module is loaded.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from negotiator.domain import comparators
from negotiator.domain.conditions import Node, references
from negotiator.domain.sequencing.atoms import ConditionLiterals
from negotiator.domain.sequencing.literals import (
    Expr,
    Lit,
    as_int,
    holds_in,
    negate,
    unique,
    value_in,
)
from negotiator.domain.sequencing.problem import Assignment, Option, Problem

_PERSONAL = frozenset({"balance", "exposure"})


class Encoding:
    """The CP-SAT model of one problem: placement booleans, presence, exposures and condition
    literals; also what its objectives are and how to read, hint and exclude a solution."""

    def __init__(self, problem: Problem, optional: Collection[str] = ()):
        from ortools.sat.python import cp_model

        self.cp = cp_model
        self.problem = problem
        self.model = model = cp_model.CpModel()
        n, count = problem.steps, len(problem.moves)
        self.index = {m: i for i, m in enumerate(problem.moves)}
        self.y: list[list[Lit]] = []
        self.x: list[list[Lit]] = []
        for i in range(count):
            prefix: list[Lit] = [model.new_bool_var(f"y{i}_{t}") for t in range(n - 1)] + [True]
            for t in range(n - 2):
                model.add_implication(prefix[t], prefix[t + 1])
            exact: list[Lit] = []
            for t in range(n):
                if t == 0:
                    exact.append(prefix[0] if n > 1 else True)
                elif t == n - 1:
                    exact.append(prefix[t - 1].negated())
                else:
                    literal = model.new_bool_var(f"x{i}_{t}")
                    model.add_bool_and([prefix[t], prefix[t - 1].negated()]).only_enforce_if(literal)
                    model.add_bool_or([prefix[t].negated(), prefix[t - 1], literal])
                    exact.append(literal)
            if n > 1:
                model.add_exactly_one(exact)
            self.y.append(prefix)
            self.x.append(exact)
        # The one place that says whether placement i is in the package (see the module's doc).
        chosen = problem.optional.union(optional)
        self.presence: list[Lit] = [
            model.new_bool_var(f"present{i}") if move in chosen else True
            for i, move in enumerate(problem.moves)
        ]
        for i, present in enumerate(self.presence):
            if present is not True and n > 1:
                model.add_implication(self.y[i][n - 2], present)  # absent: in the last step
        self._non_empty_steps()
        self._cache: dict[Any, Any] = {}
        self._conditions: dict[int, Lit] = {}
        self._literals: dict[str | None, ConditionLiterals] = {}
        self._quantities: dict[str, Any] = {}
        self.upper: dict[int, int] = {}  # upper bound of each exposure variable, by index
        self.exposure = {party: self._exposure(party) for party in problem.parties}

    def _non_empty_steps(self) -> None:
        """Every step holds a present placement.  Before the last step a placement is there only
        when present; in the last step, absent ones wait, so presence is asked there."""
        model, n = self.model, self.problem.steps
        if n == 1:
            if all(present is not True for present in self.presence):
                model.add_bool_or(self.presence)
            return
        for t in range(n - 1):
            model.add_bool_or([row[t] for row in self.x])
        last: list[Lit] = []
        for i, present in enumerate(self.presence):
            if present is True:
                last.append(self.x[i][n - 1])
                continue
            there = model.new_bool_var(f"last{i}")  # present and in the last step
            model.add_implication(there, present)
            model.add_implication(there, self.x[i][n - 1])
            model.add_bool_or([there, negate(present), negate(self.x[i][n - 1])])
            last.append(there)
        model.add_bool_or(last)

    # Presence and order ---------------------------------------------------------------------------
    def present(self, move: str) -> Lit:
        """Whether ``move`` is in the package: False for a move that is not a placement."""
        i = self.index.get(move)
        return False if i is None else self.presence[i]

    def placed_by(self, i: int, t: int) -> Lit:
        """Placement i is in the package, in step t (0-based) or earlier.  Before the last step
        that is ``y[i][t]`` (absent placements wait in the last step); at it, presence."""
        present = self.presence[i]
        if present is True or t < self.problem.steps - 1:
            return self.y[i][t]
        return present

    def by_step(self, move: str, t: int) -> Lit:
        """``move``'s placement is in step t (0-based) or earlier, present or not."""
        return self.y[self.index[move]][t]

    def earlier(self, first: str, second: str) -> Lit:
        """``first``'s placement is in an earlier step than ``second``'s, present or not."""
        return self._reify_less(self.index[first], self.index[second])

    def same_step(self, first: str, second: str) -> Lit:
        """The two moves' placements are in the same step, present or not."""
        return self._reify_same(self.index[first], self.index[second])

    def quantity_holds(self, move: str, op: str, value: float) -> Lit:
        """``move``'s quantity is ``OP value`` (False when it has none)."""
        free = self.problem.free.get(move)
        if free is None:
            quantity = self.problem.quantities.get(move)
            return quantity is not None and comparators.holds(quantity, op, value)
        key = ("quantity", move, op, value)
        if key not in self._cache:
            self._cache[key] = self._reify_domain(self.quantity(move), free.low, free.high, op, value)
        return self._cache[key]

    def quantity(self, move: str) -> Any:
        """The integer variable of a free quantity (``Problem.free``), made on first use."""
        if move not in self._quantities:
            free = self.problem.free[move]
            self._quantities[move] = self.model.new_int_var(free.low, free.high, f"q_{move}")
        return self._quantities[move]

    def quantities(self) -> dict[str, Any]:
        """The free quantities made so far, by move."""
        return dict(self._quantities)

    # Balances, exposure and metrics ---------------------------------------------------------------
    def gain(self, party: str) -> Expr:
        """The party's net gain: its balance after the last step."""
        return self.balance(party, self.problem.steps - 1)

    def gain_range(self, party: str) -> tuple[int, int]:
        """The least and the most the party can gain: every present placement counts, an
        optional one either its value or nothing."""
        values = self.problem.values[party]
        fixed = sum(v for i, v in enumerate(values) if self.presence[i] is True)
        low = fixed + sum(min(v, 0) for i, v in enumerate(values) if self.presence[i] is not True)
        high = fixed + sum(max(v, 0) for i, v in enumerate(values) if self.presence[i] is not True)
        return low, high

    def balance(self, party: str, t: int) -> Expr:
        """The party's balance after step t (0-based) as a linear expression (or an int)."""
        values = self.problem.values[party]
        constant = 0
        terms = []
        for i, value in enumerate(values):
            if value == 0:
                continue
            literal = self.placed_by(i, t)
            if literal is True:
                constant += value
            elif literal is not False:
                terms.append(value * literal)
        return sum(terms, constant) if terms else constant

    def _exposure(self, party: str) -> Expr:
        values = self.problem.values[party]
        out_of_pocket = -sum(v for v in values if v < 0)
        if out_of_pocket == 0:
            return 0
        target = self.model.new_int_var(0, out_of_pocket, f"exposure_{party}")
        self.upper[target.index] = out_of_pocket
        exprs = [0] + [-self.balance(party, t) for t in range(self.problem.steps)]
        self.model.add_max_equality(target, exprs)
        return target

    def exposure_of(self, key: str) -> Expr:
        """The exposure of a party, or of a party in another era (a key of ``values`` that is not
        a party: made on first use, and not part of the objectives)."""
        if key in self.exposure:
            return self.exposure[key]
        if key not in self.problem.values:
            return 0
        found = self._cache.get(("exposure", key))
        if found is None:
            found = self._cache[("exposure", key)] = self._exposure(key)
        return found

    def metric(self, name: str, op: str, value: float, party: str | None) -> Lit:
        """``name OP value`` for a metric (steps, balance, exposure) as judged for ``party``."""
        if name == "steps":
            return comparators.holds(self.problem.steps, op, value)
        if party is None:
            return False  # balance and exposure mean nothing without a party (§3)
        if name == "balance":
            if party not in self.problem.values:
                return comparators.holds(0, op, value)
            values = self.problem.values[party]
            gain = self.balance(party, self.problem.steps - 1)
            if isinstance(gain, int):
                return comparators.holds(gain, op, value)
            low, high = sum(v for v in values if v < 0), sum(v for v in values if v > 0)
            key = ("balance", party)
            if key not in self._cache:
                self._cache[key] = self.model.new_int_var(low, high, f"balance_{party}")
                self.model.add(self._cache[key] == gain)
            return self._reify_domain(self._cache[key], low, high, op, value)
        if name == "exposure":
            exposure = self.exposure_of(party)
            if isinstance(exposure, int):
                return comparators.holds(exposure, op, value)
            return self._reify_domain(exposure, 0, self.upper[exposure.index], op, value)
        raise TypeError(f"unknown metric {name!r}")

    # Conditions ----------------------------------------------------------------------------------
    def condition(self, j: int) -> Lit:
        """The literal of judged condition j (True/False when decided without the order)."""
        if j not in self._conditions:
            judged = self.problem.judged[j]
            self._conditions[j] = self.literal(judged.node, self.problem.measured(j))
        return self._conditions[j]

    def require(self, literal: Lit) -> None:
        if literal is True:
            return
        if literal is False:
            self.model.add_bool_or([])  # an empty clause: the model has no solution
            return
        self.model.add_bool_or([literal])

    def literal(self, node: Node, party: str | None) -> Lit:
        """The literal of a condition tree as judged for ``party``, made once per tree (and per
        party, when the tree uses balance or exposure)."""
        key = (node, party if references(node).metrics & _PERSONAL else None)
        if key not in self._cache:
            literals = self._literals.get(party)
            if literals is None:
                literals = self._literals[party] = ConditionLiterals(self, party)
            self._cache[key] = literals.visit(node)
        return self._cache[key]

    # Boolean algebra over literals ----------------------------------------------------------------
    def conjunction(self, literals: list[Lit]) -> Lit:
        if any(literal is False for literal in literals):
            return False
        rest = unique([literal for literal in literals if literal is not True])
        if not rest:
            return True
        if len(rest) == 1:
            return rest[0]
        literal = self.model.new_bool_var("")
        for operand in rest:
            self.model.add_implication(literal, operand)
        self.model.add_bool_or([literal] + [operand.negated() for operand in rest])
        return literal

    def disjunction(self, literals: list[Lit]) -> Lit:
        return negate(self.conjunction([negate(literal) for literal in literals]))

    def implies(self, condition: Lit, consequence: Lit) -> Lit:
        if condition is True:
            return consequence
        if condition is False:
            return True
        return self.disjunction([negate(condition), consequence])

    def _reify_less(self, a: int, b: int) -> Lit:
        """step(a) < step(b), i.e. for every t: b by t implies a by t-1 (a by -1 being false)."""
        if self.problem.steps == 1:
            return False
        key = ("less", a, b)
        if key not in self._cache:
            ya, yb = self.y[a], self.y[b]
            literal = self.model.new_bool_var(f"lt{a}_{b}")
            for t in range(self.problem.steps):
                # literal -> (b by t -> a by t-1), down to the last step, which b is always by
                clause = [literal.negated()]
                if yb[t] is not True:
                    clause.append(yb[t].negated())
                if t > 0:
                    clause.append(ya[t - 1])
                self.model.add_bool_or(clause)
            for t in range(self.problem.steps - 1):
                # not literal -> (a by t -> b by t)
                self.model.add_bool_or([literal, ya[t].negated(), yb[t]])
            self._cache[key] = literal
        return self._cache[key]

    def _reify_same(self, a: int, b: int) -> Lit:
        """step(a) = step(b): neither comes before the other."""
        if self.problem.steps == 1:
            return True
        a, b = min(a, b), max(a, b)
        return self.conjunction([negate(self._reify_less(a, b)), negate(self._reify_less(b, a))])

    def _reify_domain(self, variable: Any, low: int, high: int, op: str, value: float) -> Lit:
        """``variable OP value`` for an integer variable within [low, high], as a literal (or
        constant)."""
        allowed = comparators.integer_interval(op, value, low, high)
        if allowed == [(low, high)]:
            return True
        if not allowed:
            return False
        refused = comparators.integer_interval(comparators.negation(op), value, low, high)
        literal = self.model.new_bool_var("")
        self.model.add_linear_expression_in_domain(
            variable, self.cp.Domain.from_intervals([list(iv) for iv in allowed])
        ).only_enforce_if(literal)
        self.model.add_linear_expression_in_domain(
            variable, self.cp.Domain.from_intervals([list(iv) for iv in refused])
        ).only_enforce_if(literal.negated())
        return literal

    # Objectives ----------------------------------------------------------------------------------
    def satisfied(self, party: str) -> Lit:
        key = ("satisfied", party)
        if key not in self._cache:
            self._cache[key] = self.conjunction([self.condition(j) for j in self.problem.deciding(party)])
        return self._cache[key]

    def exposures(self) -> tuple[Expr, Expr]:
        """Max exposure over the parties and total exposure, as expressions (or ints); made once,
        for sequencing and composing alike."""
        if "exposures" not in self._cache:
            exposures = list(self.exposure.values())
            worst: Expr = 0
            if not all(isinstance(e, int) for e in exposures):
                highest = max(e if isinstance(e, int) else self.upper[e.index] for e in exposures)
                worst = self.model.new_int_var(0, highest, "max_exposure")
                self.model.add_max_equality(worst, exposures)
            elif exposures:
                worst = max(exposures)
            self._cache["exposures"] = (worst, sum(exposures))
        return self._cache["exposures"]

    def parts(self) -> tuple[Expr, Expr, Expr]:
        """Max exposure, total exposure and placements moved, as expressions (or ints)."""
        if "parts" not in self._cache:
            problem = self.problem
            worst, total = self.exposures()
            # Placements present and in their original step; an absent one is not moved.
            kept = [
                self.x[i][t] if self.presence[i] is True else self.conjunction([self.presence[i], self.x[i][t]])
                for i, t in enumerate(problem.original) if t < problem.steps
            ]
            moved = sum(as_int(p) for p in self.presence) - sum(as_int(literal) for literal in kept)
            self._cache["parts"] = (worst, total, moved)
        return self._cache["parts"]

    def weights(self) -> tuple[int, int]:
        """Weights of total exposure and of max exposure in the weighted stage.

        ``moved`` is at most the number of placements, so weighting the total by one more than
        that puts any difference in total above any difference in moved; likewise max exposure
        is weighted by more than the largest possible weighted total plus moved.
        """
        below = len(self.problem.moves) + 1
        return below, below * (sum(self.upper.values()) + 1)

    # Solutions and hints -------------------------------------------------------------------------
    def forbid(self, steps: Assignment) -> None:
        """Exclude one exact assignment of placements to steps."""
        same = [self.x[self.index[m]][t] for t, moves in enumerate(steps) for m in moves]
        self.model.add_bool_or([negate(literal) for literal in same if literal is not True])

    def forbid_moves(self, moves: Collection[str]) -> None:
        """Exclude every package whose present moves are exactly ``moves``."""
        clause = [
            negate(present) if move in moves else present
            for move, present in zip(self.problem.moves, self.presence)
            if present is not True
        ]
        self.model.add_bool_or(clause)

    def hint_original(self) -> None:
        self._hint([min(t, self.problem.steps - 1) for t in self.problem.original])

    def hint(self, solver: Any) -> None:
        """Suggest the solver's solution (steps, presence and free quantities) to the next solve."""
        self.model.clear_hints()
        for i, t in enumerate(self._assigned(solver)):
            for u, literal in enumerate(self.y[i][:-1]):
                self.model.add_hint(literal, int(t <= u))
        for present in self.presence:
            if present is not True:
                self.model.add_hint(present, int(holds_in(solver, present)))
        for variable in self._quantities.values():
            self.model.add_hint(variable, value_in(solver, variable))

    def hint_present(self, steps: Mapping[str, int]) -> None:
        """Suggest a package to the search: the moves of ``steps`` present in their (0-based)
        step, every other placement absent."""
        self.model.clear_hints()
        for i, move in enumerate(self.problem.moves):
            t = steps.get(move)
            for u, literal in enumerate(self.y[i][:-1]):
                self.model.add_hint(literal, int(t is not None and t <= u))
            if self.presence[i] is not True:
                self.model.add_hint(self.presence[i], int(t is not None))

    def _hint(self, assigned: list[int]) -> None:
        """Suggest an assignment (0-based step of each placement) to the search."""
        self.model.clear_hints()
        for i, t in enumerate(assigned):
            for u, literal in enumerate(self.y[i][:-1]):
                self.model.add_hint(literal, int(t <= u))

    def _assigned(self, solver: Any) -> list[int]:
        """The 0-based step of each placement in the solver's solution (absent ones: the last)."""
        return [
            next(t for t, literal in enumerate(row) if literal is True or solver.boolean_value(literal))
            for row in self.y
        ]

    def placed(self, solver: Any) -> Assignment:
        """The present moves of each step in the solver's solution, in pool order."""
        groups: list[list[str]] = [[] for _ in range(self.problem.steps)]
        for move, t, present in zip(self.problem.moves, self._assigned(solver), self.presence):
            if holds_in(solver, present):
                groups[t].append(move)
        return tuple(tuple(group) for group in groups)

    def read(self, solver: Any) -> Option:
        problem = self.problem
        assigned = self._assigned(solver)
        satisfied = tuple(
            party for party in problem.parties if holds_in(solver, self.satisfied(party))
        )
        exposures = [value_in(solver, e) for e in self.exposure.values()]
        return Option(
            rank=0,
            steps=self.placed(solver),
            satisfied=satisfied,
            max_exposure=max(exposures, default=0),
            total_exposure=sum(exposures),
            moved=sum(
                1 for t, o, present in zip(assigned, problem.original, self.presence)
                if t != o and holds_in(solver, present)
            ),
            proven=False,
        )
