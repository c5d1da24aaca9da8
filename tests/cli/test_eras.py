"""Eras from the command line, as a user runs them, on SQLite and PostgreSQL: ``era
add/list/show/edit/rm``, ``--era`` on positions and conditions, package dates, scenario files --
and every bad input one ``Error:`` line with nothing written."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli

CATALOGUE = [
    ("party", "add", "ROK", "--name", "South Korea"),
    ("party", "add", "USA", "--name", "United States"),
    ("party", "add", "DPRK", "--name", "North Korea"),
    ("move", "add", "usa.talks", "--actor", "USA", "--title", "Talks"),
    ("move", "add", "dprk.protocol", "--actor", "DPRK", "--title", "Protocol"),
    ("move", "add", "rok.aid", "--actor", "ROK", "--title", "Aid", "--unit", "t"),
    ("era", "add", "ROK", "roh", "--title", "Roh Moo-hyun government", "--start", "2003-02-25", "--end", "2008-02-25"),
    ("era", "add", "ROK", "lee", "--title", "Lee Myung-bak government", "--start", "2008-02-25", "--end", "2013-02-25"),
    ("position", "add", "ROK", "demand", "usa.talks"),
    ("position", "add", "ROK", "oppose", "usa.talks", "--era", "lee"),
    ("condition", "add", "ROK", "dprk.protocol before rok.aid", "--era", "lee", "--name", "protocol-first"),
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


def test_era_list_shows_each_partys_eras_in_time_order_with_what_they_hold(talks):
    assert _json(talks, "era", "list") == [
        {"party": "ROK", "name": "roh", "title": "Roh Moo-hyun government", "start": "2003-02-25", "end": "2008-02-25",
         "positions": 0, "conditions": 0},
        {"party": "ROK", "name": "lee", "title": "Lee Myung-bak government", "start": "2008-02-25", "end": "2013-02-25",
         "positions": 1, "conditions": 1},
    ]


def test_era_show_lists_the_positions_and_conditions_that_hold_only_in_it(talks):
    shown = _json(talks, "era", "show", "ROK", "lee")
    assert (shown["positions"], shown["conditions"]) == (["oppose usa.talks"], ["dprk.protocol before rok.aid"])


def test_an_era_without_an_end_is_ongoing(talks):
    talks.ok("era", "add", "ROK", "lee-jae-myung", "--title", "Lee Jae-myung government", "--start", "2025-06-04")
    assert _json(talks, "era", "show", "ROK", "lee-jae-myung")["end"] is None


def test_era_edit_renames_an_era_and_its_rows_follow(talks):
    talks.ok("era", "edit", "ROK", "lee", "--name", "lmb")
    assert [p["era"] for p in _json(talks, "position", "list", "--party", "ROK")] == [None, "lmb"]
    assert [c["era"] for c in _json(talks, "condition", "list")] == ["lmb"]


def test_era_edit_ongoing_removes_the_end(talks):
    talks.ok("era", "edit", "ROK", "lee", "--ongoing")
    assert _json(talks, "era", "show", "ROK", "lee")["end"] is None


def test_era_rm_with_cascade_takes_its_positions_and_conditions_with_it(talks):
    out = talks.ok("era", "rm", "ROK", "lee", "--cascade").stdout
    assert out == ("removed era lee of ROK and 2 dependent row(s): position oppose usa.talks, "
                   "condition protocol-first\n")
    assert [p["era"] for p in _json(talks, "position", "list")] == [None]
    assert _json(talks, "condition", "list") == []


def test_an_era_position_is_shown_edited_and_removed_with_era(talks):
    assert _json(talks, "position", "show", "ROK", "usa.talks", "--era", "lee")["stance"] == "oppose"
    assert _json(talks, "position", "show", "ROK", "usa.talks")["stance"] == "demand"
    talks.ok("position", "edit", "ROK", "usa.talks", "--era", "lee", "--weight", "3")
    assert _json(talks, "position", "show", "ROK", "usa.talks", "--era", "lee")["weight"] == 3
    talks.ok("position", "rm", "ROK", "usa.talks", "--era", "lee")
    assert [p["era"] for p in _json(talks, "position", "list")] == [None]


def test_position_list_filters_by_era(talks):
    assert [(p["party"], p["era"], p["stance"]) for p in _json(talks, "position", "list", "--era", "lee")] == [
        ("ROK", "lee", "oppose")]


def test_condition_edit_moves_a_condition_between_eras_and_to_standing(talks):
    talks.ok("condition", "edit", "protocol-first", "--era", "roh")
    assert _json(talks, "condition", "show", "protocol-first")["era"] == "roh"
    talks.ok("condition", "edit", "protocol-first", "--no-era")
    assert _json(talks, "condition", "show", "protocol-first")["era"] is None


def test_the_same_text_may_be_a_condition_of_two_eras_of_a_party(talks):
    talks.ok("condition", "add", "ROK", "dprk.protocol before rok.aid", "--era", "roh")
    assert sorted(c["era"] for c in _json(talks, "condition", "list")) == ["lee", "roh"]


def test_party_show_lists_eras_and_marks_era_rows(talks):
    shown = _json(talks, "party", "show", "ROK")
    assert shown["eras"] == ["roh: Roh Moo-hyun government (2003-02-25 to 2008-02-25)",
                             "lee: Lee Myung-bak government (2008-02-25 to 2013-02-25)"]
    assert shown["positions"] == ["demand usa.talks", "oppose usa.talks [lee]"]


def test_party_rm_with_cascade_removes_its_eras(talks):
    talks.ok("party", "rm", "ROK", "--cascade")
    assert _json(talks, "era", "list") == []


def test_a_package_date_is_set_changed_and_removed(talks):
    talks.ok("package", "new", "p", "--date", "2007-10-03")
    talks.ok("package", "place", "p", "usa.talks")
    assert _json(talks, "package", "show", "p")["parties"][1]["era"] == "roh"
    talks.ok("package", "edit", "p", "--date", "2009-01-01")
    assert _json(talks, "package", "show", "p")["parties"][1]["era"] == "lee"
    talks.ok("package", "edit", "p", "--no-date")
    assert _json(talks, "package", "show", "p")["date"] is None
    history = [(e["what"], e["change"]) for e in _json(talks, "log", "p") if e["what"] == "date"]
    assert history == [("date", "2007-10-03 → 2009-01-01"), ("date", "2009-01-01 →")]


def test_a_copy_keeps_the_packages_date(talks):
    talks.ok("package", "new", "p", "--date", "2007-10-03")
    talks.ok("package", "copy", "p", "q")
    assert "date: 2007-10-03" in talks.ok("export", "-").stdout.split("- name: q")[1]


def test_eras_era_rows_and_dates_export_and_import_back_identically(talks, tmp_path):
    talks.ok("package", "new", "p", "--date", "2007-10-03")
    exported = talks.ok("export", "-").stdout
    assert "eras:\n  - {party: ROK, name: roh" in exported
    assert "  - {party: ROK, era: lee, stance: oppose, move: usa.talks}" in exported
    assert "  - {party: ROK, era: lee, name: protocol-first, text: \"dprk.protocol before rok.aid\"}" in exported
    empty = Cli(str(tmp_path / "copy.db"))
    empty.ok("import", "-", input=exported)
    assert empty.ok("export", "-").stdout == exported


def test_an_import_that_would_change_an_era_or_a_date_is_refused_listing_the_change(talks):
    talks.ok("package", "new", "p", "--date", "2007-10-03")
    exported = talks.ok("export", "-").stdout
    changed = exported.replace("title: Lee Myung-bak government", "title: Lee government").replace(
        "date: 2007-10-03", "date: 2007-10-04")
    outcome = talks("import", "-", input=changed)
    assert outcome.exit_code == 1
    assert "era lee of ROK: title 'Lee Myung-bak government' -> 'Lee government'" in outcome.stderr
    assert "package p: date '2007-10-03' -> '2007-10-04'" in outcome.stderr
    talks.ok("import", "-", "--replace", input=changed)
    assert _json(talks, "era", "show", "ROK", "lee")["title"] == "Lee government"


# --- bad input: one Error line, nothing written ---------------------------------------------------

BAD = [
    (("era", "add", "ROK", "lee2", "--title", "x", "--start", "2012-01-01"),
     "Error: era 'lee2' of ROK (from 2012-01-01) overlaps its era 'lee' (2008-02-25 to 2013-02-25); "
     "a party's eras never overlap"),
    (("era", "add", "ROK", "x", "--title", "x", "--start", "2020-01-01", "--end", "2019-01-01"),
     "Error: era 'x' of ROK must start before it ends: 2020-01-01 is not before 2019-01-01"),
    (("era", "add", "ROK", "lee", "--title", "x", "--start", "2030-01-01"),
     "Error: era 'lee' of ROK already exists; use `negotiator era edit` to change it"),
    (("era", "add", "ROK", "x", "--title", "x", "--start", "2020-02-30"),
     "Error: '2020-02-30' is not a valid start date: expected YYYY-MM-DD, e.g. 2027-03-01"),
    (("era", "add", "ROC", "x", "--title", "x", "--start", "2020-01-01"), "Error: unknown party 'ROC' (did you mean 'ROK'?)"),
    (("era", "edit", "ROK", "roh", "--end", "2009-01-01"),
     "Error: era 'roh' of ROK (2003-02-25 to 2009-01-01) overlaps its era 'lee' (2008-02-25 to 2013-02-25); "
     "a party's eras never overlap"),
    (("era", "rm", "ROK", "lee"),
     "Error: era 'lee' of ROK still holds position oppose usa.talks, condition protocol-first; "
     "remove them first, or the era together with them"),
    (("era", "show", "ROK", "le"), "Error: unknown era 'le' of ROK (did you mean 'lee'?); its eras: lee, roh"),
    (("position", "add", "USA", "oppose", "rok.aid", "--era", "lee"),
     "Error: 'lee' is an era of ROK, not of USA: a position's or condition's era is one of its own party's"),
    (("position", "add", "ROK", "demand", "dprk.protocol", "--era", "lea"),
     "Error: unknown era 'lea' of ROK (did you mean 'lee'?); its eras: lee, roh"),
    (("position", "add", "ROK", "demand", "usa.talks"),
     "Error: position 'ROK on usa.talks' already exists; it is 'demand'; edit that one instead"),
    (("position", "add", "ROK", "demand", "usa.talks", "--era", "lee"),
     "Error: position 'ROK on usa.talks' in era lee already exists; it is 'oppose'; edit that one instead"),
    (("position", "edit", "ROK", "usa.talks", "--era", "roh", "--weight", "2"),
     "Error: unknown position 'ROK on usa.talks in era 'roh''; it has one in era 'lee' and one standing "
     "(choose it with --era)"),
    (("condition", "add", "--rule", "includes usa.talks", "--era", "lee"),
     "Error: a rule (a condition without a party) has no era: it holds whatever the governments; "
     "give the condition a party, or leave out its era"),
    (("condition", "add", "DPRK", "includes usa.talks", "--era", "lee"),
     "Error: 'lee' is an era of ROK, not of DPRK: a position's or condition's era is one of its own party's"),
    (("condition", "add", "ROK", "dprk.protocol before rok.aid", "--era", "lee"),
     "Error: ROK already has this condition in era 'lee': condition protocol-first"),
    (("condition", "edit", "protocol-first", "--party", "USA"),
     "Error: 'lee' is an era of ROK, not of USA: a position's or condition's era is one of its own party's"),
    (("package", "new", "p", "--date", "2007-13-01"),
     "Error: '2007-13-01' is not a valid package date: expected YYYY-MM-DD, e.g. 2027-03-01"),
]


@pytest.mark.parametrize(("args", "error"), BAD, ids=[" ".join(a[:3]) + f" #{i}" for i, (a, _) in enumerate(BAD)])
def test_bad_era_input_is_one_error_line_and_changes_nothing(talks, db_snapshot, args, error):
    before = db_snapshot(talks.db)
    outcome = talks(*args)
    assert outcome.exit_code == 1
    assert outcome.error_lines == [error] and len(outcome.stderr.splitlines()) == 1
    assert db_snapshot(talks.db) == before


FILE_PROBLEMS = [
    ("eras:\n  - {party: ROK, name: roh2, title: x, start: 2007-01-01}\n",
     "f.yaml:2: era: era 'roh2' of ROK (from 2007-01-01) overlaps its era 'roh' (2003-02-25 to 2008-02-25); "
     "a party's eras never overlap"),
    ("eras:\n  - {party: USA, name: a, title: x, start: 2001-01-01, end: 2000-01-01}\n",
     "f.yaml:2: era: era 'a' of USA must start before it ends: 2001-01-01 is not before 2000-01-01"),
    ("positions:\n  - {party: USA, era: lee, stance: oppose, move: rok.aid}\n",
     "f.yaml:2: position: 'lee' is an era of ROK, not of USA: a position's or condition's era is one of its own "
     "party's"),
    ("conditions:\n  - {party: ROK, era: moon, text: \"includes usa.talks\"}\n",
     "f.yaml:2: condition: unknown era 'moon' of ROK; its eras: lee, roh"),
    ("conditions:\n  - {era: lee, text: \"includes usa.talks\"}\n",
     "f.yaml:2: condition: a rule (a condition without a party) has no era: it holds whatever the governments; "
     "give the condition a party, or leave out its era"),
    ("packages:\n  - {name: p, date: 2007-02-30}\n",
     "f.yaml:2: package: '2007-02-30' is not a valid package date: expected YYYY-MM-DD, e.g. 2027-03-01"),
]


@pytest.mark.parametrize(("text", "problem"), FILE_PROBLEMS, ids=[str(i) for i in range(len(FILE_PROBLEMS))])
def test_a_file_with_a_bad_era_or_date_reports_it_at_its_line_and_imports_nothing(talks, db_snapshot, tmp_path,
                                                                                 text, problem):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    before = db_snapshot(talks.db)
    outcome = talks("import", str(path))
    assert outcome.exit_code == 1
    assert problem.replace("f.yaml", str(path)) in outcome.stderr
    assert db_snapshot(talks.db) == before


def test_a_database_refuses_a_second_standing_position_on_a_move_even_behind_the_rules(talks):
    from sqlalchemy.exc import IntegrityError

    from negotiator.db.engine import Store

    engine = Store(talks.db).engine("write")
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO position (party_id, move_id, stance, weight, source) "
                "SELECT party_id, move_id, 'oppose', 1, '' FROM position WHERE era_id IS NULL")
    finally:
        engine.dispose()
