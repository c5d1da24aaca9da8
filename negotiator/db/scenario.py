"""Importing a scenario file into the database, and exporting the database as one (DESIGN §7).

Import matches rows by key (``negotiator.scenario.merge``): parties, issues and moves by code;
eras by (party, name); positions by (party, move, era); conditions by name, else by party, era and
text; packages by name.  Rows
the database lacks are added and identical rows are left alone; when a row the database holds
would *change*, nothing is written and ``WouldChange`` lists every such change -- unless
``replace`` says to overwrite them with the file's (DESIGN §14: nothing a user did is silently
undone).  History is append-only (DESIGN §2): a stored package keeps every event it has and
gains only the file's events it lacks, and tracking recorded since the file was written keeps
its levels and status.  Only ``wipe``, which deletes every row first, removes events.

Nothing is written until the whole file has been checked -- its own problems and every rule that
needs the database's content (``negotiator.scenario.references``) -- and every write happens in
the caller's one transaction, so a file with any problem leaves the database as it was.

Rows are written with plain executemany statements rather than one ORM object at a time, so a
scenario of tens of thousands of placements imports in seconds.

Export is the read seam (``negotiator.db.load``) plus every package's history: what
``write_scenario`` turns back into the same file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from negotiator.domain.errors import WouldChange
from negotiator.domain.model import Event, Package, Scenario
from negotiator.scenario import Existing, ParsedScenario, check_scenario, units_removed
from negotiator.scenario.merge import Match, Plan, plan

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

KINDS = ("parties", "issues", "moves", "eras", "positions", "conditions", "packages")


@dataclass
class Tally:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


@dataclass
class ImportSummary:
    """What an import did, per kind of row; ``removed`` counts the rows ``wipe`` deleted."""

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


def export_scenario(connection: Connection) -> Scenario:
    """Everything in the database as one Scenario, packages with their whole history."""
    from negotiator.db.load import load_catalogue, load_packages

    return Scenario(load_catalogue(connection), tuple(load_packages(connection, history=True)))


def existing_content(connection: Connection, parsed: ParsedScenario) -> Existing:
    """What a file is checked against: the catalogue (conditions with their labels), the package
    names, and the stored quantities of the moves the file takes the unit of."""
    from sqlalchemy import bindparam, text

    from negotiator.db.load import condition_labels, load_catalogue, package_names

    catalogue = load_catalogue(connection)
    labels = tuple(label for _, label in condition_labels(connection))
    measured: dict[str, list[tuple[str, str]]] = {}
    lost = units_removed(parsed, catalogue)
    if lost:
        from negotiator.domain.model import format_number

        rows = connection.execute(text(
            "SELECT m.code, k.name, p.quantity FROM placement p JOIN move m ON m.id = p.move_id "
            "JOIN package k ON k.id = p.package_id WHERE p.quantity IS NOT NULL AND m.code IN :codes "
            "ORDER BY k.name").bindparams(bindparam("codes", expanding=True)), {"codes": lost}).all()
        for code, name, quantity in rows:
            measured.setdefault(code, []).append((name, format_number(float(quantity))))
    return Existing(catalogue, tuple(package_names(connection)), labels,
                    {code: tuple(found) for code, found in measured.items()})


def import_scenario(session: Session, parsed: ParsedScenario, replace: bool = False, wipe: bool = False,
                    now: datetime | None = None, today: date | None = None) -> ImportSummary:
    """Check ``parsed`` against the database and write it.

    Raise ScenarioProblems, writing nothing, when the file or its references have any problem;
    WouldChange, writing nothing, when it would change rows the database holds and neither
    ``replace`` (overwrite them) nor ``wipe`` (delete every row first) is given.
    """
    from negotiator.db.load import load_packages

    connection = session.connection()
    now = now or datetime.now()
    existing = Existing() if wipe else existing_content(connection, parsed)
    check_scenario(parsed, existing, today or date.today())
    summary = ImportSummary()
    if wipe:
        summary.removed = _wipe(connection)
    names = [p.name for p in parsed.scenario.packages if p.name in set(existing.packages)]
    stored_packages = load_packages(connection, names, history=True) if names else []
    matched = plan(existing.catalogue, stored_packages, parsed.scenario, now, parsed.filename)
    if matched.changes and not replace:
        raise WouldChange(parsed.filename, matched.changes)
    writer = _Writer(connection, summary, now)
    writer.parties(matched.parties)
    writer.issues(matched.issues)
    writer.moves(matched.moves)
    writer.eras(matched.eras)
    writer.positions(matched.positions)
    writer.conditions(matched.conditions)
    writer.packages(matched)
    return summary


def _tables() -> dict[str, Any]:
    from sqlmodel import SQLModel

    from negotiator.db.tables import ALL_TABLES  # importing it registers every table

    return {name: SQLModel.metadata.tables[name] for name in ALL_TABLES}


def _wipe(connection: Connection) -> dict[str, int]:
    """Delete every row, children before parents; return how many of each kind went."""
    from sqlalchemy import delete

    tables = _tables()
    removed = {}
    for name, kind in (("event", None), ("placement", None), ("step", None), ("package", "packages"),
                       ("condition", "conditions"), ("position", "positions"), ("era", "eras"), ("move", "moves"),
                       ("issue", "issues"), ("party", "parties")):
        result = connection.execute(delete(tables[name]))
        if kind is not None:
            removed[kind] = result.rowcount
    return removed


class _Writer:
    """Writes a Plan's rows, kind by kind, with a handful of statements per kind."""

    def __init__(self, connection: Connection, summary: ImportSummary, now: datetime):
        self.connection = connection
        self.summary = summary
        self.now = now
        self.t = _tables()

    def execute(self, statement: Any, rows: list[dict] | None = None) -> Any:
        if rows is not None and not rows:
            return None
        return self.connection.execute(statement, rows) if rows is not None else self.connection.execute(statement)

    def ids(self, table: str, key: str = "code") -> dict[Any, int]:
        from sqlalchemy import select

        t = self.t[table]
        return {k: i for i, k in self.execute(select(t.c.id, t.c[key])).all()}

    def upsert(self, table: str, items: list[tuple[Match, int | None, dict]], kind: str) -> None:
        """``items`` are (match, id of the stored row or None, values to store)."""
        from sqlalchemy import bindparam, insert, update

        t = self.t[table]
        tally = self.summary.tallies[kind]
        inserts, updates = [], []
        for match, row_id, values in items:
            outcome = match.outcome if row_id is not None else "added"
            tally.count(outcome)
            if outcome == "added":
                inserts.append(values)
            elif outcome == "updated":
                updates.append({"_id": row_id, **values})
        self.execute(insert(t), inserts)
        if updates:
            columns: dict[str, Any] = {name: bindparam(name) for name in updates[0] if name != "_id"}
            self.execute(update(t).where(t.c.id == bindparam("_id")).values(columns), updates)

    # ---- catalogue

    def parties(self, matches: tuple[Match, ...]) -> None:
        ids = self.ids("party")
        self.upsert("party", [
            (m, ids.get(p.code), {"code": p.code, "name": p.name, "notes": p.notes, "source": p.source})
            for m in matches for p in [m.after]
        ], "parties")
        self.party_ids = self.ids("party")

    def issues(self, matches: tuple[Match, ...]) -> None:
        ids = self.ids("issue")
        self.upsert("issue", [(m, ids.get(m.after.code), {"code": m.after.code, "title": m.after.title})
                              for m in matches], "issues")
        self.issue_ids = self.ids("issue")

    def moves(self, matches: tuple[Match, ...]) -> None:
        ids = self.ids("move")
        self.upsert("move", [
            (m, ids.get(v.code), {
                "code": v.code, "actor_id": self.party_ids[v.actor],
                "issue_id": self.issue_ids[v.issue] if v.issue is not None else None,
                "title": v.title, "description": v.description, "unit": v.unit, "cost": v.cost,
                "reversible": v.reversible, "source": v.source,
            })
            for m in matches for v in [m.after]
        ], "moves")
        self.move_ids = self.ids("move")

    def eras(self, matches: tuple[Match, ...]) -> None:
        from sqlalchemy import select

        t = self.t["era"]
        ids = {(p, n): i for i, p, n in self.execute(select(t.c.id, t.c.party_id, t.c.name)).all()}
        items = []
        for match in matches:
            e = match.after
            key = (self.party_ids[e.party], e.name)
            items.append((match, ids.get(key), {
                "party_id": key[0], "name": e.name, "title": e.title, "start": e.start, "end": e.end,
                "source": e.source,
            }))
        self.upsert("era", items, "eras")
        rows = self.execute(select(t.c.id, t.c.party_id, t.c.name)).all()
        self.era_ids = {(party, name): i for i, party, name in rows}

    def era_id(self, party: str | None, era: str | None) -> int | None:
        if era is None or party is None:
            return None
        return self.era_ids[(self.party_ids[party], era)]

    def positions(self, matches: tuple[Match, ...]) -> None:
        from sqlalchemy import select

        t = self.t["position"]
        ids = {(p, m, e): i for i, p, m, e in self.execute(select(t.c.id, t.c.party_id, t.c.move_id, t.c.era_id)).all()}
        items = []
        for match in matches:
            p = match.after
            key = (self.party_ids[p.party], self.move_ids[p.move], self.era_id(p.party, p.era))
            items.append((match, ids.get(key), {
                "party_id": key[0], "move_id": key[1], "era_id": key[2], "stance": p.stance, "weight": p.weight,
                "bound_op": p.bound.op if p.bound else None,
                "bound_value": p.bound.value if p.bound else None, "source": p.source,
            }))
        self.upsert("position", items, "positions")

    def conditions(self, matches: tuple[Match, ...]) -> None:
        from sqlalchemy import select

        t = self.t["condition"]
        # The stored conditions in id order: the order of the catalogue the plan matched against.
        stored_ids = [i for (i,) in self.execute(select(t.c.id).order_by(t.c.id)).all()]
        items = []
        for match in matches:
            c = match.after
            row_id = stored_ids[match.index] if match.index is not None else None
            items.append((match, row_id, {"party_id": self.party_ids[c.party] if c.party is not None else None,
                                          "era_id": self.era_id(c.party, c.era),
                                          "name": c.name, "text": c.text, "soft": c.soft, "source": c.source}))
        self.upsert("condition", items, "conditions")

    # ---- packages

    def packages(self, matched: Plan) -> None:
        from sqlalchemy import bindparam, delete, insert, update

        if not matched.packages:
            return
        t = self.t
        ids = self.ids("package", "name")
        tally = self.summary.tallies["packages"]
        # (package, the events to add to its history): history is append-only (DESIGN §2), so a
        # package already stored keeps every event it has and gains only the file's new ones.
        written: list[tuple[Package, tuple[Event, ...]]] = []
        for match in matched.packages:
            tally.count(match.outcome)
            if match.outcome != "unchanged":
                written.append((match.after, matched.added_events[match.after.name]))
        if not written:
            return

        rewritten = [ids[p.name] for p, _ in written if p.name in ids]
        if rewritten:
            # Steps and placements are the file's; the events stay (only --wipe deletes them).
            for name in ("placement", "step"):
                for chunk in _chunks(rewritten):
                    self.execute(delete(t[name]).where(t[name].c.package_id.in_(chunk)))
            self.execute(
                update(t["package"]).where(t["package"].c.id == bindparam("_id")).values(
                    title=bindparam("title"), description=bindparam("description"),
                    status=bindparam("status"), updated_at=bindparam("updated_at"), date=bindparam("day")),
                [{"_id": ids[p.name], "title": p.title, "description": p.description,
                  "status": p.status, "updated_at": self.now, "day": p.date} for p, _ in written if p.name in ids],
            )
        self.execute(insert(t["package"]), [
            {"name": p.name, "title": p.title, "description": p.description, "status": p.status,
             "created_at": min([self.now, *(e.at for e in p.history)]), "updated_at": self.now, "date": p.date}
            for p, _ in written if p.name not in ids
        ])
        kept = [ids[p.name] for p, _ in written if p.name in ids]
        ids = self.ids("package", "name")
        self.execute(
            update(t["package"]).where(t["package"].c.id == bindparam("_id")).values(
                based_on_id=bindparam("based_on_id")),
            [{"_id": ids[p.name], "based_on_id": ids[p.based_on] if p.based_on else None} for p, _ in written],
        )
        self.contents(written, ids, kept)

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
        relinked = [
            {"_id": event_id, "placement_id": placement_of(package_id, move)}
            for chunk in _chunks(sorted(kept))
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


def _chunks(ids: list[int], size: int = 5000):
    """Keys in slices small enough for one ``IN (...)`` on any database."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
