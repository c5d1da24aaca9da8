"""Tracking agreed packages: ``track``, ``status`` and ``log``.

Thin, as the drafting commands: ``track`` calls ``negotiator.db.tracking`` inside one write
transaction; ``status`` and ``log`` load the package with its history and hand tables built by
``negotiator.domain.tracker`` to the one renderer.  The ``implementation`` matrix builder lives
here too (``negotiator.cli.matrix`` looks it up by name).
"""

from __future__ import annotations

import click

from negotiator.cli.common import DATE_HELP, done, emit, output_options, parse_day, pass_store
from negotiator.db.load import read

# --- tracking --------------------------------------------------------------------------------


@click.command()
@click.argument("package_name", metavar="PKG")
@click.argument("move")
@click.argument("level")
@click.option("--on", default=None, metavar="DATE", help="When it happened (default: now). " + DATE_HELP)
@click.option("--note", default="", help="What happened.")
@click.option("--source", default="", help="Where that is reported.")
@pass_store
def track(store, package_name: str, move: str, level: str, on: str | None, note: str, source: str) -> None:
    """Record how far a move of an agreed package has been implemented.

    LEVEL is 0 (not started), 1 (minimal), 2 (intermediate), 3 (full) or reversed.  Only agreed
    or implementing packages are tracked; the first update moves an agreed package to
    implementing.

    \b
    Example session (the package is agreed first):
      negotiator package status-set kaesong-nll agreed --on 2009-08-10
      negotiator track kaesong-nll dprk.repatriate-hyundai-employee 3 \\
          --on 2009-08-13 --note "handed over at Kaesong"
    """
    from negotiator.db.tracking import track_move

    on_date = parse_day(on, "date")
    with store.write() as session:
        old, new, started = track_move(session, package_name, move, level, on=on_date, note=note, source=source)
    if started:
        done(f"{package_name}: agreed → implementing")
    done(f"{move} in {package_name}: {old} → {new}")


@click.command()
@click.argument("package_name", metavar="PKG")
@click.option("--as-of", default=None, metavar="DATE",
              help="The state on DATE (default: every update so far, due dates judged against today). " + DATE_HELP)
@output_options
@pass_store
def status(store, package_name: str, as_of: str | None, fmt: str, output: str | None) -> None:
    """Where a package's implementation stands (on a date with --as-of).

    Per step and move its level; per party what it has delivered and received (values weighted
    by level/3, reversed counting as 0), its realised balance and exposure; the current step;
    overdue steps; and the parties in arrears.  Moves are valued with the positions in force on
    the --as-of date (without it: on the package's date, else today), and each party's line says
    which era that is.  CSV gives the implementation matrix.

    \b
    Example:
      negotiator status six-party-second-phase --as-of 2008-06-30
    """
    from datetime import date

    from negotiator.domain.judging import Bench, Judging
    from negotiator.domain.matrices import implementation_matrix
    from negotiator.domain.tracker import (
        moves_table,
        package_status,
        parties_table,
        status_document,
        steps_table,
    )

    when = parse_day(as_of, "--as-of date")
    catalogue, (found,) = read(store, [package_name], history=True)
    in_force = Bench(catalogue, Judging(today=date.today(), as_of=when)).view(found)
    state = package_status(in_force, found, when, today=date.today())
    parties = [p.code for p in catalogue.parties]
    emit(
        fmt,
        output,
        table=implementation_matrix(in_force, state),
        document=status_document(state),
        sections=[moves_table(state), steps_table(state, parties), parties_table(state)],
    )


@click.command()
@click.argument("package_name", metavar="PKG")
@output_options
@pass_store
def log(store, package_name: str, fmt: str, output: str | None) -> None:
    """A package's history: every drafting change, status change and implementation update.

    \b
    Example:
      negotiator log six-party-second-phase --format csv --output history.csv
    """
    from negotiator.domain.drafting import log_table

    _, (found,) = read(store, [package_name], history=True)
    emit(fmt, output, table=log_table(found))


# --- matrices (looked up by negotiator.cli.matrix) ---------------------------------------------


def implementation_status_matrix(store, packages, request):
    """``matrix implementation PKG``: the state on the --as-of date, moves valued with the
    positions in force on it."""
    from negotiator.domain.judging import Bench
    from negotiator.domain.matrices import implementation_matrix
    from negotiator.domain.tracker import package_status

    catalogue, (found,) = read(store, [packages[0]], history=True)
    chosen = request.judging(catalogue)
    in_force = Bench(catalogue, chosen).view(found)
    return implementation_matrix(in_force, package_status(in_force, found, chosen.as_of, today=chosen.today))


__all__ = ["log", "status", "track"]
