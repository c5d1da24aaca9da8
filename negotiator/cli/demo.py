"""``demo``: a guided tour of negotiator on the bundled Korea scenario (DESIGN §8, issue 4).

The demo computes nothing itself.  It runs the real commands through the root group, exactly
as a user would type them, and prints each one as ``$ negotiator ...`` under a headed section
with a line or two on what to look for; so the tour can never drift from what the commands do,
and a user can copy any line and run it again.

A section whose command does not exist in this version of negotiator is left out (and named
at the end), never imitated.  Running the demo again re-uses the database: ``init`` leaves an
up-to-date schema alone and ``seed`` updates the Korea rows in place, so nothing is lost and
nothing is duplicated.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import NamedTuple

import click

from negotiator.cli.common import pass_store

DEFAULT_CSV = "korea-positions.csv"


class Section(NamedTuple):
    """One headed part of the tour: what it shows, the commands it runs, what to look for."""

    title: str
    intro: str
    commands: tuple[tuple[str, ...], ...]
    needs: tuple[str, ...]  # command paths that must exist, e.g. ("package", "list")


def _sections(csv_file: str) -> list[Section]:
    return [
        Section(
            "Create the database",
            "negotiator keeps everything in one database (SQLite here; PostgreSQL works too).",
            (("init",),),
            ("init",),
        ),
        Section(
            "Load the Korea scenario",
            "Six parties, the moves each can make, what each demands, offers and opposes, and\n"
            "each party's conditions, every row citing its source document.",
            (("seed", "korea"),),
            ("seed",),
        ),
        Section(
            "The packages",
            "Step-by-step packages drafted from the documents: Kaesong and the NLL, Japan and\n"
            "the DPRK, two orderings of the same freeze-for-freeze moves, August 2009, and the\n"
            "October 2007 six-party accord as it was carried out.",
            (("package", "list"),),
            ("package", "list"),
        ),
        Section(
            "Check which parties each package satisfies",
            "Every failed condition comes with its reason, naming the moves and steps involved.",
            (("check", "--all"),),
            ("check",),
        ),
        Section(
            "Compare the two freeze-for-freeze sequencings",
            "The same six moves in two orders: see who is out of pocket (exposed) at which step.",
            (("compare", "freeze-dprk-first", "freeze-alliance-first"),),
            ("compare",),
        ),
        Section(
            "Let the solver find a better order",
            "sequence keeps the moves and searches for the ordering that satisfies the most\n"
            "parties with the least exposure (add --save-as NAME to keep it as a new package).",
            (("sequence", "freeze-dprk-first", "--alternatives", "1"),),
            ("sequence",),
        ),
        Section(
            "Follow an agreed package as it is carried out",
            "Implementation level of each move, who has delivered what, and who is in arrears.",
            (("status", "six-party-second-phase"),),
            ("status",),
        ),
        Section(
            "Export the positions matrix for a spreadsheet",
            "Moves by parties: who demands, offers or opposes each move, with weights and bounds.",
            (("matrix", "positions", "--format", "csv", "--output", csv_file),),
            ("matrix",),
        ),
    ]


def _available(root: click.Group, ctx: click.Context, path: tuple[str, ...]) -> bool:
    """Whether ``negotiator PATH...`` names a command in this version."""
    command: click.Command | None = root
    for name in path:
        if not isinstance(command, click.Group):
            return False
        command = command.get_command(ctx, name)
        if command is None:
            return False
    return True


def _heading(text: str, underline: str) -> None:
    click.echo()
    click.echo(text)
    click.echo(underline * len(text))


def _database_state(store) -> str:
    """'new' when there is no database (or no schema) yet, else 'existing'."""
    if not store.exists():
        return "new"
    return "new" if store.revision() is None else "existing"


@click.command()
@click.option(
    "--csv",
    "csv_file",
    default=DEFAULT_CSV,
    show_default=True,
    metavar="FILE",
    help="Where to write the positions matrix (CSV).",
)
@pass_store
@click.pass_context
def demo(ctx: click.Context, store, csv_file: str) -> None:
    """Build a demo database from the bundled Korea scenario and walk through it.

    Creates the database (./negotiator.db, or --db) if needed, loads seeds/korea.yaml, and runs
    package list, check, compare, sequence, status and a CSV positions matrix, showing each
    command as you would type it.  Running it again re-uses the database and reloads the seed.

    \b
    Examples:
      negotiator demo
      negotiator --db korea.db demo --csv positions.csv
    """
    root = ctx.find_root().command
    root_ctx = ctx.find_root()
    # Subcommands get the database explicitly; the commands shown carry --db only when the user
    # gave it, so that each shown line, typed again in the same shell, reaches the same database.
    given_db = root_ctx.params.get("db")
    from_command_line = root_ctx.get_parameter_source("db") == click.core.ParameterSource.COMMANDLINE
    shown_prefix = ("--db", given_db) if from_command_line and given_db else ()
    actual_db = store.url if store.path is None else str(store.path)

    state = _database_state(store)
    _heading("negotiator demo: the Korean Peninsula talks", "=")
    if state == "new":
        click.echo(f"Building a new demo database at {store.display}.")
    else:
        click.echo(
            f"Re-using the existing database at {store.display}: init leaves its schema as it is,\n"
            "and seed reloads the Korea scenario, updating its rows in place (other rows are kept)."
        )

    left_out: list[str] = []
    number = 0
    for section in _sections(csv_file):
        if not _available(root, ctx, section.needs):
            left_out.append(" ".join(section.needs))
            continue
        number += 1
        _heading(f"{number}. {section.title}", "-")
        click.echo(section.intro)
        for args in section.commands:
            click.echo()
            click.echo("$ " + shlex.join(("negotiator", *shown_prefix, *args)))
            root.main(["--db", actual_db, *args], prog_name="negotiator", standalone_mode=False)
        if section.needs == ("matrix",):
            click.echo()
            click.echo(f"The positions matrix is in {Path(csv_file).resolve()}")

    _heading("What next", "-")
    prefix = shlex.join(("negotiator", *shown_prefix))
    click.echo(f"Explore any package with `{prefix} package show NAME`; see `negotiator --help` for the rest.")
    if left_out:
        click.echo("Not shown, because this version of negotiator has no such command yet: "
                   + ", ".join(left_out) + ".")


__all__ = ["demo"]
