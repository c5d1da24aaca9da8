"""Writing the catalogue: parties, issues and moves (positions: ``negotiator.db.positions``).

Every function takes the session of the command's one transaction, builds the row it is about
to store as a domain value, judges it with the rules of ``negotiator.domain.rules`` (the same
functions ``import`` uses, so that what one accepts the other never refuses) and raises a typed
error before anything is written.  Removal of a row that other rows reference is refused unless
``cascade`` is set; the database's foreign keys back this up.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, SQLModel, col, func, select

from negotiator.db.tables import (
    ConditionRow,
    EventRow,
    IssueRow,
    MoveRow,
    PackageRow,
    PartyRow,
    PlacementRow,
    PositionRow,
)
from negotiator.domain import rules
from negotiator.domain.errors import DuplicateCode, Referenced, UnknownCode
from negotiator.domain.model import (
    Bound,
    Issue,
    Move,
    Party,
    Position,
    format_number,
    parse_int,
)
from negotiator.domain.rules import raise_first

KEEP = object()  # "leave this field as it is" in edit functions


def ident(row: SQLModel) -> int:
    """The id of a row already in the database (flushed), as an int."""
    value = getattr(row, "id", None)
    assert isinstance(value, int), f"{type(row).__name__} has no id yet"
    return value


# --- lookups ---------------------------------------------------------------------------------


def _codes(session: Session, column) -> list[str]:
    return list(session.exec(select(column)).all())


def get_party(session: Session, code: str) -> PartyRow:
    row = session.exec(select(PartyRow).where(PartyRow.code == code)).first()
    if row is None:
        raise UnknownCode("party", code, _codes(session, PartyRow.code))
    return row


def get_issue(session: Session, code: str) -> IssueRow:
    row = session.exec(select(IssueRow).where(IssueRow.code == code)).first()
    if row is None:
        raise UnknownCode("issue", code, _codes(session, IssueRow.code))
    return row


def get_move(session: Session, code: str) -> MoveRow:
    row = session.exec(select(MoveRow).where(MoveRow.code == code)).first()
    if row is None:
        raise UnknownCode("move", code, _codes(session, MoveRow.code))
    return row


def get_position(session: Session, party: str, move: str, era: str | None = None) -> PositionRow:
    """``party``'s position on ``move`` in ``era`` (None: its standing one)."""
    from negotiator.db.eras import era_id, era_name

    party_row, move_row = get_party(session, party), get_move(session, move)
    era_ident = era_id(session, party, era)
    on_move = session.exec(
        select(PositionRow).where(PositionRow.party_id == party_row.id, PositionRow.move_id == move_row.id)
    ).all()
    for row in on_move:
        if row.era_id == era_ident:
            return row
    which = f"{party} on {move}" + (f" in era '{era}'" if era else "")
    error = UnknownCode("position", which)
    held = sorted(f"in era '{era_name(session, row.era_id)}'" if row.era_id is not None else "standing"
                  for row in on_move)
    if held:
        error.args = (f"{error}; it has one {' and one '.join(held)} (choose it with --era)",)
    raise error


def _count(session: Session, statement) -> int:
    return session.exec(statement).one()


# --- parties ---------------------------------------------------------------------------------


def _party_value(row: PartyRow) -> Party:
    return Party(row.code, row.name, row.notes or "", row.source or "")


def add_party(session: Session, code: str, name: str, notes: str = "", source: str = "") -> PartyRow:
    party = Party(code, name.strip(), notes, source)
    raise_first(rules.party_problems(party))
    if session.exec(select(PartyRow).where(PartyRow.code == code)).first() is not None:
        raise DuplicateCode("party", code, "use `negotiator party edit` to change it")
    row = PartyRow(code=party.code, name=party.name, notes=party.notes, source=party.source)
    session.add(row)
    session.flush()
    return row


def edit_party(session: Session, code: str, new_code: Any = KEEP, name: Any = KEEP, notes: Any = KEEP,
               source: Any = KEEP) -> PartyRow:
    row = get_party(session, code)
    party = changed(_party_value(row), code=new_code, name=_stripped(name), notes=notes, source=source)
    raise_first(rules.party_problems(party))
    if party.code != code and session.exec(select(PartyRow).where(PartyRow.code == party.code)).first() is not None:
        raise DuplicateCode("party", party.code)
    row.code, row.name, row.notes, row.source = party.code, party.name, party.notes, party.source
    session.add(row)
    session.flush()
    return row


