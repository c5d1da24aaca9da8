"""Waiting for another writer: how long, how the wait is noticed, and what counts as "busy".

A command that must write while another command holds the write lock waits up to the busy
timeout (30 s, or ``NEGOTIATOR_BUSY_TIMEOUT`` seconds), then fails with :class:`DatabaseBusy`.
Nothing here prints: once a wait has lasted about a second, the ``on_wait`` callback the command
line gave the store is called, once, and the command line says so.

- SQLite: ``BEGIN IMMEDIATE`` is where a writer waits.  It is retried in short slices of the
  busy timeout rather than in one long call into the driver, so that Ctrl-C is honoured while
  waiting and the callback runs in the waiting thread itself.
- PostgreSQL: every connection gets ``lock_timeout``; a writer waits on a row lock (a package
  being edited) in the middle of its transaction.  A watch thread looks at any statement of a
  write transaction still running after a second, and asks the server whether another session
  is blocking it before calling the callback.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from negotiator.domain.errors import InvalidValue, NegotiatorError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

TIMEOUT_VARIABLE = "NEGOTIATOR_BUSY_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
WAIT_NOTE_AFTER = 1.0  # seconds of waiting before the command line is told
_SLICE = 0.25  # seconds of SQLite's own busy wait between two tries of BEGIN IMMEDIATE
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock_timeout that ran out

OnWait = Callable[[], None]


class DatabaseBusy(NegotiatorError):
    """Another command held the write lock for the whole busy timeout."""

    def __init__(self, where: str):
        self.where = where
        super().__init__(f"database is busy: another command is writing to {where}; try again")


def busy_timeout() -> float:
    """Seconds a writer waits for another one: ``NEGOTIATOR_BUSY_TIMEOUT``, or 30."""
    raw = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise InvalidValue(f"{TIMEOUT_VARIABLE} must be a positive number of seconds, not '{raw}'")
    return seconds


def is_busy(exc: BaseException) -> bool:
    """Whether a driver error (bare or wrapped by SQLAlchemy) means another writer holds the lock."""
    original = getattr(exc, "orig", None) or exc
    if getattr(original, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
        return True
    name = getattr(original, "sqlite_errorname", None)  # Python 3.11+
    if name is not None:
        return str(name).startswith("SQLITE_BUSY")
    return type(original).__name__ == "OperationalError" and str(original).startswith("database is locked")


def begin_immediate(dbapi_connection: Any, timeout: float, on_wait: OnWait | None, where: str) -> None:
    """``BEGIN IMMEDIATE`` on a SQLite connection, waiting up to ``timeout`` seconds for the lock."""
    import sqlite3

    start = time.monotonic()
    told = False
    while True:
        remaining = timeout - (time.monotonic() - start)
        dbapi_connection.execute(f"PRAGMA busy_timeout = {max(1, int(min(_SLICE, remaining) * 1000))}")
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.Error as exc:
            if not is_busy(exc):  # e.g. a read-only file: the driver's words, as one line
                message = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise NegotiatorError(f"cannot write to {where}: {message}") from None
        waited = time.monotonic() - start
        if waited >= timeout:
            raise DatabaseBusy(where)
        if on_wait is not None and not told and waited >= WAIT_NOTE_AFTER:
            told = True
            on_wait()
    dbapi_connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


class BlockedStatementWatch:
    """PostgreSQL: call ``on_wait`` once when a statement on ``engine`` has been blocked by another
    session for about a second.  A slow statement that nobody blocks is not reported.

    Statements only note when they start and finish (two assignments under a lock); one daemon
    thread per engine, started with its first statement and stopped when the engine is disposed,
    looks at the running statement a few times a second and asks the server about it at most
    once a second."""

    _POLL = 0.25

    def __init__(self, engine: Engine, on_wait: OnWait):
        self._engine = engine
        self._on_wait = on_wait
        self._lock = threading.Lock()
        self._running: tuple[int, float] | None = None  # (backend pid, start) of the statement running
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def install(self) -> None:
        from sqlalchemy import event

        event.listen(self._engine, "before_cursor_execute", self._started)
        event.listen(self._engine, "after_cursor_execute", self._finished)
        event.listen(self._engine, "handle_error", self._failed)
        event.listen(self._engine, "engine_disposed", self._disposed)

    def _started(self, connection: Connection, *_args: Any) -> None:
        pid = getattr(getattr(connection.connection.driver_connection, "info", None), "backend_pid", None)
        if pid is None or self._stopped.is_set():
            return
        with self._lock:
            self._running = (pid, time.monotonic())
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="negotiator-lock-watch", daemon=True)
                self._thread.start()

    def _finished(self, *_args: Any) -> None:
        with self._lock:
            self._running = None

    def _failed(self, _context: Any) -> None:
        self._finished()

    def _disposed(self, _engine: Any) -> None:
        self._stopped.set()

    def _watch(self) -> None:
        checked: tuple[int, float] | None = None
        last_check = 0.0
        while not self._stopped.wait(self._POLL):
            with self._lock:
                running = self._running
            now = time.monotonic()
            if running is None or now - running[1] < WAIT_NOTE_AFTER:
                continue
            if running == checked and now - last_check < WAIT_NOTE_AFTER:
                continue
            checked, last_check = running, now
            if not self._blocked(running[0]):
                continue
            with self._lock:
                still = self._running == running
            if still and not self._stopped.is_set():
                self._stopped.set()  # say it once
                self._on_wait()

    def _blocked(self, pid: int) -> bool:
        """Whether another session blocks ``pid``; False when the server cannot be asked."""
        from sqlalchemy.exc import SQLAlchemyError

        driver_error = getattr(self._engine.dialect.loaded_dbapi, "Error", SQLAlchemyError)
        try:
            raw = self._engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", (pid,))
                row = cursor.fetchone()
                return bool(row and row[0])
            finally:
                raw.close()
        except (SQLAlchemyError, OSError, driver_error):  # a courtesy: the statement reports real failures
            return False


__all__ = ["BlockedStatementWatch", "DatabaseBusy", "begin_immediate", "busy_timeout", "is_busy"]
