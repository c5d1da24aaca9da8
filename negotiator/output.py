"""The one renderer: a ``Table`` (or a JSON document) -> table | csv | json | markdown.

Every listing and matrix goes through :func:`render`; commands never format cells themselves.

CSV follows RFC 4180 (CRLF line ends, quotes doubled), is UTF-8 with a byte-order mark when it
goes to a file (spreadsheets need it to read UTF-8), and guards against formula injection: a text
cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``.
Numbers stay numbers — only text is guarded, so ``-3`` as a number is written as ``-3``.

JSON is a document: commands that have a richer shape than rows (``check``, ``compare``,
``sequence``) pass their own; plain listings become a list of records.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime
from itertools import chain
from pathlib import Path
from typing import Any

from negotiator.domain.errors import InvalidValue
from negotiator.domain.table import Table

FORMATS = ("table", "csv", "json", "markdown")
_FORMULA_CHARS = frozenset("=+-@\t\r")


def _plain(value: Any) -> Any:
    """A cell as JSON/CSV should see it: dates as ISO text, integral floats as ints."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def csv_cell(value: Any) -> Any:
    """One CSV cell: text guarded against formulas, numbers kept as numbers, None empty.

    Checks the common types first: ``check --all`` renders millions of cells.
    """
    kind = type(value)
    if kind is str:
        return "'" + value if value[:1] in _FORMULA_CHARS else value
    if kind is int:
        return value
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if kind is float:
        return int(value) if math.isfinite(value) and value.is_integer() else value
    value = _plain(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return csv_cell(str(value))


def _text_cell(value: Any) -> Any:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _csv_rows(rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """The rows as the csv module should write them: text guarded, other values as cells.

    ``check --all`` writes millions of cells, most of them plain text, whole numbers or empty,
    which the csv module writes as they are.  So the distinct cells and their types are gathered
    first (in C); only when something needs changing are the rows holding it rewritten.
    """
    # Types are taken from every cell, not from the set: True == 1 == 1.0 would hide a bool there.
    if not set(map(type, chain.from_iterable(rows))) <= _PLAIN_KINDS:
        return [[csv_cell(c) for c in row] for row in rows]
    cells = set(chain.from_iterable(rows))
    guard = _FORMULA_CHARS
    unsafe = {c for c in cells if type(c) is str and c[:1] in guard}
    if not unsafe:
        return rows
    return [row if unsafe.isdisjoint(row) else [csv_cell(c) for c in row] for row in rows]


_PLAIN_KINDS = frozenset({str, int, type(None)})


def _csv_text(rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(_csv_rows(rows))
    return buffer.getvalue()


def to_csv(table: Table) -> str:
    return _csv_text([table.headers]) + _csv_text(table.rows)


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _json(value: Any, indent: str, depth: int) -> str:
    """Indent the outer levels for people; below them one line per item, by the C encoder."""
    if depth <= 0 or not isinstance(value, (dict, list, tuple)) or not value:
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    inner = indent + "  "
    if isinstance(value, dict):
        items = [
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_json(v, inner, depth - 1)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    return "[\n" + ",\n".join(inner + _json(v, inner, depth - 1) for v in value) + "\n" + indent + "]"


def to_json(document: Any) -> str:
    """JSON text of a document.  The outer three levels are indented; deeper values (one package's
    verdict, one option of a sequence) each stay on one line, which keeps the fast C encoder.

    Documents are written as given (they hold ints where a value is whole); the records of a
    plain table get the same cell treatment as the other formats (``_plain``).
    """
    return _json(document, "", 3) + "\n"


def _markdown_cell(value: Any) -> Any:
    """A Markdown table cell: a ``|`` would end the cell and a newline the row, so both are escaped."""
    if not isinstance(value, str):
        return value
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def _spaced(body: str, heights: list[int]) -> str:
    """A "simple" table with a blank line after each row (``heights``: lines per row)."""
    lines = body.split("\n")
    out, at = lines[:2], 2
    for height in heights:
        if at > 2:
            out.append("")
        out += lines[at : at + height]
        at += height
    return "\n".join(out)


def to_text_table(table: Table, fmt: str, width: int | None = None, colour: bool = False) -> str:
    """``table`` as a text table (``fmt`` "table") or Markdown.

    A table is fitted to ``width`` when one is given (long text wraps, or rows become records
    when even that cannot fit); ``colour`` marks the verdict words.  Markdown is never fitted or
    coloured, and escapes ``|`` and newlines in its cells.
    """
    from tabulate import tabulate

    from negotiator import terminal

    headers = list(table.headers)
    rows = [[_text_cell(cell) for cell in row] for row in table.rows]
    markdown = fmt == "markdown"
    if markdown:
        headers = [_markdown_cell(h) for h in headers]
        rows = [[_markdown_cell(cell) for cell in row] for row in rows]
    style = "github" if markdown else "simple"
    # Text is text: only columns holding numbers are aligned as numbers.  (tabulate would
    # otherwise try to read every text cell as a number -- most of its time on a long table --
    # and right-align a code that happens to look like one.)
    text_columns = [i for i in range(len(headers)) if rows and not any(type(row[i]) in (int, float) for row in rows)]
    painted = [i for i, h in enumerate(headers) if colour and not markdown and h in terminal.VERDICT_COLUMNS]

    def paint(column: int, text: str) -> str:
        return terminal.colour_verdict(text) if column in painted else text

    def lay_out(cells: list[list[Any]], spaced: bool = False) -> str:
        if painted:
            cells = [[paint(i, c) if isinstance(c, str) else c for i, c in enumerate(row)] for row in cells]
        body = tabulate(cells, headers=headers, tablefmt=style, disable_numparse=text_columns or False)
        if spaced:  # wrapped rows run into each other without a blank line between them
            body = _spaced(body, [max(str(c).count("\n") + 1 for c in row) for row in cells])
        return body

    if width is not None:
        width = max(width, terminal.NARROWEST)
    body = lay_out(rows)
    if fmt == "table" and width is not None and rows and terminal.widest_line(body) > width:
        wrappable = [i in text_columns for i in range(len(headers))]
        fitted = terminal.fit(headers, rows, wrappable, width, lay_out)
        body = fitted if fitted is not None else terminal.records(headers, rows, width, paint)
    if fmt == "table" and not table.rows:
        body = "(none)" if not table.headers else body + "\n(none)"
    title = ""
    if table.title:
        if markdown:
            title = "## " + " ".join(table.title.split()) + "\n\n"
        else:
            shown = table.title if width is None else terminal.wrap_text(table.title, width)
            title = shown + "\n\n"
    return title + body + "\n"


def render_text(
    fmt: str,
    table: Table | None = None,
    document: Any = None,
    sections: list[Table] | None = None,
    width: int | None = None,
    colour: bool = False,
) -> str:
    """The text of a result in ``fmt``.

    JSON uses ``document`` when given, else the records of ``table``.  A result made of several
    tables (``sections``) shows them one after another as table or Markdown, while CSV holds its
    one matrix, ``table``.  ``width`` and ``colour`` apply to the table format only (see
    :func:`to_text_table`).
    """
    if fmt not in FORMATS:
        raise InvalidValue(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
    if fmt == "json":
        return to_json(document if document is not None else (_plain(table.records()) if table else []))
    if table is None and not (sections and fmt != "csv"):
        raise InvalidValue(f"this result has no {fmt} form; use --format json")
    if fmt == "csv":
        assert table is not None
        return to_csv(table)
    if sections:
        return "\n".join(to_text_table(section, fmt, width, colour) for section in sections)
    assert table is not None
    return to_text_table(table, fmt, width, colour)


def screen_settings(output: str | None, fmt: str) -> tuple[int | None, bool]:
    """The width to fit to and whether to colour, for ``fmt`` going to ``output``: only a table
    on standard output is fitted (to the terminal, or ``COLUMNS``) and coloured (on a terminal,
    without ``NO_COLOR``); files and pipes get it whole and plain."""
    if fmt != "table" or _file_of(output) is not None:
        return None, False
    import sys

    from negotiator import terminal

    return terminal.terminal_width(sys.stdout), terminal.wants_colour(sys.stdout)


def _file_of(output: str | None) -> Path | None:
    """The file ``--output`` names; None for standard output (no option, or ``-``)."""
    return Path(output) if output and output != "-" else None


@contextmanager
def _sink(output: str | None, fmt: str, binary: bool = False) -> Iterator[Callable[[Any], Any]]:
    """Where text goes: a function writing to stdout or to the file ``output`` (CSV files get a
    BOM).

    A regular file is written beside its target and moved over it only when everything has been
    written, so a failure part way (or Ctrl-C) leaves the file that was there before, or none.
    Anything else (``/dev/null``, a pipe) is written in place and never removed.
    """
    named = _file_of(output)
    if named is None:
        import click

        yield lambda text: click.echo(text, nl=False)
        return
    check_folder(str(named))
    target = Path(os.path.realpath(named))
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    # Binary content (a PNG chart) is written as it is; text with the format's encoding.
    mode: dict[str, Any] = {} if binary else {"encoding": encoding, "newline": ""}

    def failed(exc: OSError) -> InvalidValue:
        return InvalidValue(f"cannot write {output}: {exc.strerror or exc}")

    partial: Path | None = None
    try:
        if not target.exists() or target.is_file():
            partial = target.with_name(f".{target.name}.{os.getpid()}.part")
            try:
                handle = open(partial, "xb" if binary else "x", **mode)  # noqa: SIM115 (closed below, on every path)
            except OSError:  # a folder we may not add to: write the file itself
                partial = None
        if partial is None:
            handle = open(target, "wb" if binary else "w", **mode)  # noqa: SIM115
    except OSError as exc:
        raise failed(exc) from None

    def write(content: Any) -> None:
        try:
            handle.write(content)
        except OSError as exc:
            raise failed(exc) from None

    try:
        yield write
    except BaseException:
        with suppress(OSError):
            handle.close()
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise
    try:
        handle.close()
        if partial is not None:
            if target.exists():
                shutil.copymode(target, partial)
            os.replace(partial, target)
    except OSError as exc:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise failed(exc) from None


def write_output(text: str, output: str | None, fmt: str) -> Path | None:
    """Print ``text``, or write it to ``output`` (CSV gets a BOM in files).  Returns the path."""
    with _sink(output, fmt) as write:
        write(text)
    return _file_of(output)


def check_folder(output: str) -> None:
    """A file is written only into a folder that exists: one is never created on the way."""
    folder = Path(output).resolve().parent
    if not folder.is_dir():
        raise InvalidValue(f"cannot write {output}: the folder {folder} does not exist")


def write_file(content: str | bytes, output: str) -> Path:
    """Write a whole document (an HTML brief, an SVG or PNG chart) to the file ``output``, the
    same way as every other output: beside the target first, then moved over it, so that a
    failure leaves no partial file.  A missing folder is an error, not created."""
    if _file_of(output) is None:
        raise InvalidValue("name the file to write with --output FILE")
    named = Path(output)
    with _sink(output, "bytes" if isinstance(content, bytes) else "text", binary=isinstance(content, bytes)) as write:
        write(content)
    return named


STREAMED = ("csv", "json")


def stream(fmt: str, output: str | None, headers: Sequence[str], parts: Iterable[Sequence[Any]]) -> Path | None:
    """Render a long result part by part, as it is made, to stdout or ``output``.

    For a result too big to hold twice (``check --all``): each part is a list of rows (CSV, under
    ``headers``) or of items of one JSON list (JSON).  Only one part is in memory at a time, and
    the text is exactly what rendering the whole at once would give.  Table and Markdown need
    every row for their column widths: render those whole with :func:`render`.
    """
    if fmt not in STREAMED:
        raise InvalidValue(f"format '{fmt}' cannot be streamed: use one of {', '.join(STREAMED)}")
    with _sink(output, fmt) as write:
        if fmt == "csv":
            write(_csv_text([headers]))
            for rows in parts:
                write(_csv_text(rows))
        else:
            opening = "[\n  "
            for items in parts:
                if items:
                    write(opening + ",\n  ".join(_json(item, "  ", 2) for item in items))
                    opening = ",\n  "
            write("[]\n" if opening == "[\n  " else "\n]\n")
    return _file_of(output)


def render(
    fmt: str,
    output: str | None = None,
    table: Table | None = None,
    document: Any = None,
    sections: list[Table] | None = None,
) -> Path | None:
    width, colour = screen_settings(output, fmt)
    text = render_text(fmt, table=table, document=document, sections=sections, width=width, colour=colour)
    return write_output(text, output, fmt)
