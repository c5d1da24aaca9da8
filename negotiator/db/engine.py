"""Engines, transactions and the schema-version check (DESIGN §9).

``Store(url)`` is what every command gets.  ``store.read()`` yields a SQLAlchemy connection for
plain-SQL reads; ``store.write()`` yields a SQLModel session inside one transaction that commits
when the block ends normally and rolls back on any exception (Ctrl-C included), so a failing
command writes nothing.  Neither creates a database: a missing one is :class:`DatabaseMissing`.
Making a new database is a decision of the command line (``init``, ``import``, ``seed`` and
``demo`` may), through ``create_if_missing`` and, when the command then fails, ``discard``.

SQLite: foreign keys on, WAL, a busy timeout, and the transaction handling of the Python driver
switched off so that we say ``BEGIN`` ourselves — ``BEGIN IMMEDIATE`` for writes, so that two
writers queue at the start instead of failing half-way with "database is locked".  PostgreSQL
goes through the same code with a ``postgresql+psycopg://`` URL and a ``lock_timeout``.  How a
writer waits for another, and how long, is ``negotiator.db.locks``; nothing here prints.

Before any command touches data, the database's Alembic revision is read with one plain query
(Alembic itself is only imported when the schema has to be made or migrated).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from negotiator.db.locks import (
    BlockedStatementWatch,
    DatabaseBusy,
    OnWait,
    begin_immediate,
    busy_timeout,
    is_busy,
)
from negotiator.db.schema import check_revision
from negotiator.domain.errors import InvalidValue, NegotiatorError, SchemaMismatch

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlmodel import Session

DEFAULT_DB = "negotiator.db"
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


class DatabaseMissing(NegotiatorError):
    """A command other than those that may create a database was pointed at a missing file."""

    def __init__(self, where: str):
        self.where = where
        super().__init__(f"no database at {where}; run `negotiator init` (or import/seed)")


def database_url(value: str | None) -> str:
    """Turn ``--db`` (a file path or an SQLAlchemy URL) into a URL."""
    value = (value or "").strip() or DEFAULT_DB
    if "://" not in value:
        return "sqlite:///" + str(Path(value).expanduser().absolute())
    scheme = value.split("://", 1)[0]
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if scheme.startswith("sqlite"):
        return _sqlite_uri(value)
    if scheme.startswith("postgresql+"):
        return value
    raise InvalidValue(
        f"unsupported database URL '{value}': use a file path, sqlite:///PATH or postgresql+psycopg://..."
    )


def _sqlite_uri(url: str) -> str:
    """SQLite takes query arguments (``?mode=ro``) only in URI form: make it so, rather than let
    the driver ignore them with a warning."""
    if "?" not in url or "uri=true" in url:
        return url
    head, query = url.split("?", 1)
    prefix, path = head.split(":///", 1) if ":///" in head else (head, "")
    if not path.startswith("file:"):
        path = "file:" + path if path.startswith("/") else "file:" + str(Path(path).absolute())
    return f"{prefix}:///{path}?{query}&uri=true"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    rest = url.split("://", 1)[1]
    if rest in ("", "/", "/:memory:"):
        return None
    path = rest[1:].split("?", 1)[0]
    path = path.removeprefix("file:")  # an SQLite URI, e.g. sqlite:///file:talks.db?mode=ro&uri=true
    return Path(path)


def _make_engine(url: str, mode: str, where: str, on_wait: OnWait | None = None) -> Engine:
    """``mode`` is ``read``, ``write`` or ``migrate`` (SQLite: foreign keys off while migrating).
    ``on_wait`` is called once when a write has waited about a second for another writer."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError
    from sqlalchemy.pool import NullPool

    timeout = busy_timeout()
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, poolclass=NullPool)
        else:
            engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 10})
    except (ArgumentError, ImportError, ValueError, TypeError) as exc:  # a malformed URL or a missing driver
        raise InvalidValue(f"cannot use database URL '{url}': {exc}") from None
    if engine.dialect.name != "sqlite":
        _postgres_settings(engine, timeout, mode, on_wait)
        return engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys = " + ("OFF" if mode == "migrate" else "ON"))
        if mode != "read":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if mode == "read":
            connection.exec_driver_sql("BEGIN")
        else:
            begin_immediate(connection.connection.driver_connection, timeout, on_wait, where)

    return engine


def _postgres_settings(engine: Engine, timeout: float, mode: str, on_wait: OnWait | None) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET lock_timeout = {int(timeout * 1000)}")
        cursor.close()
        dbapi_connection.commit()

    if mode != "read" and on_wait is not None:
        BlockedStatementWatch(engine, on_wait).install()


def _shown_url(url: str) -> str:
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)  # never echo a password
    return scheme + "://…@" + rest.rsplit("@", 1)[1]


@dataclass(frozen=True)
class NewDatabase:
    """What ``Store.create_if_missing`` made, so that ``Store.discard`` can take it away again."""

    folders: tuple[Path, ...] = ()  # outermost first
    file: Path | None = None


