"""``negotiator demo``: builds the Korea database from nothing and walks through it, end to end.

Runs in the temporary working folder every test gets (tests/conftest.py), on SQLite and on
PostgreSQL.  Sections are expected exactly for the commands this version has, so the tests
stay true as commands arrive.
"""

from __future__ import annotations

import csv
import shlex

import pytest
import yaml
from click.testing import CliRunner

from negotiator.cli import cli as root_command
from negotiator.cli.demo import DEFAULT_CSV
from negotiator.paths import seeds_dir
from tests.conftest import Cli

PARTIES = {"USA", "ROK", "DPRK", "JPN", "CHN", "RUS"}

# (heading, the command it needs, the command shown under it)
SECTIONS = [
    ("Create the database", "init", "init"),
    ("Load the Korea scenario", "seed", "seed korea"),
    ("The packages", "package", "package list"),
    ("Check which parties each package satisfies", "check", "check --all"),
    ("Compare the two freeze-for-freeze sequencings", "compare", "compare freeze-dprk-first freeze-alliance-first"),
    ("Let the solver find a better order", "sequence", "sequence freeze-dprk-first --alternatives 1"),
    ("Follow an agreed package as it is carried out", "status", "status six-party-second-phase"),
    ("Export the positions matrix for a spreadsheet", "matrix", f"matrix positions --format csv --output {DEFAULT_CSV}"),
]


def expected_sections() -> list[tuple[str, str]]:
    return [(title, shown) for title, needs, shown in SECTIONS if needs in root_command.commands]


def seed_move_count() -> int:
    with (seeds_dir() / "korea.yaml").open(encoding="utf-8") as handle:
        return len(yaml.safe_load(handle)["moves"])


def test_demo_from_nothing_shows_every_available_section_in_order_with_its_command(empty_db_url):
    outcome = Cli(empty_db_url).ok("demo")

    assert "Building a new demo database" in outcome.stdout
    position = 0
    for number, (title, shown) in enumerate(expected_sections(), 1):
        heading = f"{number}. {title}\n" + "-" * len(f"{number}. {title}")
        found = outcome.stdout.find(heading, position)
        assert found >= 0, f"section {heading!r} missing or out of order"
        command_line = f"$ negotiator --db {shlex.quote(empty_db_url)} {shown}"
        assert outcome.stdout.find(command_line, found) >= 0, f"{command_line!r} not shown under {title!r}"
        position = found


def test_demo_shows_each_command_before_its_output(empty_db_url):
    outcome = Cli(empty_db_url).ok("demo")

    shown = outcome.stdout.index("seed korea\n")
    result = outcome.stdout.index("imported seeds/korea.yaml")
    assert shown < result


def test_demo_writes_the_positions_matrix_csv_with_moves_by_parties(empty_db_url, tmp_path):
    outcome = Cli(empty_db_url).ok("demo")

    written = tmp_path / DEFAULT_CSV
    assert written.exists()
    assert f"The positions matrix is in {written}" in outcome.stdout
    assert written.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for spreadsheet users (DESIGN §8)
    with written.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert header[:3] == ["move", "actor", "issue"]
    assert set(header[3:]) == PARTIES and len(header) == 3 + len(PARTIES)
    assert len(rows) - 1 == seed_move_count()


def test_demo_writes_the_csv_where_asked(empty_db_url, tmp_path):
    outcome = Cli(empty_db_url).ok("demo", "--csv", "briefing.csv")

    assert (tmp_path / "briefing.csv").exists()
    assert not (tmp_path / DEFAULT_CSV).exists()
    assert "--output briefing.csv" in outcome.stdout


def test_demo_run_twice_reuses_the_database_and_changes_nothing(empty_db_url, db_snapshot):
    cli = Cli(empty_db_url)
    cli.ok("demo")
    before = db_snapshot(empty_db_url)

    second = cli.ok("demo")

    assert "Re-using the existing database" in second.stdout
    assert "Building a new demo database" not in second.stdout
    assert db_snapshot(empty_db_url) == before


def test_demo_without_db_builds_negotiator_db_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("NEGOTIATOR_DB", raising=False)

    result = CliRunner().invoke(root_command, ["demo"], catch_exceptions=False)

    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "negotiator.db").exists()
    assert "$ negotiator init\n" in result.stdout  # no --db shown when none was given
    assert "$ negotiator seed korea\n" in result.stdout


@pytest.mark.parametrize("missing", ["status", "matrix"])
def test_demo_leaves_out_a_section_whose_command_does_not_exist(empty_db_url, monkeypatch, missing):
    monkeypatch.delitem(root_command.commands, missing)
    title = next(title for title, needs, _ in SECTIONS if needs == missing)

    outcome = Cli(empty_db_url).ok("demo")

    assert title not in outcome.stdout
    assert f"$ negotiator --db {shlex.quote(empty_db_url)} {missing}" not in outcome.stdout
    assert "no such command yet" in outcome.stdout and missing in outcome.stdout.rsplit("no such command yet", 1)[1]
