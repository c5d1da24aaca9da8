"""Shared fixtures: no test touches a real database, and database tests run on SQLite and PostgreSQL.

- Every test runs in its own temporary working directory with ``NEGOTIATOR_DB`` pointing into it.
- ``db_url`` gives a fresh, migrated database, once per backend: a SQLite file, and a database on
  a real PostgreSQL server that this test session starts (initdb/pg_ctl on a Unix socket in a
  temporary folder, as the ``postgres`` user when running as root).  Without the binaries the
  PostgreSQL cases skip with the reason shown; under CI (``CI`` set) they fail instead.
- ``prebuilt`` gives a fresh copy of a database that a build function fills: the build runs once
  per session and backend (per xdist worker), and each test gets its own copy of the result — a
  copied SQLite file, or a PostgreSQL database created from the built one as its template.
- ``cli`` runs commands against that database with click's CliRunner, stdout and stderr apart.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def _memory_folder(needed: int = 1 << 30) -> str | None:
    """A folder in memory for the cluster's files when the system has one with room (Linux's
    /dev/shm), else None: the system's temporary folder.  Every test clones a database, some
    five hundred files; on a disk that is most of the time of the PostgreSQL tests."""
    folder = Path("/dev/shm")
    try:
        usage = os.statvfs(folder)
    except OSError:
        return None
    room = usage.f_bavail * usage.f_frsize
    return str(folder) if room >= needed and os.access(folder, os.W_OK | os.X_OK) else None


def _sweep_stale_clusters(parent: str, older_than: float = 3600) -> None:
    """Remove the folders of clusters left by sessions that were killed: their server is gone
    (no live postmaster) and nothing has touched them for an hour.  In memory, they would hold
    their space until the machine restarts."""
    import time

    for folder in Path(parent).glob("ngpg*"):
        pid_file = folder / "data" / "postmaster.pid"
        try:
            if time.time() - folder.stat().st_mtime < older_than:
                continue  # perhaps a cluster being set up right now by another worker
            if pid_file.exists():
                pid = int(pid_file.read_text().split()[0])
                try:
                    os.kill(pid, 0)
                    continue  # its server still runs
                except ProcessLookupError:
                    pass
                except PermissionError:
                    continue
        except (OSError, ValueError, IndexError):
            continue
        shutil.rmtree(folder, ignore_errors=True)


class PostgresServer:
    """A throwaway PostgreSQL cluster on a Unix socket; databases are cloned from a migrated template."""

    def __init__(self) -> None:
        self.initdb = _pg_binary("initdb")
        self.pg_ctl = _pg_binary("pg_ctl")
        if not (self.initdb and self.pg_ctl):
            raise FileNotFoundError("PostgreSQL binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql")
        # In memory when the system has room there; else the system's temporary folder as it was at
        # start-up: a test may point tempfile elsewhere (to a folder the postgres user cannot enter)
        # just when the first server starts.
        parent = _memory_folder() or SYSTEM_TEMP
        _sweep_stale_clusters(parent)
        self.root = Path(tempfile.mkdtemp(prefix="ngpg", dir=parent))
        self.data = self.root / "data"
        self.as_root = os.geteuid() == 0
        self._counter = itertools.count()
        self._templates: set[str] = set()
        self._clone = ""
        self._made: list[str] = []  # databases made for the running test, dropped after it
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
        # From PostgreSQL 15 a clone is copied through the WAL by default; copying the template's
        # files is twice as fast for databases this small (and this server runs without fsync).
        if self.version() >= 150000:
            self._clone = " STRATEGY FILE_COPY"
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

    def _connect(self):
        import psycopg

        return psycopg.connect(host=str(self.root), port=self.port, user="postgres", dbname="postgres", autocommit=True)

    def admin_execute(self, sql: str) -> None:
        with self._connect() as conn:
            conn.execute(sql)

    def version(self) -> int:
        with self._connect() as conn:
            return conn.info.server_version

    def fresh_database(self, migrated: bool = True, template: str | None = None) -> str:
        name = f"t{os.getpid()}_{next(self._counter)}"
        template = template or ("negotiator_template" if migrated else "template0")
        self.admin_execute(f"CREATE DATABASE {name} TEMPLATE {template}{self._clone}")
        self._made.append(name)
        return self.url(name)

    def drop_made(self) -> None:
        """Drop the databases made since the last call (the test that just ran is done with them),
        so that the cluster stays small: hundreds of databases left to the end cost gigabytes of
        files, written out to disk and then removed at the end of the session."""
        import psycopg

        made, self._made = self._made, []
        if not made:
            return
        with self._connect() as conn:
            for name in made:
                try:
                    # FORCE: a test that failed half-way may have left a connection open.
                    conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                except psycopg.Error:  # leave it to the end of the session, when the cluster goes
                    pass

    def template(self, name: str, populate: Callable[[str], object]) -> str:
        """A migrated database ``name`` filled once by ``populate(url)``, to clone with fresh_database."""
        if name not in self._templates:
            self.admin_execute(f"CREATE DATABASE {name} TEMPLATE negotiator_template{self._clone}")
            try:
                populate(self.url(name))
            except BaseException:
                self.admin_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                raise
            self._templates.add(name)
        return name


_RUNNING: list[PostgresServer] = []  # the session's server, once a test has started it


@pytest.fixture(scope="session")
def postgres_server():
    try:
        server = PostgresServer()
    except FileNotFoundError as exc:
        if IN_CI:
            pytest.fail(f"CI must run the PostgreSQL tests: {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    server.start()
    _RUNNING.append(server)
    yield server
    _RUNNING.remove(server)
    server.stop()


@pytest.fixture(autouse=True)
def _drop_test_databases():
    """After each test, the PostgreSQL databases it made are dropped (without starting a server)."""
    yield
    for server in _RUNNING:
        server.drop_made()


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


# --- databases built once per session -------------------------------------------------------

Build = Callable[[str], object]


@contextmanager
def _working_directory(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


class Prebuilt:
    """Databases filled once per session by a build function, then copied for every test.

    A build is a function of a database (its ``--db`` value) that fills it, e.g. by running
    commands with ``Cli``; it is known by its module and name, so it must be a named function.  It
    runs on a freshly migrated database, in an empty working directory of its own, the first time
    a test asks for it on a backend; what it built is then the template of every test's copy.
    What the commands stamp with the current time (an event's ``at``) carries the time of the
    build, which is earlier than anything the test itself does, as it was when every test filled
    its own database first: stamps keep their order, and no test may expect the build's stamps
    to be "today" (a session that runs past midnight would break it).
    """

    def __init__(self, folder: Path, sqlite_template: Path):
        self.folder = folder
        self.sqlite_template = sqlite_template
        self._files: dict[str, Path] = {}
        self._names: dict[str, str] = {}

    @staticmethod
    def key(build: Build) -> str:
        key = f"{build.__module__}.{build.__qualname__}"
        if "<" in key:
            raise ValueError(f"a prebuilt database needs a build function with a name of its own, not {key}")
        return key

    def _scratch(self, key: str) -> Path:
        folder = self.folder / re.sub(r"[^\w.-]", "_", key)
        folder.mkdir(exist_ok=True)  # again after a build that failed: it runs afresh
        return folder

    def sqlite_copy(self, build: Build, target: Path) -> str:
        """A copy at ``target`` of the SQLite file ``build`` filled, built on first use."""
        key = self.key(build)
        if key not in self._files:
            scratch = self._scratch(key)
            built = scratch / "built.db"
            shutil.copyfile(self.sqlite_template, built)
            with _working_directory(scratch):
                build(str(built))
            for side in ("-wal", "-journal"):
                # Every command closes its connections, so SQLite has folded its journal back into
                # the file: a journal left behind would mean the copy misses the last writes.
                leftover = Path(str(built) + side)
                assert not leftover.exists() or leftover.stat().st_size == 0, f"{leftover} left by {key}"
            self._files[key] = built
        shutil.copyfile(self._files[key], target)
        return str(target)

    def postgres_copy(self, build: Build, server: PostgresServer) -> str:
        """A new database on ``server`` cloned from the one ``build`` filled, built on first use."""
        key = self.key(build)
        name = self._names.setdefault(key, f"built_{len(self._names)}")
        scratch = self.folder / f"{name}-postgresql"

        def populate(url: str) -> None:
            scratch.mkdir(exist_ok=True)
            with _working_directory(scratch):
                build(url)

        return server.fresh_database(template=server.template(name, populate))


@pytest.fixture(scope="session")
def _prebuilt_databases(tmp_path_factory, sqlite_template) -> Prebuilt:
    return Prebuilt(tmp_path_factory.mktemp("prebuilt"), sqlite_template)


@pytest.fixture
def prebuilt(backend, request, tmp_path, _prebuilt_databases) -> Callable[[Build], str]:
    """``prebuilt(build)``: a fresh copy, for this test alone, of what ``build`` puts in a new
    database, on the current backend; the build itself runs once per session and backend."""

    copies = itertools.count()

    def copy(build: Build) -> str:
        if backend == "sqlite":
            return _prebuilt_databases.sqlite_copy(build, tmp_path / f"prebuilt-{next(copies)}.db")
        return _prebuilt_databases.postgres_copy(build, request.getfixturevalue("postgres_server"))

    return copy


def seed_korea(db: str) -> None:
    """The bundled Korea dataset, as ``negotiator seed korea`` loads it."""
    Cli(db).ok("seed", "korea")


@pytest.fixture(scope="session")
def korea_sqlite(_prebuilt_databases, tmp_path_factory) -> Path:
    """The Korea seed in a SQLite file shared by the session: for tests that only read it."""
    path = tmp_path_factory.mktemp("korea") / "korea.db"
    _prebuilt_databases.sqlite_copy(seed_korea, path)
    return path


@pytest.fixture
def korea_db(prebuilt) -> str:
    """A fresh database holding the bundled Korea seed, on the current backend."""
    return prebuilt(seed_korea)


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
