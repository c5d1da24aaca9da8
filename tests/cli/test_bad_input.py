"""Every bad input tried ends the same way (DESIGN §10 reliability): exactly one ``Error:`` line on
stderr, a non-zero exit, no traceback, and an unchanged database.

The corpus runs against the bundled Korea seed, on SQLite and on PostgreSQL, across every command
family; then hypothesis throws random scenario files and condition texts at ``import`` and
``condition add``.
"""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Cli, snapshot

BROKEN_YAML = "parties:\n  - {code: USA, name: [unclosed\n"
UNKNOWN_KEY_YAML = "parties:\n  - {code: USA, nmae: United States}\n"
BAD_REFERENCE_YAML = "positions:\n  - {party: DPRK, stance: demand, move: kaesong.wages}\n"
BAD_CONDITION_YAML = 'conditions:\n  - {party: JPN, text: "dprk.abduction-accounting befor jpn.grant-aid"}\n'

# (arguments, a fragment of the Error line).  {dir} is the test's temporary folder.
CORPUS = [
    # catalogue: unknown codes, duplicates, bad numbers
    (["party", "show", "DPKR"], "did you mean 'DPRK'"),
    (["party", "add", "USA", "--name", "again"], "already exists"),
    (["party", "rm", "ROK"], "--cascade"),
    (["issue", "show", "kaesongg"], "did you mean 'kaesong'"),
    (["move", "show", "kaesong.wages"], "did you mean 'kaesong.wage'"),
    (["move", "add", "rok.x", "--actor", "ROK", "--title", "x", "--cost", "1.5"], "whole number"),
    (["move", "add", "ROK.X", "--actor", "ROK", "--title", "x"], "not a valid move code"),
    (["move", "rm", "kaesong.wage"], "--cascade"),
    (["position", "add", "JPN", "offer", "kaesong.wage"], "only its actor"),
    (["position", "add", "JPN", "demand", "kaesong.wage", "--weight", "abc"], "whole number"),
    (["position", "add", "JPN", "demand", "kaesong.wage", "--bound", "> > 3"], "not a valid bound"),
    (["position", "edit", "DPRK", "kaesong.wage", "--bound", ">= 3OO"], "not a valid bound"),
    # conditions: bad text, unknown moves, misuse
    (["condition", "add", "JPN", "dprk.abduction-accounting befor jpn.grant-aid"], "column"),
    (["condition", "add", "JPN", "includes dprk.no-such-move"], "unknown move"),
    (["condition", "add", "JPN", "steps <= many"], "column"),
    (["condition", "add", "JPN", "(includes kaesong.wage"], "column"),
    (["condition", "add", "--rule", "balance >= 0"], "balance"),
    (["condition", "add", "JAPAN", "includes kaesong.wage"], "unknown party"),
    (["condition", "show", "no-such-condition"], "unknown condition"),
    (["condition", "rm", "no-such-condition"], "unknown condition"),
    (["condition", "test", "kaesong.wage >=", "kaesong-nll"], "column"),
    # check, compare, sequence
    (["check", "kaesong-nl"], "did you mean 'kaesong-nll'"),
    (["compare", "freeze-dprk-first", "freeze-nobody-first"], "unknown package"),
    (["sequence", "freeze-dprk-first", "--steps", "0"], "at least 1"),
    (["sequence", "freeze-dprk-first", "--steps", "99"], "moves"),
    (["sequence", "freeze-dprk-firs"], "did you mean 'freeze-dprk-first'"),
    (["sequence", "freeze-dprk-first", "--time-limit", "nan"], "positive, finite number of seconds"),
    # drafting and tracking
    (["package", "new", "kaesong-nll"], "already exists"),
    (["package", "new", "bad name!"], "not a valid package name"),
    (["package", "place", "kaesong-nll", "kaesong.wages", "--step", "1"], "did you mean 'kaesong.wage'"),
    (["package", "place", "freeze-dprk-first", "kaesong.wage", "--step", "1", "--qty", "lots"], "number"),
    (["package", "place", "freeze-dprk-first", "kaesong.infrastructure", "--step", "1", "--qty", "3"], "unit"),
    (["package", "step", "add", "kaesong-nll", "--due", "2027-13-01"], "YYYY-MM-DD"),
    (["package", "step", "add", "kaesong-nll", "--due", "next spring"], "YYYY-MM-DD"),
    (["package", "shift", "kaesong-nll", "kaesong.infrastructure", "--to", "99"], "step"),
    (["package", "status-set", "kaesong-nll", "finished"], "finished"),
    (["track", "kaesong-nll", "kaesong.wage", "3"], "draft"),
    (["track", "six-party-second-phase", "usa.energy-aid", "3"], "collapsed"),  # it ended in April 2009
    (["track", "six-party-second-phase", "usa.energy-aid", "3", "--on", "03/02/2027"], "YYYY-MM-DD"),
    (["status", "six-party-second-phase", "--as-of", "yesterday"], "YYYY-MM-DD"),
    (["log", "no-such-package"], "unknown package"),
    # matrices and formats
    (["matrix", "balance"], "one package"),
    (["matrix", "implementation", "six-party-second-phase", "--as-of", "2008-02-30"], "YYYY-MM-DD"),
    (["matrix", "positions", "--format", "xml"], "xml"),
    (["party", "list", "--output", "{dir}/no/such/folder/parties.csv"], "/no/such/folder does not exist"),
    (["check", "--all", "--format", "csv", "--output", "{dir}/no/such/folder/check.csv"],
     "/no/such/folder does not exist"),
    (["export", "{dir}/no/such/folder/backup.yaml"], "/no/such/folder does not exist"),
    # scenario files
    (["import", "{dir}/missing.yaml"], "missing.yaml"),
    (["import", "{dir}/broken.yaml"], "problem"),
    (["import", "{dir}/unknown-key.yaml"], "problem"),
    (["import", "{dir}/bad-reference.yaml"], "problem"),
    (["import", "{dir}/bad-condition.yaml"], "problem"),
    (["seed", "atlantis"], "atlantis"),
]


