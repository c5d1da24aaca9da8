"""Writing the catalogue: parties, issues, moves and positions.

Every function takes the session of the command's one transaction, validates at the boundary
(codes in the §3 form, integers in range, bounds as ``OP NUMBER``, who may offer, demand or
oppose a move) and raises a typed error before anything is written.  Removal of a row that other
rows reference is refused unless ``cascade`` is set; the database's foreign keys back this up.
"""

from __future__ import annotations

from typing import Optional

from sqlmodel import Session, func, select

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
from negotiator.domain.errors import DuplicateCode, InvalidValue, Referenced, UnknownCode
from negotiator.domain.model import (
    STANCES,
    check_issue_code,
    check_move_code,
    check_party_code,
    parse_bound,
    parse_int,
    stance_problem,
)

KEEP = object()  # "leave this field as it is" in edit functions


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


def get_position(session: Session, party: str, move: str) -> PositionRow:
    party_row, move_row = get_party(session, party), get_move(session, move)
    row = session.exec(
        select(PositionRow).where(PositionRow.party_id == party_row.id, PositionRow.move_id == move_row.id)
    ).first()
    if row is None:
        raise UnknownCode("position", f"{party} on {move}")
    return row


def _count(session: Session, statement) -> int:
    return session.exec(statement).one()


# --- parties ---------------------------------------------------------------------------------


def add_party(session: Session, code: str, name: str, notes: str = "", source: str = "") -> PartyRow:
    check_party_code(code)
    if not name.strip():
        raise InvalidValue("a party needs a name (--name)")
    if session.exec(select(PartyRow).where(PartyRow.code == code)).first() is not None:
        raise DuplicateCode("party", code, "use `negotiator party edit` to change it")
    row = PartyRow(code=code, name=name.strip(), notes=notes, source=source)
    session.add(row)
    session.flush()
    return row


def edit_party(session: Session, code: str, new_code=KEEP, name=KEEP, notes=KEEP, source=KEEP) -> PartyRow:
    row = get_party(session, code)
    if new_code is not KEEP and new_code != code:
        check_party_code(new_code)
        if session.exec(select(PartyRow).where(PartyRow.code == new_code)).first() is not None:
            raise DuplicateCode("party", new_code)
        row.code = new_code
    if name is not KEEP:
        if not name.strip():
            raise InvalidValue("a party's name cannot be empty")
        row.name = name.strip()
    if notes is not KEEP:
        row.notes = notes
    if source is not KEEP:
        row.source = source
    session.add(row)
    session.flush()
    return row


def party_references(session: Session, row: PartyRow) -> list[str]:
    moves = session.exec(select(MoveRow.code).where(MoveRow.actor_id == row.id)).all()
    positions = _count(session, select(func.count()).select_from(PositionRow).where(PositionRow.party_id == row.id))
    conditions = _count(session, select(func.count()).select_from(ConditionRow).where(ConditionRow.party_id == row.id))
    found = [f"move {m}" for m in moves]
    if positions:
        found.append(f"{positions} position(s)")
    if conditions:
        found.append(f"{conditions} condition(s)")
    return found


def remove_party(session: Session, code: str, cascade: bool = False) -> list[str]:
    """Remove a party; with ``cascade`` also its moves (see remove_move), positions and conditions."""
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
    session.delete(row)
    session.flush()
    return removed


# --- issues ----------------------------------------------------------------------------------


def add_issue(session: Session, code: str, title: str) -> IssueRow:
    check_issue_code(code)
    if not title.strip():
        raise InvalidValue("an issue needs a title (--title)")
    if session.exec(select(IssueRow).where(IssueRow.code == code)).first() is not None:
        raise DuplicateCode("issue", code, "use `negotiator issue edit` to change it")
    row = IssueRow(code=code, title=title.strip())
    session.add(row)
    session.flush()
    return row


def edit_issue(session: Session, code: str, new_code=KEEP, title=KEEP) -> IssueRow:
    row = get_issue(session, code)
    if new_code is not KEEP and new_code != code:
        check_issue_code(new_code)
        if session.exec(select(IssueRow).where(IssueRow.code == new_code)).first() is not None:
            raise DuplicateCode("issue", new_code)
        row.code = new_code
    if title is not KEEP:
        if not title.strip():
            raise InvalidValue("an issue's title cannot be empty")
        row.title = title.strip()
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


def _cost(value) -> int:
    return parse_int(value, "cost", minimum=0)


