"""Rules on packages: names, status and its transitions, steps, placements, tracking, history.

Also the one answer to "which level is a placement at on a date": :func:`latest_levels`, the
latest ``level`` event of each move (the tracker, the importer and the database layer all ask it).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime

from negotiator.domain.model import (
    LEVELS,
    STATUSES,
    Event,
    Move,
    Package,
    Placement,
    Position,
)
from negotiator.domain.rules.catalogue import choice_problems, reference_problems
from negotiator.domain.rules.problems import Problem
from negotiator.domain.rules.values import (
    code_problems,
    number_problems,
    number_text,
    text_problems,
)

# Rank along the lifecycle; the two ends share the last rank.
_RANK = {"draft": 0, "proposed": 1, "agreed": 2, "implementing": 3, "completed": 4, "collapsed": 4}
TRACKABLE = ("agreed", "implementing")
# Once a package is agreed its steps and placements are what the parties signed.
EDITABLE = ("draft", "proposed")
# History entries dated by what happened, which cannot be in the future.
DATED_KINDS = ("level", "status")


# --- the package itself ------------------------------------------------------------------------


def status_problems(status: str) -> list[Problem]:
    return choice_problems("status", status, STATUSES)


def package_problems(package: Package) -> list[Problem]:
    """The package's own fields: name, title, description, status, not based on itself."""
    found = [
        *code_problems("name", package.name, "package name"),
        *text_problems("title", package.title),
        *text_problems("description", package.description),
        *status_problems(package.status),
    ]
    if package.based_on is not None and package.based_on == package.name:
        found.append(Problem("based_on", f"package '{package.name}' cannot be based on itself"))
    return found


def based_on_problems(package: Package, known: Collection[str]) -> list[Problem]:
    """The package it is based on exists."""
    if package.based_on == package.name:
        return []
    return reference_problems("based_on", "package", package.based_on, known)


def is_forward(old: str, new: str) -> bool:
    return _RANK[new] > _RANK[old]


def transition_problems(old: str, new: str, force: bool = False, note: str = "") -> list[Problem]:
    """Going forward is free; going back (or between completed and collapsed) rewrites history,
    so it needs to be forced with a note saying why."""
    found = status_problems(new)
    if found:
        return found
    if old == new:
        return [Problem("status", f"the package is already {new}")]
    if is_forward(old, new):
        return []
    if not force:
        return [Problem("status", f"going from {old} back to {new} rewrites the package's history, so it "
                                  "must be forced, with a note saying why")]
    if not note.strip():
        return [Problem("note", f"going from {old} back to {new} needs a note saying why")]
    return []


def editable_problems(name: str, status: str) -> list[Problem]:
    if status in EDITABLE:
        return []
    return [Problem("status", f"package '{name}' is {status}, so its steps are fixed: what the parties "
                              "agreed stays as it was; draft changes in a copy of it, or force its status "
                              "back to proposed, with a note saying why")]


def trackable_problems(name: str, status: str) -> list[Problem]:
    if status in TRACKABLE:
        return []
    if status in ("draft", "proposed"):
        advice = "set its status to agreed first"
    else:  # completed or collapsed: going back needs --force and a note saying why
        advice = "to track it again, set its status back to implementing with --force and a note saying why"
    return [Problem("status", f"package '{name}' is {status}; implementation is tracked only on agreed or "
                              f"implementing packages ({advice})")]


# --- steps -------------------------------------------------------------------------------------


def ordinal_problems(ordinal: int, count: int, what: str = "step", allow_next: bool = False) -> list[Problem]:
    """``ordinal`` names an existing step (or, with ``allow_next``, the next one)."""
    top = count + 1 if allow_next else count
    if top < 1:
        return [Problem("step", "the package has no steps; add one with 'package step add'")]
    if not 1 <= ordinal <= top:
        has = f"steps 1..{count}" if count > 1 else ("one step" if count == 1 else "no steps yet")
        return [Problem("step", f"{what} {ordinal} does not exist: the package has {has}"
                                + (f" (or {count + 1} to add one)" if allow_next else ""))]
    return []


def step_label_problems(label: str) -> list[Problem]:
    return text_problems("label", label)


# --- placements --------------------------------------------------------------------------------


def quantity_problems(move: Move | None, quantity: float | None) -> list[Problem]:
    """A quantity is finite and at most 10^12 in size, and only a move with a unit takes one."""
    if quantity is None:
        return []
    found = number_problems("qty", quantity)
    if not found and move is not None and not move.unit:
        found.append(Problem("qty", f"move '{move.code}' has no unit, so it takes no quantity "
                                    "(give the move a unit)"))
    return found


def placement_problems(placement: Placement, move: Move | None = None) -> list[Problem]:
    """One placement: its quantity (against its move, when known) and its level."""
    return [*quantity_problems(move, placement.quantity), *choice_problems("level", placement.level, LEVELS)]


def _placed_already(move: str, ordinal: int, package: str) -> Problem:
    return Problem("move", f"move '{move}' is already in step {ordinal} of package '{package}'; "
                           "a move appears at most once per package")


