"""Concurrent writers lose nothing (DESIGN §10 reliability): 4 processes × 100 writes each —
positions, placements and implementation tracking — against one SQLite file, and against
PostgreSQL.  Every write and its event is there afterwards, and no "database is locked" (or any
other error) reaches a user."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections import Counter

from negotiator.db.engine import Store
from negotiator.db.load import load_catalogue, load_packages
from tests.conftest import Cli

WORKERS = 4
WRITES = 100

# Each worker runs its share of commands in one process, each command its own transaction, as a
# script calling the command line would.  Kinds rotate: position, placement, tracking.
WORKER = textwrap.dedent(
    """
    import sys
    from negotiator.cli import cli

    db, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    failed = 0
    for i in range(count):
        kind = i % 3
        if kind == 0:
            args = ["position", "add", f"W{worker}", "demand", f"x.m{worker}-{i}"]
        elif kind == 1:
            args = ["package", "place", f"draft{worker}", f"x.p{worker}-{i}", "--step", "1"]
        else:
            args = ["track", "shared", f"x.t{worker}-{i}", "3", "--on", "2026-01-01", "--note", f"w{worker} {i}"]
        try:
            cli.main(["--db", db, *args], prog_name="negotiator")
        except SystemExit as exit:
            if exit.code:
                failed += 1
    print(f"failed={failed}")
    """
)


def _kinds(worker: int) -> dict[str, list[int]]:
    indexes = {"position": [], "placement": [], "track": []}
    for i in range(WRITES):
        indexes[("position", "placement", "track")[i % 3]].append(i)
    return indexes


def _scenario() -> str:
    lines = ["parties:", "  - {code: X, name: Mover}"]
    lines += [f"  - {{code: W{w}, name: Worker {w}}}" for w in range(WORKERS)]
    lines.append("moves:")
    tracked = []
    for w in range(WORKERS):
        kinds = _kinds(w)
        for i in kinds["position"]:
            lines.append(f"  - {{code: x.m{w}-{i}, actor: X, title: m}}")
        for i in kinds["placement"]:
            lines.append(f"  - {{code: x.p{w}-{i}, actor: X, title: p}}")
        for i in kinds["track"]:
            lines.append(f"  - {{code: x.t{w}-{i}, actor: X, title: t}}")
            tracked.append(f"x.t{w}-{i}")
    lines += ["packages:", "  - name: shared", "    status: agreed", "    steps:", "      - label: all",
              f"        moves: [{', '.join(tracked)}]"]
    for w in range(WORKERS):
        lines += [f"  - name: draft{w}", "    steps:", "      - label: first", "        moves: []"]
    return "\n".join(lines) + "\n"


def test_four_writers_lose_nothing(db_url, tmp_path):
    scenario = tmp_path / "concurrency.yaml"
    scenario.write_text(_scenario())
    Cli(db_url).ok("import", str(scenario))

    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, db_url, str(w), str(WRITES)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WORKERS)
    ]
    results = [worker.communicate(timeout=600) for worker in workers]
    for (out, err), worker in zip(results, workers):
        assert worker.returncode == 0, err
        assert "failed=0" in out, err
        assert "locked" not in err.lower() and "Error" not in err, err

    with Store(db_url).read() as connection:
        catalogue = load_catalogue(connection)
        packages = {p.name: p for p in load_packages(connection, history=True)}
    for w in range(WORKERS):
        kinds = _kinds(w)
        demanded = {p.move for p in catalogue.positions if p.party == f"W{w}"}
        assert demanded == {f"x.m{w}-{i}" for i in kinds["position"]}
        draft = packages[f"draft{w}"]
        assert {p.move for p in draft.steps[0].placements} == {f"x.p{w}-{i}" for i in kinds["placement"]}
        placed_events = [e for e in draft.history if e.kind == "placed"]
        assert sorted(e.move for e in placed_events) == sorted(f"x.p{w}-{i}" for i in kinds["placement"])
    shared = packages["shared"]
    assert shared.status == "implementing"
    assert all(p.level == "3" for p in shared.steps[0].placements)
    levels = Counter(e.move for e in shared.history if e.kind == "level")
    assert len(levels) == sum(len(_kinds(w)["track"]) for w in range(WORKERS)) and set(levels.values()) == {1}
    status_changes = [e for e in shared.history if e.kind == "status" and e.new == "implementing"]
    assert len(status_changes) == 1
