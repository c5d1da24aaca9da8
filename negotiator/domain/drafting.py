"""The rules of drafting a package: step renumbering, placement checks, status transitions.

The database layer (``negotiator.db.packages``) applies these rules to rows; keeping them here
means they can be tested without a database and that every writer (the command line, the
sequencer's ``--save-as``, the scenario importer) obeys the same ones.

Steps are numbered 1..n without gaps after every edit.  Each renumbering is given as a mapping
old ordinal -> new ordinal over the steps that survive, always a bijection onto 1..n.

Status moves along draft -> proposed -> agreed -> implementing -> completed | collapsed.  Going
forward (to any later status, skipping some if the analyst wishes) is free; going back, or
switching between the two ends (completed <-> collapsed), rewrites history and so needs
``--force`` and a note saying why.

The views at the end turn drafts into tables and documents for the one renderer: the package
list, the history (``log``) and ``package show``'s document (whose verdict part is
``negotiator.domain.verdicts``'s, the same as ``check``'s).
"""

from __future__ import annotations

from datetime import date, datetime

from negotiator.domain.errors import InvalidValue
from negotiator.domain.model import STATUSES, Catalogue, Move, Package, format_number
from negotiator.domain.table import Table

# Rank along the lifecycle; the two ends share the last rank.
_RANK = {"draft": 0, "proposed": 1, "agreed": 2, "implementing": 3, "completed": 4, "collapsed": 4}

TRACKABLE = ("agreed", "implementing")


def check_status(text: str) -> str:
    status = str(text).strip().lower()
    if status not in STATUSES:
        raise InvalidValue(f"'{text}' is not a package status: expected one of {', '.join(STATUSES)}")
    return status


def is_forward(old: str, new: str) -> bool:
    return _RANK[new] > _RANK[old]


def check_transition(old: str, new: str, force: bool = False, note: str = "") -> None:
    """Raise InvalidValue unless a package may go from status ``old`` to ``new``."""
    new = check_status(new)
    if old == new:
        raise InvalidValue(f"the package is already {new}")
    if is_forward(old, new):
        return
    if not force:
        raise InvalidValue(
            f"going from {old} back to {new} rewrites the package's history; "
            "use --force with --note saying why"
        )
    if not note.strip():
        raise InvalidValue(f"going from {old} back to {new} needs a --note saying why")


def check_trackable(package: str, status: str) -> None:
    if status not in TRACKABLE:
        raise InvalidValue(
            f"package '{package}' is {status}; implementation is tracked only on agreed or "
            f"implementing packages (e.g. negotiator package status-set {package} agreed)"
        )


def check_not_before(on: date, since: datetime, what: str, package: str) -> None:
    """Refuse an event dated ``on`` earlier than the day of ``since`` (e.g. the agreement):
    a back-dated update before it would rewrite the package's past out of order."""
    if on < since.date():
        raise InvalidValue(
            f"{on.isoformat()} is before {what} on {since.date().isoformat()} in package '{package}'; "
            "give a date on or after that"
        )


def check_quantity(move: Move, quantity: float | None) -> str | None:
    """Refuse a quantity for a move without a unit; return a warning for a unit without one."""
    if quantity is not None and not move.unit:
        raise InvalidValue(
            f"move '{move.code}' has no unit, so it takes no quantity (placed {format_number(quantity)})"
        )
    if quantity is None and move.unit:
        return f"move '{move.code}' is measured in {move.unit} but was placed without --qty"
    return None


def check_ordinal(ordinal: int, count: int, what: str = "step", allow_next: bool = False) -> int:
    """Raise unless ``ordinal`` names an existing step (or, with ``allow_next``, the next one)."""
    top = count + 1 if allow_next else count
    if top < 1:
        raise InvalidValue("the package has no steps; add one with 'package step add'")
    if not 1 <= ordinal <= top:
        raise InvalidValue(f"{what} {ordinal} does not exist: the package has steps 1..{count}"
                           + (f" (or {count + 1} to add one)" if allow_next else ""))
    return ordinal


def after_removal(count: int, removed: int) -> dict[int, int]:
    """Ordinals of the surviving steps once step ``removed`` of ``count`` is gone."""
    check_ordinal(removed, count)
    return {old: old if old < removed else old - 1 for old in range(1, count + 1) if old != removed}


def after_insertion(count: int, at: int) -> dict[int, int]:
    """Ordinals of the existing steps once a new step is inserted at position ``at``."""
    check_ordinal(at, count, allow_next=True)
    return {old: old if old < at else old + 1 for old in range(1, count + 1)}


def after_move(count: int, moved: int, to: int) -> dict[int, int]:
    """Ordinals of all steps once step ``moved`` is taken out and put back at position ``to``."""
    check_ordinal(moved, count)
    check_ordinal(to, count, what="target step")
    order = [o for o in range(1, count + 1) if o != moved]
    order.insert(to - 1, moved)
    return {old: new for new, old in enumerate(order, 1)}


# -- views of drafts, for the one renderer -------------------------------------------------------


def packages_table(rows) -> Table:
    """``package list``: rows of (name, title, status, steps, moves, based_on, updated)."""
    return Table(("name", "title", "status", "steps", "moves", "based_on", "updated"), tuple(tuple(r) for r in rows))


def change_text(old: str | None, new: str | None) -> str:
    if old and new:
        return f"{old} → {new}"
    if new:
        return f"→ {new}"
    if old:
        return f"{old} →"
    return ""


def log_table(package: Package) -> Table:
    """``log``: the package's history, oldest first (when, what, old → new, note, source)."""
    rows = tuple(
        (
            event.at.strftime("%Y-%m-%d %H:%M"),
            event.kind + (f" {event.move}" if event.move else ""),
            change_text(event.old, event.new),
            event.note,
            event.source,
        )
        for event in package.history
    )
    return Table(("when", "what", "change", "note", "source"), rows, title=f"History of {package.name}")


def show_document(catalogue: Catalogue, package: Package, check, detail: bool = False) -> dict:
    """The JSON form of ``package show``: the package and its steps, then its verdict in the
    shape of ``check``'s document (DESIGN §8), so one reader serves both."""
    from negotiator.domain.verdicts import check_document

    (verdict,) = check_document([check], detail)
    return {
        "package": package.name,
        "title": package.title,
        "description": package.description,
        "status": package.status,
        "based_on": package.based_on,
        "steps": [
            {
                "step": ordinal,
                "label": step.label,
                "due": step.due,
                "moves": [
                    {"move": p.move, "actor": catalogue.move(p.move).actor, "quantity": p.quantity,
                     "unit": catalogue.move(p.move).unit}
                    for p in step.placements
                ],
            }
            for ordinal, step in enumerate(package.steps, 1)
        ],
        "valid": verdict["valid"],
        "rules": verdict["rules"],
        "parties": verdict["parties"],
    }