def add_move(
    session: Session,
    code: str,
    actor: str,
    title: str,
    issue: Optional[str] = None,
    description: str = "",
    unit: Optional[str] = None,
    cost=1,
    reversible: bool = True,
    source: str = "",
) -> MoveRow:
    check_move_code(code)
    if not title.strip():
        raise InvalidValue("a move needs a title (--title)")
    if session.exec(select(MoveRow).where(MoveRow.code == code)).first() is not None:
        raise DuplicateCode("move", code, "use `negotiator move edit` to change it")
    row = MoveRow(
        code=code,
        actor_id=get_party(session, actor).id,
        issue_id=get_issue(session, issue).id if issue else None,
        title=title.strip(),
        description=description,
        unit=(unit or None),
        cost=_cost(cost),
        reversible=reversible,
        source=source,
    )
    session.add(row)
    session.flush()
    return row


def edit_move(
    session: Session,
    code: str,
    new_code=KEEP,
    actor=KEEP,
    title=KEEP,
    issue=KEEP,
    description=KEEP,
    unit=KEEP,
    cost=KEEP,
    reversible=KEEP,
    source=KEEP,
) -> MoveRow:
    row = get_move(session, code)
    if new_code is not KEEP and new_code != code:
        check_move_code(new_code)
        if session.exec(select(MoveRow).where(MoveRow.code == new_code)).first() is not None:
            raise DuplicateCode("move", new_code)
        used = _conditions_using(session, code)
        if used:
            raise Referenced("move", code, used, action="edit those conditions first; a code in condition text is not renamed")
        # History keeps the move's code as text: it follows the rename, so the tracker and an
        # export -> import still find the move's past.
        session.execute(EventRow.__table__.update().where(EventRow.move == code).values(move=new_code))
        row.code = new_code
    if actor is not KEEP:
        actor_row = get_party(session, actor)
        if actor_row.id != row.actor_id:
            clashes = session.exec(
                select(PositionRow, PartyRow)
                .join(PartyRow, PartyRow.id == PositionRow.party_id)
                .where(PositionRow.move_id == row.id)
            ).all()
            for position, party in clashes:
                if position.stance == "offer" or party.id == actor_row.id:
                    raise InvalidValue(
                        f"cannot make {actor} the actor of {row.code}: {party.code} has a "
                        f"'{position.stance}' position on it (an offer is made only by the actor; "
                        "demands and oppositions only by others); change that position first"
                    )
            row.actor_id = actor_row.id
    if title is not KEEP:
        if not title.strip():
            raise InvalidValue("a move's title cannot be empty")
        row.title = title.strip()
    if issue is not KEEP:
        row.issue_id = get_issue(session, issue).id if issue else None
    if description is not KEEP:
        row.description = description
    if unit is not KEEP:
        unit = unit or None
        if unit is None:
            bounded = session.exec(
                select(PositionRow).where(PositionRow.move_id == row.id, PositionRow.bound_op.is_not(None))
            ).first()
            if bounded is not None:
                raise InvalidValue(f"{row.code} has positions with bounds on its quantity; remove them before its unit")
        row.unit = unit
    if cost is not KEEP:
        row.cost = _cost(cost)
    if reversible is not KEEP:
        row.reversible = reversible
    if source is not KEEP:
        row.source = source
    session.add(row)
    session.flush()
    return row


def _conditions_using(session: Session, move_code: str) -> list[str]:
    """Conditions whose text names ``move_code`` (parsed, so codes inside others don't match)."""
    from negotiator.domain.conditions import moves_of
    from negotiator.domain.language import parse

    found = []
    for condition in session.exec(select(ConditionRow).where(ConditionRow.text.contains(move_code))).all():
        if move_code in moves_of(parse(condition.text)):
            found.append(condition)
    return [f"condition {c.name or c.id}" for c in found]


