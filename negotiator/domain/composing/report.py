"""What ``negotiator compose`` shows and saves: its tables, its JSON document and the package
``--save-as`` stores, all built from a :class:`~negotiator.domain.composing.result.ComposeResult`.

The first table's title is the status line, present whatever the outcome: what was composed and
whether it is proven best (or the gap to the best still possible), the frontier and whether it is
complete, or that no package obeys the hard conditions.  Then, per option, its steps × parties
grid with each considered party's gain and exposure, and the conflicting conditions when some
party cannot be satisfied.  Only option 1's optimality is claimed; the alternatives are the best
of what remains, each with other moves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from negotiator.domain.composing.request import REQUIRED
from negotiator.domain.composing.result import Composed, ComposeResult
from negotiator.domain.metrics import package_metrics
from negotiator.domain.model import Catalogue, Package, format_number
from negotiator.domain.table import Table


class SavedOption(NamedTuple):
    """The package ``--save-as`` stores, and the note of its ``created`` event."""

    package: Package
    note: str


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _moves(count: int) -> str:
    return _count(count, "move")


def _pool(result: ComposeResult) -> str:
    return f"a pool of {_moves(len(result.pool))}"


def _hard(result: ComposeResult) -> str:
    """What the named hard conditions ask of a package, in words."""
    kinds = {c.party for c in result.conflicts}
    what = ["obeys every rule"] if None in kinds or not result.conflicts else []
    if REQUIRED in kinds:
        what.append("holds every required move")
    if kinds - {None, REQUIRED}:
        what.append("gives every considered party a gain of at least 1")
    return " and ".join(what)


def status_line(result: ComposeResult) -> str:
    """One line saying what compose established."""
    if result.status == "infeasible":
        if result.pareto and not result.rules_conflict:
            line = f"No package of {_count(result.steps, 'step')} from {_pool(result)} satisfies every considered party"
            if result.unnamed:
                return f"{line}; {_unnamed(result)}"
            return f"{line}: see the conflicting conditions"
        line = f"No package of {_count(result.steps, 'step')} from {_pool(result)} {_hard(result)}"
        if result.unnamed:
            return f"{line}; {_unnamed(result)}"
        return f"{line}: these cannot all hold (dropping any one of them makes the rest possible)"
    if result.pareto:
        count = len(result.options)
        complete = "complete" if result.frontier_complete else "incomplete (limit or time limit reached)"
        return (f"Pareto frontier of the gains of {', '.join(result.parties)} from {_pool(result)} in "
                f"{_count(result.steps, 'step')}: {_count(count, 'point')}, {complete}")
    best = result.options[0]
    head = (f"Best package of {_moves(best.moves)} in {_count(result.steps, 'step')} from {_pool(result)} "
            f"(objective {result.objective})")
    if result.status == "optimal":
        return f"{head}: proven optimal"
    gap = f"; {result.gap.text()}" if result.gap is not None else ""
    return f"{head}: best found, not proven optimal (time limit){gap}"


def _unnamed(result: ComposeResult) -> str:
    if result.time_limit is None:
        return "could not name the conflicting conditions"
    return f"could not name the conflicting conditions within --time-limit {result.time_limit:g}"


def _gains(option: Composed) -> str:
    return ", ".join(f"{party} {gain}" for party, gain in option.gains.items())


def options_table(result: ComposeResult) -> Table:
    """The options (frontier points) side by side, as ``compare`` shows packages: metrics as
    rows, options as columns.  Proof is claimed for option 1 only (on a frontier, for each point
    whose package is proven the least exposed)."""
    considered = len(result.parties)
    options = result.options
    what = "point" if result.pareto else "option"

    def row(label: str, cell) -> tuple[Any, ...]:
        return (label, *(cell(o) for o in options))

    rows = [
        row("parties satisfied", lambda o: f"{len(o.satisfied)}/{considered}"),
        row("satisfied", lambda o: " ".join(o.satisfied)),
        *(row(f"{party} gain", lambda o, party=party: o.gains[party]) for party in result.parties),
        row("min gain", lambda o: o.min_gain),
        row("total gain", lambda o: o.total_gain),
        row("Nash product", lambda o: o.nash_product),
        row("max exposure", lambda o: o.max_exposure),
        row("total exposure", lambda o: o.total_exposure),
        row("moves", lambda o: o.moves),
        row("proven optimal", lambda o: o.proven if (o.rank == 1 or result.pareto) else "-"),
    ]
    return Table(("metric", *(f"{what} {o.rank}" for o in options)), tuple(rows), title=status_line(result))


def _cell(catalogue: Catalogue, move: str, qty: float | None) -> str:
    if qty is None:
        return move
    unit = catalogue.move(move).unit
    return f"{move} ({format_number(qty)}" + (f" {unit})" if unit else ")")


def option_grid(catalogue: Catalogue, result: ComposeResult, option: Composed) -> Table:
    """Steps × parties: the moves each party takes in each step (with quantity and unit), then
    each considered party's gain and exposure.  Parties outside the considered ones appear only
    when they act."""
    actors = {catalogue.move(p.move).actor for step in option.steps for p in step}
    parties = [p.code for p in catalogue.parties if p.code in result.parties or p.code in actors]
    rows: list[tuple[Any, ...]] = []
    for ordinal, step in enumerate(option.steps, 1):
        cells: dict[str, list[str]] = {party: [] for party in parties}
        for placed in step:
            cells[catalogue.move(placed.move).actor].append(_cell(catalogue, placed.move, placed.qty))
        rows.append((ordinal, *(", ".join(cells[p]) or None for p in parties)))
    # As text, so that the party columns stay text that a narrow terminal can wrap.
    measured = package_metrics(catalogue, option.package("composed")).parties
    rows.append(("gain", *(str(measured[p].gain) for p in parties)))
    rows.append(("exposure", *(str(measured[p].exposure) for p in parties)))
    what = "Point" if result.pareto else "Option"
    return Table(("step", *parties), tuple(rows), title=f"{what} {option.rank}: steps × parties")


def conflicts_table(result: ComposeResult) -> Table:
    """The minimal set of conflicting conditions, by party (``(rule)`` for a rule, ``(required)``
    for a required move), era and text."""
    if result.rules_conflict:
        title = status_line(result)
    elif result.unnamed:
        title = f"Not every considered party can be satisfied; {_unnamed(result)}"
    else:
        title = ("Conflicting conditions: no package meets them all (dropping any one makes the rest "
                 "satisfiable)")
    rows = tuple((c.party if c.party is not None else "(rule)", c.era, c.text) for c in result.conflicts)
    return Table(("party", "era", "condition"), rows, title=title)


def compose_tables(catalogue: Catalogue, result: ComposeResult,
                   spans: Mapping[str, Sequence[str | None]] | None = None) -> list[Table]:
    """The tables of ``compose``, in order; the first one's title is the status line.  When
    parties have eras (``catalogue`` is the catalogue in force), the last table says which era
    each considered party was judged in, and with ``spans`` (``--robust``) every era it had to
    be satisfied in."""
    if not result.options:
        tables = [conflicts_table(result)]
    else:
        tables = [options_table(result)]
        tables += [option_grid(catalogue, result, option) for option in result.options]
        if result.conflicts or result.unnamed:
            tables.append(conflicts_table(result))
    if catalogue.eras:
        rows = []
        for party in result.parties:
            row: tuple[Any, ...] = (party, catalogue.era_of.get(party))
            if spans is not None:
                row += (", ".join(era or "(standing)" for era in spans.get(party, (None,))),)
            rows.append(row)
        headers = ("party", "era") + (("satisfied in",) if spans is not None else ())
        tables.append(Table(headers, tuple(rows), title="Eras the considered parties were judged in"))
    return tables


def compose_csv(catalogue: Catalogue, result: ComposeResult) -> Table:
    """The one table of the CSV form: every move of every option, one row each (or the
    conflicts when there is no option)."""
    if not result.options:
        return conflicts_table(result)
    first = "point" if result.pareto else "option"
    rows = tuple(
        (o.rank, ordinal, p.move, catalogue.move(p.move).actor, p.qty, catalogue.move(p.move).unit)
        for o in result.options
        for ordinal, step in enumerate(o.steps, 1)
        for p in step
    )
    return Table((first, "step", "move", "actor", "qty", "unit"), rows, title=status_line(result))


def _number(value: float | None) -> float | int | None:
    """A quantity for JSON: whole numbers as integers."""
    return int(value) if value is not None and float(value).is_integer() else value


def compose_document(result: ComposeResult, eras: Mapping[str, str | None] | None = None,
                     spans: Mapping[str, Sequence[str | None]] | None = None) -> dict[str, Any]:
    """The JSON document of ``compose``, with every key whatever the outcome (``frontier_complete``
    only with ``--pareto``); ``gap`` is null when option 1 is proven best.  ``eras`` (each
    considered party's era) and ``spans`` (``--robust``: every era it had to be satisfied in)
    are added when given."""
    document: dict[str, Any] = {
        "status": result.status,
        "objective": result.objective,
        "parties": list(result.parties),
        "options": [
            {
                "rank": o.rank,
                "steps": [[{"move": p.move, "qty": _number(p.qty)} for p in step] for step in o.steps],
                "satisfied": list(o.satisfied),
                "min_gain": o.min_gain,
                "total_gain": o.total_gain,
                "nash_product": o.nash_product,
                "max_exposure": o.max_exposure,
                "total_exposure": o.total_exposure,
                "moves": o.moves,
                "proven_optimal": o.proven,
                "gains": dict(o.gains),
            }
            for o in result.options
        ],
    }
    if result.pareto:
        document["frontier_complete"] = bool(result.frontier_complete)
    document["gap"] = (
        None if result.gap is None
        else {"priority": result.gap.priority, "found": result.gap.found, "bound": result.gap.bound}
    )
    document["conflicts"] = [{"party": c.party, "era": c.era, "text": c.text} for c in result.conflicts]
    if eras is not None:
        document["eras"] = {party: eras.get(party) for party in result.parties}
    if spans is not None:
        document["robust"] = {party: list(spans.get(party, (None,))) for party in result.parties}
    return document


def saved_package(result: ComposeResult, option: Composed, name: str, origin: Package | None = None) -> SavedOption:
    """``option`` as a new draft package ``name`` (based on the ``--from`` package, if any), and
    the note of its creation."""
    package = option.package(name, origin)
    what = "point" if result.pareto else "option"
    package = replace(
        package,
        title=f"Composed: {what} {option.rank} of compose (objective {result.objective})",
        description=(f"Proposed by negotiator compose from {_pool(result)}"
                     + (f" (from package {origin.name})" if origin is not None else "")
                     + f", considering {', '.join(result.parties)}."),
    )
    proof = "proven optimal" if option.proven else "not proven optimal"
    note = (f"composed from {_pool(result)} into {_count(len(option.steps), 'step')} ({what} {option.rank}, "
            f"objective {result.objective}, {proof}): {len(option.satisfied)}/{len(result.parties)} parties "
            f"satisfied, gains {_gains(option)}, max exposure {option.max_exposure}, "
            f"total exposure {option.total_exposure}, {_moves(option.moves)}")
    return SavedOption(package, note)
