"""A brief: everything the HTML report and the charts show, as plain values.

``build_brief`` gathers, for each package, what the other domain functions already compute --
the steps × parties grid (``matrices.package_matrix``), each party's verdict and reasons
(``evaluate.Checker``), the balance series and exposures (``metrics.package_metrics``), the
implementation levels over time (``tracker.package_status`` at each date of its history) -- and,
for several packages, the comparison (``compare.compare``) and which packages are
Pareto-optimal in the parties' gains.  Nothing is measured here that is measured elsewhere.

The renderers (``negotiator.briefing``: HTML through templates, charts through matplotlib)
only lay these values out, so a web view or another format could show the same brief.

Each package is judged in the eras of its own date (``negotiator.domain.judging``): every
party's verdict says which era it was judged in (``era``) and, when the brief is asked to judge
robustly, whether it stays satisfied in every era the package's window spans (``robust``, with
the eras that break it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from negotiator.domain.compare import pareto_optimal  # noqa: F401  (Pareto-optimality is decided there)
from negotiator.domain.errors import InvalidValue
from negotiator.domain.evaluate import ConditionResult, PackageCheck
from negotiator.domain.metrics import PackageMetrics, move_values, package_metrics
from negotiator.domain.model import Catalogue, Package
from negotiator.domain.table import Table

if TYPE_CHECKING:
    from negotiator.domain.judging import Judging

# Statuses of a package that is being (or was) carried out: its implementation is shown.
CARRIED_OUT = ("agreed", "implementing", "completed", "collapsed")


@dataclass(frozen=True)
class ConditionLine:
    """One condition as judged: its text (with its name), whether it passed, and why."""

    text: str
    name: str | None
    origin: str  # 'condition' or 'position' (a position's bound)
    soft: bool
    passed: bool
    reason: str
    judged_in: str | None = None  # set on a condition judged in another era than the as-of one

    @property
    def label(self) -> str:
        label = f"{self.name}: {self.text}" if self.name else self.text
        label = label + " (position bound)" if self.origin == "position" else label
        return label + (f" (under {self.judged_in})" if self.judged_in else "")


@dataclass(frozen=True)
class PartyVerdict:
    """Whether a package satisfies one party, and the reasons.

    ``era`` and ``robust`` are filled once parties have eras: the era the party was judged in,
    and whether it stays satisfied in every era the package spans.
    """

    party: str
    name: str
    satisfied: bool
    passed: int
    total: int
    conditions: tuple[ConditionLine, ...]
    stake: bool = True
    era: str | None = None
    robust: bool | None = None
    broken_by: tuple[str | None, ...] = ()

    @property
    def word(self) -> str:
        if not self.stake:
            return "no stake"
        return "satisfied" if self.satisfied else "NOT satisfied"

    @property
    def failed(self) -> tuple[ConditionLine, ...]:
        return tuple(c for c in self.conditions if not c.passed)


@dataclass(frozen=True)
class BalanceSeries:
    """Each party's balance after each step, and its exposure (the most it is out of pocket)."""

    steps: tuple[str, ...]  # the label of each step
    balances: dict[str, tuple[int, ...]]
    exposure: dict[str, int]
    gain: dict[str, int]

    def involved(self) -> list[str]:
        """Parties whose balance moves at all in the package (the others are left off charts)."""
        return [p for p, series in self.balances.items() if any(series)]


@dataclass(frozen=True)
class MoveProgress:
    """One placed move's implementation on the last date of the history."""

    step: int
    move: str
    actor: str
    level: str  # 0..3 or reversed
    since: date | None
    note: str


@dataclass(frozen=True)
class ImplementationSeries:
    """How far each acting party had carried out its own moves, at each date of the history:
    the mean of level/3 over its moves (reversed counts as 0), from 0 to 1."""

    dates: tuple[date, ...]
    shares: dict[str, tuple[float, ...]]
    moves: tuple[MoveProgress, ...]
    summary: str


@dataclass(frozen=True)
class Summary:
    """The package-wide metrics, as ``compare`` shows them."""

    valid: bool
    satisfied: int
    with_stake: int
    steps: int
    moves: int
    reciprocity: float
    max_exposure: int
    min_gain: int
    total_gain: int
    robust: int | None = None  # judged robustly: the parties with a stake satisfied in every era


