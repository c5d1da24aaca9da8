"""``check``: which parties' conditions each package satisfies, and why not (DESIGN §3, §8).

The catalogue and the packages are read in a constant number of statements, every condition is
compiled once (``negotiator.domain.evaluate.Checker``) and the packages are judged in memory, so
``check --all`` costs the same few queries for ten packages or ten thousand.  The ``satisfaction``
and ``conditions`` matrix builders live here too (``negotiator.cli.matrix`` looks them up).
"""

from __future__ import annotations

import gc
import sys
from contextlib import contextmanager

import click

from negotiator.cli.common import emit, emit_stream, note, output_options, pass_store
from negotiator.cli.eras import check_pins, judging, judging_options
from negotiator.cli.progress import ProgressBar
from negotiator.db.load import read


@contextmanager
def _no_cycle_collection():
    """Pause Python's cycle collector while checking.  ``check --all`` makes hundreds of
    thousands of small acyclic values (placements, results); the collector would walk all of them
    again and again for nothing, roughly doubling the time.  Reference counting still frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@click.command()
@click.argument("packages", nargs=-1, metavar="[PKG]...")
@click.option("--all", "every", is_flag=True, help="Check every package.")
@click.option(
    "--party", "parties", multiple=True, metavar="P", help="Only this party (repeatable); rules are always checked."
)
@click.option("--detail", is_flag=True, help="List every condition with its reason, not only the failed ones.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when a party is unsatisfied or a rule fails.")
@judging_options
@click.option("--across-eras", is_flag=True, help="Also judge each party in every one of its eras.")
@click.option(
    "--robust",
    is_flag=True,
    help="Judge each party in every era the package's window spans (from the as-of date to its last due date).",
)
@output_options
@pass_store
def check(
    store,
    packages: tuple[str, ...],
    every: bool,
    parties: tuple[str, ...],
    detail: bool,
    strict: bool,
    as_of: str | None,
    pins: tuple[str, ...],
    across_eras: bool,
    robust: bool,
    fmt: str,
    output: str | None,
) -> None:
    """Check which parties' conditions each package satisfies, with a reason for every failure.

    A party is satisfied when all its conditions hold, soft ones aside (they are reported and
    counted); its position bounds count as its conditions.  A package is valid when every rule
    holds.  Without --detail only failed conditions are listed.  A party with no condition of
    its own that neither acts in nor values any placed move has no stake: counts of satisfied
    parties are over the others.

    Each party is judged in the era of the as-of date -- --as-of, else the package's date, else
    today -- unless --era PARTY=NAME pins it; every verdict names its era.  --across-eras adds a
    verdict for each era of each party (the others staying at the as-of date).  --robust judges
    each party in every one of its eras that the package's window overlaps, from the as-of date
    to the due date of its last step: it is robustly satisfied when satisfied in each, and the
    era that breaks it is named.

    CSV and JSON are written as the packages are judged, a few hundred at a time: for thousands
    of packages use one of them (a table must be laid out whole before it is printed).

    \b
    Examples:
      negotiator check kaesong-nll
      negotiator check --all --party JPN --detail
      negotiator check freeze-dprk-first freeze-alliance-first --format json
      negotiator check six-party-second-phase --era ROK=lee
      negotiator check six-party-second-phase --robust
      negotiator check --all --across-eras
      negotiator check kaesong-wage-2009 --strict && echo "everyone is satisfied"
      negotiator check --all --format csv --output verdicts.csv
    """
    if every and packages:
        raise click.UsageError("name packages or use --all, not both")
    if not every and not packages:
        raise click.UsageError("name the packages to check, or use --all")
    if across_eras and robust:
        raise click.UsageError("give --across-eras or --robust, not both")
    from negotiator.domain.judging import Bench
    from negotiator.domain.verdicts import (
        CHECK_HEADERS,
        check_document,
        check_sections,
        check_table,
        failing,
    )
    from negotiator.output import STREAMED

    chosen = judging(as_of, pins)

    def checked(catalogue):
        for party in parties:
            catalogue.party(party)
        check_pins(catalogue, chosen)

    refused: list[str] = []
    with _no_cycle_collection():
        catalogue, drafted = read(store, None if every else packages, first=checked)
        bench = Bench(catalogue, chosen, parties=parties or None, explain_passes=detail)
        judge = bench.robust if robust else bench.across if across_eras else bench.check
        count = len(drafted)
        shared_screen = output in (None, "-") and sys.stdout.isatty()
        with ProgressBar("checking", total=count, unit="packages") as bar:
            if fmt in STREAMED:
                # Judged, shaped and written a part at a time: memory holds the packages and one part.
                def parts():
                    while drafted:
                        checks = [judge(package) for package in drafted[:_PART]]
                        del drafted[:_PART]
                        refused.extend(failing(checks))
                        bar.advance(len(checks))
                        if shared_screen:
                            bar.clear()  # the part is printed where the bar is drawn
                        yield check_document(checks, detail) if fmt == "json" else check_table(checks, detail).rows
                    bar.clear()  # before "wrote FILE" is printed

                emit_stream(fmt, output, CHECK_HEADERS, parts())
            else:
                checks = []
                while drafted:
                    checks += [judge(package) for package in drafted[:_PART]]
                    del drafted[:_PART]
                    bar.advance(min(_PART, count - bar.done))
                refused = failing(checks)
                sections = check_sections(checks, detail)
                bar.clear()
                emit(fmt, output, sections=sections)
    if strict and refused:
        note(f"--strict: {len(refused)} of {count} package(s) break a rule or leave a party unsatisfied")
        raise click.exceptions.Exit(1)


_PART = 500  # packages judged and written at a time by the streamed formats


def satisfaction_matrix(store, packages, request):
    """``matrix satisfaction [PKG...]``: packages × parties (every package when none is named),
    each package judged on its date."""
    from negotiator.domain.judging import Bench
    from negotiator.domain.matrices import satisfaction_matrix as build

    catalogue, drafted = read(store, packages or None)
    bench = Bench(catalogue, request.judging(catalogue), explain_passes=False)
    return build(catalogue, [bench.check(package) for package in drafted])


def conditions_matrix(store, packages, request):
    """``matrix conditions [PKG...]``: conditions × packages, pass or FAIL."""
    from negotiator.domain.judging import Bench
    from negotiator.domain.matrices import conditions_matrix as build

    catalogue, drafted = read(store, packages or None)
    bench = Bench(catalogue, request.judging(catalogue), explain_passes=False)
    return build([bench.check(package) for package in drafted], eras=bool(catalogue.eras))
