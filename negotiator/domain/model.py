"""Immutable domain values: parties, moves, positions, conditions, packages and their history.

These are what every other layer exchanges.  The database layer (``negotiator.db``) turns rows
into these values and back; scenario files (``negotiator.scenario``) do the same for YAML; the
evaluator, metrics, sequencer and tracker only ever see these values.  Nothing here knows about
SQL, files or the command line.

Numbers (quantities, bounds) are floats; weights and costs are ints.  A step's ordinal is its
1-based index in ``Package.steps``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from negotiator.domain.comparators import holds
from negotiator.domain.errors import InvalidValue, UnknownCode

_Date = date  # ``Package.date`` shadows the name inside the class

STANCES = ("demand", "offer", "oppose")
STATUSES = ("draft", "proposed", "agreed", "implementing", "completed", "collapsed")
LEVELS = ("0", "1", "2", "3", "reversed")
COMPARATORS = (">=", "<=", ">", "<", "=", "!=")

# Reserved words of the condition language (DESIGN §3); none of them can be a move code.
KEYWORDS = frozenset(
    {"includes", "excludes", "before", "after", "with", "by", "step", "and", "or", "not",
     "if", "unless", "balance", "exposure", "steps"}
)

MOVE_CODE = re.compile(r"[a-z][a-z0-9]*([.-][a-z0-9]+)*")
PARTY_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
ISSUE_CODE = MOVE_CODE
PACKAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
ERA_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")


def _checked(code: str, kind: str) -> str:
    from negotiator.domain.rules import code_problems, raise_first

    raise_first(code_problems("code", code, kind))
    return code


def check_move_code(code: str) -> str:
    """Return ``code`` if it is a valid move code (DESIGN §3), else raise InvalidValue."""
    return _checked(code, "move code")


def check_party_code(code: str) -> str:
    return _checked(code, "party code")


def check_issue_code(code: str) -> str:
    return _checked(code, "issue code")


def check_package_name(name: str) -> str:
    return _checked(name, "package name")


CONDITION_NAME = PACKAGE_NAME


def check_condition_name(name: str) -> str:
    """Return ``name`` if it may name a condition; a number refers to a condition's id instead."""
    return _checked(name, "condition name")


# Weights, costs and ordinals are stored as 32-bit integers on every database.
LARGEST_INT = 2**31 - 1


def format_number(value: float | None) -> str:
    """Canonical text of a number: no exponent, integral values without a decimal point.

    ``float(format_number(v)) == v`` for every finite float, so a bound or quantity written out
    reads back (and parses as a condition number) unchanged.
    """
    if value is None:
        return ""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def parse_number(text: str, what: str = "number") -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        raise InvalidValue(f"'{text}' is not a {what}: expected a number such as 300 or 12.5") from None
    if not math.isfinite(value):
        raise InvalidValue(f"'{text}' is not a {what}: expected a finite number")
    return value


def parse_int(text: str | int, what: str, minimum: int | None = None, maximum: int = LARGEST_INT) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise InvalidValue(f"{what} must be a whole number, not '{text}'") from None
    from negotiator.domain.rules import raise_first, whole_number_problems

    raise_first(whole_number_problems(what, value, minimum, maximum))
    return value


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A date, then optionally a time (seconds and a fraction optional) and a UTC offset: the forms
# ``isoformat()`` writes, read the same on every Python (3.11's ``fromisoformat`` reads more).
_TIMESTAMP = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ]([0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?)"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?)?"
)


