"""Regressions of issue 11: every writer obeys the same rules, so a backup always restores and
nothing a user did is silently undone.  Each case ran wrong before; runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.conftest import Cli, snapshot

SETUP = [
    ("party", "add", "USA", "--name", "United States"),
    ("party", "add", "DPRK", "--name", "North Korea"),
    ("move", "add", "usa.aid", "--actor", "USA", "--title", "Aid", "--unit", "t"),
    ("move", "add", "dprk.freeze", "--actor", "DPRK", "--title", "Freeze"),
    ("package", "new", "p"),
]


def build_talks(db: str) -> None:
    cli = Cli(db)
    for command in SETUP:
        cli.ok(*command)


@pytest.fixture
def talks(prebuilt) -> Cli:
    return Cli(prebuilt(build_talks))


def refused(cli: Cli, *args: str) -> str:
    """Run a command that must be refused: one Error line, nothing changed; return the line."""
    before = snapshot(cli.db)
    outcome = cli(*args)
    assert outcome.exit_code == 1, outcome.stdout
    assert len(outcome.error_lines) == 1, outcome.stderr
    assert snapshot(cli.db) == before
    return outcome.error_lines[0]


def round_trips(cli: Cli, tmp_path) -> None:
    exported = cli.ok("export", "-").stdout
    copy = Cli(str(tmp_path / "copy.db"))
    copy.ok("import", "-", input=exported)
    assert copy.ok("export", "-").stdout == exported


# --- a backup always restores ------------------------------------------------------------------


def test_the_same_condition_of_a_party_twice_is_refused_naming_the_first(talks, tmp_path):
    talks.ok("condition", "add", "USA", "steps <= 3")
    assert refused(talks, "condition", "add", "USA", "steps  <=  3", "--name", "short") == (
        "Error: USA already has this condition: condition 1")
    talks.ok("condition", "add", "DPRK", "steps <= 3")  # another party's is another condition
    round_trips(talks, tmp_path)


def test_editing_a_condition_into_another_of_its_party_is_refused(talks):
    talks.ok("condition", "add", "USA", "steps <= 3", "--name", "short")
    talks.ok("condition", "add", "USA", "steps <= 4")
    assert refused(talks, "condition", "edit", "2", "--text", "steps <= 3") == (
        "Error: USA already has this condition: condition short")


@pytest.mark.parametrize("measure, named", [
    (("package", "place", "p", "usa.aid", "--qty", "5"), "package p (quantity 5)"),
    (("position", "add", "DPRK", "demand", "usa.aid", "--bound", ">= 3"), "DPRK's bound (>= 3)"),
    (("condition", "add", "DPRK", "usa.aid >= 3", "--name", "enough"), "condition enough"),
])
def test_a_unit_is_not_taken_from_a_move_something_measures(talks, tmp_path, measure, named):
    talks.ok(*measure)
    assert refused(talks, "move", "edit", "usa.aid", "--unit", "") == (
        f"Error: move 'usa.aid' needs a unit while {named} measures its quantity; remove those first")
    talks.ok("move", "edit", "usa.aid", "--unit", "tons")  # another unit is fine
    round_trips(talks, tmp_path)


def test_import_refuses_a_move_without_a_title_as_move_add_does(talks):
    assert refused(talks, "move", "add", "usa.talks", "--actor", "USA", "--title", " ") == (
        "Error: a move needs a title")
    before = snapshot(talks.db)
    outcome = talks("import", "-", input='moves:\n  - {code: usa.talks, actor: USA, title: ""}\n')
    assert outcome.stderr.splitlines()[1:] == ["<stdin>:2: move: a move needs a title"]
    assert snapshot(talks.db) == before


# --- limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (("package", "place", "p", "usa.aid", "--qty", "1e308"),
     "a quantity must be between -10^12 and 10^12, not 1e+308"),
    (("condition", "add", "USA", "steps <= -1"),
     "a package has 1 or more steps, so 'steps' is compared with a whole number of at least 1, not -1"),
    (("condition", "add", "USA", "dprk.freeze by step 0"), "'dprk.freeze by step 0': steps are numbered from 1"),
    (("condition", "add", "USA", "dprk.freeze >= 3"),
     "move 'dprk.freeze' has no unit, so the condition cannot compare its quantity (give the move a unit)"),
    (("party", "add", "X" * 5000, "--name", "x"), "is too long for a party code: at most 64 characters, not 5000"),
    (("package", "new", "p" * 65), "is too long for a package name: at most 64 characters, not 65"),
    (("package", "step", "add", "p", "--due", "2027-W09-1"), "'2027-W09-1' is not a valid due date"),
    (("package", "step", "add", "p", "--due", "20270301"), "'20270301' is not a valid due date"),
])
def test_a_value_beyond_a_limit_is_one_error_line_and_changes_nothing(talks, args, message):
    assert message in refused(talks, *args)


def test_a_quantity_outside_a_partys_bound_is_placed_with_a_note(talks):
    talks.ok("position", "add", "DPRK", "demand", "usa.aid", "--bound", ">= 300")
    outcome = talks.ok("package", "place", "p", "usa.aid", "--qty", "-5")
    assert outcome.stderr.splitlines() == ["note: quantity -5 is outside DPRK's bound on 'usa.aid' (>= 300)"]


# --- now does not show the future --------------------------------------------------------------


def test_an_update_dated_after_today_is_refused(talks):
    talks.ok("package", "place", "p", "dprk.freeze")
    talks.ok("package", "status-set", "p", "agreed", "--on", "2025-01-01")
    assert "is after today" in refused(talks, "track", "p", "dprk.freeze", "3", "--on", "2999-03-02")
    assert "is after today" in refused(talks, "package", "status-set", "p", "collapsed", "--on", "2999-03-02")
    talks.ok("track", "p", "dprk.freeze", "3", "--on", "2025-03-02")


# --- nothing a user did is silently undone -----------------------------------------------------


def test_seeding_again_after_a_users_edits_is_refused_and_lists_them(korea_db):
    cli = Cli(korea_db)
    cli.ok("package", "edit", "kaesong-nll", "--title", "My own title")
    cli.ok("position", "edit", "DPRK", "kaesong.wage", "--weight", "9")
    before = snapshot(korea_db)
    outcome = cli("seed", "korea")
    assert outcome.exit_code == 1 and len(outcome.error_lines) == 1
    assert outcome.error_lines[0].startswith("Error: seeds/korea.yaml would make 2 changes to rows already in the "
                                             "database; nothing imported (add --replace")
    changes = outcome.stderr.splitlines()[1:]
    assert [c.split(":")[0].strip() for c in changes] == ["position DPRK on kaesong.wage", "package kaesong-nll"]
    assert snapshot(korea_db) == before
    cli.ok("seed", "korea", "--replace")
    assert "My own title" not in cli.ok("package", "list").stdout


def test_a_move_placed_again_in_a_reopened_package_keeps_the_level_its_history_gives(talks, tmp_path):
    talks.ok("package", "place", "p", "dprk.freeze")
    talks.ok("package", "status-set", "p", "agreed", "--on", "2025-01-01")
    talks.ok("track", "p", "dprk.freeze", "3", "--on", "2025-02-01")
    talks.ok("package", "status-set", "p", "proposed", "--force", "--note", "reopened")
    talks.ok("package", "unplace", "p", "dprk.freeze")
    talks.ok("package", "place", "p", "dprk.freeze")
    assert "{move: dprk.freeze, level: 3}" in talks.ok("export", "-").stdout
    round_trips(talks, tmp_path)


@pytest.mark.parametrize("agreed_first", [False, True])
def test_updates_recorded_before_a_later_agreement_still_restore(talks, tmp_path, agreed_first):
    # A package can go straight to implementing (forward needs no --force) and be tracked, or be
    # tracked under one agreement; reopened and agreed again, its history then holds updates
    # dated before the agreement in force.  That history is what the commands made: it restores.
    talks.ok("package", "place", "p", "dprk.freeze")
    if agreed_first:
        talks.ok("package", "status-set", "p", "agreed", "--on", "2025-01-01")
    else:
        talks.ok("package", "status-set", "p", "implementing", "--on", "2025-01-01")
    talks.ok("track", "p", "dprk.freeze", "1", "--on", "2025-02-01")
    talks.ok("package", "status-set", "p", "proposed", "--force", "--note", "reopened")
    talks.ok("package", "status-set", "p", "agreed")
    round_trips(talks, tmp_path)
