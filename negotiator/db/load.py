"""Reading the database into domain values, with plain SQL and a constant number of statements.

This is the read half of the seam between rows and domain values.  Orderings by code are made
here in Python (code point order), not by the database, whose collation differs between SQLite
and PostgreSQL: the same data reads — and exports — in the same order on both.  It does not import the
SQLModel table classes (that costs start-up time ``check`` cannot afford) and it never issues one
query per package: the catalogue is six statements and any number of packages is at most five
(packages, move codes, placements, steps, and history when asked for), whatever their count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from negotiator.domain.errors import UnknownCode
from negotiator.domain.model import (
    Bound,
    Catalogue,
    Condition,
    Era,
    Event,
    Issue,
    Move,
    Package,
    Party,
    Placement,
    Position,
    Step,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from negotiator.db.engine import Store


def _rows(connection: Connection, sql: str, params: dict | None = None, **types: Any) -> Sequence[Any]:
    from sqlalchemy import text

    statement: Any = text(sql)
    if types:
        statement = statement.columns(**types)
    if params:
        from sqlalchemy import bindparam

        statement = statement.bindparams(
            *[bindparam(k, expanding=True) for k, v in params.items() if isinstance(v, (list, tuple))]
        )
    return connection.execute(statement, params or {}).all()


def _by(key, items) -> tuple:
    return tuple(sorted(items, key=key))


def load_catalogue(connection: Connection) -> Catalogue:
    parties = _by(
        lambda party: party.code,
        (
            Party(code, name, notes or "", source or "")
            for code, name, notes, source in _rows(connection, "SELECT code, name, notes, source FROM party")
        ),
    )
    issues = _by(
        lambda issue: issue.code,
        (Issue(code, title) for code, title in _rows(connection, "SELECT code, title FROM issue")),
    )
    move_rows = _rows(
        connection,
        "SELECT m.code, a.code, i.code, m.title, m.description, m.unit, m.cost, m.reversible, m.source "
        "FROM move m JOIN party a ON a.id = m.actor_id LEFT JOIN issue i ON i.id = m.issue_id",
    )
    moves = _by(
        lambda move: move.code,
        (
            Move(code, actor, title, issue, description or "", unit, int(cost), bool(reversible), source or "")
            for code, actor, issue, title, description, unit, cost, reversible, source in move_rows
        ),
    )
    era_rows = _rows(
        connection,
        'SELECT p.code, e.name, e.title, e.start, e."end", e.source FROM era e JOIN party p ON p.id = e.party_id',
    )
    eras = _by(
        lambda era: (era.party, era.start, era.name),
        (
            Era(party, name, title, _as_date(start), _as_date(end) if end is not None else None, source or "")
            for party, name, title, start, end, source in era_rows
        ),
    )
    position_rows = _rows(
        connection,
        "SELECT p.code, m.code, x.stance, x.weight, x.bound_op, x.bound_value, x.source, e.name "
        "FROM position x JOIN party p ON p.id = x.party_id JOIN move m ON m.id = x.move_id "
        "LEFT JOIN era e ON e.id = x.era_id",
    )
    # Standing first, then the era positions by the era's start: an export lists them in time order.
    starts = {(era.party, era.name): era.start for era in eras}
    positions = _by(
        lambda position: (position.move, position.party, position.era is not None,
                          starts.get((position.party, position.era or "")), position.era or ""),
        (
            Position(party, move, stance, int(weight), Bound(op, float(value)) if op is not None else None,
                     source or "", era)
            for party, move, stance, weight, op, value, source, era in position_rows
        ),
    )
    condition_rows = _rows(
        connection,
        "SELECT p.code, c.name, c.text, c.soft, c.source, e.name FROM condition c "
        "LEFT JOIN party p ON p.id = c.party_id LEFT JOIN era e ON e.id = c.era_id ORDER BY c.id",
    )
    conditions = tuple(
        Condition(text=text_, party=party, name=name, soft=bool(soft), source=source or "", era=era)
        for party, name, text_, soft, source, era in condition_rows
    )
    return Catalogue(parties, issues, moves, positions, conditions, eras)


def condition_labels(connection: Connection) -> list[tuple[int, str]]:
    """Each stored condition's id and how it is referred to (its name, else its id), in the order
    of ``load_catalogue``'s conditions."""
    return [(int(id_), name or str(id_))
            for id_, name in _rows(connection, "SELECT id, name FROM condition ORDER BY id")]


def read(
    store: Store,
    packages: Sequence[str] | None = (),
    history: bool = False,
    first: Callable[[Catalogue], Any] | None = None,
) -> tuple[Catalogue, list[Package]]:
    """The catalogue and the named packages (every package when ``packages`` is None), read in
    one short transaction: what every command that judges, compares or shows packages starts from.
    ``first`` is called with the catalogue before any package is read (to check what a command
    was given against it, so that its mistakes are reported before an unknown package)."""
    with store.read() as connection:
        catalogue = load_catalogue(connection)
        if first is not None:
            first(catalogue)
        drafted = load_packages(connection, None if packages is None else list(packages), history=history)
    return catalogue, drafted


