"""``matrix KIND [PKG...]``: negotiation matrices through the one renderer.

Each kind is a builder ``(store, packages, as_of) -> Table`` living beside the commands of its
area; ``MATRIX_KINDS`` maps KIND to ``(module, function)`` so this module imports none of them
until asked.
"""

from __future__ import annotations

import importlib

import click

from negotiator.cli.common import emit, output_options, pass_store

MATRIX_KINDS: dict[str, tuple[str, str]] = {
    "positions": ("negotiator.cli.catalogue", "positions_matrix"),
    "values": ("negotiator.cli.catalogue", "values_matrix"),
    "package": ("negotiator.cli.packages", "package_grid_matrix"),
    "implementation": ("negotiator.cli.packages", "implementation_status_matrix"),
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
@click.option("--as-of", default=None, metavar="DATE", help="For implementation: the state on DATE (YYYY-MM-DD).")
@output_options
@pass_store
def matrix(store, kind: str, packages: tuple[str, ...], as_of: str | None, fmt: str, output: str | None) -> None:
    """Export a negotiation matrix.

    \b
    KIND:
      positions       moves × parties: demand / offer / oppose, weight, bound
      values          moves × parties: the value v_P(m) of each move to each party
      package         one package: steps × parties, each cell the moves taken
      balance         one package: balance per step × party, and exposure
      satisfaction    packages × parties: satisfied or not (all packages when none named)
      conditions      conditions × packages: pass / FAIL
      implementation  one package: implementation level per move (--as-of DATE)

    \b
    Examples:
      negotiator matrix positions --format csv --output positions.csv
      negotiator matrix satisfaction freeze-first freeze-later
      negotiator matrix implementation pyongyang-2002 --as-of 2003-01-01
    """
    from negotiator.domain.errors import InvalidValue

    if kind in _CATALOGUE_ONLY and packages:
        raise InvalidValue(f"the {kind} matrix is about the catalogue and takes no package")
    if kind in _ONE_PACKAGE and len(packages) != 1:
        raise InvalidValue(f"the {kind} matrix is about one package: negotiator matrix {kind} PKG")
    if as_of is not None and kind != "implementation":
        raise InvalidValue("--as-of applies only to the implementation matrix")
    module_name, function = MATRIX_KINDS[kind]
    build = getattr(importlib.import_module(module_name), function)
    emit(fmt, output, table=build(store, packages, as_of))
