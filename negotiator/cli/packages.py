"""Drafting packages: ``package ...`` (tracking them: ``negotiator.cli.tracking``).

Thin: each command parses its options, calls ``negotiator.db.packages`` inside one write
transaction (or loads the catalogue and packages for reading), and hands tables built by
``negotiator.domain`` to the one renderer.  The ``package`` matrix builder lives here too
(``negotiator.cli.matrix`` looks it up by name).
"""

from __future__ import annotations

import click

from negotiator.cli.common import DATE_HELP, done, emit, note, output_options, parse_day, pass_store
from negotiator.cli.eras import check_pins, judging, judging_options
from negotiator.db.load import read
from negotiator.domain.model import STATUSES

# --- package ---------------------------------------------------------------------------------


@click.group()
def package() -> None:
    """Draft reciprocal step-by-step packages and follow their status.

    \b
    Example session:
      negotiator package new freeze-for-aid --title "Freeze for food aid"
      negotiator package step add freeze-for-aid --label Freeze --due 2027-03-01
      negotiator package place freeze-for-aid dprk.halt-nuclear-activity --step 1
      negotiator package place freeze-for-aid kaesong.wage --step 2 --qty 120
      negotiator package show freeze-for-aid
      negotiator package status-set freeze-for-aid agreed
    """


@package.command("new")
@click.argument("name")
@click.option("--title", default="", help="A one-line title.")
@click.option("--description", default="", help="Free text.")
@click.option("--from", "from_", metavar="OTHER", default=None, help="Start as a copy of package OTHER (based on it).")
@click.option("--date", "day", default=None, metavar="DATE",
              help="When it was or will be proposed or signed: the day it is judged on by default. " + DATE_HELP)
@pass_store
def package_new(store, name: str, title: str, description: str, from_: str | None, day: str | None) -> None:
    """Create an empty draft package (or a copy of another with --from).

    A package with a date is judged in the eras of that day (unless --as-of or --era say
    otherwise); without one, in today's.

    \b
    Examples:
      negotiator package new kaesong-first --date 2027-02-15 \\
          --title "Kaesong and NLL, infrastructure first"
      negotiator package new kaesong-variant --from kaesong-nll
    """
    from negotiator.db.packages import new_package

    on = parse_day(day, "package date")
    with store.write() as session:
        new_package(session, name, title=title, description=description, from_=from_, on=on)
    done(f"created package {name}" + (f" from {from_}" if from_ else ""))


@package.command("list")
@output_options
@pass_store
def package_list(store, fmt: str, output: str | None) -> None:
    """List packages: name, title, status, steps, moves, based on, last update.

    \b
    Example:
      negotiator package list --format csv --output packages.csv
    """
    from negotiator.db.load import package_summaries
    from negotiator.domain.drafting import packages_table

    with store.read() as connection:
        rows = package_summaries(connection)
    emit(fmt, output, table=packages_table(rows))


@package.command("show")
@click.argument("name")
@click.option("--detail", is_flag=True, help="In JSON, list every condition, not only the failed ones.")
@judging_options
@output_options
@pass_store
def package_show(store, name: str, detail: bool, as_of: str | None, pins: tuple[str, ...], fmt: str,
                 output: str | None) -> None:
    """Show a package as a grid (steps × parties) and which parties it satisfies.

    Each cell holds the moves that party takes in that step, with quantities.  Below the grid,
    one line per party says in which era it was judged, whether the package satisfies its
    conditions and, if not, why.  CSV gives the grid only (the same as `matrix package NAME`);
    JSON gives the steps and the verdict in the shape of `check --format json`.

    \b
    Examples:
      negotiator package show kaesong-nll
      negotiator package show kaesong-nll --format json --detail
      negotiator package show six-party-second-phase --era ROK=lee
    """
    from negotiator.domain.drafting import show_document
    from negotiator.domain.judging import Bench
    from negotiator.domain.matrices import package_matrix
    from negotiator.domain.verdicts import party_lines_table

    chosen = judging(as_of, pins)
    catalogue, (found,) = read(store, [name], first=lambda loaded: check_pins(loaded, chosen))
    check = Bench(catalogue, chosen).check(found)
    grid = package_matrix(catalogue, found)
    emit(fmt, output, table=grid, document=show_document(catalogue, found, check, detail),
         sections=[grid, party_lines_table(check)])