def changed(value: Any, **changes: Any) -> Any:
    """``value`` with the fields that are not KEEP replaced."""
    return replace(value, **{key: new for key, new in changes.items() if new is not KEEP})


def _stripped(text: Any) -> Any:
    return text if text is KEEP or text is None else text.strip()


def party_references(session: Session, row: PartyRow) -> list[str]:
    from negotiator.db.tables import EraRow

    moves = session.exec(select(MoveRow.code).where(MoveRow.actor_id == row.id)).all()
    positions = _count(session, select(func.count()).select_from(PositionRow).where(PositionRow.party_id == row.id))
    conditions = _count(session, select(func.count()).select_from(ConditionRow).where(ConditionRow.party_id == row.id))
    eras = session.exec(select(EraRow.name).where(EraRow.party_id == row.id).order_by(col(EraRow.start))).all()
    found = [f"move {m}" for m in moves]
    if positions:
        found.append(f"{positions} position(s)")
    if conditions:
        found.append(f"{conditions} condition(s)")
    found += [f"era {name}" for name in eras]
    return found


def remove_party(session: Session, code: str, cascade: bool = False) -> list[str]:
    """Remove a party; with ``cascade`` also its moves (see remove_move), positions, conditions
    and eras."""
    row = get_party(session, code)
    references = party_references(session, row)
    if references and not cascade:
        raise Referenced("party", code, references)
    removed: list[str] = []
    for move_code in session.exec(select(MoveRow.code).where(MoveRow.actor_id == row.id)).all():
        removed += remove_move(session, move_code, cascade=True)
    for position in session.exec(select(PositionRow).where(PositionRow.party_id == row.id)).all():
        session.delete(position)
        removed.append("a position")
    for condition in session.exec(select(ConditionRow).where(ConditionRow.party_id == row.id)).all():
        session.delete(condition)
        removed.append(f"condition {condition.name or condition.id}")
    session.flush()
    from negotiator.db.tables import EraRow

    for era in session.exec(select(EraRow).where(EraRow.party_id == row.id).order_by(col(EraRow.start))).all():
        session.delete(era)
        removed.append(f"era {era.name}")
    session.flush()
    session.delete(row)
    session.flush()
    return removed


# --- issues ----------------------------------------------------------------------------------


def add_issue(session: Session, code: str, title: str) -> IssueRow:
    issue = Issue(code, title.strip())
    raise_first(rules.issue_problems(issue))
    if session.exec(select(IssueRow).where(IssueRow.code == code)).first() is not None:
        raise DuplicateCode("issue", code, "use `negotiator issue edit` to change it")
    row = IssueRow(code=issue.code, title=issue.title)
    session.add(row)
    session.flush()
    return row


def edit_issue(session: Session, code: str, new_code: Any = KEEP, title: Any = KEEP) -> IssueRow:
    row = get_issue(session, code)
    issue = changed(Issue(row.code, row.title), code=new_code, title=_stripped(title))
    raise_first(rules.issue_problems(issue))
    if issue.code != code and session.exec(select(IssueRow).where(IssueRow.code == issue.code)).first() is not None:
        raise DuplicateCode("issue", issue.code)
    row.code, row.title = issue.code, issue.title
    session.add(row)
    session.flush()
    return row


def remove_issue(session: Session, code: str, cascade: bool = False) -> list[str]:
    """Remove an issue; with ``cascade`` its moves stay in the catalogue, detached from it."""
    row = get_issue(session, code)
    moves = session.exec(select(MoveRow).where(MoveRow.issue_id == row.id)).all()
    if moves and not cascade:
        raise Referenced(
            "issue", code, [f"move {m.code}" for m in moves], action="use --cascade to detach them from it"
        )
    for move in moves:
        move.issue_id = None
        session.add(move)
    session.flush()
    session.delete(row)
    session.flush()
    return [f"detached move {m.code}" for m in moves]


# --- moves -----------------------------------------------------------------------------------


