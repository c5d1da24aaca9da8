"""Negotiation matrices (``negotiator matrix KIND``) as tables, built from domain values.

Each builder is a pure function returning a ``Table``; the command line picks one by KIND and
hands it to the renderer.  Kinds: positions, values (here), satisfaction, conditions, balance,
implementation and package (below, each self-contained).
"""

from __future__ import annotations

from negotiator.domain.model import Catalogue
from negotiator.domain.table import Table


def positions_matrix(catalogue: Catalogue) -> Table:
    """Moves × parties: each cell the party's stance on the move, with weight and bound.

    ``offer``, ``demand 3``, ``oppose 2``, ``demand 3 >= 300`` — the weight is shown when not 1.
    """
    parties = [p.code for p in catalogue.parties]
    cells: dict[tuple[str, str], str] = {}
    for position in catalogue.positions:
        text = position.stance
        if position.weight != 1:
            text += f" {position.weight}"
        if position.bound is not None:
            text += f" {position.bound.text}"
        cells[(position.move, position.party)] = text
    rows = tuple(
        (move.code, move.actor, move.issue, *(cells.get((move.code, party)) for party in parties))
        for move in catalogue.moves
    )
    return Table(("move", "actor", "issue", *parties), rows, title="Positions (moves × parties)")


def values_matrix(catalogue: Catalogue) -> Table:
    """Moves × parties: v_P(m) per DESIGN §4 (−cost for the actor, +weight demand, −weight oppose)."""
    from negotiator.domain.metrics import move_values

    values = move_values(catalogue)
    parties = [p.code for p in catalogue.parties]
    rows = tuple(
        (move.code, move.actor, *(values.get(move.code, {}).get(party, 0) for party in parties))
        for move in catalogue.moves
    )
    return Table(("move", "actor", *parties), rows, title="Values v_P(m) (moves × parties)")


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
    title = f"{package.name}" + (f" — {package.title}" if package.title else "") + f" ({package.status})"
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


def satisfaction_matrix(catalogue: Catalogue, packages) -> Table:
    """Packages × parties: whether each package satisfies each party (§3), with its validity
    (every rule obeyed) and how many parties it satisfies."""
    from negotiator.domain.evaluate import Checker

    checker = Checker(catalogue, explain_passes=False)
    parties = [p.code for p in catalogue.parties]
    rows = []
    for package in packages:
        check = checker.check(package)
        satisfied = {p.party: p.satisfied for p in check.parties}
        rows.append((check.package, check.valid, sum(satisfied.values()), *(satisfied.get(p) for p in parties)))
    return Table(
        ("package", "valid", "satisfied", *parties),
        tuple(rows),
        title="Satisfaction (packages × parties)",
    )


def conditions_matrix(catalogue: Catalogue, packages) -> Table:
    """Conditions × packages: ``pass`` or ``FAIL`` for every condition (rules first, then each
    party's, position bounds included) on every package."""
    from negotiator.domain.evaluate import Checker
    from negotiator.domain.model import Package

    checker = Checker(catalogue, explain_passes=False)

    def results(package):
        check = checker.check(package)
        return list(check.rules) + [r for party in check.parties for r in party.conditions]

    judged = results(Package(name=""))  # every condition, in the order the checker reports them
    columns = [(package.name, results(package)) for package in packages]
    rows = tuple(
        (r.party, r.name, r.text, r.origin, r.soft, *("pass" if column[i].passed else "FAIL" for _, column in columns))
        for i, r in enumerate(judged)
    )
    return Table(
        ("party", "name", "condition", "origin", "soft", *(name for name, _ in columns)),
        rows,
        title="Conditions × packages (no party: a rule)",
    )