@dataclass(frozen=True)
class PackageBrief:
    name: str
    title: str
    description: str
    status: str
    based_on: str | None
    grid: Table
    summary: Summary
    rules: tuple[ConditionLine, ...]
    parties: tuple[PartyVerdict, ...]
    balance: BalanceSeries | None  # None for a package without steps
    implementation: ImplementationSeries | None  # None unless the package is being carried out
    date: date | None = None  # when it was or will be proposed or signed: the eras it is judged in

    @property
    def has_steps(self) -> bool:
        return self.balance is not None

    @property
    def failed_rules(self) -> tuple[ConditionLine, ...]:
        return tuple(r for r in self.rules if not r.passed)

    @property
    def shows_eras(self) -> bool:
        return any(p.era is not None or p.robust is not None for p in self.parties)

    @property
    def shows_robustness(self) -> bool:
        """Whether the parties were judged robustly (``report --robust``)."""
        return any(p.robust is not None for p in self.parties)


@dataclass(frozen=True)
class GainPoint:
    """One package in the gains space: each party's gain, and whether another package given
    gives every party at least as much and one party more (then it is not Pareto-optimal)."""

    package: str
    gains: dict[str, int]
    min_gain: int
    total_gain: int
    satisfied: int
    pareto_optimal: bool


@dataclass(frozen=True)
class ComparisonBrief:
    table: Table
    points: tuple[GainPoint, ...]


@dataclass(frozen=True)
class Brief:
    title: str
    made_on: date
    parties: tuple[tuple[str, str], ...]  # (code, name) in catalogue order
    packages: tuple[PackageBrief, ...]
    comparison: ComparisonBrief | None = None
    notes: tuple[str, ...] = field(default=())

    def package(self, name: str) -> PackageBrief:
        for package in self.packages:
            if package.name == name:
                return package
        raise KeyError(name)


# --- building ---------------------------------------------------------------------------------


def _lines(results: Sequence[ConditionResult], judged_in: str | None = None) -> tuple[ConditionLine, ...]:
    return tuple(ConditionLine(r.text, r.name, r.origin, r.soft, r.passed, r.reason, judged_in) for r in results)


def _verdicts(catalogue: Catalogue, check: PackageCheck) -> tuple[PartyVerdict, ...]:
    """Each party's verdict; judged robustly, its reasons include the failures of every era that
    breaks it (labelled with the era)."""
    from negotiator.domain.judging import broken_by

    names = {p.code: p.name for p in catalogue.parties}
    verdicts = []
    for p in check.parties:
        lines = _lines(p.conditions)
        for era in p.eras or () if p.robust is not None else ():
            if era.era != p.era and not era.satisfied:
                lines += tuple(line for line in _lines(era.conditions, era.era or "standing positions")
                               if not line.passed)
        # The verdict is the one of the era the party was judged in; robustness is said apart.
        satisfied = p.satisfied
        if p.robust is not None:
            satisfied = next((e.satisfied for e in p.eras or () if e.era == p.era), p.satisfied)
        verdicts.append(PartyVerdict(p.party, names.get(p.party, p.party), satisfied, p.passed, p.total, lines,
                                     stake=p.stake, era=p.era, robust=p.robust, broken_by=broken_by(p)))
    return tuple(verdicts)


def _balance(package: Package, metrics: PackageMetrics) -> BalanceSeries | None:
    if not package.steps:
        return None
    labels = tuple(step.label or f"step {ordinal}" for ordinal, step in enumerate(package.steps, 1))
    return BalanceSeries(
        steps=labels,
        balances={p: m.balances for p, m in metrics.parties.items()},
        exposure={p: m.exposure for p, m in metrics.parties.items()},
        gain={p: m.gain for p, m in metrics.parties.items()},
    )


