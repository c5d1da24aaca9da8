"""``report`` and ``chart``: a brief as one self-contained HTML page, and single charts.

Thin: read the catalogue and packages (with their history), build the brief in the domain
(``negotiator.domain.brief``), and hand it to ``negotiator.briefing`` -- the only modules that
import Jinja2 and matplotlib, and only inside these commands.  Files are written whole, beside
their target first, so a failure leaves no partial file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from negotiator.cli.common import named_or_every, pass_store
from negotiator.cli.eras import check_pins, judging, judging_options
from negotiator.db.load import read
from negotiator.output import check_folder

CHART_KINDS = ("balance", "exposure", "implementation", "pareto")


def _packages(store, names: tuple[str, ...], every: bool):
    catalogue, packages = read(store, named_or_every(names, every), history=True)
    if not packages:
        from negotiator.domain.errors import InvalidValue

        raise InvalidValue("the database holds no package to report on")
    return catalogue, packages


def _check_target(output: str, suffixes: tuple[str, ...]) -> str:
    """The format the file name asks for; refuses a missing folder before any work is done."""
    from negotiator.domain.errors import InvalidValue

    path = Path(output)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in suffixes:
        raise InvalidValue(f"cannot tell the format of '{output}': name a file ending in "
                           + " or ".join(f".{s}" for s in suffixes))
    check_folder(output)
    return suffix


@click.command()
@click.argument("packages", nargs=-1, metavar="[PKG]...")
@click.option("--all", "every", is_flag=True, help="Every package in the database.")
@click.option("--output", "-o", required=True, metavar="FILE.html", help="The HTML file to write.")
@click.option("--title", default=None, help="The brief's title (default: from the package, or the package count).")
@judging_options
@click.option("--robust", is_flag=True,
              help="Also say whether each party stays satisfied in every era the package's window spans.")
@pass_store
def report(store, packages: tuple[str, ...], every: bool, output: str, title: str | None, as_of: str | None,
           pins: tuple[str, ...], robust: bool) -> None:
    """Write a brief: one self-contained HTML page to mail or print.

    For each package: the steps × parties grid, each party's verdict with the reasons (and the
    era it was judged in, when parties have eras), a chart of every party's balance over the
    steps with its exposure marked, and for a package being carried out its implementation over
    time.  With several packages, their comparison and a chart of their gains comes first.
    Styles and charts are inside the file: opening it fetches nothing.  --robust adds whether
    each party is satisfied in every era from the package's date to its last due date.

    \b
    Examples:
      negotiator report --all --output korea.html
      negotiator report six-party-second-phase --robust --output accord.html
      negotiator report freeze-dprk-first freeze-alliance-first -o freeze.html \\
          --title "Freeze options"
    """
    from negotiator.briefing.page import render_page
    from negotiator.domain.brief import build_brief
    from negotiator.output import write_file

    _check_target(output, ("html", "htm"))
    chosen = judging(as_of, pins)
    catalogue, drafted = _packages(store, packages, every)
    check_pins(catalogue, chosen)
    brief = build_brief(catalogue, drafted, date.today(), title=title, judging=chosen, robust=robust)
    path = write_file(render_page(brief), output)
    click.echo(f"wrote {path}", err=True)


@click.command()
@click.argument("kind", metavar="KIND")
@click.argument("packages", nargs=-1, required=True, metavar="PKG...")
@click.option("--output", "-o", required=True, metavar="FILE.svg|FILE.png", help="The image to write (SVG or PNG).")
@pass_store
def chart(store, kind: str, packages: tuple[str, ...], output: str) -> None:
    """Draw one chart of one or more packages as an SVG or PNG image.

    \b
    KIND:
      balance         each party's balance after each step, exposure marked
                      (a panel per package)
      exposure        each party's exposure, packages side by side
      implementation  share of each party's moves carried out over time
                      (tracked packages)
      pareto          packages by worst-off party's gain and total gain
                      (two or more packages)

    \b
    Examples:
      negotiator chart balance kaesong-nll --output balance.svg
      negotiator chart pareto freeze-dprk-first freeze-alliance-first -o gain.png
    """
    from negotiator.domain.errors import InvalidValue

    if kind not in CHART_KINDS:
        from negotiator.domain.errors import did_you_mean

        close = did_you_mean(kind, CHART_KINDS)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise InvalidValue(f"unknown chart kind '{kind}'{hint}: use one of {', '.join(CHART_KINDS)}")
    if kind == "pareto" and len(set(packages)) < 2:
        raise InvalidValue("a Pareto chart compares packages: name at least two")
    fmt = _check_target(output, ("svg", "png"))

    from negotiator.briefing.charts import chart as draw
    from negotiator.domain.brief import build_brief
    from negotiator.output import write_file

    catalogue, drafted = _packages(store, packages, False)
    brief = build_brief(catalogue, drafted, date.today())
    path = write_file(draw(kind, brief, fmt), output)
    click.echo(f"wrote {path}", err=True)
