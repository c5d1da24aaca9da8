"""The README's tour, run as a new user would run it.

Every shell block of the README's "A short tour" section is run, in order, command by command, in
an empty folder with the installed ``negotiator`` on the PATH and no ``NEGOTIATOR_DB``: the tour
must work top to bottom on the default ``./negotiator.db``.  A command that fails makes the test
fail, unless the README marks it as expected to fail with a trailing ``# fails: why`` comment (and
then it must fail, with one ``Error:`` line).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
EXPECTED_FAILURE = re.compile(r"#\s*fails:")


def tour_commands(text: str) -> list[str]:
    """The commands of the tour's shell blocks, in order, continuation lines joined."""
    section = text.split("\n## A short tour", 1)[1].split("\n## ", 1)[0]
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        pending = ""
        for line in block.splitlines():
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1] + " "
                continue
            command = (pending + line).strip()
            pending = ""
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def test_the_tour_has_commands_in_every_part():
    commands = tour_commands(README.read_text(encoding="utf-8"))
    assert len(commands) >= 20
    assert all(command.startswith("negotiator ") for command in commands)


def test_the_readme_tour_runs_top_to_bottom_in_an_empty_folder(tmp_path):
    commands = tour_commands(README.read_text(encoding="utf-8"))
    env = {key: value for key, value in os.environ.items() if key != "NEGOTIATOR_DB"}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["COLUMNS"] = "100"
    for number, command in enumerate(commands, 1):
        result = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=300)
        where = f"tour command {number}: {command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        if EXPECTED_FAILURE.search(command):
            assert result.returncode != 0, f"expected to fail but succeeded: {where}"
            assert [line for line in result.stderr.splitlines() if line.startswith("Error:")], where
        else:
            assert result.returncode == 0, f"failed: {where}"
    assert not (tmp_path / "negotiator-demo.db").exists()


@pytest.mark.parametrize("text, expected", [
    ("x\n## A short tour\n```sh\nnegotiator a \\\n    --b c   # note\nnegotiator d\n```\n## Next\n```sh\nnegotiator e\n```\n",
     ["negotiator a      --b c   # note", "negotiator d"]),
    ("x\n## A short tour\ntext\n```sh\n# a comment\n\nnegotiator f\n```\n", ["negotiator f"]),
])
def test_tour_commands_are_read_from_the_tour_section_only(text, expected):
    assert tour_commands(text) == expected
