"""``negotiator demo``: builds the Korea database from nothing and walks through it, end to end,
without touching anything of the user's.

Runs in the temporary working folder every test gets (tests/conftest.py), on SQLite and on
PostgreSQL.  Sections are expected exactly for the commands this version has, so the tests
stay true as commands arrive.  Temporary folders the demo makes go under the test's own folder.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from negotiator.cli import cli as root_command
from negotiator.cli.demo import DEFAULT_BRIEF, DEFAULT_CSV, DEMO_DB
from negotiator.domain.errors import WouldChange
from negotiator.paths import seeds_dir
from tests.conftest import Cli, snapshot

PARTIES = {"USA", "ROK", "DPRK", "JPN", "CHN", "RUS"}

# (heading, the command it needs, the command shown under it; {out} and {brief} are the files it writes)
SECTIONS = [
    ("Create the database", "init", "init"),
    ("Load the Korea scenario", "seed", "seed korea"),
    ("The packages", "package", "package list"),
    ("Check which parties each package satisfies", "check", "check --all"),
    ("Does it survive a change of government?", "check", "check six-party-second-phase --robust"),
    ("Compare the two freeze-for-freeze sequencings", "compare", "compare freeze-dprk-first freeze-alliance-first"),
    ("Let the solver find a better order", "sequence", "sequence freeze-dprk-first --alternatives 1"),
    ("Where the parties' quantities can meet", "zopa", "zopa"),
    ("Let the tool propose a package", "compose", "compose --issue kaesong --steps 2"),
    ("Follow an accord as it was carried out", "status", "status six-party-second-phase"),
    ("A brief to mail", "report", "report --all --output {brief}"),
    ("Export the positions matrix for a spreadsheet", "matrix", "matrix positions --format csv --output {out}"),
]

ON_CHANGED_DATA = "This step does not run on the demo database as you changed it"


@pytest.fixture(autouse=True)
def _temporary_folders_inside_the_test(tmp_path, monkeypatch):
    folder = tmp_path.parent / f"{tmp_path.name}-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def expected_sections(folder: Path) -> list[tuple[str, str]]:
    files = {"{out}": shlex.quote(str(folder / DEFAULT_CSV)), "{brief}": shlex.quote(str(folder / DEFAULT_BRIEF))}
    shown_with_files = []
    for title, needs, shown in SECTIONS:
        if needs in root_command.commands:
            for placeholder, path in files.items():
                shown = shown.replace(placeholder, path)
            shown_with_files.append((title, shown))
    return shown_with_files


def files_folder(stdout: str) -> Path:
    found = re.search(r"^Files of the tour go to (.+)\.$", stdout, re.MULTILINE)
    assert found, stdout[:500]
    return Path(found.group(1))


def seed_move_count() -> int:
    with (seeds_dir() / "korea.yaml").open(encoding="utf-8") as handle:
        return len(yaml.safe_load(handle)["moves"])


def test_demo_from_nothing_shows_every_available_section_in_order_with_its_command(empty_db_url):
    outcome = Cli(empty_db_url).ok("demo")

    assert "Building a new demo database" in outcome.stdout
    position = 0
    for number, (title, shown) in enumerate(expected_sections(files_folder(outcome.stdout)), 1):
        heading = f"{number}. {title}\n" + "-" * len(f"{number}. {title}")
        found = outcome.stdout.find(heading, position)
        assert found >= 0, f"section {heading!r} missing or out of order"
        command_line = f"$ negotiator --db {shlex.quote(empty_db_url)} {shown}"
        assert outcome.stdout.find(command_line, found) >= 0, f"{command_line!r} not shown under {title!r}"
        position = found
    assert ON_CHANGED_DATA not in outcome.stdout


def test_demo_shows_each_command_before_its_output(empty_db_url):
    outcome = Cli(empty_db_url).ok("demo")

    shown = outcome.stdout.index("seed korea\n")
    result = outcome.stdout.index("imported seeds/korea.yaml")
    assert shown < result


def test_demo_writes_the_positions_matrix_into_a_temporary_folder_it_names(
    empty_db_url, tmp_path, _temporary_folders_inside_the_test
):
    outcome = Cli(empty_db_url).ok("demo")

    folder = files_folder(outcome.stdout)
    assert folder.parent == _temporary_folders_inside_the_test
    written = folder / DEFAULT_CSV
    assert f"The positions matrix is in {written}" in outcome.stdout
    assert not (tmp_path / DEFAULT_CSV).exists()
    assert written.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for spreadsheet users
    with written.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert header[:3] == ["move", "actor", "issue"]
    # A party judged in an era today is headed with it, e.g. "ROK (lee-jae-myung)".
    assert {column.split(" (")[0] for column in header[3:]} == PARTIES and len(header) == 3 + len(PARTIES)
    assert len(rows) - 1 == seed_move_count()


def test_demo_writes_its_files_into_out_dir_when_given(empty_db_url, tmp_path):
    outcome = Cli(empty_db_url).ok("demo", "--out-dir", "briefing/files")

    assert (tmp_path / "briefing" / "files" / DEFAULT_CSV).exists()
    assert f"--output {Path('briefing/files') / DEFAULT_CSV}" in outcome.stdout
    assert files_folder(outcome.stdout) == Path("briefing/files")


def test_demo_run_twice_reuses_the_database_and_changes_nothing(empty_db_url, db_snapshot):
    cli = Cli(empty_db_url)
    cli.ok("demo")
    before = db_snapshot(empty_db_url)

    second = cli.ok("demo")

    assert "Re-using the demo database" in second.stdout
    assert "Building a new demo database" not in second.stdout
    assert db_snapshot(empty_db_url) == before


def test_demo_without_db_builds_its_own_database_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("NEGOTIATOR_DB", raising=False)

    result = CliRunner().invoke(root_command, ["demo"], catch_exceptions=False)

    assert result.exit_code == 0, result.stderr
    assert (tmp_path / DEMO_DB).exists()
    assert not (tmp_path / "negotiator.db").exists()
    # Every command shown names the demo's database, so typing it again reaches the same one.
    assert f"$ negotiator --db {DEMO_DB} init\n" in result.stdout
    assert f"$ negotiator --db {DEMO_DB} seed korea\n" in result.stdout


def test_demo_never_fills_the_database_named_in_the_environment(tmp_path, monkeypatch):
    team = tmp_path / "team.db"
    Cli(str(team)).ok("init")
    monkeypatch.setenv("NEGOTIATOR_DB", str(team))
    before = snapshot(str(team))

    result = CliRunner().invoke(root_command, ["demo"], catch_exceptions=False)

    assert result.exit_code == 0, result.stderr
    assert snapshot(str(team)) == before
    assert (tmp_path / DEMO_DB).exists()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_demo_leaves_the_users_negotiator_db_untouched(tmp_path, monkeypatch):
    monkeypatch.delenv("NEGOTIATOR_DB", raising=False)
    own = tmp_path / "negotiator.db"
    cli = Cli(str(own))
    cli.ok("seed", "korea")
    cli.ok("package", "edit", "kaesong-nll", "--title", "My own title")
    cli.ok("party", "add", "EU", "--name", "European Union")
    before, digest, modified = snapshot(str(own)), _digest(own), own.stat().st_mtime_ns

    result = CliRunner().invoke(root_command, ["demo"], catch_exceptions=False)

    assert result.exit_code == 0, result.stderr
    assert _digest(own) == digest and own.stat().st_mtime_ns == modified
    assert snapshot(str(own)) == before


def _would_change(*_args, **_kwargs):
    raise WouldChange("seeds/korea.yaml", [
        "package kaesong-nll: title 'Kaesong and the NLL, infrastructure first' -> 'Mine'",
        "position DPRK on kaesong.wage: weight 3 -> 1",
        "party USA: name 'United States' -> 'USA'",
    ])


def test_demo_keeps_rows_the_user_changed_says_how_many_and_how_to_restore_them(
    empty_db_url, db_snapshot, monkeypatch
):
    cli = Cli(empty_db_url)
    cli.ok("demo")
    cli.ok("package", "edit", "kaesong-nll", "--title", "Mine")
    edited = db_snapshot(empty_db_url)
    # The seed refuses to overwrite changed rows (WouldChange) and writes nothing.
    monkeypatch.setattr("negotiator.db.scenario.import_scenario", _would_change)

    outcome = cli.ok("demo")

    words = " ".join(outcome.stdout.split())
    assert "Left 3 rows of the Korea scenario as you changed them; the tour goes on with your data." in words
    restore = f"negotiator --db {shlex.quote(empty_db_url)} seed korea --replace"
    assert f"To restore the scenario's values:\n  {restore}\n" in outcome.stdout
    assert outcome.stdout.index("Left 3 rows") < outcome.stdout.index("Check which parties each package satisfies")
    assert "Traceback" not in outcome.stderr and outcome.error_lines == []
    assert db_snapshot(empty_db_url) == edited


def test_demo_on_changed_data_says_which_step_cannot_run_and_goes_on(tmp_path, monkeypatch):
    cli = Cli(str(tmp_path / "mine.db"))
    cli.ok("demo")
    cli.ok("package", "rm", "freeze-dprk-first")
    monkeypatch.setattr("negotiator.db.scenario.import_scenario", _would_change)

    outcome = cli.ok("demo")

    assert f"{ON_CHANGED_DATA}: unknown package 'freeze-dprk-first'" in outcome.stdout
    assert outcome.stdout.index(ON_CHANGED_DATA) < outcome.stdout.index("Follow an accord as it was carried out")
    assert "The positions matrix is in" in outcome.stdout


def test_demo_run_again_keeps_a_title_and_a_weight_the_user_changed(tmp_path):
    cli = Cli(str(tmp_path / "mine.db"))
    cli.ok("demo")
    weight = _weight(cli, "DPRK", "kaesong.wage") + 1
    cli.ok("package", "edit", "kaesong-nll", "--title", "Mine")
    cli.ok("position", "edit", "DPRK", "kaesong.wage", "--weight", str(weight))

    outcome = cli.ok("demo")

    assert "of the Korea scenario as you changed them" in outcome.stdout
    assert "Mine" in cli.ok("package", "show", "kaesong-nll").stdout
    assert _weight(cli, "DPRK", "kaesong.wage") == weight


def _weight(cli: Cli, party: str, move: str) -> int:
    positions = json.loads(cli.ok("position", "list", "--party", party, "--format", "json").stdout)
    (weight,) = [position["weight"] for position in positions if position["move"] == move]
    return int(weight)


@pytest.mark.parametrize("missing", ["status", "matrix"])
def test_demo_leaves_out_a_section_whose_command_does_not_exist(empty_db_url, monkeypatch, missing):
    monkeypatch.delitem(root_command.commands, missing)
    title = next(title for title, needs, _ in SECTIONS if needs == missing)

    outcome = Cli(empty_db_url).ok("demo")

    assert title not in outcome.stdout
    assert f"$ negotiator --db {shlex.quote(empty_db_url)} {missing}" not in outcome.stdout
    assert "no such command yet" in outcome.stdout and missing in outcome.stdout.rsplit("no such command yet", 1)[1]


# --- the installed command, in a real working folder ---------------------------------------------


def _installed_negotiator() -> str:
    found = Path(sys.executable).parent / "negotiator"
    assert found.exists(), f"the negotiator command is not installed beside {sys.executable}"
    return str(found)


def test_installed_demo_leaves_only_its_database_in_the_working_folder(tmp_path, _temporary_folders_inside_the_test):
    work = tmp_path / "work"
    work.mkdir()
    environment = {key: value for key, value in os.environ.items() if key != "NEGOTIATOR_DB"}
    environment["TMPDIR"] = str(_temporary_folders_inside_the_test)

    result = subprocess.run([_installed_negotiator(), "demo"], cwd=work, env=environment,
                            capture_output=True, text=True, timeout=300, check=False)

    assert result.returncode == 0, result.stderr
    left = {path.name for path in work.iterdir()}
    assert DEMO_DB in left
    assert left <= {DEMO_DB, f"{DEMO_DB}-wal", f"{DEMO_DB}-shm"}, left
    assert (files_folder(result.stdout) / DEFAULT_CSV).exists()
