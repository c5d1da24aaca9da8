"""Ctrl-C ends a command with exit status 130 and one short line, and the write transaction it
interrupted rolls back: nothing is written.  (Ctrl-C while waiting for another writer, with a real
signal, is in tests/db/test_busy.py.)"""

from __future__ import annotations

import pytest

from negotiator.db import catalogue, packages
from tests.conftest import Cli, snapshot


def _after(original):
    """``original``, then Ctrl-C: the interrupt arrives once the rows are written, before commit."""

    def written_then_interrupted(*args, **kwargs):
        original(*args, **kwargs)
        raise KeyboardInterrupt

    return written_then_interrupted


@pytest.mark.parametrize(
    "module, function, command",
    [
        (catalogue, "add_party", ("party", "add", "EU", "--name", "European Union")),
        (packages, "edit_package", ("package", "edit", "kaesong-nll", "--title", "Interrupted")),
    ],
    ids=["party add", "package edit"],
)
def test_ctrl_c_during_a_write_exits_130_with_one_line_and_writes_nothing(
    korea_db, monkeypatch, module, function, command
):
    before = snapshot(korea_db)
    monkeypatch.setattr(module, function, _after(getattr(module, function)))

    outcome = Cli(korea_db)(*command)

    assert outcome.exit_code == 130
    assert outcome.stderr == "interrupted\n" and outcome.stdout == ""
    assert snapshot(korea_db) == before


def test_ctrl_c_during_a_read_exits_130(korea_db, monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("negotiator.db.load.load_catalogue", interrupted)

    outcome = Cli(korea_db)("check", "--all")

    assert outcome.exit_code == 130
    assert outcome.stderr == "interrupted\n"


def test_ctrl_c_in_a_step_of_the_demo_ends_the_demo_with_130(tmp_path, monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("negotiator.db.scenario.import_scenario", interrupted)

    outcome = Cli(str(tmp_path / "demo.db"))("demo", "--out-dir", str(tmp_path / "files"))

    assert outcome.exit_code == 130
    assert outcome.stderr.splitlines()[-1] == "interrupted"
    assert "Check which parties" not in outcome.stdout
