"""The implementation tracker (DESIGN §6): where an agreed package stood on a given date.

An agreed package is carried out move by move.  Each placement's implementation level is on the
Peace Accords Matrix scale — ``0`` not started, ``1`` minimal, ``2`` intermediate, ``3`` full — or
``reversed``, and every change is an ``Event`` of kind ``level`` in the package's history (``move``
the move code, ``new`` the level).  :func:`package_status` rebuilds the state at a date from that
history alone, so that "where were we on DATE?" has one answer however many updates followed.

Definitions (v_P(m) is the value of move m to party P, DESIGN §4; f(m) is m's *realised
fraction*: level/3 for levels 0..3, and 0 for ``reversed``):

* **delivered** by P = Σ over P's own placed moves m of f(m) × cost(m) — what P has paid so far
  by doing what it promised (a move that is only half done has cost half its cost).
* **received** by P = Σ over the other parties' placed moves m of f(m) × v_P(m) — the net value P
  has got from what the others did; a move P opposes counts against it, so received can be
  negative.
* **realised balance** of P = received − delivered = Σ over all placed moves of f(m) × v_P(m):
  §4's net gain with every move weighted by how far it has been carried out.  The realised
  balance *through step t* sums the moves of steps 1..t only.
* **exposure** of P = max(0, −min over t of the realised balance through step t) — §4's exposure
  on realised values: the most P is out of pocket at any step boundary of the package as it
  stands on that date.
* a step is **complete** when every move in it is at level 3 (a step with no moves is complete);
  the **current step** is the first step that is not complete (none once all are);
* a step is **overdue** when it has a due date before the date judged against and is not
  complete;
* a party is **in arrears** when one of its own moves is below full level (``reversed``
  included) in the current step or in an overdue step.

Levels come only from ``level`` events dated on or before the as-of date (the latest wins; events
with the same timestamp apply in history order: ``negotiator.domain.rules.latest_levels``, the one
answer every layer uses).  A placement that has no ``level`` event at all
in the whole history takes the level stored on the placement, so that packages imported without
history still show their state.  The status on the date is rebuilt the same way from ``status``
events, and each step's due date and label from ``step-edited`` events (a deadline moved later
still counts as it stood on the date).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from negotiator.domain.drafting import read_step_text
from negotiator.domain.errors import InvalidValue
from negotiator.domain.metrics import move_values
from negotiator.domain.model import LEVELS, Catalogue, Event, Package
from negotiator.domain.rules import TRACKABLE, latest_levels
from negotiator.domain.table import Table

FULL = "3"
REVERSED = "reversed"

LEVEL_NAMES = {
    "0": "not started",
    "1": "minimal",
    "2": "intermediate",
    "3": "full",
    "reversed": "reversed",
}

# Words an analyst may type instead of the digits.
_LEVEL_WORDS = {
    "none": "0", "not-started": "0", "minimal": "1", "intermediate": "2", "full": "3",
}


def parse_level(text: str) -> str:
    """Return the canonical level (``0``..``3`` or ``reversed``) for ``text``."""
    raw = str(text).strip().lower()
    if raw in LEVELS:
        return raw
    if raw in _LEVEL_WORDS:
        return _LEVEL_WORDS[raw]
    raise InvalidValue(
        f"'{text}' is not an implementation level: expected 0, 1, 2, 3 or reversed "
        "(0 not started, 1 minimal, 2 intermediate, 3 full)"
    )


def realised_fraction(level: str) -> float:
    """How much of a move's value a level realises: level/3, and nothing once reversed."""
    if level == REVERSED:
        return 0.0
    return int(level) / 3


@dataclass(frozen=True)
class MoveState:
    """One placed move on the as-of date."""

    step: int
    move: str
    actor: str
    quantity: float | None
    level: str
    since: date | None  # date of the level event that set ``level``; None if never tracked
    note: str = ""


@dataclass(frozen=True)
class StepState:
    ordinal: int
    label: str
    due: date | None
    moves: tuple[MoveState, ...]
    complete: bool
    overdue: bool
    balances: dict[str, float] = field(default_factory=dict)  # party -> realised balance through this step


@dataclass(frozen=True)
class PartyState:
    party: str
    delivered: float
    received: float
    balance: float
    exposure: float
    arrears: tuple[str, ...]  # own moves below full in the current or an overdue step
    era: str | None = None  # the era whose positions value its moves (None: standing ones)

    @property
    def in_arrears(self) -> bool:
        return bool(self.arrears)


