"""Writing eras: add, edit and remove the dated periods of a party, and find the era a position or
condition names.

Each function takes the session of the command's one transaction, builds the era it is about to
store as a domain value, judges it with ``negotiator.domain.rules`` (the functions ``import``
uses too) against the party's other eras, and raises a typed error before anything is written.
Removing an era that still holds positions or conditions is refused unless ``cascade``, which
takes them with it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from negotiator.db.catalogue import KEEP, get_party, ident
from negotiator.db.tables import ConditionRow, EraRow, MoveRow, PartyRow, PositionRow
from negotiator.domain import rules
from negotiator.domain.model import Era
from negotiator.domain.rules import raise_first


def _value(row: EraRow, party: str) -> Era:
    return Era(party, row.name, row.title, row.start, row.end, row.source or "")


def _party_eras(session: Session, party: PartyRow) -> list[EraRow]:
    return list(session.exec(select(EraRow).where(EraRow.party_id == party.id).order_by(col(EraRow.start))).all())


def get_era(session: Session, party: str, name: str) -> EraRow:
    """The era ``name`` of ``party``: an unknown one is refused with a did-you-mean."""
    party_row = get_party(session, party)
    eras = _party_eras(session, party_row)
    for row in eras:
        if row.name == name:
            return row
    raise rules.unknown_era(party, name, [row.name for row in eras])


def era_id(session: Session, party: str | None, name: str | None) -> int | None:
    """The id of the era a position or condition of ``party`` names (None: standing)."""
    if name is None:
        return None
    raise_first(rules.era_reference_problems("era", party, name, _era_names(session)))
    assert party is not None  # a rule with an era has a problem
    return ident(get_era(session, party, name))


def era_name(session: Session, row_era_id: int | None) -> str | None:
    if row_era_id is None:
        return None
    found = session.get(EraRow, row_era_id)
    return found.name if found is not None else None


def _era_names(session: Session) -> dict[str, list[str]]:
    """Party -> the names of its eras."""
    found: dict[str, list[str]] = {}
    rows = session.exec(select(PartyRow.code, EraRow.name).join(EraRow, col(EraRow.party_id) == PartyRow.id))
    for party, name in rows:
        found.setdefault(party, []).append(name)
    return found


def _judged(session: Session, era: Era, party: PartyRow, own_id: int | None = None) -> None:
    others = [_value(row, party.code) for row in _party_eras(session, party) if row.id != own_id]
    raise_first(rules.era_problems(era))
    raise_first(rules.era_unique_problems(era, others))
    raise_first(rules.overlap_problems(era, others))


def add_era(session: Session, party: str, name: str, title: str, start: date, end: date | None = None,
            source: str = "") -> EraRow:
    party_row = get_party(session, party)
    era = Era(party, name, (title or "").strip(), start, end, source)
    _judged(session, era, party_row)
    row = EraRow(party_id=ident(party_row), name=era.name, title=era.title, start=era.start, end=era.end,
                 source=era.source)
    session.add(row)
    session.flush()
    return row


def edit_era(session: Session, party: str, name: str, new_name: Any = KEEP, title: Any = KEEP, start: Any = KEEP,
             end: Any = KEEP, source: Any = KEEP) -> EraRow:
    """Change an era; ``end=None`` makes it ongoing.  Its positions and conditions follow a new
    name."""
    party_row = get_party(session, party)
    row = get_era(session, party, name)
    before = _value(row, party)
    changes = {"name": new_name, "title": title if title is KEEP else (title or "").strip(), "start": start,
               "end": end, "source": source}
    era = replace(before, **{key: value for key, value in changes.items() if value is not KEEP})
    _judged(session, era, party_row, own_id=row.id)
    row.name, row.title, row.start, row.end, row.source = era.name, era.title, era.start, era.end, era.source
    session.add(row)
    session.flush()
    return row


def era_holdings(session: Session, row: EraRow) -> tuple[list[str], list[str]]:
    """The positions and conditions of an era, as a person names them."""
    positions = session.exec(
        select(PositionRow.stance, MoveRow.code).join(MoveRow, col(MoveRow.id) == PositionRow.move_id)
        .where(PositionRow.era_id == row.id).order_by(col(MoveRow.code))
    ).all()
    conditions = session.exec(select(ConditionRow).where(ConditionRow.era_id == row.id)
                              .order_by(col(ConditionRow.id))).all()
    return ([f"position {stance} {move}" for stance, move in positions],
            [f"condition {c.name or c.id}" for c in conditions])


def remove_era(session: Session, party: str, name: str, cascade: bool = False) -> list[str]:
    """Remove an era; with ``cascade`` its positions and conditions go too (else refused while
    it has any).  Returns what was removed with it."""
    row = get_era(session, party, name)
    positions, conditions = era_holdings(session, row)
    raise_first(rules.era_removal_problems(_value(row, party), positions, conditions, cascade))
    for position in session.exec(select(PositionRow).where(PositionRow.era_id == row.id)).all():
        session.delete(position)
    for condition in session.exec(select(ConditionRow).where(ConditionRow.era_id == row.id)).all():
        session.delete(condition)
    session.flush()
    session.delete(row)
    session.flush()
    return positions + conditions
