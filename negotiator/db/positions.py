"""Writing positions: what a party demands, offers or opposes, standing or in one of its eras.

As in ``negotiator.db.catalogue``, each function takes the session of the command's one
transaction, judges the position with the rules of ``negotiator.domain.rules`` (those ``import``
uses) and raises a typed error before anything is written.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from negotiator.db.catalogue import (
    KEEP,
    changed,
    get_move,
    get_party,
    get_position,
    ident,
    move_value,
    position_value,
    positions_on,
)
from negotiator.db.tables import PositionRow
from negotiator.domain import rules
from negotiator.domain.model import Bound, Position, parse_bound, parse_int
from negotiator.domain.rules import raise_first


def _weight(value: Any) -> int:
    return value if isinstance(value, int) else parse_int(value, "weight")


def _bound(text: Any) -> Bound | None:
    if text is None or text == "":
        return None
    return parse_bound(text)


def add_position(
    session: Session,
    party: str,
    move: str,
    stance: str,
    weight: Any = 1,
    bound: str | None = None,
    source: str = "",
    era: str | None = None,
) -> PositionRow:
    """Add ``party``'s position on ``move``, standing or (``era``) in one of its eras."""
    from negotiator.db.eras import era_id

    party_row, move_row = get_party(session, party), get_move(session, move)
    position = Position(party, move, stance, _weight(weight), _bound(bound), source, era)
    raise_first(rules.position_problems(position, move_value(session, move_row)))
    era_ident = era_id(session, party, era)
    raise_first(rules.position_key_problems(position, positions_on(session, move_row)))
    row = PositionRow(party_id=ident(party_row), move_id=ident(move_row), era_id=era_ident, stance=position.stance)
    _store_position(session, row, position)
    return row


def edit_position(
    session: Session,
    party: str,
    move: str,
    stance: Any = KEEP,
    weight: Any = KEEP,
    bound: Any = KEEP,
    source: Any = KEEP,
    era: str | None = None,
) -> PositionRow:
    """Change ``party``'s position on ``move`` in ``era`` (None: its standing one)."""
    row = get_position(session, party, move, era)
    move_row = get_move(session, move)
    position = changed(
        position_value(row, party, move, era),
        stance=stance,
        weight=weight if weight is KEEP else _weight(weight),
        bound=bound if bound is KEEP else _bound(bound),
        source=source,
    )
    raise_first(rules.position_problems(position, move_value(session, move_row)))
    _store_position(session, row, position)
    return row


def _store_position(session: Session, row: PositionRow, position: Position) -> None:
    row.stance, row.weight, row.source = position.stance, position.weight, position.source
    row.bound_op = position.bound.op if position.bound else None
    row.bound_value = position.bound.value if position.bound else None
    session.add(row)
    session.flush()


def remove_position(session: Session, party: str, move: str, era: str | None = None) -> None:
    session.delete(get_position(session, party, move, era))
    session.flush()
