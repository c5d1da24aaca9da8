"""Terminal output people can read: tables fit the terminal, show commands print labelled fields,
Markdown escapes what would break it, and colour appears on a terminal only."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios

import pytest

from negotiator.domain.table import Table
from negotiator.output import render_text, to_text_table
from negotiator.terminal import colour_verdict, records, terminal_width, wants_colour
from tests.conftest import Cli


@pytest.fixture
def korea(korea_sqlite, tmp_path) -> Cli:
    path = tmp_path / "korea.db"
    shutil.copyfile(korea_sqlite, path)
    return Cli(str(path))


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


# --- fitting to the width ----------------------------------------------------------------------


@pytest.mark.parametrize("command", [("check", "--all"), ("condition", "list"), ("move", "list"), ("position", "list")])
@pytest.mark.parametrize("columns", [80, 120, 200])
def test_listings_fit_the_width_columns_asks_for(korea, monkeypatch, command, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    assert _widest(korea.ok(*command).stdout) <= columns


def test_check_all_wraps_long_columns_as_a_table_at_200_columns(korea, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    out = korea.ok("check", "--all").stdout
    headers = [line for line in out.splitlines() if line.split() == ["party", "era", "verdict", "condition", "reason"]]
    titles = [line for line in out.splitlines() if line.startswith("Check of ")]
    assert len(headers) == len(titles) == len(json.loads(korea.ok("package", "list", "--format", "json").stdout))
    assert "-[ 1 of" not in out


def test_check_all_becomes_records_at_80_columns_with_every_field_labelled(korea, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = korea.ok("check", "--all").stdout
    assert "-[ 1 of " in out
    verdicts = [line.split(None, 1)[1] for line in out.splitlines() if line.startswith("verdict ")]
    assert any(v.startswith("FAIL") for v in verdicts) and any(v.startswith("satisfied") for v in verdicts)


def test_a_pipe_gets_the_whole_table_unwrapped(korea):
    wide = korea.ok("check", "--all").stdout
    assert _widest(wide) > 200  # one line per row, however long: for scripts and files
    assert "-[ 1 of" not in wide


def test_wrapping_keeps_every_word_of_a_long_cell():
    reason = "usa.delist-sst is in step 1, but dprk.abduction-accounting is not in the package; " * 3
    text = to_text_table(Table(("party", "reason"), (("DPRK", reason),)), "table", width=50)
    lines = text.splitlines()[2:]
    assert len(lines) > 3 and _widest(text) <= 50
    pieces = [line[len("party  "):] for line in lines]
    # Lines break at spaces or after hyphens: joining the pieces gives back the same words.
    assert "".join(pieces).replace(" ", "") == reason.replace(" ", "")


def test_a_file_is_never_fitted_to_the_terminal(korea, monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "80")
    korea.ok("check", "--all", "--output", str(tmp_path / "out.txt"))
    assert _widest((tmp_path / "out.txt").read_text()) > 200


def test_number_columns_are_never_wrapped():
    table = Table(("name", "n"), (("word " * 30, 123456789), ("short", 5)))
    text = to_text_table(table, "table", width=40)
    assert _widest(text) <= 40
    assert "123456789" in text


def test_codes_stay_whole_when_the_text_columns_can_give_up_the_room():
    code = "dprk.kaesong-drop-hike-demands"
    table = Table(("code", "title", "cost"), ((code, "Back down from the demand for wage and rent hikes " * 2, 2),))
    text = to_text_table(table, "table", width=60)
    assert _widest(text) <= 60
    assert code in text  # on one line, not broken at a hyphen
    assert text.splitlines()[2].startswith(code)


def test_codes_wrap_too_when_nothing_else_can_make_the_table_fit():
    codes = ("a-" * 20 + "z", "b-" * 20 + "z")
    table = Table(("one", "two", "title"), ((*codes, "word " * 10),))
    text = to_text_table(table, "table", width=70)
    assert _widest(text) <= 70 and not text.startswith("-[")
    assert codes[0] not in text


def test_a_table_too_wide_to_wrap_is_shown_as_labelled_records():
    table = Table(tuple(f"column{i}" for i in range(8)), (tuple("x" * 25 for _ in range(8)),))
    text = to_text_table(table, "table", width=60)
    lines = text.splitlines()
    assert lines[0].startswith("-[ 1 of 1 ]")
    assert lines[1].split() == ["column0", "x" * 25]


def test_records_leave_out_empty_fields_and_wrap_long_values_beside_their_label():
    text = records(("party", "reason"), [("DPRK", "because " * 10), (None, "short")], width=40)
    lines = text.splitlines()
    assert lines[1] == "party   DPRK"
    assert lines[3].startswith(" " * 8) and lines[2].startswith("reason  because")
    assert "party" not in text.split("-[ 2 of 2 ]")[1]


@pytest.mark.parametrize("columns", ["1", "5"])
def test_an_absurdly_narrow_width_still_lays_out(monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    assert "DPRK" in render_text("table", table=CHECKED, width=int(columns))


def test_columns_variable_sets_the_width_and_a_pipe_has_none(monkeypatch):
    class Pipe:
        def isatty(self):
            return False

    assert terminal_width(Pipe()) is None
    monkeypatch.setenv("COLUMNS", "93")
    assert terminal_width(Pipe()) == 93


# --- show commands ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("party", "show", "DPRK"),
        ("party", "show", "RUS"),
        ("move", "show", "kaesong.wage"),
        ("issue", "show", "kaesong"),
        ("position", "show", "DPRK", "kaesong.wage"),
        ("condition", "show", "1"),
    ],
)
def test_show_commands_print_labelled_fields_never_python_lists(korea, command):
    out = korea.ok(*command).stdout
    assert "['" not in out and "[]" not in out and "', '" not in out
    assert out.splitlines()[0].split() == ["field", "value"]


def test_party_show_lists_one_move_a_line(korea):
    lines = korea.ok("party", "show", "DPRK").stdout.splitlines()
    moves = next(i for i, line in enumerate(lines) if line.startswith("moves "))
    assert lines[moves].split() == ["moves", "dprk.abduction-accounting"]
    assert lines[moves + 1].strip() == "dprk.abduction-document-review"


def test_an_empty_list_reads_none(korea):
    korea.ok("party", "add", "XYZ", "--name", "Nobody")
    lines = korea.ok("party", "show", "XYZ").stdout.splitlines()
    assert next(line for line in lines if line.startswith("moves")).split() == ["moves", "(none)"]


# --- Markdown ----------------------------------------------------------------------------------


def test_markdown_escapes_pipes_and_newlines_so_each_row_stays_one_row():
    table = Table(("title", "note"), (("left | right", "line one\nline two"), ("plain", "x")), title="A | B\nC")
    text = render_text("markdown", table=table)
    lines = text.splitlines()
    assert lines[0] == "## A | B C"
    rows = [line for line in lines if line.startswith("|")]
    assert len(rows) == 4  # header, rule, two rows
    assert "left \\| right" in rows[2] and "line one<br>line two" in rows[2]
    assert all(row.count("|") - row.count("\\|") == 3 for row in rows)


# --- colour ------------------------------------------------------------------------------------

CHECKED = Table(("party", "verdict", "result", "condition"),
                (("DPRK", "NOT satisfied 1/2", None, None), ("DPRK", None, "FAIL", "satisfied if pass"),
                 ("ROK", "satisfied 2/2", None, None)))


def test_colour_marks_verdict_words_only_in_verdict_columns():
    text = to_text_table(CHECKED, "table", colour=True)
    assert "\x1b[1;31mNOT satisfied\x1b[0m 1/2" in text
    assert "\x1b[1;31mFAIL\x1b[0m" in text and "\x1b[32msatisfied\x1b[0m 2/2" in text
    assert "satisfied if pass" in text  # a condition's text is not a verdict


def test_coloured_table_lines_up_like_the_plain_one():
    plain = to_text_table(CHECKED, "table").splitlines()
    coloured = to_text_table(CHECKED, "table", colour=True).splitlines()
    strip = [line.replace("\x1b[1;31m", "").replace("\x1b[32m", "").replace("\x1b[0m", "") for line in coloured]
    assert strip == plain


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown"])
def test_other_formats_never_carry_colour(fmt):
    assert "\x1b[" not in render_text(fmt, table=CHECKED, colour=True)


def test_no_stake_has_its_own_colour():
    assert colour_verdict("no stake") == "\x1b[33mno stake\x1b[0m"


class _Terminal:
    def isatty(self):
        return True


def test_colour_on_a_terminal_unless_no_color_is_set(monkeypatch):
    assert wants_colour(_Terminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(_Terminal())


def _run_on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run negotiator with stdout and stderr on a pseudo-terminal; return what it printed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))  # 40 rows, 160 columns
    process = subprocess.Popen([sys.executable, "-m", "negotiator", *args], stdout=follower, stderr=follower,
                               stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


@pytest.mark.parametrize("no_color, coloured", [(None, True), ("1", False)])
def test_check_on_a_real_terminal_is_coloured_unless_no_color(korea, no_color, coloured):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    if no_color:
        env["NO_COLOR"] = no_color
    out = _run_on_a_terminal(["--db", korea.db, "check", "freeze-dprk-first"], env)
    assert "NOT satisfied" in out
    assert ("\x1b[1;31mNOT satisfied" in out) == coloured


def test_check_written_to_a_file_has_no_colour_even_from_a_terminal(korea, tmp_path):
    target = tmp_path / "check.txt"
    _run_on_a_terminal(["--db", korea.db, "check", "freeze-dprk-first", "--output", str(target)], dict(os.environ))
    assert "NOT satisfied" in target.read_text() and "\x1b[" not in target.read_text()
