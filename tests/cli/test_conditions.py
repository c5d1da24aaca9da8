"""``condition add/list/show/edit/rm/test``: what is stored, what is refused (with nothing
written), and trying a condition on a package.  Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli

SETUP = [
    ("party", "add", "DPRK", "--name", "North Korea"),
    ("party", "add", "USA", "--name", "United States"),
    ("party", "add", "JPN", "--name", "Japan"),
    ("move", "add", "usa.delist-sst", "--actor", "USA", "--title", "Delist", "--cost", "2"),
    ("move", "add", "dprk.freeze", "--actor", "DPRK", "--title", "Freeze", "--cost", "3"),
    ("move", "add", "dprk.abduction-accounting", "--actor", "DPRK", "--title", "Accounting"),
    ("position", "add", "DPRK", "demand", "usa.delist-sst", "--weight", "4"),
    ("package", "new", "delist-first"),
    ("package", "place", "delist-first", "usa.delist-sst", "--step", "1"),
    ("package", "place", "delist-first", "dprk.freeze", "--step", "2"),
]


def build_talks(db: str) -> None:
    cli = Cli(db)
    for command in SETUP:
        cli.ok(*command)


@pytest.fixture
def talks(prebuilt) -> Cli:
    return Cli(prebuilt(build_talks))


def _listed(cli, *args):
    return json.loads(cli.ok("condition", "list", *args, "--format", "json").stdout)


def test_add_stores_the_condition_in_canonical_form_for_its_party(talks):
    out = talks.ok("condition", "add", "JPN", "(dprk.abduction-accounting   before usa.delist-sst)",
                   "--name", "abductions-first", "--source", "004: Abe").stdout
    assert out == "added condition abductions-first for JPN: dprk.abduction-accounting before usa.delist-sst\n"
    assert _listed(talks) == [
        {"id": 1, "party": "JPN", "era": None, "name": "abductions-first", "soft": False,
         "text": "dprk.abduction-accounting before usa.delist-sst", "source": "004: Abe"}
    ]


def test_add_rule_stores_a_condition_without_party(talks):
    talks.ok("condition", "add", "--rule", "dprk.freeze by step 2")
    talks.ok("condition", "add", "USA", "includes dprk.freeze", "--soft")
    assert [(c["party"], c["text"], c["soft"]) for c in _listed(talks, "--rules")] == [(None, "dprk.freeze by step 2", False)]
    assert [(c["party"], c["soft"]) for c in _listed(talks, "--party", "USA")] == [("USA", True)]


def test_bad_condition_text_is_one_error_line_with_a_caret_and_nothing_is_stored(talks, db_snapshot):
    before = db_snapshot(talks.db)
    outcome = talks("condition", "add", "JPN", "dprk.abduction-accounting befor usa.delist-sst")
    assert outcome.exit_code == 1
    assert outcome.stdout == ""
    assert outcome.stderr.splitlines() == [
        "Error: bad condition at column 27: unexpected 'befor'; expected 'after', 'before', 'by', 'with', "
        "a comparison (>= <= > < = !=)",
        "  dprk.abduction-accounting befor usa.delist-sst",
        "                            ^",
    ]
    assert db_snapshot(talks.db) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["JPN", "dprk.abduction-acounting before usa.delist-sst"],
         "Error: unknown move 'dprk.abduction-acounting' (did you mean 'dprk.abduction-accounting'?)"),
        (["JAPAN", "includes dprk.freeze"], "Error: unknown party 'JAPAN' (did you mean 'JPN'?)"),
        (["--rule", "balance >= 0"],
         "Error: a rule (a condition without a party) cannot use balance: balance and exposure are measured "
         "for a party; give the condition a party"),
        (["JPN", "includes dprk.freeze", "--name", "42"],
         "Error: '42' is not a valid condition name: use letters, digits, '.', '_' or '-', not only digits "
         "(a number refers to a condition's id), e.g. abductions-first"),
    ],
)
def test_a_refused_condition_names_the_problem_and_stores_nothing(talks, db_snapshot, args, message):
    before = db_snapshot(talks.db)
    outcome = talks("condition", "add", *args)
    assert (outcome.exit_code, outcome.stderr.splitlines()[0]) == (1, message)
    assert db_snapshot(talks.db) == before


def test_a_condition_name_is_unique(talks):
    talks.ok("condition", "add", "JPN", "includes dprk.freeze", "--name", "freeze")
    outcome = talks("condition", "add", "USA", "includes dprk.freeze", "--name", "freeze")
    assert outcome.error_lines == ["Error: condition 'freeze' already exists; choose another name"]


def test_show_by_name_or_id_gives_the_condition_and_its_moves(talks):
    talks.ok("condition", "add", "JPN", "dprk.abduction-accounting before usa.delist-sst", "--name", "abductions-first")
    by_name = json.loads(talks.ok("condition", "show", "abductions-first", "--format", "json").stdout)
    by_id = json.loads(talks.ok("condition", "show", "1", "--format", "json").stdout)
    assert by_name == by_id
    assert by_name["moves"] == ["dprk.abduction-accounting", "usa.delist-sst"]
    missing = talks("condition", "show", "abductions-frist")
    assert missing.error_lines == ["Error: unknown condition 'abductions-frist' (did you mean 'abductions-first'?)"]


def test_edit_changes_text_softness_and_party_checking_the_text_again(talks, db_snapshot):
    talks.ok("condition", "add", "USA", "balance >= 0", "--name", "usa-gains")
    talks.ok("condition", "edit", "usa-gains", "--text", "balance>=1", "--soft")
    assert [(c["text"], c["soft"]) for c in _listed(talks)] == [("balance >= 1", True)]
    before = db_snapshot(talks.db)
    refused = talks("condition", "edit", "usa-gains", "--rule")
    assert refused.exit_code == 1 and "cannot use balance" in refused.error_lines[0]
    assert db_snapshot(talks.db) == before
    talks.ok("condition", "edit", "usa-gains", "--party", "DPRK", "--hard", "--name", "dprk-gains")
    assert [(c["party"], c["name"], c["soft"]) for c in _listed(talks)] == [("DPRK", "dprk-gains", False)]


def test_rm_removes_the_condition(talks):
    talks.ok("condition", "add", "JPN", "includes dprk.freeze")
    assert talks.ok("condition", "rm", "1").stdout == "removed condition 1: includes dprk.freeze\n"
    assert _listed(talks) == []


def test_a_move_named_by_a_condition_cannot_be_removed_without_cascade(talks):
    talks.ok("condition", "add", "JPN", "includes dprk.abduction-accounting", "--name", "accounting")
    outcome = talks("move", "rm", "dprk.abduction-accounting")
    assert outcome.exit_code == 1 and "condition accounting" in outcome.error_lines[0]


def test_condition_test_judges_ad_hoc_text_without_storing_it(talks):
    out = json.loads(
        talks.ok("condition", "test", "dprk.freeze before usa.delist-sst", "delist-first", "--format", "json").stdout
    )
    assert out == [
        {
            "package": "delist-first",
            "party": None,
            "text": "dprk.freeze before usa.delist-sst",
            "passed": False,
            "reason": "dprk.freeze is in step 2, after usa.delist-sst in step 1",
        }
    ]
    assert _listed(talks) == []


def test_condition_test_with_a_party_measures_its_balance(talks):
    # DPRK: +4 (delist) in step 1, -3 (freeze) in step 2 -> balance 1
    out = talks.ok("condition", "test", "balance >= 2", "delist-first", "--party", "DPRK", "--format", "csv").stdout
    assert out.splitlines()[1] == "delist-first,DPRK,FAIL,\"DPRK's balance is 1 after the last step, not >= 2\""


def test_condition_test_shows_the_caret_for_bad_text(talks):
    outcome = talks("condition", "test", "includes", "delist-first")
    assert outcome.exit_code == 1
    assert outcome.stderr.splitlines()[1:] == ["  includes", "          ^"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("includes", "no-such-package"), "Error: bad condition at column 9"),
        (("balance >= 1", "no-such-package", "--party", "DPRKK"), "Error: unknown party 'DPRKK'"),
        (("includes dprk.freez", "no-such-package"), "Error: unknown move 'dprk.freez'"),
        (("includes dprk.freeze", "no-such-package"), "Error: unknown package 'no-such-package'"),
    ],
)
def test_condition_test_reports_the_text_and_party_before_the_packages(talks, args, message):
    outcome = talks("condition", "test", *args)
    assert outcome.exit_code == 1 and len(outcome.error_lines) == 1
    assert outcome.error_lines[0].startswith(message), outcome.error_lines[0]
