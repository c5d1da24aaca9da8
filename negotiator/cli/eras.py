"""``era add/list/show/edit/rm``, and the options that say when and in which eras packages are
judged (``--as-of``, ``--era PARTY=NAME``) for every command that judges them.

Thin: era commands call ``negotiator.db.eras`` inside one write transaction, or read the
catalogue and render a listing from ``negotiator.domain.listings``.  ``judging_options`` adds
the two options; ``judging`` turns them into a ``negotiator.domain.judging.Judging`` once the
catalogue is read, refusing a pin for an unknown party or era.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from negotiator.cli.common import done, emit, output_options, parse_day, pass_store
from negotiator.db.load import read_catalogue

if TYPE_CHECKING:

    from negotiator.domain.judging import Judging
    from negotiator.domain.model import Catalogue

_KEEP_HELP = "Leave unset to keep the current value."
_DATE = "YYYY-MM-DD"


# --- the options of every command that judges packages -------------------------------------------

AS_OF_HELP = ("Judge each party in its era on DATE (YYYY-MM-DD); default: the package's date, "
              "else today.")
AS_OF_TODAY_HELP = "Judge each party in its era on DATE (YYYY-MM-DD); default: today."
ERA_HELP = "Judge PARTY in its era NAME whatever the date (repeatable), e.g. --era ROK=lee."


def judging_options_saying(as_of_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``judging_options`` with its own help for ``--as-of``: for a command that judges no
    package, whose default is not a package's date."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @click.option("--as-of", "as_of", default=None, metavar="DATE", help=as_of_help)
        @click.option("--era", "pins", multiple=True, metavar="PARTY=NAME", help=ERA_HELP)
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return command(*args, **kwargs)

        return wrapper

    return decorate


def judging_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--as-of DATE`` and ``--era PARTY=NAME`` (as ``as_of`` and ``pins``)."""
    return judging_options_saying(AS_OF_HELP)(command)


def judging(as_of: str | None, pins: tuple[str, ...]) -> Judging:
    """The ``Judging`` the options ask for (pins not yet checked: see ``check_pins``)."""
    from datetime import date

    from negotiator.domain.judging import Judging
    from negotiator.domain.rules import parse_pins

    return Judging(today=date.today(), as_of=parse_day(as_of, "--as-of date"), pins=parse_pins(pins))


def check_pins(catalogue: Catalogue, chosen: Judging) -> None:
    """Refuse a pin of an unknown party, or to an era the party does not have."""
    from negotiator.domain.rules import pin_problems, raise_first

    names = {party: [e.name for e in eras] for party, eras in catalogue.eras_of.items()}
    raise_first(pin_problems(chosen.pins, [p.code for p in catalogue.parties], names))


# --- era -----------------------------------------------------------------------------------------


@click.group()
def era() -> None:
    """Eras: dated periods of a party, typically governments, in which its positions hold.

    A position or condition given an era (--era NAME on position and condition commands) holds
    only in that era of its party; one without is standing and holds in every era, unless an
    era position on the same move replaces it.  A party is judged in the era containing the
    as-of date (--as-of, else the package's date, else today), or the one --era PARTY=NAME pins.
    """


@era.command("add")
@click.argument("party_code", metavar="PARTY")
@click.argument("name")
@click.option("--title", required=True, help='What it is, e.g. "Lee Myung-bak government".')
@click.option("--start", required=True, metavar="DATE", help=f"Its first day ({_DATE}).")
@click.option("--end", default=None, metavar="DATE",
              help=f"The first day after it ({_DATE}); leave it out for an era still going on.")
@click.option("--source", default="", help="Where this comes from: file and passage, or a public record.")
@pass_store
def era_add(store, party_code: str, name: str, title: str, start: str, end: str | None, source: str) -> None:
    """Add era NAME of PARTY, from --start (included) to --end (excluded).

    A party's eras never overlap.

    \b
    Examples:
      negotiator era add ROK kim-dae-jung --title "Kim Dae-jung government" \\
          --start 1998-02-25 --end 2003-02-25
      negotiator era add USA clinton --title "Bill Clinton administration" \\
          --start 1993-01-20 --end 2001-01-20
    """
    from negotiator.db.eras import add_era

    first = parse_day(start, "start date")
    assert first is not None
    last = parse_day(end, "end date")
    with store.write() as session:
        add_era(session, party_code, name, title, first, last, source)
    done(f"added era {name} of {party_code}")