def move_references(session: Session, row: MoveRow) -> list[str]:
    found = []
    positions = session.exec(
        select(PartyRow.code, PositionRow.stance)
        .join(PartyRow, PartyRow.id == PositionRow.party_id)
        .where(PositionRow.move_id == row.id)
    ).all()
    found += [f"{stance} by {party}" for party, stance in positions]
    packages = session.exec(
        select(PackageRow.name)
        .join(PlacementRow, PlacementRow.package_id == PackageRow.id)
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
    from negotiator.db.packages import EDITABLE, unplace_move

    row = get_move(session, code)
    fixed = session.exec(
        select(PackageRow.name, PackageRow.status)
        .join(PlacementRow, PlacementRow.package_id == PackageRow.id)
        .where(PlacementRow.move_id == row.id, PackageRow.status.not_in(EDITABLE))
        .order_by(PackageRow.name)
    ).all()
    if fixed:
        raise Referenced(
            "move", code, [f"{status} package {name}" for name, status in fixed],
            action="their steps are fixed; set them back to proposed (package status-set --force --note) "
            "or remove them first",
        )
    references = move_references(session, row)
    if references and not cascade:
        raise Referenced("move", code, references)
    removed: list[str] = []
    positions = session.exec(
        select(PositionRow, PartyRow)
        .join(PartyRow, PartyRow.id == PositionRow.party_id)
        .where(PositionRow.move_id == row.id)
        .order_by(PartyRow.code)
    ).all()
    for position, party in positions:
        session.delete(position)
        removed.append(f"{party.code}'s {position.stance} on {code}")
    packages = session.exec(
        select(PackageRow.name)
        .join(PlacementRow, PlacementRow.package_id == PackageRow.id)
        .where(PlacementRow.move_id == row.id)
        .order_by(PackageRow.name)
    ).all()
    for name in packages:
        unplace_move(session, name, code, note=f"move {code} removed from the catalogue")
        removed.append(f"placement of {code} in {name}")
    names = set(_conditions_using(session, code))
    for condition in session.exec(select(ConditionRow).where(ConditionRow.text.contains(code))).all():
        if f"condition {condition.name or condition.id}" in names:
            session.delete(condition)
            removed.append(f"condition {condition.name or condition.id}")
    session.flush()
    session.delete(row)
    session.flush()
    return removed


# --- positions -------------------------------------------------------------------------------


def _check_stance(stance: str, party: PartyRow, move: MoveRow, actor_code: str) -> None:
    if stance not in STANCES:
        raise InvalidValue(f"unknown stance '{stance}': use one of {', '.join(STANCES)}")
    problem = stance_problem(stance, party.code, move.code, actor_code)
    if problem:
        raise InvalidValue(problem)


def _bound(text, move: MoveRow):
    if text is None or text == "":
        return None
    bound = parse_bound(text)
    if not move.unit:
        raise InvalidValue(
            f"{move.code} has no unit, so it has no quantity to bound; give the move a unit first "
            f"(negotiator move edit {move.code} --unit ...)"
        )
    return bound


def _weight(value) -> int:
    return parse_int(value, "weight", minimum=1)


def add_position(
    session: Session, party: str, move: str, stance: str, weight=1, bound: Optional[str] = None, source: str = ""
) -> PositionRow:
    party_row, move_row = get_party(session, party), get_move(session, move)
    actor = session.get(PartyRow, move_row.actor_id)
    _check_stance(stance, party_row, move_row, actor.code)
    existing = session.exec(
        select(PositionRow).where(PositionRow.party_id == party_row.id, PositionRow.move_id == move_row.id)
    ).first()
    if existing is not None:
        raise DuplicateCode(
            "position", f"{party} on {move}", f"it is '{existing.stance}'; use `negotiator position edit`"
        )
    parsed = _bound(bound, move_row)
    row = PositionRow(
        party_id=party_row.id,
        move_id=move_row.id,
        stance=stance,
        weight=_weight(weight),
        bound_op=parsed.op if parsed else None,
        bound_value=parsed.value if parsed else None,
        source=source,
    )
    session.add(row)
    session.flush()
    return row


def edit_position(session: Session, party: str, move: str, stance=KEEP, weight=KEEP, bound=KEEP, source=KEEP) -> PositionRow:
    row = get_position(session, party, move)
    party_row, move_row = get_party(session, party), get_move(session, move)
    if stance is not KEEP:
        actor = session.get(PartyRow, move_row.actor_id)
        _check_stance(stance, party_row, move_row, actor.code)
        row.stance = stance
    if weight is not KEEP:
        row.weight = _weight(weight)
    if bound is not KEEP:
        parsed = _bound(bound, move_row)
        row.bound_op = parsed.op if parsed else None
        row.bound_value = parsed.value if parsed else None
    if source is not KEEP:
        row.source = source
    session.add(row)
    session.flush()
    return row


def remove_position(session: Session, party: str, move: str) -> None:
    session.delete(get_position(session, party, move))
    session.flush()