def parse_date(text: str | date, what: str = "date") -> date:
    """A date written strictly as YYYY-MM-DD (no week dates, no compact forms)."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    raw = str(text).strip()
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidValue(f"'{text}' is not a valid {what}: expected YYYY-MM-DD, e.g. 2027-03-01") from None


def parse_timestamp(text: str | date | datetime, what: str = "timestamp") -> datetime:
    """YYYY-MM-DD, or that with a time (``T`` or a space, then HH:MM[:SS[.ffffff]]) and an
    optional UTC offset (``Z`` or ``+HH:MM``)."""
    if isinstance(text, datetime):
        return text
    if isinstance(text, date):
        return datetime(text.year, text.month, text.day)
    raw = str(text).strip()
    match = _TIMESTAMP.fullmatch(raw)
    try:
        if match is None:
            raise ValueError(raw)
        day, clock, zone = match.groups()
        if clock is None:
            return datetime.fromisoformat(day)
        if clock.count(":") == 1:
            clock += ":00"
        if "." in clock:
            whole, fraction = clock.split(".")
            clock = f"{whole}.{fraction.ljust(6, '0')}"
        zone = "+00:00" if zone == "Z" else (zone or "")
        return datetime.fromisoformat(f"{day}T{clock}{zone}")
    except ValueError:
        raise InvalidValue(
            f"'{text}' is not a valid {what}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, e.g. 2027-03-01"
        ) from None


@dataclass(frozen=True)
class Bound:
    """A limit on a move's quantity, e.g. ``>= 300``."""

    op: str
    value: float

    @property
    def text(self) -> str:
        return f"{self.op} {format_number(self.value)}"

    def holds(self, quantity: float) -> bool:
        return compare(quantity, self.op, self.value)


# What each comparator means is written once, in negotiator.domain.comparators.
compare = holds


_BOUND = re.compile(r"\s*(>=|<=|!=|>|<|=)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*")


def parse_bound(text: str) -> Bound:
    """Parse ``OP NUMBER`` (e.g. ``>= 300``); raise InvalidValue otherwise."""
    match = _BOUND.fullmatch(str(text))
    if not match:
        raise InvalidValue(
            f"'{text}' is not a valid bound: expected an operator and a number, e.g. '>= 300' "
            f"(operators: {' '.join(COMPARATORS)})"
        )
    return Bound(match.group(1), float(match.group(2)))


@dataclass(frozen=True)
class Party:
    code: str
    name: str
    notes: str = ""
    source: str = ""


@dataclass(frozen=True)
class Issue:
    code: str
    title: str


@dataclass(frozen=True)
class Move:
    code: str
    actor: str
    title: str
    issue: str | None = None
    description: str = ""
    unit: str | None = None
    cost: int = 1
    reversible: bool = True
    source: str = ""


@dataclass(frozen=True)
class Era:
    """A dated period of one party in which its era positions and conditions hold, typically a
    government: ``start`` is its first day, ``end`` the first day after it (None: ongoing)."""

    party: str
    name: str
    title: str
    start: date
    end: date | None = None
    source: str = ""

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, first: date, last: date) -> bool:
        """Whether the era holds on some day from ``first`` to ``last`` (both included)."""
        return self.start <= last and (self.end is None or first < self.end)

    @property
    def span(self) -> str:
        """``2008-02-25 to 2013-02-25`` (the end excluded), or ``from 2025-06-04`` when ongoing."""
        if self.end is None:
            return f"from {self.start.isoformat()}"
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


@dataclass(frozen=True)
class Position:
    """What ``party`` thinks of ``move``; ``era`` names the era of the party it holds in (None:
    standing, in every era unless an era position on the same move replaces it)."""

    party: str
    move: str
    stance: str
    weight: int = 1
    bound: Bound | None = None
    source: str = ""
    era: str | None = None


@dataclass(frozen=True)
class Condition:
    """A party's acceptance rule (``party`` set) or a rule every package obeys (``party`` None);
    ``era`` names the era of the party it holds in (None: standing; a rule has none)."""

    text: str
    party: str | None = None
    name: str | None = None
    soft: bool = False
    source: str = ""
    era: str | None = None

    @property
    def is_rule(self) -> bool:
        return self.party is None


class Placement(NamedTuple):
    """A move placed in a step, with its quantity and implementation level.

    A NamedTuple rather than a dataclass: ``check --all`` builds hundreds of thousands of them,
    and a tuple is built in about half the time.
    """

    move: str
    quantity: float | None = None
    level: str = "0"