@dataclass(frozen=True)
class TrackerState:
    package: str
    status: str
    as_of: date | None
    steps: tuple[StepState, ...]
    parties: tuple[PartyState, ...]
    current_step: int | None
    overdue_steps: tuple[int, ...]

    @property
    def in_arrears(self) -> tuple[str, ...]:
        return tuple(p.party for p in self.parties if p.in_arrears)

    def party(self, code: str) -> PartyState:
        for state in self.parties:
            if state.party == code:
                return state
        raise KeyError(code)


def _on_or_before(event: Event, as_of: date | None) -> bool:
    return as_of is None or event.at.date() <= as_of


def _ordered(history: tuple[Event, ...]) -> list[Event]:
    # sorted() is stable, so events with the same timestamp keep their history order.
    return sorted(history, key=lambda e: e.at)


def levels_on(package: Package, as_of: date | None) -> dict[str, tuple[str, date | None, str]]:
    """Move code -> (level, date it was set, note) for every placed move on ``as_of``."""
    until = None if as_of is None else datetime.combine(as_of, time.max)
    latest = latest_levels(package.history, until)
    tracked = {e.move for e in package.history if e.kind == "level"}
    state: dict[str, tuple[str, date | None, str]] = {}
    for _, placement in package.placements():
        event = latest.get(placement.move)
        if event is not None and event.new is not None:
            state[placement.move] = (event.new, event.at.date(), event.note)
        else:
            state[placement.move] = ("0" if placement.move in tracked else placement.level, None, "")
    return state


def steps_on(package: Package, as_of: date | None) -> list[tuple[str, date | None]]:
    """Each step's label and due date on ``as_of``, in step order.

    A ``step-edited`` event after that date is undone, latest first: its new text must be what
    the step shows at that point (else the steps were renumbered or replaced since, and the
    history cannot be read further back), and its old text gives the label and due date back.
    An event whose texts are in another form ends the reading too.
    """
    shown = [(step.label, step.due) for step in package.steps]
    if as_of is None:
        return shown
    for event in reversed(_ordered(package.history)):
        if _on_or_before(event, as_of):
            break
        if event.kind != "step-edited":
            continue
        old, new = read_step_text(event.old), read_step_text(event.new)
        if old is None or new is None or old[0] != new[0] or not 1 <= new[0] <= len(shown):
            break
        if shown[new[0] - 1] != (new[1], new[2]):
            break
        shown[new[0] - 1] = (old[1], old[2])
    return shown


def status_on(package: Package, as_of: date | None) -> str:
    """The package's status on ``as_of``, rebuilt from its ``status`` events."""
    changes = [e for e in _ordered(package.history) if e.kind == "status"]
    if as_of is None or not changes:
        return package.status
    before = [e for e in changes if _on_or_before(e, as_of)]
    if before:
        return before[-1].new or package.status
    return changes[0].old or package.status


def package_status(
    catalogue: Catalogue,
    package: Package,
    as_of: date | None = None,
    *,
    today: date | None = None,
) -> TrackerState:
    """Rebuild ``package``'s implementation state on ``as_of`` (all history when None).

    Due dates are judged against ``as_of``, or against ``today`` when ``as_of`` is None; with
    neither, no step is overdue.  Moves are valued with the positions of ``catalogue``, the
    catalogue in force (``Catalogue.in_force``) on the day the state is judged.
    """
    values = move_values(catalogue)
    parties = [p.code for p in catalogue.parties]
    levels = levels_on(package, as_of)
    shown = steps_on(package, as_of)
    status = status_on(package, as_of)
    # Only an agreement in force makes anything due: before it (draft, proposed) and after it
    # ends (completed, collapsed) no step is overdue and nobody is in arrears.
    in_force = status in TRACKABLE
    judged_on = (as_of if as_of is not None else today) if in_force else None

    delivered = dict.fromkeys(parties, 0.0)
    received = dict.fromkeys(parties, 0.0)
    running = dict.fromkeys(parties, 0.0)
    lowest = dict.fromkeys(parties, 0.0)
    steps: list[StepState] = []
    for ordinal, step in enumerate(package.steps, 1):
        label, due = shown[ordinal - 1]
        moves = []
        for placement in step.placements:
            move = catalogue.move(placement.move)
            level, since, note = levels[placement.move]
            moves.append(MoveState(ordinal, move.code, move.actor, placement.quantity, level, since, note))
            fraction = realised_fraction(level)
            if move.actor in delivered:
                delivered[move.actor] += fraction * move.cost
            for party, value in values.get(move.code, {}).items():
                if party not in running:
                    continue
                running[party] += fraction * value
                if party != move.actor:
                    received[party] += fraction * value
        for party in parties:
            lowest[party] = min(lowest[party], running[party])
        complete = all(m.level == FULL for m in moves)
        overdue = not complete and due is not None and judged_on is not None and due < judged_on
        steps.append(StepState(ordinal, label, due, tuple(moves), complete, overdue, dict(running)))

    # Before an agreement no step is under way; after a collapse, the current step is where it stopped.
    current = next((s.ordinal for s in steps if not s.complete), None) if status not in ("draft", "proposed") else None
    behind = [s for s in steps if s.ordinal == current or s.overdue] if in_force else []
    party_states = []
    for party in parties:
        arrears = tuple(
            m.move for s in behind for m in s.moves if m.actor == party and m.level != FULL
        )
        party_states.append(
            PartyState(
                party=party,
                delivered=delivered[party],
                received=received[party],
                balance=running[party],
                exposure=max(0.0, -lowest[party]),
                arrears=arrears,
                era=catalogue.era_of.get(party),
            )
        )
    return TrackerState(
        package=package.name,
        status=status,
        as_of=as_of,
        steps=tuple(steps),
        parties=tuple(party_states),
        current_step=current,
        overdue_steps=tuple(s.ordinal for s in steps if s.overdue),
    )


