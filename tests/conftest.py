"""Shared fixtures: no test touches a real database, and database tests run on SQLite and PostgreSQL.

- Every test runs in its own temporary working directory with ``NEGOTIATOR_DB`` pointing into it.
- ``db_url`` gives a fresh, migrated database, once per backend: a SQLite file, and a database on
  a real PostgreSQL server that this test session starts (initdb/pg_ctl on a Unix socket in a
  temporary folder, as the ``postgres`` user when running as root).  Without the binaries the
  PostgreSQL cases skip with the reason shown; under CI (``CI`` set) they fail instead.
- ``cli`` runs commands against that database with click's CliRunner, stdout and stderr apart.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from negotiator.cli import cli as root_command

IN_CI = bool(os.environ.get("CI"))
SYSTEM_TEMP = tempfile.gettempdir()


# --- isolation -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEGOTIATOR_DB", str(tmp_path / "default.db"))
    # Tables are fitted to COLUMNS when it is set: tests that want a width ask for it.
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield


# --- PostgreSQL server for the session ---------------------------------------------------------


def _pg_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None


class PostgresServer:
    """A throwaway PostgreSQL cluster on a Unix socket; databases are cloned from a migrated template."""

    def __init__(self) -> None:
        self.initdb = _pg_binary("initdb")
        self.pg_ctl = _pg_binary("pg_ctl")
        if not (self.initdb and self.pg_ctl):
            raise FileNotFoundError("PostgreSQL binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql")
        # The system's temporary folder as it was at start-up: a test may point tempfile elsewhere
        # (to a folder the postgres user cannot enter) just when the first server starts.
        self.root = Path(tempfile.mkdtemp(prefix="ngpg", dir=SYSTEM_TEMP))
        self.data = self.root / "data"
        self.as_root = os.geteuid() == 0
        self._counter = itertools.count()
        self._templates: set[str] = set()
        self.port = 54329

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.root, user="postgres")
        self._run(self.initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        options = f"-k {self.root} -c listen_addresses='' -p {self.port} -F -c max_connections=60"
        self._run(self.pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        self.admin_execute("CREATE DATABASE negotiator_template")
        from negotiator.db import migrate
        from negotiator.db.engine import Store

        migrate.upgrade(Store(self.url("negotiator_template")), "head")

    def stop(self) -> None:
        try:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.root}&port={self.port}"

    def admin_execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host=str(self.root), port=self.port, user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    def fresh_database(self, migrated: bool = True, template: str | None = None) -> str:
        name = f"t{os.getpid()}_{next(self._counter)}"
        template = template or ("negotiator_template" if migrated else "template0")
        self.admin_execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def template(self, name: str, populate) -> str:
        """A migrated database ``name`` filled once by ``populate(url)``, to clone with fresh_database."""
        if name not in self._templates:
            self.admin_execute(f"CREATE DATABASE {name} TEMPLATE negotiator_template")
            populate(self.url(name))
            self._templates.add(name)
        return name


@pytest.fixture(scope="session")
def postgres_server():
    try:
        server = PostgresServer()
    except FileNotFoundError as exc:
        if IN_CI:
            pytest.fail(f"CI must run the PostgreSQL tests: {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    server.start()
    yield server
    server.stop()


# --- databases -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file, copied for each test instead of migrating each time."""
    from negotiator.db import migrate
    from negotiator.db.engine import Store

    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(Store(str(path)), "head")
    return path


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(backend, request, tmp_path, sqlite_template) -> str:
    """A fresh, migrated database on the current backend, as a ``--db`` value."""
    if backend == "sqlite":
        path = tmp_path / "negotiator.db"
        shutil.copyfile(sqlite_template, path)
        return str(path)
    server = request.getfixturevalue("postgres_server")
    return server.fresh_database()


@pytest.fixture
def empty_db_url(backend, request, tmp_path) -> str:
    """A database with no schema at all, on the current backend."""
    if backend == "sqlite":
        return str(tmp_path / "empty.db")
    server = request.getfixturevalue("postgres_server")
    return server.fresh_database(migrated=False)


def _seed_korea(db: str) -> None:
    Cli(db).ok("seed", "korea")


@pytest.fixture(scope="session")
def korea_sqlite(tmp_path_factory, sqlite_template) -> Path:
    path = tmp_path_factory.mktemp("korea") / "korea.db"
    shutil.copyfile(sqlite_template, path)
    _seed_korea(str(path))
    return path


@pytest.fixture
def korea_db(backend, request, tmp_path) -> str:
    """A fresh database holding the bundled Korea seed, on the current backend."""
    if backend == "sqlite":
        path = tmp_path / "korea.db"
        shutil.copyfile(request.getfixturevalue("korea_sqlite"), path)
        return str(path)
    server = request.getfixturevalue("postgres_server")
    return server.fresh_database(template=server.template("korea_template", _seed_korea))


@pytest.fixture
def store(db_url):
    from negotiator.db.engine import Store

    return Store(db_url)


# --- the command line ------------------------------------------------------------------------


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("Error:")]


class Cli:
    """Runs ``negotiator --db DB ARGS...`` in-process and returns exit code, stdout and stderr."""

    def __init__(self, db: str):
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Outcome:
        result = self.runner.invoke(root_command, ["--db", self.db, *args], input=input, catch_exceptions=False)
        return Outcome(result.exit_code, result.stdout, result.stderr)

    def ok(self, *args: str, input: str | None = None) -> Outcome:
        """Run and insist on success, showing stderr when it fails."""
        outcome = self(*args, input=input)
        assert outcome.exit_code == 0, f"negotiator {' '.join(args)} failed ({outcome.exit_code}):\n{outcome.stderr}"
        return outcome


@pytest.fixture
def cli(db_url) -> Cli:
    return Cli(db_url)


def snapshot(db: str) -> dict[str, list[tuple]]:
    """Every row of every table, for asserting that a failed command changed nothing."""
    from sqlalchemy import text

    from negotiator.db.engine import Store
    from negotiator.db.tables import ALL_TABLES

    with Store(db).read() as connection:
        return {
            table: sorted((tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}")).all()), key=repr)
            for table in ALL_TABLES
        }


@pytest.fixture
def db_snapshot():
    return snapshot
