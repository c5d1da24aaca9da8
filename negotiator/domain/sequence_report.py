"""What ``negotiator sequence`` shows and saves: its tables, its JSON document and the package
``--save-as`` stores, all built from a ``SequenceResult`` (§5, §8).

The sequencer (``negotiator.domain.sequencing``) finds orderings; this module only words them,
so that the command line parses, calls and renders and nothing more.  The first table's title is
the status line, present whatever the outcome: the best ordering and whether it is proven, or
that no ordering obeys the rules, and when the time limit cut the naming of conflicting
conditions short, that too.  Only the best option's optimality is ever proven; the alternatives
are the best of what remains, so the tables claim no proof for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from negotiator.domain.metrics import move_values, package_metrics
from negotiator.domain.model import Catalogue, Package
from negotiator.domain.sequencing import Option, SequenceResult, arrange
from negotiator.domain.table import Table


class SavedOption(NamedTuple):
    """The package ``--save-as`` stores, and the note of its ``created`` event."""

    package: Package
    note: str


def status_line(result: SequenceResult) -> str:
    """One line saying what the sequencer established."""
    if result.status == "infeasible":
        line = f"No ordering of {result.package} obeys every rule"
        if result.unnamed:
            return f"{line}; {_unnamed(result)}"
        return f"{line}: these rules cannot all hold (dropping any one of them makes the rest possible)"
    proof = "proven optimal" if result.status == "optimal" else "best found, not proven optimal (time limit)"
    return f"Best ordering of {result.package} into {len(result.options[0].steps)} steps: {proof}"


def _unnamed(result: SequenceResult) -> str:
    if result.time_limit is None:
        return "could not name the conflicting conditions"
    return f"could not name the conflicting conditions within --time-limit {result.time_limit:g}"


Spans = Mapping[str, Sequence[str | None]]


def sequence_tables(catalogue: Catalogue, drafted: Package, result: SequenceResult,
                    stakes: Mapping[str, bool] | None = None, spans: Spans | None = None) -> list[Table]:
    """The tables of ``sequence``, in order; the first one's title is the status line.

    ``catalogue`` is the catalogue in force; ``stakes`` says which parties have a stake in the
    package (all, when not given); ``spans`` the eras each party was judged in robustly."""
    if not result.options:
        return [Table(("party", "era", "condition"), _conflict_rows(result), title=status_line(result))]
    tables = [options_table(catalogue, drafted, result, stakes), steps_table(drafted, result)]
    if result.conflicts or result.unnamed:
        tables.append(conflicts_table(result))
    if catalogue.eras:
        tables.append(eras_table(catalogue, stakes, spans))
    return tables


def satisfied_text(satisfied: Sequence[str], parties: Sequence[str], stakes: Mapping[str, bool] | None) -> str:
    """``5/5 (1 without stake)``: the satisfied parties over those with a stake."""
    with_stake = [p for p in parties if stakes is None or stakes.get(p, True)]
    count = f"{sum(1 for p in satisfied if p in with_stake)}/{len(with_stake)}"
    without = len(parties) - len(with_stake)
    return count + (f" ({without} without stake)" if without else "")


def options_table(catalogue: Catalogue, drafted: Package, result: SequenceResult,
                  stakes: Mapping[str, bool] | None = None) -> Table:
    """One row per option with its §4 metrics; proof is claimed for the best option only."""
    parties = [p.code for p in catalogue.parties]
    values = move_values(catalogue)

    def reciprocity(option: Option) -> float:
        return round(package_metrics(catalogue, arrange(drafted, option.steps), values).reciprocity, 2)

    return Table(
        ("option", "parties satisfied", "satisfied", "max exposure", "total exposure", "moved", "reciprocity",
         "proven optimal"),
        tuple(
            (o.rank, satisfied_text(o.satisfied, parties, stakes),
             " ".join(p for p in o.satisfied if stakes is None or stakes.get(p, True)), o.max_exposure,
             o.total_exposure, o.moved, reciprocity(o), o.proven if o.rank == 1 else "-")
            for o in result.options
        ),
        title=status_line(result),
    )


def eras_table(catalogue: Catalogue, stakes: Mapping[str, bool] | None = None, spans: Spans | None = None) -> Table:
    """Each party's era (that of the as-of date: its values give the exposures) and, judged
    robustly, every era it had to be satisfied in."""
    rows = []
    for party in catalogue.parties:
        row: tuple[Any, ...] = (party.code, catalogue.era_of.get(party.code))
        if spans is not None:
            row += (", ".join(era or "(standing)" for era in spans.get(party.code, (None,))),)
        rows.append(row + ("yes" if stakes is None or stakes.get(party.code, True) else "no stake",))
    headers = ("party", "era") + (("satisfied in",) if spans is not None else ()) + ("stake",)
    title = "Eras the parties were judged in" + (" (robustly: every era listed)" if spans is not None else "")
    return Table(headers, tuple(rows), title=title)


def steps_table(drafted: Package, result: SequenceResult) -> Table:
    """One row per step of each option: its moves, and where each one was before."""
    before = drafted.step_of()
    labels = [s.label for s in drafted.steps]
    rows = []
    for option in result.options:
        for ordinal, moves in enumerate(option.steps, 1):
            shown = [m if before.get(m) == ordinal else f"{m} (was {before.get(m)})" for m in moves]
            label = labels[ordinal - 1] if ordinal <= len(labels) else ""
            rows.append((option.rank, ordinal, label, ", ".join(shown)))
    return Table(("option", "step", "label", "moves"), tuple(rows), title="Steps of each option")


def conflicts_table(result: SequenceResult) -> Table:
    """The minimal set of conflicting conditions, by party (``(rule)`` for a rule) and text."""
    if result.rules_conflict:
        title = status_line(result)
    elif result.unnamed:
        title = f"Not every party is satisfied; {_unnamed(result)}"
    else:
        title = "Conflicting conditions: no ordering meets them all (dropping any one makes the rest satisfiable)"
    return Table(("party", "era", "condition"), _conflict_rows(result), title=title)


def _conflict_rows(result: SequenceResult) -> tuple[tuple[str, str | None, str], ...]:
    return tuple((c.party if c.party is not None else "(rule)", c.era, c.text) for c in result.conflicts)


def sequence_csv(drafted: Package, result: SequenceResult) -> Table:
    """The one table of the CSV form: the steps of each option, or the conflicts when none."""
    return steps_table(drafted, result) if result.options else conflicts_table(result)


def sequence_document(result: SequenceResult, spans: Spans | None = None,
                      eras: Mapping[str, str | None] | None = None) -> dict[str, Any]:
    """The JSON document of ``sequence`` (§8), with every key whatever the outcome; ``eras``
    the era each party was judged in, and, judged robustly, ``spans`` every era it had to be
    satisfied in."""
    document: dict[str, Any] = {
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
        "conflicts": [{"party": c.party, "era": c.era, "text": c.text} for c in result.conflicts],
    }
    if eras is not None:
        document["eras"] = dict(eras)
    if spans is not None:
        document["robust"] = {party: list(spanned) for party, spanned in spans.items()}
    return document


def saved_package(drafted: Package, option: Option, name: str) -> SavedOption:
    """``option`` as a new draft package ``name`` based on ``drafted``, and its creation note.

    A proposal, not an agreement: it starts as a draft with no history and every implementation
    level back at 0.
    """
    arranged = arrange(drafted, option.steps, name=name)
    fresh = replace(
        arranged,
        status="draft",
        history=(),
        steps=tuple(
            replace(step, placements=tuple(p._replace(level="0") for p in step.placements))
            for step in arranged.steps
        ),
    )
    proof = "proven optimal" if option.proven else "not proven optimal"
    note = (f"sequenced from {drafted.name} into {len(option.steps)} steps ({proof}): "
            f"{len(option.satisfied)} parties satisfied, max exposure {option.max_exposure}, "
            f"total exposure {option.total_exposure}, {option.moved} placements moved")
    return SavedOption(fresh, note)
