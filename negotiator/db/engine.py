"""Engines, transactions and the schema-version check (DESIGN §9).

``Store(url)`` is what every command gets.  ``store.read()`` yields a SQLAlchemy connection for
plain-SQL reads; ``store.write()`` yields a SQLModel session inside one transaction that commits
when the block ends normally and rolls back on any exception, so a failing command writes
nothing.

SQLite: foreign keys on, WAL, a busy timeout, and the transaction handling of the Python driver
switched off so that we say ``BEGIN`` ourselves — ``BEGIN IMMEDIATE`` for writes, so that two
writers queue on the busy timeout at the start instead of failing half-way with "database is
locked".  PostgreSQL goes through the same code with a ``postgresql+psycopg://`` URL.

Before any command touches data, the database's Alembic revision is read with one plain query
(Alembic itself is only imported when the schema has to be made or migrated).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from negotiator.db.schema import check_revision
from negotiator.domain.errors import InvalidValue, NegotiatorError, SchemaMismatch

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlmodel import Session

DEFAULT_DB = "negotiator.db"
BUSY_TIMEOUT_MS = 30_000


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
    if path.startswith("file:"):  # an SQLite URI, e.g. sqlite:///file:talks.db?mode=ro&uri=true
        path = path[len("file:"):]
    return Path(path)


def _make_engine(url: str, mode: str) -> "Engine":
    """``mode`` is ``read``, ``write`` or ``migrate`` (SQLite: foreign keys off while migrating)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, poolclass=NullPool)
        else:
            engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 10})
    except Exception as exc:  # a malformed URL or a missing driver
        raise InvalidValue(f"cannot use database URL '{url}': {exc}") from None
    if engine.dialect.name != "sqlite":
        return engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = " + ("OFF" if mode == "migrate" else "ON"))
        if mode != "read":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN" if mode == "read" else "BEGIN IMMEDIATE")

    return engine


def _describe_connect_error(url: str, exc: Exception) -> str:
    shown = url
    if "@" in url:  # never echo a password
        scheme, rest = url.split("://", 1)
        shown = scheme + "://…@" + rest.rsplit("@", 1)[1]
    return f"cannot open database {shown}: {_driver_message(exc)}"


class Store:
    """One database, as named by ``--db``.  Open it for reading or for one writing transaction."""

    def __init__(self, db: str | None = None):
        self.url = database_url(db if db is not None else os.environ.get("NEGOTIATOR_DB"))
        self.path = sqlite_path(self.url)

    @property
    def display(self) -> str:
        return str(self.path) if self.path is not None else self.url.split("@")[-1]

    def exists(self) -> bool:
        return self.path is None or self.path.exists()

    @contextmanager
    def read(self) -> Iterator["Connection"]:
        """A connection for reading, after checking the schema revision."""
        if not self.exists():
            raise NegotiatorError(f"no database at {self.path}; run `negotiator init` to create one")
        from sqlalchemy.exc import DBAPIError

        engine = _make_engine(self.url, "read")
        try:
            try:
                connection = engine.connect()
            except DBAPIError as exc:
                raise NegotiatorError(_describe_connect_error(self.url, exc)) from None
            with connection:
                check_revision(_current_revision(connection), self.display)
                yield connection
                connection.rollback()
        finally:
            engine.dispose()

    @contextmanager
    def write(self) -> Iterator["Session"]:
        """A session inside one immediate transaction: committed at the end, rolled back on error.

        A database that does not exist yet is created (and migrated) first, with a note on stderr
        once the command has succeeded; when the command fails, the new file is removed again, so a
        failing command leaves nothing behind.
        """
        created = self.ensure_schema()
        from sqlalchemy.exc import DBAPIError
        from sqlmodel import Session

        engine = _make_engine(self.url, "write")
        succeeded = False
        try:
            with Session(engine, expire_on_commit=False) as session:
                try:
                    connection = session.connection()
                except DBAPIError as exc:
                    raise NegotiatorError(_describe_connect_error(self.url, exc)) from None
                check_revision(_current_revision(connection), self.display)
                try:
                    yield session
                    session.commit()
                    succeeded = True
                except BaseException:
                    session.rollback()
                    raise
        except DBAPIError as exc:
            raise NegotiatorError(describe_db_error(exc)) from None
        finally:
            engine.dispose()
            if created:
                self._settle_new_database(succeeded)

    def _settle_new_database(self, succeeded: bool) -> None:
        if succeeded or self.path is None:
            if succeeded:
                print(f"note: created a new negotiator database at {self.display}", file=sys.stderr)
            return
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)

    def ensure_schema(self) -> bool:
        """Create the schema if the database is new; True when it did."""
        if self.path is not None and self.path.exists():
            return False
        if self.path is None and self.revision() is not None:
            return False
        from negotiator.db import migrate

        migrate.upgrade(self, "head")
        return True

    def revision(self) -> str | None:
        """The Alembic revision the database is at (None for an empty database)."""
        if not self.exists():
            return None
        from sqlalchemy.exc import DBAPIError

        engine = _make_engine(self.url, "read")
        try:
            with engine.connect() as connection:
                return _current_revision(connection)
        except DBAPIError as exc:
            raise NegotiatorError(_describe_connect_error(self.url, exc)) from None
        finally:
            engine.dispose()

    def engine(self, mode: str) -> "Engine":
        return _make_engine(self.url, mode)


def _current_revision(connection: "Connection") -> str | None:
    from sqlalchemy import inspect

    if connection.dialect.name == "sqlite":
        found = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
    else:
        found = inspect(connection).has_table("alembic_version") or None
    if not found:
        return None
    row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return row[0] if row else None


def describe_db_error(exc: Exception) -> str:
    """One line for a driver error that got past the layers above (a locked or read-only file,
    a lost connection)."""
    return f"database error: {_driver_message(exc)}"


def _driver_message(exc: Exception) -> str:
    """The first line of what the driver said (SQLAlchemy wraps it as ``orig``), or its kind."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip()
    return text.splitlines()[0] if text else type(original).__name__


__all__ = ["Store", "database_url", "sqlite_path", "SchemaMismatch"]