@era.command("list")
@click.option("--party", "party_code", default=None, help="Only this party's eras.")
@output_options
@pass_store
def era_list(store, party_code: str | None, fmt: str, output: str | None) -> None:
    """List eras, party by party in time order, with how many positions and conditions each holds.

    \b
    Examples:
      negotiator era list
      negotiator era list --party ROK --format csv
    """
    from negotiator.domain.listings import eras_table

    catalogue = read_catalogue(store)
    if party_code:
        catalogue.party(party_code)
    emit(fmt, output, table=eras_table(catalogue, party_code))


@era.command("show")
@click.argument("party_code", metavar="PARTY")
@click.argument("name")
@output_options
@pass_store
def era_show(store, party_code: str, name: str, fmt: str, output: str | None) -> None:
    """Show an era with the positions and conditions that hold only in it.

    \b
    Example:
      negotiator era show ROK lee
    """
    from negotiator.domain.listings import era_record, record_table
    from negotiator.domain.rules import unknown_era

    catalogue = read_catalogue(store)
    catalogue.party(party_code)
    eras = catalogue.eras_of.get(party_code, ())
    found = [e for e in eras if e.name == name]
    if not found:
        raise unknown_era(party_code, name, [e.name for e in eras])
    record = era_record(catalogue, found[0])
    emit(fmt, output, table=record_table(record), document=record)


@era.command("edit")
@click.argument("party_code", metavar="PARTY")
@click.argument("name")
@click.option("--name", "new_name", default=None, help="New name (its positions and conditions follow). " + _KEEP_HELP)
@click.option("--title", default=None, help=_KEEP_HELP)
@click.option("--start", default=None, metavar="DATE", help=_KEEP_HELP)
@click.option("--end", default=None, metavar="DATE", help=_KEEP_HELP)
@click.option("--ongoing", is_flag=True, help="Remove the end: the era is still going on.")
@click.option("--source", default=None, help=_KEEP_HELP)
@pass_store
def era_edit(store, party_code: str, name: str, new_name: str | None, title: str | None, start: str | None,
             end: str | None, ongoing: bool, source: str | None) -> None:
    """Change an era's name, title, dates or source.

    \b
    Examples:
      negotiator era edit ROK yoon --end 2025-06-04
      negotiator era edit ROK lee --title "Lee Myung-bak administration"
    """
    from negotiator.db.catalogue import KEEP
    from negotiator.db.eras import edit_era
    from negotiator.domain.errors import InvalidValue

    if end is not None and ongoing:
        raise click.UsageError("give --end or --ongoing, not both")
    changes: dict[str, Any] = {
        "new_name": KEEP if new_name is None else new_name,
        "title": KEEP if title is None else title,
        "start": KEEP if start is None else parse_day(start, "start date"),
        "end": None if ongoing else (KEEP if end is None else parse_day(end, "end date")),
        "source": KEEP if source is None else source,
    }
    if all(value is KEEP for value in changes.values()):
        raise InvalidValue("nothing to change: give --name, --title, --start, --end, --ongoing or --source")
    with store.write() as session:
        edit_era(session, party_code, name, **changes)
    done(f"updated era {new_name or name} of {party_code}")


@era.command("rm")
@click.argument("party_code", metavar="PARTY")
@click.argument("name")
@click.option("--cascade", is_flag=True, help="Also remove the positions and conditions that hold only in it.")
@pass_store
def era_rm(store, party_code: str, name: str, cascade: bool) -> None:
    """Remove an era (refused while positions or conditions hold in it, unless --cascade).

    \b
    Example:
      negotiator era rm ROK lee --cascade
    """
    from negotiator.db.eras import remove_era

    with store.write() as session:
        removed = remove_era(session, party_code, name, cascade=cascade)
    done(f"removed era {name} of {party_code}"
         + (f" and {len(removed)} dependent row(s): {', '.join(removed)}" if removed else ""))


__all__ = ["check_pins", "era", "judging", "judging_options"]
