"""Catalogue listings as tables: parties, issues, moves, eras, positions, and one row shown in full.

Pure projections of domain values into ``Table`` rows for the renderer.
"""

from __future__ import annotations

from typing import Any

from negotiator.domain.model import Catalogue, Era, Move, Party, Position
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
    catalogue: Catalogue, party: str | None = None, move: str | None = None, stance: str | None = None,
    era: str | None = None,
) -> Table:
    """Stored positions, of every era (no era: standing), optionally of one party, move, stance
    or era."""
    rows = tuple(
        (p.party, p.era, p.stance, p.move, p.weight, bound_text(p), p.source)
        for p in catalogue.positions
        if (party is None or p.party == party) and (move is None or p.move == move)
        and (stance is None or p.stance == stance) and (era is None or p.era == era)
    )
    return Table(("party", "era", "stance", "move", "weight", "bound", "source"), rows)


def eras_table(catalogue: Catalogue, party: str | None = None) -> Table:
    """Eras, party by party in time order, with the positions and conditions each holds."""
    positions: dict[tuple[str, str], int] = {}
    conditions: dict[tuple[str, str], int] = {}
    for position in catalogue.positions:
        if position.era is not None:
            key = (position.party, position.era)
            positions[key] = positions.get(key, 0) + 1
    for condition in catalogue.conditions:
        if condition.era is not None and condition.party is not None:
            key = (condition.party, condition.era)
            conditions[key] = conditions.get(key, 0) + 1
    order = {p.code: i for i, p in enumerate(catalogue.parties)}
    rows = tuple(
        (e.party, e.name, e.title, e.start, e.end, positions.get((e.party, e.name), 0),
         conditions.get((e.party, e.name), 0))
        for e in sorted(catalogue.eras, key=lambda e: (order.get(e.party, len(order)), e.start))
        if party is None or e.party == party
    )
    return Table(("party", "name", "title", "start", "end", "positions", "conditions"), rows,
                 title="Eras (start included, end excluded; no end: ongoing)")


def era_record(catalogue: Catalogue, era: Era) -> dict:
    return {
        "party": era.party,
        "name": era.name,
        "title": era.title,
        "start": era.start,
        "end": era.end,
        "source": era.source,
        "positions": [_position_text(p) for p in catalogue.positions if p.party == era.party and p.era == era.name],
        "conditions": [c.text for c in catalogue.conditions if c.party == era.party and c.era == era.name],
    }


def _position_text(position: Position) -> str:
    text = f"{position.stance} {position.move}"
    if position.weight != 1:
        text += f" x{position.weight}"
    return text + (f" ({position.bound.text})" if position.bound else "")


def _era_suffix(era: str | None) -> str:
    return f" [{era}]" if era else ""


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
        "eras": [f"{e.name}: {e.title} ({e.span})" for e in catalogue.eras_of.get(party.code, ())],
        "positions": [f"{p.stance} {p.move}{_era_suffix(p.era)}" for p in catalogue.positions if p.party == party.code],
        "conditions": [f"{c.text}{_era_suffix(c.era)}" for c in catalogue.conditions if c.party == party.code],
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
            f"{p.party} {p.stance}"
            + (f" x{p.weight}" if p.weight != 1 else "")
            + (f" ({p.bound.text})" if p.bound else "")
            + _era_suffix(p.era)
            for p in catalogue.positions
            if p.move == move.code
        ],
    }


def position_record(position: Position) -> dict:
    return {
        "party": position.party,
        "era": position.era,
        "move": position.move,
        "stance": position.stance,
        "weight": position.weight,
        "bound": bound_text(position),
        "source": position.source,
    }
