"""Drafting from the command line: package new/list/show/copy/rename/rm/edit, package step
add/edit/rm/move, package place/unplace/shift, and log.  Refusals print one ``Error:`` line,
exit 1 and change nothing.  Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli

CATALOGUE = [
    ("party", "add", "DPRK", "--name", "Democratic People's Republic of Korea"),
    ("party", "add", "ROK", "--name", "Republic of Korea"),
    ("party", "add", "USA", "--name", "United States"),
    ("move", "add", "kaesong.wage", "--actor", "ROK", "--unit", "USD/month", "--title", "Kaesong wage", "--cost", "2"),
    ("move", "add", "rok.food-aid", "--actor", "ROK", "--title", "Food aid"),
    ("move", "add", "dprk.freeze", "--actor", "DPRK", "--title", "Freeze Yongbyon", "--cost", "3"),
    ("move", "add", "usa.relief", "--actor", "USA", "--title", "Sanctions relief", "--cost", "2"),
    ("move", "add", "usa.liaison-office", "--actor", "USA", "--title", "Liaison office"),
    ("position", "add", "DPRK", "demand", "kaesong.wage", "--weight", "3", "--bound", ">= 300"),
    ("position", "add", "DPRK", "demand", "rok.food-aid", "--weight", "2"),
    ("position", "add", "USA", "demand", "dprk.freeze", "--weight", "4"),
]


def build_korea(db: str) -> None:
    cli = Cli(db)
    for command in CATALOGUE:
        cli.ok(*command)


def build_drafted(db: str) -> None:
    """Package p: step 1 "Talks" (food aid, wage 120), step 2 "Freeze" (freeze), step 3 "Relief" (relief)."""
    build_korea(db)
    korea = Cli(db)
    korea.ok("package", "new", "p", "--title", "Kaesong first")
    korea.ok("package", "step", "add", "p", "--label", "Talks", "--due", "2027-03-01")
    korea.ok("package", "step", "add", "p", "--label", "Freeze")
    korea.ok("package", "step", "add", "p", "--label", "Relief")
    korea.ok("package", "place", "p", "rok.food-aid", "--step", "1")
    korea.ok("package", "place", "p", "kaesong.wage", "--step", "1", "--qty", "120")
    korea.ok("package", "place", "p", "dprk.freeze", "--step", "2")
    korea.ok("package", "place", "p", "usa.relief", "--step", "3")


@pytest.fixture
def korea(prebuilt) -> Cli:
    return Cli(prebuilt(build_korea))


@pytest.fixture
def drafted(prebuilt) -> Cli:
    return Cli(prebuilt(build_drafted))


def shown(cli, name="p"):
    return json.loads(cli.ok("package", "show", name, "--format", "json").stdout)


def layout(cli, name="p"):
    """Each step as (label, [moves])."""
    return [(s["label"], [m["move"] for m in s["moves"]]) for s in shown(cli, name)["steps"]]


def test_a_package_is_drafted_step_by_step(drafted):
    assert layout(drafted) == [
        ("Talks", ["kaesong.wage", "rok.food-aid"]), ("Freeze", ["dprk.freeze"]), ("Relief", ["usa.relief"]),
    ]
    document = shown(drafted)
    assert (document["title"], document["status"], document["steps"][0]["due"]) == ("Kaesong first", "draft", "2027-03-01")
    assert document["steps"][0]["moves"][0] == {"move": "kaesong.wage", "actor": "ROK", "quantity": 120, "unit": "USD/month"}


def test_show_draws_steps_as_rows_and_parties_as_columns_with_a_verdict_per_party(drafted):
    out = drafted.ok("package", "show", "p").stdout
    lines = out.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("step"))
    assert header.split() == ["step", "label", "due", "DPRK", "ROK", "USA"]
    talks = next(line for line in lines if "Talks" in line)
    assert "kaesong.wage (120 USD/month), rok.food-aid" in talks
    dprk = next(line for line in lines if line.startswith("DPRK "))
    assert "NOT satisfied" in dprk and "kaesong.wage" in dprk and "120" in dprk
    assert any(line.startswith("USA ") and "satisfied" in line and "NOT" not in line for line in lines)


def test_show_json_says_which_parties_are_satisfied_and_why_not(drafted):
    parties = {p["party"]: p for p in shown(drafted)["parties"]}
    assert parties["DPRK"]["satisfied"] is False
    assert parties["DPRK"]["conditions"][0]["text"] == "kaesong.wage >= 300"
    assert parties["USA"]["satisfied"] is True


@pytest.mark.parametrize("detail", [False, True])
def test_show_json_gives_the_verdict_in_the_shape_of_check(drafted, detail):
    flag = ("--detail",) if detail else ()
    shown_ = json.loads(drafted.ok("package", "show", "p", "--format", "json", *flag).stdout)
    (checked,) = json.loads(drafted.ok("check", "p", "--format", "json", *flag).stdout)
    assert {key: shown_[key] for key in checked} == checked


def test_every_package_command_has_an_example_in_its_help():
    import click

    from negotiator.cli import catalogue, eras, packages, positions, tracking

    def missing(command, path):
        if isinstance(command, click.Group):
            return [m for name, sub in command.commands.items() for m in missing(sub, [*path, name])]
        return [] if "Example" in (command.help or "") else [" ".join(path)]

    groups = (packages.package, tracking.track, tracking.status, tracking.log,
              catalogue.party, catalogue.issue, catalogue.move, positions.position, eras.era)
    assert [m for group in groups for m in missing(group, [group.name])] == []


def test_matrix_package_exports_the_grid_as_csv(drafted):
    out = drafted.ok("matrix", "package", "p", "--format", "csv").stdout
    assert out.splitlines() == [
        "step,label,due,DPRK,ROK,USA",
        "1,Talks,2027-03-01,,\"kaesong.wage (120 USD/month), rok.food-aid\",",
        "2,Freeze,,dprk.freeze,,",
        "3,Relief,,,,usa.relief",
    ]


def test_list_shows_steps_moves_status_and_origin(drafted):
    drafted.ok("package", "copy", "p", "q")
    rows = json.loads(drafted.ok("package", "list", "--format", "json").stdout)
    assert [(r["name"], r["title"], r["status"], r["steps"], r["moves"], r["based_on"]) for r in rows] == [
        ("p", "Kaesong first", "draft", 3, 4, None),
        ("q", "Kaesong first", "draft", 3, 4, "p"),
    ]
    assert all(len(r["updated"]) == len("2027-01-01 12:00") for r in rows)


def test_new_from_another_package_is_a_copy_based_on_it(drafted):
    drafted.ok("package", "new", "v", "--from", "p", "--title", "Variant")
    assert layout(drafted, "v") == layout(drafted, "p")
    assert (shown(drafted, "v")["based_on"], shown(drafted, "v")["title"]) == ("p", "Variant")


def test_rename_edit_and_rm(drafted):
    drafted.ok("package", "rename", "p", "kaesong-first")
    drafted.ok("package", "edit", "kaesong-first", "--title", "New", "--description", "Why")
    document = shown(drafted, "kaesong-first")
    assert (document["title"], document["description"]) == ("New", "Why")
    assert drafted.ok("package", "rm", "kaesong-first").stdout.strip() == "removed package kaesong-first"
    assert json.loads(drafted.ok("package", "list", "--format", "json").stdout) == []


@pytest.mark.parametrize(
    "command, expected",
    [
        (("package", "step", "rm", "p", "2", "--cascade"),
         [("Talks", ["kaesong.wage", "rok.food-aid"]), ("Relief", ["usa.relief"])]),
        (("package", "step", "rm", "p", "1", "--cascade"), [("Freeze", ["dprk.freeze"]), ("Relief", ["usa.relief"])]),
        (("package", "step", "move", "p", "3", "--to", "1"),
         [("Relief", ["usa.relief"]), ("Talks", ["kaesong.wage", "rok.food-aid"]), ("Freeze", ["dprk.freeze"])]),
        (("package", "step", "move", "p", "1", "--to", "3"),
         [("Freeze", ["dprk.freeze"]), ("Relief", ["usa.relief"]), ("Talks", ["kaesong.wage", "rok.food-aid"])]),
        (("package", "step", "add", "p", "--label", "Verify", "--at", "2"),
         [("Talks", ["kaesong.wage", "rok.food-aid"]), ("Verify", []), ("Freeze", ["dprk.freeze"]),
          ("Relief", ["usa.relief"])]),
        (("package", "shift", "p", "usa.relief", "--to", "2"),
         [("Talks", ["kaesong.wage", "rok.food-aid"]), ("Freeze", ["dprk.freeze", "usa.relief"]), ("Relief", [])]),
        (("package", "unplace", "p", "rok.food-aid"),
         [("Talks", ["kaesong.wage"]), ("Freeze", ["dprk.freeze"]), ("Relief", ["usa.relief"])]),
        (("package", "step", "edit", "p", "3", "--label", "Lift sanctions"),
         [("Talks", ["kaesong.wage", "rok.food-aid"]), ("Freeze", ["dprk.freeze"]), ("Lift sanctions", ["usa.relief"])]),
    ],
)
def test_step_and_placement_edits_keep_steps_numbered_one_to_n(drafted, command, expected):
    drafted.ok(*command)
    assert layout(drafted) == expected
    assert [s["step"] for s in shown(drafted)["steps"]] == list(range(1, len(expected) + 1))


def test_renumbering_survives_a_removal_then_a_reorder(drafted):
    drafted.ok("package", "step", "add", "p", "--label", "Verify", "--at", "1")
    drafted.ok("package", "step", "rm", "p", "3", "--cascade")
    drafted.ok("package", "step", "move", "p", "1", "--to", "3")
    assert [label for label, _ in layout(drafted)] == ["Talks", "Relief", "Verify"]
    drafted.ok("package", "place", "p", "dprk.freeze", "--step", "2")
    assert layout(drafted)[1] == ("Relief", ["dprk.freeze", "usa.relief"])


def test_placing_in_the_step_after_the_last_adds_it(drafted):
    drafted.ok("package", "unplace", "p", "usa.relief")
    assert drafted.ok("package", "place", "p", "usa.relief", "--step", "4").stdout.strip() == "placed usa.relief in step 4 of p"
    assert layout(drafted)[3] == ("", ["usa.relief"])


def test_placing_a_move_with_a_unit_without_quantity_warns_on_stderr(korea):
    korea.ok("package", "new", "p")
    outcome = korea.ok("package", "place", "p", "kaesong.wage")
    assert outcome.stderr.strip() == "note: move 'kaesong.wage' is measured in USD/month but was placed without a quantity"
    assert layout(korea) == [("", ["kaesong.wage"])]


@pytest.mark.parametrize(
    "command, message",
    [
        (("package", "place", "p", "dprk.freeze", "--step", "1"), "move 'dprk.freeze' is already in step 2 of package 'p'"),
        (("package", "place", "p", "usa.liaison-office", "--qty", "5"), "move 'usa.liaison-office' has no unit"),
        (("package", "place", "p", "kaesong.wagee"), "unknown move 'kaesong.wagee' (did you mean 'kaesong.wage'?)"),
        (("package", "place", "p", "usa.liaison-office", "--step", "7"), "step 7 does not exist"),
        (("package", "place", "p", "kaesong.wage", "--qty", "lots"), "'lots' is not a quantity"),
        (("package", "step", "rm", "p", "2"), "step '2' is still referenced by dprk.freeze; use --cascade"),
        (("package", "step", "rm", "p", "9"), "step 9 does not exist"),
        (("package", "step", "move", "p", "1", "--to", "4"), "target step 4 does not exist"),
        (("package", "step", "add", "p", "--due", "01/03/2027"), "expected YYYY-MM-DD, e.g. 2027-03-01"),
        (("package", "step", "add", "p", "--due", "2027-02-30"), "'2027-02-30' is not a valid due date"),
        (("package", "unplace", "p", "rok.food-aid"), None),
        (("package", "shift", "p", "usa.relief", "--to", "9"), "step 9 does not exist"),
        (("package", "new", "p"), "package 'p' already exists"),
        (("package", "new", "q", "--from", "pp"), "unknown package 'pp' (did you mean 'p'?)"),
        (("package", "new", "bad name"), "'bad name' is not a valid package name"),
        (("package", "copy", "p", "p"), "package 'p' already exists"),
        (("package", "rename", "nope", "x"), "unknown package 'nope'"),
        (("package", "edit", "p"), "nothing to change"),
        (("package", "show", "q"), "unknown package 'q'"),
    ],
)
def test_refusals_are_one_error_line_and_change_nothing(drafted, db_snapshot, command, message):
    if message is None:  # a move placed then removed cannot be removed again
        drafted.ok(*command)
        message = "move 'rok.food-aid' is not in package 'p'"
    before = db_snapshot(drafted.db)
    outcome = drafted(*command)
    assert outcome.exit_code == 1
    assert outcome.stderr.splitlines() == outcome.error_lines and len(outcome.error_lines) == 1
    assert message in outcome.error_lines[0]
    assert db_snapshot(drafted.db) == before


def test_every_drafting_change_is_in_the_log(drafted):
    drafted.ok("package", "shift", "p", "usa.relief", "--to", "2")
    drafted.ok("package", "step", "rm", "p", "3")
    rows = json.loads(drafted.ok("log", "p", "--format", "json").stdout)
    assert [(r["what"], r["change"]) for r in rows] == [
        ("created", "→ draft"),
        ("step-added", "→ step 1: Talks (due 2027-03-01)"),
        ("step-added", "→ step 2: Freeze"),
        ("step-added", "→ step 3: Relief"),
        ("placed rok.food-aid", "→ step 1"),
        ("placed kaesong.wage", "→ step 1, 120 USD/month"),
        ("placed dprk.freeze", "→ step 2"),
        ("placed usa.relief", "→ step 3"),
        ("shifted usa.relief", "step 3 → step 2"),
        ("step-removed", "step 3: Relief →"),
    ]
    assert set(rows[0]) == {"when", "what", "change", "note", "source"}
