"""``check`` and the satisfaction / conditions matrices, run as a user would, on SQLite and
PostgreSQL.

Parties come in code order (DPRK, JPN, ROK, USA), as the database lists them.  The catalogue
is a small part of ``tests/domain/korea_worked`` entered through the commands; the
package is its worked package:

    step 1: usa.delist-sst, rok.food-aid (500)
    step 2: dprk.freeze, kaesong.wage (120)
    step 3: dprk.disable-yongbyon

    balances after each step:  DPRK 6, 6, 4    USA -2, 1, 3    ROK -1, -1, -1    JPN -1, -1, -1
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli

CATALOGUE = [
    ("party", "add", "DPRK", "--name", "North Korea"),
    ("party", "add", "USA", "--name", "United States"),
    ("party", "add", "ROK", "--name", "South Korea"),
    ("party", "add", "JPN", "--name", "Japan"),
    ("move", "add", "usa.delist-sst", "--actor", "USA", "--title", "Delist", "--cost", "2"),
    ("move", "add", "rok.food-aid", "--actor", "ROK", "--title", "Food aid", "--unit", "tons", "--cost", "1"),
    ("move", "add", "dprk.freeze", "--actor", "DPRK", "--title", "Freeze", "--cost", "3"),
    ("move", "add", "kaesong.wage", "--actor", "ROK", "--title", "Wage", "--unit", "USD/month", "--cost", "2"),
    ("move", "add", "dprk.disable-yongbyon", "--actor", "DPRK", "--title", "Disable", "--cost", "2"),
    ("move", "add", "dprk.abduction-accounting", "--actor", "DPRK", "--title", "Accounting", "--cost", "1"),
    ("position", "add", "DPRK", "demand", "usa.delist-sst", "--weight", "4"),
    ("position", "add", "DPRK", "demand", "rok.food-aid", "--weight", "2"),
    ("position", "add", "DPRK", "demand", "kaesong.wage", "--weight", "3", "--bound", ">= 300"),
    ("position", "add", "USA", "demand", "dprk.freeze", "--weight", "3"),
    ("position", "add", "USA", "demand", "dprk.disable-yongbyon", "--weight", "2"),
    ("position", "add", "ROK", "demand", "dprk.freeze", "--weight", "2"),
    ("position", "add", "JPN", "demand", "dprk.abduction-accounting", "--weight", "5"),
    ("position", "add", "JPN", "oppose", "usa.delist-sst", "--weight", "1"),
    ("condition", "add", "JPN", "dprk.abduction-accounting before usa.delist-sst", "--name", "abductions-first"),
    ("condition", "add", "USA", "dprk.freeze before dprk.disable-yongbyon"),
    ("condition", "add", "USA", "exposure <= 1", "--soft"),
    ("condition", "add", "ROK", "balance >= -1"),
    ("condition", "add", "--rule", "dprk.disable-yongbyon after dprk.freeze"),
]

WORKED = [
    ("package", "new", "worked"),
    ("package", "place", "worked", "usa.delist-sst", "--step", "1"),
    ("package", "place", "worked", "rok.food-aid", "--step", "1", "--qty", "500"),
    ("package", "place", "worked", "dprk.freeze", "--step", "2"),
    ("package", "place", "worked", "kaesong.wage", "--step", "2", "--qty", "120"),
    ("package", "place", "worked", "dprk.disable-yongbyon", "--step", "3"),
    # every party satisfied, every rule obeyed
    ("package", "new", "accounting-first"),
    ("package", "place", "accounting-first", "dprk.abduction-accounting", "--step", "1"),
    ("package", "place", "accounting-first", "dprk.freeze", "--step", "2"),
    ("package", "place", "accounting-first", "usa.delist-sst", "--step", "2"),
]


def build_talks(db: str) -> None:
    cli = Cli(db)
    for command in CATALOGUE + WORKED:
        cli.ok(*command)


@pytest.fixture
def talks(prebuilt) -> Cli:
    return Cli(prebuilt(build_talks))


def test_check_table_shows_each_partys_verdict_and_every_failed_condition_with_its_reason(talks):
    out = talks.ok("check", "worked").stdout.splitlines()
    assert out[0] == "Check of worked"
    rows = [line.split("  ") for line in out[4:]]
    cells = [[c.strip() for c in row if c.strip()] for row in rows]
    assert cells == [
        ["(rules)", "valid 1/1"],
        ["(parties)", "2/4 satisfied"],
        ["DPRK", "NOT satisfied 0/1"],
        ["DPRK", "FAIL", "kaesong.wage >= 300 [position]", "kaesong.wage is 120 in step 2, not >= 300"],
        ["JPN", "NOT satisfied 0/1"],
        [
            "JPN",
            "FAIL",
            "abductions-first: dprk.abduction-accounting before usa.delist-sst",
            "usa.delist-sst is in step 1, but dprk.abduction-accounting is not in the package",
        ],
        ["ROK", "satisfied 1/1"],
        ["USA", "satisfied 1/2"],
        ["USA", "FAIL (soft)", "exposure <= 1", "USA's exposure is 2 (balance -2 after step 1), not <= 1"],
    ]


def test_check_json_is_the_document_of_section_8_with_only_failures(talks):
    document = json.loads(talks.ok("check", "worked", "--format", "json").stdout)
    assert document == [
        {
            "package": "worked",
            "valid": True,
            "rules": [],
            "parties": [
                {
                    "party": "DPRK",
                    "era": None,
                    "stake": True,
                    "satisfied": False,
                    "passed": 0,
                    "total": 1,
                    "conditions": [
                        {
                            "text": "kaesong.wage >= 300",
                            "origin": "position",
                            "soft": False,
                            "passed": False,
                            "reason": "kaesong.wage is 120 in step 2, not >= 300",
                        }
                    ],
                },
                {
                    "party": "JPN",
                    "era": None,
                    "stake": True,
                    "satisfied": False,
                    "passed": 0,
                    "total": 1,
                    "conditions": [
                        {
                            "text": "dprk.abduction-accounting before usa.delist-sst",
                            "origin": "condition",
                            "soft": False,
                            "passed": False,
                            "reason": "usa.delist-sst is in step 1, but dprk.abduction-accounting is not in the package",
                        }
                    ],
                },
                {"party": "ROK", "era": None, "stake": True, "satisfied": True, "passed": 1, "total": 1, "conditions": []},
                {
                    "party": "USA",
                    "era": None,
                    "stake": True,
                    "satisfied": True,
                    "passed": 1,
                    "total": 2,
                    "conditions": [
                        {
                            "text": "exposure <= 1",
                            "origin": "condition",
                            "soft": True,
                            "passed": False,
                            "reason": "USA's exposure is 2 (balance -2 after step 1), not <= 1",
                        }
                    ],
                },
            ],
        }
    ]


def test_check_detail_lists_every_condition_with_the_reason_it_holds(talks):
    document = json.loads(talks.ok("check", "worked", "--detail", "--party", "USA", "--format", "json").stdout)
    (package,) = document
    assert package["rules"] == [
        {"text": "dprk.disable-yongbyon after dprk.freeze", "passed": True, "reason": "dprk.freeze is in step 2, dprk.disable-yongbyon in step 3"}
    ]
    (usa,) = package["parties"]
    assert [(c["text"], c["passed"], c["reason"]) for c in usa["conditions"]] == [
        ("dprk.freeze before dprk.disable-yongbyon", True, "dprk.freeze is in step 2, dprk.disable-yongbyon in step 3"),
        ("exposure <= 1", False, "USA's exposure is 2 (balance -2 after step 1), not <= 1"),
    ]


def test_check_all_judges_every_package_in_name_order(talks):
    document = json.loads(talks.ok("check", "--all", "--format", "json").stdout)
    assert [(p["package"], [q["party"] for q in p["parties"] if q["satisfied"]]) for p in document] == [
        ("accounting-first", ["DPRK", "JPN", "ROK", "USA"]),
        ("worked", ["ROK", "USA"]),
    ]


def test_a_broken_rule_makes_the_package_invalid(talks):
    talks.ok("package", "new", "backwards")
    talks.ok("package", "place", "backwards", "dprk.disable-yongbyon", "--step", "1")
    talks.ok("package", "place", "backwards", "dprk.freeze", "--step", "2")
    (package,) = json.loads(talks.ok("check", "backwards", "--format", "json").stdout)
    assert package["valid"] is False
    assert package["rules"] == [
        {
            "text": "dprk.disable-yongbyon after dprk.freeze",
            "passed": False,
            "reason": "dprk.freeze is in step 2, after dprk.disable-yongbyon in step 1",
        }
    ]


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["worked"], 1),  # DPRK and JPN unsatisfied
        (["accounting-first"], 0),
        (["--all"], 1),
        (["worked", "--party", "USA"], 0),  # USA's only failure is soft; the rule holds
        (["worked", "--party", "JPN"], 1),
    ],
)
def test_strict_exits_1_exactly_when_a_judged_party_is_unsatisfied_or_a_rule_fails(talks, args, status):
    outcome = talks("check", "--strict", *args)
    assert outcome.exit_code == status
    assert outcome.error_lines == []
    assert outcome.stdout.startswith("Check of")


def test_without_strict_an_unsatisfied_party_still_exits_0(talks):
    assert talks("check", "worked").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["wroked"], "Error: unknown package 'wroked' (did you mean 'worked'?)"),
        (["worked", "--party", "JAP"], "Error: unknown party 'JAP' (did you mean 'JPN'?)"),
    ],
)
def test_check_names_an_unknown_package_or_party_with_a_did_you_mean(talks, args, message):
    outcome = talks("check", *args)
    assert (outcome.exit_code, outcome.error_lines, outcome.stdout) == (1, [message], "")


@pytest.mark.parametrize("args", [[], ["worked", "--all"]])
def test_check_needs_either_package_names_or_all(talks, args):
    outcome = talks("check", *args)
    assert outcome.exit_code == 2 and len(outcome.error_lines) == 1


def test_satisfaction_matrix_is_packages_by_parties(talks):
    rows = json.loads(talks.ok("matrix", "satisfaction", "--format", "json").stdout)
    assert rows == [
        {"package": "accounting-first", "valid": True, "satisfied": 4, "DPRK": True, "JPN": True, "ROK": True, "USA": True},
        {"package": "worked", "valid": True, "satisfied": 2, "DPRK": False, "JPN": False, "ROK": True, "USA": True},
    ]


def test_conditions_matrix_is_conditions_by_packages_in_csv(talks):
    csv = talks.ok("matrix", "conditions", "worked", "accounting-first", "--format", "csv").stdout
    assert csv.splitlines() == [
        "party,name,condition,origin,soft,worked,accounting-first",
        ",,dprk.disable-yongbyon after dprk.freeze,condition,false,pass,pass",
        "DPRK,,kaesong.wage >= 300,position,false,FAIL,pass",
        "JPN,abductions-first,dprk.abduction-accounting before usa.delist-sst,condition,false,FAIL,pass",
        "ROK,,balance >= -1,condition,false,pass,pass",
        "USA,,dprk.freeze before dprk.disable-yongbyon,condition,false,pass,pass",
        "USA,,exposure <= 1,condition,true,FAIL,pass",
    ]


def _statements_of_check_all(cli) -> int:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    sent = []

    def count(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        cli.ok("check", "--all", "--format", "json")
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    return len(sent)


def test_check_all_on_a_bulk_written_scenario_agrees_with_the_checker_in_a_constant_number_of_statements(
    db_url, backend, request, tmp_path
):
    from benchmarks.generate import generate, write_scenario
    from negotiator.domain.evaluate import Checker
    from negotiator.domain.verdicts import check_document
    from tests.conftest import Cli

    sizes = dict(parties=4, moves=40, conditions=25, placements_per_package=10, steps=3, seed=5)
    scenario = generate(**sizes, packages=30)
    write_scenario(scenario, db_url)
    cli = Cli(db_url)
    expected = check_document([Checker(scenario.catalogue).check(p) for p in scenario.packages])
    assert json.loads(cli.ok("check", "--all", "--format", "json").stdout) == expected

    fewer = str(tmp_path / "fewer.db") if backend == "sqlite" else request.getfixturevalue("postgres_server").fresh_database()
    write_scenario(generate(**sizes, packages=3), fewer)
    assert _statements_of_check_all(cli) == _statements_of_check_all(Cli(fewer))


@pytest.mark.parametrize("part", [1, 7, 500])
def test_check_all_written_part_by_part_is_the_text_of_the_whole_result(db_url, monkeypatch, tmp_path, part):
    """CSV and JSON are judged and written a part of the packages at a time; whatever the size of
    a part, the text is the one rendering every verdict at once gives."""
    import negotiator.cli.check as command
    from benchmarks.generate import generate, write_scenario
    from negotiator.domain.evaluate import Checker
    from negotiator.domain.verdicts import check_document, check_table
    from negotiator.output import render_text
    from tests.conftest import Cli

    scenario = generate(parties=3, moves=30, conditions=15, placements_per_package=8, steps=3, seed=11, packages=23)
    write_scenario(scenario, db_url)
    checks = [Checker(scenario.catalogue, explain_passes=False).check(p) for p in scenario.packages]
    assert not all(p.satisfied for c in checks for p in c.parties)  # failures, with reasons, are in the text
    monkeypatch.setattr(command, "_PART", part)
    cli = Cli(db_url)
    cli.ok("check", "--all", "--format", "csv", "--output", str(tmp_path / "all.csv"))
    whole = render_text("csv", table=check_table(checks))
    assert (tmp_path / "all.csv").read_bytes() == b"\xef\xbb\xbf" + whole.encode()
    cli.ok("check", "--all", "--format", "json", "--output", str(tmp_path / "all.json"))
    assert (tmp_path / "all.json").read_text(encoding="utf-8") == render_text("json", document=check_document(checks))
    strict = cli("check", "--all", "--strict", "--format", "csv")
    refused = sum(1 for c in checks if not c.valid or not all(p.satisfied for p in c.parties))
    assert strict.exit_code == 1 and f"{refused} of 23 package(s)" in strict.stderr
