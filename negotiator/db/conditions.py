"""Storing conditions: add, edit, remove, and read them back with their ids.

A condition is referred to by its id (``3``) or its name (``abductions-first``); names are
therefore never all digits.  A condition is judged when it is saved by the rules of
``negotiator.domain.rules`` (the same functions ``import`` uses): its text parses (§3), every move
it names exists (unknown codes get a did-you-mean), a rule (no party) uses no ``balance`` or
``exposure``, a quantity is compared only for a move with a unit, steps count from 1, an era is
one of its own party's (a rule has none), and no other condition has its name or its party, era
and text.  It is stored in canonical form, so listings
show every condition written the same way.

Write functions take the session of the command's one transaction and raise a typed error before
anything is written; read functions take a connection and use plain SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from negotiator.domain import rules
from negotiator.domain.errors import UnknownCode
from negotiator.domain.language import to_text
from negotiator.domain.model import Condition
from negotiator.domain.rules import raise_first

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
    era: str | None = None


def _judged(session: Session, condition: Condition, own_id: int | None = None) -> Condition:
    """``condition`` with its text in canonical form, once every rule on conditions holds
    against the catalogue and the other stored conditions."""
    from negotiator.db.load import condition_labels, load_catalogue

    connection = session.connection()
    catalogue = load_catalogue(connection)
    node, found = rules.condition_problems(condition, catalogue.move_by_code)
    raise_first(found)
    assert node is not None  # a condition whose text does not parse has a problem
    eras: dict[str, list[str]] = {}
    for era in catalogue.eras:
        eras.setdefault(era.party, []).append(era.name)
    raise_first(rules.era_reference_problems("era", condition.party, condition.era, eras))
    condition = Condition(to_text(node), condition.party, condition.name, condition.soft, condition.source,
                          condition.era)
    others = [(label, other) for (row_id, label), other in zip(condition_labels(connection), catalogue.conditions)
              if row_id != own_id]
    raise_first(rules.duplicate_problems(condition, others))
    return condition


def _party_id(session: Session, party: str | None) -> int | None:
    if party is None:
        return None
    from negotiator.db.catalogue import get_party

    return get_party(session, party).id


def get_condition(session: Session, ref: str) -> ConditionRow:
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
    session: Session,
    party: str | None,
    text: str,
    name: str | None = None,
    soft: bool = False,
    source: str = "",
    era: str | None = None,
) -> StoredCondition:
    """Add a condition of ``party`` (None: a rule every package must obey), standing or (``era``)
    in one of the party's eras."""
    from negotiator.db.eras import era_id
    from negotiator.db.tables import ConditionRow

    party_id = _party_id(session, party)
    condition = _judged(session, Condition(text, party, name or None, soft, source, era))
    row = ConditionRow(party_id=party_id, era_id=era_id(session, party, era), name=condition.name,
                       text=condition.text, soft=soft, source=source)
    session.add(row)
    session.flush()
    return _stored(session, row)


def edit_condition(
    session: Session, ref: str, text: Any = KEEP, party: Any = KEEP, name: Any = KEEP, soft: Any = KEEP,
    source: Any = KEEP, era: Any = KEEP,
) -> StoredCondition:
    """Change a condition; ``party=None`` makes it a rule, ``era=None`` standing.  The condition
    is judged again as a whole, so a condition using balance cannot become a rule, and an era
    stays one of its party's."""
    from negotiator.db.eras import era_id

    row = get_condition(session, ref)
    before = _stored(session, row)
    owner = before.party if party is KEEP else party
    party_id = row.party_id if party is KEEP else _party_id(session, party)
    condition = _judged(session, Condition(
        before.text if text is KEEP else text, owner,
        before.name if name is KEEP else (name or None),
        before.soft if soft is KEEP else bool(soft),
        before.source if source is KEEP else source,
        before.era if era is KEEP else era,
    ), own_id=row.id)
    row.era_id = era_id(session, condition.party, condition.era)
    row.party_id, row.text, row.name = party_id, condition.text, condition.name
    row.soft, row.source = condition.soft, condition.source
    session.add(row)
    session.flush()
    return _stored(session, row)


def remove_condition(session: Session, ref: str) -> StoredCondition:
    """Remove the condition with id or name ``ref``; return what it was."""
    row = get_condition(session, ref)
    removed = _stored(session, row)
    session.delete(row)
    session.flush()
    return removed


def _owner(session: Session, row: ConditionRow) -> str | None:
    """The code of the condition's party (None for a rule)."""
    from negotiator.db.tables import PartyRow

    party = session.get(PartyRow, row.party_id) if row.party_id is not None else None
    return party.code if party is not None else None


def _stored(session: Session, row: ConditionRow) -> StoredCondition:
    from negotiator.db.eras import era_name

    assert row.id is not None  # flushed
    return StoredCondition(row.id, _owner(session, row), row.name, row.text, row.soft, row.source or "",
                           era_name(session, row.era_id))


def stored_conditions(connection: Connection, party: str | None = None, rules: bool = False) -> list[StoredCondition]:
    """Stored conditions in id order; only ``party``'s, or only the rules, when asked."""
    from sqlalchemy import text

    sql = (
        "SELECT c.id, p.code, c.name, c.text, c.soft, c.source, e.name FROM condition c "
        "LEFT JOIN party p ON p.id = c.party_id LEFT JOIN era e ON e.id = c.era_id"
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
        StoredCondition(int(id_), code, name, text_, bool(soft), source or "", era)
        for id_, code, name, text_, soft, source, era in connection.execute(text(sql), params).all()
    ]


def stored_condition(connection: Connection, ref: str) -> StoredCondition:
    """The stored condition with id or name ``ref``."""
    every = stored_conditions(connection)
    for condition in every:
        if (str(condition.id) == ref) if ref.isdigit() else (condition.name == ref):
            return condition
    raise UnknownCode("condition", ref, [c.name for c in every if c.name])