def placement_once_problems(package: Package, move: str) -> list[Problem]:
    """Placing ``move`` in ``package``: a move appears at most once per package."""
    ordinal = package.step_of().get(move)
    return [] if ordinal is None else [_placed_already(move, ordinal, package.name)]


def repeated_placements(package: Package) -> list[tuple[int, int, Problem]]:
    """``(step index, placement index, problem)`` for each placement of a move placed earlier in
    the package: a move appears at most once per package."""
    first: dict[str, int] = {}
    found = []
    for s, step in enumerate(package.steps):
        for p, placement in enumerate(step.placements):
            if placement.move in first:
                found.append((s, p, _placed_already(placement.move, first[placement.move], package.name)))
            else:
                first[placement.move] = s + 1
    return found


def placement_notes(move: Move, quantity: float | None, positions: Iterable[Position]) -> list[str]:
    """What is allowed but worth saying: a measured move placed without a quantity, or a
    quantity outside a party's bound (the draft stands; ``check`` reports the bound)."""
    if quantity is None:
        return [f"move '{move.code}' is measured in {move.unit} but was placed without a quantity"] if move.unit else []
    return [
        f"quantity {number_text(quantity)} is outside {p.party}'s bound on '{move.code}' ({p.bound.text})"
        for p in positions
        if p.move == move.code and p.bound is not None and not p.bound.holds(quantity)
    ]


# --- tracking and history ----------------------------------------------------------------------


def not_after_today_problems(at: str, on: date, today: date, what: str = "it") -> list[Problem]:
    """What happened cannot have happened after today."""
    if on > today:
        return [Problem(at, f"{on.isoformat()} is after today ({today.isoformat()}): {what} can be "
                            "recorded only once it has happened")]
    return []


def not_before_problems(on: date, since: datetime, what: str, package: str) -> list[Problem]:
    """An event dated ``on`` may not come before the day of ``since`` (e.g. the agreement): a
    back-dated update before it would rewrite the package's past out of order."""
    if on < since.date():
        return [Problem("at", f"{on.isoformat()} is before {what} on {since.date().isoformat()} in package "
                              f"'{package}'; give a date on or after that")]
    return []


def event_problems(event: Event) -> list[Problem]:
    """One history entry: an implementation update has a level (in ``new``), and its texts can
    be stored."""
    found: list[Problem] = []
    if event.kind == "level":
        found += [Problem("new", p.message) for p in choice_problems("level", event.new or "", LEVELS)]
    for key, value in (("kind", event.kind), ("old", event.old), ("new", event.new), ("note", event.note),
                       ("source", event.source)):
        found += text_problems(key, value)
    return found


def event_date_problems(event: Event, today: date) -> list[Problem]:
    """Implementation updates and status changes record what happened: not after today."""
    if event.kind not in DATED_KINDS or event.at is None:
        return []
    what = "an implementation update" if event.kind == "level" else "a status change"
    return not_after_today_problems("at", event.at.date(), today, what)


def latest_levels(history: Iterable[Event], until: datetime | None = None) -> dict[str, Event]:
    """Move code -> its latest ``level`` event at ``until`` (all of them when None).

    Events are taken in time order, those at the same moment in history order, so the one
    recorded last wins a tie.  Events of unknown levels are ignored.
    """
    latest: dict[str, Event] = {}
    for event in sorted(history, key=lambda e: e.at):  # sorted() is stable
        if event.kind != "level" or event.move is None or event.new not in LEVELS:
            continue
        if until is not None and event.at > until:
            continue
        latest[event.move] = event
    return latest


def level_on(move: str, stored: str, history: Iterable[Event], until: datetime | None = None) -> str:
    """A placement's level at ``until``: its latest level event's; ``0`` when it has level events
    but none yet by then; the ``stored`` level when its history has none at all."""
    events = [e for e in history if e.kind == "level" and e.move == move]
    if not events:
        return stored
    latest = latest_levels(events, until).get(move)
    return latest.new if latest is not None and latest.new is not None else "0"


def level_history_problems(package: Package) -> list[tuple[int, int, Problem]]:
    """``(step index, placement index, problem)`` for each placement whose level is not the one
    its history's latest level event gives (levels and history always agree)."""
    latest = latest_levels(package.history)
    found = []
    for s, step in enumerate(package.steps):
        for p, placement in enumerate(step.placements):
            event = latest.get(placement.move)
            if event is not None and event.new != placement.level:
                found.append((s, p, Problem("level", f"level {placement.level} of '{placement.move}' disagrees "
                                                     f"with the history's latest level {event.new}")))
    return found


def moves_known_problems(package: Package, moves: Mapping[str, Move | None]) -> list[tuple[int, int, Problem]]:
    """``(step index, placement index, problem)`` for each placement of an unknown move or with a
    quantity its move cannot take."""
    found = []
    for s, step in enumerate(package.steps):
        for p, placement in enumerate(step.placements):
            missing = reference_problems("move", "move", placement.move, moves)
            if missing:
                found += [(s, p, item) for item in missing]
            else:
                found += [(s, p, item) for item in quantity_problems(moves[placement.move], placement.quantity)]
    return found
