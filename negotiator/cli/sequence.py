"""``compare`` and ``sequence``: packages side by side, and the best ordering of one package (§4, §5).

Thin: load the catalogue and packages, call ``negotiator.domain.compare`` or
``negotiator.domain.sequencing``, and render the tables and documents that
``negotiator.domain.compare`` and ``negotiator.domain.sequence_report`` build.  ``sequence
--save-as`` stores the package ``sequence_report.saved_package`` builds through
``negotiator.db.saving.save_package`` in one write transaction.  The ``balance``
matrix builder lives here too (``negotiator.cli.matrix`` looks it up by name).

ortools is imported by ``negotiator.domain.sequencing`` inside the solve only, so neither
``negotiator --help`` nor ``compare`` loads it.
"""

from __future__ import annotations

import click

from negotiator.cli.common import POSITIVE_SECONDS, emit, named_or_every, note, output_options, pass_store
from negotiator.cli.eras import check_pins, judging, judging_options
from negotiator.cli.progress import ProgressBar
from negotiator.db.load import read
from negotiator.domain.errors import InvalidValue

# --- compare ---------------------------------------------------------------------------------


@click.command()
@click.argument("packages", nargs=-1, metavar="[PKG]...")
@click.option("--all", "every", is_flag=True, help="Compare every package in the database.")
@judging_options
@output_options
@pass_store
def compare(store, packages: tuple[str, ...], every: bool, as_of: str | None, pins: tuple[str, ...], fmt: str,
            output: str | None) -> None:
    """Compare packages side by side: their metrics, and which one dominates which.

    Rows are metrics (valid, parties satisfied, steps, moves, reciprocity, max exposure, min and
    total gain, then per party: the era it was judged in, satisfied, gain, exposure, first move,
    first gain); columns are packages.  A package dominates another when every party gains at
    least as much and is exposed at most as much, it satisfies every party the other does, and
    one of these is strict.  Parties satisfied are counted over those with a stake.

    Each package is judged in the eras of its own date (or of --as-of, or those --era pins).

    \b
    Examples:
      negotiator compare freeze-dprk-first freeze-alliance-first
      negotiator compare freeze-dprk-first freeze-alliance-first --format json
      negotiator compare freeze-dprk-first freeze-alliance-first \\
          --as-of 2017-06-01
      negotiator compare freeze-dprk-first freeze-alliance-first \\
          --format csv --output compare.csv
      negotiator compare --all --format csv --output every-package.csv
    """
    from negotiator.domain.compare import compare as compare_packages
    from negotiator.domain.compare import comparison_document, comparison_table
    from negotiator.domain.judging import Bench

    chosen = judging(as_of, pins)
    catalogue, loaded = read(store, named_or_every(packages, every), first=lambda found: check_pins(found, chosen))
    if not loaded:
        raise InvalidValue("the database holds no package to compare")
    bench = Bench(catalogue, chosen)
    comparison = compare_packages(catalogue, loaded, [bench.view(package) for package in loaded])
    emit(fmt, output, table=comparison_table(comparison), document=comparison_document(comparison))


# --- sequence --------------------------------------------------------------------------------


@click.command()
@click.argument("package")
@click.option("--steps", "steps", type=int, default=None, metavar="N",
              help="Spread the moves over exactly N non-empty steps (default: the package's step count).")
@click.option("--alternatives", type=int, default=0, show_default=True, metavar="K",
              help="Also show up to K distinct next-best orderings.")
@click.option("--save-as", "save_as", default=None, metavar="NAME",
              help="Store the best ordering as a new draft package NAME, based on PACKAGE.")
@click.option("--time-limit", "time_limit", type=POSITIVE_SECONDS, default=None, metavar="S",
              help="Stop after S seconds with the best ordering found (then not proven optimal).")
@judging_options
@click.option("--robust", is_flag=True,
              help="Count a party as satisfied only when satisfied in every era the package's window spans.")
