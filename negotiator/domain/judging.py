"""Judging packages in eras: on their dates, across every era of each party, and robustly.

Every verdict here comes from the catalogue in force (:mod:`negotiator.domain.eras`) and the one
evaluator (:class:`~negotiator.domain.evaluate.Checker`):

* :class:`Bench` judges each package on its own date (``--as-of``, else the package's date,
  else today), each pinned party in its pinned era, with one compiled ``Checker`` per
  assignment of eras;
* :meth:`Bench.across` adds each party's verdict in every one of its eras (the others staying at
  the as-of date): a party's verdict depends on its own era only;
* :meth:`Bench.robust` judges each party in every era the package's window spans (from the as-of
  date to its last due date); it is robustly satisfied when satisfied in each;
* :func:`era_conditions` is what the solvers (``sequence``, ``compose``) are given instead: the
  conditions of each party in each era it is judged in, which of them decide it, and the values
  their balances measure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from negotiator.domain.eras import (
    Assignment,
    InForceCache,
    as_of_date,
    catalogue_in_force,
    spanned,
    window,
)
from negotiator.domain.evaluate import Checker, EraCheck, Judged, PackageCheck, PartyCheck, effective_conditions
from negotiator.domain.metrics import move_values
from negotiator.domain.model import Catalogue, Package


@dataclass(frozen=True)
class Judging:
    """When and in which eras packages are judged: ``as_of`` (None: each package's date, else
    ``today``) and ``pins`` (party -> era, whatever the date)."""

    today: date
    as_of: date | None = None
    pins: Mapping[str, str] = field(default_factory=dict)

    def day(self, package: Package | None) -> date:
        return as_of_date(package, self.as_of, self.today)


class Bench:
    """Judges packages of one catalogue in eras, compiling each set of conditions once.

    ``parties`` limits the parties judged (rules are always judged); ``explain_passes`` as for
    :class:`Checker`.
    """

    def __init__(self, catalogue: Catalogue, judging: Judging, parties: Iterable[str] | None = None,
                 explain_passes: bool = True):
        self.catalogue = catalogue
        self.judging = judging
        self.parties = None if parties is None else tuple(parties)
        self.explain_passes = explain_passes
        self.views = InForceCache(catalogue, judging.pins)
        self._checkers: dict[Assignment, Checker] = {}
        self._era_checkers: dict[tuple[str, str | None], Checker] = {}

    # ---- on the as-of date

    def view(self, package: Package | None) -> Catalogue:
        """The catalogue in force for ``package`` (on its as-of date, with the pins)."""
        return self.views.on(self.judging.day(package))

    def checker(self, package: Package | None) -> Checker:
        assignment = self.views.assignment(self.judging.day(package))
        found = self._checkers.get(assignment)
        if found is None:
            found = self._checkers[assignment] = Checker(self.views.of(assignment), self.parties, self.explain_passes)
        return found

    def check(self, package: Package) -> PackageCheck:
        return self.checker(package).check(package)

    # ---- in one era of one party

    def in_era(self, package: Package, party: str, era: str | None) -> EraCheck:
        """How ``package`` fares with ``party`` in ``era`` (None: on its standing rows alone)."""
        key = (party, era)
        checker = self._era_checkers.get(key)
        if checker is None:
            checker = self._era_checkers[key] = Checker(catalogue_in_force(self.catalogue, {party: era}), [party],
                                                        self.explain_passes)
        (found,) = checker.check(package).parties
        return EraCheck(era, found.satisfied, found.passed, found.total, found.conditions, found.stake)

    # ---- across eras and robustly

    def across(self, package: Package) -> PackageCheck:
        """The check on the as-of date, each party with its verdict in every one of its eras
        (first, for a party with eras judged outside all of them on that date, its verdict on
        its standing rows)."""
        check = self.check(package)
        parties = []
        for party in check.parties:
            eras = self.catalogue.eras_of.get(party.party, ())
            verdicts = tuple(self.in_era(package, party.party, era.name) for era in eras)
            if eras and party.era is None:
                verdicts = (EraCheck(None, party.satisfied, party.passed, party.total, party.conditions,
                                     party.stake),) + verdicts
            parties.append(party._replace(eras=verdicts))
        return check._replace(parties=tuple(parties))

    def spans(self, package: Package | None) -> dict[str, tuple[str | None, ...]]:
        """Party -> the eras the package's window spans (a pinned party: its pinned era; no
        package: the as-of date alone)."""
        first, last = window(package, self.judging.day(package))
        return {
            party.code: (self.judging.pins[party.code],) if party.code in self.judging.pins
            else spanned(self.catalogue.eras_of.get(party.code, ()), first, last)
            for party in self.catalogue.parties
        }

    def robust(self, package: Package) -> PackageCheck:
        """The check on the as-of date, each party's verdict being whether it is satisfied in
        every era the package's window spans (listed in ``eras``)."""
        check = self.check(package)
        spans = self.spans(package)
        parties = []
        for party in check.parties:
            eras = tuple(self.in_era(package, party.party, era) for era in spans.get(party.party, (None,)))
            robust = all(e.satisfied for e in eras)
            parties.append(party._replace(satisfied=robust, eras=eras, robust=robust,
                                          stake=any(e.stake for e in eras)))
        return check._replace(parties=tuple(parties))