def implementation_series(catalogue: Catalogue, package: Package, today: date | None = None) -> ImplementationSeries:
    """The state of ``package`` at each date of its implementation history (``tracker``)."""
    from negotiator.domain.tracker import package_status, realised_fraction, summary

    dates = sorted({e.at.date() for e in package.history if e.kind == "level"})
    actors: dict[str, list[str]] = {}
    for _, placement in package.placements():
        actors.setdefault(catalogue.move(placement.move).actor, []).append(placement.move)
    shares: dict[str, list[float]] = {party: [] for party in actors}
    for when in dates:
        state = package_status(catalogue, package, when)
        level = {m.move: m.level for s in state.steps for m in s.moves}
        for party, moves in actors.items():
            shares[party].append(sum(realised_fraction(level[m]) for m in moves) / len(moves))
    now = package_status(catalogue, package, None, today=today)
    progress = tuple(
        MoveProgress(m.step, m.move, m.actor, m.level, m.since, m.note) for s in now.steps for m in s.moves
    )
    return ImplementationSeries(tuple(dates), {p: tuple(v) for p, v in shares.items()}, progress, summary(now))


def _package_brief(catalogue: Catalogue, package: Package, check: PackageCheck, metrics: PackageMetrics,
                   today: date | None) -> PackageBrief:
    from negotiator.domain.matrices import package_matrix

    verdicts = _verdicts(catalogue, check)
    tracked = package.status in CARRIED_OUT or any(e.kind == "level" for e in package.history)
    return PackageBrief(
        name=package.name,
        title=package.title,
        description=package.description,
        status=package.status,
        date=package.date,
        based_on=package.based_on,
        grid=package_matrix(catalogue, package),
        summary=Summary(
            valid=check.valid,
            satisfied=sum(v.satisfied for v in verdicts if v.stake),
            with_stake=sum(v.stake for v in verdicts),
            steps=metrics.steps,
            moves=metrics.moves,
            reciprocity=metrics.reciprocity,
            max_exposure=metrics.max_exposure,
            min_gain=metrics.min_gain,
            total_gain=metrics.total_gain,
            robust=(sum(bool(v.robust) for v in verdicts if v.stake)
                    if any(v.robust is not None for v in verdicts) else None),
        ),
        rules=_lines(check.rules),
        parties=verdicts,
        balance=_balance(package, metrics),
        implementation=implementation_series(catalogue, package, today) if tracked and package.steps else None,
    )


def _comparison(catalogue: Catalogue, packages: Sequence[Package], views: Sequence[Catalogue]) -> ComparisonBrief:
    from negotiator.domain.compare import compare, comparison_table

    comparison = compare(catalogue, packages, views)
    gains = [{p: m.gain for p, m in c.metrics.parties.items()} for c in comparison.packages]
    points = tuple(
        GainPoint(c.name, g, c.metrics.min_gain, c.metrics.total_gain, len(c.satisfied), c.pareto_optimal)
        for c, g in zip(comparison.packages, gains)
    )
    return ComparisonBrief(comparison_table(comparison), points)


def build_brief(catalogue: Catalogue, packages: Sequence[Package], made_on: date, title: str | None = None,
                judging: Judging | None = None, robust: bool = False) -> Brief:
    """The brief of ``packages`` (in the order given); with two or more, their comparison too.
    ``made_on`` dates the brief and is the day overdue steps are judged against.  Each package is
    judged in the eras of its date (or as ``judging`` says); with ``robust``, every party also in
    each era the package's window spans."""
    from negotiator.domain.judging import Bench
    from negotiator.domain.judging import Judging as Chosen

    if not packages:
        raise InvalidValue("there is no package to report on")
    bench = Bench(catalogue, judging or Chosen(today=made_on))
    views = [bench.view(p) for p in packages]
    briefs = tuple(
        _package_brief(view, p, bench.robust(p) if robust else bench.check(p),
                       package_metrics(view, p, move_values(view)), made_on)
        for view, p in zip(views, packages)
    )
    if title is None:
        title = f"Brief: {len(packages)} packages"
        if len(packages) == 1:
            title = f"Brief: {packages[0].title or packages[0].name}"
    return Brief(
        title=title,
        made_on=made_on,
        parties=tuple((p.code, p.name) for p in catalogue.parties),
        packages=briefs,
        comparison=_comparison(catalogue, packages, views) if len(packages) > 1 else None,
    )
