"""Every write to packages, their steps and placements, and their history.

Each public function takes a SQLModel session inside the one transaction of a command
(``store.write()``), judges the change with the rules of ``negotiator.domain.rules`` (the same
functions ``import`` uses) and appends an ``event`` row describing what it changed, so that
``log`` tells the whole story and a failing command writes nothing.

Concurrency: every mutation first locks its package row (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite the write transaction already began with ``BEGIN IMMEDIATE``, which holds
the database's one write lock), so two writers on the same package take turns and each sees the
other's committed work — e.g. only the first of two concurrent ``track`` commands moves the
package from agreed to implementing.

Steps are renumbered in two phases because ``(package_id, ordinal)`` is unique and checked row by
row: the steps that change go to the negative of their new ordinal first, then to the ordinal
itself.

Event kinds written here: ``created``, ``renamed``, ``title``, ``description``, ``date``, ``step-added``,
``step-removed``, ``step-moved``, ``step-edited``, ``placed``, ``unplaced``, ``shifted``,
``status`` and ``level`` (an implementation update: ``move`` the move, ``new`` the level); status
changes and implementation updates are written by ``negotiator.db.tracking``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from negotiator.db.catalogue import ident, positions_on
from negotiator.db.tables import EventRow, MoveRow, PackageRow, PlacementRow, StepRow
from negotiator.domain import drafting, rules
from negotiator.domain.errors import (
    DuplicateCode,
    InvalidValue,
    Referenced,
    UnknownCode,
)
from negotiator.domain.model import (
    Move,
    Package,
    Placement,
    Step,
    check_package_name,
    format_number,
)
from negotiator.domain.rules import raise_first


def now() -> datetime:
    return datetime.now()


def moment(on: date | None) -> datetime:
    """The timestamp of an event dated ``on`` (the start of that day), or now."""
    if on is None:
        return now()
    return datetime(on.year, on.month, on.day)


# -- lookups -----------------------------------------------------------------------------------


def lock_package(session: Session, name: str) -> PackageRow:
    """The package row, locked against other writers until the transaction ends."""
    row = session.exec(select(PackageRow).where(PackageRow.name == name).with_for_update()).first()
    if row is None:
        names = session.exec(select(PackageRow.name)).all()
        raise UnknownCode("package", name, names)
    return row


def _exists(session: Session, name: str) -> bool:
    return session.exec(select(PackageRow.id).where(PackageRow.name == name)).first() is not None


def _move(session: Session, code: str) -> MoveRow:
    row = session.exec(select(MoveRow).where(MoveRow.code == code)).first()
    if row is None:
        raise UnknownCode("move", code, session.exec(select(MoveRow.code)).all())
    return row


def _move_value(row: MoveRow) -> Move:
    return Move(code=row.code, actor="", title=row.title, unit=row.unit, cost=row.cost)


def _placed(session: Session, package: PackageRow) -> Package:
    """The package's steps and placements as a domain value (for the rules on placements)."""
    steps = []
    for step in _steps(session, package):
        codes = session.exec(
            select(MoveRow.code).join(PlacementRow, col(PlacementRow.move_id) == MoveRow.id)
            .where(PlacementRow.step_id == step.id).order_by(col(MoveRow.code))
        ).all()
        steps.append(Step(step.label, step.due, tuple(Placement(code) for code in codes)))
    return Package(package.name, status=package.status, steps=tuple(steps))


def _steps(session: Session, package: PackageRow) -> list[StepRow]:
    return list(
        session.exec(select(StepRow).where(StepRow.package_id == package.id).order_by(col(StepRow.ordinal))).all()
    )


def _step(session: Session, package: PackageRow, ordinal: int) -> StepRow:
    steps = _steps(session, package)
    drafting.check_ordinal(ordinal, len(steps))
    return steps[ordinal - 1]


def _placement(session: Session, package: PackageRow, code: str) -> tuple[PlacementRow, StepRow]:
    move = _move(session, code)
    found = session.exec(
        select(PlacementRow, StepRow)
        .join(StepRow, col(StepRow.id) == PlacementRow.step_id)
        .where(PlacementRow.package_id == package.id, PlacementRow.move_id == move.id)
    ).first()
    if found is None:
        raise InvalidValue(f"move '{code}' is not in package '{package.name}'")
    return found


