"""Alembic environment for negotiator.

The schema is made only by these migrations.  ``target_metadata`` is the SQLModel metadata of
``negotiator.db.tables`` (with its constraint naming convention), so autogenerate compares against
the models; SQLite runs in batch mode so that later migrations can alter tables.

negotiator's own code (``negotiator.db.migrate``) hands over a ready connection in
``config.attributes["connection"]``; the ``alembic`` command line (with ``alembic.ini`` at the top
of the repository) uses ``sqlalchemy.url`` or ``NEGOTIATOR_DB`` instead.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import negotiator.db.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from negotiator.db.engine import database_url
from negotiator.db.migrate import server_defaults_differ

config = context.config
target_metadata = SQLModel.metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=server_defaults_differ,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or database_url(os.environ.get("NEGOTIATOR_DB"))
    engine = create_engine(url)
    with engine.connect() as connection:
        _configure(connection)
    engine.dispose()


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or database_url(os.environ.get("NEGOTIATOR_DB"))
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