def broken_by(party: PartyCheck) -> tuple[str | None, ...]:
    """The spanned eras in which a party judged robustly is not satisfied."""
    return tuple(e.era for e in party.eras or () if not e.satisfied)


# --- what the solvers judge ------------------------------------------------------------------------


class EraConditions(NamedTuple):
    """The conditions of each party in each era it is judged in, for a solver.

    ``catalogue`` is the catalogue in force with each party in the first of its eras (its
    values give the parties' balances, exposures and gains).  ``judged`` holds the rules and,
    for each party and era, the party's conditions in force in that era, each labelled with
    that era; ``decides`` the indices of the non-soft ones of each party, over all its eras;
    ``values`` each move's value to each party and, under ``PARTY@ERA``, to a party in its
    other eras; ``measures`` whose values the balance of each judged condition measures.
    """

    catalogue: Catalogue
    judged: tuple[Judged, ...]
    values: dict[str, dict[str, int]]
    decides: dict[str, tuple[int, ...]]
    measures: dict[int, str]
    spans: dict[str, tuple[str | None, ...]]


def era_key(party: str, era: str | None) -> str:
    """The key of ``values`` under which a party's values in another era are kept (a party code
    cannot hold ``@``)."""
    return f"{party}@{era or ''}"


def era_conditions(catalogue: Catalogue, spans: Mapping[str, Sequence[str | None]]) -> EraConditions:
    """What a solver judges when each party is judged in the eras ``spans`` gives it (the first
    one for its balances and metrics; a party absent: on its standing rows)."""
    firsts = {party: eras[0] for party, eras in spans.items() if eras}
    base = catalogue_in_force(catalogue, firsts)
    judged: list[Judged] = []
    measures: dict[int, str] = {}
    values = move_values(base)
    for j in effective_conditions(base):
        party = j.condition.party
        if party is not None:
            j = j._replace(condition=replace(j.condition, era=firsts.get(party)))
        judged.append(j)
    for party, eras in spans.items():
        for era in dict.fromkeys(eras[1:]):
            if era == firsts.get(party):
                continue
            view = catalogue_in_force(catalogue, {party: era})
            key = era_key(party, era)
            for move, row in move_values(view).items():
                values.setdefault(move, {})[key] = row.get(party, 0)
            for j in effective_conditions(view):
                if j.condition.party == party:
                    measures[len(judged)] = key
                    judged.append(j._replace(condition=replace(j.condition, era=era)))
    decides: dict[str, list[int]] = {p.code: [] for p in catalogue.parties}
    for index, j in enumerate(judged):
        if j.condition.party is not None and not j.condition.soft:
            decides.setdefault(j.condition.party, []).append(index)
    return EraConditions(base, tuple(judged), values, {p: tuple(d) for p, d in decides.items()}, measures,
                         {party: tuple(eras) for party, eras in spans.items()})


def solver_spans(bench: Bench, package: Package | None, robust: bool) -> dict[str, tuple[str | None, ...]]:
    """The eras each party is judged in by a solver: the as-of era alone, or with ``robust``
    every era the window of ``package`` spans."""
    if robust:
        return bench.spans(package)
    era_of = bench.view(package).era_of
    return {party.code: (era_of.get(party.code),) for party in bench.catalogue.parties}
