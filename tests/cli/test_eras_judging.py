"""Judging in eras from the command line: ``--as-of``, ``--era``, ``--across-eras`` and
``--robust`` on check, compare, sequence, compose, zopa, matrix, package show, status and report.

The catalogue is ``tests/domain/eras_worked`` entered through the commands (read its docstring):
ROK under roh (2003-02-25 to 2008-02-25) demands the US talks, under lee (2008-02-25 to
2013-02-25) opposes them and wants a verification protocol before any aid.  The accord (dated
2007-10-03, its last step due 2008-10-31): freeze and talks, then aid.  It satisfies ROK under
roh, not under lee; its window spans both.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli

CATALOGUE = [
    ("party", "add", "DPRK", "--name", "North Korea"),
    ("party", "add", "ROK", "--name", "South Korea"),
    ("party", "add", "USA", "--name", "United States"),
    ("party", "add", "CHN", "--name", "China"),
    ("move", "add", "dprk.freeze", "--actor", "DPRK", "--title", "Freeze", "--cost", "3"),
    ("move", "add", "dprk.protocol", "--actor", "DPRK", "--title", "Protocol"),
    ("move", "add", "rok.aid", "--actor", "ROK", "--title", "Aid", "--unit", "t"),
    ("move", "add", "usa.talks", "--actor", "USA", "--title", "Talks"),
    ("era", "add", "ROK", "roh", "--title", "Roh", "--start", "2003-02-25", "--end", "2008-02-25"),
    ("era", "add", "ROK", "lee", "--title", "Lee", "--start", "2008-02-25", "--end", "2013-02-25"),
    ("position", "add", "ROK", "demand", "dprk.freeze", "--weight", "2"),
    ("position", "add", "ROK", "demand", "usa.talks"),
    ("position", "add", "ROK", "demand", "usa.talks", "--weight", "2", "--era", "roh"),
    ("position", "add", "ROK", "oppose", "usa.talks", "--era", "lee"),
    ("position", "add", "ROK", "demand", "dprk.protocol", "--weight", "3", "--era", "lee"),
    ("position", "add", "ROK", "offer", "rok.aid", "--bound", "<= 100", "--era", "lee"),
    ("position", "add", "DPRK", "demand", "rok.aid", "--weight", "4", "--bound", ">= 50"),
    ("position", "add", "DPRK", "demand", "usa.talks", "--weight", "2"),
    ("condition", "add", "ROK", "balance >= 0"),
    ("condition", "add", "ROK", "dprk.protocol before rok.aid", "--era", "lee", "--name", "lee-protocol-first"),
    ("condition", "add", "DPRK", "includes usa.talks if includes dprk.freeze"),
    ("package", "new", "accord", "--date", "2007-10-03"),
    ("package", "step", "add", "accord", "--label", "Freeze for talks"),
    ("package", "step", "add", "accord", "--label", "Aid", "--due", "2008-10-31"),
    ("package", "place", "accord", "dprk.freeze", "--step", "1"),
    ("package", "place", "accord", "usa.talks", "--step", "1"),
    ("package", "place", "accord", "rok.aid", "--step", "2", "--qty", "80"),
]


def build_talks(db: str) -> None:
    cli = Cli(db)
    for command in CATALOGUE:
        cli.ok(*command)


@pytest.fixture
def talks(prebuilt) -> Cli:
    return Cli(prebuilt(build_talks))


def _json(cli: Cli, *args: str):
    return json.loads(cli.ok(*args, "--format", "json").stdout)


def _parties(cli: Cli, *args: str) -> dict[str, dict]:
    (package,) = _json(cli, "check", "accord", *args)
    return {p["party"]: p for p in package["parties"]}


def test_check_judges_the_package_on_its_date_and_names_the_era(talks):
    parties = _parties(talks)
    assert (parties["ROK"]["era"], parties["ROK"]["satisfied"]) == ("roh", True)
    assert parties["DPRK"]["era"] is None


def test_check_as_of_judges_in_the_era_of_that_date(talks):
    rok = _parties(talks, "--as-of", "2009-01-01")["ROK"]
    assert (rok["era"], rok["satisfied"], rok["passed"], rok["total"]) == ("lee", False, 2, 3)
    assert [c["text"] for c in rok["conditions"]] == ["dprk.protocol before rok.aid"]


def test_check_era_pins_a_party_whatever_the_date(talks):
    assert _parties(talks, "--era", "ROK=lee")["ROK"]["era"] == "lee"
    assert _parties(talks, "--as-of", "2009-01-01", "--era", "ROK=roh")["ROK"]["era"] == "roh"


def test_a_party_with_no_condition_in_force_and_nothing_placed_it_values_has_no_stake(talks):
    chn = _parties(talks)["CHN"]
    assert (chn["stake"], chn["satisfied"]) == (False, True)
    rows = [line.split() for line in talks.ok("check", "accord").stdout.splitlines()]
    assert rows[0] == ["Check", "of", "accord"]
    assert ["CHN", "no", "stake"] in rows
    assert ["(parties)", "3/3", "satisfied", "(1", "without", "stake)"] in rows


def test_check_across_eras_gives_a_verdict_per_party_per_era(talks):
    rok = _parties(talks, "--across-eras")["ROK"]
    assert [(e["era"], e["satisfied"], e["passed"], e["total"]) for e in rok["eras"]] == [
        ("roh", True, 1, 1), ("lee", False, 2, 3)]
    assert _parties(talks, "--across-eras")["DPRK"]["eras"] == []
    table = talks.ok("check", "accord", "--across-eras", "--format", "csv").stdout.splitlines()
    assert "accord,ROK,roh,satisfied 1/1 (as of),,," in table
    assert "accord,ROK,lee,NOT satisfied 2/3,,," in table


def test_check_robust_names_the_era_that_breaks_a_party(talks):
    rok = _parties(talks, "--robust")["ROK"]
    assert (rok["era"], rok["satisfied"]) == ("roh", False)
    assert [(e["era"], e["satisfied"]) for e in rok["eras"]] == [("roh", True), ("lee", False)]
    table = talks.ok("check", "accord", "--robust", "--format", "csv").stdout.splitlines()
    assert 'accord,ROK,"roh, lee",NOT robust: broken by lee,,,' in table
    assert "accord,(parties),,2/3 robustly satisfied (1 without stake),,," in table


def test_check_robust_on_a_date_outside_every_era_judges_the_standing_rows(talks):
    talks.ok("package", "new", "old", "--date", "1994-10-21")
    talks.ok("package", "place", "old", "usa.talks")
    (package,) = _json(talks, "check", "old", "--robust")
    rok = {p["party"]: p for p in package["parties"]}["ROK"]
    assert rok["era"] is None and [(e["era"], e["satisfied"]) for e in rok["eras"]] == [(None, True)]


def test_check_strict_with_robust_refuses_a_package_that_a_change_of_government_breaks(talks):
    assert talks("check", "accord", "--strict").exit_code == 0
    assert talks("check", "accord", "--strict", "--robust").exit_code == 1


@pytest.mark.parametrize(("args", "error"), [
    (("check", "accord", "--era", "ROK=moon"), "Error: unknown era 'moon' of ROK; its eras: lee, roh"),
    (("check", "accord", "--era", "DPRK=kim"),
     "Error: unknown era 'kim' of DPRK: DPRK has no eras (negotiator era add gives it one)"),
    (("check", "accord", "--era", "ROC=lee"), "Error: unknown party 'ROC' (did you mean 'ROK'?)"),
    (("check", "accord", "--era", "ROK"), "Error: 'ROK' is not a choice of era: write PARTY=ERA, e.g. ROK=lee"),
    (("check", "accord", "--as-of", "2009-02-30"),
     "Error: '2009-02-30' is not a valid --as-of date: expected YYYY-MM-DD, e.g. 2027-03-01"),
    (("sequence", "accord", "--era", "ROK=moon"), "Error: unknown era 'moon' of ROK; its eras: lee, roh"),
    (("compare", "accord", "--era", "ROK=moon"), "Error: unknown era 'moon' of ROK; its eras: lee, roh"),
    (("matrix", "positions", "--era", "ROK=moon"), "Error: unknown era 'moon' of ROK; its eras: lee, roh"),
    (("matrix", "positions", "--all-eras", "--as-of", "2009-01-01"),
     "Error: --all-eras shows every era: leave out --as-of and --era"),
    (("package", "show", "accord", "--era", "ROK=moon"), "Error: unknown era 'moon' of ROK; its eras: lee, roh"),
])
def test_a_bad_choice_of_era_or_date_is_one_error_line(talks, db_snapshot, args, error):
    before = db_snapshot(talks.db)
    outcome = talks(*args)
    assert outcome.exit_code == 1 and outcome.error_lines == [error]
    assert db_snapshot(talks.db) == before


def test_across_eras_and_robust_together_are_a_usage_error(talks):
    outcome = talks("check", "accord", "--across-eras", "--robust")
    assert outcome.exit_code == 2 and len(outcome.error_lines) == 1


def test_compare_values_each_package_in_its_era_and_counts_over_parties_with_a_stake(talks):
    talks.ok("package", "copy", "accord", "later")
    talks.ok("package", "edit", "later", "--date", "2009-01-01")
    (accord, later) = _json(talks, "compare", "accord", "later")["packages"]
    assert (accord["parties"]["ROK"]["era"], later["parties"]["ROK"]["era"]) == ("roh", "lee")
    assert (accord["parties"]["ROK"]["gain"], later["parties"]["ROK"]["gain"]) == (3, 0)
    assert accord["parties"]["CHN"]["stake"] is False
    rows = [line.split() for line in talks.ok("compare", "accord", "later").stdout.splitlines()]
    assert ["parties", "satisfied", "3/3", "(1", "without", "stake)", "2/3", "(1", "without", "stake)"] in rows


def test_sequence_robust_counts_a_party_only_when_satisfied_in_every_era_spanned(talks):
    plain = _json(talks, "sequence", "accord")
    robust = _json(talks, "sequence", "accord", "--robust")
    assert "ROK" in plain["options"][0]["satisfied"] and "ROK" not in robust["options"][0]["satisfied"]
    assert robust["robust"]["ROK"] == ["roh", "lee"] and robust["eras"]["ROK"] == "roh"
    assert {"party": "ROK", "era": "lee", "text": "dprk.protocol before rok.aid"} in robust["conflicts"]


def test_compose_with_an_era_pinned_names_the_era_of_the_conflict(talks):
    document = _json(talks, "compose", "--require", "rok.aid", "--forbid", "dprk.protocol", "--steps", "1",
                     "--era", "ROK=lee", "--time-limit", "10")
    assert document["eras"]["ROK"] == "lee"
    assert {"party": "ROK", "era": "lee", "text": "dprk.protocol before rok.aid"} in document["conflicts"]


def test_compose_robust_proposes_a_package_robustly_satisfying_the_parties_it_claims(talks):
    robust = _json(talks, "compose", "--from", "accord", "--steps", "2", "--robust", "--time-limit", "10",
                   "--save-as", "proposal")
    assert robust["robust"]["ROK"] == ["roh", "lee"]
    (proposal,) = _json(talks, "check", "proposal", "--robust")
    claimed = set(robust["options"][0]["satisfied"])
    assert claimed == {p["party"] for p in proposal["parties"] if p["satisfied"] and p["party"] in robust["parties"]}
    assert "ROK" in claimed


def test_zopa_takes_the_bounds_in_force_on_the_date(talks):
    (before,) = _json(talks, "zopa", "rok.aid", "--as-of", "2007-01-01")
    (after,) = _json(talks, "zopa", "rok.aid", "--as-of", "2009-01-01")
    assert [p["party"] for p in before["parties"]] == ["DPRK"]
    assert [(p["party"], p["era"]) for p in after["parties"]] == [("DPRK", None), ("ROK", "lee")]
    table = talks.ok("zopa", "rok.aid", "--as-of", "2009-01-01").stdout
    assert "ROK (lee) " in table and "DPRK (" not in table


def test_matrix_positions_shows_the_positions_in_force_on_the_date(talks):
    csv = talks.ok("matrix", "positions", "--as-of", "2009-01-01", "--format", "csv").stdout.splitlines()
    assert csv[0] == "move,actor,issue,CHN,DPRK,ROK (lee),USA"
    assert "usa.talks,USA,,,demand 2,oppose," in csv


def test_matrix_positions_all_eras_shows_a_column_per_party_and_era(talks):
    csv = talks.ok("matrix", "positions", "--all-eras", "--format", "csv").stdout.splitlines()
    assert csv[0] == "move,actor,issue,CHN,DPRK,ROK (roh),ROK (lee),USA"
    assert "usa.talks,USA,,,demand 2,demand 2,oppose," in csv
    assert "dprk.protocol,DPRK,,,,,demand 3," in csv


def test_matrix_satisfaction_says_the_eras_the_parties_were_judged_in(talks):
    (row,) = _json(talks, "matrix", "satisfaction", "--as-of", "2009-01-01")
    assert (row["ROK"], row["CHN"], row["eras"]) == (False, "no stake", "ROK lee")


def test_status_values_moves_with_the_positions_in_force_on_the_date(talks):
    talks.ok("package", "status-set", "accord", "agreed", "--on", "2007-10-03")
    talks.ok("track", "accord", "usa.talks", "3", "--on", "2007-11-01")

    def rok(as_of):
        document = _json(talks, "status", "accord", "--as-of", as_of)
        return {p["party"]: p for p in document["parties"]}["ROK"]

    assert (rok("2007-12-01")["era"], rok("2007-12-01")["received"]) == ("roh", 2.0)
    assert (rok("2009-01-01")["era"], rok("2009-01-01")["received"]) == ("lee", -1.0)


def test_package_show_names_the_era_each_party_was_judged_in(talks):
    out = talks.ok("package", "show", "accord", "--era", "ROK=lee").stdout
    assert any(line.split()[:4] == ["ROK", "lee", "NOT", "satisfied"] for line in out.splitlines())
    assert "Check: 2/3 satisfied (1 without stake)" in out


def test_the_brief_shows_the_era_and_the_robust_verdict(talks, tmp_path):
    page = tmp_path / "brief.html"
    talks.ok("report", "accord", "--robust", "--output", str(page))
    html = page.read_text(encoding="utf-8")
    assert "<th>era judged in</th>" in html and "<td>roh</td>" in html
    assert "not robust</span>: broken by lee" in html
    assert "dprk.protocol before rok.aid (under lee)" in html
