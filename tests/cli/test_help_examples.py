"""The examples in every command's help run as printed on the bundled Korea seed, and every help
page fits an 80-column terminal.

Each line of an Examples block that starts with ``negotiator `` is run alone, with ``--db``
pointing at a fresh copy of a database seeded with ``negotiator seed korea``: a new user who
seeds and then copies an example must see it work.  The lines of an "Example session" are steps
of one session, so they run in order on one copy.  A shell tail (``| ...``, ``> file``,
``&& ...``) and a ``# comment`` are left out; a ``--db`` the example names is replaced by the
copy.  The files the examples read (talks.yaml, backup.yaml) are exported from the seed first.
"""

from __future__ import annotations

import re
import shlex
import shutil

import click
import pytest
from click.testing import CliRunner

from negotiator.cli import cli as root_command
from tests.conftest import Cli

# Examples that cannot run on their own here, and why.  Keep this short: fix the example instead.
CANNOT_RUN_ALONE: dict[str, str] = {
    # On a database with data it asks before dropping it (a prompt; the next example has --yes).
    "negotiator db downgrade 0001": "asks before dropping data",
    # Every party of the seed has moves in an agreed package, whose steps are fixed: refused.
    "negotiator party rm JPN --cascade": "refused on the seed: JPN's moves are in agreed packages",
}

# Files that examples read, made from the seed before they run.
FILES_READ = ("talks.yaml", "backup.yaml")


def _commands() -> list[tuple[str, click.Command]]:
    def walk(command: click.Command, path: str):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")

    return list(walk(root_command, "negotiator"))


def _help(path: str, command: click.Command) -> str:
    with click.Context(command, info_name=path, terminal_width=80, max_content_width=80) as context:
        return command.get_help(context)


def _example_blocks(text: str) -> list[tuple[bool, list[str]]]:
    """Each Examples block of a help text: whether it is a session, and its ``negotiator`` lines
    (a line ending in a backslash joined to the next)."""
    blocks: list[tuple[bool, list[str]]] = []
    lines: list[str] | None = None
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        header = re.fullmatch(r"Examples?( session)?( \(.*\))?:", line)
        if header:
            lines = []
            blocks.append((header.group(1) is not None, lines))
            continue
        if lines is None:
            continue
        if not line:
            lines = None
            continue
        line = pending + line
        if line.endswith("\\"):
            pending = line[:-1]
            continue
        pending = ""
        if line.startswith("negotiator "):
            lines.append(line)
    return blocks


def _arguments(example: str) -> list[str]:
    """The arguments of an example after ``negotiator``: up to a pipe, redirection, ``&&`` or
    comment, without a ``--db`` of its own."""
    lexer = shlex.shlex(example, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = []
    for word in lexer:
        if word and set(word) <= set("();<>|&"):
            break
        words.append(word)
    assert words[0] == "negotiator"
    words = words[1:]
    while "--db" in words:
        at = words.index("--db")
        del words[at:at + 2]
    return words


def _examples() -> list[tuple[str, list[str]]]:
    """(id, examples run in order on one database) for every command's help."""
    cases = []
    for path, command in _commands():
        for is_session, lines in _example_blocks(_help(path, command)):
            if is_session:
                cases.append((f"{path} (session)", lines))
            else:
                cases.extend((line, [line]) for line in lines)
    return cases


EXAMPLES = _examples()


def test_the_examples_are_found():
    assert len(EXAMPLES) > 100
    assert any(line.startswith("negotiator track ") for _, lines in EXAMPLES for line in lines)
    assert all(name in dict(EXAMPLES) for name in CANNOT_RUN_ALONE)


@pytest.mark.parametrize("name, lines", EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_every_help_example_runs_on_a_fresh_korea_seed(name, lines, korea_sqlite, tmp_path):
    db = tmp_path / "korea.db"
    shutil.copyfile(korea_sqlite, db)
    cli = Cli(str(db))
    for file in FILES_READ:
        cli.ok("export", file)
    for line in lines:
        outcome = cli(*_arguments(line), input="")
        if name in CANNOT_RUN_ALONE:  # an exception that starts to work must leave the list
            assert outcome.exit_code == 1 and outcome.error_lines, f"{line}: {CANNOT_RUN_ALONE[name]}"
            continue
        assert outcome.exit_code == 0, f"{line}\nfailed ({outcome.exit_code}):\n{outcome.stderr}"


@pytest.mark.parametrize("path, command", _commands(), ids=[path for path, _ in _commands()])
def test_every_help_page_fits_80_columns(path, command, monkeypatch):
    """Click wraps paragraphs to the terminal, but not the blocks marked \\b (examples, tables):
    those must be short enough themselves (79 characters: a full line may wrap early).  On an
    80-column terminal click wraps to 78; the test runner would force 80, so 78 is given."""
    monkeypatch.setenv("COLUMNS", "80")
    result = CliRunner().invoke(root_command, [*path.split()[1:], "--help"], terminal_width=78)
    assert result.exit_code == 0
    too_wide = [line for line in result.output.splitlines() if len(line) > 79]
    assert too_wide == []
