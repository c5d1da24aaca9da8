"""What importing a scenario over the database's content would add, keep and change.

Rows are matched by key: parties, issues and moves by code, eras by party and name, positions by
party, move and era, conditions by name (else by party, era and text), packages by name.  A row the database lacks is
added; an identical row is kept; a row that differs would *change* — and nothing a user did is
silently undone, so an import that would change rows is refused unless the user asks to replace
them (DESIGN §14).  :func:`plan` says which rows are which, with one short line per change
(``party USA: name 'United States' -> 'USA'``), for the importer to write or refuse.

A package's history is append-only: a stored package keeps every event it has and gains the
file's events it lacks; tracking recorded since the file was written keeps its levels and
status (the latest level event wins, as everywhere: ``negotiator.domain.rules.latest_levels``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any, Generic, TypeVar

from negotiator.domain.model import Catalogue, Condition, Event, Package, Scenario
from negotiator.domain.rules import latest_levels
from negotiator.domain.rules.values import shown

Row = TypeVar("Row")

# Events whose ``new`` is the package's status from then on.
STATUS_KINDS = ("status", "created", "imported")


@dataclass(frozen=True)
class Match(Generic[Row]):
    """One row of the file: what the database holds under its key (None: nothing), and what
    will be stored."""

    before: Row | None
    after: Row
    index: int | None = None  # for conditions: the position of ``before`` among the stored ones

    @property
    def outcome(self) -> str:
        if self.before is None:
            return "added"
        return "unchanged" if self.before == self.after else "updated"


@dataclass(frozen=True)
class Plan:
    """Every row of a file matched against the database, and the changes it would make."""

    parties: tuple[Match, ...] = ()
    issues: tuple[Match, ...] = ()
    moves: tuple[Match, ...] = ()
    eras: tuple[Match, ...] = ()
    positions: tuple[Match, ...] = ()
    conditions: tuple[Match, ...] = ()
    packages: tuple[Match, ...] = ()
    added_events: dict[str, tuple[Event, ...]] = field(default_factory=dict)
    changes: tuple[str, ...] = ()


def match_conditions(stored: Sequence[Condition], incoming: Sequence[Condition]) -> list[int | None]:
    """For each incoming condition, the index of the stored one it is: the one of the same name,
    else the one of the same party, era and text (a condition is its party's text, whatever it
    is called); None for a new condition."""
    by_name = {c.name: i for i, c in enumerate(stored) if c.name is not None}
    by_text: dict[tuple[str | None, str | None, str], int] = {}
    for i, condition in enumerate(stored):
        by_text.setdefault((condition.party, condition.era, condition.text), i)
    found: list[int | None] = [by_name.get(c.name) if c.name is not None else None for c in incoming]
    taken = {index for index in found if index is not None}
    for i, condition in enumerate(incoming):
        index = by_text.get((condition.party, condition.era, condition.text))
        if found[i] is None and index is not None and index not in taken:
            found[i] = index
            taken.add(index)
    return found


def plan(stored: Catalogue, stored_packages: Sequence[Package], scenario: Scenario, now: datetime,
         filename: str) -> Plan:
    """Match ``scenario`` against the database's catalogue and packages (those of the file's
    names), and list what would change."""
    catalogue = scenario.catalogue
    changes: list[str] = []

    def matched(rows: Sequence[Any], before_of: dict[Any, Any], key, label) -> tuple[Match, ...]:
        found = []
        for row in rows:
            before = before_of.get(key(row))
            found.append(Match(before, row))
            changes.extend(_differences(label(row), before, row))
        return tuple(found)

    parties = matched(catalogue.parties, stored.party_by_code, lambda p: p.code, lambda p: f"party {p.code}")
    issues = matched(catalogue.issues, {i.code: i for i in stored.issues}, lambda i: i.code,
                     lambda i: f"issue {i.code}")
    moves = matched(catalogue.moves, stored.move_by_code, lambda m: m.code, lambda m: f"move {m.code}")
    eras = matched(catalogue.eras, {(e.party, e.name): e for e in stored.eras}, lambda e: (e.party, e.name),
                   lambda e: f"era {e.name} of {e.party}")
    positions = matched(catalogue.positions, {(p.party, p.move, p.era): p for p in stored.positions},
                        lambda p: (p.party, p.move, p.era),
                        lambda p: f"position {p.party} on {p.move}" + (f" in era {p.era}" if p.era else ""))

    conditions = []
    for condition, index in zip(catalogue.conditions,
                                match_conditions(stored.conditions, catalogue.conditions)):
        before = stored.conditions[index] if index is not None else None
        if before is not None and condition.name is None:
            condition = replace(condition, name=before.name)  # a file without a name keeps the stored one
        conditions.append(Match(before, condition, index))
        if before is not None:
            if before.name:
                label = f"condition {before.name}"
            else:
                label = (f"condition of {before.party}" if before.party else "rule") + f" '{shown(before.text)}'"
            changes.extend(_differences(label, before, condition))

    by_name = {p.name: p for p in stored_packages}
    packages, added_events = [], {}
    for package in scenario.packages:
        old = by_name.get(package.name)
        if old is None:
            if not package.history:
                package = replace(package, history=(Event(now, "created", new=package.status,
                                                          note=f"imported from {filename}"),))
            packages.append(Match(None, package))
            added_events[package.name] = package.history
            continue
        merged, added = merged_package(old, package)
        if in_stored_order(old) == in_stored_order(merged):
            packages.append(Match(old, old))
            continue
        changes.extend(_package_differences(old, merged, added))
        if not package.history:
            imported = Event(now, "imported", new=merged.status, note=f"imported from {filename}")
            merged, added = replace(merged, history=merged.history + (imported,)), added + (imported,)
        packages.append(Match(old, merged))
        added_events[package.name] = added
    return Plan(parties, issues, moves, eras, positions, tuple(conditions), tuple(packages), added_events,
                tuple(changes))


def _text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, (bool, int, float)):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if hasattr(value, "text"):  # a Bound
        return f"'{value.text}'"
    return f"'{shown(value, 30)}'"


def _differences(label: str, before: Any, after: Any) -> list[str]:
    """``label: field 'old' -> 'new'`` for each field that differs (nothing for a new row)."""
    if before is None or before == after:
        return []
    return [f"{label}: {f.name} {_text(getattr(before, f.name))} -> {_text(getattr(after, f.name))}"
            for f in fields(before) if getattr(before, f.name) != getattr(after, f.name)]


def _package_differences(old: Package, new: Package, added: tuple[Event, ...]) -> list[str]:
    label = f"package {old.name}"
    found = [f"{label}: {key} {_text(getattr(old, key))} -> {_text(getattr(new, key))}"
             for key in ("title", "description", "status", "based_on", "date")
             if getattr(old, key) != getattr(new, key)]
    before, after = in_stored_order(old), in_stored_order(new)
    if len(before.steps) != len(after.steps):
        found.append(f"{label}: {len(before.steps)} steps -> {len(after.steps)} steps")
    elif before.steps != after.steps:
        changed = [str(i) for i, (a, b) in enumerate(zip(before.steps, after.steps), 1) if a != b]
        found.append(f"{label}: step{'s' if len(changed) > 1 else ''} {', '.join(changed)} changed")
    if added:
        found.append(f"{label}: {len(added)} history entr{'ies' if len(added) > 1 else 'y'} added")
    return found


def _event_key(event: Event) -> tuple:
    return (event.at, event.kind, event.move, event.new)


def merged_package(old: Package, new: Package) -> tuple[Package, tuple[Event, ...]]:
    """The file's package over the stored one, and the file's events the database lacks.

    The history is the stored one plus those events.  Where the latest ``level`` event of a move
    (or the latest event setting the status) is one the file does not hold -- tracking done
    since the file was written -- the placement keeps the database's level (and the package its
    status), so that levels and status always agree with the history.
    """
    stored = {_event_key(e) for e in old.history}
    added = tuple(e for e in new.history if _event_key(e) not in stored)
    history = old.history + added
    file_keys = {_event_key(e) for e in new.history}
    later_levels = {move: e.new for move, e in latest_levels(history).items()
                    if _event_key(e) not in file_keys and e.new is not None}
    statuses = [e for e in sorted(history, key=lambda e: e.at)  # ties: stored first, then as written
                if e.kind in STATUS_KINDS and e.move is None and e.new is not None]
    later_status = statuses[-1].new if statuses and _event_key(statuses[-1]) not in file_keys else None
    steps = tuple(replace(step, placements=tuple(
        p._replace(level=later_levels.get(p.move, p.level)) for p in step.placements))
        for step in new.steps)
    return replace(new, status=later_status or new.status, steps=steps, history=history), added


def in_stored_order(package: Package) -> Package:
    """The package as the database gives it back: a step's placements by move code, the history
    by time (ties in the order written)."""
    steps = tuple(replace(step, placements=tuple(sorted(step.placements, key=lambda p: p.move)))
                  for step in package.steps)
    history = tuple(sorted(package.history, key=lambda event: event.at))
    return replace(package, steps=steps, history=history)
