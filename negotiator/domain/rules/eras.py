"""Rules on eras and on what names one (DESIGN §2, §11, §14).

An era has a name (a code, unique per party), a title and a start before its end (no end:
ongoing); a party's eras never overlap.  A position or condition that names an era names one of
its own party; a rule (a condition of no party) has none.  A party has at most one standing
position on a move, and at most one position on it per era.  ``--era PARTY=NAME`` pins a party to
one of its eras.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from negotiator.domain.errors import DuplicateCode, InvalidValue, UnknownCode
from negotiator.domain.model import Era, Position
from negotiator.domain.rules.problems import Problem, problem
from negotiator.domain.rules.values import code_problems, required_problems, text_problems


def era_problems(era: Era) -> list[Problem]:
    """The era's own fields: its name, title, dates (start before end) and source."""
    found = [
        *code_problems("party", era.party, "party code"),
        *code_problems("name", era.name, "era name"),
        *required_problems("title", era.title, "an era needs a title, e.g. \"Lee Myung-bak government\""),
        *text_problems("source", era.source),
    ]
    if era.end is not None and era.end <= era.start:
        found.append(Problem("end", f"era '{era.name}' of {era.party} must start before it ends: "
                                    f"{era.start.isoformat()} is not before {era.end.isoformat()}"))
    return found


def overlap_problems(era: Era, others: Iterable[Era]) -> list[Problem]:
    """No other era of the same party shares a day with ``era`` (``others`` may hold ``era``'s
    own stored version, under the same or another name: pass the others only)."""
    found = []
    for other in others:
        if other.party != era.party:
            continue
        # Half-open periods [start, end) share a day when each starts before the other ends.
        if (other.end is None or era.start < other.end) and (era.end is None or other.start < era.end):
            found.append(Problem("start", f"era '{era.name}' of {era.party} ({era.span}) overlaps its era "
                                          f"'{other.name}' ({other.span}); a party's eras never overlap"))
    return found


def era_unique_problems(era: Era, others: Iterable[Era]) -> list[Problem]:
    """No other era of the party has the same name."""
    if any(o.party == era.party and o.name == era.name for o in others):
        error = DuplicateCode("era", era.name)
        error.args = (f"era '{era.name}' of {era.party} already exists; use `negotiator era edit` to change it",)
        return [problem("name", error)]
    return []


def era_reference_problems(at: str, party: str | None, era: str | None,
                           eras: Mapping[str, Collection[str]]) -> list[Problem]:
    """``era`` (when set) is an era of ``party``: ``eras`` maps each party to its era names.  A
    rule (no party) has no era."""
    if era is None:
        return []
    if party is None:
        return [Problem(at, "a rule (a condition without a party) has no era: it holds whatever the "
                            "governments; give the condition a party, or leave out its era")]
    own = eras.get(party, ())
    if era in own:
        return []
    holders = sorted(p for p, names in eras.items() if era in names)
    if holders:
        return [Problem(at, f"'{era}' is an era of {', '.join(holders)}, not of {party}: a position's or "
                            f"condition's era is one of its own party's")]
    return [problem(at, unknown_era(party, era, own))]


def unknown_era(party: str, era: str, known: Collection[str]) -> UnknownCode:
    """``unknown era 'lea' of ROK (did you mean 'lee'?)``, or that the party has no eras."""
    error = UnknownCode("era", era, sorted(known))
    if not known:
        error.args = (f"unknown era '{era}' of {party}: {party} has no eras (negotiator era add gives it one)",)
    else:
        hint = " (did you mean " + " or ".join(f"'{s}'" for s in error.suggestions) + "?)" if error.suggestions else ""
        error.args = (f"unknown era '{era}' of {party}{hint}; its eras: {', '.join(sorted(known))}",)
    return error


def position_key_problems(position: Position, others: Iterable[Position]) -> list[Problem]:
    """A party has one position on a move per era, and one standing position on it."""
    for other in others:
        if (other.party, other.move, other.era) == (position.party, position.move, position.era):
            error = DuplicateCode("position", f"{position.party} on {position.move}",
                                  f"it is '{other.stance}'; edit that one instead")
            if position.era is not None:
                error.args = (f"position '{position.party} on {position.move}' in era {position.era} already "
                              f"exists; it is '{other.stance}'; edit that one instead",)
            return [problem("move", error)]
    return []


def parse_pins(values: Sequence[str]) -> dict[str, str]:
    """``PARTY=ERA`` texts (``--era``) as a mapping; a malformed one, or a party named twice
    with different eras, is refused."""
    pins: dict[str, str] = {}
    for value in values:
        party, sign, era = value.partition("=")
        party, era = party.strip(), era.strip()
        if not sign or not party or not era:
            raise InvalidValue(f"'{value}' is not a choice of era: write PARTY=ERA, e.g. ROK=lee")
        if pins.get(party, era) != era:
            raise InvalidValue(f"two eras are chosen for {party}: '{pins[party]}' and '{era}'")
        pins[party] = era
    return pins


def pin_problems(pins: Mapping[str, str], parties: Collection[str],
                 eras: Mapping[str, Collection[str]]) -> list[Problem]:
    """Each pinned party exists and has the era it is pinned to."""
    found: list[Problem] = []
    for party, era in pins.items():
        if party not in parties:
            found.append(problem("era", UnknownCode("party", party, sorted(parties))))
            continue
        own = eras.get(party, ())
        if era not in own:
            found.append(problem("era", unknown_era(party, era, own)))
    return found


def era_removal_problems(era: Era, positions: Sequence[str], conditions: Sequence[str],
                         cascade: bool) -> list[Problem]:
    """An era still holding positions or conditions goes only with ``cascade`` (which takes
    them with it)."""
    held = [*positions, *conditions]
    if not held or cascade:
        return []
    from negotiator.domain.errors import Referenced

    error = Referenced("era", era.name, held)
    shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
    error.args = (f"era '{era.name}' of {era.party} still holds {shown}; remove them first, or the era "
                  "together with them",)
    return [problem("name", error)]
