"""``compare``, ``sequence`` and ``matrix balance`` as a user runs them, on SQLite and PostgreSQL.

The talks: a freeze-for-freeze trade between DPRK and the USA, imported from a scenario file,
with two hand-drafted orderings of the same four moves.

    aid-first:     1 usa.aid (120), usa.delist | 2 dprk.inspect | 3 dprk.freeze
    freeze-first:  1 dprk.freeze | 2 usa.aid (120), usa.delist, dprk.inspect

DPRK wants the freeze only after delisting; a rule puts inspections after the freeze.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import Cli

SCENARIO = """\
parties:
  - {code: DPRK, name: North Korea}
  - {code: USA, name: United States}
moves:
  - {code: dprk.freeze, actor: DPRK, title: Freeze the reactor, cost: 3}
  - {code: dprk.inspect, actor: DPRK, title: Admit inspectors, cost: 2}
  - {code: usa.aid, actor: USA, title: Fuel aid, cost: 2, unit: t}
  - {code: usa.delist, actor: USA, title: Delist, cost: 1}
positions:
  - {party: USA, stance: demand, move: dprk.freeze, weight: 4}
  - {party: USA, stance: demand, move: dprk.inspect, weight: 2}
  - {party: DPRK, stance: demand, move: usa.aid, weight: 3, bound: ">= 100"}
  - {party: DPRK, stance: demand, move: usa.delist, weight: 2}
conditions:
  - {party: DPRK, text: "dprk.freeze after usa.delist"}
  - {text: "dprk.inspect after dprk.freeze"}
packages:
  - name: aid-first
    title: Aid first
    status: draft
    steps:
      - label: Aid
        moves: [{move: usa.aid, qty: 120}, usa.delist]
      - label: Inspections
        moves: [dprk.inspect]
      - label: Freeze
        moves: [dprk.freeze]
  - name: freeze-first
    title: Freeze first
    status: draft
    steps:
      - label: Freeze
        moves: [dprk.freeze]
      - label: Aid
        moves: [{move: usa.aid, qty: 120}, usa.delist, dprk.inspect]
