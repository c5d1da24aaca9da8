"""Reading a scenario file (DESIGN §7): YAML text -> domain values, with every problem at its line.

The reader never stops at the first mistake: it reads every item, keeps the ones it could make
sense of, and collects each problem as ``(line, message)``, so that an analyst fixing a file sees
all of them at once.  What the file alone can show is checked here: YAML syntax, types, unknown
or missing keys, duplicates within the file, and every rule of ``negotiator.domain.rules`` that
needs nothing but the item itself (codes, names, texts, stances, weights, costs, bounds,
quantities, levels, condition text).  What also depends on the database the file goes into is
``negotiator.scenario.references``'s.

PyYAML is imported inside the functions, so importing this module costs nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from negotiator.domain import rules
from negotiator.domain.errors import ScenarioProblems
from negotiator.domain.model import (
    Catalogue,
    Condition,
    Era,
    Issue,
    Move,
    Party,
    Position,
    Scenario,
    parse_bound,
    parse_date,
    parse_int,
)
from negotiator.scenario.nodes import NULL, Item, Origin, describe, unknown_key
from negotiator.scenario.reading_packages import PackageOrigin, PackageReader

if TYPE_CHECKING:
    from negotiator.domain.conditions import Node

SECTIONS = ("parties", "issues", "moves", "eras", "positions", "conditions", "packages")

# The keys each kind of item may have: required first, then optional.
PARTY_KEYS = (("code", "name"), ("notes", "source"))
ISSUE_KEYS = (("code", "title"), ())
MOVE_KEYS = (
    ("code", "actor", "title"),
    ("issue", "description", "unit", "cost", "reversible", "source"),
)
ERA_KEYS = (("party", "name", "title", "start"), ("end", "source"))
POSITION_KEYS = (("party", "move", "stance"), ("era", "weight", "bound", "source"))
CONDITION_KEYS = (("text",), ("party", "era", "name", "soft", "source"))


# --------------------------------------------------------------------------------------------
# What reading gives back


@dataclass(frozen=True)
class Origins:
    """Lines of every item kept, parallel to the tuples of the scenario."""

    parties: tuple[Origin, ...] = ()
    issues: tuple[Origin, ...] = ()
    moves: tuple[Origin, ...] = ()
    positions: tuple[Origin, ...] = ()
    conditions: tuple[Origin, ...] = ()
    packages: tuple[PackageOrigin, ...] = ()
    eras: tuple[Origin, ...] = ()


@dataclass(frozen=True)
class ParsedScenario:
    """A scenario file read into domain values, with where each item came from.

    ``problems`` holds what the file alone shows to be wrong, as ``(line, message)``; the items
    with problems are left out of ``scenario`` (a package keeps its good steps and entries), but
    their codes are kept in ``declared`` as ``(kind, code)`` so that references to them are not
    reported a second time as unknown.  ``trees`` are the parsed conditions, parallel to
    ``scenario.catalogue.conditions``.
    """

    filename: str
    scenario: Scenario
    origins: Origins = Origins()
    trees: tuple[Node, ...] = ()
    declared: frozenset[tuple[str, str]] = frozenset()
    problems: tuple[tuple[int, str], ...] = ()

    def format(self, problems: list[tuple[int, str]]) -> list[str]:
        """``FILE:LINE: message`` lines, sorted by line (ties keep their order)."""
        ordered = sorted(problems, key=lambda problem: problem[0])
        return [f"{self.filename}:{line}: {message}" for line, message in ordered]


def read_scenario(text: str, filename: str) -> ParsedScenario:
    """Read a scenario file; raise ScenarioProblems with every problem the file alone shows."""
    parsed = parse_scenario(text, filename)
    if parsed.problems:
        raise ScenarioProblems(parsed.format(list(parsed.problems)))
    return parsed


def parse_scenario(text: str, filename: str) -> ParsedScenario:
    """Read a scenario file, keeping what makes sense and collecting every problem."""
    import yaml

    # libyaml composes large files many times faster; a file it rejects is read again by the
    # pure-Python loader, whose messages are the ones reported (and the same on every machine).
    if getattr(yaml, "__with_libyaml__", False):
        try:
            return _Reader(filename).read(yaml.compose(text, Loader=yaml.CSafeLoader))
        except yaml.YAMLError:
            pass
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return ParsedScenario(filename, Scenario(), problems=(_yaml_problem(exc, text),))
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1 if isinstance(text, str) else 1
        problem = f"bad YAML: character #x{exc.character:04x}: {exc.reason}"
        return ParsedScenario(filename, Scenario(), problems=((line, problem),))
    except yaml.YAMLError as exc:  # anything else PyYAML may raise without a position
        return ParsedScenario(filename, Scenario(), problems=((1, f"bad YAML: {exc}"),))
    return _Reader(filename).read(root)


def _yaml_problem(exc: Any, text: str) -> tuple[int, str]:
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and mark is not None and mark.index >= len(text.rstrip()):
        # Running off the end (an unclosed quote or bracket): where it was opened is what to fix.
        mark = exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    message = f"bad YAML: {exc.problem or exc.context}"
    if exc.context and exc.problem and exc.context_mark is not None:
        where = exc.context_mark.line + 1
        message += f" ({exc.context})" if where == line else f" ({exc.context} at line {where})"
    return line, message


class _Reader(PackageReader):
    """Turns the composed node tree of one file into a ParsedScenario."""

    def read(self, root: Any) -> ParsedScenario:
        import yaml

        sections: dict[str, list[Any]] = {name: [] for name in SECTIONS}
        if root is not None and not (isinstance(root, yaml.ScalarNode) and root.tag == NULL):
            if not isinstance(root, yaml.MappingNode):
                self.problem(
                    root.start_mark.line + 1,
                    f"a scenario file must be a mapping with the sections {', '.join(SECTIONS)}, "
                    f"not {describe(root)}",
                )
            else:
                sections = self.sections(root)

        parties, party_origins = self.collect(sections["parties"], self.party)
        issues, issue_origins = self.collect(sections["issues"], self.issue)
        moves, move_origins = self.collect(sections["moves"], self.move)
        eras, era_origins = self.collect(sections["eras"], self.era)
        positions, position_origins = self.collect(sections["positions"], self.position)
        read_conditions, condition_origins = self.collect(sections["conditions"], self.condition)
        packages, package_origins = self.collect(sections["packages"], self.package)
        scenario = Scenario(
            Catalogue(
                parties=tuple(parties),
                issues=tuple(issues),
                moves=tuple(moves),
                positions=tuple(positions),
                conditions=tuple(condition for condition, _ in read_conditions),
                eras=tuple(eras),
            ),
            tuple(packages),
        )
        origins = Origins(
            tuple(party_origins), tuple(issue_origins), tuple(move_origins),
            tuple(position_origins), tuple(condition_origins), tuple(package_origins), tuple(era_origins),
        )
        return ParsedScenario(
            self.filename,
            scenario,
            origins,
            tuple(tree for _, tree in read_conditions),
            frozenset(self.declared),
            tuple(self.problems),
        )

    def sections(self, root: Any) -> dict[str, list[Any]]:
        import yaml

        found: dict[str, list[Any]] = {name: [] for name in SECTIONS}
        lines: dict[str, int] = {}
        for key_node, value_node in root.value:
            line = key_node.start_mark.line + 1
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in SECTIONS:
                self.problem(line, unknown_key(str(key), SECTIONS).replace("key", "section", 1))
                continue
            if key in lines:
                self.problem(line, f"duplicate section '{key}' (first at line {lines[key]})")
                continue
            lines[key] = line
            if isinstance(value_node, yaml.ScalarNode) and value_node.tag == NULL:
                continue
            if not isinstance(value_node, yaml.SequenceNode):
                self.problem(
                    value_node.start_mark.line + 1,
                    f"{key} must be a list (one '- ' line per item), not {describe(value_node)}",
                )
                continue
            found[key] = list(value_node.value)
        return found

    def collect(self, nodes: list[Any], read_one: Callable[[Any], Any]) -> tuple[list[Any], list[Any]]:
        values, origins = [], []
        for node in nodes:
            result = read_one(node)
            if result is not None:
                value, origin = result
                values.append(value)
                origins.append(origin)
        return values, origins

    # ---- catalogue

    def party(self, node: Any):
        item = Item(self, node, "party", PARTY_KEYS, "{code: DPRK, name: North Korea}")
        party = Party(item.text("code"), item.text("name"), item.text("notes"), item.text("source"))
        item.judge(rules.party_problems(party))
        if party.code and not self.unique(item, "party", party.code, f"party code '{party.code}'", "code"):
            return None
        return self.kept(item, "party", party.code, party)

    def issue(self, node: Any):
        item = Item(self, node, "issue", ISSUE_KEYS, "{code: kaesong, title: Kaesong}")
        issue = Issue(item.text("code"), item.text("title"))
        item.judge(rules.issue_problems(issue))
        if issue.code and not self.unique(item, "issue", issue.code, f"issue code '{issue.code}'", "code"):
            return None
        return self.kept(item, "issue", issue.code, issue)

    def move(self, node: Any):
        item = Item(self, node, "move", MOVE_KEYS)
        move = Move(
            code=item.text("code"), actor=item.text("actor"), title=item.text("title"),
            issue=item.optional("issue"), description=item.text("description"),
            unit=item.optional("unit"),
            cost=item.converted("cost", lambda v: parse_int(v, "cost"), 1),
            reversible=item.flag("reversible", True), source=item.text("source"),
        )
        item.judge(rules.move_problems(move))
        if move.code and not self.unique(item, "move", move.code, f"move code '{move.code}'", "code"):
            return None
        return self.kept(item, "move", move.code, move)

    def era(self, node: Any):
        item = Item(self, node, "era", ERA_KEYS,
                    "{party: ROK, name: lee, title: Lee Myung-bak government, start: 2008-02-25}")
        start = item.converted("start", lambda v: parse_date(v, "start date"))
        era = Era(
            party=item.text("party"), name=item.text("name"), title=item.text("title"),
            start=start or date.min, end=item.converted("end", lambda v: parse_date(v, "end date")),
            source=item.text("source"),
        )
        item.judge(rules.era_problems(era) if start is not None else
                   [p for p in rules.era_problems(era) if p.field != "end"])
        if era.party and era.name and not self.unique(
            item, "era", (era.party, era.name), f"era '{era.name}' of {era.party}", "name",
        ):
            return None
        return self.kept(item, "era", f"{era.party} {era.name}", era)

    def position(self, node: Any):
        item = Item(self, node, "position", POSITION_KEYS,
                    "{party: DPRK, stance: demand, move: kaesong.wage}")
        position = Position(
            party=item.text("party"), move=item.text("move"), stance=item.text("stance"),
            weight=item.converted("weight", lambda v: parse_int(v, "weight"), 1),
            bound=item.converted("bound", parse_bound), source=item.text("source"),
            era=item.optional("era"),
        )
        item.judge(rules.code_problems("move", position.move, "move code"))
        if position.era is not None:
            item.judge(rules.code_problems("era", position.era, "era name"))
        item.judge(rules.position_problems(position))
        which = f" in era '{position.era}'" if position.era else ""
        if position.party and position.move and not self.unique(
            item, "position", (position.party, position.move, position.era),
            f"position of {position.party} on '{position.move}'{which}", "move",
        ):
            return None
        return self.kept(item, "position", None, position)

    def condition(self, node: Any):
        item = Item(self, node, "condition", CONDITION_KEYS,
                    '{party: JPN, text: "includes dprk.abduction-accounting"}')
        condition = Condition(item.text("text"), item.optional("party"), item.optional("name"),
                              item.flag("soft", False), item.text("source"), item.optional("era"))
        if condition.era is not None:
            item.judge(rules.code_problems("era", condition.era, "era name"))
            item.judge(rules.era_reference_problems("era", condition.party, condition.era,
                                                    {condition.party: [condition.era]} if condition.party else {}))
        tree, found = rules.condition_problems(condition)
        for problem in found:
            if problem.field == "text" and problem.error is not None and hasattr(problem.error, "column"):
                # One line per problem: the caret the command line shows has no place here.
                error: Any = problem.error
                message = f"bad condition at column {error.column}: {error.problem}"
                if error.expected:
                    message += "; expected " + ", ".join(error.expected)
                problem = rules.Problem("text", message)
            item.judge([problem])
        if tree is not None:
            # Stored in canonical form, as `condition add` stores it, so that the same condition
            # written two ways is one row (and a duplicate within the file).
            from negotiator.domain.language import to_text

            condition = Condition(to_text(tree), condition.party, condition.name, condition.soft,
                                  condition.source, condition.era)
        if condition.name and not self.unique(item, "condition", condition.name,
                                              f"condition name '{condition.name}'", "name"):
            return None
        if tree is not None and not self.unique(
            item, "condition", (condition.party, condition.era, condition.text),
            "condition" + (f" of {condition.party}" if condition.party else " (rule)")
            + (f" in era '{condition.era}'" if condition.era else ""), "text",
        ):
            return None
        kept = self.kept(item, "condition", None, (condition, tree))
        return kept
