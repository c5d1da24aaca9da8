"""``compare`` and ``sequence``: packages side by side, and the best ordering of one package (§4, §5).

Thin: load the catalogue and packages, call ``negotiator.domain.compare`` or
``negotiator.domain.sequencing``, render what they return.  ``sequence --save-as`` stores the best
option through ``negotiator.db.packages.save_package`` in one write transaction.  The ``balance``
matrix builder lives here too (``negotiator.cli.matrix`` looks it up by name).

ortools is imported by ``negotiator.domain.sequencing`` inside the solve only, so neither
``negotiator --help`` nor ``compare`` loads it.
"""

from __future__ import annotations

import sys

import click

from negotiator.cli.common import emit, output_options, pass_store


def _read(store, names):
    from negotiator.db.load import load_catalogue, load_packages

    with store.read() as connection:
        return load_catalogue(connection), load_packages(connection, list(names))


# --- compare ---------------------------------------------------------------------------------


@click.command()
@click.argument("packages", nargs=-1, required=True, metavar="PKG [PKG]...")
@output_options
@pass_store
def compare(store, packages: tuple[str, ...], fmt: str, output: str | None) -> None:
    """Compare packages side by side: the §4 metrics, and which one dominates which.

    Rows are metrics (valid, parties satisfied, steps, moves, reciprocity, max exposure, min and
    total gain, then per party: satisfied, gain, exposure, first move, first gain); columns are
    packages.  A package dominates another when every party gains at least as much and is exposed
    at most as much, it satisfies every party the other does, and one of these is strict.

    \b
    Examples:
      negotiator compare freeze-first aid-first
      negotiator compare freeze-first aid-first --format json
      negotiator compare freeze-first aid-first --format csv --output compare.csv
    """
    from negotiator.domain.compare import compare as compare_packages
    from negotiator.domain.compare import comparison_document, comparison_table

    catalogue, loaded = _read(store, packages)
    comparison = compare_packages(catalogue, loaded)
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
@click.option("--time-limit", "time_limit", type=float, default=None, metavar="S",
              help="Stop after S seconds with the best ordering found (then not proven optimal).")
@output_options
@pass_store
def sequence(store, package: str, steps: int | None, alternatives: int, save_as: str | None,
             time_limit: float | None, fmt: str, output: str | None) -> None:
    """Find the best ordering of a package's moves (OR-Tools CP-SAT).

    The moves and quantities are kept; they are assigned to exactly N non-empty steps that obey
    every rule and, in this order of priority, satisfy as many parties as possible, minimise the
    largest exposure of any party, minimise the sum of exposures, and move as few placements as
    possible from the step they are in.  When some party cannot be satisfied by any ordering, a
    minimal set of conflicting conditions is named: dropping any one of them makes the rest
    satisfiable.  Same input, same answer.

    \b
    Examples:
      negotiator sequence freeze-first
      negotiator sequence freeze-first --steps 3 --alternatives 2
      negotiator sequence freeze-first --save-as freeze-first-best
      negotiator sequence freeze-first --time-limit 10 --format json
    """
    from negotiator.db.load import load_catalogue, load_packages, package_names
    from negotiator.domain.errors import DuplicateCode, InvalidValue
    from negotiator.domain.model import check_package_name
    from negotiator.domain.sequencing import sequence as find_sequence

    with store.read() as connection:
        catalogue = load_catalogue(connection)
        (drafted,) = load_packages(connection, [package])
        if save_as is not None:
            check_package_name(save_as)
            if save_as in package_names(connection):
                raise DuplicateCode("package", save_as, "choose another name for --save-as")

    result = find_sequence(catalogue, drafted, steps=steps, alternatives=alternatives,
                           time_limit=time_limit, progress=_progress_reporter())
    if save_as is not None:
        if result.best is None:
            raise InvalidValue(f"no ordering of '{package}' obeys every rule, so there is nothing to save as '{save_as}'")
        _save(store, drafted, result, save_as)

    if fmt == "json":
        emit(fmt, output, document=_document(result))
    elif fmt == "csv":
        emit(fmt, output, table=_steps_table(catalogue, drafted, result) if result.options else _conflicts_table(result))
    else:
        _emit_tables(fmt, output, [t for t in _tables(catalogue, drafted, result) if t is not None])
    if save_as is not None:
        click.echo(f"saved option 1 as package {save_as} (based on {package})", err=True)


def _progress_reporter():
    """Progress lines on stderr, shown on a terminal, or anywhere once a solve passes a second."""
    interactive = sys.stderr.isatty()

    def report(progress) -> None:
        if not interactive and progress.elapsed < 1.0:
            return
        best = ", ".join(f"{name} {value}" for name, value in progress.best.items())
        bound = ", ".join(f"{name} {value}" for name, value in progress.bound.items())
        click.echo(f"[{progress.elapsed:6.1f}s] {progress.stage}: best {best}" + (f" (bound: {bound})" if bound else ""),
                   err=True)

    return report


