"""What is in force: the positions and conditions a party holds in an era, on a date, over a window.

A change of government changes what a party demands and accepts.  An *era* is a dated period of
one party (start inclusive, end exclusive, no end = ongoing); a position or condition may name an
era of its own party, and one with no era is *standing*.  The rule is written once, in
:func:`catalogue_in_force`:

* in an era, a party's positions are its standing ones, except that an era position on move M
  replaces the standing position on M;
* its conditions are its standing conditions plus that era's;
* judged in no era (a date outside all its eras), it has its standing rows only;
* rules (conditions of no party) hold whatever the eras.

Everything that judges a package -- values, metrics, the evaluator, compare, the sequencer,
matrices, the tracker -- takes the catalogue this returns (a ``Catalogue`` whose ``judged_in``
says which era each party is judged in), so nothing else decides what is in force.

Which era a party is judged in (:func:`judged_eras`): the one containing the as-of date, unless a
*pin* names one whatever the date.  The *window* of a package (:func:`window`) runs from the
as-of date to the due date of its last step; :func:`spanned` lists the eras of a party the window
overlaps, a stretch outside every era of it counting as its standing rows (``None``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import NamedTuple

from negotiator.domain.model import Catalogue, Condition, Era, Package, Position

Pins = Mapping[str, str]
# An assignment of eras: (party, era) for each party judged in an era, in party order.
Assignment = tuple[tuple[str, str], ...]


class InForce(NamedTuple):
    """A party's positions and conditions in force."""

    positions: tuple[Position, ...]
    conditions: tuple[Condition, ...]


def catalogue_in_force(catalogue: Catalogue, eras: Mapping[str, str | None]) -> Catalogue:
    """The catalogue with each party's positions and conditions of the era ``eras`` gives it
    (a party absent or mapped to None: its standing rows only).  The one place that decides what
    is in force (see the module's doc)."""
    era_of = {party: era for party, era in eras.items() if era is not None}
    replaced = {(p.party, p.move) for p in catalogue.positions if p.era is not None and era_of.get(p.party) == p.era}
    positions = tuple(
        p for p in catalogue.positions
        if (p.era is None and (p.party, p.move) not in replaced) or (p.era is not None and era_of.get(p.party) == p.era)
    )
    conditions = tuple(
        c for c in catalogue.conditions
        if c.era is None or (c.party is not None and era_of.get(c.party) == c.era)
    )
    order = {p.code: i for i, p in enumerate(catalogue.parties)}
    judged = tuple(sorted(era_of.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))
    return replace(catalogue, positions=positions, conditions=conditions, judged_in=judged)


def in_force(catalogue: Catalogue, party: str, era: str | None) -> InForce:
    """``party``'s positions and conditions in force in ``era`` (None: standing only)."""
    view = catalogue_in_force(catalogue, {party: era})
    return InForce(tuple(p for p in view.positions if p.party == party),
                   tuple(c for c in view.conditions if c.party == party))


def require_in_force(catalogue: Catalogue) -> None:
    """Refuse to judge a stored catalogue that holds era rows: it would judge every era at once.
    What judges (values, the evaluator) takes the catalogue in force instead."""
    if catalogue.judged_in is None and (any(p.era is not None for p in catalogue.positions)
                                        or any(c.era is not None for c in catalogue.conditions)):
        raise ValueError("a catalogue with era positions or conditions is judged in force: "
                         "use Catalogue.in_force (negotiator.domain.eras)")


# --- which era ------------------------------------------------------------------------------------


def era_on(eras: Iterable[Era], day: date) -> Era | None:
    """The era (of one party) that contains ``day``, if any."""
    for era in eras:
        if era.contains(day):
            return era
    return None


def judged_eras(catalogue: Catalogue, as_of: date, pins: Pins | None = None) -> Assignment:
    """Which era each party is judged in: its pin, else the era containing ``as_of``; parties in
    no era are left out.  Pins are taken as given (:func:`negotiator.domain.rules.pin_problems`
    checks them)."""
    pins = pins or {}
    found = []
    for party in catalogue.parties:
        if party.code in pins:
            found.append((party.code, pins[party.code]))
            continue
        era = era_on(catalogue.eras_of.get(party.code, ()), as_of)
        if era is not None:
            found.append((party.code, era.name))
    return tuple(found)


def in_force_on(catalogue: Catalogue, as_of: date, pins: Pins | None = None) -> Catalogue:
    """The catalogue in force on ``as_of``, each pinned party in its pinned era."""
    return catalogue_in_force(catalogue, dict(judged_eras(catalogue, as_of, pins)))


class InForceCache:
    """Catalogues in force, each made once per assignment of eras (``check --all`` judges each
    package on its own date; packages of one government share one catalogue)."""

    def __init__(self, catalogue: Catalogue, pins: Pins | None = None):
        self.catalogue = catalogue
        self.pins = dict(pins or {})
        self._by_day: dict[date, Assignment] = {}
        self._by_assignment: dict[Assignment, Catalogue] = {}

    def assignment(self, day: date) -> Assignment:
        found = self._by_day.get(day)
        if found is None:
            found = self._by_day[day] = judged_eras(self.catalogue, day, self.pins)
        return found

    def of(self, assignment: Assignment) -> Catalogue:
        found = self._by_assignment.get(assignment)
        if found is None:
            found = self._by_assignment[assignment] = catalogue_in_force(self.catalogue, dict(assignment))
        return found

    def on(self, day: date) -> Catalogue:
        return self.of(self.assignment(day))


def as_of_date(package: Package | None, as_of: date | None, today: date) -> date:
    """The day a package is judged on: ``as_of`` when given, else the package's date, else today."""
    if as_of is not None:
        return as_of
    if package is not None and package.date is not None:
        return package.date
    return today


# --- windows --------------------------------------------------------------------------------------


def window(package: Package | None, as_of: date) -> tuple[date, date]:
    """From the as-of date to the due date of the package's last step that has one (just the
    as-of date when none has one, or when that due date is earlier)."""
    dues = [step.due for step in package.steps if step.due is not None] if package is not None else []
    last = dues[-1] if dues else as_of
    return as_of, max(as_of, last)


def spanned(eras: Sequence[Era], first: date, last: date) -> tuple[str | None, ...]:
    """The eras of one party (oldest first) that the window ``first``..``last`` (both included)
    overlaps, in time order; None for each stretch of the window outside every one of them."""
    found: list[str | None] = []
    cursor: date | None = first  # the first day of the window not yet accounted for
    for era in sorted(eras, key=lambda e: e.start):
        if cursor is None or not era.overlaps(cursor, last):
            continue
        if era.start > cursor:
            found.append(None)
        found.append(era.name)
        cursor = era.end if era.end is not None and era.end <= last else None
    if cursor is not None:
        found.append(None)
    return tuple(found)