# -- views of the state, for the one renderer ----------------------------------------------------


def amount(value: float) -> float:
    """A realised value as shown: two decimals (thirds do not print exactly), never -0."""
    shown = round(value, 2)
    return 0.0 if shown == 0 else shown


def level_text(level: str) -> str:
    return f"{level} {LEVEL_NAMES[level]}" if level != REVERSED else REVERSED


def step_state_text(state: TrackerState, step: StepState) -> str:
    if step.overdue:
        return "overdue"
    if step.complete:
        return "complete"
    if step.ordinal == state.current_step:
        return "current"
    return "open"


def summary(state: TrackerState) -> str:
    """One line saying where the package stands."""
    when = f"on {state.as_of.isoformat()}" if state.as_of else "now"
    if state.status in ("draft", "proposed"):
        return f"{state.package} {when}: {state.status}; not agreed yet, so nothing is due"
    if state.status == "collapsed":
        where = f"at step {state.current_step}" if state.current_step else "with every step carried out"
        return f"{state.package} {when}: collapsed {where}; nothing more is due"
    if state.status == "completed":
        return f"{state.package} {when}: completed; nothing more is due"
    current = str(state.current_step) if state.current_step else "none (every step is fully implemented)"
    overdue = ", ".join(str(n) for n in state.overdue_steps) or "none"
    arrears = ", ".join(state.in_arrears) or "none"
    return (
        f"{state.package} {when}: {state.status}; current step {current}; overdue steps {overdue}; "
        f"in arrears {arrears}"
    )


def moves_table(state: TrackerState) -> Table:
    """Per step and move: its level, when it was set and the note of that update."""
    rows = tuple(
        (m.step, m.move, m.actor, m.quantity, level_text(m.level), m.since, m.note)
        for s in state.steps
        for m in s.moves
    )
    return Table(("step", "move", "actor", "qty", "level", "since", "note"), rows, title=summary(state))


def steps_table(state: TrackerState, parties: list[str]) -> Table:
    """Per step: label, due date, state, and each party's realised balance through that step."""
    rows = tuple(
        (s.ordinal, s.label, s.due, step_state_text(state, s), *(amount(s.balances.get(p, 0.0)) for p in parties))
        for s in state.steps
    )
    return Table(("step", "label", "due", "state", *parties), rows, title="Realised balance through each step")


def parties_table(state: TrackerState) -> Table:
    rows = tuple(
        (p.party, p.era, amount(p.delivered), amount(p.received), amount(p.balance), amount(p.exposure),
         ", ".join(p.arrears) or None)
        for p in state.parties
    )
    return Table(("party", "era", "delivered", "received", "balance", "exposure", "in arrears"), rows,
                 title="Per party (values weighted by level/3, with the positions of the era shown)")


def status_document(state: TrackerState) -> dict:
    """The JSON form of ``status``."""
    return {
        "package": state.package,
        "status": state.status,
        "as_of": state.as_of,
        "current_step": state.current_step,
        "overdue_steps": list(state.overdue_steps),
        "in_arrears": list(state.in_arrears),
        "steps": [
            {
                "step": s.ordinal,
                "label": s.label,
                "due": s.due,
                "complete": s.complete,
                "overdue": s.overdue,
                "balances": {p: amount(v) for p, v in s.balances.items()},
                "moves": [
                    {"move": m.move, "actor": m.actor, "quantity": m.quantity, "level": m.level,
                     "since": m.since, "note": m.note}
                    for m in s.moves
                ],
            }
            for s in state.steps
        ],
        "parties": [
            {"party": p.party, "era": p.era, "delivered": amount(p.delivered), "received": amount(p.received),
             "balance": amount(p.balance), "exposure": amount(p.exposure), "arrears": list(p.arrears)}
            for p in state.parties
        ],
    }
