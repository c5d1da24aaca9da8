"""Importing a scenario file into the database, and exporting the database as one (DESIGN §7).

Import upserts: parties, issues and moves by code; positions by (party, move); conditions by
name when they have one, else by (party, text) among unnamed ones; packages by name, a changed
package having its steps and placements replaced by the file's.  History is append-only (DESIGN
§2): a stored package keeps every event it has and gains only the file's events it lacks, and
tracking recorded since the file was written keeps its levels and status.  Only ``replace``,
which wipes every row first, removes events.  Nothing is written until the whole file has been checked — its own problems and its
references against what the database already holds — and every write happens in the caller's
one transaction, so a file with any problem leaves the database as it was.

Rows are written with plain executemany statements rather than one ORM object at a time, so a
scenario of tens of thousands of placements imports in seconds.

Export is the read seam (``negotiator.db.load``) plus every package's history: what
``write_scenario`` turns back into the same file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace as replaced
from datetime import datetime
from typing import TYPE_CHECKING, Any

from negotiator.domain.model import Event, Package, Scenario
from negotiator.scenario import ParsedScenario, check_scenario

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

KINDS = ("parties", "issues", "moves", "positions", "conditions", "packages")


@dataclass
class Tally:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, before: Any, after: Any) -> str:
        """Count one item; ``before`` is None when the database did not have it."""
        if before is None:
            self.added += 1
            return "added"
        if before == after:
            self.unchanged += 1
            return "unchanged"
        self.updated += 1
        return "updated"

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


@dataclass
class ImportSummary:
    """What an import did, per kind of row; ``removed`` counts the rows ``replace`` wiped."""

    tallies: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})
    removed: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        shown = []
        for kind in KINDS:
            tally = self.tallies[kind]
            if tally.total:
                shown.append(f"{kind}: {tally.added} added, {tally.updated} updated, "
                             f"{tally.unchanged} unchanged")
        return shown


def export_scenario(connection: "Connection") -> Scenario:
    """Everything in the database as one Scenario, packages with their whole history."""
    from negotiator.db.load import load_catalogue, load_packages

    return Scenario(load_catalogue(connection), tuple(load_packages(connection, history=True)))


def existing_scenario(connection: "Connection") -> Scenario:
    """What a file's references are checked against: the catalogue, and the packages by name."""
    from negotiator.db.load import load_catalogue, package_names

    return Scenario(load_catalogue(connection), tuple(Package(name) for name in package_names(connection)))


def import_scenario(session: "Session", parsed: ParsedScenario, replace: bool = False,
                    now: datetime | None = None) -> ImportSummary:
    """Check ``parsed`` against the database and write it; raise ScenarioProblems, writing
    nothing, when the file or its references have any problem."""
    connection = session.connection()
    check_scenario(parsed, Scenario() if replace else existing_scenario(connection))
    summary = ImportSummary()
    if replace:
        summary.removed = _wipe(connection)
    writer = _Writer(connection, summary, now or datetime.now(), parsed.filename)
    scenario = parsed.scenario
    writer.parties(scenario.catalogue.parties)
    writer.issues(scenario.catalogue.issues)
    writer.moves(scenario.catalogue.moves)
    writer.positions(scenario.catalogue.positions)
    writer.conditions(scenario.catalogue.conditions)
    writer.packages(scenario.packages)
    return summary


def _tables():
    from negotiator.db.tables import (
        ConditionRow,
        EventRow,
        IssueRow,
        MoveRow,
        PackageRow,
        PartyRow,
        PlacementRow,
        PositionRow,
        StepRow,
    )

    rows = (PartyRow, IssueRow, MoveRow, PositionRow, ConditionRow, PackageRow, StepRow, PlacementRow, EventRow)
    return {row.__tablename__: row.__table__ for row in rows}