def _check_editable(package: PackageRow) -> None:
    raise_first(rules.editable_problems(package.name, package.status))


def _record(
    session: Session,
    package: PackageRow,
    kind: str,
    *,
    move: str | None = None,
    old: str | None = None,
    new: str | None = None,
    note: str = "",
    source: str = "",
    placement_id: int | None = None,
    at: datetime | None = None,
) -> EventRow:
    stamp = at or now()
    package.updated_at = now()
    session.add(package)
    row = EventRow(
        package_id=ident(package), placement_id=placement_id, at=stamp, kind=kind,
        move=move, old=old, new=new, note=note or "", source=source or "",
    )
    session.add(row)
    return row


def _renumber(session: Session, steps: list[StepRow], mapping: dict[int, int]) -> None:
    """Give each step its new ordinal (old -> new over ``steps``), in two phases."""
    changing = [(s, mapping[s.ordinal]) for s in steps if s.ordinal in mapping and mapping[s.ordinal] != s.ordinal]
    for step, new in changing:
        step.ordinal = -new
        session.add(step)
    session.flush()
    for step, new in changing:
        step.ordinal = new
        session.add(step)
    session.flush()


def _placed_text(ordinal: int, quantity: float | None, unit: str | None) -> str:
    text = f"step {ordinal}"
    if quantity is not None:
        text += f", {format_number(quantity)}" + (f" {unit}" if unit else "")
    return text


# -- packages ----------------------------------------------------------------------------------


def new_package(
    session: Session, name: str, title: str = "", description: str = "", from_: str | None = None,
    on: date | None = None,
) -> PackageRow:
    """A new empty draft, or with ``from_`` a copy of that package ``based_on`` it; ``on`` is its
    date (a copy keeps the original's unless given one)."""
    if from_ is not None:
        raise_first(rules.package_problems(Package(name, title or "", description or "")))
        row = copy_package(session, from_, name)
        if title:
            row.title = title
        if description:
            row.description = description
        if on is not None:
            row.date = on
        return row
    raise_first(rules.package_problems(Package(name, title or "", description or "")))
    if _exists(session, name):
        raise DuplicateCode("package", name, "choose another name or remove it first")
    stamp = now()
    row = PackageRow(name=name, title=title or "", description=description or "", status="draft",
                     created_at=stamp, updated_at=stamp, date=on)
    session.add(row)
    session.flush()
    _record(session, row, "created", new="draft", at=stamp)
    return row


def copy_package(session: Session, source: str, name: str) -> PackageRow:
    """A new draft with ``source``'s title, steps and placements, ``based_on`` it.

    Implementation levels are not copied: the copy is a new proposal, not yet carried out.
    """
    check_package_name(name)
    original = lock_package(session, source)
    if _exists(session, name):
        raise DuplicateCode("package", name, "choose another name or remove it first")
    stamp = now()
    row = PackageRow(name=name, title=original.title, description=original.description, status="draft",
                     based_on_id=ident(original), created_at=stamp, updated_at=stamp, date=original.date)
    session.add(row)
    session.flush()
    for step in _steps(session, original):
        twin = StepRow(package_id=ident(row), ordinal=step.ordinal, label=step.label, due=step.due)
        session.add(twin)
        session.flush()
        for placement in session.exec(select(PlacementRow).where(PlacementRow.step_id == step.id)).all():
            session.add(PlacementRow(package_id=ident(row), step_id=ident(twin), move_id=placement.move_id,
                                     quantity=placement.quantity))
    _record(session, row, "created", old=source, new="draft", note=f"copied from {source}", at=stamp)
    session.flush()
    return row


def rename_package(session: Session, old: str, new: str) -> None:
    check_package_name(new)
    row = lock_package(session, old)
    if old == new:
        return
    if _exists(session, new):
        raise DuplicateCode("package", new, "choose another name")
    row.name = new
    _record(session, row, "renamed", old=old, new=new)


