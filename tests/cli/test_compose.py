"""``compose`` and ``zopa`` as a user runs them on the bundled Korea seed, on SQLite and PostgreSQL,
with the answers worked out by hand; every mistake one ``Error:`` line and nothing written.

The Kaesong issue of the seed holds seven moves, values to (DPRK, ROK):

    kaesong.wage (ROK, cost 2)                  +4, -2   DPRK: >= 300 (bound); ROK: kaesong.wage < 300
    kaesong.minimum-wage (ROK, cost 1)          +3, -1   ROK: <= 57.88 (bound)
    kaesong.rent-increase (ROK, cost 3)         +3, -3   ROK: excludes kaesong.rent-increase
    kaesong.infrastructure (ROK, cost 3)        +2, -3   ROK: only with a denuclearisation move (none here)
    dprk.kaesong-drop-hike-demands (DPRK, 2)    -2, +3
    dprk.kaesong-ease-travel (DPRK, cost 0)      0, +2
    rok.kaesong-talks-expand (ROK, cost 1)      +2, -1

and DPRK asks for balance >= 0 (ROK's own balance >= 0 is soft).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli, snapshot


@pytest.fixture
def korea(korea_db) -> Cli:
    return Cli(korea_db)


def _json(cli: Cli, *args: str) -> dict:
    return json.loads(cli.ok(*args, "--format", "json").stdout)


def _moves(option: dict) -> list[str]:
    return sorted(p["move"] for step in option["steps"] for p in step)


def _quantities(option: dict) -> dict[str, float | None]:
    return {p["move"]: p["qty"] for step in option["steps"] for p in step}


# --- worked by hand -----------------------------------------------------------------------------


def test_kaesong_in_two_steps_satisfies_both_koreas_as_worked_by_hand(korea):
    """Both Koreas are satisfied only without the wage (DPRK >= 300 against ROK < 300), the rent
    (ROK excludes it) and the infrastructure (ROK wants denuclearisation with it).  Of the four
    moves left, all of them give the best least gain: DPRK -2 + 0 + 3 + 2 = 3, ROK 3 + 2 - 1 - 1 = 3
    (any three leave one Korea at 1 or less).  Several splits into two steps keep both at 0
    exposure.  The minimum wage is bounded by ROK alone (<= 57.88): the whole number at that end."""
    document = _json(korea, "compose", "--issue", "kaesong", "--steps", "2")
    assert document["status"] == "optimal" and document["parties"] == ["DPRK", "ROK"]
    (option,) = document["options"]
    assert _moves(option) == ["dprk.kaesong-drop-hike-demands", "dprk.kaesong-ease-travel", "kaesong.minimum-wage",
                              "rok.kaesong-talks-expand"]
    assert _quantities(option)["kaesong.minimum-wage"] == 57
    assert option["satisfied"] == ["DPRK", "ROK"] and option["gains"] == {"DPRK": 3, "ROK": 3}
    assert (option["min_gain"], option["total_gain"], option["nash_product"]) == (3, 6, 9)
    assert (option["max_exposure"], option["total_exposure"], option["moves"]) == (0, 0, 4)
    assert option["proven_optimal"] is True and document["gap"] is None and document["conflicts"] == []


def test_requiring_the_wage_names_exactly_the_300_dollar_clash(korea):
    document = _json(korea, "compose", "--issue", "kaesong", "--steps", "2", "--require", "kaesong.wage")
    assert {(c["party"], c["text"]) for c in document["conflicts"]} == {
        ("DPRK", "kaesong.wage >= 300"),
        ("ROK", "kaesong.wage < 300"),
        ("(required)", "includes kaesong.wage"),
    }
    (option,) = document["options"]
    assert len(option["satisfied"]) == 1
    # Whichever Korea is satisfied, the wage is as near 300 (where the demands meet) as it allows.
    assert _quantities(option)["kaesong.wage"] == (300 if option["satisfied"] == ["DPRK"] else 299)


def test_the_minimum_wage_aims_at_the_middle_of_what_both_koreas_accept(korea):
    korea.ok("position", "edit", "DPRK", "kaesong.minimum-wage", "--bound", ">= 55")
    document = _json(korea, "compose", "--move", "kaesong.minimum-wage", "--move", "dprk.kaesong-ease-travel",
                     "--steps", "1")
    (option,) = document["options"]
    assert _quantities(option) == {"dprk.kaesong-ease-travel": None, "kaesong.minimum-wage": 56}  # 55 to 57.88


def test_zopa_names_the_clash_over_the_wage(korea):
    zones = {z["move"]: z for z in _json(korea, "zopa")}
    assert list(zones) == ["kaesong.minimum-wage", "kaesong.wage"]
    assert zones["kaesong.wage"]["line"] == "kaesong.wage: DPRK >= 300, ROK < 300: no agreement"
    assert zones["kaesong.wage"]["zone"] == [] and zones["kaesong.wage"]["clash"] == ["DPRK", "ROK"]
    assert zones["kaesong.minimum-wage"]["line"] == "kaesong.minimum-wage: ROK <= 57.88: <= 57.88"
    out = korea.ok("zopa", "kaesong.wage", "--as-of", "2009-09-16").stdout
    assert "DPRK >= 300, ROK (lee) < 300" in out and "no agreement" in out


def test_zopa_shows_the_zone_when_the_demands_meet(korea):
    korea.ok("position", "edit", "DPRK", "kaesong.wage", "--bound", ">= 100")
    korea.ok("condition", "add", "ROK", "kaesong.wage >= 80 and kaesong.wage != 150")
    (zone,) = _json(korea, "zopa", "kaesong.wage")
    assert zone["line"] == ("kaesong.wage: DPRK >= 100, ROK >= 80 and < 150 or > 150 and < 300: "
                            ">= 100 and < 150 or > 150 and < 300")
    assert zone["zone"] == [[100, 150], [150, 300]] and zone["clash"] == []


# --- what it shows and saves ----------------------------------------------------------------------


def test_table_shows_the_options_side_by_side_then_each_options_steps_by_parties(korea):
    out = korea.ok("compose", "--issue", "kaesong", "--steps", "2", "--alternatives", "1").stdout
    lines = out.splitlines()
    assert lines[0] == "Best package of 4 moves in 2 steps from a pool of 7 moves (objective maxmin): proven optimal"
    assert lines[2].split() == ["metric", "option", "1", "option", "2"]
    rows = {line[:17].strip(): line[17:].split() for line in lines[4:16]}
    assert rows["DPRK gain"] == ["3", "1"] and rows["ROK gain"] == ["3", "4"]
    assert rows["proven optimal"] == ["yes", "-"]
    assert "Option 1: steps × parties" in lines and "Option 2: steps × parties" in lines
    grid = lines[lines.index("Option 1: steps × parties") + 2:]
    assert grid[0].split() == ["step", "DPRK", "ROK"]
    assert grid[4].split() == ["gain", "3", "3"] and grid[5].split() == ["exposure", "0", "0"]


def test_alternatives_have_other_move_sets_and_are_no_better(korea):
    document = _json(korea, "compose", "--issue", "kaesong", "--steps", "2", "--alternatives", "3")
    options = document["options"]
    sets = [frozenset(p["move"] for step in o["steps"] for p in step) for o in options]
    assert len(options) == 4 and len(set(sets)) == 4
    keys = [(-len(o["satisfied"]), -o["min_gain"], -o["total_gain"], o["max_exposure"], o["total_exposure"], o["moves"])
            for o in options]
    assert keys == sorted(keys)


def test_save_as_stores_a_draft_that_check_agrees_with(korea):
    outcome = korea.ok("compose", "--issue", "kaesong", "--steps", "2", "--save-as", "kaesong-composed")
    assert "saved option 1 as package kaesong-composed" in outcome.stderr
    shown = _json(korea, "package", "show", "kaesong-composed")
    composed = _json(korea, "compose", "--issue", "kaesong", "--steps", "2")["options"][0]
    assert shown["status"] == "draft" and shown["based_on"] is None
    assert [sorted(m["move"] for m in s["moves"]) for s in shown["steps"]] == [
        sorted(p["move"] for p in step) for step in composed["steps"]]
    assert {m["move"]: m["quantity"] for s in shown["steps"] for m in s["moves"]}["kaesong.minimum-wage"] == 57
    (checked,) = _json(korea, "check", "kaesong-composed")
    assert {p["party"]: p["satisfied"] for p in checked["parties"]}["DPRK"] is True
    assert {p["party"]: p["satisfied"] for p in checked["parties"]}["ROK"] is True
    assert "composed from a pool of 7 moves" in korea.ok("log", "kaesong-composed").stdout


def test_from_a_package_keeps_its_labels_and_is_based_on_it(korea):
    korea.ok("compose", "--from", "kaesong-nll", "--steps", "3", "--save-as", "kaesong-nll-composed")
    shown = _json(korea, "package", "show", "kaesong-nll-composed")
    original = _json(korea, "package", "show", "kaesong-nll")
    assert shown["based_on"] == "kaesong-nll"
    assert [s["label"] for s in shown["steps"]] == [s["label"] for s in original["steps"]][:3]
    placed = {m["move"] for s in shown["steps"] for m in s["moves"]}
    assert placed <= {m["move"] for s in original["steps"] for m in s["moves"]}


def test_pareto_lists_a_complete_frontier_and_pick_saves_a_point(korea):
    document = _json(korea, "compose", "--issue", "kaesong", "--steps", "2", "--pareto")
    assert document["status"] == "optimal" and document["frontier_complete"] is True
    gains = [o["gains"] for o in document["options"]]
    for mine in gains:
        assert not any(all(o[p] >= mine[p] for p in mine) and o != mine for o in gains)
    korea.ok("compose", "--issue", "kaesong", "--steps", "2", "--pareto", "--save-as", "frontier-2", "--pick", "2")
    saved = _json(korea, "package", "show", "frontier-2")
    assert [[m["move"] for m in s["moves"]] for s in saved["steps"]] == [
        sorted(p["move"] for p in step) for step in document["options"][1]["steps"]
    ]


def test_csv_has_one_row_per_move_and_the_status_on_stderr(korea):
    outcome = korea.ok("compose", "--issue", "kaesong", "--steps", "2", "--format", "csv")
    rows = outcome.stdout.splitlines()
    assert rows[0] == "option,step,move,actor,qty,unit"
    assert len(rows) == 5
    assert outcome.stderr.startswith("note: Best package of 4 moves in 2 steps")


# --- mistakes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--issue", "kaesong", "--forbid", "kaesong.wage,kaesong.rent-increase,kaesong.infrastructure",
          "--forbid", "dprk.kaesong-drop-hike-demands", "--forbid", "dprk.kaesong-ease-travel",
          "--forbid", "rok.kaesong-talks-expand kaesong.minimum-wage"], "the pool of candidate moves is empty"),
        (["--require", "kaesong.wage", "--forbid", "kaesong.wage"], "move 'kaesong.wage' is both required and forbidden"),
        (["--issue", "kaesong", "--steps", "0"], "--steps must be at least 1, not 0"),
        (["--issue", "kaesong", "--steps", "8"],
         "cannot spread a pool of 7 moves over 8 non-empty steps: --steps must be between 1 and 7"),
        (["--pareto", "--issue", "six-party"], "--pareto compares the gains of at most 4 parties, not 6 (CHN, DPRK, JPN, ROK, RUS, USA)"),
        (["--issue", "kaesong", "--objective", "nash", "--parties", "DPRK,ROK,USA"],
         "--objective nash needs every considered party to be able to gain, but no move of the pool is worth anything to USA"),
        (["--parties", "DPKR"], "unknown party 'DPKR' (did you mean 'DPRK'?)"),
        (["--move", "kaesong.wag"], "unknown move 'kaesong.wag' (did you mean 'kaesong.wage' or 'kaesong.minimum-wage'?)"),
        (["--issue", "kaesnog"], "unknown issue 'kaesnog' (did you mean 'kaesong'?)"),
        (["--from", "kaesong-nl"], "unknown package 'kaesong-nl' (did you mean 'kaesong-nll'?)"),
        (["--issue", "kaesong", "--time-limit", "nan"], "'nan' is not a positive, finite number of seconds"),
        (["--issue", "kaesong", "--time-limit", "0"], "'0' is not a positive, finite number of seconds"),
        (["--issue", "kaesong", "--time-limit", "-1"], "'-1' is not a positive, finite number of seconds"),
        (["--issue", "kaesong", "--save-as", "kaesong-nll"], "package 'kaesong-nll' already exists"),
        (["--issue", "kaesong", "--save-as", "x", "--pick", "4"], "--pick 4: there is 1 option, numbered from 1"),
        (["--issue", "kaesong", "--pick", "2"], "--pick chooses what --save-as stores"),
        (["--issue", "kaesong", "--pareto", "--alternatives", "2"], "--alternatives and --pareto cannot be combined"),
    ],
    ids=["empty-pool", "required-and-forbidden", "no-steps", "more-steps-than-moves", "pareto-parties", "nash",
         "unknown-party", "unknown-move", "unknown-issue", "unknown-package", "nan-time", "zero-time",
         "negative-time", "existing-name", "pick-out-of-range", "pick-without-save", "pareto-alternatives"],
)
def test_each_mistake_is_one_error_line_and_writes_nothing(korea, args, message):
    before = snapshot(korea.db)
    outcome = korea("compose", *args)
    assert outcome.exit_code != 0
    assert len(outcome.error_lines) == 1 and message in outcome.error_lines[0], outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert snapshot(korea.db) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["kaesong.wag"], "unknown move 'kaesong.wag' (did you mean 'kaesong.wage' or 'kaesong.minimum-wage'?)"),
        (["rok.kaesong-talks-expand"], "move 'rok.kaesong-talks-expand' has no unit, so it has no quantity to agree on"),
    ],
    ids=["unknown-move", "no-unit"],
)
def test_zopa_mistakes_are_one_error_line(korea, args, message):
    outcome = korea("zopa", *args)
    assert outcome.exit_code == 1 and outcome.error_lines == [f"Error: {message}"]


# --- progress ---------------------------------------------------------------------------------


def test_off_a_terminal_compose_says_nothing_on_stderr(korea):
    assert korea.ok("compose", "--issue", "kaesong", "--steps", "2").stderr == ""


def test_on_a_terminal_the_progress_bar_fills_towards_the_time_limit_and_is_erased(korea, monkeypatch):
    from negotiator.cli import progress

    monkeypatch.setattr(progress, "DEFAULT_DELAY", 0.0)
    monkeypatch.setattr(progress, "_isatty", lambda stream: True)
    stderr = korea.ok("compose", "--issue", "kaesong", "--steps", "2", "--save-as", "shown").stderr
    assert "composing [" in stderr and "/30 s" in stderr
    assert stderr.endswith("\r\x1b[Ksaved option 1 as package shown\n")
