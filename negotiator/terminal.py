"""Tables that fit the terminal they are printed on, and colour for verdict words.

The one renderer (``negotiator.output``) lays a table out with tabulate.  When the table goes to
a terminal (or ``COLUMNS`` asks for a width) and is wider than that, this module makes it fit:

1. long text columns wrap, each to a width found by "water filling" -- the widest columns are
   narrowed first, never below a readable minimum (numbers and short text never wrap);
2. when even the minimum widths do not fit, each row is shown as a record, one labelled field
   a line, with long values wrapped beside their label.

A pipe or a file gets the table as it is, unwrapped, so that scripts and spreadsheets see one
line per row.  Colour marks the verdict words (satisfied, NOT satisfied, no stake, pass, FAIL,
valid, INVALID) on a terminal only, never when ``NO_COLOR`` is set; files, CSV, JSON and
Markdown never get colour (the renderer only asks for it for a table on standard output).
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from collections.abc import Callable, Sequence
from typing import IO, Any

# A wrapped text column is never narrower than this (or than its own width, when shorter), so
# that a reason or a condition still reads as text; below it, rows become records instead.
MIN_TEXT_WIDTH = 16
NARROWEST = 20  # a narrower width is taken as this one: below it nothing can be laid out
# A word (a move code, a package name) longer than this may be broken inside a column.
LONGEST_UNBROKEN_WORD = 24
COLUMN_GAP = 2  # tabulate's "simple" format puts two spaces between columns

_ANSI = re.compile(r"\x1b\[[0-9;]*m")

# Columns whose cells are verdicts, and the colour of each verdict word.
VERDICT_COLUMNS = frozenset({"verdict", "result"})
_RED, _GREEN, _YELLOW, _RESET = "\x1b[1;31m", "\x1b[32m", "\x1b[33m", "\x1b[0m"
_VERDICT = re.compile(r"^(NOT satisfied|satisfied|no stake|FAIL|pass|INVALID|valid)\b")
_COLOUR_OF = {
    "NOT satisfied": _RED, "FAIL": _RED, "INVALID": _RED,
    "satisfied": _GREEN, "pass": _GREEN, "valid": _GREEN,
    "no stake": _YELLOW,
}


def _isatty(stream: IO[Any] | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # a closed or odd stream
        return False


def terminal_width(stream: IO[Any] | None) -> int | None:
    """The width to fit tables to: ``COLUMNS`` when set, else the terminal's when ``stream`` is
    one, else None (a pipe or a file: no fitting)."""
    asked = os.environ.get("COLUMNS", "").strip()
    if asked.isdigit() and int(asked) > 0:
        return int(asked)
    if _isatty(stream):
        try:
            columns = os.get_terminal_size(stream.fileno()).columns  # type: ignore[union-attr]
        except (OSError, ValueError, AttributeError):
            columns = shutil.get_terminal_size().columns
        return columns or None  # a terminal that reports no size is not fitted
    return None


def wants_colour(stream: IO[Any] | None) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR", "") != "" or os.environ.get("TERM") == "dumb":
        return False
    return _isatty(stream)


def visible_width(text: str) -> int:
    """The width of one line on screen, colour codes aside."""
    return len(_ANSI.sub("", text))


def widest_line(text: str) -> int:
    return max((visible_width(line) for line in text.splitlines()), default=0)


def colour_verdict(text: str) -> str:
    """``text`` (one cell, maybe several lines) with the verdict word starting each line coloured."""

    def paint(line: str) -> str:
        match = _VERDICT.match(line)
        if match is None:
            return line
        word = match.group(1)
        return f"{_COLOUR_OF[word]}{word}{_RESET}{line[len(word):]}"

    return "\n".join(paint(line) for line in text.split("\n"))


def cell_text(value: Any) -> str:
    """A cell as it is printed (floats as tabulate prints them)."""
    if isinstance(value, float):
        return format(value, "g")
    return str(value)


def _lines(value: Any) -> list[str]:
    return cell_text(value).split("\n")


# tabulate's "simple" format makes a column at least as wide as its header plus this padding.
HEADER_PADDING = 2


def _natural(header: str, column: Sequence[Any]) -> int:
    return max([visible_width(header) + HEADER_PADDING]
               + [visible_width(line) for value in column for line in _lines(value)])


def _is_words(column: Sequence[Any]) -> bool:
    """Whether a column holds text with spaces (titles, reasons), as against codes and names,
    which read badly when broken and are kept whole whenever the table can fit without that."""
    return any(" " in cell_text(value).strip() for value in column)


def _minimum(header: str, column: Sequence[Any], natural: int) -> int:
    longest_word = max((len(word) for value in column for word in cell_text(value).split()), default=0)
    return min(natural, max(MIN_TEXT_WIDTH, min(longest_word, LONGEST_UNBROKEN_WORD), len(header) + HEADER_PADDING))


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[Any]], wrappable: Sequence[bool],
                  width: int) -> list[int] | None:
    """The width of each column so that the table fits ``width``, or None when it cannot.

    Columns that may not wrap keep their natural width; the others are capped at one common
    width C, the largest that fits, but never below their minimum.
    """
    columns = list(zip(*rows)) if rows else [() for _ in headers]
    natural = [_natural(h, c) for h, c in zip(headers, columns)]
    available = width - COLUMN_GAP * (len(headers) - 1)
    # Codes and names are kept whole when the text columns can give up enough room; else they wrap too.
    for words_only in (True, False):
        minimum = [_minimum(h, c, n) if w and (_is_words(c) or not words_only) else n
                   for h, c, n, w in zip(headers, columns, natural, wrappable)]
        if sum(minimum) <= available:
            break
    else:
        return None

    def total(cap: int) -> int:
        return sum(min(n, max(m, cap)) for n, m in zip(natural, minimum))

    low, high = 0, max(natural, default=0)
    while low < high:  # the largest cap whose total fits
        middle = (low + high + 1) // 2
        if total(middle) <= available:
            low = middle
        else:
            high = middle - 1
    return [min(n, max(m, low)) for n, m in zip(natural, minimum)]


def wrap_text(value: Any, width: int) -> str:
    """``value`` wrapped to ``width`` characters a line, keeping the line breaks it has."""
    out: list[str] = []
    for line in _lines(value):
        out += textwrap.wrap(line, width, break_long_words=True) or [""]
    return "\n".join(out)


def wrap_rows(rows: Sequence[Sequence[Any]], widths: Sequence[int], natural: Sequence[int]) -> list[list[Any]]:
    """Rows with the cells of each narrowed column wrapped to its width."""
    narrowed = [i for i, (w, n) in enumerate(zip(widths, natural)) if w < n]
    wrapped = []
    for row in rows:
        cells = list(row)
        for i in narrowed:
            if cells[i] != "":
                cells[i] = wrap_text(cells[i], widths[i])
        wrapped.append(cells)
    return wrapped


def fit(headers: Sequence[str], rows: Sequence[Sequence[Any]], wrappable: Sequence[bool], width: int,
        lay_out: Callable[[list[list[Any]], bool], str]) -> str | None:
    """The table laid out by ``lay_out(rows, spaced)`` within ``width``, wrapping long text
    columns, or None when even that cannot fit (then show records).

    ``lay_out`` is the renderer's own layout (tabulate), so what is measured is what is printed;
    ``spaced`` asks for a blank line between rows, which wrapped rows need to be told apart.
    """
    target = width
    for _ in range(3):  # tabulate's padding can differ from the estimate by a few characters
        widths = column_widths(headers, rows, wrappable, target)
        if widths is None:
            return None
        columns = list(zip(*rows)) if rows else [() for _ in headers]
        natural = [_natural(h, c) for h, c in zip(headers, columns)]
        wrapped = wrap_rows(rows, widths, natural)
        spaced = any("\n" in cell_text(c) for row in wrapped for c in row)
        body = lay_out(wrapped, spaced)
        overflow = widest_line(body) - width
        if overflow <= 0:
            return body
        target -= overflow
    return None


def records(headers: Sequence[str], rows: Sequence[Sequence[Any]], width: int,
            paint: Callable[[int, str], str] | None = None) -> str:
    """Each row as a record: a numbered rule, then one ``label  value`` line per non-empty field,
    values wrapped beside their label.  ``paint(column, text)`` may colour a value."""
    label_width = max((len(h) for h in headers), default=0)
    value_width = max(width - label_width - COLUMN_GAP, MIN_TEXT_WIDTH)
    out: list[str] = []
    count = len(rows)
    for number, row in enumerate(rows, 1):
        rule = f"-[ {number} of {count} ]"
        out.append(rule + "-" * max(0, min(width, label_width + COLUMN_GAP + value_width) - len(rule)))
        for column, (header, value) in enumerate(zip(headers, row)):
            if value is None or value == "":
                continue
            text = wrap_text(value, value_width)
            if paint is not None:
                text = paint(column, text)
            first, *more = text.split("\n")
            out.append(f"{header.ljust(label_width)}{' ' * COLUMN_GAP}{first}".rstrip())
            out += [" " * (label_width + COLUMN_GAP) + line for line in more]
    return "\n".join(out)