@package.command("copy")
@click.argument("source")
@click.argument("name")
@pass_store
def package_copy(store, source: str, name: str) -> None:
    """Copy a package (steps and placements) into a new draft based on it.

    \b
    Example:
      negotiator package copy kaesong-nll kaesong-variant
    """
    from negotiator.db.packages import copy_package

    with store.write() as session:
        copy_package(session, source, name)
    done(f"copied {source} to {name}")


@package.command("rename")
@click.argument("old")
@click.argument("new")
@pass_store
def package_rename(store, old: str, new: str) -> None:
    """Rename a package (its history and the packages based on it follow).

    \b
    Example:
      negotiator package rename kaesong-nll kaesong-and-nll
    """
    from negotiator.db.packages import rename_package

    with store.write() as session:
        rename_package(session, old, new)
    done(f"renamed {old} to {new}")


@package.command("rm")
@click.argument("name")
@pass_store
def package_rm(store, name: str) -> None:
    """Remove a package with its steps, placements and history.

    \b
    Example:
      negotiator package rm thaad-2017
    """
    from negotiator.db.packages import remove_package

    with store.write() as session:
        remove_package(session, name)
    done(f"removed package {name}")


@package.command("edit")
@click.argument("name")
@click.option("--title", default=None, help="New title.")
@click.option("--description", default=None, help="New description.")
@click.option("--date", "day", default=None, metavar="DATE",
              help="New date (the day it is judged on by default). " + DATE_HELP)
@click.option("--no-date", is_flag=True, help="Remove the date: it is judged on today's eras by default.")
@pass_store
def package_edit(store, name: str, title: str | None, description: str | None, day: str | None, no_date: bool) -> None:
    """Change a package's title, description or date.

    \b
    Examples:
      negotiator package edit kaesong-nll --title "Kaesong first, NLL later"
      negotiator package edit kaesong-nll --date 2009-08-15
    """
    from negotiator.db.packages import edit_package

    on = parse_day(day, "package date")
    with store.write() as session:
        edit_package(session, name, title=title, description=description, on=on, clear_date=no_date)
    done(f"updated package {name}")


@package.group("step")
def step() -> None:
    """Add, remove, reorder or edit a package's steps (always numbered 1..n)."""


@step.command("add")
@click.argument("name")
@click.option("--label", default="", help='What happens in the step, e.g. "Resume talks".')
@click.option("--due", default=None, metavar="DATE", help="Due date. " + DATE_HELP)
@click.option("--at", "at", type=int, default=None, metavar="N", help="Insert as step N (later steps move down).")
@pass_store
def step_add(store, name: str, label: str, due: str | None, at: int | None) -> None:
    """Add a step at the end (or as step N with --at).

    \b
    Example:
      negotiator package step add kaesong-nll --label "Talks" --due 2009-12-31
    """
    from negotiator.db.packages import add_step

    due_date = parse_day(due, "due date")
    with store.write() as session:
        ordinal = add_step(session, name, label=label, due=due_date, at=at)
    done(f"added step {ordinal} to {name}")


@step.command("edit")
@click.argument("name")
@click.argument("number", type=int)
@click.option("--label", default=None, help="New label.")
@click.option("--due", default=None, metavar="DATE", help="New due date. " + DATE_HELP)
@click.option("--no-due", is_flag=True, help="Remove the due date.")
@click.option("--on", "on", default=None, metavar="DATE",
              help="When the change was made, if not today (not before a step's last change). " + DATE_HELP)
@click.option("--note", default="", help="Why it changed, for the package's history.")
@click.option("--source", default="", help="Where that is recorded (a communique, a report).")
@pass_store
def step_edit(store, name: str, number: int, label: str | None, due: str | None, no_due: bool, on: str | None,
              note: str, source: str) -> None:
    """Change a step's label or due date.

    A change made in the past is recorded on its day with --on, so that "status --as-of" judges
    the step against the due date in force then.

    \b
    Examples:
      negotiator package step edit kaesong-nll 2 --label "Reopen the zone" \\
          --due 2009-10-01
      negotiator package step edit six-party-second-phase 1 --due 2008-10-31 \\
          --on 2008-07-12 --note "deadline moved by the communique"
    """
    from negotiator.db.packages import edit_step

    due_date = parse_day(due, "due date")
    with store.write() as session:
        edit_step(session, name, number, label=label, due=due_date, clear_due=no_due, on=parse_day(on, "date"),
                  note=note, source=source)
    done(f"updated step {number} of {name}")


