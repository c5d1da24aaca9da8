"""``negotiator import``, ``export`` and ``seed`` end to end, on SQLite and PostgreSQL.

The broken-file corpus lives in tests/scenarios/broken/; each file is imported over a database
that already holds the DESIGN §7 example, and must fail with exactly its ``FILE:LINE`` problems
and leave every row as it was.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from negotiator.cli import common
from tests.conftest import Cli, snapshot
from tests.test_scenario import SECTION_7, yaml_text

BROKEN = Path(__file__).resolve().parent.parent / "scenarios" / "broken"


def build_seeded(db: str) -> None:
    path = Path("example.yaml").absolute()  # the build runs in a folder of its own
    path.write_text(SECTION_7, encoding="utf-8")
    Cli(db).ok("import", str(path))


@pytest.fixture
def seeded(prebuilt) -> Cli:
    """A database holding the DESIGN §7 example."""
    return Cli(prebuilt(build_seeded))


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(yaml_text(text), encoding="utf-8")
    return str(path)


# --- import and export -----------------------------------------------------------------------


def test_import_prints_what_it_added(cli, tmp_path):
    path = write(tmp_path, "small.yaml", """
        parties:
          - {code: USA, name: United States}
          - {code: CHN, name: China}
        moves:
          - {code: usa.talks, actor: USA, title: Open talks}
    """)
    from negotiator.db.engine import Store

    outcome = cli.ok("import", path)
    assert outcome.stdout.splitlines() == [
        f"imported {path} into {Store(cli.db).display}",
        "  parties: 2 added, 0 updated, 0 unchanged",
        "  moves: 1 added, 0 updated, 0 unchanged",
    ]


CHANGE = """
    parties:
      - {code: DPRK, name: North Korea}
      - {code: ROK, name: Republic of Korea}
