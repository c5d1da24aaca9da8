"""The round-trip property (DESIGN §14): any database the commands can build exports to a file that
imports into an empty database and exports again to the same file.

A hypothesis state machine drives random sequences of catalogue, era, drafting, condition and
tracking commands through the command line itself (click's CliRunner, in process), with small
pools of codes so that commands collide: the same condition added twice, a unit taken from a
measured move, a package tracked before it was agreed.  A command that fails must say so in one
``Error:`` line and leave the database exactly as it was.  At the end of each run the database is
exported, imported into an empty database and exported again; the two files must be identical.
Runs on SQLite and on a real PostgreSQL server.

``NEGOTIATOR_ROUNDTRIP_EXAMPLES`` (and ``..._STEPS``) run it longer, e.g. before a release, and
``NEGOTIATOR_ROUNDTRIP_EXPLORE=1`` draws new examples on each run instead of the same ones.
"""

from __future__ import annotations

import itertools
import os
import shutil

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)

from tests.conftest import Cli

# Examples per backend: PostgreSQL opens a connection per command, so it runs fewer by default
# (the property there is that the same commands give the same file on both).
EXAMPLES = {"sqlite": int(os.environ.get("NEGOTIATOR_ROUNDTRIP_EXAMPLES", "40")),
            "postgresql": int(os.environ.get("NEGOTIATOR_ROUNDTRIP_EXAMPLES", "10"))}
STEPS = int(os.environ.get("NEGOTIATOR_ROUNDTRIP_STEPS", "40"))
# The same examples on every run (a suite that passes keeps passing), unless asked to explore.
EXPLORE = bool(os.environ.get("NEGOTIATOR_ROUNDTRIP_EXPLORE"))

PARTIES = ["A", "B", "C"]
ISSUES = ["i", "j"]
MOVES = ["a.m", "a.n", "b.m", "c.m"]
PACKAGES = ["p", "q", "r"]
CONDITION_NAMES = ["n1", "n2"]
NAMES = ["Alpha", "Beta", "x: y", "  ", "", "line\nbreak", "é ✓"]
UNITS = ["USD", "t", ""]
NEW_UNITS = ["", "EUR"]  # a unit taken away first: what breaks measured moves
COSTS = ["0", "1", "3", "-1"]
WEIGHTS = ["1", "3", "0"]
BOUNDS = [">= 3", "<= 100", "!= 0.5", ">= 5000000000000", "at least 3"]
QUANTITIES = ["5", "-5", "120", "0.1", "1e308", "lots"]
DATES = ["2025-01-01", "2025-06-01", "2026-01-01", "2099-01-01", "2025-W09-1"]
ERAS = ["e1", "e2", "E3"]
ERA_DATES = ["2003-02-25", "2008-02-25", "2013-02-25", "2008-02-24", "1999-13-01"]
LEVELS = ["0", "1", "2", "3", "reversed", "full", "4"]
STATUSES = ["draft", "proposed", "agreed", "implementing", "completed", "collapsed"]
TEXTS = [
    "a.m >= 3", "includes a.m", "a.m before b.m", "b.m by step 2", "steps <= 3", "balance >= 0",
    "b.m <= 10", "steps <= -1", "a.n by step 0", "a.m before b.m if not includes c.m", "includes x.y",
]


