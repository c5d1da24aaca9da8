"""Storing conditions: add, edit, remove, and read them back with their ids.

A condition is referred to by its id (``3``) or its name (``abductions-first``); names are
therefore never all digits.  Text is checked when it is saved -- it must parse (§3), every move it
names must exist (unknown codes get a did-you-mean), and a rule (no party) may not use
``balance`` or ``exposure`` -- and it is stored in canonical form, so listings show every
condition written the same way.

Write functions take the session of the command's one transaction and raise a typed error before
anything is written; read functions take a connection and use plain SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Optional

from negotiator.domain.errors import DuplicateCode, UnknownCode
from negotiator.domain.language import parse_condition, to_text
from negotiator.domain.model import check_condition_name

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

    from negotiator.db.tables import ConditionRow

KEEP = object()  # "leave this field as it is" in edit_condition


class StoredCondition(NamedTuple):
    id: int
    party: str | None
    name: str | None
    text: str
    soft: bool
    source: str


def _move_codes(session: "Session") -> set[str]:
    from sqlmodel import select

    from negotiator.db.tables import MoveRow

    return set(session.exec(select(MoveRow.code)).all())


def _checked_text(session: "Session", text: str, party: str | None) -> str:
    """The canonical form of ``text``, after every check made on save."""
    return to_text(parse_condition(text, party, _move_codes(session)))


def _party_id(session: "Session", party: str | None) -> int | None:
    if party is None:
        return None
    from negotiator.db.catalogue import get_party

    return get_party(session, party).id


def _check_unique_name(session: "Session", name: str | None, own_id: int | None = None) -> None:
    if name is None:
        return
    from sqlmodel import select

    from negotiator.db.tables import ConditionRow

    check_condition_name(name)
    existing = session.exec(select(ConditionRow).where(ConditionRow.name == name)).first()
    if existing is not None and existing.id != own_id:
        raise DuplicateCode("condition", name, "choose another --name")


def get_condition(session: "Session", ref: str) -> "ConditionRow":
    """The condition with id or name ``ref``."""
    from sqlmodel import select

    from negotiator.db.tables import ConditionRow

    row = None
    if str(ref).isdigit():
        row = session.get(ConditionRow, int(ref))
    else:
        row = session.exec(select(ConditionRow).where(ConditionRow.name == ref)).first()
    if row is None:
        names = [n for n in session.exec(select(ConditionRow.name)).all() if n]
        raise UnknownCode("condition", str(ref), names)
    return row


def add_condition(
    session: "Session",
    party: Optional[str],
    text: str,
    name: Optional[str] = None,
    soft: bool = False,
    source: str = "",
) -> StoredCondition:
    """Add a condition of ``party`` (None: a rule every package must obey)."""
    from negotiator.db.tables import ConditionRow

    party_id = _party_id(session, party)
    canonical = _checked_text(session, text, party)
    name = name or None
    _check_unique_name(session, name)
    row = ConditionRow(party_id=party_id, name=name, text=canonical, soft=soft, source=source)
    session.add(row)
    session.flush()
    return _stored(session, row)


def edit_condition(
    session: "Session", ref: str, text=KEEP, party=KEEP, name=KEEP, soft=KEEP, source=KEEP
) -> StoredCondition:
    """Change a condition; ``party=None`` makes it a rule.  The text is checked again against
    the (possibly new) party, so a condition using balance cannot become a rule."""
    row = get_condition(session, ref)
    if party is not KEEP:
        row.party_id = _party_id(session, party)
        owner = party
    else:
        owner = _owner(session, row)
    row.text = _checked_text(session, row.text if text is KEEP else text, owner)
    if name is not KEEP:
        name = name or None
        _check_unique_name(session, name, own_id=row.id)
        row.name = name
    if soft is not KEEP:
        row.soft = bool(soft)
    if source is not KEEP:
        row.source = source
    session.add(row)
    session.flush()
    return _stored(session, row)


def remove_condition(session: "Session", ref: str) -> StoredCondition:
    """Remove the condition with id or name ``ref``; return what it was."""
    row = get_condition(session, ref)
    removed = _stored(session, row)
    session.delete(row)
    session.flush()
    return removed


def _owner(session: "Session", row: "ConditionRow") -> str | None:
    """The code of the condition's party (None for a rule)."""
    from negotiator.db.tables import PartyRow

    return session.get(PartyRow, row.party_id).code if row.party_id is not None else None


def _stored(session: "Session", row: "ConditionRow") -> StoredCondition:
    return StoredCondition(row.id, _owner(session, row), row.name, row.text, row.soft, row.source or "")


def stored_conditions(connection: "Connection", party: str | None = None, rules: bool = False) -> list[StoredCondition]:
    """Stored conditions in id order; only ``party``'s, or only the rules, when asked."""
    from sqlalchemy import text

    sql = (
        "SELECT c.id, p.code, c.name, c.text, c.soft, c.source FROM condition c "
        "LEFT JOIN party p ON p.id = c.party_id"
    )
    params = {}
    if party is not None:
        codes = [code for (code,) in connection.execute(text("SELECT code FROM party")).all()]
        if party not in codes:
            raise UnknownCode("party", party, codes)
    if rules:
        sql += " WHERE c.party_id IS NULL"
    elif party is not None:
        sql += " WHERE p.code = :party"
        params["party"] = party
    sql += " ORDER BY c.id"
    return [
        StoredCondition(int(id_), code, name, text_, bool(soft), source or "")
        for id_, code, name, text_, soft, source in connection.execute(text(sql), params).all()
    ]


def stored_condition(connection: "Connection", ref: str) -> StoredCondition:
    """The stored condition with id or name ``ref``."""
    every = stored_conditions(connection)
    for condition in every:
        if (str(condition.id) == ref) if ref.isdigit() else (condition.name == ref):
            return condition
    raise UnknownCode("condition", ref, [c.name for c in every if c.name])