def _wipe(connection: "Connection") -> dict[str, int]:
    """Delete every row, children before parents; return how many of each kind went."""
    from sqlalchemy import delete

    tables = _tables()
    removed = {}
    for name, kind in (("event", None), ("placement", None), ("step", None), ("package", "packages"),
                       ("condition", "conditions"), ("position", "positions"), ("move", "moves"),
                       ("issue", "issues"), ("party", "parties")):
        result = connection.execute(delete(tables[name]))
        if kind is not None:
            removed[kind] = result.rowcount
    return removed


class _Writer:
    """Upserts one scenario's items, kind by kind, with a handful of statements per kind."""

    def __init__(self, connection: "Connection", summary: ImportSummary, now: datetime, filename: str):
        from negotiator.db.load import load_catalogue

        self.connection = connection
        self.summary = summary
        self.now = now
        self.filename = filename
        self.t = _tables()
        self.before = load_catalogue(connection)

    def execute(self, statement, rows: list[dict] | None = None):
        if rows is not None and not rows:
            return None
        return self.connection.execute(statement, rows) if rows is not None else self.connection.execute(statement)

    def ids(self, table: str, key: str = "code") -> dict[Any, int]:
        from sqlalchemy import select

        t = self.t[table]
        return {k: i for i, k in self.execute(select(t.c.id, t.c[key])).all()}

    def upsert(self, table: str, items: list[tuple[Any, dict, Any, Any]], tally: Tally) -> None:
        """``items`` are (id or None, row values, value before or None, value after)."""
        from sqlalchemy import bindparam, insert, update

        t = self.t[table]
        inserts, updates = [], []
        for row_id, values, before, after in items:
            outcome = tally.count(before if row_id is not None else None, after)
            if outcome == "added":
                inserts.append(values)
            elif outcome == "updated":
                updates.append({"_id": row_id, **values})
        self.execute(insert(t), inserts)
        if updates:
            columns = {name: bindparam(name) for name in updates[0] if name != "_id"}
            self.execute(update(t).where(t.c.id == bindparam("_id")).values(columns), updates)

    # ---- catalogue

    def parties(self, parties) -> None:
        ids = self.ids("party")
        before = self.before.party_by_code
        self.upsert("party", [
            (ids.get(p.code), {"code": p.code, "name": p.name, "notes": p.notes, "source": p.source}, before.get(p.code), p)
            for p in parties
        ], self.summary.tallies["parties"])
        self.party_ids = self.ids("party")

    def issues(self, issues) -> None:
        ids = self.ids("issue")
        before = {i.code: i for i in self.before.issues}
        self.upsert("issue", [
            (ids.get(i.code), {"code": i.code, "title": i.title}, before.get(i.code), i) for i in issues
        ], self.summary.tallies["issues"])
        self.issue_ids = self.ids("issue")

    def moves(self, moves) -> None:
        ids = self.ids("move")
        before = self.before.move_by_code
        self.upsert("move", [
            (ids.get(m.code), {
                "code": m.code, "actor_id": self.party_ids[m.actor],
                "issue_id": self.issue_ids[m.issue] if m.issue is not None else None,
                "title": m.title, "description": m.description, "unit": m.unit, "cost": m.cost,
                "reversible": m.reversible, "source": m.source,
            }, before.get(m.code), m)
            for m in moves
        ], self.summary.tallies["moves"])
        self.move_ids = self.ids("move")

    def positions(self, positions) -> None:
        from sqlalchemy import select

        t = self.t["position"]
        ids = {(p, m): i for i, p, m in self.execute(select(t.c.id, t.c.party_id, t.c.move_id)).all()}
        before = {(p.party, p.move): p for p in self.before.positions}
        items = []
        for p in positions:
            key = (self.party_ids[p.party], self.move_ids[p.move])
            items.append((ids.get(key), {
                "party_id": key[0], "move_id": key[1], "stance": p.stance, "weight": p.weight,
                "bound_op": p.bound.op if p.bound else None,
                "bound_value": p.bound.value if p.bound else None, "source": p.source,
            }, before.get((p.party, p.move)), p))
        self.upsert("position", items, self.summary.tallies["positions"])

    def conditions(self, conditions) -> None:
        from sqlalchemy import select

        t = self.t["condition"]
        named, unnamed = {}, {}
        for i, party_id, name, text in self.execute(
            select(t.c.id, t.c.party_id, t.c.name, t.c.text).order_by(t.c.id)
        ).all():
            if name is not None:
                named[name] = i
            else:
                unnamed.setdefault((party_id, text), i)
        before_named = {c.name: c for c in self.before.conditions if c.name is not None}
        before_unnamed = {(c.party, c.text): c for c in self.before.conditions if c.name is None}
        items = []
        for c in conditions:
            party_id = self.party_ids[c.party] if c.party is not None else None
            if c.name is not None:
                row_id, before = named.get(c.name), before_named.get(c.name)
            else:
                row_id, before = unnamed.get((party_id, c.text)), before_unnamed.get((c.party, c.text))
            items.append((row_id, {"party_id": party_id, "name": c.name, "text": c.text,
                                   "soft": c.soft, "source": c.source}, before, c))
        self.upsert("condition", items, self.summary.tallies["conditions"])

    # ---- packages

    def packages(self, packages) -> None:
        from sqlalchemy import bindparam, delete, insert, update

        from negotiator.db.load import load_packages

        if not packages:
            return
        t = self.t
        ids = self.ids("package", "name")
        present = [p.name for p in packages if p.name in ids]
        before = {p.name: p for p in load_packages(self.connection, present, history=True)}
        tally = self.summary.tallies["packages"]
        # (package, the events to add to its history): history is append-only (DESIGN §2), so a
        # package already stored keeps every event it has and gains only the file's new ones.
        written: list[tuple[Package, tuple[Event, ...]]] = []
        for package in packages:
            old = before.get(package.name)
            if old is None:
                tally.count(None, package)
                if not package.history:
                    package = replaced(package, history=(Event(
                        self.now, "created", new=package.status, note=f"imported from {self.filename}"),))
                written.append((package, package.history))
                continue
            merged, added = _merged(old, package)
            if _unchanged(old, merged):
                tally.count(old, old)
                continue
            tally.count(old, merged)
            if not package.history:
                imported = Event(self.now, "imported", new=merged.status, note=f"imported from {self.filename}")
                merged, added = replaced(merged, history=merged.history + (imported,)), added + (imported,)
            written.append((merged, added))
        if not written:
            return

        rewritten = [ids[p.name] for p, _ in written if p.name in ids]
        if rewritten:
            # Steps and placements are the file's; the events stay (only --replace wipes them).
            for name in ("placement", "step"):
                for chunk in _chunks(rewritten):
                    self.execute(delete(t[name]).where(t[name].c.package_id.in_(chunk)))
            self.execute(
                update(t["package"]).where(t["package"].c.id == bindparam("_id")).values(
                    title=bindparam("title"), description=bindparam("description"),
                    status=bindparam("status"), updated_at=bindparam("updated_at")),
                [{"_id": ids[p.name], "title": p.title, "description": p.description,
                  "status": p.status, "updated_at": self.now} for p, _ in written if p.name in ids],
            )
        self.execute(insert(t["package"]), [
            {"name": p.name, "title": p.title, "description": p.description, "status": p.status,
             "created_at": min([self.now, *(e.at for e in p.history)]), "updated_at": self.now}
            for p, _ in written if p.name not in ids
        ])
        ids = self.ids("package", "name")
        self.execute(
            update(t["package"]).where(t["package"].c.id == bindparam("_id")).values(
                based_on_id=bindparam("based_on_id")),
            [{"_id": ids[p.name], "based_on_id": ids[p.based_on] if p.based_on else None} for p, _ in written],
        )
        self.contents(written, ids, [ids[name] for name in present])

    def contents(self, written: list[tuple[Package, tuple[Event, ...]]], ids: dict[str, int],
                 kept: list[int]) -> None:
        """Steps and placements of the packages being (re)written, and their new events.

        The events a package already had (``kept``: ids of packages stored before) are linked to
        the placements that replace the ones they were linked to.
        """
        from sqlalchemy import bindparam, insert, select, update

        t = self.t
        package_ids = [ids[p.name] for p, _ in written]
        self.execute(insert(t["step"]), [
            {"package_id": ids[p.name], "ordinal": ordinal, "label": step.label, "due": step.due}
            for p, _ in written for ordinal, step in enumerate(p.steps, 1)
        ])
        step = t["step"]
        step_ids = {
            (package_id, ordinal): step_id
            for chunk in _chunks(package_ids)
            for step_id, package_id, ordinal in self.execute(
                select(step.c.id, step.c.package_id, step.c.ordinal).where(step.c.package_id.in_(chunk))
            ).all()
        }
        self.execute(insert(t["placement"]), [
            {"package_id": ids[p.name], "step_id": step_ids[(ids[p.name], ordinal)],
             "move_id": self.move_ids[placement.move], "quantity": placement.quantity,
             "level": placement.level}
            for p, _ in written for ordinal, placement in p.placements()
        ])
        placement = t["placement"]
        placement_ids = {
            (package_id, move_id): placement_id
            for chunk in _chunks(package_ids)
            for placement_id, package_id, move_id in self.execute(
                select(placement.c.id, placement.c.package_id, placement.c.move_id)
                .where(placement.c.package_id.in_(chunk))
            ).all()
        }

        def placement_of(package_id: int, move: str | None) -> int | None:
            return placement_ids.get((package_id, self.move_ids.get(move))) if move else None

        event = t["event"]
        rewritten = set(package_ids) & set(kept)
        relinked = [
            {"_id": event_id, "placement_id": placement_of(package_id, move)}
            for chunk in _chunks(sorted(rewritten))
            for event_id, package_id, move in self.execute(
                select(event.c.id, event.c.package_id, event.c.move)
                .where(event.c.package_id.in_(chunk), event.c.move.is_not(None))
            ).all()
        ]
        if relinked:
            self.execute(update(event).where(event.c.id == bindparam("_id"))
                         .values(placement_id=bindparam("placement_id")), relinked)
        self.execute(insert(event), [
            {"package_id": ids[p.name], "placement_id": placement_of(ids[p.name], e.move),
             "at": e.at, "kind": e.kind, "move": e.move, "old": e.old, "new": e.new,
             "note": e.note, "source": e.source}
            for p, added in written for e in added
        ])


