"""``compose`` and ``zopa``: the tool proposes packages every party can accept, and shows where
the parties' quantities can meet.

Thin: read the catalogue (and the ``--from`` package), build a
``negotiator.domain.composing.Request``, call ``compose``, and render the tables and document
``negotiator.domain.composing.report`` builds.  ``--save-as`` stores the chosen option through
``negotiator.db.saving.save_package``, the writer ``sequence --save-as`` uses, in one write
transaction.  ortools is imported by the domain inside the solve only.
"""

from __future__ import annotations

import click

from negotiator.cli.common import (
    POSITIVE_SECONDS,
    emit,
    note,
    output_options,
    pass_store,
)
from negotiator.cli.eras import AS_OF_TODAY_HELP, check_pins, judging, judging_options, judging_options_saying

OBJECTIVES = ("maxmin", "total", "nash")


def _codes(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeated options, each of which may also hold several codes separated by commas or spaces."""
    return tuple(code for value in values for code in value.replace(",", " ").split())


@click.command()
@click.option("--from", "origin", default=None, metavar="PKG",
              help="Candidate moves: those of package PKG (their quantities are kept where nothing constrains them).")
@click.option("--issue", "issues", multiple=True, metavar="I", help="Candidate moves: those of issue I (repeatable).")
@click.option("--move", "moves", multiple=True, metavar="M", help="Candidate move M (repeatable).")
@click.option("--require", "required", multiple=True, metavar="M", help="Move M must be in the package (repeatable).")
@click.option(
    "--forbid", "forbidden", multiple=True, metavar="M", help="Move M must not be in the package (repeatable)."
)
@click.option(
    "--steps", "steps", type=int, default=3, show_default=True, metavar="N", help="Exactly N non-empty steps."
)
@click.option(
    "--parties",
    "parties",
    multiple=True,
    metavar="P[,P...]",
    help="The parties considered (repeatable, or comma-separated; default: every party with a stake in the pool).",
)
@click.option(
    "--objective",
    type=click.Choice(OBJECTIVES),
    default="maxmin",
    show_default=True,
    help="What to optimise over the considered parties' gains once as many as possible are satisfied.",
)
@click.option(
    "--alternatives",
    type=int,
    default=0,
    show_default=True,
    metavar="K",
    help="Also show up to K next-best packages, each with a different set of moves.",
)
@click.option(
    "--pareto",
    is_flag=True,
    help="List the Pareto frontier of the considered parties' gains instead (at most 4 parties).",
)
@click.option("--limit", type=int, default=10, show_default=True, metavar="N", help="With --pareto: at most N points.")
@click.option(
    "--save-as",
    "save_as",
    default=None,
    metavar="NAME",
    help="Store option 1 (or --pick I) as a new draft package NAME.",
)
@click.option(
    "--pick",
    type=int,
    default=None,
    metavar="I",
    help="With --save-as: store option (or frontier point) I instead of 1.",
)
@click.option(
    "--time-limit",
    "time_limit",
    type=POSITIVE_SECONDS,
    default=30.0,
    show_default=True,
    metavar="S",
    help="Stop after S seconds with the best package found (then not proven optimal, and the gap is shown).",
)
@judging_options
@click.option(
    "--robust",
    is_flag=True,
    help="Count a party as satisfied only when satisfied in every era the window spans "
    "(from the as-of date to the last due date of the --from package).",
)
@output_options
@pass_store
def compose(
    store,
    origin: str | None,
    issues: tuple[str, ...],
    moves: tuple[str, ...],
    required: tuple[str, ...],
    forbidden: tuple[str, ...],
    steps: int,
    parties: tuple[str, ...],
    objective: str,
    alternatives: int,
    pareto: bool,
    limit: int,
    save_as: str | None,
    pick: int | None,
    time_limit: float,
    as_of: str | None,
    pins: tuple[str, ...],
    robust: bool,
    fmt: str,
    output: str | None,
) -> None:
    """Propose a package every party can accept, or name the demands that collide.

    From a pool of candidate moves (every move, or those of the --issue, --move and --from
    choices together) it builds a package of exactly N non-empty steps that holds every --require
    move and no --forbid move, obeys every rule and, in this order of priority: satisfies as many
    of the considered parties as possible; does best on the objective over their gains (maxmin:
    the worst-off party's gain, then the total; total: the total, then the worst-off party's;
    nash: the largest product of the gains, every party gaining at least 1); then has the
    smallest largest exposure, the smallest total exposure, and the fewest moves.

    A placed move with a unit whose quantity a condition or bound compares gets a whole-number
    quantity that meets them, as near the middle of what every party accepts as they allow.
    When not every considered party can be satisfied, a minimal set of conflicting conditions is
    named (a required move counts as the condition "includes M" of "(required)"). The answer says
    whether it is proven optimal, or how far from the best it may be. Same input, same answer.

    Parties are judged in the eras of the as-of date (--as-of, else the --from package's date,
    else today), or those --era pins; gains and exposures use those eras' positions.  With
    --robust a party counts as satisfied only when satisfied in every one of its eras from the
    as-of date to the last due date of the --from package (the as-of date alone without one).

    \b
    Examples:
      negotiator compose --issue kaesong --steps 2
      negotiator compose --from kaesong-nll --parties DPRK,ROK --objective nash \\
          --alternatives 2
      negotiator compose --require usa.delist-sst --forbid usa.surgical-strike \\
          --save-as proposal-1
      negotiator compose --issue six-party --parties DPRK,USA --pareto --limit 10
      negotiator compose --issue kaesong --format json
      negotiator compose --from six-party-second-phase --robust --steps 2
    """
    from negotiator.cli.progress import ProgressBar
    from negotiator.cli.sequence import _progress_reporter
    from negotiator.db.load import load_catalogue, load_packages, package_names
    from negotiator.db.saving import save_package
    from negotiator.domain.composing import Request, pool_of
    from negotiator.domain.composing import compose as find
    from negotiator.domain.composing.report import (
        compose_csv,
        compose_document,
        compose_tables,
        saved_package,
        status_line,
    )
    from negotiator.domain.errors import DuplicateCode, InvalidValue
    from negotiator.domain.judging import Bench, era_conditions, solver_spans
    from negotiator.domain.model import check_package_name

    if pareto and alternatives:
        raise click.UsageError("--alternatives and --pareto cannot be combined: the frontier lists its own packages")
    if pick is not None and save_as is None:
        raise click.UsageError("--pick chooses what --save-as stores: give --save-as NAME too")
    judged_as = judging(as_of, pins)
    with store.read() as connection:
        catalogue = load_catalogue(connection)
        check_pins(catalogue, judged_as)
        drafted = load_packages(connection, [origin])[0] if origin is not None else None
        if save_as is not None:
            check_package_name(save_as)
            if save_as in package_names(connection):
                raise DuplicateCode("package", save_as, "choose another name for --save-as")

    request = Request(
        pool=pool_of(catalogue, _codes(issues), _codes(moves), drafted),
        required=_codes(required),
        forbidden=_codes(forbidden),
        steps=steps,
        parties=_codes(parties) or None,
        objective=objective,
        alternatives=alternatives,
        pareto=pareto,
        limit=limit,
        origin=drafted,
    )
    judged = era_conditions(catalogue, solver_spans(Bench(catalogue, judged_as), drafted, robust))
    catalogue = judged.catalogue
    with ProgressBar("composing", total=time_limit, timed=True) as bar:
        bar.start_ticking()
        result = find(
            catalogue,
            request,
            judged=judged.judged,
            values=judged.values,
            deciding=judged.decides,
            measures=judged.measures,
            time_limit=time_limit,
            progress=_progress_reporter(bar),
        )

    if save_as is not None:
        chosen = pick if pick is not None else 1
        if not result.options:
            raise InvalidValue(f"no package was composed, so there is nothing to save as '{save_as}'")
        if not 1 <= chosen <= len(result.options):
            count = len(result.options)
            what = ("frontier point" if pareto else "option") + ("" if count == 1 else "s")
            raise InvalidValue(
                f"--pick {chosen}: there {'is' if count == 1 else 'are'} {count} {what}, numbered from 1"
            )
        saved = saved_package(result, result.options[chosen - 1], save_as, drafted)
        with store.write() as session:
            save_package(session, saved.package, based_on=drafted.name if drafted else None, note=saved.note)

    if fmt == "csv":
        note(status_line(result))  # CSV holds one table and no title
    spans = judged.spans if robust else None
    eras = {party.code: catalogue.era_of.get(party.code) for party in catalogue.parties} if catalogue.eras else None
    emit(
        fmt,
        output,
        table=compose_csv(catalogue, result),
        document=compose_document(result, eras, spans),
        sections=compose_tables(catalogue, result, spans),
    )
    if save_as is not None:
        what = "frontier point" if pareto else "option"
        click.echo(f"saved {what} {pick or 1} as package {save_as}", err=True)


@click.command()
@click.argument("moves", nargs=-1, metavar="[MOVE]...")
@judging_options_saying(AS_OF_TODAY_HELP)
@output_options
@pass_store
def zopa(store, moves: tuple[str, ...], as_of: str | None, pins: tuple[str, ...], fmt: str, output: str | None) -> None:
    """The zone of possible agreement on quantities: what each party accepts, and where they meet.

    For each MOVE with a unit (every move with a unit when none is named): the quantities each
    party accepts -- its position's bound, and its conditions that only compare that move's
    quantity with numbers -- and where they all meet. When they do not, the fewest parties whose
    demands cannot meet are named, e.g. "kaesong.wage: DPRK >= 300, ROK < 300: no agreement".
    Rules that only compare the quantity take part as "(rule)"; soft conditions do not.  Each
    party is judged in its era of the as-of date (--as-of, else today), or the one --era pins.

    \b
    Examples:
      negotiator zopa
      negotiator zopa kaesong.wage
      negotiator zopa kaesong.wage --as-of 2009-09-16 --format json
    """
    from negotiator.db.load import read_catalogue
    from negotiator.domain.judging import Bench, era_conditions, solver_spans
    from negotiator.domain.zopa import zones, zopa_document, zopa_table

    chosen = judging(as_of, pins)
    catalogue = read_catalogue(store)
    check_pins(catalogue, chosen)
    judged = era_conditions(catalogue, solver_spans(Bench(catalogue, chosen), None, False))
    found = zones(judged.catalogue, moves, judged.judged)
    emit(fmt, output, table=zopa_table(found), document=zopa_document(found))