class Reader:
    """Reads one database with one engine for the whole run (a command opens its own)."""

    def __init__(self, db: str):
        from sqlalchemy import create_engine

        from negotiator.db.engine import database_url

        self.engine = create_engine(database_url(db))

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every row of every table, to tell whether a refused command changed anything."""
        from sqlalchemy import text

        from negotiator.db.tables import ALL_TABLES

        with self.engine.connect() as connection:
            return {table: sorted((tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))),
                                  key=repr)
                    for table in ALL_TABLES}

    def state(self) -> dict[str, list[str]]:
        """What the database holds, to draw arguments that mostly make sense."""
        from sqlalchemy import text

        with self.engine.connect() as connection:
            def column(sql: str) -> list:
                return [row[0] for row in connection.execute(text(sql)).all()]

            return {
                "parties": column("SELECT code FROM party ORDER BY code"),
                "moves": column("SELECT code FROM move ORDER BY code"),
                "measured": column("SELECT code FROM move WHERE unit IS NOT NULL ORDER BY code"),
                "packages": column("SELECT name FROM package ORDER BY name"),
                "conditions": [str(i) for i in column("SELECT id FROM condition ORDER BY id")]
                + [n for n in column("SELECT name FROM condition ORDER BY id") if n],
                "eras": column("SELECT name FROM era ORDER BY id"),
                "party eras": [f"{party} {name}" for party, name in connection.execute(text(
                    "SELECT p.code, e.name FROM era e JOIN party p ON p.id = e.party_id ORDER BY e.id")).all()],
            }

    def close(self) -> None:
        self.engine.dispose()


class Commands(RuleBasedStateMachine):
    """Random command sequences against one fresh database; the round trip at the end."""

    fresh_database = None  # set per test: () -> a migrated, empty database (a --db value)

    def __init__(self) -> None:
        super().__init__()
        self.db = type(self).fresh_database()
        self.cli = Cli(self.db)
        self.reader = Reader(self.db)
        self.ran: list[str] = []

    # ---- running one command

    def run(self, *args: str) -> bool:
        """Run a command; a refusal must be one Error: line and change nothing."""
        before = self.reader.snapshot()
        outcome = self.cli(*args)
        self.ran.append(" ".join(repr(a) if (" " in a or not a) else a for a in args)
                        + ("" if outcome.exit_code == 0 else f"   -> {outcome.error_lines}"))
        assert "Traceback" not in outcome.stderr, outcome.stderr
        if outcome.exit_code != 0:
            assert len(outcome.error_lines) == 1, (args, outcome.stderr)
            assert self.reader.snapshot() == before, f"negotiator {args} failed and still changed the database"
        return outcome.exit_code == 0

    def pick(self, data, kind: str, pool: list[str]) -> str:
        """Mostly an existing code or name, sometimes one from the pool (which may not exist)."""
        existing = self.reader.state()[kind]
        return data.draw(st.sampled_from(existing) if existing and data.draw(st.integers(0, 4)) else
                         st.sampled_from(pool))

    # ---- a starting catalogue, so that most commands have something to work on

    @initialize(data=st.data())
    def start(self, data) -> None:
        for party in ("A", "B"):
            self.run("party", "add", party, "--name", f"Party {party}")
        if data.draw(st.booleans()):
            self.run("era", "add", "A", "e1", "--title", "First", "--start", "2003-02-25", "--end", "2008-02-25")
        self.run("move", "add", "a.m", "--actor", "A", "--title", "Measured", "--unit", "USD")
        self.run("move", "add", "b.m", "--actor", "B", "--title", "Plain")
        self.run("package", "new", "p", "--title", "First")
        self.run("package", "place", "p", "a.m", "--step", "1", "--qty", data.draw(st.sampled_from(QUANTITIES[:4])))
        if data.draw(st.booleans()):
            self.run("package", "place", "p", "b.m", "--step", "2")

    # ---- catalogue

    @rule(data=st.data())
    def party_add(self, data) -> None:
        self.run("party", "add", data.draw(st.sampled_from(PARTIES)), "--name", data.draw(st.sampled_from(NAMES)))

    @rule(data=st.data())
    def party_edit(self, data) -> None:
        code = self.pick(data, "parties", PARTIES)
        option = data.draw(st.sampled_from(["--name", "--notes", "--code", "--source"]))
        value = data.draw(st.sampled_from(PARTIES if option == "--code" else NAMES))
        self.run("party", "edit", code, option, value)

    @rule(data=st.data(), cascade=st.booleans())
    def party_rm(self, data, cascade: bool) -> None:
        self.run("party", "rm", self.pick(data, "parties", PARTIES), *(["--cascade"] if cascade else []))

    @rule(data=st.data())
    def issue_command(self, data) -> None:
        code = data.draw(st.sampled_from(ISSUES))
        kind = data.draw(st.sampled_from(["add", "edit", "rm"]))
        if kind == "add":
            self.run("issue", "add", code, "--title", data.draw(st.sampled_from(NAMES)))
        elif kind == "edit":
            self.run("issue", "edit", code, "--title", data.draw(st.sampled_from(NAMES)))
        else:
            self.run("issue", "rm", code, *(["--cascade"] if data.draw(st.booleans()) else []))

    @rule(data=st.data())
    def move_add(self, data) -> None:
        args = ["move", "add", data.draw(st.sampled_from(MOVES)), "--actor", self.pick(data, "parties", PARTIES),
                "--title", data.draw(st.sampled_from(NAMES)), "--cost", data.draw(st.sampled_from(COSTS))]
        unit = data.draw(st.none() | st.sampled_from(UNITS))
        if unit is not None:
            args += ["--unit", unit]
        if data.draw(st.booleans()):
            args += ["--issue", data.draw(st.sampled_from(ISSUES))]
        self.run(*args)

    @rule(data=st.data())
    def move_edit(self, data) -> None:
        code = self.pick(data, "moves", MOVES)
        option = data.draw(st.sampled_from(["--actor", "--cost", "--title", "--code", "--issue"]))
        value = {
            "--actor": st.sampled_from(PARTIES), "--cost": st.sampled_from(COSTS), "--title": st.sampled_from(NAMES),
            "--code": st.sampled_from(MOVES), "--issue": st.sampled_from(["", *ISSUES]),
        }[option]
        self.run("move", "edit", code, option, data.draw(value))

    @rule(data=st.data())
    def move_unit(self, data) -> None:
        self.run("move", "edit", self.pick(data, "measured", MOVES), "--unit", data.draw(st.sampled_from(NEW_UNITS)))

    @rule(data=st.data(), cascade=st.booleans())
    def move_rm(self, data, cascade: bool) -> None:
        self.run("move", "rm", self.pick(data, "moves", MOVES), *(["--cascade"] if cascade else []))

    def owner(self, data) -> tuple[str, list[str]]:
        """A party and its era option: mostly a party and one of its eras, sometimes a party
        alone (standing), sometimes any party and any era name (which may not be its own)."""
        pairs = self.reader.state()["party eras"]
        choice = data.draw(st.integers(0, 3))
        if pairs and choice < 2:
            party, era = data.draw(st.sampled_from(pairs)).split(" ")
            return party, ["--era", era]
        party = self.pick(data, "parties", PARTIES)
        return party, (["--era", self.pick(data, "eras", ERAS)] if choice == 3 else [])

    @rule(data=st.data())
    def position_add(self, data) -> None:
        party, era = self.owner(data)
        args = ["position", "add", party, data.draw(st.sampled_from(["demand", "offer", "oppose"])),
                self.pick(data, "moves", MOVES), "--weight", data.draw(st.sampled_from(WEIGHTS))]
        if data.draw(st.booleans()):
            args += ["--bound", data.draw(st.sampled_from(BOUNDS))]
        self.run(*args, *era)

    @rule(data=st.data())
    def position_edit(self, data) -> None:
        option = data.draw(st.sampled_from(["--stance", "--weight", "--bound", "--bound"]))
        value = {"--stance": st.sampled_from(["demand", "offer", "oppose"]), "--weight": st.sampled_from(WEIGHTS),
                 "--bound": st.sampled_from(["", *BOUNDS])}[option]
        party, era = self.owner(data)
        self.run("position", "edit", party, self.pick(data, "moves", MOVES), option, data.draw(value), *era)

    @rule(data=st.data())
    def position_rm(self, data) -> None:
        party, era = self.owner(data)
        self.run("position", "rm", party, self.pick(data, "moves", MOVES), *era)

    # ---- eras

    @rule(data=st.data())
    def era_add(self, data) -> None:
        args = ["era", "add", self.pick(data, "parties", PARTIES), data.draw(st.sampled_from(ERAS)),
                "--title", data.draw(st.sampled_from(NAMES)), "--start", data.draw(st.sampled_from(ERA_DATES))]
        if data.draw(st.booleans()):
            args += ["--end", data.draw(st.sampled_from(ERA_DATES))]
        self.run(*args)

    @rule(data=st.data())
    def era_edit(self, data) -> None:
        option = data.draw(st.sampled_from(["--name", "--title", "--start", "--end", "--ongoing", "--source"]))
        party, era = self.owner(data)
        args = ["era", "edit", party, era[1] if era else data.draw(st.sampled_from(ERAS)), option]
        if option != "--ongoing":
            args.append(data.draw(st.sampled_from({"--name": ERAS, "--start": ERA_DATES, "--end": ERA_DATES}
                                                  .get(option, NAMES))))
        self.run(*args)

    @rule(data=st.data(), cascade=st.booleans())
    def era_rm(self, data, cascade: bool) -> None:
        party, era = self.owner(data)
        self.run("era", "rm", party, era[1] if era else data.draw(st.sampled_from(ERAS)),
                 *(["--cascade"] if cascade else []))

    # ---- conditions

    @rule(data=st.data())
    def condition_add(self, data) -> None:
        text = data.draw(st.sampled_from(TEXTS))
        party, era = self.owner(data)
        owner = ["--rule", text] if data.draw(st.integers(0, 3)) == 0 else [party, text]
        name = data.draw(st.none() | st.sampled_from(CONDITION_NAMES))
        self.run("condition", "add", *owner, *(["--name", name] if name else []),
                 *(["--soft"] if data.draw(st.booleans()) else []), *era)

    @rule(data=st.data())
    def condition_edit(self, data) -> None:
        ref = self.pick(data, "conditions", ["1", "2", *CONDITION_NAMES])
        option = data.draw(st.sampled_from(["--text", "--party", "--rule", "--name", "--soft", "--era", "--no-era"]))
        if option in ("--rule", "--soft", "--no-era"):
            self.run("condition", "edit", ref, option)
            return
        value = {"--text": st.sampled_from(TEXTS), "--party": st.sampled_from(PARTIES),
                 "--name": st.sampled_from(["", *CONDITION_NAMES]), "--era": st.sampled_from(ERAS)}[option]
        self.run("condition", "edit", ref, option, data.draw(value))

    @rule(data=st.data())
    def condition_rm(self, data) -> None:
        self.run("condition", "rm", self.pick(data, "conditions", ["1", *CONDITION_NAMES]))

    # ---- drafting

    @rule(data=st.data())
    def package_new(self, data) -> None:
        args = ["package", "new", data.draw(st.sampled_from(PACKAGES)), "--title", data.draw(st.sampled_from(NAMES))]
        if data.draw(st.booleans()):
            args += ["--from", self.pick(data, "packages", PACKAGES)]
        if data.draw(st.booleans()):
            args += ["--date", data.draw(st.sampled_from(ERA_DATES))]
        self.run(*args)

    @rule(data=st.data())
    def package_change(self, data) -> None:
        name = self.pick(data, "packages", PACKAGES)
        kind = data.draw(st.sampled_from(["copy", "rename", "rm", "edit", "date"]))
        if kind in ("copy", "rename"):
            self.run("package", kind, name, data.draw(st.sampled_from(PACKAGES)))
        elif kind == "rm":
            self.run("package", "rm", name)
        elif kind == "date":
            option = data.draw(st.sampled_from(["--date", "--date", "--no-date"]))
            self.run("package", "edit", name, option,
                     *([data.draw(st.sampled_from(ERA_DATES))] if option == "--date" else []))
        else:
            self.run("package", "edit", name, data.draw(st.sampled_from(["--title", "--description"])),
                     data.draw(st.sampled_from(NAMES)))

    @rule(data=st.data())
    def step_command(self, data) -> None:
        name = self.pick(data, "packages", PACKAGES)
        kind = data.draw(st.sampled_from(["add", "add", "rm", "move", "edit"]))
        number = str(data.draw(st.integers(1, 3)))
        if kind == "add":
            args = ["package", "step", "add", name, "--label", data.draw(st.sampled_from(NAMES))]
            due = data.draw(st.none() | st.sampled_from(DATES))
            self.run(*args, *(["--due", due] if due else []))
        elif kind == "rm":
            self.run("package", "step", "rm", name, number, *(["--cascade"] if data.draw(st.booleans()) else []))
        elif kind == "move":
            self.run("package", "step", "move", name, number, "--to", str(data.draw(st.integers(1, 3))))
        else:
            self.run("package", "step", "edit", name, number, "--due", data.draw(st.sampled_from(DATES)))

    @rule(data=st.data())
    def place(self, data) -> None:
        args = ["package", "place", self.pick(data, "packages", PACKAGES), self.pick(data, "measured", MOVES),
                "--step", str(data.draw(st.integers(1, 3)))]
        quantity = data.draw(st.none() | st.sampled_from(QUANTITIES))
        self.run(*args, *(["--qty", quantity] if quantity is not None else []))

    @rule(data=st.data())
    def place_plain(self, data) -> None:
        self.run("package", "place", self.pick(data, "packages", PACKAGES), self.pick(data, "moves", MOVES))

    @rule(data=st.data())
    def unplace_or_shift(self, data) -> None:
        name, move = self.pick(data, "packages", PACKAGES), self.pick(data, "moves", MOVES)
        if data.draw(st.booleans()):
            self.run("package", "unplace", name, move)
        else:
            self.run("package", "shift", name, move, "--to", str(data.draw(st.integers(1, 3))))

    @rule(data=st.data())
    def place_again(self, data) -> None:
        """Take a move out of a package and put it back (a reopened package may have tracked it)."""
        name, move = self.pick(data, "packages", PACKAGES), self.pick(data, "moves", MOVES)
        if self.run("package", "unplace", name, move):
            self.run("package", "place", name, move)

    @rule(data=st.data())
    def sequence_save(self, data) -> None:
        name = self.pick(data, "packages", PACKAGES)
        self.run("sequence", name, "--save-as", data.draw(st.sampled_from(PACKAGES)), "--time-limit", "5")

    # ---- tracking

    @rule(data=st.data())
    def status_set(self, data) -> None:
        args = ["package", "status-set", self.pick(data, "packages", PACKAGES), data.draw(st.sampled_from(STATUSES))]
        if data.draw(st.booleans()):
            args += ["--force", "--note", "changed course"]
        on = data.draw(st.none() | st.sampled_from(DATES))
        self.run(*args, *(["--on", on] if on else []))

    @rule(data=st.data())
    def track(self, data) -> None:
        args = ["track", self.pick(data, "packages", PACKAGES), self.pick(data, "moves", MOVES),
                data.draw(st.sampled_from(LEVELS)), "--note", data.draw(st.sampled_from(NAMES))]
        on = data.draw(st.none() | st.sampled_from(DATES))
        self.run(*args, *(["--on", on] if on else []))

    @rule(data=st.data())
    def agree_and_track(self, data) -> None:
        """The usual course: a package agreed, then a move of it implemented."""
        name = self.pick(data, "packages", PACKAGES)
        if self.run("package", "status-set", name, "agreed", "--on", "2025-01-01"):
            self.run("track", name, self.pick(data, "moves", MOVES), data.draw(st.sampled_from(LEVELS[:5])))

    @rule(data=st.data())
    def reopen(self, data) -> None:
        """Talks reopened: a package goes back to proposed, its steps editable again."""
        self.run("package", "status-set", self.pick(data, "packages", PACKAGES), "proposed", "--force",
                 "--note", "reopened")

    # ---- the property

    def teardown(self) -> None:
        self.reader.close()
        exported = self.cli.ok("export", "-").stdout
        empty = Cli(type(self).fresh_database())
        outcome = empty("import", "-", input=exported)
        commands = "\n".join(self.ran)
        assert outcome.exit_code == 0, (f"the export of this database does not import:\n{outcome.stderr}\n"
                                        f"after:\n{commands}\n\nexported:\n{exported}")
        assert empty.ok("export", "-").stdout == exported, f"export -> import -> export differs after:\n{commands}"


@pytest.fixture
def fresh_databases(backend, request, tmp_path, sqlite_template):
    """A maker of fresh, migrated databases on the current backend."""
    counter = itertools.count()
    if backend == "sqlite":
        def make() -> str:
            path = tmp_path / f"roundtrip-{next(counter)}.db"
            shutil.copyfile(sqlite_template, path)
            return str(path)
        return make
    server = request.getfixturevalue("postgres_server")
    return server.fresh_database


def test_any_database_the_commands_build_exports_to_a_file_that_imports_back_identically(backend, fresh_databases):
    Commands.fresh_database = staticmethod(fresh_databases)
    try:
        run_state_machine_as_test(Commands, settings=settings(
            max_examples=EXAMPLES[backend], stateful_step_count=STEPS, deadline=None, derandomize=not EXPLORE,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
        ))
    finally:
        Commands.fresh_database = None
