"""Checking a read scenario against the database it goes into: the rules that need context.

What the file names must exist in the file or in the database (an era, among its party's); a
party's eras never overlap; who may offer or demand a move depends on the move's actor; a bound,
a quantity or a quantity condition needs a move with a unit; no two conditions of a party and
era share a text; history is not dated after today.  Each rule is
``negotiator.domain.rules``'s, judged on the content the database would hold once the file is in
(the file's rows over the stored ones), and reported at the line of the key it concerns.  A
stored row that a file's row would break (a move losing its unit while a stored placement has a
quantity) is reported at the line of the file's row that breaks it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from negotiator.domain import rules
from negotiator.domain.errors import ScenarioProblems
from negotiator.domain.model import Catalogue, Move, Scenario
from negotiator.scenario.merge import match_conditions
from negotiator.scenario.reading import ParsedScenario


@dataclass(frozen=True)
class Existing:
    """What the database already holds, as far as a file's references are concerned.

    ``labels`` name the stored conditions (name, else id), parallel to ``catalogue.conditions``;
    ``measured`` lists, per move, the stored packages that give it a quantity (as
    ``package p (quantity 120)``), for the moves a file takes the unit of.
    """

    catalogue: Catalogue = field(default_factory=Catalogue)
    packages: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    measured: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: Scenario) -> Existing:
        """A plain scenario as the database's content (conditions labelled by position)."""
        return cls(scenario.catalogue, tuple(p.name for p in scenario.packages),
                   tuple(c.name or str(i) for i, c in enumerate(scenario.catalogue.conditions, 1)))


def units_removed(parsed: ParsedScenario, catalogue: Catalogue) -> list[str]:
    """Moves the file writes without a unit that the database has with one."""
    stored = catalogue.move_by_code
    return [m.code for m in parsed.scenario.catalogue.moves
            if not m.unit and m.code in stored and stored[m.code].unit]


def check_scenario(parsed: ParsedScenario, existing: Existing | Scenario, today: date | None = None) -> None:
    """Raise ScenarioProblems with the file's own problems and its reference problems together."""
    problems = list(parsed.problems) + reference_problems(parsed, existing, today)
    if problems:
        raise ScenarioProblems(parsed.format(problems))


def validate_references(parsed: ParsedScenario, existing: Existing | Scenario, today: date | None = None) -> list[str]:
    """``FILE:LINE: message`` for every reference the file and ``existing`` together cannot meet."""
    return parsed.format(reference_problems(parsed, existing, today))


class _Known:
    """The codes a file may refer to: its own, those it declared (even if broken), the database's;
    and the moves as they will be (the file's over the stored ones; a broken one is unknown)."""

    def __init__(self, parsed: ParsedScenario, existing: Existing):
        file, base = parsed.scenario.catalogue, existing.catalogue
        declared = parsed.declared

        def codes(kind: str, own: Iterable[str], old: Iterable[str]) -> set[str]:
            return {code for k, code in declared if k == kind} | set(own) | set(old)

        self.parties = codes("party", (p.code for p in file.parties), (p.code for p in base.parties))
        self.issues = codes("issue", (i.code for i in file.issues), (i.code for i in base.issues))
        self.move_codes = codes("move", (m.code for m in file.moves), (m.code for m in base.moves))
        self.packages = codes("package", (p.name for p in parsed.scenario.packages), existing.packages)
        self.moves: dict[str, Move] = dict(base.move_by_code)
        for kind, code in declared:
            if kind == "move":
                self.moves.pop(code, None)
        self.moves.update(file.move_by_code)
        # Every code is known; only the moves whose values are known are judged against.
        self.all_moves: Mapping[str, Move | None] = {**dict.fromkeys(self.move_codes), **self.moves}


