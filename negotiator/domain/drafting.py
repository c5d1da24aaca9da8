"""Drafting a package: step renumbering, and the views of drafts for the renderer.

Steps are numbered 1..n without gaps after every edit.  Each renumbering is given as a mapping
old ordinal -> new ordinal over the steps that survive, always a bijection onto 1..n.  The rules
a draft must obey (placements, quantities, status transitions) are
``negotiator.domain.rules``'s, where every writer finds them.

The views at the end turn drafts into tables and documents for the one renderer: the package
list, the history (``log``) and ``package show``'s document (whose verdict part is
``negotiator.domain.verdicts``'s, the same as ``check``'s).
"""

from __future__ import annotations

import re
from datetime import date

from negotiator.domain.model import Catalogue, Package
from negotiator.domain.rules import ordinal_problems, raise_first
from negotiator.domain.table import Table


def check_ordinal(ordinal: int, count: int, what: str = "step", allow_next: bool = False) -> int:
    """Raise unless ``ordinal`` names an existing step (or, with ``allow_next``, the next one)."""
    raise_first(ordinal_problems(ordinal, count, what, allow_next))
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


def step_text(ordinal: int, label: str = "", due: date | None = None) -> str:
    """How the history records a step: ``step 1: Freeze for aid (due 2007-12-31)``."""
    text = f"step {ordinal}"
    if label:
        text += f": {label}"
    if due is not None:
        text += f" (due {due.isoformat()})"
    return text


_STEP_TEXT = re.compile(
    r"step (?P<ordinal>\d+)(?:: (?P<label>.*?))?(?: \(due (?P<due>\d{4}-\d{2}-\d{2})\))?", re.DOTALL
)


def read_step_text(text: str | None) -> tuple[int, str, date | None] | None:
    """The ordinal, label and due date :func:`step_text` wrote, or None for any other text (a
    history typed by hand may say anything).  A label that itself ends in ``(due <date>)``, on a
    step with no due date, reads as that due date."""
    found = _STEP_TEXT.fullmatch(text or "")
    if found is None:
        return None
    try:
        due = date.fromisoformat(found["due"]) if found["due"] else None
    except ValueError:
        return None
    return int(found["ordinal"]), found["label"] or "", due


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
        "date": package.date,
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