def move_value(session: Session, row: MoveRow) -> Move:
    actor = session.get(PartyRow, row.actor_id)
    issue = session.get(IssueRow, row.issue_id) if row.issue_id is not None else None
    return Move(row.code, actor.code if actor else "", row.title, issue.code if issue else None,
                row.description or "", row.unit, row.cost, row.reversible, row.source or "")


def _cost(value: Any) -> int:
    return value if isinstance(value, int) else parse_int(value, "cost")


def add_move(
    session: Session,
    code: str,
    actor: str,
    title: str,
    issue: str | None = None,
    description: str = "",
    unit: str | None = None,
    cost: Any = 1,
    reversible: bool = True,
    source: str = "",
) -> MoveRow:
    move = Move(code, actor, title.strip(), issue or None, description, unit or None, _cost(cost), reversible, source)
    raise_first(rules.move_problems(move))
    if session.exec(select(MoveRow).where(MoveRow.code == code)).first() is not None:
        raise DuplicateCode("move", code, "use `negotiator move edit` to change it")
    row = MoveRow(
        code=move.code,
        actor_id=ident(get_party(session, actor)),
        issue_id=get_issue(session, move.issue).id if move.issue else None,
        title=move.title,
        description=move.description,
        unit=move.unit,
        cost=move.cost,
        reversible=move.reversible,
        source=move.source,
    )
    session.add(row)
    session.flush()
    return row


def edit_move(
    session: Session,
    code: str,
    new_code: Any = KEEP,
    actor: Any = KEEP,
    title: Any = KEEP,
    issue: Any = KEEP,
    description: Any = KEEP,
    unit: Any = KEEP,
    cost: Any = KEEP,
    reversible: Any = KEEP,
    source: Any = KEEP,
) -> MoveRow:
    row = get_move(session, code)
    before = move_value(session, row)
    move = changed(
        before, code=new_code, actor=actor, title=_stripped(title),
        issue=issue if issue is KEEP else (issue or None), description=description,
        unit=unit if unit is KEEP else (unit or None), cost=cost if cost is KEEP else _cost(cost),
        reversible=reversible, source=source,
    )
    raise_first(rules.move_problems(move))
    if move.code != code:
        if session.exec(select(MoveRow).where(MoveRow.code == move.code)).first() is not None:
            raise DuplicateCode("move", move.code)
        used = _conditions_using(session, code)
        if used:
            raise Referenced("move", code, used,
                             action="edit those conditions first; a code in condition text is not renamed")
    actor_row = get_party(session, move.actor)
    if move.actor != before.actor:
        raise_first(rules.actor_change_problems(replace(move, code=code), positions_on(session, row)))
    if not move.unit and before.unit:
        raise_first(rules.unit_problems(move, _measuring(session, row)))
    if move.code != code:
        # History keeps the move's code as text: it follows the rename, so the tracker and an
        # export -> import still find the move's past.
        session.execute(update(EventRow).where(col(EventRow.move) == code).values(move=move.code))
    row.code, row.actor_id = move.code, ident(actor_row)
    row.issue_id = get_issue(session, move.issue).id if move.issue else None
    row.title, row.description, row.unit, row.cost = move.title, move.description, move.unit, move.cost
    row.reversible, row.source = move.reversible, move.source
    session.add(row)
    session.flush()
    return row


def positions_on(session: Session, move: MoveRow) -> list[Position]:
    """Every position on ``move``, of every era."""
    from negotiator.db.tables import EraRow

    rows = session.exec(
        select(PositionRow, PartyRow.code, EraRow.name)
        .join(PartyRow, col(PartyRow.id) == PositionRow.party_id)
        .join(EraRow, col(EraRow.id) == PositionRow.era_id, isouter=True)
        .where(PositionRow.move_id == move.id)
        .order_by(col(PartyRow.code), col(EraRow.start))
    ).all()
    return [position_value(position, party, move.code, era) for position, party, era in rows]


def position_value(row: PositionRow, party: str, move: str, era: str | None = None) -> Position:
    bound = Bound(row.bound_op, row.bound_value) if row.bound_op is not None and row.bound_value is not None else None
    return Position(party, move, row.stance, row.weight, bound, row.source or "", era)