def reference_problems(parsed: ParsedScenario, existing: Existing | Scenario,
                       today: date | None = None) -> list[tuple[int, str]]:
    if isinstance(existing, Scenario):
        existing = Existing.of(existing)
    known = _Known(parsed, existing)
    scenario, origins = parsed.scenario, parsed.origins
    catalogue = scenario.catalogue
    problems: list[tuple[int, str]] = []

    def report(origin, kind: str, found: Iterable[rules.Problem], suffix: str = "") -> None:
        for problem in found:
            problems.append((origin.of(problem.field), f"{kind}: {problem.message}{suffix}"))

    for move, origin in zip(catalogue.moves, origins.moves):
        report(origin, "move", rules.move_reference_problems(move, known.parties, known.issues))

    # Eras: the file's over the stored ones; each pair of overlapping eras is reported once, at
    # the later of the two in the file.
    stored_eras = {(e.party, e.name): e for e in existing.catalogue.eras}
    file_keys = {(e.party, e.name) for e in catalogue.eras}
    seen = [e for key, e in stored_eras.items() if key not in file_keys]
    for era, origin in zip(catalogue.eras, origins.eras):
        report(origin, "era", rules.reference_problems("party", "party", era.party, known.parties))
        report(origin, "era", rules.overlap_problems(era, seen))
        seen.append(era)
    era_names: dict[str, set[str]] = {}
    for era in seen:
        era_names.setdefault(era.party, set()).add(era.name)
    for kind, key in parsed.declared:
        if kind == "era":
            party, _, name = key.partition(" ")
            era_names.setdefault(party, set()).add(name)

    in_file = set()
    for position, origin in zip(catalogue.positions, origins.positions):
        in_file.add((position.party, position.move, position.era))
        report(origin, "position", rules.reference_problems("party", "party", position.party, known.parties))
        report(origin, "position", rules.reference_problems("move", "move", position.move, known.move_codes))
        if position.party in known.parties:
            report(origin, "position", rules.era_reference_problems("era", position.party, position.era, era_names))
        judged = known.moves.get(position.move)
        if judged is not None:
            report(origin, "position", rules.position_problems(position, judged))

    # A move the file changes must not leave the database's rows on it wrong.
    stored_moves = existing.catalogue.move_by_code
    changed = {m.code for m in catalogue.moves if m.code in stored_moves and (
        m.actor != stored_moves[m.code].actor or (not m.unit and stored_moves[m.code].unit))}
    stored_positions: dict[str, list] = {}
    for stored in existing.catalogue.positions:
        if stored.move in changed and (stored.party, stored.move, stored.era) not in in_file:
            stored_positions.setdefault(stored.move, []).append(stored)
    matches = match_conditions(existing.catalogue.conditions, catalogue.conditions)
    replaced = {index for index in matches if index is not None}
    stored_conditions = [(label, condition) for i, (label, condition)
                         in enumerate(zip(existing.labels, existing.catalogue.conditions)) if i not in replaced]
    file_packages = {p.name for p in scenario.packages}
    suffix = " (rows already in the database)"
    for move, origin in zip(catalogue.moves, origins.moves):
        if move.code not in changed:
            continue
        on_move = stored_positions.get(move.code, [])
        report(origin, "move", rules.actor_change_problems(move, on_move), suffix)
        if not move.unit:
            measured = rules.bounds_measuring(move.code, on_move)
            measured += [f"condition {label}" for label, condition in stored_conditions
                         if move.code in _quantity_moves(condition.text)]
            measured += [f"package {name} (quantity {quantity})"
                         for name, quantity in existing.measured.get(move.code, ()) if name not in file_packages]
            report(origin, "move", rules.unit_problems(move, measured), suffix)

    for condition, tree, origin in zip(catalogue.conditions, parsed.trees, origins.conditions):
        report(origin, "condition", rules.reference_problems("party", "party", condition.party, known.parties))
        if condition.party is None or condition.party in known.parties:
            report(origin, "condition", rules.era_reference_problems("era", condition.party, condition.era, era_names))
        report(origin, "condition", rules.tree_problems(tree, condition.party, known.all_moves))
        report(origin, "condition", rules.duplicate_problems(condition, stored_conditions))

    for package, where in zip(scenario.packages, origins.packages):
        report(where.origin, "package", rules.based_on_problems(package, known.packages))
        for s, p, problem in rules.moves_known_problems(package, known.all_moves):
            problems.append((where.placements[s][p].of(problem.field), f"placement: {problem.message}"))
        # A move taken out of the package (or out of the catalogue, by `move rm --cascade`) leaves
        # an `unplaced` event; its earlier history stays valid even though the move may be gone.
        removed = {event.move for event in package.history if event.kind == "unplaced"}
        for event, origin in zip(package.history, where.history):
            if event.move is not None and event.move not in removed:
                report(origin, "history", rules.reference_problems("move", "move", event.move, known.move_codes))
            if today is not None:
                report(origin, "history", rules.event_date_problems(event, today))
    return problems


def _quantity_moves(text: str) -> set[str]:
    node, _ = rules.parsed(text)
    return rules.quantity_moves(node) if node is not None else set()


__all__ = ["Existing", "check_scenario", "reference_problems", "units_removed", "validate_references"]
