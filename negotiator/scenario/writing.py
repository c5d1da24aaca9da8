"""Writing a scenario file (DESIGN §7): domain values -> YAML text.

The inverse of reading: deterministic, omitting defaults, so that export -> import -> export
gives the same bytes.  PyYAML is asked only whether a text may be written plain (its resolver);
the lines themselves are written here, an order of magnitude faster than PyYAML's emitter on a
large database.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from negotiator.domain.model import (
    LEVELS,
    Condition,
    Era,
    Event,
    Issue,
    Move,
    Package,
    Party,
    Placement,
    Position,
    Scenario,
    Step,
)

# A one-line row is written as a flow map (``- {code: DPRK, name: ...}``) when it fits here.
FLOW_WIDTH = 120


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
        if any(brk in text for brk in _BREAKS):  # a reader would end the line there
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
            elif isinstance(value, str) and not isinstance(value, _Quoted) and (block := _literal(value)):
                header, body = block
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
    emitter.section("eras", [(_era(e), True) for e in catalogue.eras])
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


def _era(era: Era) -> dict[str, Any]:
    fields: dict[str, Any] = {"party": era.party, "name": era.name, "title": era.title, "start": era.start}
    fields.update(_without_defaults([("end", era.end, None), ("source", era.source, "")]))
    return fields


def _position(position: Position) -> dict[str, Any]:
    fields: dict[str, Any] = {"party": position.party}
    fields.update(_without_defaults([("era", position.era, None)]))
    fields.update({"stance": position.stance, "move": position.move})
    fields.update(_without_defaults([
        ("weight", position.weight, 1),
        ("bound", _Quoted(position.bound.text) if position.bound else None, None),
        ("source", position.source, ""),
    ]))
    return fields


def _condition(condition: Condition) -> dict[str, Any]:
    fields = _without_defaults([("party", condition.party, None), ("era", condition.era, None),
                                ("name", condition.name, None)])
    fields["text"] = _Quoted(condition.text)
    fields.update(_without_defaults([("soft", condition.soft, False), ("source", condition.source, "")]))
    return fields


def _package(package: Package) -> dict[str, Any]:
    fields: dict[str, Any] = {"name": package.name}
    fields.update(_without_defaults([("title", package.title, ""), ("description", package.description, "")]))
    fields["status"] = package.status  # always shown: it is the first thing a reader looks for
    fields.update(_without_defaults([("based_on", package.based_on, None), ("date", package.date, None)]))
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
