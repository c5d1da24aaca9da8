"""One mapping of a scenario file, read key by key with the line of each key.

Reading goes through the node tree of the YAML composer rather than ``yaml.safe_load`` so that
every value keeps the line it was written on, duplicate keys are caught (``safe_load`` silently
keeps the last one), and text fields take the characters as written (``code: NO`` is the party
NO, not ``False``).  An :class:`Item` turns the nodes of one mapping into Python values of the
right type (text, whole numbers, numbers, dates, bounds, flags), recording a problem at the line
of a key whose value has the wrong form, and then reports the problems the rules
(``negotiator.domain.rules``) find in the domain value built from it, each at the line of the
key it concerns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

from negotiator.domain.errors import InvalidValue, did_you_mean
from negotiator.domain.model import parse_timestamp
from negotiator.domain.rules import Problem

NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
TIMESTAMP = "tag:yaml.org,2002:timestamp"


class Reporter(Protocol):
    def problem(self, line: int, message: str) -> None: ...


class Collector:
    """What reading a file keeps besides its values: every problem, the codes of the items left
    out for their problems, and the keys seen so far (duplicates within the file)."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[tuple[int, str]] = []
        self.declared: set[tuple[str, str]] = set()
        # (kind, key) -> line of the first item with that key, for duplicates within the file.
        self.seen: dict[tuple[str, Any], int] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    def unique(self, item: Item, kind: str, key: Any, shown: str, at: str) -> bool:
        """Record the item's key; report it (and return False) if the file already had it."""
        line = item.lines.get(at, item.line)
        if (kind, key) in self.seen:
            item.problem(line, f"duplicate {shown} (first at line {self.seen[(kind, key)]})")
            return False
        self.seen[(kind, key)] = line
        return True

    def kept(self, item: Item, kind: str, code: str | None, value: Any) -> tuple[Any, Origin] | None:
        """The item's value and origin when it is sound; else None, remembering its code."""
        if not item.ok:
            if code:
                self.declared.add((kind, code))
            return None
        return value, item.origin


@dataclass(frozen=True)
class Origin:
    """Where one item of the file was written: its own line and the line of each of its keys."""

    line: int
    fields: dict[str, int] = field(default_factory=dict)

    def of(self, key: str) -> int:
        return self.fields.get(key, self.line)


def describe(node: Any) -> str:
    """How a node that has the wrong type is named in a message."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "empty"
    return f"'{node.value}'"


def unknown_key(key: str, allowed: tuple[str, ...]) -> str:
    message = f"unknown key '{key}'"
    close = did_you_mean(key, allowed)
    if close:
        message += f" (did you mean '{close[0]}'?)"
    else:
        message += f" (expected {', '.join(allowed)})"
    return message


class Item:
    """One mapping of the file, checked against the keys it may have.

    Accessors return the converted value, or ``None`` after recording a problem (they never
    raise); ``ok`` turns false as soon as anything about the item is wrong, and ``failed`` holds
    the keys already reported, so that a rule does not report them a second time.
    """

    def __init__(self, reporter: Reporter, node: Any, kind: str, keys: tuple[tuple[str, ...], ...],
                 example: str = ""):
        import yaml

        self.reporter = reporter
        self.kind = kind
        self.line = node.start_mark.line + 1
        self.values: dict[str, Any] = {}
        self.lines: dict[str, int] = {}
        self.failed: set[str] = set()
        self.ok = True
        required, optional = keys
        if not isinstance(node, yaml.MappingNode):
            hint = f" such as {example}" if example else ""
            self.problem(self.line, f"each {kind} must be a mapping{hint}, not {describe(node)}")
            self.failed.update(required + optional)
            return
        allowed = required + optional
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_line, "keys must be plain words")
                continue
            key = key_node.value
            if key not in allowed:
                self.problem(key_line, unknown_key(key, allowed))
            elif key in self.values:
                self.problem(key_line, f"duplicate key '{key}' (first at line {self.lines[key]})")
            else:
                self.values[key] = value_node
                self.lines[key] = value_node.start_mark.line + 1
        for key in required:
            if key not in self.values or self.values[key].tag == NULL:
                self.failed.add(key)
                if key in self.values:
                    self.problem(self.lines[key], f"'{key}' must not be empty")
                else:
                    self.problem(self.line, f"missing '{key}'")

    @property
    def origin(self) -> Origin:
        return Origin(self.line, dict(self.lines))

    def problem(self, line: int, message: str) -> None:
        self.ok = False
        self.reporter.problem(line, f"{self.kind}: {message}")

    def wrong(self, key: str, message: str) -> None:
        """The value of ``key`` is wrong: report it at its line."""
        self.failed.add(key)
        self.problem(self.lines.get(key, self.line), message)

    def judge(self, problems: Iterable[Problem]) -> None:
        """Report what the rules found, each at the line of its key (once per key)."""
        for found in problems:
            if found.field not in self.failed:
                self.wrong(found.field, found.message)

    def has(self, key: str) -> bool:
        return key in self.values and self.values[key].tag != NULL

    def scalar(self, key: str) -> str | None:
        """The text of a scalar as written, or None when absent, empty or of the wrong type."""
        import yaml

        if not self.has(key):
            return None
        node = self.values[key]
        if not isinstance(node, yaml.ScalarNode):
            self.wrong(key, f"{key} must be a single value, not {describe(node)}")
            return None
        return node.value

    def text(self, key: str, default: str = "") -> str:
        """Text as written (``default`` when absent or empty)."""
        value = self.scalar(key)
        return default if value is None else value

    def optional(self, key: str) -> str | None:
        """Text as written, or None when absent or empty."""
        return self.scalar(key)

    def converted(self, key: str, convert: Callable[[str], Any], default: Any = None) -> Any:
        """A value passed through a ``parse_*`` function (number, int, date, bound)."""
        value = self.scalar(key)
        if value is None:
            return default
        try:
            return convert(value)
        except InvalidValue as exc:
            self.wrong(key, str(exc))
            return default

    def flag(self, key: str, default: bool) -> bool:
        import yaml

        value = self.scalar(key)
        if value is None:
            return default
        flag = yaml.constructor.SafeConstructor.bool_values.get(value.lower())
        if self.values[key].tag != BOOL or flag is None:
            self.wrong(key, f"{key} must be true or false, not '{value}'")
            return default
        return flag

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
            if node.tag != TIMESTAMP:
                self.wrong(key, str(exc))
                return None
            try:
                at = parse_timestamp(yaml.constructor.SafeConstructor().construct_yaml_timestamp(node))
            except (ValueError, AttributeError, OverflowError):  # e.g. ``!!timestamp nonsense``
                self.wrong(key, str(exc))
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
            self.wrong(key, f"{key} must be a list of {kind}, not {describe(node)}")
            return []
        return list(node.value)