"""


def build_talks(db: str) -> None:
    path = Path("talks.yaml").absolute()  # the build runs in a folder of its own
    path.write_text(SCENARIO, encoding="utf-8")
    Cli(db).ok("import", str(path))


@pytest.fixture
def talks(prebuilt) -> Cli:
    return Cli(prebuilt(build_talks))


def _json(cli, *args):
    return json.loads(cli.ok(*args, "--format", "json").stdout)


# --- compare ---------------------------------------------------------------------------------


def test_compare_table_shows_metrics_down_and_packages_across(talks):
    lines = talks.ok("compare", "aid-first", "freeze-first").stdout.splitlines()
    assert lines[0] == "Comparison of aid-first, freeze-first"
    assert lines[2].split() == ["metric", "aid-first", "freeze-first"]
    cells = {line[:19].strip(): line[19:].split() for line in lines[4:]}
    assert cells["valid"] == ["no", "yes"]
    assert cells["parties satisfied"] == ["2/2", "1/2"]
    assert cells["DPRK exposure"] == ["0", "3"]
    assert cells["USA exposure"] == ["3", "0"]
    assert cells["USA first move"] == ["1", "2"]


def test_compare_json_is_the_document_of_section_8(talks):
    document = _json(talks, "compare", "aid-first", "freeze-first")
    first, second = document["packages"]
    assert first == {
        "package": "aid-first",
        "valid": False,
        "steps": 3,
        "reciprocity": 0,
        "max_exposure": 3,
        "min_gain": 0,
        "total_gain": 3,
        "dominated_by": [],
        "pareto_optimal": True,
        "best_by": ["maxmin", "total"],
        "parties": {
            "DPRK": {"era": None, "stake": True, "satisfied": True, "gain": 0, "exposure": 0, "first_move": 2,
                     "first_gain": 1},
            "USA": {"era": None, "stake": True, "satisfied": True, "gain": 3, "exposure": 3, "first_move": 1,
                    "first_gain": 2},
        },
    }
    assert second["package"] == "freeze-first" and second["reciprocity"] == 0.5


def test_compare_names_the_dominating_package(talks):
    talks.ok("sequence", "aid-first", "--save-as", "aid-best")
    document = _json(talks, "compare", "aid-first", "aid-best")
    assert document["packages"][0]["dominated_by"] == ["aid-best"]
    assert document["packages"][1]["dominated_by"] == []


def test_compare_csv_has_one_column_per_package(talks):
    text = talks.ok("compare", "aid-first", "freeze-first", "--format", "csv").stdout
    rows = text.splitlines()
    assert rows[0] == "metric,aid-first,freeze-first"
    assert rows[1] == "valid,false,true"



def test_compare_all_is_the_comparison_of_every_package_by_name(talks):
    names = sorted(p["name"] for p in _json(talks, "package", "list"))
    assert len(names) >= 2
    assert talks.ok("compare", "--all", "--format", "json").stdout == talks.ok(
        "compare", *names, "--format", "json").stdout


@pytest.mark.parametrize(("args", "message"), [
    ((), "Error: name the packages, or use --all (see 'negotiator compare --help')"),
    (("--all", "aid-first"), "Error: name packages or use --all, not both (see 'negotiator compare --help')"),
])
def test_compare_needs_packages_or_all_but_not_both(talks, args, message):
    outcome = talks("compare", *args)
    assert outcome.exit_code == 2 and outcome.error_lines == [message]


def test_compare_all_on_a_database_without_packages_says_so(cli):
    outcome = cli("compare", "--all")
    assert outcome.exit_code == 1 and outcome.error_lines == ["Error: the database holds no package to compare"]


# --- sequence --------------------------------------------------------------------------------


def test_sequence_json_gives_the_best_option_and_the_conflicts(talks):
    document = _json(talks, "sequence", "freeze-first")
    assert document == {
        "package": "freeze-first",
        "status": "optimal",
        "options": [
            {
                "rank": 1,
                "steps": [["dprk.freeze", "usa.aid"], ["dprk.inspect", "usa.delist"]],
                "satisfied": ["USA"],
                "max_exposure": 0,
                "total_exposure": 0,
                "moved": 1,
            }
        ],
        "conflicts": [
            {"party": "DPRK", "era": None, "text": "dprk.freeze after usa.delist"},
            {"party": None, "era": None, "text": "dprk.inspect after dprk.freeze"},
        ],
    }


def test_sequence_table_shows_options_steps_and_proof(talks):
    out = talks.ok("sequence", "aid-first", "--alternatives", "1").stdout
    assert out.startswith("Best ordering of aid-first into 3 steps: proven optimal\n")
    assert "Steps of each option" in out
    assert "dprk.freeze (was 3)" in out
    assert "Conflicting conditions" not in out
    summary = [line.split() for line in out.splitlines()[4:6]]
    assert [row[0] for row in summary] == ["1", "2"]
    assert all(row[1] == "2/2" for row in summary)


def test_sequence_table_claims_proof_for_the_best_option_only(talks):
    lines = talks.ok("sequence", "aid-first", "--alternatives", "2").stdout.splitlines()
    assert lines[2].split()[-2:] == ["proven", "optimal"]
    assert [line.split()[-1] for line in lines[4:7]] == ["yes", "-", "-"]


def _naming_runs_out_of_time(monkeypatch):
    """Make every attempt to name a conflicting set come back empty, as when time runs out."""
    from negotiator.domain.sequencing import Problem

    monkeypatch.setattr(Problem, "rules_conflict", lambda self, clock: [])
    monkeypatch.setattr(Problem, "party_conflict", lambda self, clock: [])


def _colliding_rules(talks):
    talks.ok("condition", "add", "--rule", "usa.delist after dprk.inspect")
    talks.ok("condition", "add", "--rule", "usa.delist before dprk.inspect")


def test_sequence_says_when_colliding_rules_could_not_be_named_in_time(talks, monkeypatch):
    _colliding_rules(talks)
    _naming_runs_out_of_time(monkeypatch)
    outcome = talks.ok("sequence", "aid-first", "--time-limit", "0.5")
    assert outcome.stdout.splitlines()[0] == (
        "No ordering of aid-first obeys every rule; could not name the conflicting conditions within --time-limit 0.5"
    )


def test_sequence_json_keeps_every_key_when_conflicts_could_not_be_named(talks, monkeypatch):
    _colliding_rules(talks)
    _naming_runs_out_of_time(monkeypatch)
    document = _json(talks, "sequence", "aid-first", "--time-limit", "0.5")
    assert document == {"package": "aid-first", "status": "infeasible", "options": [], "conflicts": []}


def test_sequence_says_when_unsatisfied_parties_conflicts_could_not_be_named_in_time(talks, monkeypatch):
    _naming_runs_out_of_time(monkeypatch)
    out = talks.ok("sequence", "aid-first", "--steps", "2", "--time-limit", "30").stdout
    assert out.startswith("Best ordering of aid-first into 2 steps: proven optimal\n")
    assert ("Not every party is satisfied; could not name the conflicting conditions within --time-limit 30"
            in out.splitlines())


def test_sequence_csv_is_the_steps_table_with_the_status_line_on_stderr(talks):
    outcome = talks.ok("sequence", "aid-first", "--format", "csv")
    rows = outcome.stdout.splitlines()
    assert rows[0] == "option,step,label,moves"
    assert [row.split(",")[:2] for row in rows[1:]] == [["1", "1"], ["1", "2"], ["1", "3"]]
    assert "note: Best ordering of aid-first into 3 steps: proven optimal" in outcome.stderr


def test_sequence_markdown_shows_every_section(talks):
    out = talks.ok("sequence", "aid-first", "--steps", "2", "--format", "markdown").stdout
    titles = [line for line in out.splitlines() if line.startswith("## ")]
    assert titles == [
        "## Best ordering of aid-first into 2 steps: proven optimal",
        "## Steps of each option",
        "## Conflicting conditions: no ordering meets them all (dropping any one makes the rest satisfiable)",
    ]


def test_sequence_with_more_alternatives_lists_distinct_options_in_order(talks):
    options = _json(talks, "sequence", "aid-first", "--alternatives", "3")["options"]
    assert [o["rank"] for o in options] == [1, 2, 3, 4]
    assert len({json.dumps(o["steps"]) for o in options}) == 4
    keys = [(-len(o["satisfied"]), o["max_exposure"], o["total_exposure"], o["moved"]) for o in options]
    assert keys == sorted(keys)


def test_sequence_into_fewer_steps_names_the_colliding_conditions(talks):
    out = talks.ok("sequence", "aid-first", "--steps", "2").stdout
    assert "Conflicting conditions" in out
    assert re.search(r"DPRK\s+dprk.freeze after usa.delist", out)
    assert re.search(r"\(rule\)\s+dprk.inspect after dprk.freeze", out)


def test_sequence_save_as_stores_the_best_option_based_on_the_original(talks):
    best = _json(talks, "sequence", "aid-first")["options"][0]
    outcome = talks.ok("sequence", "aid-first", "--save-as", "aid-best")
    assert "saved option 1 as package aid-best (based on aid-first)" in outcome.stderr

    from negotiator.db.engine import Store
    from negotiator.db.load import load_packages

    with Store(talks.db).read() as connection:
        (saved,) = load_packages(connection, ["aid-best"], history=True)
    assert saved.based_on == "aid-first" and saved.status == "draft"
    assert [sorted(p.move for p in step.placements) for step in saved.steps] == [sorted(s) for s in best["steps"]]
    assert saved.quantities()["usa.aid"] == 120
    assert [s.label for s in saved.steps] == ["Aid", "Inspections", "Freeze"]
    assert [e.kind for e in saved.history] == ["created"]
    assert "sequenced from aid-first" in saved.history[0].note


def test_sequence_save_as_an_existing_name_is_refused_and_writes_nothing(talks, db_snapshot):
    before = db_snapshot(talks.db)
    outcome = talks("sequence", "aid-first", "--save-as", "freeze-first")
    assert outcome.exit_code == 1
    assert outcome.error_lines == ["Error: package 'freeze-first' already exists; choose another name for --save-as"]
    assert db_snapshot(talks.db) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--steps", "5"), "Error: cannot spread 4 moves of package 'aid-first' over 5 non-empty steps: "
                           "--steps must be between 1 and 4"),
        (("--steps", "0"), "Error: --steps must be at least 1, not 0"),
        (("--alternatives", "-1"), "Error: --alternatives must be at least 0, not -1"),
    ],
)
def test_sequence_refuses_bad_options_with_one_error_line(talks, args, message):
    outcome = talks("sequence", "aid-first", *args)
    assert outcome.exit_code == 1
    assert outcome.error_lines == [message]
    assert outcome.stdout == ""


@pytest.mark.parametrize("command", [("sequence", "aid-frist"), ("compare", "aid-first", "aid-frist"),
                                     ("matrix", "balance", "aid-frist")])
def test_unknown_package_gets_a_did_you_mean(talks, command):
    outcome = talks(*command)
    assert outcome.exit_code == 1
    assert outcome.error_lines == ["Error: unknown package 'aid-frist' (did you mean 'aid-first'?)"]


def test_sequence_with_a_time_limit_still_answers(talks):
    document = _json(talks, "sequence", "aid-first", "--time-limit", "20")
    assert document["status"] == "optimal" and len(document["options"]) == 1


# --- matrix balance --------------------------------------------------------------------------


def test_balance_matrix_csv_has_a_row_per_step_and_the_exposure_row(talks):
    text = talks.ok("matrix", "balance", "aid-first", "--format", "csv").stdout
    assert text.splitlines() == [
        "step,label,DPRK,USA",
        "1,Aid,5,-3",
        "2,Inspections,3,-1",
        "3,Freeze,0,3",
        "exposure,,0,3",
    ]


def test_colliding_rules_are_named_and_nothing_can_be_saved(talks, db_snapshot):
    talks.ok("condition", "add", "--rule", "usa.delist after dprk.inspect")
    talks.ok("condition", "add", "--rule", "usa.delist before dprk.inspect")
    document = _json(talks, "sequence", "aid-first")
    assert document["status"] == "infeasible" and document["options"] == []
    assert document["conflicts"] == [
        {"party": None, "era": None, "text": "usa.delist after dprk.inspect"},
        {"party": None, "era": None, "text": "usa.delist before dprk.inspect"},
    ]
    before = db_snapshot(talks.db)
    outcome = talks("sequence", "aid-first", "--save-as", "aid-best")
    assert outcome.error_lines == ["Error: no ordering of 'aid-first' obeys every rule, so there is nothing to save as 'aid-best'"]
    assert db_snapshot(talks.db) == before
