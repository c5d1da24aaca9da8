"""Tracking from the command line: package status-set, track, status --as-of, log and
matrix implementation.  Runs on SQLite and PostgreSQL.

The scenario is built entirely with commands: three parties, five moves in three steps, and a
dozen ``track`` updates over three dates.  The expected numbers are worked out by hand:

    v_P(m)               DPRK  ROK  USA
    rok.food-aid (ROK)     +2   -1    .
    dprk.freeze (DPRK)     -3   +2   +4
    usa.relief (USA)       +3    .   -2
    usa.liaison-office     +2   -1   -1     (ROK opposes it)
    dprk.dismantle (DPRK)  -6   +3   +6

Each value counts level/3 of itself (reversed: nothing).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli

D1, D2, D3 = "2025-02-15", "2025-04-10", "2025-07-20"

SETUP = [
    ("party", "add", "USA", "--name", "United States"),
    ("party", "add", "DPRK", "--name", "North Korea"),
    ("party", "add", "ROK", "--name", "South Korea"),
    ("move", "add", "rok.food-aid", "--actor", "ROK", "--title", "Food aid", "--unit", "tons", "--cost", "1"),
    ("move", "add", "dprk.freeze", "--actor", "DPRK", "--title", "Freeze", "--cost", "3"),
    ("move", "add", "usa.relief", "--actor", "USA", "--title", "Sanctions relief", "--cost", "2"),
    ("move", "add", "usa.liaison-office", "--actor", "USA", "--title", "Liaison office", "--cost", "1"),
    ("move", "add", "dprk.dismantle", "--actor", "DPRK", "--title", "Dismantle", "--cost", "6"),
    ("position", "add", "DPRK", "demand", "rok.food-aid", "--weight", "2"),
    ("position", "add", "USA", "demand", "dprk.freeze", "--weight", "4"),
    ("position", "add", "ROK", "demand", "dprk.freeze", "--weight", "2"),
    ("position", "add", "DPRK", "demand", "usa.relief", "--weight", "3"),
    ("position", "add", "DPRK", "demand", "usa.liaison-office", "--weight", "2"),
    ("position", "add", "ROK", "oppose", "usa.liaison-office", "--weight", "1"),
    ("position", "add", "USA", "demand", "dprk.dismantle", "--weight", "6"),
    ("position", "add", "ROK", "demand", "dprk.dismantle", "--weight", "3"),
    ("package", "new", "p", "--title", "Freeze for relief"),
    ("package", "step", "add", "p", "--label", "Freeze and food", "--due", "2025-03-01"),
    ("package", "step", "add", "p", "--label", "Relief and office", "--due", "2025-06-01"),
    ("package", "step", "add", "p", "--label", "Dismantle", "--due", "2099-12-31"),  # still ahead: never overdue
    ("package", "place", "p", "rok.food-aid", "--step", "1", "--qty", "500"),
    ("package", "place", "p", "dprk.freeze", "--step", "1"),
    ("package", "place", "p", "usa.relief", "--step", "2"),
    ("package", "place", "p", "usa.liaison-office", "--step", "2"),
    ("package", "place", "p", "dprk.dismantle", "--step", "3"),
]

UPDATES = [
    (D1, "rok.food-aid", "1"),
    (D1, "rok.food-aid", "2"),
    (D1, "dprk.freeze", "1"),
    (D1, "usa.relief", "1"),
    (D2, "rok.food-aid", "3"),
    (D2, "dprk.freeze", "3"),
    (D2, "usa.relief", "2"),
    (D2, "usa.liaison-office", "1"),
    (D3, "usa.relief", "3"),
    (D3, "usa.liaison-office", "3"),
    (D3, "dprk.dismantle", "1"),
    (D3, "dprk.freeze", "reversed"),
]


def build_drafted(db: str) -> None:
    cli = Cli(db)
    for command in SETUP:
        cli.ok(*command)


def build_tracked(db: str) -> None:
    build_drafted(db)
    cli = Cli(db)
    cli.ok("package", "status-set", "p", "agreed", "--on", "2025-02-01")
    for day, move, level in UPDATES:
        cli.ok("track", "p", move, level, "--on", day, "--note", f"{move} at {level}", "--source", "report.txt")


@pytest.fixture
def drafted(prebuilt) -> Cli:
    return Cli(prebuilt(build_drafted))


@pytest.fixture
def tracked(prebuilt) -> Cli:
    return Cli(prebuilt(build_tracked))


def status(cli, as_of=None):
    args = ["status", "p", "--format", "json"] + (["--as-of", as_of] if as_of else [])
    return json.loads(cli.ok(*args).stdout)


# (date, party, delivered, received, balance, exposure), by hand:
HAND_WORKED = [
    # D1 levels: food 2, freeze 1, relief 1, office 0, dismantle 0
    (D1, "DPRK", 3 * 1 / 3, 2 * 2 / 3 + 3 * 1 / 3, 4 / 3, 0),  # step balances 1/3, 4/3, 4/3
    (D1, "ROK", 1 * 2 / 3, 2 * 1 / 3, 0, 0),
    (D1, "USA", 2 * 1 / 3, 4 * 1 / 3, 2 / 3, 0),
    # D2 levels: food 3, freeze 3, relief 2, office 1, dismantle 0
    (D2, "DPRK", 3, 2 + 3 * 2 / 3 + 2 * 1 / 3, 5 / 3, 1),  # step 1: 2 - 3 = -1, so exposure 1
    (D2, "ROK", 1, 2 - 1 / 3, 2 / 3, 0),
    (D2, "USA", 2 * 2 / 3 + 1 / 3, 4, 7 / 3, 0),
    # D3 levels: food 3, freeze reversed, relief 3, office 3, dismantle 1
    (D3, "DPRK", 6 / 3, 2 + 3 + 2, 5, 0),
    (D3, "ROK", 1, -1 + 3 / 3, -1, 2),  # step balances -1, -2, -1
    (D3, "USA", 2 + 1, 6 / 3, -1, 3),  # step balances 0, -3, -1
]


@pytest.mark.parametrize("as_of, party, delivered, received, balance, exposure", HAND_WORKED)
def test_status_as_of_a_date_matches_the_hand_calculation(tracked, as_of, party, delivered, received, balance, exposure):
    (got,) = [p for p in status(tracked, as_of)["parties"] if p["party"] == party]
    assert (got["delivered"], got["received"], got["balance"], got["exposure"]) == pytest.approx(
        (delivered, received, balance, exposure), abs=0.005
    )


@pytest.mark.parametrize(
    "as_of, levels, current, overdue, arrears",
    [
        (D1, ["2", "1", "1", "0", "0"], 1, [], ["DPRK", "ROK"]),
        (D2, ["3", "3", "2", "1", "0"], 2, [], ["USA"]),
        (D3, ["3", "reversed", "3", "3", "1"], 1, [1], ["DPRK"]),
    ],
)
def test_status_as_of_a_date_shows_levels_current_step_overdue_steps_and_arrears(tracked, as_of, levels, current, overdue, arrears):
    document = status(tracked, as_of)
    by_move = {m["move"]: m["level"] for s in document["steps"] for m in s["moves"]}
    order = ["rok.food-aid", "dprk.freeze", "usa.relief", "usa.liaison-office", "dprk.dismantle"]
    assert [by_move[m] for m in order] == levels
    assert (document["current_step"], document["overdue_steps"], document["in_arrears"]) == (current, overdue, arrears)


def test_status_reports_the_realised_balance_through_each_step(tracked):
    steps = status(tracked, D3)["steps"]
    assert [(s["balances"]["DPRK"], s["balances"]["ROK"], s["balances"]["USA"]) for s in steps] == [
        (2, -1, 0), (7, -2, -3), (5, -1, -1),
    ]


def test_status_without_a_date_counts_every_update(tracked):
    latest, on_d3 = status(tracked), status(tracked, D3)
    assert latest["parties"] == on_d3["parties"] and latest["as_of"] is None


def test_status_table_starts_with_where_the_package_stands(tracked):
    out = tracked.ok("status", "p", "--as-of", D3).stdout
    assert out.splitlines()[0] == "p on 2025-07-20: implementing; current step 1; overdue steps 1; in arrears DPRK"
    assert "2025-07-20" in next(line for line in out.splitlines() if "dprk.freeze" in line and "reversed" in line)


def test_a_date_before_any_update_shows_the_agreed_package_untouched(tracked):
    document = status(tracked, "2025-02-10")
    assert document["status"] == "agreed"
    assert {m["level"] for s in document["steps"] for m in s["moves"]} == {"0"}


def test_matrix_implementation_exports_realised_values_per_move_and_party(tracked):
    out = tracked.ok("matrix", "implementation", "p", "--as-of", D3, "--format", "csv").stdout
    assert out.splitlines() == [
        "step,move,actor,qty,level,since,DPRK,ROK,USA",
        "1,dprk.freeze,DPRK,,reversed,2025-07-20,0,0,0",
        "1,rok.food-aid,ROK,500,3,2025-04-10,2,-1,0",
        "2,usa.liaison-office,USA,,3,2025-07-20,2,-1,-1",
        "2,usa.relief,USA,,3,2025-07-20,3,0,-2",
        "3,dprk.dismantle,DPRK,,1,2025-07-20,-2,1,2",
        ",delivered,,,,,2,1,3",
        ",received,,,,,7,0,2",
        ",balance,,,,,5,-1,-1",
        ",exposure,,,,,0,2,3",
    ]


def test_the_first_update_moves_an_agreed_package_to_implementing(drafted):
    drafted.ok("package", "status-set", "p", "agreed")
    first = drafted.ok("track", "p", "dprk.freeze", "1").stdout.splitlines()
    second = drafted.ok("track", "p", "usa.relief", "full").stdout.splitlines()
    assert first == ["p: agreed → implementing", "dprk.freeze in p: 0 → 1"]
    assert second == ["usa.relief in p: 0 → 3"]
    statuses = [r["change"] for r in json.loads(drafted.ok("log", "p", "--format", "json").stdout) if r["what"] == "status"]
    assert statuses == ["draft → agreed", "agreed → implementing"]


def test_the_log_lists_every_update_with_its_note_and_source(tracked):
    rows = json.loads(tracked.ok("log", "p", "--format", "json").stdout)
    levels = [r for r in rows if r["what"].startswith("level ")]
    assert len(levels) == 12
    assert levels[-1] == {
        "when": "2025-07-20 00:00", "what": "level dprk.freeze", "change": "3 → reversed",
        "note": "dprk.freeze at reversed", "source": "report.txt",
    }
    assert [r["change"] for r in levels[:2]] == ["0 → 1", "1 → 2"]


@pytest.mark.parametrize(
    "status_, command, message",
    [
        ("draft", ("track", "p", "dprk.freeze", "1"), "package 'p' is draft; implementation is tracked only on agreed"),
        ("proposed", ("track", "p", "dprk.freeze", "1"), "package 'p' is proposed"),
        ("agreed", ("track", "p", "dprk.freeze", "4"), "'4' is not an implementation level"),
        ("agreed", ("track", "p", "dprk.freez", "1"), "unknown move 'dprk.freez' (did you mean 'dprk.freeze'?)"),
        ("agreed", ("track", "p", "dprk.freeze", "1", "--on", "15/02/2027"), "expected YYYY-MM-DD, e.g. 2027-03-01"),
        ("agreed", ("track", "q", "dprk.freeze", "1"), "unknown package 'q'"),
        ("agreed", ("status", "p", "--as-of", "yesterday"), "'yesterday' is not a valid --as-of date"),
        ("agreed", ("matrix", "implementation", "p", "--as-of", "2025-13-01"), "expected YYYY-MM-DD"),
        ("agreed", ("package", "status-set", "p", "proposed"), "must be forced, with a note saying why"),
        ("agreed", ("package", "status-set", "p", "proposed", "--force"), "needs a note saying why"),
        ("agreed", ("package", "status-set", "p", "agreed"), "already agreed"),
        ("agreed", ("package", "place", "p", "usa.relief", "--step", "1"), "package 'p' is agreed, so its steps are fixed"),
        ("agreed", ("package", "step", "rm", "p", "3", "--cascade"), "package 'p' is agreed"),
    ],
)
def test_tracking_refusals_change_nothing(drafted, db_snapshot, status_, command, message):
    if status_ != "draft":
        drafted.ok("package", "status-set", "p", status_)
    before = db_snapshot(drafted.db)
    outcome = drafted(*command)
    assert outcome.exit_code == 1 and len(outcome.error_lines) == 1
    assert message in outcome.error_lines[0]
    assert db_snapshot(drafted.db) == before


def test_a_move_not_in_the_package_cannot_be_tracked(drafted):
    drafted.ok("move", "add", "jpn.aid", "--actor", "USA", "--title", "Aid")
    drafted.ok("package", "status-set", "p", "agreed")
    outcome = drafted("track", "p", "jpn.aid", "1")
    assert outcome.error_lines == ["Error: move 'jpn.aid' is not in package 'p'"]


def test_going_back_with_force_and_a_note_is_recorded(tracked):
    tracked.ok("package", "status-set", "p", "agreed", "--force", "--note", "implementation restarts",
               "--on", "2025-08-01")
    rows = [r for r in json.loads(tracked.ok("log", "p", "--format", "json").stdout) if r["what"] == "status"]
    assert (rows[-1]["change"], rows[-1]["note"]) == ("implementing → agreed", "implementation restarts")
    assert status(tracked)["status"] == "agreed"


def test_a_package_can_be_completed_or_collapse(tracked):
    assert tracked.ok("package", "status-set", "p", "collapsed", "--on", "2025-08-01").stdout.strip() == "p: implementing → collapsed"
    outcome = tracked("track", "p", "usa.relief", "0")
    assert "package 'p' is collapsed" in outcome.error_lines[0]
    assert status(tracked, "2025-07-31")["status"] == "implementing"


@pytest.mark.parametrize(
    "command, message",
    [
        (("track", "p", "dprk.freeze", "3", "--on", "2020-01-01"),
         "2020-01-01 is before it was agreed on 2025-05-01"),
        (("track", "p", "dprk.freeze", "3", "--on", "2025-04-30"),
         "2025-04-30 is before it was agreed on 2025-05-01"),
        (("package", "status-set", "p", "collapsed", "--on", "2025-04-30"),
         "2025-04-30 is before its last status change (draft → agreed) on 2025-05-01"),
        (("package", "status-set", "p", "proposed", "--force", "--note", "redo", "--on", "2021-01-01"),
         "2021-01-01 is before its last status change"),
    ],
)
def test_dates_before_the_agreement_or_the_last_status_change_are_refused(drafted, db_snapshot, command, message):
    drafted.ok("package", "status-set", "p", "agreed", "--on", "2025-05-01")
    before = db_snapshot(drafted.db)
    outcome = drafted(*command)
    assert outcome.exit_code == 1 and len(outcome.error_lines) == 1
    assert message in outcome.error_lines[0]
    assert db_snapshot(drafted.db) == before


def test_a_status_set_cannot_predate_a_later_automatic_status_change(tracked):
    # The first track on D1 made the package implementing then.
    outcome = tracked("package", "status-set", "p", "completed", "--on", "2025-02-10")
    assert "before its last status change (agreed → implementing) on 2025-02-15" in outcome.error_lines[0]


def test_an_update_on_the_day_of_the_agreement_comes_after_it(drafted):
    drafted.ok("package", "status-set", "p", "agreed", "--on", "2025-05-01")
    drafted.ok("track", "p", "dprk.freeze", "3", "--on", "2025-05-01")
    statuses = [r["change"] for r in json.loads(drafted.ok("log", "p", "--format", "json").stdout) if r["what"] == "status"]
    assert statuses == ["draft → agreed", "agreed → implementing"]
    assert status(drafted, "2025-05-01")["status"] == "implementing"
    assert status(drafted, "2025-04-30")["status"] != "implementing"


def test_a_renamed_move_keeps_its_tracked_history(tracked):
    before = status(tracked, D2)
    tracked.ok("move", "edit", "usa.relief", "--code", "usa.sanctions-relief")
    rows = json.loads(tracked.ok("log", "p", "--format", "json").stdout)
    assert not [r for r in rows if "usa.relief" in r["what"]]
    assert len([r for r in rows if r["what"] == "level usa.sanctions-relief"]) == 3
    after = status(tracked, D2)
    assert json.dumps(after, sort_keys=True) == json.dumps(before, sort_keys=True).replace('"usa.relief"', '"usa.sanctions-relief"')


def test_an_update_back_dated_before_the_first_one_moves_the_start_of_implementation_back(drafted):
    drafted.ok("package", "status-set", "p", "agreed", "--on", "2025-05-01")
    drafted.ok("track", "p", "dprk.freeze", "1", "--on", "2025-05-20")
    drafted.ok("track", "p", "usa.relief", "2", "--on", "2025-05-10")  # reported late, happened first
    rows = json.loads(drafted.ok("log", "p", "--format", "json").stdout)
    assert [(r["what"], r["change"]) for r in rows if r["what"] == "status" or r["what"].startswith("level")] == [
        ("status", "draft → agreed"),
        ("status", "agreed → implementing"),
        ("level usa.relief", "0 → 2"),
        ("level dprk.freeze", "0 → 1"),
    ]
    started = next(r for r in rows if r["change"] == "agreed → implementing")
    assert "usa.relief" in started["note"]
    assert status(drafted, "2025-05-10")["status"] == "implementing"
    assert status(drafted, "2025-05-09")["status"] == "agreed"


def test_moving_the_start_of_implementation_back_keeps_a_note_the_user_wrote(drafted):
    drafted.ok("package", "status-set", "p", "agreed", "--on", "2025-05-01")
    drafted.ok("package", "status-set", "p", "implementing", "--on", "2025-05-20", "--note", "decree 12")
    drafted.ok("track", "p", "usa.relief", "2", "--on", "2025-05-10")
    rows = json.loads(drafted.ok("log", "p", "--format", "json").stdout)
    started = next(r for r in rows if r["change"] == "agreed → implementing")
    assert started["note"] == "decree 12"
    assert status(drafted, "2025-05-10")["status"] == "implementing"


# --- a deadline moved in the past ----------------------------------------------------------------


def test_a_deadline_moved_in_the_past_is_recorded_on_its_day_and_counts_from_it(tracked, tmp_path):
    tracked.ok("package", "step", "edit", "p", "1", "--due", "2025-05-01", "--on", "2025-03-10",
               "--note", "deadline moved to May", "--source", "communique of 10 March")
    before, after = status(tracked, "2025-03-05"), status(tracked, "2025-03-20")
    assert (before["steps"][0]["due"], before["overdue_steps"]) == ("2025-03-01", [1])
    assert (after["steps"][0]["due"], after["overdue_steps"]) == ("2025-05-01", [])
    log = tracked.ok("log", "p").stdout
    assert "2025-03-10" in log and "deadline moved to May" in log
    exported = tracked.ok("export", "-").stdout
    copy = Cli(str(tmp_path / "copy.db"))
    copy.ok("import", "-", input=exported)
    assert copy.ok("export", "-").stdout == exported
    assert status(copy, "2025-03-05")["steps"][0]["due"] == "2025-03-01"


@pytest.mark.parametrize(("on", "message"), [
    ("2999-01-01", "2999-01-01 is after today"),
    ("2025-03-01", "2025-03-01 is before a step was last changed on 2025-03-10 in package 'p'"),
    ("2025-02-30", "YYYY-MM-DD"),
])
def test_a_step_change_dated_out_of_order_is_refused_and_changes_nothing(tracked, db_snapshot, on, message):
    tracked.ok("package", "step", "edit", "p", "1", "--due", "2025-05-01", "--on", "2025-03-10")
    before = db_snapshot(tracked.db)
    outcome = tracked("package", "step", "edit", "p", "2", "--due", "2025-09-01", "--on", on)
    assert outcome.exit_code == 1 and len(outcome.error_lines) == 1 and message in outcome.error_lines[0]
    assert db_snapshot(tracked.db) == before
