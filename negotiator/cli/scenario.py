"""``import``, ``export`` and ``seed``: scenario files in and out of the database (DESIGN §7).

Thin: read the file, hand it to ``negotiator.scenario`` and ``negotiator.db.scenario`` inside one
write transaction, and print what changed.  A file with problems raises ScenarioProblems, which
the root group prints as ``Error: N problems in scenario, nothing imported:`` followed by one
``FILE:LINE: message`` line per problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from negotiator.cli import common
from negotiator.cli.common import done, emit, output_options, pass_store, write_creating
from negotiator.domain.errors import InvalidValue, NegotiatorError, UnknownCode

STDIN_NAME = "<stdin>"


def _read_text(file: str) -> tuple[str, str]:
    """(text, name shown in problems) of FILE, or of standard input for ``-``."""
    if file == "-":
        return sys.stdin.read(), STDIN_NAME
    try:
        raw = Path(file).read_bytes()
    except IsADirectoryError:
        raise InvalidValue(f"{file} is a folder, not a scenario file") from None
    try:
        return raw.decode("utf-8-sig"), file
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidValue(f"{file}:{line}: not UTF-8 text; save the file as UTF-8") from None


def _load(store, text: str, name: str, replace: bool, wipe: bool, yes: bool, reads_stdin: bool) -> None:
    """Parse, confirm a wipe, import in one transaction, and print the summary."""
    from negotiator.db.scenario import import_scenario
    from negotiator.domain.model import Scenario
    from negotiator.scenario import check_scenario, parse_scenario

    parsed = parse_scenario(text, name)
    if wipe:
        # A file that cannot be imported is reported before anyone is asked to delete anything.
        check_scenario(parsed, Scenario())
        _confirm_wipe(store, name, yes, reads_stdin)
    with write_creating(store) as session:
        summary = import_scenario(session, parsed, replace=replace, wipe=wipe)
    if summary.removed:
        removed = ", ".join(f"{count} {kind}" for kind, count in summary.removed.items() if count)
        done(f"removed everything first ({removed or 'the database was empty'})")
    done(f"imported {name} into {store.display}")
    for line in summary.lines() or ["the file holds nothing to import"]:
        done(f"  {line}")


def _confirm_wipe(store, name: str, yes: bool, reads_stdin: bool) -> None:
    if yes:
        return
    if reads_stdin or not common.is_interactive():
        raise NegotiatorError(
            f"--wipe deletes every row in {store.display}; add --yes to confirm when not "
            "running interactively"
        )
    click.confirm(
        f"Delete every party, move, position, condition and package in {store.display} "
        f"and import {name} instead?",
        abort=True,
    )


_REPLACE_HELP = ("Overwrite the rows the file changes with the file's (without it, an import that "
                 "would change rows already in the database is refused and lists them).")
_WIPE_HELP = "Delete everything in the database first (asks for confirmation unless --yes)."
_YES_HELP = "Do not ask before --wipe deletes everything."


@click.command("import")
@click.argument("file", metavar="FILE|-")
@click.option("--replace", is_flag=True, help=_REPLACE_HELP)
@click.option("--wipe", is_flag=True, help=_WIPE_HELP)
@click.option("--yes", "-y", is_flag=True, help=_YES_HELP)
@pass_store
def import_command(store, file: str, replace: bool, wipe: bool, yes: bool) -> None:
    """Import a scenario file (YAML); give - to read standard input.

    Parties, issues and moves are matched by code, positions by party and move, conditions by
    name (or party and text), packages by name.  Rows the database lacks are added and identical
    rows are left as they are.  If the file would change a row the database already holds (a
    name, a cost, a weight, a package's steps...), nothing is imported and every such change is
    listed: add --replace to overwrite those rows with the file's.  A package's history is never
    lost: it only gains the file's entries.  Every problem in the file is reported at once as
    FILE:LINE, and nothing is imported unless the whole file is sound.

    \b
    Examples:
      negotiator import talks.yaml
      negotiator import talks.yaml --replace
      negotiator export - | negotiator --db copy.db import -
      negotiator import backup.yaml --wipe --yes
    """
    text, name = _read_text(file)
    _load(store, text, name, replace, wipe, yes, reads_stdin=file == "-")


@click.command("export")
@click.argument("file", metavar="FILE|-")
@pass_store
def export_command(store, file: str) -> None:
    """Write the whole database as a scenario file (YAML); give - for standard output.

    Every row is written, package history included, so that importing the file into an empty
    database gives the same content.

    \b
    Examples:
      negotiator export talks.yaml
      negotiator export - > backup.yaml
    """
    from negotiator.db.scenario import export_scenario
    from negotiator.output import write_output
    from negotiator.scenario import write_scenario

    with store.read() as connection:
        scenario = export_scenario(connection)
    text = write_scenario(scenario)
    if file == "-":
        click.echo(text, nl=False)
        return
    write_output(text, file, "yaml")  # whole or not at all: a failed export leaves an older file as it was
    catalogue = scenario.catalogue
    counts = [(len(catalogue.parties), "parties"), (len(catalogue.issues), "issues"),
              (len(catalogue.moves), "moves"), (len(catalogue.positions), "positions"),
              (len(catalogue.conditions), "conditions"), (len(scenario.packages), "packages")]
    done(f"exported {', '.join(f'{n} {kind}' for n, kind in counts)} to {file}")


def bundled_seeds() -> dict[str, Path]:
    from negotiator.paths import seeds_dir

    folder = seeds_dir()
    if not folder.is_dir():
        return {}
    return {path.stem: path for path in sorted(folder.glob("*.yaml"))}


def describe_seed(path: Path) -> str:
    """The first comment line of a seed file: its one-line description."""
    with path.open(encoding="utf-8-sig") as lines:
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("#"):
                return stripped.lstrip("#").strip()
            if stripped:
                break
    return ""


@click.command("seed")
@click.argument("name", default="korea")
@click.option("--list", "listing", is_flag=True, help="List the bundled scenarios instead.")
@click.option("--replace", is_flag=True, help=_REPLACE_HELP)
@click.option("--wipe", is_flag=True, help=_WIPE_HELP)
@click.option("--yes", "-y", is_flag=True, help=_YES_HELP)
@output_options
@pass_store
def seed(store, name: str, listing: bool, replace: bool, wipe: bool, yes: bool, fmt: str,
         output: str | None) -> None:
    """Load a scenario bundled with negotiator (default: korea), or --list them.

    Loading works like import: missing rows are added and identical ones left alone, so seeding
    twice is safe.  If you have changed rows the scenario also holds, seeding is refused and
    lists them, so that nothing you did is silently undone; --replace puts the scenario's
    values back.

    \b
    Examples:
      negotiator seed
      negotiator seed --list
      negotiator seed korea --replace
    """
    seeds = bundled_seeds()
    if listing:
        from negotiator.domain.table import Table

        rows = tuple((seed_name, describe_seed(path)) for seed_name, path in seeds.items())
        emit(fmt, output, table=Table(("name", "description"), rows, title="Bundled scenarios"))
        return
    if name not in seeds:
        raise UnknownCode("seed", name, seeds)
    path = seeds[name]
    _load(store, path.read_text(encoding="utf-8-sig"), f"seeds/{path.name}", replace, wipe, yes,
          reads_stdin=False)


__all__ = ["bundled_seeds", "describe_seed", "export_command", "import_command", "seed"]
