"""``position``: what each party demands, offers or opposes -- standing, or in one of its eras --
and the ``positions`` and ``values`` matrices.

Thin: parse options, call ``negotiator.db.catalogue`` inside one write transaction, or load the
catalogue and render a table from ``negotiator.domain.listings`` and ``negotiator.domain.matrices``.
"""

from __future__ import annotations

import click

from negotiator.cli.common import done, emit, output_options, pass_store
from negotiator.db.load import read_catalogue
from negotiator.domain.model import STANCES

_KEEP_HELP = "Leave unset to keep the current value."


def _keep(value):
    from negotiator.db.catalogue import KEEP

    return KEEP if value is None else value


# --- position --------------------------------------------------------------------------------


@click.group()
def position() -> None:
    """What each party demands, offers or opposes: the demands-and-offers matrix."""


@position.command("add")
@click.argument("party_code", metavar="PARTY")
@click.argument("stance", metavar="STANCE")
@click.argument("move_code", metavar="MOVE")
@click.option("--weight", default="1", show_default=True, help="How much the move matters to the party (integer ≥ 1).")
@click.option("--bound", default=None, help="A limit on the move's quantity, e.g. \">= 300\".")
@click.option("--era", "era_name", default=None, metavar="NAME",
              help="Only in this era of PARTY (it replaces the standing position on MOVE there).")
@click.option("--source", default="")
@pass_store
def position_add(store, party_code, stance, move_code, weight, bound, era_name, source) -> None:
    """Record that PARTY demands, offers or opposes MOVE.

    STANCE is demand, offer or oppose; only a move's actor offers it.  A position with --era
    holds only in that era of PARTY, where it replaces PARTY's standing position on MOVE; one
    without holds in every era.

    \b
    Examples:
      negotiator position add JPN demand dprk.return-six-party --weight 3
      negotiator position add ROK offer kaesong.wage --bound "<= 100"
      negotiator position add ROK oppose usa.summit-kim --era park --weight 2
    """
    from negotiator.db.positions import add_position

    with store.write() as session:
        add_position(session, party_code, move_code, stance, weight, bound, source, era=era_name)
    done(f"added position: {party_code} {stance} {move_code}" + (f" in era {era_name}" if era_name else ""))


@position.command("list")
@click.option("--party", "party_code", default=None)
@click.option("--move", "move_code", default=None)
@click.option("--stance", type=click.Choice(STANCES), default=None)
@click.option("--era", "era_name", default=None, metavar="NAME", help="Only the positions of this era.")
@output_options
@pass_store
def position_list(store, party_code, move_code, stance, era_name, fmt: str, output: str | None) -> None:
    """List positions, of every era (no era: standing).

    \b
    Examples:
      negotiator position list --party DPRK --stance demand
      negotiator position list --party ROK --era lee
    """
    from negotiator.domain.listings import positions_table

    catalogue = read_catalogue(store)
    if party_code:
        catalogue.party(party_code)
    if move_code:
        catalogue.move(move_code)
    emit(fmt, output, table=positions_table(catalogue, party=party_code, move=move_code, stance=stance,
                                            era=era_name))


@position.command("show")
@click.argument("party_code", metavar="PARTY")
@click.argument("move_code", metavar="MOVE")
@click.option("--era", "era_name", default=None, metavar="NAME",
              help="The position of this era (default: the standing one).")
@output_options
@pass_store
def position_show(store, party_code, move_code, era_name, fmt: str, output: str | None) -> None:
    """Show PARTY's position on MOVE (standing, or of an era with --era).

    \b
    Examples:
      negotiator position show DPRK kaesong.wage
      negotiator position show ROK usa.summit-kim --era lee
    """
    from negotiator.domain.errors import UnknownCode
    from negotiator.domain.listings import position_record, record_table
    from negotiator.domain.rules import era_reference_problems, raise_first

    catalogue = read_catalogue(store)
    catalogue.party(party_code)
    catalogue.move(move_code)
    names = {party: [e.name for e in eras] for party, eras in catalogue.eras_of.items()}
    raise_first(era_reference_problems("era", party_code, era_name, names))
    found = [p for p in catalogue.positions if p.party == party_code and p.move == move_code and p.era == era_name]
    if not found:
        which = f" in era '{era_name}'" if era_name else ""
        raise UnknownCode("position", f"{party_code} on {move_code}{which}")
    record = position_record(found[0])
    emit(fmt, output, table=record_table(record), document=record)


@position.command("edit")
@click.argument("party_code", metavar="PARTY")
@click.argument("move_code", metavar="MOVE")
@click.option("--stance", type=click.Choice(STANCES), default=None, help=_KEEP_HELP)
@click.option("--weight", default=None, help=_KEEP_HELP)
@click.option("--bound", default=None, help=_KEEP_HELP + " '' removes it.")
@click.option("--source", default=None, help=_KEEP_HELP)
@click.option("--era", "era_name", default=None, metavar="NAME",
              help="The position of this era (default: the standing one).")
@pass_store
def position_edit(store, party_code, move_code, stance, weight, bound, source, era_name) -> None:
    """Change PARTY's position on MOVE (standing, or of an era with --era).

    \b
    Examples:
      negotiator position edit DPRK kaesong.wage --weight 4 --bound ">= 250"
      negotiator position edit ROK usa.summit-kim --era lee --weight 3
    """
    from negotiator.db.positions import edit_position

    with store.write() as session:
        edit_position(
            session, party_code, move_code, stance=_keep(stance), weight=_keep(weight), bound=_keep(bound),
            source=_keep(source), era=era_name,
        )
    done(f"updated position: {party_code} on {move_code}" + (f" in era {era_name}" if era_name else ""))


@position.command("rm")
@click.argument("party_code", metavar="PARTY")
@click.argument("move_code", metavar="MOVE")
@click.option("--era", "era_name", default=None, metavar="NAME",
              help="The position of this era (default: the standing one).")
@pass_store
def position_rm(store, party_code, move_code, era_name) -> None:
    """Remove PARTY's position on MOVE (standing, or of an era with --era).

    \b
    Examples:
      negotiator position rm ROK usa.heavy-fuel-oil
      negotiator position rm ROK usa.summit-kim --era lee
    """
    from negotiator.db.positions import remove_position

    with store.write() as session:
        remove_position(session, party_code, move_code, era=era_name)
    done(f"removed position: {party_code} on {move_code}" + (f" in era {era_name}" if era_name else ""))


# --- matrix builders registered in negotiator.cli.matrix ---------------------------------------


def positions_matrix(store, packages, request):
    """``matrix positions``: the positions in force on the as-of date (or in every era)."""
    from negotiator.domain.judging import Bench
    from negotiator.domain.matrices import positions_all_eras_matrix
    from negotiator.domain.matrices import positions_matrix as build

    catalogue = read_catalogue(store)
    if request.all_eras:
        return positions_all_eras_matrix(catalogue)
    return build(Bench(catalogue, request.judging(catalogue)).view(None))


def values_matrix(store, packages, request):
    """``matrix values``: the values of moves with the positions in force on the as-of date."""
    from negotiator.domain.judging import Bench
    from negotiator.domain.matrices import values_matrix as build

    catalogue = read_catalogue(store)
    return build(Bench(catalogue, request.judging(catalogue)).view(None))


__all__ = ["position", "positions_matrix", "values_matrix"]
