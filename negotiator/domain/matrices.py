"""Negotiation matrices (``negotiator matrix KIND``) as tables, built from domain values.

Each builder is a pure function returning a ``Table``; the command line picks one by KIND and
hands it to the renderer.  Kinds: positions, values (here), satisfaction, conditions, balance,
implementation and package (below, each self-contained).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from negotiator.domain.model import Catalogue, Position
from negotiator.domain.table import Table

if TYPE_CHECKING:
    from negotiator.domain.evaluate import PackageCheck


def party_header(catalogue: Catalogue, party: str) -> str:
    """A party's column in a matrix of a catalogue in force: ``ROK (lee)`` when it is judged in
    an era, else its code."""
    era = catalogue.era_of.get(party)
    return f"{party} ({era})" if era else party


def _position_cell(position: Position) -> str:
    text = position.stance
    if position.weight != 1:
        text += f" {position.weight}"
    if position.bound is not None:
        text += f" {position.bound.text}"
    return text


def positions_matrix(catalogue: Catalogue) -> Table:
    """Moves × parties: each cell the party's stance on the move, with weight and bound, as in
    force (a party judged in an era is headed with it, e.g. ``ROK (lee)``).

    ``offer``, ``demand 3``, ``oppose 2``, ``demand 3 >= 300`` — the weight is shown when not 1.
    """
    parties = [p.code for p in catalogue.parties]
    cells = {(position.move, position.party): _position_cell(position) for position in catalogue.positions}
    rows = tuple(
        (move.code, move.actor, move.issue, *(cells.get((move.code, party)) for party in parties))
        for move in catalogue.moves
    )
    headers = tuple(party_header(catalogue, party) for party in parties)
    return Table(("move", "actor", "issue", *headers), rows, title="Positions (moves × parties)")


def positions_all_eras_matrix(catalogue: Catalogue) -> Table:
    """Moves × (party, era): for a party with eras one column per era, oldest first, each cell
    its position in force in that era; for a party without, one column of its positions."""
    from negotiator.domain.eras import in_force

    columns: list[tuple[str, dict[str, str]]] = []
    for party in catalogue.parties:
        eras = catalogue.eras_of.get(party.code, ())
        for era in eras or (None,):
            held = in_force(catalogue, party.code, era.name if era is not None else None).positions
            header = f"{party.code} ({era.name})" if era is not None else party.code
            columns.append((header, {p.move: _position_cell(p) for p in held}))
    rows = tuple(
        (move.code, move.actor, move.issue, *(cells.get(move.code) for _, cells in columns))
        for move in catalogue.moves
    )
    return Table(("move", "actor", "issue", *(header for header, _ in columns)), rows,
                 title="Positions in every era (moves × parties and eras)")


def values_matrix(catalogue: Catalogue) -> Table:
    """Moves × parties: v_P(m) per DESIGN §4 (−cost for the actor, +weight demand, −weight oppose),
    with the positions in force."""
    from negotiator.domain.metrics import move_values

    values = move_values(catalogue)
    parties = [p.code for p in catalogue.parties]
    rows = tuple(
        (move.code, move.actor, *(values.get(move.code, {}).get(party, 0) for party in parties))
        for move in catalogue.moves
    )
    headers = tuple(party_header(catalogue, party) for party in parties)
    return Table(("move", "actor", *headers), rows, title="Values v_P(m) (moves × parties)")


def balance_matrix(catalogue: Catalogue, package) -> Table:
    """Steps × parties for one package: each party's balance after each step (§4), then a row
    with each party's exposure — who is out of pocket when, while the package is carried out."""
    from negotiator.domain.metrics import package_metrics

    measured = package_metrics(catalogue, package).parties
    parties = list(measured)
    rows = [
        (ordinal, step.label, *(measured[party].balances[ordinal - 1] for party in parties))
        for ordinal, step in enumerate(package.steps, 1)
    ]
    rows.append(("exposure", "", *(measured[party].exposure for party in parties)))
    return Table(
        ("step", "label", *parties),
        tuple(rows),
        title=f"Balance of {package.name} after each step (steps × parties), and exposure",
    )


