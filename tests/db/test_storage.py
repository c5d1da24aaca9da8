"""Storage rules of DESIGN §9: schema versions, missing databases, SQLite settings."""

from __future__ import annotations

import pytest

from negotiator.db.engine import Store, database_url
from negotiator.domain.errors import InvalidValue


@pytest.mark.parametrize(
    "value, expected",
    [
        ("sqlite:///x.db", "sqlite:///x.db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_database_url_accepts_paths_and_urls(value, expected):
    assert database_url(value) == expected


def test_a_relative_path_is_resolved_against_the_working_directory(tmp_path):
    assert database_url("talks.db") == "sqlite:///" + str(tmp_path / "talks.db")


def test_database_url_refuses_other_databases():
    with pytest.raises(InvalidValue, match="unsupported database URL"):
        database_url("mysql://u@h/db")


def _set_revision(db: str, revision: str) -> None:
    engine = Store(db).engine("write")
    with engine.begin() as connection:
        connection.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{revision}'")
    engine.dispose()


def test_a_newer_schema_is_refused(cli, db_snapshot):
    _set_revision(cli.db, "9999")
    outcome = cli("party", "list")
    assert outcome.exit_code == 1
    assert len(outcome.error_lines) == 1 and "made by a newer version" in outcome.error_lines[0]
    outcome = cli("party", "add", "X", "--name", "x")
    assert outcome.exit_code == 1 and "newer version" in outcome.error_lines[0]


def test_an_older_schema_names_db_upgrade_and_upgrade_fixes_it(empty_db_url, db_snapshot):
    from negotiator.db import migrate
    from negotiator.db.schema import KNOWN_REVISIONS
    from tests.conftest import Cli

    migrate.upgrade(Store(empty_db_url), KNOWN_REVISIONS[0])
    cli = Cli(empty_db_url)
    for command in (("party", "list"), ("party", "add", "X", "--name", "x")):
        outcome = cli(*command)
        assert outcome.exit_code == 1 and len(outcome.error_lines) == 1
        assert "older than this negotiator" in outcome.error_lines[0]
        assert "run `negotiator db upgrade`" in outcome.error_lines[0]
    cli.ok("db", "upgrade")
    cli.ok("party", "add", "X", "--name", "x")


def test_reading_a_missing_file_does_not_create_it(tmp_path):
    from tests.conftest import Cli

    path = tmp_path / "nothing.db"
    outcome = Cli(str(path))("party", "list")
    assert outcome.exit_code == 1 and "run `negotiator init`" in outcome.error_lines[0]
    assert not path.exists()


def test_a_write_command_creates_a_missing_database_with_a_note(tmp_path):
    from tests.conftest import Cli

    path = tmp_path / "new.db"
    cli = Cli(str(path))
    outcome = cli.ok("party", "add", "USA", "--name", "United States")
    assert "note: created a new negotiator database" in outcome.stderr
    assert "USA" in cli.ok("party", "list").stdout


def test_init_is_idempotent_and_db_current_reports(empty_db_url):
    from tests.conftest import Cli

    cli = Cli(empty_db_url)
    assert "created negotiator database" in cli.ok("init").stdout
    assert "already up to date" in cli.ok("init").stdout
    assert "up to date" in cli.ok("db", "current").stdout
    cli.ok("db", "downgrade", "base")
    assert "no schema" in cli.ok("db", "current").stdout
    outcome = cli("party", "list")
    assert outcome.exit_code == 1 and "no negotiator schema" in outcome.error_lines[0]
    cli.ok("db", "upgrade")
    cli.ok("party", "list")


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    from negotiator.db import migrate

    store = Store(str(tmp_path / "s.db"))
    migrate.upgrade(store)
    with store.write() as session:
        connection = session.connection()
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_a_failed_write_rolls_back_everything(store):
    from negotiator.db.catalogue import add_party
    from negotiator.domain.errors import DuplicateCode

    with pytest.raises(DuplicateCode):
        with store.write() as session:
            add_party(session, "A", "first")
            add_party(session, "A", "again")
    from negotiator.db.load import load_catalogue

    with store.read() as connection:
        assert load_catalogue(connection).parties == ()


def test_unreachable_postgres_is_one_error_line(tmp_path):
    from tests.conftest import Cli

    outcome = Cli(f"postgresql+psycopg://nobody@/nowhere?host={tmp_path}&port=1")("party", "list")
    assert outcome.exit_code == 1 and outcome.error_lines[0].startswith("Error: cannot open database")
    assert "Traceback" not in outcome.stderr
