"""Two ``negotiator track`` processes on the same package at the same time lose nothing.

Each process is a real ``python -m negotiator`` run.  To be sure they contend, the test holds the
package's write lock itself while both start (on SQLite an open ``BEGIN IMMEDIATE``, on
PostgreSQL the package row ``FOR UPDATE``), so both are waiting when it lets go.  Afterwards both
levels and both events are there, and the package went from agreed to implementing exactly once.
Runs on one SQLite file and on a real PostgreSQL server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from negotiator.db import packages as db
from negotiator.db import saving
from negotiator.db.catalogue import add_move, add_party
from negotiator.db.load import load_packages
from negotiator.domain.model import Package, Placement, Step

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def agreed(store):
    with store.write() as session:
        add_party(session, "DPRK", "North Korea")
        add_party(session, "USA", "United States")
        add_move(session, "dprk.freeze", "DPRK", "Freeze")
        add_move(session, "usa.relief", "USA", "Relief")
        saving.save_package(session, Package(
            "p", status="agreed",
            steps=(Step(placements=(Placement("dprk.freeze"),)), Step(placements=(Placement("usa.relief"),))),
        ))
    return store


def start_track(db_url: str, move: str, level: str, note: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NEGOTIATOR_DB", None)
    return subprocess.Popen(
        [sys.executable, "-m", "negotiator", "--db", db_url, "track", "p", move, level, "--note", note],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def waiting_on_locks(store) -> int:
    """PostgreSQL sessions waiting for a lock (both trackers, once they reach the package row)."""
    with store.read() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )).scalar()


def test_two_processes_tracking_different_moves_both_land(agreed, db_url, backend):
    with agreed.write() as session:
        db.lock_package(session, "p")
        trackers = [start_track(db_url, "dprk.freeze", "2", "freeze half done"),
                    start_track(db_url, "usa.relief", "3", "relief granted")]
        deadline = time.monotonic() + 60
        if backend == "postgresql":
            while waiting_on_locks(agreed) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
        else:
            time.sleep(4)  # long enough for both to start and queue on the busy timeout
        assert all(t.poll() is None for t in trackers), "a tracker finished while the package was locked"
    results = [t.communicate(timeout=120) for t in trackers]
    assert [t.returncode for t in trackers] == [0, 0], results

    with agreed.read() as connection:
        (package,) = load_packages(connection, ["p"], history=True)
    assert package.status == "implementing"
    assert {p.move: p.level for _, p in package.placements()} == {"dprk.freeze": "2", "usa.relief": "3"}
    levels = sorted((e.move, e.new, e.note) for e in package.history if e.kind == "level")
    assert levels == [("dprk.freeze", "2", "freeze half done"), ("usa.relief", "3", "relief granted")]
    assert [(e.old, e.new) for e in package.history if e.kind == "status"] == [("agreed", "implementing")]
