"""A downgrade that drops data asks first: each migration declares what its downgrade drops
(``DROPS``), the declaration is checked against what the downgrade really removes, and
``negotiator db downgrade`` names the drops, with the rows that hold data, and runs only with
``--yes`` or a yes at the prompt."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from negotiator.cli import common
from negotiator.db import migrate
from negotiator.db.engine import Store
from negotiator.db.migrate import Drop, parse_drop
from negotiator.db.schema import HEAD_REVISION, KNOWN_REVISIONS
from tests.conftest import Cli, snapshot


def _shape(store: Store) -> tuple[set[str], set[tuple[str, str]]]:
    """(tables, (table, column) pairs) of the negotiator schema, Alembic's own table left out."""
    engine = store.engine("read")
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            tables = set(inspector.get_table_names()) - {"alembic_version"}
            columns = {(table, column["name"]) for table in tables for column in inspector.get_columns(table)}
    finally:
        engine.dispose()
    return tables, columns


@pytest.mark.parametrize("revision", KNOWN_REVISIONS)
def test_each_migration_declares_exactly_what_its_downgrade_drops(empty_db_url, revision):
    store = Store(empty_db_url)
    migrate.upgrade(store, revision)
    tables, columns = _shape(store)
    previous = KNOWN_REVISIONS.index(revision) - 1
    migrate.downgrade(store, KNOWN_REVISIONS[previous] if previous >= 0 else "base")
    tables_after, columns_after = _shape(store)

    dropped = {Drop("table", table) for table in tables - tables_after}
    dropped |= {Drop("column", table, column) for table, column in columns - columns_after if table in tables_after}
    assert set(migrate.declared_drops(revision)) == dropped


@pytest.mark.parametrize(
    "text, drop",
    [("table era", Drop("table", "era")), ("column party.source", Drop("column", "party", "source")),
     ("  table   era ", Drop("table", "era"))],
)
def test_a_declared_drop_is_a_table_or_a_column(text, drop):
    assert parse_drop(text) == drop


@pytest.mark.parametrize("text", ["era", "table", "table party.source", "column party", "index ix_party_code"])
def test_a_declared_drop_of_another_form_is_refused(text):
    with pytest.raises(ValueError, match="table NAME"):
        parse_drop(text)


ERA_DROPS = ("column position.era_id ({positions} positions have one), column condition.era_id ({conditions} "
             "conditions have one), column package.date ({dated} packages have one), ")


@pytest.mark.parametrize(
    "target, drops",
    [
        ("0002", "drops " + ERA_DROPS.removesuffix(", ") + " and table era ({eras} rows)"),
        ("0001", "drops " + ERA_DROPS + "column party.source ({n} parties have one) and table era ({eras} rows)"),
        ("base", "drops " + ERA_DROPS + "column party.source ({n} parties have one) and every table ({rows} rows)"),
    ],
)
def test_a_downgrade_that_drops_data_is_refused_without_yes_naming_what_it_drops(korea_db, target, drops):
    before = snapshot(korea_db)
    rows = sum(len(table_rows) for table_rows in before.values())
    sourced = sum(1 for row in _party_rows(korea_db) if row["source"])
    counts = {name: _count(korea_db, sql) for name, sql in (
        ("positions", "SELECT count(*) FROM position WHERE era_id IS NOT NULL"),
        ("conditions", "SELECT count(*) FROM condition WHERE era_id IS NOT NULL"),
        ("dated", "SELECT count(*) FROM package WHERE date IS NOT NULL"),
        ("eras", "SELECT count(*) FROM era"))}
    assert sourced > 0 and all(counts.values())

    outcome = Cli(korea_db)("db", "downgrade", target)

    store = Store(korea_db)
    assert outcome.exit_code == 1
    expected = (f"Error: downgrading {store.display} from schema {HEAD_REVISION} to {target} "
                f"{drops.format(n=sourced, rows=rows, **counts)}; add --yes to go ahead")
    assert outcome.error_lines == [expected]
    assert store.revision() == HEAD_REVISION
    assert snapshot(korea_db) == before


def _count(db: str, sql: str) -> int:
    from sqlalchemy import text

    engine = Store(db).engine("read")
    with engine.connect() as connection:
        found = int(connection.execute(text(sql)).scalar() or 0)
    engine.dispose()
    return found


def _party_rows(db: str) -> list[dict]:
    from sqlalchemy import text

    engine = Store(db).engine("read")
    with engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(text("SELECT * FROM party"))]
    engine.dispose()
    return rows


def test_a_downgrade_with_yes_drops_and_upgrade_brings_the_schema_back(korea_db):
    cli = Cli(korea_db)
    outcome = cli.ok("db", "downgrade", KNOWN_REVISIONS[0], "--yes")
    assert f"schema {HEAD_REVISION} -> {KNOWN_REVISIONS[0]}" in outcome.stdout
    assert Store(korea_db).revision() == KNOWN_REVISIONS[0]
    cli.ok("db", "upgrade")
    assert all(row["source"] == "" for row in _party_rows(korea_db))


def test_a_downgrade_of_an_empty_database_still_asks_because_it_drops_tables(db_url):
    outcome = Cli(db_url)("db", "downgrade", "base")
    assert outcome.exit_code == 1
    assert len(outcome.error_lines) == 1
    assert ("column package.date (no package has one), column party.source (no party has one) and every table (0 rows)"
            in outcome.error_lines[0])


@pytest.mark.parametrize("answer, status, revision", [("n\n", 1, HEAD_REVISION), ("y\n", 0, KNOWN_REVISIONS[0])])
def test_at_a_terminal_a_downgrade_asks_and_does_what_the_answer_says(korea_db, monkeypatch, answer, status, revision):
    monkeypatch.setattr(common, "is_interactive", lambda: True)

    outcome = Cli(korea_db)("db", "downgrade", KNOWN_REVISIONS[0], input=answer)

    assert outcome.exit_code == status
    assert "column party.source" in outcome.stdout and outcome.stdout.rstrip().count("Go ahead?") == 1
    assert Store(korea_db).revision() == revision


@pytest.mark.parametrize(
    "command, message",
    [
        (("db", "downgrade", "0099"), "unknown schema revision '0099'; this negotiator knows base, "),
        (("db", "downgrade", "head"), "unknown schema revision 'head'"),
        (("db", "upgrade", "0099"), "unknown schema revision '0099'; this negotiator knows head, "),
        (("db", "upgrade", KNOWN_REVISIONS[0]), f"use `negotiator db downgrade {KNOWN_REVISIONS[0]}`"),
    ],
    ids=" ".join,
)
def test_a_migration_to_a_revision_it_cannot_reach_is_one_error_line(db_url, command, message):
    outcome = Cli(db_url)(*command)
    assert outcome.exit_code == 1
    assert len(outcome.error_lines) == 1 and message in outcome.error_lines[0]
    assert Store(db_url).revision() == HEAD_REVISION


def test_a_downgrade_to_the_current_revision_changes_nothing(db_url):
    outcome = Cli(db_url).ok("db", "downgrade", HEAD_REVISION)
    assert f"already at schema {HEAD_REVISION}" in outcome.stdout
    assert Store(db_url).revision() == HEAD_REVISION
