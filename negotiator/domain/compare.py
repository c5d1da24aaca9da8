"""Packages side by side: their §4 metrics, what the checker says of them, and which dominates which.

``compare`` is a pure function of a catalogue and some packages; ``comparison_table`` turns its
result into the table of ``negotiator compare`` (metrics as rows, packages as columns, so that an
analyst reads each package down a column) and ``comparison_document`` into the JSON document of
§8.  The metrics come from ``negotiator.domain.metrics`` and the verdicts from
``negotiator.domain.evaluate``: nothing is measured twice.

Dominance (§4): A dominates B when, for every party, A's gain is at least B's and A's exposure at
most B's, A satisfies every party B satisfies, and at least one of these comparisons is strict.

Among the packages given, ``compare`` also marks those that are Pareto-optimal in gains (no
other gives every party at least as much and some party more) and those that are best by each
objective of ``compose``: *maxmin* (the largest least gain, then the largest total), *total* (the
largest total, then the largest least gain) and *nash* (the largest product of the gains, among
packages in which each party gains at least 1).  These look at the parties with something at
stake: those to which some move placed in one of the packages is worth something (gained or
lost).  A party that no placed move concerns gains 0 everywhere; counting it would make every
least gain 0 and no Nash product possible.  Ties are all marked best.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from negotiator.domain.evaluate import Checker, PackageCheck
from negotiator.domain.metrics import PackageMetrics, move_values, package_metrics
from negotiator.domain.model import Catalogue, Package
from negotiator.domain.table import Table

OBJECTIVES = ("maxmin", "total", "nash")


class Compared(NamedTuple):
    """One package in a comparison: its metrics and verdicts, dominance, whether it is
    Pareto-optimal in gains among those compared, and the objectives it is best by."""

    metrics: PackageMetrics
    check: PackageCheck
    dominated_by: tuple[str, ...]
    dominates: tuple[str, ...]
    pareto_optimal: bool = False
    best_by: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.metrics.package

    @property
    def satisfied(self) -> frozenset[str]:
        return frozenset(self.check.satisfied())


class Comparison(NamedTuple):
    parties: tuple[str, ...]
    packages: tuple[Compared, ...]


def dominates(a: PackageMetrics, a_satisfied: frozenset[str], b: PackageMetrics, b_satisfied: frozenset[str]) -> bool:
    """Whether package A dominates package B (§4), given each one's metrics and satisfied parties."""
    if not b_satisfied <= a_satisfied:
        return False
    strict = a_satisfied != b_satisfied
    for party, mine in a.parties.items():
        theirs = b.parties[party]
        if mine.gain < theirs.gain or mine.exposure > theirs.exposure:
            return False
        strict = strict or mine.gain > theirs.gain or mine.exposure < theirs.exposure
    return strict


def pareto_optimal(gains: Sequence[Mapping[str, int]]) -> list[bool]:
    """For each gains vector, whether no other one gives every party at least as much and some
    party more."""

    def dominated_by(other: Mapping[str, int], mine: Mapping[str, int]) -> bool:
        return all(other[p] >= mine[p] for p in mine) and any(other[p] > mine[p] for p in mine)

    return [not any(dominated_by(other, mine) for other in gains if other is not mine) for mine in gains]


def objective_key(objective: str, gains: Mapping[str, int]) -> tuple[int, ...] | None:
    """How good ``gains`` are by an objective, larger is better (None: not eligible, a Nash
    product with a party gaining less than 1)."""
    least, total = min(gains.values(), default=0), sum(gains.values())
    if objective == "maxmin":
        return (least, total)
    if objective == "total":
        return (total, least)
    if objective == "nash":
        return (math.prod(gains.values()),) if least >= 1 else None
    raise ValueError(f"unknown objective {objective!r}")


def best_by(gains: Sequence[Mapping[str, int]]) -> list[tuple[str, ...]]:
    """For each gains vector, the objectives (maxmin, total, nash) by which it is best (ties
    are all best)."""
    marks: list[list[str]] = [[] for _ in gains]
    for objective in OBJECTIVES:
        keys = [objective_key(objective, g) for g in gains]
        eligible = [k for k in keys if k is not None]
        if not eligible:
            continue
        top = max(eligible)
        for i, key in enumerate(keys):
            if key == top:
                marks[i].append(objective)
    return [tuple(m) for m in marks]


def at_stake(packages: Sequence[Package], values: Mapping[str, Mapping[str, int]], parties: Sequence[str]) -> list[str]:
    """The parties to which some move placed in one of ``packages`` is worth something."""
    placed = {p.move for package in packages for _, p in package.placements()}
    return [party for party in parties if any(values.get(m, {}).get(party, 0) != 0 for m in placed)]


