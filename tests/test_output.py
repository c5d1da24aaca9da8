"""The one renderer: CSV per RFC 4180 with formula guarding, JSON documents, tables, files."""

from __future__ import annotations

import csv
import io
import json

import pytest

from negotiator.domain.table import Table
from negotiator.output import csv_cell, render, render_text

TABLE = Table(
    ("move", "party", "value", "note"),
    (
        ("rok.food-aid", "DPRK", 3, "=HYPERLINK(\"x\")"),
        ("kaesong.wage", "ROK", -2, "-cost to the actor"),
        ("nll.joint-fishing-area", "DPRK", 1.5, 'says "yes", then\nno'),
        ("x", "@JPN", 2.0, "\tindented"),
    ),
)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2 net", "'-2 net"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("plain", "plain"),
        (-3, -3),
        (2.0, 2),
        (None, ""),
        (True, "true"),
    ],
)
def test_csv_cells_guard_formulas_but_keep_numbers(value, expected):
    assert csv_cell(value) == expected


def test_csv_is_rfc4180_and_reads_back():
    text = render_text("csv", table=TABLE)
    assert text.startswith("move,party,value,note\r\n")
    assert text.count("\r\n") == 5  # the embedded newline is inside quotes, not a record end
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["rok.food-aid", "DPRK", "3", "'=HYPERLINK(\"x\")"]
    assert rows[2][2] == "-2" and rows[2][3] == "'-cost to the actor"
    assert rows[3][3] == 'says "yes", then\nno'
    assert rows[4][1] == "'@JPN" and rows[4][2] == "2"


def test_csv_file_has_a_byte_order_mark_and_stdout_does_not(tmp_path, capsys):
    path = render("csv", str(tmp_path / "m.csv"), table=TABLE)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw[3:].startswith(b"move,party")
    render("csv", None, table=TABLE)
    assert not capsys.readouterr().out.startswith("\ufeff")


def test_json_of_a_table_is_a_list_of_records_with_numbers():
    records = json.loads(render_text("json", table=TABLE))
    assert records[1] == {"move": "kaesong.wage", "party": "ROK", "value": -2, "note": "-cost to the actor"}
    assert records[3]["value"] == 2 and isinstance(records[2]["value"], float)


def test_json_prefers_the_document_when_given():
    assert json.loads(render_text("json", table=TABLE, document={"packages": []})) == {"packages": []}


def test_markdown_and_table_show_every_row():
    for fmt in ("markdown", "table"):
        text = render_text(fmt, table=TABLE)
        for row in TABLE.rows:
            assert row[0] in text
    assert render_text("markdown", table=TABLE).splitlines()[1].startswith("|--")


def test_empty_listing_says_none():
    assert "(none)" in render_text("table", table=Table(("code",), ()))


def _parts(rows, size):
    return [list(rows[i : i + size]) for i in range(0, len(rows), size)]


@pytest.mark.parametrize("size", [1, 2, 3, 10])
def test_csv_streamed_in_parts_is_the_csv_of_the_whole(tmp_path, capsys, size):
    from negotiator.output import stream

    whole = render_text("csv", table=TABLE)
    stream("csv", None, TABLE.headers, _parts(TABLE.rows, size))
    assert capsys.readouterr().out == whole
    path = stream("csv", str(tmp_path / "m.csv"), TABLE.headers, iter(_parts(TABLE.rows, size)))
    assert path.read_bytes() == b"\xef\xbb\xbf" + whole.encode()


@pytest.mark.parametrize("items", [[], [{"a": 1}], [{"a": [1, {"b": "x"}]}, {"c": None}, {"d": "é"}]])
@pytest.mark.parametrize("size", [1, 2])
def test_json_streamed_in_parts_is_the_json_of_the_whole(capsys, items, size):
    from negotiator.output import stream

    stream("json", None, (), [[]] + _parts(items, size) + [[]])  # empty parts change nothing
    assert capsys.readouterr().out == render_text("json", document=items)


def test_a_stream_that_fails_part_way_leaves_no_file(tmp_path):
    from negotiator.output import stream

    def parts():
        yield [("a", 1)]
        raise RuntimeError("judging failed")

    target = tmp_path / "half.csv"
    with pytest.raises(RuntimeError):
        stream("csv", str(target), ("x", "y"), parts())
    assert not target.exists()


def test_csv_keeps_bools_and_numbers_apart_from_equal_ints():
    # True == 1 == 1.0: a cell of each kind must still be written in its own way.
    table = Table(("a", "b", "c", "d"), ((1, True, 1.0, "=1"), (1, 1, 2.5, "1")))
    rows = list(csv.reader(io.StringIO(render_text("csv", table=table), newline="")))
    assert rows[1:] == [["1", "true", "1", "'=1"], ["1", "1", "2.5", "1"]]


def test_a_failed_stream_leaves_the_file_that_was_there_and_nothing_else(tmp_path):
    from negotiator.output import stream

    def parts():
        yield [("a", 1)]
        raise KeyboardInterrupt

    target = tmp_path / "verdicts.csv"
    target.write_text("yesterday's verdicts\n")
    with pytest.raises(KeyboardInterrupt):
        stream("csv", str(target), ("x", "y"), parts())
    assert target.read_text() == "yesterday's verdicts\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["verdicts.csv"]


def test_output_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    render("csv", str(link), table=TABLE)
    assert link.is_symlink() and real.read_bytes().startswith(b"\xef\xbb\xbfmove,party")


def test_an_output_that_is_not_a_regular_file_is_written_in_place(tmp_path):
    """A pipe (like /dev/null, not a regular file) is written to directly and never removed,
    even when the command fails part way."""
    import os
    import stat
    import threading

    from negotiator.output import stream

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()

    def parts():
        yield [("a", 1)]
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        stream("csv", str(pipe), ("x", "y"), parts())
    reader.join(timeout=10)
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert received == [b"\xef\xbb\xbfx,y\r\na,1\r\n"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_text_that_looks_like_a_number_stays_text_and_numbers_align_right():
    lines = render_text("table", table=Table(("package", "weight"), (("2024", 5), ("12", 12)))).splitlines()
    assert lines[2].startswith("2024 ") and lines[3].startswith("12 ")  # left, as text
    assert lines[2].endswith("  5") and lines[3].endswith(" 12")  # right, as numbers
