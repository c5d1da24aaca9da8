"""Status changes and implementation tracking of packages (DESIGN §6), in the command's transaction.

Like every write to a package (``negotiator.db.packages``), each function locks the package row,
judges the change with ``negotiator.domain.rules`` (a status transition, a tracked package, a date
not after today nor before the agreement) and records an event, so that the history tells the
whole story.  A placement's level is always its history's latest level event
(``rules.level_on``), so a back-dated update never overwrites a later one.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from negotiator.db.catalogue import ident
from negotiator.db.packages import _placement, _record, lock_package, moment
from negotiator.db.tables import EventRow, PackageRow
from negotiator.domain import rules
from negotiator.domain.model import Event
from negotiator.domain.rules import raise_first
from negotiator.domain.tracker import parse_level


def set_status(
    session: Session, name: str, status: str, force: bool = False, note: str = "", on: date | None = None,
    today: date | None = None,
) -> str:
    """Change the package's status; return the old one."""
    package = lock_package(session, name)
    new = str(status).strip().lower()
    old = package.status
    raise_first(rules.transition_problems(old, new, force=force, note=note or ""))
    raise_first(rules.text_problems("note", note))
    stamp = moment(on)
    if on is not None:
        raise_first(rules.not_after_today_problems("at", on, today or date.today(), "a status change"))
        latest = _latest_status_event(session, package)
        if latest is not None:
            raise_first(
                rules.not_before_problems(
                    on, latest.at, f"its last status change ({latest.old} → {latest.new})", package.name
                )
            )
            stamp = max(stamp, latest.at)
    package.status = new
    _record(session, package, "status", old=old, new=new, note=note or "", at=stamp)
    return old


def _latest_status_event(session: Session, package: PackageRow, made: str | None = None) -> EventRow | None:
    """The package's latest ``status`` event (only those that made it ``made``, if given)."""
    statement = select(EventRow).where(EventRow.package_id == package.id, EventRow.kind == "status")
    if made is not None:
        statement = statement.where(EventRow.new == made)
    return session.exec(statement.order_by(col(EventRow.at).desc(), col(EventRow.id).desc())).first()


def level_before(session: Session, package: PackageRow, code: str, stamp: datetime, stored: str) -> str:
    """The move's level in force at ``stamp``, from the history (``stored`` if never tracked)."""
    history = [
        Event(at, "level", code, None, new)
        for at, new in session.exec(
            select(EventRow.at, EventRow.new)
            .where(EventRow.package_id == package.id, EventRow.kind == "level", EventRow.move == code)
            .order_by(col(EventRow.at), col(EventRow.id))
        ).all()
    ]
    return rules.level_on(code, stored, history, stamp)


def _start_no_later_than(session: Session, package: PackageRow, agreed: EventRow, stamp: datetime, code: str) -> None:
    """A back-dated update earlier than the one that started implementation: implementation
    started with it, so the agreed -> implementing event that followed the agreement moves back
    to it (never before the agreement), and the history stays in order."""
    began = session.exec(
        select(EventRow)
        .where(
            EventRow.package_id == package.id,
            EventRow.kind == "status",
            EventRow.old == "agreed",
            EventRow.new == "implementing",
            col(EventRow.id) > ident(agreed),
        )
        .order_by(col(EventRow.at), col(EventRow.id))
    ).first()
    if began is not None and began.at > stamp:
        began.at = stamp
        if began.note.startswith(_FIRST_UPDATE):  # the automatic note; a user's own is kept
            began.note = f"{_FIRST_UPDATE} ({code})"
        session.add(began)


_FIRST_UPDATE = "first implementation update"


def track_move(
    session: Session,
    name: str,
    code: str,
    level: str,
    on: date | None = None,
    note: str = "",
    source: str = "",
    today: date | None = None,
) -> tuple[str, str, bool]:
    """Record a move's implementation level; return (old level, new level, whether the package
    went from agreed to implementing)."""
    package = lock_package(session, name)
    raise_first(rules.trackable_problems(name, package.status))
    new = parse_level(level)
    placement, _ = _placement(session, package, code)
    raise_first([*rules.text_problems("note", note), *rules.text_problems("source", source)])
    stamp = moment(on)
    started = package.status == "agreed"
    if on is not None:
        raise_first(rules.not_after_today_problems("at", on, today or date.today(), "an implementation update"))
        agreed = _latest_status_event(session, package, made="agreed")
        if agreed is not None:
            raise_first(rules.not_before_problems(on, agreed.at, "it was agreed", package.name))
            # Same day as the agreement: the update comes after it, not at midnight before it.
            stamp = max(stamp, agreed.at)
            if not started:
                _start_no_later_than(session, package, agreed, stamp, code)
    if started:
        package.status = "implementing"
        _record(
            session, package, "status", old="agreed", new="implementing", note=f"{_FIRST_UPDATE} ({code})", at=stamp
        )
    old = level_before(session, package, code, stamp, placement.level)
    _record(
        session,
        package,
        "level",
        move=code,
        old=old,
        new=new,
        note=note or "",
        source=source or "",
        placement_id=ident(placement),
        at=stamp,
    )
    session.flush()
    # A back-dated update must not overwrite a later one: the placement keeps the latest level.
    placement.level = level_before(session, package, code, datetime.max, placement.level)
    session.add(placement)
    session.flush()
    return old, new, started
