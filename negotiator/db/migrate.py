"""Running the Alembic migrations from negotiator itself (``init``, ``db upgrade/downgrade/current``).

The migration scripts ship inside the installed package (see ``negotiator.paths``), so this works
from any directory after a plain ``pip install``.  On SQLite, foreign keys are off while a
migration runs (batch mode copies tables) and checked once it is done.

What a downgrade loses is a property of each migration: every revision file declares ``DROPS``, a
list of what its ``downgrade()`` removes, each ``"table NAME"`` or ``"column TABLE.COLUMN"``
(a test checks the list against what the downgrade really removes).  ``losses`` reads those lists
for a planned downgrade and counts the rows that hold data in each, so that the command line can
name what would be lost before anything is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from negotiator.db.schema import KNOWN_REVISIONS
from negotiator.domain.errors import InvalidValue, NegotiatorError
from negotiator.paths import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Connection

    from negotiator.db.engine import Store


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _run(store: Store, action: Callable[[Config], None]) -> None:
    from alembic.util.exc import CommandError
    from sqlalchemy.exc import DBAPIError

    engine = store.engine("migrate")
    try:
        with engine.connect() as connection:
            try:
                action(_config(connection))
            except CommandError as exc:
                raise InvalidValue(str(exc)) from None
            connection.commit()
            if connection.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise NegotiatorError(f"migration left {len(broken)} broken references in {store.display}")
    except DBAPIError as exc:
        raise store.failure(exc) from None
    finally:
        engine.dispose()


def upgrade(store: Store, revision: str = "head") -> None:
    from alembic import command

    _run(store, lambda config: command.upgrade(config, revision))


def downgrade(store: Store, revision: str) -> None:
    from alembic import command

    _run(store, lambda config: command.downgrade(config, revision))


def remove_schema(store: Store) -> None:
    """Downgrade to nothing and drop Alembic's own table: the database is as empty as it was
    before ``upgrade`` made the schema (for a server database a failed command had just set up)."""
    downgrade(store, "base")
    engine = store.engine("migrate")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        engine.dispose()


def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def script_revisions() -> list[str]:
    """Every revision in the migration scripts, oldest first."""
    return [rev.revision for rev in reversed(list(_scripts().walk_revisions()))]


# --- what a downgrade drops ---------------------------------------------------------------------


class Drop(NamedTuple):
    """One thing a migration's downgrade removes: a whole table, or one column of a table."""

    kind: str  # "table" or "column"
    table: str
    column: str | None = None

    def __str__(self) -> str:
        return f"table {self.table}" if self.column is None else f"column {self.table}.{self.column}"


class Loss(NamedTuple):
    """A drop and how many rows hold data in it (rows of the table; rows with a value in the column)."""

    drop: Drop
    rows: int


def parse_drop(text: str) -> Drop:
    """``"table NAME"`` or ``"column TABLE.COLUMN"``, as written in a revision's ``DROPS``."""
    kind, _, name = text.strip().partition(" ")
    name = name.strip()
    if kind == "table" and name and "." not in name:
        return Drop("table", name)
    table, _, column = name.partition(".")
    if kind == "column" and table and column:
        return Drop("column", table, column)
    raise ValueError(f"not a drop: {text!r} (write 'table NAME' or 'column TABLE.COLUMN')")


def declared_drops(revision: str) -> list[Drop]:
    """What the downgrade of ``revision`` (to the one before it) removes, from its ``DROPS``."""
    script = _scripts().get_revision(revision)
    if script is None:
        raise InvalidValue(f"no migration script for schema revision {revision}")
    declared = getattr(script.module, "DROPS", None)
    if declared is None:
        raise NegotiatorError(f"the migration for schema revision {revision} does not declare what it drops")
    return [parse_drop(text) for text in declared]


def downgrade_steps(current: str, target: str) -> list[str]:
    """The revisions undone when going from ``current`` down to ``target`` ("base" = none), newest first."""
    order = list(KNOWN_REVISIONS)
    stop = -1 if target == "base" else order.index(target)
    return list(reversed(order[stop + 1 : order.index(current) + 1]))


def losses(store: Store, steps: list[str]) -> list[Loss]:
    """Every drop of the downgrade steps, with the rows that hold data in each (counted now)."""
    drops: list[Drop] = []
    for revision in steps:
        drops += [drop for drop in declared_drops(revision) if drop not in drops]
    engine = store.engine("read")
    try:
        with engine.connect() as connection:
            return [Loss(drop, _rows_with_data(connection, drop)) for drop in drops]
    finally:
        engine.dispose()


def _rows_with_data(connection: Connection, drop: Drop) -> int:
    from sqlalchemy import inspect

    if not inspect(connection).has_table(drop.table):
        return 0
    table = _quoted(connection, drop.table)
    if drop.column is None:
        sql = f"SELECT count(*) FROM {table}"
    else:
        column = _quoted(connection, drop.column)
        sql = f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL AND CAST({column} AS TEXT) <> ''"
    value: Any = connection.exec_driver_sql(sql).scalar()
    return int(value or 0)


def _quoted(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)


def server_defaults_differ(
    context: Any, inspected_column: Any, metadata_column: Any, inspected_default: Any, metadata_default: Any,
    rendered_metadata_default: Any,
) -> bool | None:
    """Alembic's default comparison, except that quoting of a literal default is not a difference.

    SQLite reports ``DEFAULT ''`` back as the text ``''`` while the model says the empty string;
    both are the same default.  Anything else is left to Alembic (None).
    """

    def bare(value: Any) -> str | None:
        if value is None:
            return None
        text = str(getattr(value, "arg", value))
        text = getattr(text, "text", text)
        text = str(text).strip()
        while text.startswith("(") and text.endswith(")"):
            text = text[1:-1].strip()
        text = text.split("::", 1)[0]
        if len(text) >= 2 and text[0] == text[-1] == "'":
            text = text[1:-1]
        return text

    if bare(inspected_default) == bare(rendered_metadata_default):
        return False
    return None
