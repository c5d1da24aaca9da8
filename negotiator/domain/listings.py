"""Catalogue listings as tables: parties, issues, moves, positions, and one row shown in full.

Pure projections of domain values into ``Table`` rows for the renderer.
"""

from __future__ import annotations

from typing import Any

from negotiator.domain.model import Catalogue, Move, Party, Position
from negotiator.domain.table import Table


def bound_text(position: Position) -> str | None:
    return position.bound.text if position.bound else None


def parties_table(catalogue: Catalogue) -> Table:
    actors: dict[str, int] = {}
    for move in catalogue.moves:
        actors[move.actor] = actors.get(move.actor, 0) + 1
    return Table(
        ("code", "name", "moves", "notes"),
        tuple((p.code, p.name, actors.get(p.code, 0), p.notes) for p in catalogue.parties),
    )


def issues_table(catalogue: Catalogue) -> Table:
    counts: dict[str, int] = {}
    for move in catalogue.moves:
        if move.issue:
            counts[move.issue] = counts.get(move.issue, 0) + 1
    return Table(("code", "title", "moves"), tuple((i.code, i.title, counts.get(i.code, 0)) for i in catalogue.issues))


def moves_table(catalogue: Catalogue, actor: str | None = None, issue: str | None = None) -> Table:
    rows = tuple(
        (m.code, m.actor, m.issue, m.title, m.unit, m.cost, m.reversible)
        for m in catalogue.moves
        if (actor is None or m.actor == actor) and (issue is None or m.issue == issue)
    )
    return Table(("code", "actor", "issue", "title", "unit", "cost", "reversible"), rows)


def positions_table(
    catalogue: Catalogue, party: str | None = None, move: str | None = None, stance: str | None = None
) -> Table:
    rows = tuple(
        (p.party, p.stance, p.move, p.weight, bound_text(p), p.source)
        for p in catalogue.positions
        if (party is None or p.party == party) and (move is None or p.move == move) and (stance is None or p.stance == stance)
    )
    return Table(("party", "stance", "move", "weight", "bound", "source"), rows)


def field_text(value: Any) -> Any:
    """A field of a record as a person reads it: a list as one item a line ("(none)" when
    empty), other values as they are (the renderer shows booleans and None)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return "\n".join(str(item) for item in items) or "(none)"
    return value


def record_table(record: dict, title: str = "") -> Table:
    """One row shown in full, as labelled field/value lines (a list one item a line)."""
    return Table(("field", "value"), tuple((k, field_text(v)) for k, v in record.items()), title=title)


def party_record(catalogue: Catalogue, party: Party) -> dict:
    return {
        "code": party.code,
        "name": party.name,
        "notes": party.notes,
        "source": party.source,
        "moves": [m.code for m in catalogue.moves if m.actor == party.code],
        "positions": [f"{p.stance} {p.move}" for p in catalogue.positions if p.party == party.code],
        "conditions": [c.text for c in catalogue.conditions if c.party == party.code],
    }


def move_record(catalogue: Catalogue, move: Move) -> dict:
    return {
        "code": move.code,
        "actor": move.actor,
        "issue": move.issue,
        "title": move.title,
        "description": move.description,
        "unit": move.unit,
        "cost": move.cost,
        "reversible": move.reversible,
        "source": move.source,
        "positions": [
            f"{p.party} {p.stance}" + (f" x{p.weight}" if p.weight != 1 else "") + (f" ({p.bound.text})" if p.bound else "")
            for p in catalogue.positions
            if p.move == move.code
        ],
    }


def position_record(position: Position) -> dict:
    return {
        "party": position.party,
        "move": position.move,
        "stance": position.stance,
        "weight": position.weight,
        "bound": bound_text(position),
        "source": position.source,
    }