def remove_package(session: Session, name: str) -> None:
    """Delete a package with its steps, placements and history (copies keep existing, unlinked)."""
    row = lock_package(session, name)
    session.execute(delete(EventRow).where(col(EventRow.package_id) == row.id))
    session.execute(delete(PlacementRow).where(col(PlacementRow.package_id) == row.id))
    session.execute(delete(StepRow).where(col(StepRow.package_id) == row.id))
    session.execute(
        update(PackageRow).where(col(PackageRow.based_on_id) == row.id).values(based_on_id=None)
    )
    session.delete(row)
    session.flush()


def edit_package(session: Session, name: str, title: str | None = None, description: str | None = None,
                 on: date | None = None, clear_date: bool = False) -> None:
    """Change a package's title, description or date (``clear_date``: it has none)."""
    if title is None and description is None and on is None and not clear_date:
        raise InvalidValue("nothing to change: give --title, --description, --date or --no-date")
    if on is not None and clear_date:
        raise InvalidValue("give --date or --no-date, not both")
    row = lock_package(session, name)
    raise_first(rules.package_problems(Package(name, row.title if title is None else title,
                                               row.description if description is None else description,
                                               row.status)))
    for field, value in (("title", title), ("description", description)):
        if value is None or value == getattr(row, field):
            continue
        _record(session, row, field, old=getattr(row, field), new=value)
        setattr(row, field, value)
    if (on is not None or clear_date) and on != row.date:
        _record(session, row, "date", old=row.date.isoformat() if row.date else None,
                new=on.isoformat() if on else None)
        row.date = on


# -- steps -------------------------------------------------------------------------------------


def add_step(
    session: Session, name: str, label: str = "", due: date | None = None, at: int | None = None
) -> int:
    """Add a step at position ``at`` (default: after the last); return its ordinal."""
    raise_first(rules.step_label_problems(label or ""))
    package = lock_package(session, name)
    _check_editable(package)
    steps = _steps(session, package)
    ordinal = len(steps) + 1 if at is None else at
    _renumber(session, steps, drafting.after_insertion(len(steps), ordinal))
    step = StepRow(package_id=ident(package), ordinal=ordinal, label=label or "", due=due)
    session.add(step)
    session.flush()
    _record(session, package, "step-added", new=drafting.step_text(ordinal, label, due))
    return ordinal


def edit_step(
    session: Session, name: str, ordinal: int, label: str | None = None, due: date | None = None,
    clear_due: bool = False, on: date | None = None, note: str = "", source: str = "", today: date | None = None,
) -> None:
    """Change a step's label or due date.  ``on`` dates the change when it was made in the past
    (e.g. a deadline moved by a communique): not after today, and not before the last change of a
    step already recorded, so that the history reads back, change by change, to what the steps
    were on any date."""
    if label is None and due is None and not clear_due:
        raise InvalidValue("nothing to change: give --label, --due or --no-due")
    raise_first([*rules.step_label_problems(label or ""), *rules.text_problems("note", note),
                 *rules.text_problems("source", source)])
    package = lock_package(session, name)
    step = _step(session, package, ordinal)
    last: EventRow | None = None
    if on is not None:
        raise_first(rules.not_after_today_problems("at", on, today or date.today(), "a change of a step"))
        last = session.exec(
            select(EventRow)
            .where(EventRow.package_id == package.id, EventRow.kind == "step-edited")
            .order_by(col(EventRow.at).desc(), col(EventRow.id).desc())
        ).first()
        if last is not None:
            raise_first(rules.not_before_problems(on, last.at, "a step was last changed", package.name))
    before = drafting.step_text(ordinal, step.label, step.due)
    if label is not None:
        step.label = label
    if due is not None or clear_due:
        step.due = due
    session.add(step)
    stamp = moment(on) if last is None else max(moment(on), last.at)
    _record(session, package, "step-edited", old=before, new=drafting.step_text(ordinal, step.label, step.due),
            note=note, source=source, at=stamp)


