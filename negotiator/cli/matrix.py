"""``matrix KIND [PKG...]``: negotiation matrices through the one renderer.

Each kind is a builder ``(store, packages, request) -> Table`` living beside the commands of its
area; ``MATRIX_KINDS`` maps KIND to ``(module, function)`` so this module imports none of them
until asked.  ``request`` (:class:`MatrixRequest`) says when and in which eras the parties are
judged: ``--as-of``, ``--era`` and, for the positions matrix, ``--all-eras``.
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

import click

from negotiator.cli.common import emit, output_options, pass_store
from negotiator.cli.eras import judging_options


class MatrixRequest(NamedTuple):
    """What ``matrix`` was asked besides its kind and packages."""

    as_of: str | None = None
    pins: tuple[str, ...] = ()
    all_eras: bool = False

    def judging(self, catalogue):
        """The Judging asked for, its pins checked against ``catalogue``."""
        from negotiator.cli.eras import check_pins, judging

        chosen = judging(self.as_of, self.pins)
        check_pins(catalogue, chosen)
        return chosen


MATRIX_KINDS: dict[str, tuple[str, str]] = {
    "positions": ("negotiator.cli.positions", "positions_matrix"),
    "values": ("negotiator.cli.positions", "values_matrix"),
    "package": ("negotiator.cli.packages", "package_grid_matrix"),
    "implementation": ("negotiator.cli.tracking", "implementation_status_matrix"),
    "satisfaction": ("negotiator.cli.check", "satisfaction_matrix"),
    "conditions": ("negotiator.cli.check", "conditions_matrix"),
    "balance": ("negotiator.cli.sequence", "balance_matrix"),
}

# Kinds about the catalogue alone, and kinds about a single package.
_CATALOGUE_ONLY = ("positions", "values")
_ONE_PACKAGE = ("package", "balance", "implementation")


@click.command()
@click.argument("kind", type=click.Choice(list(MATRIX_KINDS)))
@click.argument("packages", nargs=-1, metavar="[PKG]...")
@judging_options
@click.option("--all-eras", is_flag=True, help="For positions: one column per party and era.")
@output_options
@pass_store
def matrix(store, kind: str, packages: tuple[str, ...], as_of: str | None, pins: tuple[str, ...], all_eras: bool,
           fmt: str, output: str | None) -> None:
    """Export a negotiation matrix.

    Parties are judged in the era of the as-of date: --as-of DATE, else each package's date,
    else today (for positions and values, today); --era PARTY=NAME pins a party to an era.
    For implementation, --as-of is also the day whose state is shown.

    \b
    KIND:
      positions       moves × parties: demand / offer / oppose, weight, bound
                      (in force; --all-eras: every era)
      values          moves × parties: each move's value v_P(m) to each party
      package         one package: steps × parties, each cell the moves taken
      balance         one package: balance per step × party, and exposure
      satisfaction    packages × parties: satisfied or not
                      (all packages when none named)
      conditions      conditions × packages: pass / FAIL
      implementation  one package: implementation level per move (--as-of DATE)

    \b
    Examples:
      negotiator matrix positions --format csv --output positions.csv
      negotiator matrix positions --all-eras
      negotiator matrix positions --as-of 2008-06-01
      negotiator matrix satisfaction freeze-dprk-first freeze-alliance-first
      negotiator matrix implementation six-party-second-phase --as-of 2008-06-30
    """
    from negotiator.domain.errors import InvalidValue

    if kind in _CATALOGUE_ONLY and packages:
        raise InvalidValue(f"the {kind} matrix is about the catalogue and takes no package")
    if kind in _ONE_PACKAGE and len(packages) != 1:
        raise InvalidValue(f"the {kind} matrix is about one package: negotiator matrix {kind} PKG")
    if all_eras and kind != "positions":
        raise InvalidValue("--all-eras applies only to the positions matrix")
    if all_eras and (as_of is not None or pins):
        raise InvalidValue("--all-eras shows every era: leave out --as-of and --era")
    module_name, function = MATRIX_KINDS[kind]
    build = getattr(importlib.import_module(module_name), function)
    emit(fmt, output, table=build(store, packages, MatrixRequest(as_of, pins, all_eras)))
