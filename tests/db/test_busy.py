"""A writer that finds the database locked by another waits, says once that it is waiting, and
gives up after the busy timeout with one ``Error: database is busy`` line, writing nothing; Ctrl-C
while waiting ends it at once with exit status 130.  On one SQLite file and on PostgreSQL.

The lock is held by the test itself, the way another command holds it: an open write transaction
that has locked the package (``BEGIN IMMEDIATE`` on SQLite, the package row ``FOR UPDATE`` on
PostgreSQL).  ``NEGOTIATOR_BUSY_TIMEOUT`` keeps the waits short.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from negotiator.db import packages as db
from negotiator.db.engine import Store
from negotiator.db.locks import busy_timeout
from negotiator.domain.errors import InvalidValue
from tests.conftest import Cli, snapshot

ROOT = Path(__file__).resolve().parents[2]
EDIT = ("package", "edit", "kaesong-nll", "--title", "Edited while locked")


def _waiting_note(store: Store, seconds: str) -> str:
    return f"note: another command is writing to {store.display}; waiting (up to {seconds} s)"


def test_a_held_write_lock_gives_database_is_busy_after_the_timeout_and_one_waiting_note(korea_db, monkeypatch):
    monkeypatch.setenv("NEGOTIATOR_BUSY_TIMEOUT", "1.5")
    store = Store(korea_db)
    before = snapshot(korea_db)

    with store.write() as session:
        db.lock_package(session, "kaesong-nll")
        started = time.monotonic()
        outcome = Cli(korea_db)(*EDIT)
        waited = time.monotonic() - started

    assert outcome.exit_code == 1
    assert outcome.stderr.splitlines() == [
        _waiting_note(store, "1.5"),
        f"Error: database is busy: another command is writing to {store.display}; try again",
    ]
    assert 1.4 <= waited < 10
    assert snapshot(korea_db) == before


def test_a_short_wait_for_another_writer_is_silent_and_then_writes(korea_db, monkeypatch):
    monkeypatch.setenv("NEGOTIATOR_BUSY_TIMEOUT", "20")
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_FOR, korea_db, "0.4"], cwd=ROOT, env=_environment(), stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"

    outcome = Cli(korea_db).ok(*EDIT)

    assert holder.wait(timeout=30) == 0
    assert outcome.stderr == ""
    assert "Edited while locked" in Cli(korea_db).ok("package", "show", "kaesong-nll").stdout


# Holds the package's write lock for argv[2] seconds in another process, like another command.
_HOLD_FOR = """
import sys, time
from negotiator.db import packages
from negotiator.db.engine import Store
with Store(sys.argv[1]).write() as session:
    packages.lock_package(session, "kaesong-nll")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _environment() -> dict[str, str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("NEGOTIATOR_DB", None)
    return environment


# ``python -m negotiator ARGS`` with Python's own Ctrl-C handling, even when this test runs under a
# shell that starts background jobs with Ctrl-C ignored (a child would inherit that).
_NEGOTIATOR_WITH_CTRL_C = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'negotiator'; runpy.run_module('negotiator', run_name='__main__', alter_sys=True)"
)


def test_ctrl_c_while_waiting_for_the_lock_exits_130_at_once_and_writes_nothing(korea_db):
    store = Store(korea_db)
    before = snapshot(korea_db)
    with store.write() as session:
        db.lock_package(session, "kaesong-nll")
        command = subprocess.Popen(
            [sys.executable, "-c", _NEGOTIATOR_WITH_CTRL_C, "--db", korea_db, *EDIT], cwd=ROOT, env=_environment(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert command.stderr is not None
        note = command.stderr.readline()  # the command is waiting once it says so
        command.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        stdout, rest = command.communicate(timeout=30)
        took = time.monotonic() - interrupted

    assert command.returncode == 130
    assert note.strip() == _waiting_note(store, "30")
    assert rest.splitlines() == ["interrupted"] and stdout == ""
    assert took < 5
    assert snapshot(korea_db) == before


@pytest.mark.parametrize("value", ["", "30"])
def test_the_busy_timeout_is_30_seconds_unless_set(monkeypatch, value):
    monkeypatch.setenv("NEGOTIATOR_BUSY_TIMEOUT", value)
    assert busy_timeout() == 30.0


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_a_busy_timeout_that_is_not_a_positive_number_of_seconds_is_one_error_line(korea_db, monkeypatch, value):
    monkeypatch.setenv("NEGOTIATOR_BUSY_TIMEOUT", value)
    with pytest.raises(InvalidValue):
        busy_timeout()
    outcome = Cli(korea_db)("party", "list")
    assert outcome.exit_code == 1
    assert outcome.error_lines == [
        f"Error: NEGOTIATOR_BUSY_TIMEOUT must be a positive number of seconds, not '{value}'"
    ]