@pytest.fixture
def corpus_files(tmp_path):
    for name, text in {
        "broken.yaml": BROKEN_YAML,
        "unknown-key.yaml": UNKNOWN_KEY_YAML,
        "bad-reference.yaml": BAD_REFERENCE_YAML,
        "bad-condition.yaml": BAD_CONDITION_YAML,
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _assert_refused(outcome, fragment: str | None = None) -> None:
    assert outcome.exit_code != 0, outcome.stdout
    assert len(outcome.error_lines) == 1, outcome.stderr
    assert "Traceback" not in outcome.stderr and "Traceback" not in outcome.stdout
    if fragment is not None:
        assert fragment.lower() in outcome.stderr.lower(), outcome.stderr


@pytest.mark.parametrize("args, fragment", CORPUS, ids=[" ".join(a[:3]) for a, _ in CORPUS])
def test_bad_input_is_one_error_line_a_failure_exit_and_no_change(korea_db, corpus_files, args, fragment):
    cli = Cli(korea_db)
    before = snapshot(korea_db)
    outcome = cli(*[a.replace("{dir}", str(corpus_files)) for a in args])
    _assert_refused(outcome, fragment)
    assert snapshot(korea_db) == before


def test_the_corpus_covers_every_command_family():
    families = {args[0] for args, _ in CORPUS}
    assert families >= {
        "party", "issue", "move", "position", "condition", "check", "compare", "sequence",
        "package", "track", "status", "log", "matrix", "import", "seed",
    }
    assert len(CORPUS) >= 40


# --- the database itself is wrong --------------------------------------------------------------


def test_an_unsupported_database_url_is_one_error_line():
    _assert_refused(Cli("mysql://someone@somewhere/talks")("party", "list"), "unsupported database URL")


def test_an_unreachable_postgresql_server_is_one_error_line(tmp_path):
    outcome = Cli(f"postgresql+psycopg://nobody@/talks?host={tmp_path}&port=9")("check", "--all")
    _assert_refused(outcome, "cannot open database")


def test_a_database_from_a_newer_negotiator_is_refused_and_left_alone(korea_db):
    from negotiator.db.engine import Store

    engine = Store(korea_db).engine("write")
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff'")
    engine.dispose()
    before = snapshot_raw(korea_db)
    for args in (["check", "--all"], ["party", "add", "X", "--name", "x"], ["import", "-"]):
        _assert_refused(Cli(korea_db)(*args, input="parties: []\n"), "newer")
    assert snapshot_raw(korea_db) == before


def snapshot_raw(db: str):
    """Rows of every table without the schema check (for a database the code refuses)."""
    from sqlalchemy import text

    from negotiator.db.engine import Store
    from negotiator.db.tables import ALL_TABLES

    engine = Store(db).engine("read")
    with engine.connect() as connection:
        rows = {t: sorted(map(tuple, connection.execute(text(f"SELECT * FROM {t}")).all()), key=repr) for t in ALL_TABLES}
    engine.dispose()
    return rows


def test_a_read_only_sqlite_database_refuses_writes_with_one_error_line(korea_sqlite, tmp_path):
    path = tmp_path / "readonly.db"
    shutil.copyfile(korea_sqlite, path)
    before = snapshot(str(path))
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    assert "kaesong-nll" in Cli(read_only).ok("package", "list").stdout
    for args in (["party", "add", "X", "--name", "x"], ["package", "new", "fresh"]):
        _assert_refused(Cli(read_only)(*args), "readonly")
    assert snapshot(str(path)) == before


# --- fuzzing -----------------------------------------------------------------------------------

SCENARIO_WORDS = st.sampled_from(
    ["parties:", "moves:", "positions:", "conditions:", "packages:", "  - ", "{", "}", "[", "]", ":", ",",
     "code: X", "name: y", "actor: USA", "move: kaesong.wage", "stance: demand", "weight: -1", "bound: '>= x'",
     "text: 'includes'", "steps:", "moves: [", "qty: abc", "due: 2027-02-30", "\n", "  ", "'", '"', "#", "&a", "*a"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.lists(SCENARIO_WORDS, max_size=40).map("".join), st.text(max_size=200)))
def test_random_scenario_files_never_crash_import_nor_write_partially(korea_sqlite, tmp_path, text):
    path = tmp_path / "fuzz.db"
    shutil.copyfile(korea_sqlite, path)
    before = snapshot(str(path))
    outcome = Cli(str(path))("import", "-", input=text)
    assert "Traceback" not in outcome.stderr
    if outcome.exit_code != 0:
        assert len(outcome.error_lines) == 1, outcome.stderr
        assert snapshot(str(path)) == before


CONDITION_WORDS = st.sampled_from(
    ["includes", "excludes", "before", "after", "with", "by", "step", "and", "or", "not", "if", "unless",
     "balance", "exposure", "steps", "(", ")", ">=", "<=", "=", "!=", "<", ">", "3", "-2.5", "1.", "kaesong.wage",
     "rok.food-aid-private", "dprk.no-such", "X", "é", "", "\t"]
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.lists(CONDITION_WORDS, max_size=12).map(" ".join), st.text(max_size=60)))
def test_random_condition_text_is_stored_whole_or_refused_with_one_error_line(korea_sqlite, tmp_path, text):
    path = tmp_path / "fuzz.db"
    shutil.copyfile(korea_sqlite, path)
    before = snapshot(str(path))
    outcome = Cli(str(path))("condition", "add", "JPN", text)
    assert "Traceback" not in outcome.stderr
    if outcome.exit_code == 0:
        after = snapshot(str(path))
        assert len(after["condition"]) == len(before["condition"]) + 1
        assert {k: v for k, v in after.items() if k != "condition"} == {
            k: v for k, v in before.items() if k != "condition"
        }
    else:
        assert len(outcome.error_lines) == 1, outcome.stderr
        assert snapshot(str(path)) == before