def read_catalogue(store: Store) -> Catalogue:
    return read(store)[0]


def package_names(connection: Connection) -> list[str]:
    return sorted(name for (name,) in _rows(connection, "SELECT name FROM package"))


def _driver_rows(connection: Connection, sql: str) -> Iterator[tuple]:
    """Rows straight from the driver's cursor, one at a time, without SQLAlchemy's row objects.

    For the bulk queries of ``load_packages`` (hundreds of thousands of placements): rows become
    domain values as they come, so the raw rows are never all held at once.  The SQL takes no
    parameters (ids are inlined as integers), so it runs unchanged on every driver.
    """
    cursor: Any = connection.connection.cursor()
    try:
        cursor.execute(sql)
        yield from cursor
    finally:
        cursor.close()


def _as_date(value):
    """SQLite hands dates back as ISO text, PostgreSQL as dates."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _as_timestamp(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def load_packages(
    connection: Connection, names: Sequence[str] | None = None, history: bool = False
) -> list[Package]:
    """The named packages (all when ``names`` is None), in the order asked for (else by name).

    An unknown name raises UnknownCode with a did-you-mean.  Four statements (five with history),
    whatever the number of packages.
    """
    if names is not None:
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return []
        heads = _rows(
            connection,
            "SELECT k.id, k.name, k.title, k.description, k.status, b.name, k.date FROM package k "
            "LEFT JOIN package b ON b.id = k.based_on_id WHERE k.name IN :names",
            {"names": wanted},
        )
        found = {row[1] for row in heads}
        for name in wanted:
            if name not in found:
                raise UnknownCode("package", name, package_names(connection))
        scope = " WHERE package_id IN (" + ",".join(str(int(row[0])) for row in heads) + ")"
    else:
        heads = _rows(
            connection,
            "SELECT k.id, k.name, k.title, k.description, k.status, b.name, k.date FROM package k "
            "LEFT JOIN package b ON b.id = k.based_on_id",
        )
        scope = ""
    if not heads:
        return []

    # Placements name their move by id; reusing one string per code keeps memory flat.
    code_of = dict(_driver_rows(connection, "SELECT id, code FROM move"))
    levels: dict[str, str] = {}
    placements: dict[int, list[Placement]] = defaultdict(list)
    make = tuple.__new__  # the NamedTuple's own constructor is a Python call, per placement
    for step_id, move_id, quantity, level in _driver_rows(
        connection, "SELECT step_id, move_id, quantity, level FROM placement" + scope
    ):
        if quantity is not None and type(quantity) is not float:
            quantity = float(quantity)  # PostgreSQL's numeric arrives as Decimal
        placements[step_id].append(make(Placement, (code_of[move_id], quantity, levels.setdefault(level, level))))
    by_move = itemgetter(0)
    steps: dict[int, list[Step]] = defaultdict(list)
    for package_id, step_id, label, due in _driver_rows(
        connection, "SELECT package_id, id, label, due FROM step" + scope + " ORDER BY package_id, ordinal"
    ):
        placed = placements.get(step_id, ())
        steps[package_id].append(Step(label or "", _as_date(due), tuple(sorted(placed, key=by_move))))
    events: dict[int, list[Event]] = defaultdict(list)
    if history:
        for package_id, at, kind, move, old, new, note, source in _driver_rows(
            connection,
            "SELECT package_id, at, kind, move, old, new, note, source FROM event" + scope
            + " ORDER BY package_id, at, id",
        ):
            events[package_id].append(Event(_as_timestamp(at), kind, move, old, new, note or "", source or ""))
    packages = {
        name: Package(
            name=name,
            title=title or "",
            description=description or "",
            status=status,
            based_on=based_on,
            steps=tuple(steps.get(package_id, ())),
            history=tuple(events.get(package_id, ())),
            date=_as_date(day) if day is not None else None,
        )
        for package_id, name, title, description, status, based_on, day in heads
    }
    order: Iterable[str] = wanted if names is not None else sorted(packages)
    return [packages[name] for name in order]


def package_summaries(connection: Connection) -> list[tuple]:
    """``package list`` rows in one statement: name, title, status, steps, moves, based_on, updated."""
    from sqlalchemy import DateTime, text

    statement = text(
        "SELECT k.name, k.title, k.status, "
        "(SELECT count(*) FROM step s WHERE s.package_id = k.id), "
        "(SELECT count(*) FROM placement p WHERE p.package_id = k.id), "
        "b.name, k.updated_at AS updated "
        "FROM package k LEFT JOIN package b ON b.id = k.based_on_id ORDER BY k.name"
    ).columns(updated=DateTime)
    return [
        (name, title, status, int(steps), int(moves), based_on, updated.strftime("%Y-%m-%d %H:%M"))
        for name, title, status, steps, moves, based_on, updated in connection.execute(statement).all()
    ]
