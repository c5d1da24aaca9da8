"""Rules on the catalogue: parties, issues, moves and positions (DESIGN §2).

Each ``*_problems`` function judges one row, alone or against the rows it refers to (passed in
as domain values, never as a session): the command that adds or edits the row, the importer
that reads it from a file, and any future writer call the same function.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from negotiator.domain.errors import UnknownCode, did_you_mean
from negotiator.domain.model import STANCES, Issue, Move, Party, Position
from negotiator.domain.rules.problems import Problem, problem
from negotiator.domain.rules.values import (
    code_problems,
    listed,
    number_problems,
    required_problems,
    text_problems,
    whole_number_problems,
)


def reference_problems(at: str, kind: str, code: str | None, known: Collection[str]) -> list[Problem]:
    """``code`` must name an existing ``kind`` (party, issue, move, package...)."""
    if code is None or code in known:
        return []
    return [problem(at, UnknownCode(kind, code, sorted(known)))]


def one_of(choices: Collection[str]) -> str:
    items = list(choices)
    return ", ".join(items[:-1]) + " or " + items[-1]


def choice_problems(at: str, value: str, choices: Collection[str]) -> list[Problem]:
    """``value`` must be one of ``choices`` (a stance, a status, a level)."""
    if value in choices:
        return []
    message = f"{at} must be {one_of(choices)}, not '{value}'"
    close = did_you_mean(value, choices)
    if close:
        message += f" (did you mean '{close[0]}'?)"
    return [Problem(at, message)]


# --- parties and issues ------------------------------------------------------------------------


def party_problems(party: Party) -> list[Problem]:
    return [
        *code_problems("code", party.code, "party code"),
        *required_problems("name", party.name, "a party needs a name"),
        *text_problems("notes", party.notes),
        *text_problems("source", party.source),
    ]


def issue_problems(issue: Issue) -> list[Problem]:
    return [
        *code_problems("code", issue.code, "issue code"),
        *required_problems("title", issue.title, "an issue needs a title"),
    ]


# --- moves -------------------------------------------------------------------------------------


def move_problems(move: Move) -> list[Problem]:
    """The move's own fields: code, title, texts, unit (absent, or not blank) and cost."""
    found = [
        *code_problems("code", move.code, "move code"),
        *required_problems("title", move.title, "a move needs a title"),
        *text_problems("description", move.description),
        *text_problems("source", move.source),
        *whole_number_problems("cost", move.cost, minimum=0),
    ]
    if move.unit is not None:
        found += required_problems("unit", move.unit, "a unit cannot be blank: leave it out for a move "
                                                      "without a quantity")
    return found


def move_reference_problems(move: Move, parties: Collection[str], issues: Collection[str]) -> list[Problem]:
    """The move's actor and issue exist."""
    return [*reference_problems("actor", "party", move.actor, parties),
            *reference_problems("issue", "issue", move.issue, issues)]


def actor_change_problems(move: Move, positions: Iterable[Position]) -> list[Problem]:
    """A move given a new actor must not leave a position on it breaking the stance rule."""
    found = []
    for position in positions:
        if position.move != move.code:
            continue
        for broken in stance_problems(position.stance, position.party, move):
            found.append(Problem("actor", f"cannot make {move.actor} the actor of '{move.code}': "
                                          f"{broken.message}; change that position first"))
    return found


def unit_problems(move: Move, measured_by: Iterable[str]) -> list[Problem]:
    """A move without a unit has no quantity: nothing may measure it (``measured_by`` describes
    each bound, condition and placement that does)."""
    if move.unit:
        return []
    what = list(measured_by)
    if not what:
        return []
    return [Problem("unit", f"move '{move.code}' needs a unit while {listed(what)} "
                            f"measure{'s' if len(what) == 1 else ''} its quantity; remove those first")]


# --- positions ---------------------------------------------------------------------------------


def stance_problems(stance: str, party: str, move: Move | None) -> list[Problem]:
    """A stance is demand, offer or oppose; only the actor offers its move, only others demand
    or oppose it (the actor is known only when ``move`` is)."""
    found = choice_problems("stance", stance, STANCES)
    if found or move is None:
        return found
    if stance == "offer" and party != move.actor:
        return [Problem("stance", f"{party} cannot offer '{move.code}': only its actor {move.actor} "
                                  "can offer a move")]
    if stance != "offer" and party == move.actor:
        return [Problem("stance", f"{party} cannot {stance} its own move '{move.code}'")]
    return []


def bound_problems(position: Position, move: Move | None) -> list[Problem]:
    """A bound limits a quantity: a finite number, on a move with a unit."""
    if position.bound is None:
        return []
    found = number_problems("bound", position.bound.value, "bound")
    if move is not None and not move.unit:
        found.append(Problem("bound", f"move '{move.code}' has no unit, so it has no quantity to bound "
                                      "(give the move a unit)"))
    return found


def position_problems(position: Position, move: Move | None = None) -> list[Problem]:
    """A position alone, and against its move when it is known."""
    return [
        *stance_problems(position.stance, position.party, move),
        *whole_number_problems("weight", position.weight, minimum=1),
        *bound_problems(position, move),
        *text_problems("source", position.source),
    ]


def bounds_measuring(move: str, positions: Iterable[Position]) -> list[str]:
    """The positions whose bound measures ``move``, as ``DPRK's bound (>= 300)``."""
    return [f"{p.party}'s bound ({p.bound.text})" for p in positions if p.move == move and p.bound is not None]
