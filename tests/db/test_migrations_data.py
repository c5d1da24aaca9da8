"""Migrations keep the data: the Korea seed written at the oldest revision is intact after the
upgrade, and a downgrade/upgrade cycle loses only what the older schema cannot hold."""

from __future__ import annotations

from sqlalchemy import inspect, text

from negotiator.db import migrate
from negotiator.db.engine import Store
from negotiator.db.schema import HEAD_REVISION, KNOWN_REVISIONS
from negotiator.db.tables import ALL_TABLES
from tests.conftest import Cli

# Columns added after the first revision, with the value an upgrade gives old rows.
ADDED_SINCE_FIRST = {("party", "source"): ""}


def _rows(db: str) -> dict[str, list[dict]]:
    engine = Store(db).engine("read")
    with engine.connect() as connection:
        found = {
            table: [dict(row._mapping) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
            for table in ALL_TABLES
        }
    engine.dispose()
    return found


def _as_older_schema_keeps_it(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {
        table: [
            {column: ADDED_SINCE_FIRST.get((table, column), value) for column, value in row.items()}
            for row in table_rows
        ]
        for table, table_rows in rows.items()
    }


def _copy_rows(rows: dict[str, list[dict]], db: str) -> None:
    engine = Store(db).engine("migrate")
    with engine.begin() as connection:
        inspector = inspect(connection)
        for table in ALL_TABLES:  # in foreign-key order
            columns = {c["name"] for c in inspector.get_columns(table)}
            for row in rows[table]:
                kept = {k: v for k, v in row.items() if k in columns}
                names = ", ".join(kept)
                values = ", ".join(f":{k}" for k in kept)
                connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({values})"), kept)
    engine.dispose()


def test_korea_seed_written_at_the_oldest_revision_is_intact_after_upgrade(db_url, empty_db_url):
    Cli(db_url).ok("seed", "korea")
    seeded = _rows(db_url)
    assert all(seeded[table] for table in ("party", "move", "position", "condition", "package", "event"))

    migrate.upgrade(Store(empty_db_url), KNOWN_REVISIONS[0])
    _copy_rows(seeded, empty_db_url)
    migrate.upgrade(Store(empty_db_url), "head")

    assert Store(empty_db_url).revision() == HEAD_REVISION
    assert _rows(empty_db_url) == _as_older_schema_keeps_it(seeded)
    checked = Cli(empty_db_url).ok("check", "--all", "--format", "json")
    assert checked.stdout.strip().startswith("[")


def test_downgrade_and_upgrade_with_the_seed_loaded_keep_what_the_old_schema_holds(db_url):
    Cli(db_url).ok("seed", "korea")
    seeded = _rows(db_url)
    store = Store(db_url)
    migrate.downgrade(store, KNOWN_REVISIONS[0])
    migrate.upgrade(store, "head")
    assert _rows(db_url) == _as_older_schema_keeps_it(seeded)