class Store:
    """One database, as named by ``--db``.  Open it for reading or for one writing transaction."""

    def __init__(self, db: str | None = None, on_wait: OnWait | None = None):
        self.url = database_url(db if db is not None else os.environ.get("NEGOTIATOR_DB"))
        self.path = sqlite_path(self.url)
        self.on_wait = on_wait

    @property
    def display(self) -> str:
        return str(self.path) if self.path is not None else self.url.split("@")[-1]

    def exists(self) -> bool:
        """Whether the database is there: its file for SQLite; always for a database server."""
        return self.path is None or self.path.exists()

    def require(self) -> None:
        """Refuse a missing SQLite file (reading it would create an empty one)."""
        if not self.exists():
            raise DatabaseMissing(self.display)

    def failure(self, exc: BaseException) -> NegotiatorError:
        """The error to show for a driver error on this database: busy, or what the driver said."""
        if is_busy(exc):
            return DatabaseBusy(self.display)
        return NegotiatorError(f"database error: {_driver_message(exc)}")

    def _cannot_open(self, exc: BaseException) -> NegotiatorError:
        if is_busy(exc):
            return DatabaseBusy(self.display)
        return NegotiatorError(f"cannot open database {_shown_url(self.url)}: {_driver_message(exc)}")

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading, after checking the schema revision."""
        self.require()
        from sqlalchemy.exc import DBAPIError

        engine = _make_engine(self.url, "read", self.display)
        try:
            try:
                connection = engine.connect()
            except DBAPIError as exc:
                raise self._cannot_open(exc) from None
            with connection:
                try:
                    check_revision(_current_revision(connection), self.display)
                except DBAPIError as exc:
                    raise self._cannot_open(exc) from None
                try:
                    yield connection
                except DBAPIError as exc:
                    raise self.failure(exc) from None
                connection.rollback()
        finally:
            engine.dispose()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session inside one immediate transaction: committed at the end, rolled back on error."""
        self.require()
        from sqlalchemy.exc import DBAPIError
        from sqlmodel import Session

        engine = _make_engine(self.url, "write", self.display, self.on_wait)
        try:
            with Session(engine, expire_on_commit=False) as session:
                try:
                    connection = session.connection()
                except DBAPIError as exc:
                    raise self._cannot_open(exc) from None
                check_revision(_current_revision(connection), self.display)
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        except DBAPIError as exc:
            raise self.failure(exc) from None
        finally:
            engine.dispose()

    def create_if_missing(self) -> NewDatabase | None:
        """Make the database when there is none: the SQLite file (and its folders) or, on a
        server, the schema of an empty database.  Returns what was made, None when nothing was."""
        from negotiator.db import migrate

        if self.path is None:
            if self.revision() is not None:
                return None
            made = NewDatabase()
        else:
            if self.path.exists():
                return None
            missing = [folder for folder in self.path.parents if not folder.exists()]
            made = NewDatabase(tuple(reversed(missing)), self.path)
        try:
            if made.folders:
                made.folders[-1].mkdir(parents=True)
            migrate.upgrade(self, "head")
        except BaseException:
            self.discard(made)
            raise
        return made

    def discard(self, made: NewDatabase) -> None:
        """Take away what ``create_if_missing`` made: the file and folders, or the schema."""
        if self.path is None:
            from negotiator.db import migrate

            migrate.remove_schema(self)
            return
        if made.file is not None:
            for suffix in ("", *_SQLITE_SIDE_FILES):
                Path(str(made.file) + suffix).unlink(missing_ok=True)
        for folder in reversed(made.folders):
            try:
                folder.rmdir()
            except OSError:  # something else was put there meanwhile: leave it
                break

    def revision(self) -> str | None:
        """The Alembic revision the database is at (None for a missing or empty database)."""
        if not self.exists():
            return None
        from sqlalchemy.exc import DBAPIError

        engine = _make_engine(self.url, "read", self.display)
        try:
            with engine.connect() as connection:
                return _current_revision(connection)
        except DBAPIError as exc:
            raise self._cannot_open(exc) from None
        finally:
            engine.dispose()

    def engine(self, mode: str) -> Engine:
        return _make_engine(self.url, mode, self.display, self.on_wait)


def _current_revision(connection: Connection) -> str | None:
    from sqlalchemy import inspect

    if connection.dialect.name == "sqlite":
        found = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first() is not None
    else:
        found = inspect(connection).has_table("alembic_version")
    if not found:
        return None
    row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return row[0] if row else None


def describe_db_error(exc: BaseException) -> str:
    """One line for a driver error that got past the layers above (a locked or read-only file,
    a lost connection)."""
    if is_busy(exc):
        return "database is busy: another command is writing to it; try again"
    return f"database error: {_driver_message(exc)}"


def _driver_message(exc: BaseException) -> str:
    """The first line of what the driver said (SQLAlchemy wraps it as ``orig``), or its kind."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip()
    return text.splitlines()[0] if text else type(original).__name__


__all__ = ["DatabaseBusy", "DatabaseMissing", "NewDatabase", "SchemaMismatch", "Store", "database_url", "sqlite_path"]