def package_matrix(catalogue: Catalogue, package) -> Table:
    """One package as a grid: steps × parties, each cell the moves that party takes in that step
    (with quantity and unit), e.g. ``kaesong.wage (120 USD/month), rok.food-aid``."""
    from negotiator.domain.model import format_number

    parties = [p.code for p in catalogue.parties]
    rows = []
    for ordinal, step in enumerate(package.steps, 1):
        cells: dict[str, list[str]] = {party: [] for party in parties}
        for placement in step.placements:
            move = catalogue.move(placement.move)
            text = move.code
            if placement.quantity is not None:
                text += f" ({format_number(placement.quantity)}" + (f" {move.unit})" if move.unit else ")")
            cells.setdefault(move.actor, []).append(text)
        rows.append((ordinal, step.label, step.due, *(", ".join(cells[p]) or None for p in parties)))
    title = (f"{package.name}" + (f" — {package.title}" if package.title else "") + f" ({package.status}"
             + (f", dated {package.date.isoformat()})" if package.date else ")"))
    return Table(("step", "label", "due", *parties), tuple(rows), title=title)


def implementation_matrix(catalogue: Catalogue, state) -> Table:
    """A tracker state (``negotiator.domain.tracker.package_status``) as moves × parties.

    One row per placed move: its step, actor, quantity and level, and for each party the value it
    has realised so far (v_P(m) × level/3, reversed = 0).  Below them one row each for the
    parties' delivered, received, realised balance and exposure.
    """
    from negotiator.domain.metrics import move_values
    from negotiator.domain.tracker import amount, realised_fraction

    values = move_values(catalogue)
    parties = [p.code for p in catalogue.parties]
    rows = [
        (
            m.step, m.move, m.actor, m.quantity, m.level, m.since,
            *(amount(realised_fraction(m.level) * values.get(m.move, {}).get(p, 0)) for p in parties),
        )
        for s in state.steps
        for m in s.moves
    ]
    by_party = {p.party: p for p in state.parties}
    for total in ("delivered", "received", "balance", "exposure"):
        rows.append((None, total, None, None, None, None,
                     *(amount(getattr(by_party[p], total)) if p in by_party else None for p in parties)))
    when = f" on {state.as_of.isoformat()}" if state.as_of else ""
    return Table(
        ("step", "move", "actor", "qty", "level", "since", *parties),
        tuple(rows),
        title=f"Implementation of {state.package}{when} (realised value per move × party)",
    )


def satisfaction_matrix(catalogue: Catalogue, checks: Sequence[PackageCheck]) -> Table:
    """Packages × parties: whether each package satisfies each party (§3; ``no stake`` for a
    party with none), with its validity, how many parties it satisfies and the eras its parties
    were judged in."""
    parties = [p.code for p in catalogue.parties]
    rows = []
    for check in checks:
        satisfied = {p.party: p.satisfied if p.stake else "no stake" for p in check.parties}
        row = (check.package, check.valid, sum(p.satisfied for p in check.parties if p.stake),
               *(satisfied.get(p) for p in parties))
        if catalogue.eras:
            row += (", ".join(f"{p.party} {p.era}" for p in check.parties if p.era) or None,)
        rows.append(row)
    return Table(
        ("package", "valid", "satisfied", *parties, *(("eras",) if catalogue.eras else ())),
        tuple(rows),
        title="Satisfaction (packages × parties)",
    )


def conditions_matrix(checks: Sequence[PackageCheck], eras: bool = False) -> Table:
    """Conditions × packages: ``pass`` or ``FAIL`` for every condition (rules first, then each
    party's, position bounds included) on every package; empty where the condition is not in
    force for the package (an era's condition, its party judged in another era).  With ``eras``
    (the parties have some) a column says the era each condition belongs to."""
    order: dict[tuple, tuple] = {}

    def key(r) -> tuple:
        return (r.party, r.era, r.name, r.text, r.origin)

    for check in checks:
        for r in check.rules:
            order.setdefault(key(r), (*key(r), r.soft))
    parties = list(dict.fromkeys(p.party for check in checks for p in check.parties))
    for party in parties:
        for check in checks:
            for entry in check.parties:
                if entry.party == party:
                    for r in entry.conditions:
                        order.setdefault(key(r), (*key(r), r.soft))
    columns = []
    for check in checks:
        results = list(check.rules) + [r for party in check.parties for r in party.conditions]
        columns.append((check.package, {key(r): r.passed for r in results}))
    rows = tuple(
        (*(fields if eras else fields[:1] + fields[2:]),
         *(None if k not in column else ("pass" if column[k] else "FAIL") for _, column in columns))
        for k, fields in order.items()
    )
    return Table(
        ("party", *(("era",) if eras else ()), "name", "condition", "origin", "soft", *(name for name, _ in columns)),
        rows,
        title="Conditions × packages (no party: a rule; no era: standing)",
    )
