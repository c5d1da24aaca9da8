"""``demo``: a guided tour of negotiator on the bundled Korea scenario.

The demo computes nothing itself.  It runs the real commands through the root group, exactly
as a user would type them, and prints each one as ``$ negotiator ...`` under a headed section
with a line or two on what to look for; so the tour can never drift from what the commands do,
and a user can copy any line and run it again.

A section whose command does not exist in this version of negotiator is left out (and named
at the end), never imitated.

Nothing of the user's is touched.  The demo has its own database, ``negotiator-demo.db`` in the
working folder, unless ``--db`` is given on the command line (``NEGOTIATOR_DB`` is ignored, so a
team database named in the environment never fills with demo rows); ``./negotiator.db`` is never
opened.  The files it writes go to a temporary folder it names, or to ``--out-dir``.  Running it
again re-uses its database: when the user has changed rows of the Korea scenario there, the seed
refuses to overwrite them (``WouldChange``) and the tour goes on with the user's data, saying how
to restore the scenario's values.
"""

from __future__ import annotations

import shlex
import tempfile
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import click

from negotiator.db.engine import Store

if TYPE_CHECKING:
    from negotiator.domain.errors import WouldChange

DEMO_DB = "negotiator-demo.db"
DEFAULT_CSV = "korea-positions.csv"
DEFAULT_BRIEF = "korea-brief.html"
WIDTH = 79  # the narration's lines fit an 80-column terminal


class Section(NamedTuple):
    """One headed part of the tour: what it shows, the commands it runs, what to look for."""

    title: str
    intro: str
    commands: tuple[tuple[str, ...], ...]
    needs: tuple[str, ...]  # command paths that must exist, e.g. ("package", "list")


