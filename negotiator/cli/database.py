"""``init`` and ``db upgrade/downgrade/current``: making and migrating the schema (Alembic)."""

from __future__ import annotations

import click

from negotiator.cli.common import done, pass_store


@click.command()
@pass_store
def init(store) -> None:
    """Create the database (if needed) and bring its schema up to date.

    \b
    Examples:
      negotiator init
      negotiator --db talks.db init
      negotiator --db postgresql+psycopg://me@dbhost/talks init
    """
    from negotiator.db import migrate
    from negotiator.db.schema import HEAD_REVISION

    before = store.revision()
    migrate.upgrade(store, "head")
    if before == HEAD_REVISION:
        done(f"{store.display} is already up to date (schema {HEAD_REVISION})")
    elif before is None:
        done(f"created negotiator database at {store.display} (schema {HEAD_REVISION})")
    else:
        done(f"upgraded {store.display} from schema {before} to {HEAD_REVISION}")


@click.group()
def db() -> None:
    """Migrate the database schema (Alembic)."""


@db.command()
@click.argument("revision", default="head")
@pass_store
def upgrade(store, revision: str) -> None:
    """Upgrade the schema to REVISION (default: head, the latest)."""
    from negotiator.db import migrate

    before = store.revision()
    migrate.upgrade(store, revision)
    done(f"{store.display}: schema {before or '(none)'} -> {store.revision() or '(none)'}")


@db.command()
@click.argument("revision")
@pass_store
def downgrade(store, revision: str) -> None:
    """Downgrade the schema to REVISION (``base`` removes every table).

    \b
    Example:
      negotiator db downgrade base
    """
    from negotiator.db import migrate
    from negotiator.domain.errors import NegotiatorError

    if not store.exists():
        raise NegotiatorError(f"no database at {store.path}")
    before = store.revision()
    migrate.downgrade(store, revision)
    done(f"{store.display}: schema {before or '(none)'} -> {store.revision() or '(none)'}")


@db.command()
@pass_store
def current(store) -> None:
    """Show the schema revision of the database and the one this negotiator expects."""
    from negotiator.db.schema import HEAD_REVISION, KNOWN_REVISIONS

    revision = store.revision() if store.exists() else None
    if revision is None:
        state = "no schema (run `negotiator init`)"
    elif revision == HEAD_REVISION:
        state = "up to date"
    elif revision in KNOWN_REVISIONS:
        state = "older than this negotiator (run `negotiator db upgrade`)"
    else:
        state = "newer than this negotiator"
    done(f"{store.display}: schema {revision or '(none)'}, code expects {HEAD_REVISION}: {state}")
