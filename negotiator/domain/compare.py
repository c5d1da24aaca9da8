"""Packages side by side: their §4 metrics, what the checker says of them, and which dominates which.

``compare`` is a pure function of a catalogue and some packages; ``comparison_table`` turns its
result into the table of ``negotiator compare`` (metrics as rows, packages as columns, so that an
analyst reads each package down a column) and ``comparison_document`` into the JSON document of
§8.  The metrics come from ``negotiator.domain.metrics`` and the verdicts from
``negotiator.domain.evaluate``: nothing is measured twice.

Dominance (§4): A dominates B when, for every party, A's gain is at least B's and A's exposure at
most B's, A satisfies every party B satisfies, and at least one of these comparisons is strict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from negotiator.domain.evaluate import Checker, PackageCheck
from negotiator.domain.metrics import PackageMetrics, move_values, package_metrics
from negotiator.domain.model import Catalogue, Package
from negotiator.domain.table import Table


class Compared(NamedTuple):
    """One package in a comparison."""

    metrics: PackageMetrics
    check: PackageCheck
    dominated_by: tuple[str, ...]
    dominates: tuple[str, ...]

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


def compare(catalogue: Catalogue, packages: Sequence[Package]) -> Comparison:
    """Metrics, check verdicts and dominance of ``packages`` (in the order given)."""
    values = move_values(catalogue)
    checker = Checker(catalogue)
    measured = [(package_metrics(catalogue, p, values), checker.check(p)) for p in packages]
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
    return Comparison(tuple(p.code for p in catalogue.parties), tuple(compared))


def comparison_table(comparison: Comparison) -> Table:
    """Metrics as rows, packages as columns; per-party rows follow the package-wide ones."""
    packages = comparison.packages
    party_count = len(comparison.parties)

    def row(label: str, cell) -> tuple[Any, ...]:
        return (label, *(cell(p) for p in packages))

    rows = [
        row("valid", lambda p: p.check.valid),
        row("parties satisfied", lambda p: f"{len(p.satisfied)}/{party_count}"),
        row("steps", lambda p: p.metrics.steps),
        row("moves", lambda p: p.metrics.moves),
        row("reciprocity", lambda p: round(p.metrics.reciprocity, 2)),
        row("max exposure", lambda p: p.metrics.max_exposure),
        row("min gain", lambda p: p.metrics.min_gain),
        row("total gain", lambda p: p.metrics.total_gain),
    ]
    for party in comparison.parties:
        rows += [
            row(f"{party} satisfied", lambda p, party=party: party in p.satisfied),
            row(f"{party} gain", lambda p, party=party: p.metrics.parties[party].gain),
            row(f"{party} exposure", lambda p, party=party: p.metrics.parties[party].exposure),
            row(f"{party} first move", lambda p, party=party: p.metrics.parties[party].first_move),
            row(f"{party} first gain", lambda p, party=party: p.metrics.parties[party].first_gain),
        ]
    rows += [
        row("dominates", lambda p: ", ".join(p.dominates)),
        row("dominated by", lambda p: ", ".join(p.dominated_by)),
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
                "parties": {
                    party: {
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