"""


def test_import_that_would_change_a_row_is_refused_listing_the_change_and_changes_nothing(seeded, tmp_path):
    path = write(tmp_path, "change.yaml", CHANGE)
    before = snapshot(seeded.db)
    outcome = seeded("import", path)
    assert outcome.exit_code == 1
    assert outcome.stderr.splitlines() == [
        f"Error: {path} would make 1 change to rows already in the database; nothing imported (add --replace "
        "to overwrite them with the file's):",
        "  party DPRK: name 'Democratic People's Republic …' -> 'North Korea'",
    ]
    assert snapshot(seeded.db) == before


def test_import_with_replace_reports_rows_as_unchanged_or_updated(seeded, tmp_path):
    path = write(tmp_path, "change.yaml", CHANGE)
    lines = seeded.ok("import", path, "--replace").stdout.splitlines()
    assert lines[1:] == ["  parties: 0 added, 1 updated, 1 unchanged"]


def test_export_to_standard_output_reads_back_into_an_empty_database_identically(seeded, tmp_path):
    from tests.conftest import Cli

    exported = seeded.ok("export", "-").stdout
    assert exported.startswith("parties:\n  - {code: DPRK, name: Democratic People's Republic of Korea}\n")
    copy = Cli(str(tmp_path / "copy.db"))
    copy.ok("import", "-", input=exported)
    assert copy.ok("export", "-").stdout == exported


def test_export_to_a_file_says_what_it_wrote(seeded, tmp_path):
    target = tmp_path / "out.yaml"
    outcome = seeded.ok("export", str(target))
    assert outcome.stdout == (f"exported 3 parties, 1 issues, 4 moves, 2 positions, 2 conditions, 1 packages "
                              f"to {target}\n")
    assert target.read_text(encoding="utf-8") == seeded.ok("export", "-").stdout


def test_import_reads_standard_input_and_names_it_in_problems(seeded):
    before = snapshot(seeded.db)
    outcome = seeded("import", "-", input="parties:\n  - {code: USA}\n")
    assert outcome.exit_code == 1
    assert outcome.stderr.splitlines() == [
        "Error: 1 problem in scenario, nothing imported:",
        "<stdin>:2: party: missing 'name'",
    ]
    assert snapshot(seeded.db) == before


def test_import_of_a_missing_file_is_one_error_line(seeded, tmp_path):
    outcome = seeded("import", str(tmp_path / "nowhere.yaml"))
    assert outcome.exit_code == 1
    assert outcome.stderr.splitlines() == [f"Error: No such file or directory: {tmp_path / 'nowhere.yaml'}"]


def test_import_of_a_file_that_is_not_utf8_is_one_error_line(seeded, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("parties:\n  - {code: CIV, name: Côte d'Ivoire}\n".encode("latin-1"))
    before = snapshot(seeded.db)
    outcome = seeded("import", str(path))
    assert outcome.exit_code == 1
    assert outcome.stderr.splitlines() == [f"Error: {path}:2: not UTF-8 text; save the file as UTF-8"]
    assert snapshot(seeded.db) == before


# --- --wipe ----------------------------------------------------------------------------------

ONLY_USA = "parties:\n  - {code: USA, name: United States}\n"


def party_codes(cli) -> list[str]:
    return [line.split("code: ")[1].split(",")[0] for line in cli.ok("export", "-").stdout.splitlines()
            if line.startswith("  - {code:") and "name:" in line]


def test_wipe_without_yes_is_refused_when_not_interactive(seeded, tmp_path):
    path = write(tmp_path, "usa.yaml", ONLY_USA)
    before = snapshot(seeded.db)
    outcome = seeded("import", path, "--wipe")
    assert outcome.exit_code == 1
    assert len(outcome.error_lines) == 1
    assert "add --yes to confirm" in outcome.error_lines[0]
    assert snapshot(seeded.db) == before


def test_wipe_from_standard_input_needs_yes_even_at_a_terminal(seeded, monkeypatch):
    monkeypatch.setattr(common, "is_interactive", lambda: True)
    before = snapshot(seeded.db)
    outcome = seeded("import", "-", "--wipe", input=ONLY_USA)
    assert outcome.exit_code == 1 and "add --yes" in outcome.error_lines[0]
    assert snapshot(seeded.db) == before


def test_wipe_with_yes_leaves_only_the_files_rows(seeded, tmp_path):
    path = write(tmp_path, "usa.yaml", ONLY_USA)
    outcome = seeded.ok("import", path, "--wipe", "--yes")
    assert outcome.stdout.splitlines()[0] == (
        "removed everything first (1 packages, 2 conditions, 2 positions, 4 moves, 1 issues, 3 parties)"
    )
    assert seeded.ok("export", "-").stdout == ONLY_USA


def test_wipe_goes_ahead_when_the_user_confirms(seeded, tmp_path, monkeypatch):
    monkeypatch.setattr(common, "is_interactive", lambda: True)
    path = write(tmp_path, "usa.yaml", ONLY_USA)
    outcome = seeded.ok("import", path, "--wipe", input="y\n")
    assert "and import" in outcome.stdout  # the question
    assert seeded.ok("export", "-").stdout == ONLY_USA


def test_wipe_declined_changes_nothing(seeded, tmp_path, monkeypatch):
    monkeypatch.setattr(common, "is_interactive", lambda: True)
    path = write(tmp_path, "usa.yaml", ONLY_USA)
    before = snapshot(seeded.db)
    outcome = seeded("import", path, "--wipe", input="n\n")
    assert outcome.exit_code == 1
    assert outcome.error_lines == ["Error: aborted"]
    assert snapshot(seeded.db) == before


def test_wipe_reports_a_broken_file_before_asking(seeded, tmp_path, monkeypatch):
    monkeypatch.setattr(common, "is_interactive", lambda: True)
    path = write(tmp_path, "bad.yaml", "parties:\n  - {code: USA}\n")
    outcome = seeded("import", path, "--wipe")
    assert outcome.exit_code == 1
    assert "and import" not in outcome.stdout
    assert outcome.stderr.splitlines()[1] == f"{path}:2: party: missing 'name'"


# --- seed ------------------------------------------------------------------------------------


@pytest.fixture
def seeds(tmp_path, monkeypatch):
    """A seeds folder of our own, so that these tests do not depend on the bundled dataset."""
    import negotiator.paths

    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "alpha.yaml").write_text("# Alpha: two parties and a move\n# more words\n" + yaml_text("""
        parties:
          - {code: A, name: Alpha}
          - {code: B, name: Beta}
        moves:
          - {code: a.go, actor: A, title: Go}
    """), encoding="utf-8")
    (folder / "korea.yaml").write_text("\n# The Korean Peninsula\n" + SECTION_7, encoding="utf-8")
    (folder / "notes.txt").write_text("not a scenario", encoding="utf-8")
    monkeypatch.setattr(negotiator.paths, "seeds_dir", lambda: folder)
    return folder


def test_seed_list_shows_each_bundled_scenario_with_its_first_comment_line(cli, seeds):
    outcome = cli.ok("seed", "--list", "--format", "csv")
    assert outcome.stdout.splitlines() == [
        "name,description", "alpha,Alpha: two parties and a move", "korea,The Korean Peninsula",
    ]


def test_seed_without_a_name_loads_korea(cli, seeds):
    outcome = cli.ok("seed")
    assert outcome.stdout.splitlines()[0].startswith("imported seeds/korea.yaml into ")
    assert sorted(party_codes(cli)) == ["DPRK", "JPN", "ROK"]


def test_seeding_twice_is_harmless(cli, seeds):
    cli.ok("seed", "alpha")
    before = snapshot(cli.db)
    outcome = cli.ok("seed", "alpha")
    assert outcome.stdout.splitlines()[1:] == [
        "  parties: 0 added, 0 updated, 2 unchanged", "  moves: 0 added, 0 updated, 1 unchanged",
    ]
    assert snapshot(cli.db) == before


def test_seeding_again_keeps_the_tracking_done_since(cli):
    cli.ok("seed")
    # The accord collapsed in April 2009; reopening it is a change of the user's own.
    cli.ok("package", "status-set", "six-party-second-phase", "implementing", "--force", "--note", "reopened")
    cli.ok("track", "six-party-second-phase", "dprk.disable-yongbyon", "3", "--note", "done")
    tracked = cli.ok("export", "-").stdout
    assert "note: done" in tracked
    cli.ok("seed")
    assert cli.ok("export", "-").stdout == tracked


def test_an_unknown_seed_suggests_the_close_one(cli, seeds):
    outcome = cli("seed", "alfa")
    assert outcome.exit_code == 1
    assert outcome.error_lines == ["Error: unknown seed 'alfa' (did you mean 'alpha'?)"]


def test_the_bundled_seeds_folder_exists_for_seed_list(cli):
    from negotiator.paths import seeds_dir

    assert seeds_dir().is_dir()
    names = {line.split(",")[0] for line in cli.ok("seed", "--list", "--format", "csv").stdout.splitlines()[1:]}
    assert names == {path.stem for path in seeds_dir().glob("*.yaml")}


# --- the broken-file corpus ------------------------------------------------------------------

# file -> its problems as "LINE: message"; a message ending in "..." is matched as a prefix (the
# words listed after "expected" belong to the condition parser).
BROKEN_FILES = {
    "01-yaml-indentation.yaml": ["4: bad YAML: mapping values are not allowed here"],
    "02-unclosed-quote.yaml": ["6: bad YAML: found unexpected end of stream (while scanning a quoted scalar)"],
    "03-top-level-list.yaml": [
        "2: a scenario file must be a mapping with the sections parties, issues, moves, eras, positions, "
        "conditions, packages, not a list"],
    "04-unknown-section.yaml": ["3: unknown section 'partys' (did you mean 'parties'?)"],
    "05-unknown-key.yaml": ["3: party: missing 'name'", "4: party: unknown key 'nmae' (did you mean 'name'?)"],
    "06-missing-required.yaml": ["4: move: missing 'actor'"],
    "07-duplicate-code.yaml": ["4: party: duplicate party code 'USA' (first at line 2)"],
    "08-duplicate-key.yaml": ["6: move: duplicate key 'cost' (first at line 5)"],
    "09-bad-stance.yaml": [
        "4: position: stance must be demand, offer or oppose, not 'demands' (did you mean 'demand'?)"],
    "10-bad-bound.yaml": [
        "2: position: 'at least 300' is not a valid bound: expected an operator and a number, e.g. '>= 300' "
        "(operators: >= <= > < = !=)"],
    "11-bad-cost.yaml": ["5: move: cost must be a whole number, not 'two'"],
    "12-bad-weight.yaml": ["2: position: weight must be at least 1, not 0"],
    "13-bad-boolean.yaml": ["5: move: reversible must be true or false, not 'sometimes'"],
    "14-bad-due-date.yaml": ["5: step: '2027-02-29' is not a valid due date: expected YYYY-MM-DD, e.g. 2027-03-01"],
    "15-bad-timestamp.yaml": [
        "6: history: 'last tuesday' is not a valid date or time: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, "
        "e.g. 2027-03-01"],
    "16-bad-move-code.yaml": [
        "2: move: 'ROK.Fertiliser' is not a valid move code: use lower-case words joined by '.' or '-', "
        "e.g. rok.food-aid"],
    "17-condition-syntax.yaml": ["2: condition: bad condition at column 27: unexpected 'befor'; expected ..."],
    "18-unknown-party.yaml": ["2: position: unknown party 'DPKR' (did you mean 'DPRK'?)"],
    "19-unknown-move-in-condition.yaml": [
        "4: condition: unknown move 'dprk.abduction-acounting' (did you mean 'dprk.abduction-accounting'?)"],
    "20-offer-by-another-party.yaml": [
        "2: position: DPRK cannot offer 'rok.food-aid': only its actor ROK can offer a move"],
    "21-demand-own-move.yaml": ["2: position: ROK cannot demand its own move 'rok.food-aid'"],
    "22-move-placed-twice.yaml": [
        "7: placement: move 'rok.food-aid' is already in step 1 of package 'twice'; a move appears at most "
        "once per package"],
    "23-balance-in-rule.yaml": ["2: condition: a rule (a condition without a party) cannot use balance: balance "
                                "and exposure are measured for a party; give the condition a party"],
    "24-unknown-based-on.yaml": [
        "3: package: unknown package 'kaesong-frist' (did you mean 'kaesong-first' or 'kaesong-second'?)"],
    "25-bad-level.yaml": ["4: placement: level must be 0, 1, 2, 3 or reversed, not 'full'"],
    "26-quantity-without-unit.yaml": [
        "4: placement: move 'rok.food-aid' has no unit, so it takes no quantity (give the move a unit)"],
    "27-wrong-types.yaml": ["2: party: name must be a single value, not a list",
                            "5: package: steps must be a list of steps, not 'step one'"],
    "28-bad-status.yaml": [
        "3: package: status must be draft, proposed, agreed, implementing, completed or collapsed, not 'signed'"],
    "29-several-problems.yaml": [
        "5: move: cost must be at least 0, not -2",
        "7: position: unknown move 'rok.fod-aid' (did you mean 'rok.food-aid'?)",
        "9: condition: bad condition at column 23: unexpected end of condition; expected ...",
    ],
    "30-tab-indentation.yaml": ["2: bad YAML: found character '\\t' that cannot start any token"],
    "31-duplicate-condition-name.yaml": ["3: condition: duplicate condition name 'first' (first at line 2)"],
    "32-unknown-move-in-history.yaml": ["6: history: unknown move 'rok.food-ade' (did you mean 'rok.food-aid'?)"],
    "33-not-a-number.yaml": ["4: placement: '$300' is not a quantity: expected a number such as 300 or 12.5"],
    "34-bound-without-unit.yaml": [
        "2: position: move 'rok.food-aid' has no unit, so it has no quantity to bound (give the move a unit)"],
    "35-condition-name-of-digits.yaml": [
        "2: condition: '2027' is not a valid condition name: use letters, digits, '.', '_' or '-', not only digits "
        "(a number refers to a condition's id), e.g. abductions-first"],
    "36-level-against-history.yaml": [
        "5: placement: level 3 disagrees with the history's latest level 1 (line 8)"],
    "37-tracked-after-today.yaml": ["7: history: 2999-03-02 is after today (..."],
    "38-quantity-condition-without-unit.yaml": [
        "2: condition: move 'rok.food-aid' has no unit, so the condition cannot compare its quantity (give the "
        "move a unit)",
        "3: condition: a package has 1 or more steps, so 'steps' is compared with a whole number of at least 1, "
        "not 0",
        "4: condition: 'rok.food-aid by step 0': steps are numbered from 1"],
    "39-out-of-range.yaml": [
        "2: party: 'AVERYLONGPARTYCODEOFMORETHANSIXTYFOURCH…' is too long for a party code: at most 64 "
        "characters, not 71",
        "6: placement: a quantity must be between -10^12 and 10^12, not 1e+308"],
    "40-duplicate-of-a-stored-condition.yaml": ["2: condition: this rule already exists: condition 2"],
}


def test_every_file_of_the_broken_corpus_has_its_expected_problems():
    assert sorted(BROKEN_FILES) == sorted(path.name for path in BROKEN.glob("*.yaml"))
    assert len(BROKEN_FILES) >= 20


@pytest.mark.parametrize("name", sorted(BROKEN_FILES))
def test_a_broken_file_reports_each_problem_at_its_line_and_changes_nothing(seeded, name):
    path = str(BROKEN / name)
    before = snapshot(seeded.db)
    outcome = seeded("import", path)
    assert outcome.exit_code == 1
    expected = BROKEN_FILES[name]
    count = len(expected)
    lines = outcome.stderr.splitlines()
    assert lines[0] == f"Error: {count} problem{'s' if count > 1 else ''} in scenario, nothing imported:"
    assert len(lines) == 1 + count
    for line, want in zip(lines[1:], expected):
        want = f"{path}:{want}"
        if want.endswith("..."):
            assert line.startswith(want[:-3]), line
        else:
            assert line == want
    assert snapshot(seeded.db) == before


def test_a_package_whose_move_was_removed_from_the_catalogue_still_round_trips(cli, tmp_path):
    """`move rm --cascade` leaves an `unplaced` event naming the gone move; export must re-import."""
    cli.ok("seed", "korea")
    # An implementing package's steps are fixed, so it goes back to proposed first.
    cli.ok("package", "status-set", "six-party-second-phase", "proposed", "--force", "--note", "reopened")
    cli.ok("move", "rm", "usa.energy-aid", "--cascade")
    first = cli.ok("export", "-").stdout
    assert "usa.energy-aid" in first  # the history still names it
    from tests.conftest import Cli

    again = Cli(str(tmp_path / "again.db"))
    again.ok("import", "-", input=first)
    assert again.ok("export", "-").stdout == first


@pytest.mark.postgres
def test_sqlite_and_postgresql_export_the_same_file(postgres_server, tmp_path):
    from tests.conftest import Cli

    on_sqlite = Cli(str(tmp_path / "lite.db"))
    on_postgres = Cli(postgres_server.fresh_database())
    for cli in (on_sqlite, on_postgres):
        cli.ok("seed", "korea")

    def without_import_times(text: str) -> str:
        # A package imported without history gets a `created` event stamped at import time.
        return re.sub(r'at: "?[0-9T:.-]+"?(, kind: created, new: draft, note: imported from)', r"at: X\1", text)

    exported = [without_import_times(cli.ok("export", "-").stdout) for cli in (on_sqlite, on_postgres)]
    assert "at: X" in exported[0]
    assert exported[0] == exported[1]


def test_an_export_that_fails_leaves_the_older_file_as_it_was(seeded, tmp_path, monkeypatch):
    # The export is written beside the file and moved over it only when whole: a failure at that
    # last moment (a full disk, a crash) leaves last week's backup as it was, and nothing beside it.
    target = tmp_path / "backup.yaml"
    target.write_text("the backup of last week\n", encoding="utf-8")

    def failing_replace(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("negotiator.output.os.replace", failing_replace)
    outcome = seeded("export", str(target))
    assert outcome.exit_code == 1 and outcome.error_lines == [f"Error: cannot write {target}: No space left on device"]
    assert target.read_text(encoding="utf-8") == "the backup of last week\n"
    assert [p.name for p in tmp_path.iterdir() if "backup" in p.name] == ["backup.yaml"]
    monkeypatch.undo()
    seeded.ok("export", str(target))
    assert target.read_text(encoding="utf-8") == seeded.ok("export", "-").stdout
