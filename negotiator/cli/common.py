"""What every command shares: the store, the output options and the one call to the renderer."""

from __future__ import annotations

import functools
import sys

import click

from negotiator.db.engine import Store
from negotiator.output import FORMATS

pass_store = click.make_pass_decorator(Store)


def output_options(command):
    """Add ``--format`` and ``--output`` to a listing or matrix command."""

    @click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )
    @click.option(
        "--output",
        "-o",
        metavar="FILE",
        default=None,
        help="Write to FILE instead of standard output (CSV files get a UTF-8 byte-order mark).",
    )
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        return command(*args, **kwargs)

    return wrapper


def emit(fmt: str, output: str | None, table=None, document=None, sections=None) -> None:
    """Render a Table (or a JSON document, or several tables as sections) to stdout or ``output``."""
    from negotiator.output import render

    _wrote(render(fmt, output, table=table, document=document, sections=sections))


def emit_stream(fmt: str, output: str | None, headers, parts) -> None:
    """Render a long result (CSV or JSON) part by part as ``parts`` yields them (see
    ``negotiator.output.stream``)."""
    from negotiator.output import stream

    _wrote(stream(fmt, output, headers, parts))


def _wrote(path) -> None:
    if path is not None:
        click.echo(f"wrote {path}", err=True)


def note(message: str) -> None:
    """A remark on stderr that is not an error (e.g. a warning about a missing quantity)."""
    click.echo(f"note: {message}", err=True)


def done(message: str) -> None:
    """The one-line confirmation of a write command, on stdout."""
    click.echo(message)


def is_interactive() -> bool:
    return sys.stdin.isatty()