def _sections(folder: Path) -> list[Section]:
    csv_file = str(folder / DEFAULT_CSV)
    brief = str(folder / DEFAULT_BRIEF)
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
            "each party's conditions, with the governments in Seoul, Washington and Tokyo they\n"
            "changed with; every row cites its source.",
            (("seed", "korea"),),
            ("seed",),
        ),
        Section(
            "The packages",
            "Step-by-step packages: analysts' drafts (Kaesong and the NLL, Japan and the DPRK,\n"
            "two orderings of one freeze-for-freeze, August 2009, THAAD in 2017) and agreements as\n"
            "they were made and carried out (1994, October 2007, the 2008 Fukuda deal, the\n"
            "September 2009 Kaesong wage settlement).",
            (("package", "list"),),
            ("package", "list"),
        ),
        Section(
            "Check which parties each package satisfies",
            "Each party is judged by the government in office on the package's date; every failed\n"
            "condition comes with its reason, naming the moves and steps involved.",
            (("check", "--all"),),
            ("check",),
        ),
        Section(
            "Does it survive a change of government?",
            "The October 2007 accord, judged in every government from its date to its last due\n"
            "date: Seoul under Lee and Tokyo under Aso wanted a verification protocol first.",
            (("check", "six-party-second-phase", "--robust"),),
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
            "Where the parties' quantities can meet",
            "For every move measured in a unit: what each party accepts, and where they meet or clash.",
            (("zopa",),),
            ("zopa",),
        ),
        Section(
            "Let the tool propose a package",
            "The best two-step package of the Kaesong moves, chosen, ordered and priced by the tool\n"
            "(add --save-as NAME to keep it).",
            (("compose", "--issue", "kaesong", "--steps", "2"),),
            ("compose",),
        ),
        Section(
            "Follow an accord as it was carried out",
            "The October 2007 accord move by move until it collapsed: implementation levels, who\n"
            "delivered what, and who was in arrears.",
            (("status", "six-party-second-phase"),),
            ("status",),
        ),
        Section(
            "A brief to mail",
            "One self-contained HTML page with every package's grid, verdicts and charts.",
            (("report", "--all", "--output", brief),),
            ("report",),
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


def _database_state(store: Store) -> str:
    """'new' when there is no database (or no schema) yet, else 'existing'."""
    if not store.exists():
        return "new"
    return "new" if store.revision() is None else "existing"


def _demo_database(root_ctx: click.Context) -> str:
    """``--db`` when given on the command line, else the demo's own file (never $NEGOTIATOR_DB)."""
    given = root_ctx.params.get("db")
    if given and root_ctx.get_parameter_source("db") == click.core.ParameterSource.COMMANDLINE:
        return str(given)
    return DEMO_DB


def _out_dir(out_dir: str | None) -> Path:
    if out_dir is None:
        return Path(tempfile.mkdtemp(prefix="negotiator-demo-"))
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@click.command()
@click.option(
    "--out-dir",
    "out_dir",
    default=None,
    metavar="DIR",
    help="Where to write the files of the tour (the CSV matrix); default: a new temporary folder.",
)
@click.pass_context
def demo(ctx: click.Context, out_dir: str | None) -> None:
    """Walk through negotiator on the bundled Korea scenario, in a database of its own.

    Builds negotiator-demo.db in the current folder (or the database given with --db before
    `demo`; NEGOTIATOR_DB is not used, and ./negotiator.db is never touched), loads the Korea
    scenario, and runs package list, check, compare, sequence, status and a CSV positions
    matrix, showing each command as you would type it.  Files go to a temporary folder (or
    --out-dir).  Running it again re-uses the demo database and keeps any changes you made there.

    \b
    Examples:
      negotiator demo
      negotiator demo --out-dir briefing
      negotiator --db korea.db demo
    """
    from negotiator.domain.errors import NegotiatorError, WouldChange

    root_ctx = ctx.find_root()
    root = root_ctx.command
    assert isinstance(root, click.Group)
    database = _demo_database(root_ctx)
    store = Store(database)
    # The commands shown always name the database, so that each line typed again in the same
    # shell reaches the demo's database rather than ./negotiator.db.
    prefix = ("negotiator", "--db", database)
    actual_db = store.url if store.path is None else str(store.path)
    folder = _out_dir(out_dir)

    state = _database_state(store)
    _heading("negotiator demo: the Korean Peninsula talks", "=")
    if state == "new":
        click.echo(f"Building a new demo database at {store.display}.")
    else:
        click.echo(f"Re-using the demo database at {store.display}; any changes you made there are kept.")
    click.echo(f"Files of the tour go to {folder}.")

    left_out: list[str] = []
    number = 0
    for section in _sections(folder):
        if not _available(root, ctx, section.needs):
            left_out.append(" ".join(section.needs))
            continue
        number += 1
        _heading(f"{number}. {section.title}", "-")
        click.echo(textwrap.fill(section.intro, WIDTH))
        for args in section.commands:
            click.echo()
            click.echo("$ " + shlex.join((*prefix, *args)))
            try:
                root.main(["--db", actual_db, *args], prog_name="negotiator", standalone_mode=False)
            except WouldChange as exc:
                _kept_changes(exc, prefix, args)
            except NegotiatorError as exc:
                if state == "new":  # on a fresh database every step must work
                    raise
                click.echo(f"This step does not run on the demo database as you changed it: {exc}")
        if section.needs == ("report",):
            click.echo()
            click.echo(f"Open {(folder / DEFAULT_BRIEF).resolve()} in a browser.")
        if section.needs == ("matrix",):
            click.echo()
            click.echo(f"The positions matrix is in {(folder / DEFAULT_CSV).resolve()}")

    _heading("What next", "-")
    click.echo("Explore any package with")
    click.echo(f"  {shlex.join(prefix)} package show NAME")
    click.echo("and see `negotiator --help` for the rest.")
    if left_out:
        click.echo(textwrap.fill("Not shown, because this version of negotiator has no such command yet: "
                                 + ", ".join(left_out) + ".", WIDTH))


def _kept_changes(exc: WouldChange, prefix: tuple[str, ...], args: tuple[str, ...]) -> None:
    """The seed found rows the user changed: keep them, say so, and say how to restore them."""
    count = len(exc.changes)
    rows = "row" if count == 1 else "rows"
    click.echo(textwrap.fill(f"Left {count} {rows} of the Korea scenario as you changed them; the tour goes on "
                             "with your data.", WIDTH))
    click.echo("To restore the scenario's values:")
    click.echo(f"  {shlex.join((*prefix, *args, '--replace'))}")


__all__ = ["DEFAULT_BRIEF", "DEFAULT_CSV", "DEMO_DB", "demo"]