# --- durations -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "-1", "0", "0.0", "soon", ""])
def test_a_time_limit_must_be_a_positive_finite_number_of_seconds(korea_sqlite, value):
    outcome = Cli(str(korea_sqlite))("sequence", "freeze-dprk-first", "--time-limit", value)
    assert outcome.exit_code == 2  # a usage error
    (line,) = outcome.error_lines
    assert line.startswith(f"Error: Invalid value for '--time-limit': '{value}' is not a ")
    assert line.endswith("number of seconds (see 'negotiator sequence --help')")
    assert outcome.stdout == ""


@pytest.mark.parametrize("value, seconds", [("0.5", 0.5), ("30", 30.0), (" 2 ", 2.0), (7, 7.0), ("1e-3", 0.001)])
def test_positive_seconds_reads_a_positive_finite_number(value, seconds):
    from negotiator.cli.common import POSITIVE_SECONDS

    assert POSITIVE_SECONDS.convert(value, None, None) == seconds


@pytest.mark.parametrize("value", [True, None, float("nan"), -0.0])
def test_positive_seconds_refuses_what_is_not_a_positive_finite_number(value):
    import click

    from negotiator.cli.common import POSITIVE_SECONDS

    with pytest.raises(click.BadParameter):
        POSITIVE_SECONDS.convert(value, None, None)