@step.command("rm")
@click.argument("name")
@click.argument("number", type=int)
@click.option("--cascade", is_flag=True, help="Also remove the moves placed in it.")
@pass_store
def step_rm(store, name: str, number: int, cascade: bool) -> None:
    """Remove step N (refused while it holds moves, unless --cascade); later steps move up.

    \b
    Example:
      negotiator package step rm kaesong-nll 4 --cascade
    """
    from negotiator.db.packages import remove_step

    with store.write() as session:
        removed = remove_step(session, name, number, cascade=cascade)
    done(f"removed step {number} of {name}" + (f" and its moves {', '.join(removed)}" if removed else ""))


@step.command("move")
@click.argument("name")
@click.argument("number", type=int)
@click.option("--to", "to", type=int, required=True, metavar="M", help="The step's new position.")
@pass_store
def step_move(store, name: str, number: int, to: int) -> None:
    """Move step N to position M; the steps between shift by one.

    \b
    Example:
      negotiator package step move kaesong-nll 3 --to 1
    """
    from negotiator.db.packages import move_step

    with store.write() as session:
        move_step(session, name, number, to)
    done(f"moved step {number} of {name} to {to}")


@package.command("place")
@click.argument("name")
@click.argument("move")
@click.option("--step", "step_", type=int, default=None, metavar="N",
              help="The step (default: the last; N = steps + 1 adds a step).")
@click.option("--qty", default=None, metavar="X", help="Quantity, for a move with a unit (e.g. 120).")
@pass_store
def package_place(store, name: str, move: str, step_: int | None, qty: str | None) -> None:
    """Place a move in a step (a move is placed at most once per package).

    A quantity outside a party's bound is allowed in a draft (check reports it) but noted.

    \b
    Examples:
      negotiator package place kaesong-nll rok.food-aid-private --step 1
      negotiator package place kaesong-nll kaesong.wage --step 3 --qty 120
    """
    from negotiator.db.packages import place_move
    from negotiator.domain.model import parse_number

    quantity = parse_number(qty, "quantity") if qty is not None else None
    with store.write() as session:
        ordinal, notes = place_move(session, name, move, step=step_, quantity=quantity)
    for remark in notes:
        note(remark)
    done(f"placed {move} in step {ordinal} of {name}")


@package.command("unplace")
@click.argument("name")
@click.argument("move")
@pass_store
def package_unplace(store, name: str, move: str) -> None:
    """Take a move out of a package.

    \b
    Example:
      negotiator package unplace kaesong-nll rok.reaffirm-non-slander
    """
    from negotiator.db.packages import unplace_move

    with store.write() as session:
        ordinal = unplace_move(session, name, move)
    done(f"removed {move} from step {ordinal} of {name}")


@package.command("shift")
@click.argument("name")
@click.argument("move")
@click.option("--to", "to", type=int, required=True, metavar="N", help="The step to move it to.")
@pass_store
def package_shift(store, name: str, move: str, to: int) -> None:
    """Move a placed move to another step.

    \b
    Example:
      negotiator package shift kaesong-nll dprk.naval-cbms --to 2
    """
    from negotiator.db.packages import shift_move

    with store.write() as session:
        before, after = shift_move(session, name, move, to)
    done(f"{move} is in step {after} of {name}" + (f" (was {before})" if before != after else " already"))


@package.command("status-set")
@click.argument("name")
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--force", is_flag=True, help="Allow going back (needs --note).")
@click.option("--note", default="", help="Why; required with --force.")
@click.option("--on", default=None, metavar="DATE", help="When it happened (default: now). " + DATE_HELP)
@pass_store
def package_status_set(store, name: str, status: str, force: bool, note: str, on: str | None) -> None:
    """Set a package's status: draft → proposed → agreed → implementing → completed | collapsed.

    Going forward is free; going back (or between completed and collapsed) needs --force and a
    --note saying why.

    \b
    Example:
      negotiator package status-set kaesong-nll agreed --on 2009-08-10
    """
    from negotiator.db.tracking import set_status

    on_date = parse_day(on, "date")
    with store.write() as session:
        old = set_status(session, name, status, force=force, note=note, on=on_date)
    done(f"{name}: {old} → {status}")


# --- matrices (looked up by negotiator.cli.matrix) ---------------------------------------------


def package_grid_matrix(store, packages, request):
    from negotiator.domain.matrices import package_matrix

    catalogue, (found,) = read(store, [packages[0]])
    return package_matrix(catalogue, found)


__all__ = ["package"]
