"""Storing a whole package given as a domain value: what ``sequence --save-as`` and
``compose --save-as`` write.

The package is judged by the rules an imported package meets (``negotiator.domain.rules``), then
written with its steps, placements, levels, status and history in the command's one transaction.
"""

from __future__ import annotations

from dataclasses import replace as replace_
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col, select

from negotiator.db.catalogue import ident
from negotiator.db.packages import _move_value, lock_package, now
from negotiator.db.tables import EventRow, MoveRow, PackageRow, PlacementRow, StepRow
from negotiator.domain import rules
from negotiator.domain.errors import DuplicateCode
from negotiator.domain.model import Event, Package
from negotiator.domain.rules import raise_first


def save_package(
    session: Session,
    package: Package,
    based_on: str | None = None,
    note: str = "",
    replace: bool = False,
    today: date | None = None,
) -> PackageRow:
    """Store a domain ``Package`` (steps, placements, levels, status, history) as a new package.

    ``based_on`` (else ``package.based_on``) names the package it derives from.  Its history is
    written as given; a package without history gets one ``created`` event carrying ``note``.
    With ``replace``, an existing package of that name is emptied and rewritten in place (its id,
    and so the packages based on it, are kept).  The package is judged by the same rules as an
    imported one, against the moves it places.
    """
    origin = based_on if based_on is not None else package.based_on
    package = replace_(package, based_on=origin)
    codes = [p.move for _, p in package.placements()]
    found = session.exec(select(MoveRow).where(col(MoveRow.code).in_(codes))).all() if codes else []
    moves = {m.code: m for m in found}
    raise_first(rules.package_problems(package))
    raise_first(problem for _, _, problem in rules.repeated_placements(package))
    raise_first(
        problem
        for _, _, problem in rules.moves_known_problems(
            package, {code: _move_value(row) for code, row in moves.items()}
        )
    )
    raise_first(problem for _, placement in package.placements() for problem in rules.placement_problems(placement))
    for event in package.history:
        raise_first([*rules.event_problems(event), *rules.event_date_problems(event, today or date.today())])
    raise_first(problem for _, _, problem in rules.level_history_problems(package))
    origin_id = lock_package(session, origin).id if origin else None
    stamp = now()
    existing = session.exec(select(PackageRow).where(PackageRow.name == package.name).with_for_update()).first()
    if existing is not None and not replace:
        raise DuplicateCode("package", package.name, "choose another name")
    if existing is not None:
        row = existing
        session.execute(delete(EventRow).where(col(EventRow.package_id) == row.id))
        session.execute(delete(PlacementRow).where(col(PlacementRow.package_id) == row.id))
        session.execute(delete(StepRow).where(col(StepRow.package_id) == row.id))
        row.title, row.description, row.status = package.title, package.description, package.status
        row.based_on_id, row.date = origin_id, package.date
        row.updated_at = stamp
    else:
        row = PackageRow(
            name=package.name,
            title=package.title,
            description=package.description,
            status=package.status,
            based_on_id=origin_id,
            created_at=stamp,
            updated_at=stamp,
            date=package.date,
        )
    session.add(row)
    session.flush()

    placement_ids: dict[str, int] = {}
    for ordinal, step in enumerate(package.steps, 1):
        step_row = StepRow(package_id=ident(row), ordinal=ordinal, label=step.label, due=step.due)
        session.add(step_row)
        session.flush()
        for placement in step.placements:
            move = moves[placement.move]
            placement_row = PlacementRow(
                package_id=ident(row),
                step_id=ident(step_row),
                move_id=ident(move),
                quantity=placement.quantity,
                level=placement.level,
            )
            session.add(placement_row)
            session.flush()
            placement_ids[move.code] = ident(placement_row)

    history: tuple[Event, ...] = package.history or (Event(stamp, "created", new=package.status, note=note),)
    for event in history:
        session.add(
            EventRow(
                package_id=ident(row),
                placement_id=placement_ids.get(event.move) if event.move else None,
                at=event.at,
                kind=event.kind,
                move=event.move,
                old=event.old,
                new=event.new,
                note=event.note or "",
                source=event.source or "",
            )
        )
    if existing is None:
        row.created_at = min([stamp, *(e.at for e in history)])
    session.add(row)
    session.flush()
    return row
