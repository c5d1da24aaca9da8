"""``init`` and ``db upgrade/downgrade/current``: making and migrating the schema (Alembic).

``init`` is one of the few commands that may make a new database (and its folder).  The ``db``
commands work on a database that exists.  A schema made by a newer negotiator is refused by all
of them, with the same words as every other command.  A downgrade that drops tables or columns
names what it would drop, with the rows that hold data there, and runs only when confirmed
(``--yes``, or yes at the prompt).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from negotiator.cli import common
from negotiator.cli.common import database_made_if_missing, done, pass_store
from negotiator.db.engine import Store

if TYPE_CHECKING:
    from negotiator.db.migrate import Loss


@click.command()
@pass_store
def init(store: Store) -> None:
    """Create the database (if needed) and bring its schema up to date.

    \b
    Examples:
      negotiator init
      negotiator --db talks.db init
      negotiator --db postgresql+psycopg://me@dbhost/talks init
    """
    from negotiator.db import migrate
    from negotiator.db.schema import HEAD_REVISION, refuse_newer

    before = store.revision()
    refuse_newer(before, store.display)
    with database_made_if_missing(store, announce=False) as made:
        if not made:
            migrate.upgrade(store, "head")
    if made or before is None:
        done(f"created negotiator database at {store.display} (schema {HEAD_REVISION})")
    elif before == HEAD_REVISION:
        done(f"{store.display} is already up to date (schema {HEAD_REVISION})")
    else:
        done(f"upgraded {store.display} from schema {before} to {HEAD_REVISION}")


@click.group()
def db() -> None:
    """Migrate the database schema (Alembic)."""


def _known_target(revision: str, also: str) -> str:
    from negotiator.db.schema import KNOWN_REVISIONS
    from negotiator.domain.errors import InvalidValue

    if revision == also or revision in KNOWN_REVISIONS:
        return revision
    raise InvalidValue(
        f"unknown schema revision '{revision}'; this negotiator knows {also}, {', '.join(KNOWN_REVISIONS)}"
    )


def _existing_revision(store: Store) -> str | None:
    """The schema revision of a database that must exist, refusing one made by a newer negotiator."""
    from negotiator.db.schema import refuse_newer

    store.require()
    revision = store.revision()
    refuse_newer(revision, store.display)
    return revision


@db.command()
@click.argument("revision", default="head")
@pass_store
def upgrade(store: Store, revision: str) -> None:
    """Upgrade the schema to REVISION (default: head, the latest)."""
    from negotiator.db import migrate
    from negotiator.db.schema import KNOWN_REVISIONS
    from negotiator.domain.errors import InvalidValue

    target = _known_target(revision, "head")
    before = _existing_revision(store)
    if target != "head" and before is not None and KNOWN_REVISIONS.index(target) < KNOWN_REVISIONS.index(before):
        raise InvalidValue(
            f"{store.display} is at schema {before}, later than {target}; use `negotiator db downgrade {target}`"
        )
    migrate.upgrade(store, target)
    done(f"{store.display}: schema {before or '(none)'} -> {store.revision() or '(none)'}")


@db.command()
@click.argument("revision")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before dropping tables or columns and their data.")
@pass_store
def downgrade(store: Store, revision: str, yes: bool) -> None:
    """Downgrade the schema to REVISION (base removes every table).

    A downgrade drops what later schemas added (tables, columns) with the data in them: it says
    what it would drop and asks first, or give --yes.

    \b
    Examples:
      negotiator db downgrade 0001
      negotiator db downgrade base --yes
    """
    from negotiator.db import migrate
    from negotiator.db.schema import KNOWN_REVISIONS
    from negotiator.domain.errors import InvalidValue

    target = _known_target(revision, "base")
    before = _existing_revision(store)
    if before is None:
        raise InvalidValue(f"{store.display} has no negotiator schema; there is nothing to downgrade")
    if target != "base" and KNOWN_REVISIONS.index(target) > KNOWN_REVISIONS.index(before):
        raise InvalidValue(
            f"{store.display} is at schema {before}, earlier than {target}; use `negotiator db upgrade {target}`"
        )
    steps = migrate.downgrade_steps(before, target)
    if not steps:
        done(f"{store.display} is already at schema {before}")
        return
    lost = migrate.losses(store, steps)
    if lost:
        _confirm_losses(f"downgrading {store.display} from schema {before} to {target}", lost, yes)
    migrate.downgrade(store, target)
    done(f"{store.display}: schema {before} -> {store.revision() or '(none)'}")


def _confirm_losses(action: str, lost: list[Loss], yes: bool) -> None:
    from negotiator.domain.errors import NegotiatorError

    if yes:
        return
    what = describe_losses(lost)
    if not common.is_interactive():
        raise NegotiatorError(f"{action} {what}; add --yes to go ahead")
    click.confirm(f"{action[0].upper()}{action[1:]} {what}. Go ahead?", abort=True)


def describe_losses(lost: list[Loss]) -> str:
    """``drops column party.source (12 parties have one) and every table (340 rows)``."""
    from negotiator.db.tables import ALL_TABLES

    tables = [loss for loss in lost if loss.drop.column is None]
    columns = [loss for loss in lost if loss.drop.column is not None]
    parts = [f"column {loss.drop.table}.{loss.drop.column} ({_holding(loss.drop.table, loss.rows)})"
             for loss in columns]
    if tables and {loss.drop.table for loss in tables} >= set(ALL_TABLES):
        parts.append(f"every table ({_count(sum(loss.rows for loss in tables), 'row')})")
    else:
        parts += [f"table {loss.drop.table} ({_count(loss.rows, 'row')})" for loss in tables]
    return "drops " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])


def _holding(table: str, rows: int) -> str:
    if rows == 0:
        return f"no {table} has one"
    return f"{_count(rows, table)} {'has' if rows == 1 else 'have'} one"


def _count(number: int, noun: str) -> str:
    if number == 1:
        return f"1 {noun}"
    plural = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
    return f"{number} {plural}"


@db.command()
@pass_store
def current(store: Store) -> None:
    """Show the schema revision of the database and the one this negotiator expects."""
    from negotiator.db.schema import HEAD_REVISION, KNOWN_REVISIONS

    store.require()
    revision = store.revision()
    if revision is None:
        state = "no schema (run `negotiator init`)"
    elif revision == HEAD_REVISION:
        state = "up to date"
    elif revision in KNOWN_REVISIONS:
        state = "older than this negotiator (run `negotiator db upgrade`)"
    else:
        state = "newer than this negotiator"
    done(f"{store.display}: schema {revision or '(none)'}, code expects {HEAD_REVISION}: {state}")
