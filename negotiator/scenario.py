"""Scenario files (DESIGN §7): YAML text <-> domain values, with every problem as ``FILE:LINE``.

Reading goes through the node tree of the YAML composer rather than ``yaml.safe_load`` so that
every value keeps the line it was written on, duplicate keys are caught (``safe_load`` silently
keeps the last one), and text fields take the characters as written (``code: NO`` is the party
NO, not ``False``).  The reader never stops at the first mistake: it reads every item, keeps the
ones it could make sense of, and collects each problem as ``(line, message)``, so that an
analyst fixing a file sees all of them at once.

Two kinds of checks are kept apart:

* :func:`parse_scenario` checks what the file alone can tell — YAML syntax, types, unknown or
  missing keys, duplicates within the file, stances, bounds, numbers, dates, codes and condition
  syntax;
* :func:`validate_references` checks what also depends on the database the file is imported
  into — unknown parties, issues, moves and packages, who may offer or demand a move, and moves
  placed twice in a package.

:func:`check_scenario` runs both and raises one :class:`ScenarioProblems` with every problem
sorted by line.  :func:`write_scenario` is the inverse of reading: deterministic, omitting
defaults, so that export → import → export gives the same bytes.

PyYAML is imported inside the functions, so importing this module costs nothing at start-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import TYPE_CHECKING, Any

from negotiator.domain.errors import (
    ConditionSyntaxError,
    InvalidValue,
    ScenarioProblems,
    UnknownCode,
    did_you_mean,
)
from negotiator.domain.model import (
    LEVELS,
    STANCES,
    STATUSES,
    Catalogue,
    Condition,
    Event,
    Issue,
    Move,
    Package,
    Party,
    Placement,
    Position,
    Scenario,
    Step,
    check_condition_name,
    check_issue_code,
    check_move_code,
    check_package_name,
    check_party_code,
    parse_bound,
    parse_date,
    parse_int,
    parse_number,
    parse_timestamp,
    stance_problem,
)

if TYPE_CHECKING:
    from negotiator.domain.conditions import Node

SECTIONS = ("parties", "issues", "moves", "positions", "conditions", "packages")

# The keys each kind of item may have: required first, then optional.
PARTY_KEYS = (("code", "name"), ("notes", "source"))
ISSUE_KEYS = (("code", "title"), ())
MOVE_KEYS = (
    ("code", "actor", "title"),
    ("issue", "description", "unit", "cost", "reversible", "source"),
)
POSITION_KEYS = (("party", "move", "stance"), ("weight", "bound", "source"))
CONDITION_KEYS = (("text",), ("party", "name", "soft", "source"))
PACKAGE_KEYS = (("name",), ("title", "description", "status", "based_on", "steps", "history"))
STEP_KEYS = ((), ("label", "due", "moves"))
PLACEMENT_KEYS = (("move",), ("qty", "level"))
LEVEL_EVENT_KEYS = (("at", "move", "level"), ("old", "note", "source", "kind"))
EVENT_KEYS = (("at", "kind"), ("move", "old", "new", "note", "source"))

# A one-line row is written as a flow map (``- {code: DPRK, name: ...}``) when it fits here.
FLOW_WIDTH = 120

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


# --------------------------------------------------------------------------------------------
# What reading gives back


@dataclass(frozen=True)
class Origin:
    """Where one item of the file was written: its own line and the line of each of its keys."""

    line: int
    fields: dict[str, int] = field(default_factory=dict)

    def of(self, key: str) -> int:
        return self.fields.get(key, self.line)


@dataclass(frozen=True)
class PackageOrigin:
    """Where a package, its steps, their placements and its history entries were written."""

    origin: Origin
    steps: tuple[Origin, ...] = ()
    placements: tuple[tuple[Origin, ...], ...] = ()  # per step, per placement
    history: tuple[Origin, ...] = ()


@dataclass(frozen=True)
class Origins:
    """Lines of every item kept, parallel to the tuples of the scenario."""

    parties: tuple[Origin, ...] = ()
    issues: tuple[Origin, ...] = ()
    moves: tuple[Origin, ...] = ()
    positions: tuple[Origin, ...] = ()
    conditions: tuple[Origin, ...] = ()
    packages: tuple[PackageOrigin, ...] = ()


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
    trees: tuple["Node", ...] = ()
    declared: frozenset[tuple[str, str]] = frozenset()
    problems: tuple[tuple[int, str], ...] = ()

    def format(self, problems: list[tuple[int, str]]) -> list[str]:
        """``FILE:LINE: message`` lines, sorted by line (ties keep their order)."""
        ordered = sorted(problems, key=lambda problem: problem[0])
        return [f"{self.filename}:{line}: {message}" for line, message in ordered]


# --------------------------------------------------------------------------------------------
# Reading


def read_scenario(text: str, filename: str) -> ParsedScenario:
    """Read a scenario file; raise ScenarioProblems with every problem the file alone shows."""
    parsed = parse_scenario(text, filename)
    if parsed.problems:
        raise ScenarioProblems(parsed.format(list(parsed.problems)))
    return parsed


def check_scenario(parsed: ParsedScenario, existing: Scenario) -> None:
    """Raise ScenarioProblems with the file's own problems and its reference problems together."""
    problems = list(parsed.problems) + _reference_problems(parsed, existing)
    if problems:
        raise ScenarioProblems(parsed.format(problems))


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