# Events whose ``new`` is the package's status from then on.
STATUS_KINDS = ("status", "created", "imported")


def _event_key(event: Event) -> tuple:
    return (event.at, event.kind, event.move, event.new)


def _merged(old: Package, new: Package) -> tuple[Package, tuple[Event, ...]]:
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
    latest: dict[tuple[str, str | None], Event] = {}
    for event in sorted(history, key=lambda e: e.at):  # ties: stored first, then as written
        if event.kind == "level" and event.move is not None:
            latest[("level", event.move)] = event
        elif event.kind in STATUS_KINDS and event.move is None and event.new is not None:
            latest[("status", None)] = event
    later = {key: e.new for key, e in latest.items() if _event_key(e) not in file_keys}
    steps = tuple(replaced(step, placements=tuple(
        p._replace(level=later.get(("level", p.move), p.level)) for p in step.placements))
        for step in new.steps)
    status = later.get(("status", None), new.status)
    return replaced(new, status=status, steps=steps, history=history), added


def _chunks(ids: list[int], size: int = 5000):
    """Keys in slices small enough for one ``IN (...)`` on any database."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _unchanged(old: Package, new: Package) -> bool:
    """A package the file (merged over the stored one) leaves as it is.

    The database gives a step's placements by move code and the history by time (ties in the
    order written), so the file's package is put in that order before comparing.
    """
    return _in_stored_order(old) == _in_stored_order(new)


def _in_stored_order(package: Package) -> Package:
    steps = tuple(replaced(step, placements=tuple(sorted(step.placements, key=lambda p: p.move)))
                  for step in package.steps)
    history = tuple(sorted(package.history, key=lambda event: event.at))
    return replaced(package, steps=steps, history=history)