def remove_step(session: Session, name: str, ordinal: int, cascade: bool = False) -> list[str]:
    """Remove a step; its placements go too only with ``cascade``.  Returns the moves removed."""
    package = lock_package(session, name)
    _check_editable(package)
    steps = _steps(session, package)
    mapping = drafting.after_removal(len(steps), ordinal)
    step = steps[ordinal - 1]
    held = session.exec(
        select(PlacementRow, MoveRow)
        .join(MoveRow, col(MoveRow.id) == PlacementRow.move_id)
        .where(PlacementRow.step_id == step.id)
        .order_by(col(MoveRow.code))
    ).all()
    if held and not cascade:
        raise Referenced("step", str(ordinal), [move.code for _, move in held])
    for placement, move in held:
        _record(session, package, "unplaced", move=move.code, old=f"step {ordinal}", note=f"step {ordinal} removed")
        session.delete(placement)
    session.flush()
    _record(session, package, "step-removed", old=drafting.step_text(ordinal, step.label, step.due))
    session.delete(step)
    session.flush()
    _renumber(session, [s for s in steps if s is not step], mapping)
    return [move.code for _, move in held]


def move_step(session: Session, name: str, ordinal: int, to: int) -> None:
    package = lock_package(session, name)
    _check_editable(package)
    steps = _steps(session, package)
    mapping = drafting.after_move(len(steps), ordinal, to)
    if ordinal == to:
        return
    _renumber(session, steps, mapping)
    _record(session, package, "step-moved", old=f"step {ordinal}", new=f"step {to}")


# -- placements --------------------------------------------------------------------------------


def _step_for_placing(session: Session, package: PackageRow, ordinal: int | None) -> StepRow:
    """The step to place into: ``ordinal`` (the next one is created), else the last one."""
    steps = _steps(session, package)
    if ordinal is None:
        ordinal = max(len(steps), 1)
    drafting.check_ordinal(ordinal, len(steps), allow_next=True)
    if ordinal <= len(steps):
        return steps[ordinal - 1]
    step = StepRow(package_id=ident(package), ordinal=ordinal, label="")
    session.add(step)
    session.flush()
    _record(session, package, "step-added", new=drafting.step_text(ordinal))
    return step


def place_move(
    session: Session, name: str, code: str, step: int | None = None, quantity: float | None = None
) -> tuple[int, list[str]]:
    """Place a move; return the step's ordinal and the notes worth showing (a measured move
    without a quantity, a quantity outside a party's bound)."""
    package = lock_package(session, name)
    _check_editable(package)
    move = _move(session, code)
    value = _move_value(move)
    raise_first(rules.placement_once_problems(_placed(session, package), code))
    raise_first(rules.quantity_problems(value, quantity))
    target = _step_for_placing(session, package, step)
    # Placed again after it was tracked (in a package reopened since): the history's latest level
    # is its level, as everywhere else.
    from negotiator.db.tracking import level_before

    level = level_before(session, package, code, datetime.max, "0")
    placement = PlacementRow(package_id=ident(package), step_id=ident(target), move_id=ident(move), quantity=quantity,
                             level=level)
    session.add(placement)
    session.flush()
    _record(session, package, "placed", move=code, new=_placed_text(target.ordinal, quantity, move.unit),
            placement_id=ident(placement))
    return target.ordinal, rules.placement_notes(value, quantity, positions_on(session, move))


def unplace_move(session: Session, name: str, code: str, note: str = "") -> int:
    package = lock_package(session, name)
    _check_editable(package)
    placement, step = _placement(session, package, code)
    _record(session, package, "unplaced", move=code, old=f"step {step.ordinal}", note=note)
    session.delete(placement)
    session.flush()
    return step.ordinal


def shift_move(session: Session, name: str, code: str, to: int) -> tuple[int, int]:
    """Move a placed move to step ``to`` (the next step is created); return (from, to)."""
    package = lock_package(session, name)
    _check_editable(package)
    placement, step = _placement(session, package, code)
    target = _step_for_placing(session, package, to)
    if target.id == step.id:
        return step.ordinal, step.ordinal
    placement.step_id = ident(target)
    session.add(placement)
    _record(session, package, "shifted", move=code, old=f"step {step.ordinal}", new=f"step {target.ordinal}",
            placement_id=ident(placement))
    session.flush()
    return step.ordinal, target.ordinal