@output_options
@pass_store
def sequence(store, package: str, steps: int | None, alternatives: int, save_as: str | None,
             time_limit: float | None, as_of: str | None, pins: tuple[str, ...], robust: bool, fmt: str,
             output: str | None) -> None:
    """Find the best ordering of a package's moves (OR-Tools CP-SAT).

    The moves and quantities are kept; they are assigned to exactly N non-empty steps that obey
    every rule and, in this order of priority, satisfy as many parties as possible, minimise the
    largest exposure of any party, minimise the sum of exposures, and move as few placements as
    possible from the step they are in.  When some party cannot be satisfied by any ordering, a
    minimal set of conflicting conditions is named: dropping any one of them makes the rest
    satisfiable.  Same input, same answer.

    Parties are judged in the eras of the package's date (or of --as-of, or those --era pins).
    With --robust a party counts as satisfied only when satisfied in every one of its eras that
    the package's window spans (from the as-of date to the due date of its last step); the
    exposures are still those of the as-of date's eras.

    \b
    Examples:
      negotiator sequence freeze-dprk-first
      negotiator sequence freeze-dprk-first --steps 3 --alternatives 2
      negotiator sequence freeze-dprk-first --save-as freeze-dprk-best
      negotiator sequence six-party-second-phase --robust
      negotiator sequence freeze-dprk-first --time-limit 10 --format json
    """
    from negotiator.db.load import load_catalogue, load_packages, package_names
    from negotiator.db.saving import save_package
    from negotiator.domain.errors import DuplicateCode, InvalidValue
    from negotiator.domain.judging import Bench, era_conditions, solver_spans
    from negotiator.domain.model import check_package_name
    from negotiator.domain.sequence_report import (
        saved_package,
        sequence_csv,
        sequence_document,
        sequence_tables,
        status_line,
    )
    from negotiator.domain.sequencing import sequence as find_sequence

    chosen = judging(as_of, pins)
    with store.read() as connection:
        catalogue = load_catalogue(connection)
        check_pins(catalogue, chosen)
        (drafted,) = load_packages(connection, [package])
        if save_as is not None:
            check_package_name(save_as)
            if save_as in package_names(connection):
                raise DuplicateCode("package", save_as, "choose another name for --save-as")

    bench = Bench(catalogue, chosen, explain_passes=False)
    judged = era_conditions(catalogue, solver_spans(bench, drafted, robust))
    verdict = bench.robust(drafted) if robust else bench.check(drafted)
    with ProgressBar("sequencing", total=time_limit, timed=True) as bar:
        bar.start_ticking()
        result = find_sequence(judged.catalogue, drafted, steps=steps, alternatives=alternatives,
                               time_limit=time_limit, progress=_progress_reporter(bar), judged=judged.judged,
                               values=judged.values, decides=judged.decides, measures=judged.measures)
    catalogue = judged.catalogue
    if save_as is not None:
        if result.best is None:
            raise InvalidValue(
                f"no ordering of '{package}' obeys every rule, so there is nothing to save as '{save_as}'"
            )
        saved = saved_package(drafted, result.best, save_as)
        with store.write() as session:
            save_package(session, saved.package, based_on=drafted.name, note=saved.note)

    if fmt == "csv":
        # CSV holds one table and no title, so the status line goes to stderr.
        note(status_line(result))
    stakes = {party.party: party.stake for party in verdict.parties}
    emit(
        fmt,
        output,
        table=sequence_csv(drafted, result),
        document=sequence_document(
            result,
            judged.spans if robust else None,
            {p.code: catalogue.era_of.get(p.code) for p in catalogue.parties} if catalogue.eras else None,
        ),
        sections=sequence_tables(catalogue, drafted, result, stakes, judged.spans if robust else None),
    )
    if save_as is not None:
        click.echo(f"saved option 1 as package {save_as} (based on {package})", err=True)


def _progress_reporter(bar: ProgressBar):
    """The solver's reports: on a terminal, the best so far beside the progress bar (which fills
    towards the time limit); elsewhere, a line on stderr for each report once a solve passes a
    second."""

    def report(progress) -> None:
        best = ", ".join(f"{name} {value}" for name, value in progress.best.items())
        bound = ", ".join(f"{name} {value}" for name, value in progress.bound.items())
        if bar.enabled:
            bar.update(note=f"{progress.stage}: best {best}")
            return
        if progress.elapsed < 1.0:
            return
        click.echo(
            f"[{progress.elapsed:6.1f}s] {progress.stage}: best {best}" + (f" (bound: {bound})" if bound else ""),
            err=True,
        )

    return report


# --- matrix balance --------------------------------------------------------------------------


def balance_matrix(store, packages, request):
    """``matrix balance PKG``: balance per step × party, and the exposure row, with the
    positions in force on the package's date."""
    from negotiator.domain.judging import Bench
    from negotiator.domain.matrices import balance_matrix as build

    catalogue, (package,) = read(store, packages)
    return build(Bench(catalogue, request.judging(catalogue)).view(package), package)
