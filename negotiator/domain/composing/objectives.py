"""The priorities of ``compose``, as solver stages over the shared encoding.

In order (each optimum is fixed before the next stage is solved):

1. *parties satisfied*: as many of the considered parties as possible;
2. the *objective* over the considered parties' gains:
   ``maxmin`` -- the largest least gain, then the largest total (one weighted stage);
   ``total`` -- the largest total, then the largest least gain (one weighted stage);
   ``nash`` -- the largest product of the gains, every gain being at least 1 (a hard condition
   of the problem, see ``request``);
3. *exposure and moves*: the smallest largest exposure, then the smallest sum of exposures, then
   the fewest moves (one weighted stage, as ``sequence`` weighs its lower priorities).

Weighted stages put each part above everything below it (the weight of a part exceeds the range
of the parts after it), so they order solutions exactly as the priorities do.

The Nash product is exact when it fits the solver's 64-bit integers (a chain of products whose
bound is checked first).  Past that -- twelve parties gaining a few dozen each -- the stage
maximises the sum of the gains' logarithms, each rounded to a millionth, which orders products
the same way except for ones within a millionth of each other in logarithm.

Also here: what progress and the optimality gap say about each stage, in the words of the
priorities (``min gain 2, at most 4 possible``).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from negotiator.domain.sequencing.encoding import Encoding
from negotiator.domain.sequencing.literals import Expr, as_int
from negotiator.domain.sequencing.optimise import Stage

SATISFIED = "parties satisfied"
EXPOSURE = "exposure and moves"
QUANTITIES = "quantities"
OBJECTIVE_STAGES = {"maxmin": "min gain, then total gain", "total": "total gain, then min gain", "nash": "Nash product"}
EXACT_PRODUCT = 2**62
LOG_SCALE = 10**6


class Gap(NamedTuple):
    """How far an answer may be from the best: on ``priority``, ``found`` is the answer's value
    and ``bound`` the best the solver could not rule out (None when that stage was never
    searched)."""

    priority: str
    found: int
    bound: int | None

    def text(self) -> str:
        if self.bound is None:
            return f"{self.priority} {self.found}, not searched further within the time limit"
        if self.bound == self.found:
            return f"{self.priority} {self.found}, proven the best possible, but not what comes after it"
        if self.priority == "max exposure":
            return f"{self.priority} {self.found}, at least {self.bound} possible"
        return f"{self.priority} {self.found}, at most {self.bound} possible"


class Goals:
    """The stages of one compose encoding, and how to read each stage's value and bound."""

    def __init__(self, encoding: Encoding, objective: str):
        self.encoding = encoding
        self.objective = objective
        self.model = encoding.model
        parties = encoding.problem.parties
        self.gains: dict[str, Expr] = {p: encoding.gain(p) for p in parties}
        self.ranges = {p: encoding.gain_range(p) for p in parties}
        self.total: Expr = sum(self.gains.values())
        self.total_range = (sum(lo for lo, _ in self.ranges.values()), sum(hi for _, hi in self.ranges.values()))
        self.least_range = (min(lo for lo, _ in self.ranges.values()), min(hi for _, hi in self.ranges.values()))
        self._least: Expr | None = None
        self._product: Expr | None = None
        self._exposure: tuple[Expr, Expr, Expr, int, int] | None = None
        self.exact_product = True

    # The parts -----------------------------------------------------------------------------------
    def least(self) -> Expr:
        """The least gain of a considered party, as a variable (or an int)."""
        if self._least is None:
            gains = list(self.gains.values())
            if all(isinstance(g, int) for g in gains):
                self._least = min(gains)
            else:
                low, high = self.least_range
                self._least = self.model.new_int_var(low, high, "least_gain")
                self.model.add_min_equality(self._least, gains)
        return self._least

    def product(self) -> Expr:
        """The product of the gains (each at least 1), or the sum of their scaled logarithms when
        the product could pass 2^62 (see the module's doc)."""
        if self._product is not None:
            return self._product
        floors = {p: max(1, lo) for p, (lo, _) in self.ranges.items()}
        ceilings = {p: max(floors[p], hi) for p, (_, hi) in self.ranges.items()}
        bound = math.prod(ceilings.values())
        model = self.model
        if bound <= EXACT_PRODUCT:
            constant = math.prod(g for g in self.gains.values() if isinstance(g, int))
            running: Expr = constant
            running_high = max(constant, 1)
            for party, gain in self.gains.items():
                if isinstance(gain, int):
                    continue
                factor = model.new_int_var(floors[party], ceilings[party], f"gain_{party}")
                model.add(factor == gain)
                running_high *= ceilings[party]
                if isinstance(running, int) and running == 1:
                    running = factor
                    continue
                made = model.new_int_var(1, running_high, f"product_{party}")
                model.add_multiplication_equality(made, [running, factor])
                running = made
            self._product = running
            return running
        self.exact_product = False
        logs: list[Expr] = []
        for party, gain in self.gains.items():
            if isinstance(gain, int):
                logs.append(round(LOG_SCALE * math.log(max(gain, 1))))
                continue
            factor = model.new_int_var(floors[party], ceilings[party], f"gain_{party}")
            model.add(factor == gain)
            table = [0] + [round(LOG_SCALE * math.log(g)) for g in range(1, ceilings[party] + 1)]
            logged = model.new_int_var(0, table[-1], f"log_gain_{party}")
            model.add_element(factor, table, logged)
            logs.append(logged)
        self._product = sum(logs)
        return self._product

    def exposure_parts(self) -> tuple[Expr, Expr, Expr, int, int]:
        """Max exposure, total exposure, moves, and the weights of the first two (made once)."""
        if self._exposure is None:
            self._exposure = self._exposure_parts()
        return self._exposure

    def _exposure_parts(self) -> tuple[Expr, Expr, Expr, int, int]:
        encoding = self.encoding
        worst, total = encoding.exposures()
        moves = sum(as_int(p) for p in encoding.presence)
        below, above = encoding.weights()
        return worst, total, moves, above, below

    # The stages ----------------------------------------------------------------------------------
    def satisfied_stage(self) -> Stage:
        encoding = self.encoding
        return Stage(SATISFIED, sum(as_int(encoding.satisfied(p)) for p in encoding.problem.parties), True)

    def objective_stage(self) -> Stage:
        name = OBJECTIVE_STAGES[self.objective]
        if self.objective == "nash":
            return Stage(name, self.product(), True)
        least, total = self.least(), self.total
        if isinstance(least, int) and isinstance(total, int):
            return Stage(name, 0, True)
        if self.objective == "maxmin":
            weight = self.total_range[1] - self.total_range[0] + 1
            return Stage(name, weight * least + total, True)
        weight = self.least_range[1] - self.least_range[0] + 1
        return Stage(name, weight * total + least, True)

    def exposure_stage(self) -> Stage:
        worst, total, moves, above, below = self.exposure_parts()
        return Stage(EXPOSURE, above * worst + below * total + moves, False)

    def stages(self) -> list[Stage]:
        return [self.satisfied_stage(), self.objective_stage(), self.exposure_stage()]

    # What a stage's value and bound say ---------------------------------------------------------
    def headline(self, stage: str, value: float, rounding: Any = round) -> tuple[str, int]:
        """The most significant part of a stage's objective ``value``: its name and its value
        (``rounding`` turns a bound into a whole number on the safe side)."""
        if stage == SATISFIED:
            return SATISFIED, rounding(value)
        if stage == EXPOSURE:
            _, _, _, above, _ = self.exposure_parts()
            return "max exposure", math.floor(rounding(value) / above)
        if self.objective == "nash":
            return ("Nash product" if self.exact_product else "Nash log-product x 10^6"), rounding(value)
        if self.objective == "maxmin":
            weight = self.total_range[1] - self.total_range[0] + 1
            return "min gain", math.floor((rounding(value) - self.total_range[0]) / weight)
        weight = self.least_range[1] - self.least_range[0] + 1
        return "total gain", math.floor((rounding(value) - self.least_range[0]) / weight)

    def describe(self, stage: str, solution: Any) -> tuple[dict[str, int], dict[str, int]]:
        """Progress in the words of the priorities: the best so far and the bound proven."""
        if stage == QUANTITIES or not math.isfinite(solution.objective_value):
            return {}, {}
        maximise = stage != EXPOSURE
        name, found = self.headline(stage, solution.objective_value)
        _, bound = self.headline(stage, solution.best_objective_bound,
                                 (lambda v: math.floor(v + 1e-6)) if maximise else (lambda v: math.ceil(v - 1e-6)))
        return {name: found}, {name: bound}

    def gap(self, stage: str, solver: Any, status: str, found: dict[str, int]) -> Gap:
        """The gap of a stage the time limit stopped: the answer's value on its headline part
        (``found``: the answer's metrics by headline name) and the bound the solver proved, if
        it proved one.  A solve stopped before it found anything (``status`` other than
        FEASIBLE) has no bound to trust; nor has one whose bound is on the wrong side of the
        answer."""
        name, _ = self.headline(stage, 0)
        value = found.get(name, 0)
        if solver is None or status != "FEASIBLE":
            return Gap(name, value, None)
        raw = solver.best_objective_bound
        if not math.isfinite(raw):
            return Gap(name, value, None)
        maximise = stage != EXPOSURE
        rounded = (lambda v: math.floor(v + 1e-6)) if maximise else (lambda v: math.ceil(v - 1e-6))
        _, bound = self.headline(stage, raw, rounded)
        if (bound < value) if maximise else (bound > value):
            return Gap(name, value, None)
        return Gap(name, value, bound)