def _measuring(session: Session, move: MoveRow) -> list[str]:
    """What measures the move's quantity: bounds, quantity conditions, placements with a quantity."""
    from negotiator.domain.rules import bounds_measuring, parsed, quantity_moves

    found = bounds_measuring(move.code, positions_on(session, move))
    for condition in session.exec(
        select(ConditionRow).where(col(ConditionRow.text).contains(move.code)).order_by(col(ConditionRow.id))
    ).all():
        node, _ = parsed(condition.text)
        if node is not None and move.code in quantity_moves(node):
            found.append(f"condition {condition.name or condition.id}")
    placed = session.exec(
        select(PackageRow.name, PlacementRow.quantity)
        .join(PlacementRow, col(PlacementRow.package_id) == PackageRow.id)
        .where(PlacementRow.move_id == move.id, col(PlacementRow.quantity).is_not(None))
        .order_by(col(PackageRow.name))
    ).all()
    found += [f"package {name} (quantity {format_number(quantity)})" for name, quantity in placed]
    return found


def _conditions_using(session: Session, move_code: str) -> list[str]:
    """Conditions whose text names ``move_code`` (parsed, so codes inside others don't match)."""
    from negotiator.domain.conditions import moves_of
    from negotiator.domain.language import parse

    found = []
    for condition in session.exec(select(ConditionRow).where(col(ConditionRow.text).contains(move_code))).all():
        if move_code in moves_of(parse(condition.text)):
            found.append(condition)
    return [f"condition {c.name or c.id}" for c in found]


def move_references(session: Session, row: MoveRow) -> list[str]:
    found = []
    positions = session.exec(
        select(PartyRow.code, PositionRow.stance)
        .join(PartyRow, col(PartyRow.id) == PositionRow.party_id)
        .where(PositionRow.move_id == row.id)
    ).all()
    found += [f"{stance} by {party}" for party, stance in positions]
    packages = session.exec(
        select(PackageRow.name)
        .join(PlacementRow, col(PlacementRow.package_id) == PackageRow.id)
        .where(PlacementRow.move_id == row.id)
    ).all()
    found += [f"package {name}" for name in packages]
    found += _conditions_using(session, row.code)
    return found


def remove_move(session: Session, code: str, cascade: bool = False) -> list[str]:
    """Remove a move; with ``cascade`` also its positions, placements and the conditions naming it.

    Placements leave through ``negotiator.db.packages.unplace_move``, so the drafting rules hold
    (a move placed in an agreed or later package is never removed, cascade or not) and each
    package that loses one gets an ``unplaced`` event saying why.
    """
    from negotiator.db.packages import unplace_move
    from negotiator.domain.rules import EDITABLE

    row = get_move(session, code)
    fixed = session.exec(
        select(PackageRow.name, PackageRow.status)
        .join(PlacementRow, col(PlacementRow.package_id) == PackageRow.id)
        .where(PlacementRow.move_id == row.id, col(PackageRow.status).not_in(EDITABLE))
        .order_by(col(PackageRow.name))
    ).all()
    if fixed:
        raise Referenced(
            "move",
            code,
            [f"{status} package {name}" for name, status in fixed],
            action="their steps are fixed; set them back to proposed (package status-set --force --note) "
            "or remove them first",
        )
    references = move_references(session, row)
    if references and not cascade:
        raise Referenced("move", code, references)
    removed: list[str] = []
    positions = session.exec(
        select(PositionRow, PartyRow)
        .join(PartyRow, col(PartyRow.id) == PositionRow.party_id)
        .where(PositionRow.move_id == row.id)
        .order_by(col(PartyRow.code))
    ).all()
    for position, party in positions:
        session.delete(position)
        removed.append(f"{party.code}'s {position.stance} on {code}")
    packages = session.exec(
        select(PackageRow.name)
        .join(PlacementRow, col(PlacementRow.package_id) == PackageRow.id)
        .where(PlacementRow.move_id == row.id)
        .order_by(col(PackageRow.name))
    ).all()
    for name in packages:
        unplace_move(session, name, code, note=f"move {code} removed from the catalogue")
        removed.append(f"placement of {code} in {name}")
    names = set(_conditions_using(session, code))
    for condition in session.exec(select(ConditionRow).where(col(ConditionRow.text).contains(code))).all():
        if f"condition {condition.name or condition.id}" in names:
            session.delete(condition)
            removed.append(f"condition {condition.name or condition.id}")
    session.flush()
    session.delete(row)
    session.flush()
    return removed
