"""Migrations keep the data: the Korea seed written at an older revision is intact after the
upgrade, and a downgrade/upgrade cycle loses only what the older schema cannot hold (the party
sources of 0002; the eras of 0003, with the positions and conditions that hold in them, and the
packages' dates)."""

from __future__ import annotations

from sqlalchemy import inspect, text

from negotiator.db import migrate
from negotiator.db.engine import Store
from negotiator.db.schema import HEAD_REVISION, KNOWN_REVISIONS
from negotiator.db.tables import ALL_TABLES
from tests.conftest import Cli

# Columns added after each revision, with the value an upgrade gives old rows.
ADDED_AFTER = {
    "0001": {("party", "source"): ""},
    "0002": {("position", "era_id"): None, ("condition", "era_id"): None, ("package", "date"): None},
}
# Tables added after each revision.
TABLES_AFTER = {"0001": set(), "0002": {"era"}}


def _added_after(revision: str) -> tuple[dict[tuple[str, str], object], set[str]]:
    later = KNOWN_REVISIONS[KNOWN_REVISIONS.index(revision):-1]
    columns: dict[tuple[str, str], object] = {}
    tables: set[str] = set()
    for older in later:
        columns.update(ADDED_AFTER[older])
        tables |= TABLES_AFTER[older]
    return columns, tables


def _rows(db: str) -> dict[str, list[dict]]:
    engine = Store(db).engine("read")
    with engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        found = {
            table: [dict(row._mapping) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
            if table in present else []
            for table in ALL_TABLES
        }
    engine.dispose()
    return found


def _as_schema_keeps_it(rows: dict[str, list[dict]], revision: str) -> dict[str, list[dict]]:
    """What is left of ``rows`` once they pass through the schema of ``revision`` and back: the
    era rows are gone (an era position or condition cannot be told from a standing one), and the
    columns added later hold the value an upgrade gives them."""
    columns, tables = _added_after(revision)
    kept = {}
    for table, table_rows in rows.items():
        if table in tables:
            kept[table] = []
            continue
        held = [row for row in table_rows if not ("era_id" in row and ("position", "era_id") in columns
                                                  and row["era_id"] is not None)]
        kept[table] = [{column: columns.get((table, column), value) for column, value in row.items()} for row in held]
    return kept


def _copy_rows(rows: dict[str, list[dict]], db: str) -> None:
    """Insert what the database's (older) schema can hold: its tables, its columns, and no row
    that names an era when it has no eras."""
    engine = Store(db).engine("migrate")
    with engine.begin() as connection:
        inspector = inspect(connection)
        present = set(inspector.get_table_names())
        for table in ALL_TABLES:  # in foreign-key order
            if table not in present:
                continue
            columns = {c["name"] for c in inspector.get_columns(table)}
            for row in rows[table]:
                if row.get("era_id") is not None and "era_id" not in columns:
                    continue
                kept = {k: v for k, v in row.items() if k in columns}
                names = ", ".join(f'"{k}"' for k in kept)
                values = ", ".join(f":{k}" for k in kept)
                connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({values})"), kept)
    engine.dispose()


def test_the_korea_seed_has_eras_era_rows_and_package_dates_to_lose(db_url):
    Cli(db_url).ok("seed", "korea")
    seeded = _rows(db_url)
    assert seeded["era"] and all(package["date"] is not None for package in seeded["package"])
    assert any(row["era_id"] is not None for row in seeded["position"])
    assert any(row["era_id"] is not None for row in seeded["condition"])


def test_korea_seed_written_at_the_oldest_revision_is_intact_after_upgrade(db_url, empty_db_url):
    Cli(db_url).ok("seed", "korea")
    seeded = _rows(db_url)
    assert all(seeded[table] for table in ("party", "move", "position", "condition", "package", "event"))

    migrate.upgrade(Store(empty_db_url), KNOWN_REVISIONS[0])
    _copy_rows(seeded, empty_db_url)
    migrate.upgrade(Store(empty_db_url), "head")

    assert Store(empty_db_url).revision() == HEAD_REVISION
    assert _rows(empty_db_url) == _as_schema_keeps_it(seeded, KNOWN_REVISIONS[0])
    checked = Cli(empty_db_url).ok("check", "--all", "--format", "json")
    assert checked.stdout.strip().startswith("[")


def test_upgrade_from_0002_with_the_seed_keeps_every_row_it_held(db_url, empty_db_url):
    Cli(db_url).ok("seed", "korea")
    seeded = _rows(db_url)
    migrate.upgrade(Store(empty_db_url), "0002")
    _copy_rows(seeded, empty_db_url)
    migrate.upgrade(Store(empty_db_url), "0003")

    upgraded = _rows(empty_db_url)
    assert upgraded == _as_schema_keeps_it(seeded, "0002")
    assert upgraded["era"] == [] and all(row["era_id"] is None for row in upgraded["position"])


def test_downgrade_to_0002_takes_the_eras_with_their_rows_and_upgrade_then_reseed_restores_them(db_url):
    cli = Cli(db_url)
    cli.ok("seed", "korea")
    seeded = _rows(db_url)
    store = Store(db_url)

    cli.ok("db", "downgrade", "0002", "--yes")
    assert store.revision() == "0002"
    migrate.upgrade(store, "head")
    assert _rows(db_url) == _as_schema_keeps_it(seeded, "0002")

    cli.ok("seed", "korea", "--replace")
    again = _rows(db_url)
    assert len(again["era"]) == len(seeded["era"])
    assert [(row["name"], row["date"]) for row in again["package"]] == [(row["name"], row["date"])
                                                                      for row in seeded["package"]]
    assert len(again["position"]) == len(seeded["position"]) and len(again["condition"]) == len(seeded["condition"])


def test_downgrade_and_upgrade_with_the_seed_loaded_keep_what_the_old_schema_holds(db_url):
    Cli(db_url).ok("seed", "korea")
    seeded = _rows(db_url)
    store = Store(db_url)
    migrate.downgrade(store, KNOWN_REVISIONS[0])
    migrate.upgrade(store, "head")
    assert _rows(db_url) == _as_schema_keeps_it(seeded, KNOWN_REVISIONS[0])
