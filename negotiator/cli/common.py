"""What every command shares: the store, the output options and the one call to the renderer,
where a new database may be made, and the parameter types of more than one command."""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from negotiator.db.engine import Store
from negotiator.domain.errors import NegotiatorError
from negotiator.output import FORMATS

if TYPE_CHECKING:
    from sqlmodel import Session

pass_store = click.make_pass_decorator(Store)


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
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
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return command(*args, **kwargs)

    return wrapper


def emit(fmt: str, output: str | None, table: Any = None, document: Any = None, sections: Any = None) -> None:
    """Render a Table (or a JSON document, or several tables as sections) to stdout or ``output``."""
    from negotiator.output import render

    _wrote(render(fmt, output, table=table, document=document, sections=sections))


def emit_stream(fmt: str, output: str | None, headers: Any, parts: Any) -> None:
    """Render a long result (CSV or JSON) part by part as ``parts`` yields them (see
    ``negotiator.output.stream``)."""
    from negotiator.output import stream

    _wrote(stream(fmt, output, headers, parts))


def _wrote(path: object) -> None:
    if path is not None:
        click.echo(f"wrote {path}", err=True)


DATE_HELP = "ISO date, YYYY-MM-DD (e.g. 2027-03-01)."


def parse_day(text: str | None, what: str) -> date | None:
    """An option's date (None when not given); a date in any other form is a clear error."""
    if text is None:
        return None
    from negotiator.domain.model import parse_date

    return parse_date(text, what)


def named_or_every(names: tuple[str, ...], every: bool) -> tuple[str, ...] | None:
    """The packages a command is given: those named, or (``--all``) every one, as ``read`` takes
    them (None: every package).  Naming some and ``--all`` together, or neither, is a usage error."""
    if every and names:
        raise click.UsageError("name packages or use --all, not both")
    if not every and not names:
        raise click.UsageError("name the packages, or use --all")
    return None if every else names


def note(message: str) -> None:
    """A remark on stderr that is not an error (e.g. a warning about a missing quantity)."""
    click.echo(f"note: {message}", err=True)


def done(message: str) -> None:
    """The one-line confirmation of a write command, on stdout."""
    click.echo(message)


def is_interactive() -> bool:
    return sys.stdin.isatty()


def waiting_note(store: Store) -> None:
    """Give the store the one line it calls for once a write has waited about a second."""
    from negotiator.db.locks import busy_timeout

    def say() -> None:
        note(f"another command is writing to {store.display}; waiting (up to {busy_timeout():g} s)")

    store.on_wait = say


# --- where a new database is made ----------------------------------------------------------------
# Only init, import, seed and demo make a database; every other command on a missing one fails.


@contextmanager
def database_made_if_missing(store: Store, announce: bool = True) -> Iterator[bool]:
    """Make the database if there is none (True inside the block when it was made).  When the
    block fails, or is interrupted, what was made is taken away again; when it succeeds, a note
    says that a new database was made (unless ``announce`` is off)."""
    made = store.create_if_missing()
    try:
        yield made is not None
    except BaseException:
        if made is not None:
            # Best effort: the command's own error is the one to show.
            with suppress(OSError, NegotiatorError):
                store.discard(made)
        raise
    if made is not None and announce:
        note(f"created a new negotiator database at {store.display}")


@contextmanager
def write_creating(store: Store) -> Iterator[Session]:
    """``store.write()`` for the commands that may make a new database (import, seed)."""
    with database_made_if_missing(store), store.write() as session:
        yield session


# --- parameter types -----------------------------------------------------------------------------


class PositiveSeconds(click.ParamType):
    """A duration in seconds: a finite number greater than zero (``nan``, ``inf``, 0 and negative
    numbers are refused as a usage error)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, bool):
            self.fail(f"'{value}' is not a number of seconds", param, ctx)
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"'{value}' is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or seconds <= 0:
            self.fail(f"'{value}' is not a positive, finite number of seconds", param, ctx)
        return seconds


POSITIVE_SECONDS = PositiveSeconds()
