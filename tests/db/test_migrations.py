"""The schema is made by the migrations alone, and the migrations match the models."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from negotiator.db import migrate
from negotiator.db.engine import Store
from negotiator.db.schema import HEAD_REVISION, KNOWN_REVISIONS
from negotiator.db.tables import ALL_TABLES


def _drift(store: Store) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import negotiator.db.tables  # noqa: F401

    engine = store.engine("read")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": migrate.server_defaults_differ}
            )
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def test_known_revisions_are_the_migration_scripts_in_order():
    assert list(KNOWN_REVISIONS) == migrate.script_revisions()
    assert HEAD_REVISION == migrate.script_revisions()[-1]


def test_models_and_migrations_do_not_drift(store):
    assert _drift(store) == []


def test_upgrade_downgrade_upgrade_round_trip(empty_db_url):
    store = Store(empty_db_url)
    migrate.upgrade(store, "head")
    assert store.revision() == HEAD_REVISION
    migrate.downgrade(store, "base")
    assert store.revision() is None
    engine = store.engine("read")
    with engine.connect() as connection:
        remaining = set(inspect(connection).get_table_names()) & set(ALL_TABLES)
    engine.dispose()
    assert remaining == set()
    migrate.upgrade(store, "head")
    assert store.revision() == HEAD_REVISION
    assert _drift(store) == []


def test_every_constraint_is_named_by_the_convention(store):
    engine = store.engine("read")
    with engine.connect() as connection:
        inspector = inspect(connection)
        names = []
        for table in ALL_TABLES:
            names += [c["name"] for c in inspector.get_unique_constraints(table)]
            names += [c["name"] for c in inspector.get_foreign_keys(table)]
            names += [c["name"] for c in inspector.get_check_constraints(table)]
    engine.dispose()
    assert names and all(name and name.split("_")[0] in ("uq", "fk", "ck") for name in names), names


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO party (code, name, notes) VALUES ('A', 'a', ''), ('A', 'b', '')",
        "INSERT INTO move (code, actor_id, title, cost, reversible) VALUES ('m', 999, 't', 1, true)",
        "INSERT INTO party (code, name, notes) VALUES ('A', 'a', ''); "
        "INSERT INTO move (code, actor_id, title, cost, reversible) SELECT 'm', id, 't', -1, true FROM party",
    ],
    ids=["duplicate code", "foreign key", "negative cost"],
)
def test_database_enforces_constraints(store, statement):
    from sqlalchemy.exc import IntegrityError

    engine = store.engine("write")
    with pytest.raises(IntegrityError):
        with engine.begin() as connection:
            for part in statement.split("; "):
                connection.exec_driver_sql(part)
    engine.dispose()
