"""party, issue, move and position commands: what they store, what they refuse, and that a refusal
changes nothing.  Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli

KOREA = [
    ("party", "add", "DPRK", "--name", "Democratic People's Republic of Korea"),
    ("party", "add", "ROK", "--name", "Republic of Korea"),
    ("party", "add", "JPN", "--name", "Japan"),
    ("issue", "add", "kaesong", "--title", "Kaesong Industrial Complex"),
    ("move", "add", "kaesong.wage", "--actor", "ROK", "--issue", "kaesong", "--unit", "USD/month",
     "--title", "Set the average monthly wage at Kaesong", "--cost", "2"),
    ("move", "add", "rok.food-aid", "--actor", "ROK", "--title", "Government food aid", "--cost", "3"),
    ("move", "add", "dprk.abduction-accounting", "--actor", "DPRK", "--title", "Account for the abductees",
     "--cost", "4", "--irreversible"),
    ("position", "add", "DPRK", "demand", "kaesong.wage", "--weight", "3", "--bound", ">= 300"),
    ("position", "add", "ROK", "offer", "kaesong.wage", "--bound", "<= 100"),
    ("position", "add", "DPRK", "demand", "rok.food-aid", "--weight", "2"),
    ("position", "add", "JPN", "demand", "dprk.abduction-accounting", "--weight", "5"),
    ("position", "add", "DPRK", "offer", "dprk.abduction-accounting"),
]


def build_korea(db: str) -> None:
    cli = Cli(db)
    for command in KOREA:
        cli.ok(*command)


@pytest.fixture
def korea(prebuilt) -> Cli:
    return Cli(prebuilt(build_korea))


def _json(cli, *args):
    return json.loads(cli.ok(*args, "--format", "json").stdout)


def test_party_list_json_is_a_list_of_records(korea):
    parties = _json(korea, "party", "list")
    assert [p["code"] for p in parties] == ["DPRK", "JPN", "ROK"]
    assert parties[2] == {"code": "ROK", "name": "Republic of Korea", "moves": 2, "notes": ""}
    korea.ok("party", "edit", "ROK", "--source", "004_2d9df996ed8380ea.txt: Seoul")
    assert _json(korea, "party", "show", "ROK")["source"] == "004_2d9df996ed8380ea.txt: Seoul"


def test_move_show_lists_every_position_on_it(korea):
    shown = _json(korea, "move", "show", "kaesong.wage")
    assert shown["actor"] == "ROK" and shown["unit"] == "USD/month" and shown["cost"] == 2
    assert sorted(shown["positions"]) == ["DPRK demand x3 (>= 300)", "ROK offer (<= 100)"]


def test_position_list_filters_by_party(korea):
    rows = _json(korea, "position", "list", "--party", "DPRK")
    assert {(r["stance"], r["move"], r["weight"], r["bound"]) for r in rows} == {
        ("demand", "kaesong.wage", 3, ">= 300"),
        ("demand", "rok.food-aid", 2, None),
        ("offer", "dprk.abduction-accounting", 1, None),
    }


def test_edits_are_stored(korea):
    korea.ok("party", "edit", "JPN", "--name", "Government of Japan")
    korea.ok("move", "edit", "rok.food-aid", "--cost", "1", "--title", "Food aid")
    korea.ok("position", "edit", "DPRK", "kaesong.wage", "--weight", "4", "--bound", ">= 250")
    korea.ok("issue", "edit", "kaesong", "--title", "Kaesong")
    assert _json(korea, "party", "show", "JPN")["name"] == "Government of Japan"
    assert _json(korea, "move", "show", "rok.food-aid")["cost"] == 1
    assert _json(korea, "position", "show", "DPRK", "kaesong.wage")["bound"] == ">= 250"
    assert _json(korea, "issue", "show", "kaesong")["title"] == "Kaesong"


def test_rm_with_cascade_removes_dependents(korea):
    out = korea.ok("move", "rm", "kaesong.wage", "--cascade").stdout
    assert "removed move kaesong.wage" in out
    assert [r["move"] for r in _json(korea, "position", "list")].count("kaesong.wage") == 0
    korea.ok("party", "rm", "JPN", "--cascade")
    assert "JPN" not in [p["code"] for p in _json(korea, "party", "list")]


def test_issue_rm_cascade_detaches_moves(korea):
    korea.ok("issue", "rm", "kaesong", "--cascade")
    assert _json(korea, "move", "show", "kaesong.wage")["issue"] is None


def test_unreferenced_rows_are_removed_without_cascade(korea):
    korea.ok("position", "rm", "JPN", "dprk.abduction-accounting")
    korea.ok("party", "rm", "JPN")
    assert [p["code"] for p in _json(korea, "party", "list")] == ["DPRK", "ROK"]


BAD = [
    # (command, expected fragment of the Error line)
    (("party", "add", "DPRK", "--name", "again"), "party 'DPRK' already exists"),
    (("party", "add", "9X", "--name", "x"), "not a valid party code"),
    (("party", "show", "DPKR"), "unknown party 'DPKR' (did you mean 'DPRK'?)"),
    (("party", "rm", "DPRK"), "still referenced by move dprk.abduction-accounting"),
    (("party", "edit", "JPN", "--code", "ROK"), "party 'ROK' already exists"),
    (("issue", "add", "kaesong", "--title", "x"), "issue 'kaesong' already exists"),
    (("issue", "add", "Kaesong", "--title", "x"), "not a valid issue code"),
    (("issue", "rm", "kaesong"), "use --cascade to detach them"),
    (("move", "add", "Rok.Food", "--actor", "ROK", "--title", "x"), "not a valid move code"),
    (("move", "add", "before", "--actor", "ROK", "--title", "x"), "reserved word"),
    (("move", "add", "rok.x", "--actor", "RKO", "--title", "x"), "unknown party 'RKO' (did you mean 'ROK'?)"),
    (("move", "add", "rok.x", "--actor", "ROK", "--title", "x", "--issue", "kaesog"), "unknown issue 'kaesog' (did you mean 'kaesong'?)"),
    (("move", "add", "rok.x", "--actor", "ROK", "--title", "x", "--cost", "-1"), "cost must be at least 0"),
    (("move", "add", "rok.x", "--actor", "ROK", "--title", "x", "--cost", "two"), "cost must be a whole number"),
    (("move", "add", "rok.food-aid", "--actor", "ROK", "--title", "x"), "move 'rok.food-aid' already exists"),
    (("move", "show", "rok.food-ade"), "unknown move 'rok.food-ade' (did you mean 'rok.food-aid'?)"),
    (("move", "rm", "kaesong.wage"), "still referenced by"),
    (("move", "edit", "kaesong.wage", "--actor", "DPRK"), "cannot make DPRK the actor"),
    (("position", "add", "JPN", "offer", "kaesong.wage"), "only its actor ROK can offer a move"),
    (("position", "add", "ROK", "demand", "rok.food-aid"), "ROK cannot demand its own move 'rok.food-aid'"),
    (("position", "add", "JPN", "demand", "kaesong.wage", "--weight", "-2"), "weight must be at least 1"),
    (("position", "add", "JPN", "demand", "kaesong.wage", "--weight", "0"), "weight must be at least 1"),
    (("position", "add", "JPN", "demand", "kaesong.wage", "--weight", "1.5"), "weight must be a whole number"),
    (("position", "add", "JPN", "demand", "kaesong.wage", "--bound", "at least 300"), "not a valid bound"),
    (("position", "add", "JPN", "demand", "kaesong.wage", "--bound", ">= lots"), "not a valid bound"),
    (("position", "add", "JPN", "demand", "rok.food-aid", "--bound", ">= 3"), "has no unit"),
    (("position", "add", "JPN", "support", "rok.food-aid"), "stance must be demand, offer or oppose, not 'support'"),
    (("position", "add", "DPRK", "demand", "kaesong.wage"), "position 'DPRK on kaesong.wage' already exists"),
    (("position", "show", "JPN", "rok.food-aid"), "unknown position 'JPN on rok.food-aid'"),
    (("position", "rm", "JPN", "kaesong.wag"), "unknown move 'kaesong.wag' (did you mean 'kaesong.wage'?)"),
]


@pytest.mark.parametrize("command, message", BAD, ids=[" ".join(c[:3]) + f" #{i}" for i, (c, _) in enumerate(BAD)])
def test_bad_input_is_one_error_line_and_changes_nothing(korea, db_snapshot, command, message):
    before = db_snapshot(korea.db)
    outcome = korea(*command)
    assert outcome.exit_code == 1
    assert len(outcome.error_lines) == 1, outcome.stderr
    assert message in outcome.error_lines[0]
    assert "Traceback" not in outcome.stderr
    assert db_snapshot(korea.db) == before


def test_usage_errors_exit_2_with_one_error_line(korea):
    outcome = korea("party", "add", "X")
    assert outcome.exit_code == 2
    assert outcome.error_lines == ["Error: Missing option '--name'. (see 'negotiator party add --help')"]


def test_position_weight_and_bound_checks_hold_in_the_database_too(store):
    """The checks are not only in Python: the database refuses a weight below 1 by itself."""
    from negotiator.db.catalogue import add_move, add_party, get_position
    from negotiator.db.positions import add_position
    from negotiator.domain.errors import NegotiatorError

    with store.write() as session:
        add_party(session, "A", "a")
        add_party(session, "B", "b")
        add_move(session, "a.x", "A", "x")
        add_position(session, "B", "a.x", "demand")
    with pytest.raises(NegotiatorError, match="ck_position_weight_positive"):
        with store.write() as session:
            row = get_position(session, "B", "a.x")
            row.weight = 0
            session.add(row)
            session.flush()


def _placed_in(cli, package: str, move: str) -> None:
    cli.ok("package", "new", package)
    cli.ok("package", "place", package, move, "--step", "1")


@pytest.mark.parametrize("status", ["agreed", "implementing", "completed"])
def test_move_rm_cascade_is_refused_while_an_agreed_package_holds_the_move(korea, db_snapshot, status):
    _placed_in(korea, "draft-one", "rok.food-aid")
    _placed_in(korea, "signed", "rok.food-aid")
    korea.ok("package", "status-set", "signed", status)
    before = db_snapshot(korea.db)
    outcome = korea("move", "rm", "rok.food-aid", "--cascade")
    assert outcome.exit_code == 1 and len(outcome.error_lines) == 1
    assert f"move 'rok.food-aid' is still referenced by {status} package signed" in outcome.error_lines[0]
    assert "draft-one" not in outcome.error_lines[0]
    assert db_snapshot(korea.db) == before


def test_move_rm_cascade_unplaces_through_the_package_history(korea):
    _placed_in(korea, "p", "rok.food-aid")
    korea.ok("package", "status-set", "p", "proposed")
    out = korea.ok("move", "rm", "rok.food-aid", "--cascade").stdout
    assert "placement of rok.food-aid in p" in out
    last = json.loads(korea.ok("log", "p", "--format", "json").stdout)[-1]
    assert (last["what"], last["change"], last["note"]) == (
        "unplaced rok.food-aid", "step 1 →", "move rok.food-aid removed from the catalogue")
    assert _json(korea, "package", "show", "p")["steps"][0]["moves"] == []


def test_move_rm_cascade_names_the_party_of_each_removed_position(korea):
    out = korea.ok("move", "rm", "kaesong.wage", "--cascade").stdout
    assert "DPRK's demand on kaesong.wage" in out and "ROK's offer on kaesong.wage" in out


def test_move_edit_code_carries_the_package_history_along(korea):
    _placed_in(korea, "p", "rok.food-aid")
    korea.ok("move", "edit", "rok.food-aid", "--code", "rok.rice-aid")
    whats = [r["what"] for r in json.loads(korea.ok("log", "p", "--format", "json").stdout)]
    assert "placed rok.rice-aid" in whats and not [w for w in whats if "rok.food-aid" in w]