def _save(store, drafted, result, name: str) -> None:
    from dataclasses import replace

    from negotiator.db.packages import save_package
    from negotiator.domain.sequencing import arrange

    best = result.best
    new = arrange(drafted, best.steps, name=name)
    # A proposal, not an agreement: implementation levels start afresh.
    new = replace(
        new,
        status="draft",
        history=(),
        steps=tuple(replace(s, placements=tuple(p._replace(level="0") for p in s.placements)) for s in new.steps),
    )
    proof = "proven optimal" if best.proven else "not proven optimal"
    note = (f"sequenced from {drafted.name} into {len(best.steps)} steps ({proof}): "
            f"{len(best.satisfied)} parties satisfied, max exposure {best.max_exposure}, "
            f"total exposure {best.total_exposure}, {best.moved} placements moved")
    with store.write() as session:
        save_package(session, new, based_on=drafted.name, note=note)


def _document(result) -> dict:
    """The JSON document of ``sequence`` (§8)."""
    return {
        "package": result.package,
        "status": result.status,
        "options": [
            {
                "rank": o.rank,
                "steps": [list(step) for step in o.steps],
                "satisfied": list(o.satisfied),
                "max_exposure": o.max_exposure,
                "total_exposure": o.total_exposure,
                "moved": o.moved,
            }
            for o in result.options
        ],
        "conflicts": [{"party": c.party, "text": c.text} for c in result.conflicts],
    }


def _status_line(result) -> str:
    if result.status == "infeasible":
        return f"No ordering of {result.package} obeys every rule"
    best = result.best
    proof = "proven optimal" if result.status == "optimal" else "best found, not proven optimal (time limit)"
    return f"Best ordering of {result.package} into {len(best.steps)} steps: {proof}"


def _tables(catalogue, drafted, result):
    from negotiator.domain.metrics import move_values, package_metrics
    from negotiator.domain.sequencing import arrange
    from negotiator.domain.table import Table

    parties = len(catalogue.parties)
    values = move_values(catalogue)
    summary = None
    if result.options:
        summary = Table(
            ("option", "parties satisfied", "satisfied", "max exposure", "total exposure", "moved", "reciprocity",
             "proven"),
            tuple(
                (o.rank, f"{len(o.satisfied)}/{parties}", " ".join(o.satisfied), o.max_exposure, o.total_exposure,
                 o.moved, round(package_metrics(catalogue, arrange(drafted, o.steps), values).reciprocity, 2),
                 o.proven)
                for o in result.options
            ),
            title=_status_line(result),
        )
    steps = _steps_table(catalogue, drafted, result) if result.options else None
    return [summary, steps, _conflicts_table(result)]


def _conflicts_table(result):
    from negotiator.domain.table import Table

    if not result.conflicts:
        return None
    if result.rules_conflict:
        title = (f"No ordering of {result.package} obeys every rule: these rules cannot all hold "
                 "(dropping any one of them makes the rest possible)")
    else:
        title = "Conflicting conditions: no ordering meets them all (dropping any one makes the rest satisfiable)"
    return Table(
        ("party", "condition"),
        tuple((c.party if c.party is not None else "(rule)", c.text) for c in result.conflicts),
        title=title,
    )


def _steps_table(catalogue, drafted, result):
    """One row per step of each option: its moves, and where each one was before."""
    from negotiator.domain.table import Table

    before = drafted.step_of()
    labels = [s.label for s in drafted.steps]
    rows = []
    for option in result.options:
        for ordinal, moves in enumerate(option.steps, 1):
            shown = [m if before.get(m) == ordinal else f"{m} (was {before.get(m)})" for m in moves]
            label = labels[ordinal - 1] if ordinal <= len(labels) else ""
            rows.append((option.rank, ordinal, label, ", ".join(shown)))
    return Table(("option", "step", "label", "moves"), tuple(rows), title="Steps of each option")


def _emit_tables(fmt: str, output: str | None, tables) -> None:
    """Several tables one after another (table or Markdown)."""
    from negotiator.output import render_text, write_output

    text = "\n".join(render_text(fmt, table=table) for table in tables)
    path = write_output(text, output, fmt)
    if path is not None:
        click.echo(f"wrote {path}", err=True)


# --- matrix balance --------------------------------------------------------------------------


def balance_matrix(store, packages, as_of):
    """``matrix balance PKG``: balance per step × party, and the exposure row."""
    from negotiator.domain.matrices import balance_matrix as build

    catalogue, (package,) = _read(store, packages)
    return build(catalogue, package)