@dataclass(frozen=True)
class Step:
    label: str = ""
    due: date | None = None
    placements: tuple[Placement, ...] = ()


@dataclass(frozen=True)
class Event:
    """One entry of a package's append-only history.

    ``kind`` is e.g. ``created``, ``placed``, ``status`` or ``level`` (an implementation update,
    ``new`` being the level ``0``..``3`` or ``reversed``).
    """

    at: datetime
    kind: str
    move: str | None = None
    old: str | None = None
    new: str | None = None
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class Package:
    """A package of steps; ``date`` is when it was or will be proposed or signed, the day it is
    judged on unless told otherwise."""

    name: str
    title: str = ""
    description: str = ""
    status: str = "draft"
    based_on: str | None = None
    steps: tuple[Step, ...] = ()
    history: tuple[Event, ...] = ()
    date: _Date | None = None

    def step_of(self) -> dict[str, int]:
        """Move code -> 1-based ordinal of the step holding it."""
        return {p.move: i for i, step in enumerate(self.steps, 1) for p in step.placements}

    def quantities(self) -> dict[str, float | None]:
        return {p.move: p.quantity for step in self.steps for p in step.placements}

    def placements(self) -> list[tuple[int, Placement]]:
        return [(i, p) for i, step in enumerate(self.steps, 1) for p in step.placements]


@dataclass(frozen=True)
class Catalogue:
    """Everything a package is judged against: parties, moves, positions, conditions, eras.

    As stored, a catalogue holds every position and condition of every era.  A package is
    judged against the catalogue *in force* (:meth:`in_force`, :mod:`negotiator.domain.eras`):
    for each party, the positions and conditions of the era it is judged in, and
    ``judged_in`` says which era that is for each party that has one.
    """

    parties: tuple[Party, ...] = ()
    issues: tuple[Issue, ...] = ()
    moves: tuple[Move, ...] = ()
    positions: tuple[Position, ...] = ()
    conditions: tuple[Condition, ...] = field(default=())
    eras: tuple[Era, ...] = ()
    judged_in: tuple[tuple[str, str], ...] | None = None  # (party, era) pairs; None: not yet in force

    @property
    def resolved(self) -> bool:
        """Whether this is a catalogue in force (every party in one era, or in none)."""
        return self.judged_in is not None

    @cached_property
    def era_of(self) -> dict[str, str]:
        """Party -> the era it is judged in (parties judged on standing rows alone are absent)."""
        return dict(self.judged_in or ())

    @cached_property
    def eras_of(self) -> dict[str, tuple[Era, ...]]:
        """Party -> its eras, oldest first."""
        found: dict[str, list[Era]] = {}
        for era in sorted(self.eras, key=lambda e: (e.party, e.start)):
            found.setdefault(era.party, []).append(era)
        return {party: tuple(eras) for party, eras in found.items()}

    def in_force(self, as_of: date, pins: Mapping[str, str] | None = None) -> Catalogue:
        """The catalogue in force on ``as_of`` with ``pins`` (party -> era, whatever the date):
        see :func:`negotiator.domain.eras.in_force_on`."""
        from negotiator.domain.eras import in_force_on

        return in_force_on(self, as_of, pins or {})

    @cached_property
    def party_by_code(self) -> dict[str, Party]:
        return {p.code: p for p in self.parties}

    @cached_property
    def move_by_code(self) -> dict[str, Move]:
        return {m.code: m for m in self.moves}

    def party(self, code: str) -> Party:
        try:
            return self.party_by_code[code]
        except KeyError:
            raise UnknownCode("party", code, self.party_by_code) from None

    def move(self, code: str) -> Move:
        try:
            return self.move_by_code[code]
        except KeyError:
            raise UnknownCode("move", code, self.move_by_code) from None


@dataclass(frozen=True)
class Scenario:
    """A whole scenario file: a catalogue and its packages (with their history)."""

    catalogue: Catalogue = Catalogue()
    packages: tuple[Package, ...] = ()