def _describe(node: Any) -> str:
    """How a node that has the wrong type is named in a message."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _NULL:
        return "empty"
    return f"'{node.value}'"


class _Item:
    """One mapping of the file, checked against the keys it may have.

    Accessors return the converted value, or ``None`` after recording a problem (they never
    raise); ``ok`` turns false as soon as anything about the item is wrong.
    """

    def __init__(self, reader: "_Reader", node: Any, kind: str, keys: tuple[tuple[str, ...], ...],
                 example: str = ""):
        import yaml

        self.reader = reader
        self.kind = kind
        self.line = node.start_mark.line + 1
        self.values: dict[str, Any] = {}
        self.lines: dict[str, int] = {}
        self.ok = True
        required, optional = keys
        if not isinstance(node, yaml.MappingNode):
            hint = f" such as {example}" if example else ""
            self.problem(self.line, f"each {kind} must be a mapping{hint}, not {_describe(node)}")
            return
        allowed = required + optional
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_line, "keys must be plain words")
                continue
            key = key_node.value
            if key not in allowed:
                self.problem(key_line, _unknown_key(key, allowed))
            elif key in self.values:
                self.problem(key_line, f"duplicate key '{key}' (first at line {self.lines[key]})")
            else:
                self.values[key] = value_node
                self.lines[key] = value_node.start_mark.line + 1
        for key in required:
            if key not in self.values or self.values[key].tag == _NULL:
                if key in self.values:
                    self.problem(self.lines[key], f"'{key}' must not be empty")
                else:
                    self.problem(self.line, f"missing '{key}'")

    @property
    def origin(self) -> Origin:
        return Origin(self.line, dict(self.lines))

    def problem(self, line: int, message: str) -> None:
        self.ok = False
        self.reader.problem(line, f"{self.kind}: {message}")

    def has(self, key: str) -> bool:
        return key in self.values and self.values[key].tag != _NULL

    def scalar(self, key: str) -> str | None:
        """The text of a scalar as written, or None when absent, empty or of the wrong type."""
        import yaml

        if not self.has(key):
            return None
        node = self.values[key]
        if not isinstance(node, yaml.ScalarNode):
            self.problem(self.lines[key], f"{key} must be a single value, not {_describe(node)}")
            return None
        if _UNSTORABLE.search(node.value):
            # Escapes such as "\0" or "\ud800" make text no database column can hold.
            self.problem(self.lines[key], f"{key} holds a NUL or unpaired surrogate character")
            return None
        return node.value

    def text(self, key: str, default: str | None = "") -> str | None:
        value = self.scalar(key)
        return default if value is None else value

    def checked(self, key: str, check) -> str | None:
        """A code or name, passed through one of the model's ``check_*`` functions."""
        value = self.scalar(key)
        if value is None:
            return None
        try:
            return check(value)
        except InvalidValue as exc:
            self.problem(self.lines[key], str(exc))
            return None

    def converted(self, key: str, convert, default: Any = None) -> Any:
        """A value passed through a ``parse_*`` function (number, int, date, bound)."""
        value = self.scalar(key)
        if value is None:
            return default
        try:
            return convert(value)
        except InvalidValue as exc:
            self.problem(self.lines[key], str(exc))
            return default

    def flag(self, key: str, default: bool) -> bool:
        import yaml

        value = self.scalar(key)
        if value is None:
            return default
        flag = yaml.constructor.SafeConstructor.bool_values.get(value.lower())
        if self.values[key].tag != _BOOL or flag is None:
            self.problem(self.lines[key], f"{key} must be true or false, not '{value}'")
            return default
        return flag

    def choice(self, key: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
        value = self.scalar(key)
        if value is None:
            return default
        if value not in choices:
            message = f"{key} must be {_one_of(choices)}, not '{value}'"
            close = did_you_mean(value, choices)
            if close:
                message += f" (did you mean '{close[0]}'?)"
            self.problem(self.lines[key], message)
            return None
        return value

    def timestamp(self, key: str) -> datetime | None:
        import yaml

        value = self.scalar(key)
        if value is None:
            return None
        try:
            at = parse_timestamp(value, "date or time")
        except InvalidValue as exc:
            # YAML's own spellings of a timestamp (``2027-03-02 10:00:00 -5``) are accepted too.
            node = self.values[key]
            if node.tag != _TIMESTAMP:
                self.problem(self.lines[key], str(exc))
                return None
            try:
                at = parse_timestamp(yaml.constructor.SafeConstructor().construct_yaml_timestamp(node))
            except (ValueError, AttributeError, OverflowError):  # e.g. ``!!timestamp nonsense``
                self.problem(self.lines[key], str(exc))
                return None
        if at.tzinfo is not None:
            # The database keeps naive timestamps; a zone given in the file is turned into UTC.
            at = at.astimezone(timezone.utc).replace(tzinfo=None)
        return at

    def items(self, key: str, kind: str) -> list[Any]:
        """The nodes of a list-valued key (absent or empty: no nodes)."""
        import yaml

        if not self.has(key):
            return []
        node = self.values[key]
        if not isinstance(node, yaml.SequenceNode):
            self.problem(self.lines[key], f"{key} must be a list of {kind}, not {_describe(node)}")
            return []
        return list(node.value)


def _unknown_key(key: str, allowed: tuple[str, ...]) -> str:
    message = f"unknown key '{key}'"
    close = did_you_mean(key, allowed)
    if close:
        message += f" (did you mean '{close[0]}'?)"
    else:
        message += f" (expected {', '.join(allowed)})"
    return message


def _one_of(choices: tuple[str, ...]) -> str:
    return ", ".join(choices[:-1]) + " or " + choices[-1]


class _Reader:
    """Turns the composed node tree of one file into a ParsedScenario."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[tuple[int, str]] = []
        self.declared: set[tuple[str, str]] = set()
        # (kind, key) -> line of the first item with that key, for duplicates within the file.
        self.seen: dict[tuple[str, Any], int] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    def first(self, kind: str, key: Any, line: int) -> int | None:
        """None the first time ``key`` is seen, else the line it was first seen on."""
        if (kind, key) in self.seen:
            return self.seen[(kind, key)]
        self.seen[(kind, key)] = line
        return None

    def read(self, root: Any) -> ParsedScenario:
        import yaml

        sections: dict[str, list[Any]] = {name: [] for name in SECTIONS}
        if root is not None and not (isinstance(root, yaml.ScalarNode) and root.tag == _NULL):
            if not isinstance(root, yaml.MappingNode):
                self.problem(
                    root.start_mark.line + 1,
                    f"a scenario file must be a mapping with the sections {', '.join(SECTIONS)}, "
                    f"not {_describe(root)}",
                )
            else:
                sections = self.sections(root)

        parties, party_origins = self.collect(sections["parties"], self.party)
        issues, issue_origins = self.collect(sections["issues"], self.issue)
        moves, move_origins = self.collect(sections["moves"], self.move)
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
            ),
            tuple(packages),
        )
        origins = Origins(
            tuple(party_origins), tuple(issue_origins), tuple(move_origins),
            tuple(position_origins), tuple(condition_origins), tuple(package_origins),
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
                self.problem(line, _unknown_key(str(key), SECTIONS).replace("key", "section", 1))
                continue
            if key in lines:
                self.problem(line, f"duplicate section '{key}' (first at line {lines[key]})")
                continue
            lines[key] = line
            if isinstance(value_node, yaml.ScalarNode) and value_node.tag == _NULL:
                continue
            if not isinstance(value_node, yaml.SequenceNode):
                self.problem(
                    value_node.start_mark.line + 1,
                    f"{key} must be a list (one '- ' line per item), not {_describe(value_node)}",
                )
                continue
            found[key] = list(value_node.value)
        return found

    def collect(self, nodes: list[Any], read_one) -> tuple[list[Any], list[Any]]:
        values, origins = [], []
        for node in nodes:
            result = read_one(node)
            if result is not None:
                value, origin = result
                values.append(value)
                origins.append(origin)
        return values, origins

    def unique(self, item: _Item, kind: str, key: Any, shown: str, at: str) -> bool:
        """Record the item's key; report it (and return False) if the file already had it."""
        first = self.first(kind, key, item.lines.get(at, item.line))
        if first is not None:
            item.problem(item.lines.get(at, item.line), f"duplicate {shown} (first at line {first})")
            return False
        return True

    # ---- catalogue

    def party(self, node: Any):
        item = _Item(self, node, "party", PARTY_KEYS, "{code: DPRK, name: North Korea}")
        code = item.checked("code", check_party_code)
        name = item.text("name", None)
        notes = item.text("notes")
        source = item.text("source")
        if code is not None and not self.unique(item, "party", code, f"party code '{code}'", "code"):
            return None
        return self.kept(item, "party", code, lambda: Party(code, name, notes, source))

    def issue(self, node: Any):
        item = _Item(self, node, "issue", ISSUE_KEYS, "{code: kaesong, title: Kaesong}")
        code = item.checked("code", check_issue_code)
        title = item.text("title", None)
        if code is not None and not self.unique(item, "issue", code, f"issue code '{code}'", "code"):
            return None
        return self.kept(item, "issue", code, lambda: Issue(code, title))

    def move(self, node: Any):
        item = _Item(self, node, "move", MOVE_KEYS)
        code = item.checked("code", check_move_code)
        actor = item.text("actor", None)
        title = item.text("title", None)
        issue = item.text("issue", None)
        description = item.text("description")
        unit = item.text("unit", None)
        cost = item.converted("cost", lambda v: parse_int(v, "cost", minimum=0), 1)
        reversible = item.flag("reversible", True)
        source = item.text("source")
        if code is not None and not self.unique(item, "move", code, f"move code '{code}'", "code"):
            return None
        return self.kept(
            item, "move", code,
            lambda: Move(code, actor, title, issue, description, unit, cost, reversible, source),
        )

    def position(self, node: Any):
        item = _Item(self, node, "position", POSITION_KEYS,
                     "{party: DPRK, stance: demand, move: kaesong.wage}")
        party = item.text("party", None)
        move = item.checked("move", check_move_code)
        stance = item.choice("stance", STANCES)
        weight = item.converted("weight", lambda v: parse_int(v, "weight", minimum=1), 1)
        bound = item.converted("bound", parse_bound)
        source = item.text("source")
        if party is not None and move is not None and not self.unique(
            item, "position", (party, move), f"position of {party} on '{move}'", "move"
        ):
            return None
        if not item.ok:
            return None
        return Position(party, move, stance, weight, bound, source), item.origin

    def condition(self, node: Any):
        item = _Item(self, node, "condition", CONDITION_KEYS,
                     '{party: JPN, text: "includes dprk.abduction-accounting"}')
        text = item.text("text", None)
        party = item.text("party", None)
        name = item.checked("name", check_condition_name)
        soft = item.flag("soft", False)
        source = item.text("source")
        tree = self.condition_tree(item, text) if text is not None else None
        if tree is not None:
            # Stored in canonical form, as `condition add` stores it, so that the same condition
            # written two ways is one row (and a duplicate within the file).
            from negotiator.domain.language import to_text

            text = to_text(tree)
        if name:
            if not self.unique(item, "condition", name, f"condition name '{name}'", "name"):
                return None
        elif text is not None and not self.unique(
            item, "condition", (party, text), "condition" + (f" of {party}" if party else " (rule)"), "text"
        ):
            return None
        if not item.ok:
            return None
        return (Condition(text, party, name, soft, source), tree), item.origin

    def condition_tree(self, item: _Item, text: str):
        from negotiator.domain.language import parse

        try:
            return parse(text)
        except ConditionSyntaxError as exc:
            message = f"bad condition at column {exc.column}: {exc.problem}"
            if exc.expected:
                message += "; expected " + ", ".join(exc.expected)
            item.problem(item.lines["text"], message)
        except InvalidValue as exc:
            item.problem(item.lines["text"], f"bad condition: {exc}")
        return None

    def kept(self, item: _Item, kind: str, code: str | None, build):
        """The item's value and origin when it is sound; else None, remembering its code."""
        if not item.ok:
            if code is not None:
                self.declared.add((kind, code))
            return None
        return build(), item.origin

    # ---- packages

    def package(self, node: Any):
        item = _Item(self, node, "package", PACKAGE_KEYS)
        name = item.checked("name", check_package_name)
        title = item.text("title")
        description = item.text("description")
        status = item.choice("status", STATUSES, "draft")
        based_on = item.text("based_on", None)
        steps, step_origins, placement_origins = [], [], []
        for step_node in item.items("steps", "steps"):
            read = self.step(step_node)
            if read is not None:
                steps.append(read[0])
                step_origins.append(read[1])
                placement_origins.append(read[2])
        history, history_origins = [], []
        for event_node in item.items("history", "history entries"):
            read = self.event(event_node)
            if read is not None:
                history.append(read[0])
                history_origins.append(read[1])
        if name is not None and not self.unique(item, "package", name, f"package name '{name}'", "name"):
            return None
        if name is None or status is None:
            return None
        steps = self.levels_from_history(steps, placement_origins, history, history_origins)
        # A package keeps its sound steps and entries even when others are wrong, so that the
        # references in them are still checked; nothing is imported while any problem remains.
        package = Package(name, title, description, status, based_on, tuple(steps), tuple(history))
        origin = PackageOrigin(item.origin, tuple(step_origins), tuple(placement_origins),
                               tuple(history_origins))
        return package, origin

    def levels_from_history(self, steps: list[Step], placement_origins: list[tuple[Origin, ...]],
                            history: list[Event], history_origins: list[Origin]) -> list[Step]:
        """Steps whose placements have the level the history's latest ``level`` event gives.

        A placement that leaves out ``level`` takes it from the history; one that writes a level
        the history contradicts is a problem, since the database keeps the two in step.
        """
        latest: dict[str, tuple[str, int]] = {}
        order = sorted(range(len(history)), key=lambda i: history[i].at)  # ties: as written
        for i in order:
            event = history[i]
            if event.kind == "level" and event.move is not None and event.new in LEVELS:
                latest[event.move] = (event.new, history_origins[i].line)
        if not latest:
            return steps
        kept = []
        for step, origins in zip(steps, placement_origins):
            placements = []
            for placement, origin in zip(step.placements, origins):
                if placement.move in latest:
                    level, line = latest[placement.move]
                    if "level" not in origin.fields:
                        placement = Placement(placement.move, placement.quantity, level)
                    elif placement.level != level:
                        self.problem(origin.of("level"),
                                     f"placement: level {placement.level} disagrees with the history's "
                                     f"latest level {level} (line {line})")
                placements.append(placement)
            kept.append(Step(step.label, step.due, tuple(placements)))
        return kept

    def step(self, node: Any):
        item = _Item(self, node, "step", STEP_KEYS, "{label: Resume talks, moves: [rok.food-aid]}")
        label = item.text("label")
        due = item.converted("due", lambda v: parse_date(v, "due date"))
        placements, origins = [], []
        for placement_node in item.items("moves", "moves"):
            read = self.placement(placement_node)
            if read is not None:
                placements.append(read[0])
                origins.append(read[1])
        if not item.ok:
            return None
        return Step(label, due, tuple(placements)), item.origin, tuple(origins)

    def placement(self, node: Any):
        import yaml

        if isinstance(node, yaml.ScalarNode) and node.tag != _NULL:
            line = node.start_mark.line + 1
            try:
                return Placement(check_move_code(node.value)), Origin(line, {"move": line})
            except InvalidValue as exc:
                self.problem(line, f"placement: {exc}")
                return None
        item = _Item(self, node, "placement", PLACEMENT_KEYS,
                     "a move code, or {move: kaesong.wage, qty: 120}")
        move = item.checked("move", check_move_code)
        quantity = item.converted("qty", lambda v: parse_number(v, "quantity"))
        level = item.choice("level", LEVELS, "0")
        if not item.ok:
            return None
        return Placement(move, quantity, level), item.origin

    def event(self, node: Any):
        import yaml

        is_level = isinstance(node, yaml.MappingNode) and any(
            isinstance(key, yaml.ScalarNode) and key.value == "level" for key, _ in node.value
        )
        if is_level:
            item = _Item(self, node, "history", LEVEL_EVENT_KEYS)
            if "kind" in item.values:
                item.problem(item.lines["kind"],
                             "an entry with 'level' is an implementation update; leave out 'kind'")
            kind, new = "level", item.choice("level", LEVELS)
        else:
            item = _Item(self, node, "history", EVENT_KEYS,
                         "{at: 2027-03-02, move: rok.food-aid, level: 3}")
            kind, new = item.text("kind", None), item.text("new", None)
            if kind == "level":  # the long form of an implementation update
                new = item.choice("new", LEVELS)
                if not item.has("move"):
                    item.problem(item.line, "missing 'move' (an implementation update is about a move)")
        at = item.timestamp("at")
        move = item.checked("move", check_move_code)
        old = item.text("old", None)
        note = item.text("note")
        source = item.text("source")
        if not item.ok:
            return None
        return Event(at, kind, move, old, new, note, source), item.origin


# --------------------------------------------------------------------------------------------
# References: what the file names must exist in the file or in the database


def validate_references(parsed: ParsedScenario, existing: Scenario) -> list[str]:
    """``FILE:LINE: message`` for every reference the file and ``existing`` together cannot meet."""
    return parsed.format(_reference_problems(parsed, existing))


class _Known:
    """The codes a file may refer to: its own, those it declared (even if broken), the database's."""

    def __init__(self, parsed: ParsedScenario, existing: Scenario):
        file, base = parsed.scenario.catalogue, existing.catalogue
        declared = parsed.declared

        def codes(kind, own, old):
            return {code for k, code in declared if k == kind} | set(own) | set(old)

        self.parties = codes("party", (p.code for p in file.parties), (p.code for p in base.parties))
        self.issues = codes("issue", (i.code for i in file.issues), (i.code for i in base.issues))
        self.moves = codes("move", (m.code for m in file.moves), (m.code for m in base.moves))
        self.packages = codes(
            "package", (p.name for p in parsed.scenario.packages), (p.name for p in existing.packages)
        )
        # A move written in the file replaces the database's; a broken one has no known actor.
        self.actor = {m.code: m.actor for m in base.moves}
        self.unit = {m.code: m.unit for m in base.moves}
        for kind, code in declared:
            if kind == "move":
                self.actor.pop(code, None)
                self.unit.pop(code, None)
        self.actor.update({m.code: m.actor for m in file.moves})
        self.unit.update({m.code: m.unit for m in file.moves})

    def check(self, kind: str, code: str, pool: set[str]) -> str | None:
        if code in pool:
            return None
        return str(UnknownCode(kind, code, sorted(pool)))


def _reference_problems(parsed: ParsedScenario, existing: Scenario) -> list[tuple[int, str]]:
    from negotiator.domain.conditions import metrics_of, moves_of

    known = _Known(parsed, existing)
    scenario, origins = parsed.scenario, parsed.origins
    catalogue = scenario.catalogue
    problems: list[tuple[int, str]] = []

    def report(line: int, kind: str, message: str | None) -> None:
        if message is not None:
            problems.append((line, f"{kind}: {message}"))

    for move, origin in zip(catalogue.moves, origins.moves):
        report(origin.of("actor"), "move", known.check("party", move.actor, known.parties))
        if move.issue is not None:
            report(origin.of("issue"), "move", known.check("issue", move.issue, known.issues))

    in_file = set()
    for position, origin in zip(catalogue.positions, origins.positions):
        in_file.add((position.party, position.move))
        report(origin.of("party"), "position", known.check("party", position.party, known.parties))
        report(origin.of("move"), "position", known.check("move", position.move, known.moves))
        report(origin.of("stance"), "position", _stance_problem(position, known.actor.get(position.move)))
        report(origin.of("bound"), "position", _bound_problem(position, known))

    # A move whose actor the file changes must not leave the database's positions on it wrong.
    file_moves = {m.code: origin for m, origin in zip(catalogue.moves, origins.moves)}
    for position in existing.catalogue.positions:
        origin = file_moves.get(position.move)
        if origin is None or (position.party, position.move) in in_file:
            continue
        problem = _stance_problem(position, known.actor.get(position.move))
        if problem is not None:
            report(origin.of("actor"), "move", f"{problem} (a position already in the database)")
        problem = _bound_problem(position, known)
        if problem is not None:
            report(origin.of("unit"), "move", f"{position.party} has a bound on '{position.move}', "
                                              "so the move needs a unit (a position already in the database)")

    for condition, tree, origin in zip(catalogue.conditions, parsed.trees, origins.conditions):
        if condition.party is not None:
            report(origin.of("party"), "condition", known.check("party", condition.party, known.parties))
        if tree is None:
            continue
        for move in sorted(moves_of(tree)):
            report(origin.of("text"), "condition", known.check("move", move, known.moves))
        if condition.party is None:
            for metric in sorted(metrics_of(tree) & {"balance", "exposure"}):
                report(origin.of("text"), "condition",
                       f"a rule (no party) cannot use '{metric}': give the condition a party")

    for package, where in zip(scenario.packages, origins.packages):
        problems.extend(_package_problems(package, where, known))
    return problems


def _stance_problem(position: Position, actor: str | None) -> str | None:
    if actor is None:
        return None
    return stance_problem(position.stance, position.party, position.move, actor)


def _bound_problem(position: Position, known: "_Known") -> str | None:
    """A bound limits a quantity, so it needs a move with a unit (as `position add` insists)."""
    if position.bound is None or position.move not in known.unit or known.unit[position.move]:
        return None
    return (f"move '{position.move}' has no unit, so it has no quantity to bound "
            "(give the move a unit)")


def _package_problems(package: Package, where: PackageOrigin, known: _Known) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    if package.based_on is not None:
        if package.based_on == package.name:
            problems.append((where.origin.of("based_on"), f"package: '{package.name}' cannot be based on itself"))
        else:
            message = known.check("package", package.based_on, known.packages)
            if message is not None:
                problems.append((where.origin.of("based_on"), f"package: {message}"))
    placed: dict[str, int] = {}
    for step, origins in zip(package.steps, where.placements):
        for placement, origin in zip(step.placements, origins):
            line = origin.of("move")
            message = known.check("move", placement.move, known.moves)
            if message is not None:
                problems.append((line, f"placement: {message}"))
            elif (placement.quantity is not None and placement.move in known.unit
                  and not known.unit[placement.move]):
                problems.append((origin.of("qty"), f"placement: move '{placement.move}' has no unit, "
                                                   "so it takes no quantity (give the move a unit)"))
            if placement.move in placed:
                problems.append((line, f"placement: '{placement.move}' is already placed in package "
                                       f"'{package.name}' (line {placed[placement.move]}); a move "
                                       "appears at most once per package"))
            else:
                placed[placement.move] = line
    # A move taken out of the package (or out of the catalogue, by `move rm --cascade`) leaves an
    # `unplaced` event; its earlier history stays valid even though the move may be gone.
    removed = {event.move for event in package.history if event.kind == "unplaced"}
    for event, origin in zip(package.history, where.history):
        if event.move is not None and event.move not in removed:
            message = known.check("move", event.move, known.moves)
            if message is not None:
                problems.append((origin.of("move"), f"history: {message}"))
    return problems


# --------------------------------------------------------------------------------------------
# Writing


class _Quoted(str):
    """Text always written in double quotes, as §7 shows bounds and condition text."""


class _FlowList(list):
    """A list written on one line: ``[rok.food-aid, {move: kaesong.wage, qty: 120}]``."""


class _Rows(list):
    """Nested rows under a key (a package's steps and history): ``(fields, may_be_one_line)``."""


# Characters YAML lets a file hold as they are; anything else is written as an escape.
_PRINTABLE = re.compile("[\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
# Inside ``{...}`` PyYAML ends a plain scalar at any of ``,:?[]{}`` (even ``0?``), and readers
# differ on the other indicators; text holding any of these is quoted there.  An apostrophe
# inside a word is read the same by every reader and stays plain (``People's``).
_FLOW_QUOTED = set("?:,[]{}#&*!|>\"%@`")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0",
            "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}
_STR = "tag:yaml.org,2002:str"


class _Emitter:
    """Writes the fixed shape of a scenario file line by line.

    PyYAML's own emitter is pure Python and handles any shape; this one only knows ours and is
    an order of magnitude faster on a large database.  It is deliberately cautious: text is
    written plain only when it cannot be read back as anything else (PyYAML's resolver is asked),
    multi-line text as a literal block only in the simple cases, and everything else in double
    quotes with escapes — so that reading the file gives back exactly the same characters.
    """

    def __init__(self):
        from yaml.resolver import Resolver

        self.resolver = Resolver()
        self.lines: list[str] = []

    # ---- scalars

    def scalar(self, value: Any, flow: bool) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return _float_text(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, _Quoted) or not self.plain(value, flow):
            return _double_quoted(value)
        return value

    def plain(self, text: str, flow: bool) -> bool:
        import yaml

        if not text or text != text.strip() or text[0] in _INDICATORS or text.startswith("..."):
            return False
        if ": " in text or " #" in text or text.endswith(":") or "\t" in text:
            return False
        if flow and not _FLOW_QUOTED.isdisjoint(text):
            return False
        if not _PRINTABLE.fullmatch(text):
            return False
        return self.resolver.resolve(yaml.ScalarNode, text, (True, False)) == _STR

    def flow(self, value: Any) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{key}: {self.flow(v)}" for key, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.flow(v) for v in value) + "]"
        return self.scalar(value, flow=True)

    # ---- rows

    def row(self, fields: dict[str, Any], indent: int, may_be_one_line: bool = True) -> None:
        """One list item at ``indent``: a flow map if it fits on a line, else a block."""
        prefix = " " * indent + "- "
        if not fields:
            self.lines.append(prefix + "{}")
            return
        one_line = may_be_one_line and not any(
            isinstance(v, (list, dict)) or (isinstance(v, str) and any(b in v for b in _BREAKS))
            for v in fields.values()
        )
        if one_line:
            line = prefix + self.flow(fields)
            if len(line) <= FLOW_WIDTH:
                self.lines.append(line)
                return
        self.block(fields, indent + 2, prefix)

    def block(self, fields: dict[str, Any], indent: int, first: str) -> None:
        for number, (key, value) in enumerate(fields.items()):
            lead = (first if number == 0 else " " * indent) + key + ":"
            if isinstance(value, _Rows):
                self.lines.append(lead)
                for row_fields, may_be_one_line in value:
                    self.row(row_fields, indent + 2, may_be_one_line)
            elif isinstance(value, _FlowList):
                self.lines.append(f"{lead} {self.flow(value)}")
            elif isinstance(value, str) and not isinstance(value, _Quoted) and _literal(value):
                header, body = _literal(value)
                self.lines.append(f"{lead} {header}")
                self.lines.extend(" " * (indent + 2) + line if line else "" for line in body)
            else:
                self.lines.append(f"{lead} {self.scalar(value, flow=False)}")

    def section(self, name: str, rows: list[tuple[dict[str, Any], bool]]) -> None:
        if rows:
            self.lines.append(f"{name}:")
            for fields, may_be_one_line in rows:
                self.row(fields, 2, may_be_one_line)


def _float_text(value: float) -> str:
    """A float as YAML reads it back: ``1e-05`` needs a point to be a float (``1.0e-05``)."""
    text = repr(float(value))
    if "e" in text and "." not in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def _double_quoted(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _PRINTABLE.fullmatch(char):
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02X}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(f"\\U{ord(char):08X}")
    return '"' + "".join(out) + '"'


def _literal(text: str) -> tuple[str, list[str]] | None:
    """``(|-  or  |, lines)`` when multi-line text can be a literal block exactly; else None."""
    if "\n" not in text or any(b in text for b in _BREAKS[1:]) or not _PRINTABLE.fullmatch(text.replace("\n", "")):
        return None
    lines = text.split("\n")
    header = "|-"
    if text.endswith("\n"):
        lines, header = lines[:-1], "|"
    if not lines[0] or not lines[-1]:  # leading or several trailing line breaks: keep them quoted
        return None
    if any(line[:1] in (" ", "\t") or line[-1:] in (" ", "\t") for line in lines):
        return None
    return header, lines


def write_scenario(scenario: Scenario) -> str:
    """The §7 text of a scenario: stable order, defaults left out, one line per short row."""
    catalogue = scenario.catalogue
    emitter = _Emitter()
    emitter.section("parties", [(_party(p), True) for p in catalogue.parties])
    emitter.section("issues", [(_issue(i), True) for i in catalogue.issues])
    emitter.section("moves", [(_move(m), False) for m in catalogue.moves])
    emitter.section("positions", [(_position(p), True) for p in catalogue.positions])
    emitter.section("conditions", [(_condition(c), True) for c in catalogue.conditions])
    emitter.section("packages", [(_package(p), False) for p in scenario.packages])
    if not emitter.lines:
        return "{}\n"
    return "\n".join(emitter.lines) + "\n"


def _without_defaults(fields: list[tuple[str, Any, Any]]) -> dict[str, Any]:
    """Keep ``(key, value, default)`` entries whose value is not the default, in order."""
    return {key: value for key, value, default in fields if value != default}


def _party(party: Party) -> dict[str, Any]:
    return {"code": party.code, "name": party.name,
            **_without_defaults([("notes", party.notes, ""), ("source", party.source, "")])}


def _issue(issue: Issue) -> dict[str, Any]:
    return {"code": issue.code, "title": issue.title}


def _move(move: Move) -> dict[str, Any]:
    fields = {"code": move.code, "actor": move.actor}
    fields.update(_without_defaults([("issue", move.issue, None)]))
    fields["title"] = move.title
    fields.update(_without_defaults([
        ("description", move.description, ""),
        ("unit", move.unit, None),
        ("cost", move.cost, 1),
        ("reversible", move.reversible, True),
        ("source", move.source, ""),
    ]))
    return fields


def _position(position: Position) -> dict[str, Any]:
    fields = {"party": position.party, "stance": position.stance, "move": position.move}
    fields.update(_without_defaults([
        ("weight", position.weight, 1),
        ("bound", _Quoted(position.bound.text) if position.bound else None, None),
        ("source", position.source, ""),
    ]))
    return fields


def _condition(condition: Condition) -> dict[str, Any]:
    fields = _without_defaults([("party", condition.party, None), ("name", condition.name, None)])
    fields["text"] = _Quoted(condition.text)
    fields.update(_without_defaults([("soft", condition.soft, False), ("source", condition.source, "")]))
    return fields


def _package(package: Package) -> dict[str, Any]:
    fields = {"name": package.name}
    fields.update(_without_defaults([("title", package.title, ""), ("description", package.description, "")]))
    fields["status"] = package.status  # always shown: it is the first thing a reader looks for
    fields.update(_without_defaults([("based_on", package.based_on, None)]))
    if package.steps:
        fields["steps"] = _Rows((_step(step), False) for step in package.steps)
    if package.history:
        fields["history"] = _Rows((_event(event), True) for event in package.history)
    return fields


def _step(step: Step) -> dict[str, Any]:
    fields = _without_defaults([("label", step.label, ""), ("due", step.due, None)])
    if step.placements:
        fields["moves"] = _FlowList(_placement(p) for p in step.placements)
    return fields


def _placement(placement: Placement) -> Any:
    if placement.quantity is None and placement.level == "0":
        return placement.move
    fields: dict[str, Any] = {"move": placement.move}
    if placement.quantity is not None:
        fields["qty"] = _number(placement.quantity)
    if placement.level != "0":
        fields["level"] = _level(placement.level)
    return fields


def _event(event: Event) -> dict[str, Any]:
    at = _moment(event.at)
    tail = _without_defaults([("note", event.note, ""), ("source", event.source, "")])
    if event.kind == "level" and event.move is not None and event.new in LEVELS:
        fields = {"at": at, "move": event.move, "level": _level(event.new)}
        fields.update(_without_defaults([("old", event.old, None)]))
        return {**fields, **tail}
    fields = {"at": at, "kind": event.kind}
    fields.update(_without_defaults([("move", event.move, None), ("old", event.old, None),
                                     ("new", event.new, None)]))
    return {**fields, **tail}


def _moment(at: datetime) -> Any:
    """A timestamp at midnight is written as its date; any other as an ISO timestamp.

    The timestamp is written as quoted text (plain, it would need a ``:`` inside a flow map);
    the reader takes either form.
    """
    if at.tzinfo is None and at.time() == time(0):
        return at.date()
    return at.isoformat()


def _level(level: str) -> Any:
    return int(level) if level.isdigit() else level


def _number(value: float) -> Any:
    """A quantity as a YAML number: integral values without a decimal point."""
    return int(value) if float(value).is_integer() else float(value)


__all__ = [
    "Origin", "PackageOrigin", "Origins", "ParsedScenario", "SECTIONS",
    "read_scenario", "parse_scenario", "check_scenario", "validate_references", "write_scenario",
]