def compare(catalogue: Catalogue, packages: Sequence[Package], views: Sequence[Catalogue] | None = None) -> Comparison:
    """Metrics, check verdicts and dominance of ``packages`` (in the order given).

    ``catalogue`` is the catalogue in force, or ``views`` gives each package the catalogue in
    force on its own date (``negotiator.domain.judging.Bench.view``)."""
    in_force = list(views) if views is not None else [catalogue] * len(packages)
    values_of: dict[int, dict] = {}
    checkers: dict[int, Checker] = {}
    measured = []
    for view, package in zip(in_force, packages):
        if id(view) not in checkers:
            values_of[id(view)], checkers[id(view)] = move_values(view), Checker(view)
        measured.append((package_metrics(view, package, values_of[id(view)]), checkers[id(view)].check(package)))
    # What a move is worth to a party in any of the eras judged (for who has something at stake).
    values: dict[str, dict[str, int]] = {}
    for view_values in values_of.values():
        for move, row in view_values.items():
            values.setdefault(move, {}).update({party: value for party, value in row.items() if value})
    satisfied = [frozenset(check.satisfied()) for _, check in measured]
    compared = []
    for i, (metrics, check) in enumerate(measured):
        above = tuple(
            measured[j][0].package
            for j in range(len(measured))
            if j != i and dominates(measured[j][0], satisfied[j], metrics, satisfied[i])
        )
        below = tuple(
            measured[j][0].package
            for j in range(len(measured))
            if j != i and dominates(metrics, satisfied[i], measured[j][0], satisfied[j])
        )
        compared.append(Compared(metrics, check, above, below))
    stakes = at_stake(packages, values, [p.code for p in catalogue.parties])
    gains = [{p: metrics.parties[p].gain for p in stakes} for metrics, _ in measured]
    marked = [
        c._replace(pareto_optimal=optimal, best_by=best)
        for c, optimal, best in zip(compared, pareto_optimal(gains), best_by(gains))
    ]
    return Comparison(tuple(p.code for p in catalogue.parties), tuple(marked))


def party_stake(check: PackageCheck, party: str) -> bool:
    return next((p.stake for p in check.parties if p.party == party), True)


def party_era(check: PackageCheck, party: str) -> str | None:
    return next((p.era for p in check.parties if p.party == party), None)


def comparison_table(comparison: Comparison) -> Table:
    """Metrics as rows, packages as columns; per-party rows follow the package-wide ones."""
    from negotiator.domain.verdicts import satisfied_count

    packages = comparison.packages

    def row(label: str, cell) -> tuple[Any, ...]:
        return (label, *(cell(p) for p in packages))

    def satisfied(p: Compared, party: str) -> Any:
        return party in p.satisfied if party_stake(p.check, party) else "no stake"

    rows = [
        row("valid", lambda p: p.check.valid),
        row("parties satisfied", lambda p: satisfied_count(p.check.parties, word="")),
        row("steps", lambda p: p.metrics.steps),
        row("moves", lambda p: p.metrics.moves),
        row("reciprocity", lambda p: round(p.metrics.reciprocity, 2)),
        row("max exposure", lambda p: p.metrics.max_exposure),
        row("min gain", lambda p: p.metrics.min_gain),
        row("total gain", lambda p: p.metrics.total_gain),
    ]
    for party in comparison.parties:
        if any(party_era(p.check, party) for p in packages):
            rows.append(row(f"{party} era", lambda p, party=party: party_era(p.check, party)))
        rows += [
            row(f"{party} satisfied", lambda p, party=party: satisfied(p, party)),
            row(f"{party} gain", lambda p, party=party: p.metrics.parties[party].gain),
            row(f"{party} exposure", lambda p, party=party: p.metrics.parties[party].exposure),
            row(f"{party} first move", lambda p, party=party: p.metrics.parties[party].first_move),
            row(f"{party} first gain", lambda p, party=party: p.metrics.parties[party].first_gain),
        ]
    rows += [
        row("dominates", lambda p: ", ".join(p.dominates)),
        row("dominated by", lambda p: ", ".join(p.dominated_by)),
        row("Pareto-optimal (gains)", lambda p: p.pareto_optimal),
        row("best by", lambda p: ", ".join(p.best_by)),
    ]
    names = ", ".join(p.name for p in packages)
    return Table(("metric", *(p.name for p in packages)), tuple(rows), title=f"Comparison of {names}")


def comparison_document(comparison: Comparison) -> dict[str, Any]:
    """The JSON document of ``compare`` (§8)."""
    return {
        "packages": [
            {
                "package": p.name,
                "valid": p.check.valid,
                "steps": p.metrics.steps,
                "reciprocity": p.metrics.reciprocity,
                "max_exposure": p.metrics.max_exposure,
                "min_gain": p.metrics.min_gain,
                "total_gain": p.metrics.total_gain,
                "dominated_by": list(p.dominated_by),
                "pareto_optimal": p.pareto_optimal,
                "best_by": list(p.best_by),
                "parties": {
                    party: {
                        "era": party_era(p.check, party),
                        "stake": party_stake(p.check, party),
                        "satisfied": party in p.satisfied,
                        "gain": measured.gain,
                        "exposure": measured.exposure,
                        "first_move": measured.first_move,
                        "first_gain": measured.first_gain,
                    }
                    for party, measured in p.metrics.parties.items()
                },
            }
            for p in comparison.packages
        ]
    }
