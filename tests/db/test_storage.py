"""Storage rules of DESIGN §9: schema versions, missing databases, SQLite settings."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

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


NO_DATABASE = "Error: no database at {path}; run `negotiator init` (or import/seed)"


@pytest.mark.parametrize(
    "command",
    [
        ("party", "list"),
        ("party", "add", "USA", "--name", "United States"),
        ("package", "new", "draft"),
        ("check", "--all"),
        ("export", "backup.yaml"),
        ("db", "upgrade"),
        ("db", "current"),
        ("db", "downgrade", "base", "--yes"),
    ],
    ids=" ".join,
)
def test_a_command_that_may_not_create_a_database_refuses_a_missing_one_and_creates_nothing(tmp_path, command):
    from tests.conftest import Cli

    path = tmp_path / "folder" / "nothing.db"
    outcome = Cli(str(path))(*command)
    assert outcome.exit_code == 1
    assert outcome.error_lines == [NO_DATABASE.format(path=path)]
    assert not (tmp_path / "folder").exists()


def _scenario_file(tmp_path):
    path = tmp_path / "talks.yaml"
    path.write_text("parties:\n  - {code: USA, name: United States}\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("command", ["import", "seed", "init"])
def test_init_import_and_seed_create_a_missing_database_and_its_folders(tmp_path, command):
    from tests.conftest import Cli

    path = tmp_path / "new" / "deeper" / "talks.db"
    cli = Cli(str(path))
    args = {"import": ("import", _scenario_file(tmp_path)), "seed": ("seed", "korea"), "init": ("init",)}[command]
    outcome = cli.ok(*args)
    assert path.exists()
    if command == "init":
        assert f"created negotiator database at {path}" in outcome.stdout
    else:
        assert f"note: created a new negotiator database at {path}" in outcome.stderr
        assert "USA" in cli.ok("party", "list").stdout


BROKEN_YAML = "parties:\n  - {code: USA, name: [unclosed\n"


def test_a_broken_file_imported_into_a_missing_database_leaves_neither_file_nor_folder(tmp_path):
    from tests.conftest import Cli

    (tmp_path / "bad.yaml").write_text(BROKEN_YAML, encoding="utf-8")
    outcome = Cli(str(tmp_path / "missing" / "x.db"))("import", str(tmp_path / "bad.yaml"))
    assert outcome.exit_code == 1 and len(outcome.error_lines) == 1
    assert not (tmp_path / "missing").exists()


def _fails_inside_the_write(*_args, **_kwargs):
    raise InvalidValue("refused while writing")


def _interrupted_inside_the_write(*_args, **_kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    "failure, status", [(_fails_inside_the_write, 1), (_interrupted_inside_the_write, 130)], ids=["error", "ctrl-c"]
)
def test_an_import_failing_after_it_made_a_new_database_takes_it_away_again(
    empty_db_url, backend, tmp_path, monkeypatch, failure, status
):
    from tests.conftest import Cli

    db = str(tmp_path / "missing" / "deeper" / "x.db") if backend == "sqlite" else empty_db_url
    monkeypatch.setattr("negotiator.db.scenario.import_scenario", failure)
    outcome = Cli(db)("import", _scenario_file(tmp_path))
    assert outcome.exit_code == status
    assert "created a new negotiator database" not in outcome.stderr
    if backend == "sqlite":
        assert not (tmp_path / "missing").exists()
    else:
        engine = Store(db).engine("read")
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
        engine.dispose()


def test_the_store_makes_writes_and_takes_away_a_database_without_printing(tmp_path, capfd):
    from negotiator.db.catalogue import add_party

    store = Store(str(tmp_path / "a" / "b.db"))
    made = store.create_if_missing()
    assert made is not None and store.revision() is not None
    with store.write() as session:
        add_party(session, "USA", "United States")
    with store.read() as connection:
        connection.exec_driver_sql("SELECT 1").all()
    store.discard(made)
    assert not (tmp_path / "a").exists()
    assert capfd.readouterr() == ("", "")


def test_the_store_never_creates_a_database_by_writing(tmp_path):
    from negotiator.db.engine import DatabaseMissing

    store = Store(str(tmp_path / "new.db"))
    with pytest.raises(DatabaseMissing, match="run `negotiator init`"), store.write():
        pass
    assert not (tmp_path / "new.db").exists()


@pytest.mark.parametrize("command", [("init",), ("db", "upgrade"), ("db", "downgrade", "0001", "--yes")], ids=" ".join)
def test_a_schema_from_a_newer_negotiator_is_refused_by_init_and_the_db_commands(cli, command):
    _set_revision(cli.db, "9999")
    outcome = cli(*command)
    assert outcome.exit_code == 1
    assert len(outcome.error_lines) == 1, outcome.stderr
    assert "at revision 9999" in outcome.error_lines[0] and "made by a newer version" in outcome.error_lines[0]
    assert "Can't locate revision" not in outcome.stderr
    assert Store(cli.db).revision() == "9999"


def test_init_is_idempotent_and_db_current_reports(empty_db_url):
    from tests.conftest import Cli

    cli = Cli(empty_db_url)
    assert "created negotiator database" in cli.ok("init").stdout
    assert "already up to date" in cli.ok("init").stdout
    assert "up to date" in cli.ok("db", "current").stdout
    cli.ok("db", "downgrade", "base", "--yes")
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

    with pytest.raises(DuplicateCode), store.write() as session:
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
