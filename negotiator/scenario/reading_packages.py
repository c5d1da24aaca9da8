"""Reading the packages of a scenario file: steps, placements and history, each at its line.

A package keeps its sound steps and entries even when others are wrong, so that the references in
them are still checked; nothing is imported while any problem remains.  A placement's level comes
from its history's latest level event (``negotiator.domain.rules.latest_levels``); a level written
on the placement that the history contradicts is a problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from negotiator.domain import rules
from negotiator.domain.model import (
    Event,
    Package,
    Placement,
    Step,
    parse_date,
    parse_number,
)
from negotiator.scenario.nodes import NULL, Collector, Item, Origin

PACKAGE_KEYS = (("name",), ("title", "description", "status", "based_on", "date", "steps", "history"))
STEP_KEYS = ((), ("label", "due", "moves"))
PLACEMENT_KEYS = (("move",), ("qty", "level"))
LEVEL_EVENT_KEYS = (("at", "move", "level"), ("old", "note", "source", "kind"))
EVENT_KEYS = (("at", "kind"), ("move", "old", "new", "note", "source"))


@dataclass(frozen=True)
class PackageOrigin:
    """Where a package, its steps, their placements and its history entries were written."""

    origin: Origin
    steps: tuple[Origin, ...] = ()
    placements: tuple[tuple[Origin, ...], ...] = ()  # per step, per placement
    history: tuple[Origin, ...] = ()


class PackageReader(Collector):
    """Reads the ``packages`` section."""

    def package(self, node: Any):
        item = Item(self, node, "package", PACKAGE_KEYS)
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
        package = Package(item.text("name"), item.text("title"), item.text("description"),
                          item.text("status", "draft"), item.optional("based_on"), tuple(steps), tuple(history),
                          item.converted("date", lambda v: parse_date(v, "package date")))
        item.judge(rules.package_problems(package))
        if package.name and not self.unique(item, "package", package.name, f"package name '{package.name}'",
                                            "name"):
            return None
        if not package.name:
            return None
        for s, p, problem in rules.repeated_placements(package):
            origin = placement_origins[s][p]
            self.problem(origin.of("move"), f"placement: {problem.message}")
        package = self.levels_from_history(package, placement_origins, history_origins)
        # A package keeps its sound steps and entries even when others are wrong, so that the
        # references in them are still checked; nothing is imported while any problem remains.
        origin = PackageOrigin(item.origin, tuple(step_origins), tuple(placement_origins),
                               tuple(history_origins))
        return package, origin

    def levels_from_history(self, package: Package, placement_origins: list[tuple[Origin, ...]],
                            history_origins: list[Origin]) -> Package:
        """The package with each placement at the level of its latest ``level`` event.

        A placement that leaves out ``level`` takes it from the history; one that writes a level
        the history contradicts is a problem, since the database keeps the two in step.
        """
        latest = rules.latest_levels(package.history)
        if not latest:
            return package
        line_of = {id(event): origin.line for event, origin in zip(package.history, history_origins)}
        steps = []
        for step, origins in zip(package.steps, placement_origins):
            placements = []
            for placement, origin in zip(step.placements, origins):
                event = latest.get(placement.move)
                if event is not None and event.new is not None:
                    if "level" not in origin.fields:
                        placement = Placement(placement.move, placement.quantity, event.new)
                    elif placement.level != event.new:
                        self.problem(origin.of("level"),
                                     f"placement: level {placement.level} disagrees with the history's "
                                     f"latest level {event.new} (line {line_of[id(event)]})")
                placements.append(placement)
            steps.append(Step(step.label, step.due, tuple(placements)))
        return Package(package.name, package.title, package.description, package.status, package.based_on,
                       tuple(steps), package.history, package.date)

    def step(self, node: Any):
        item = Item(self, node, "step", STEP_KEYS, "{label: Resume talks, moves: [rok.food-aid]}")
        label = item.text("label")
        due = item.converted("due", lambda v: parse_date(v, "due date"))
        item.judge(rules.step_label_problems(label))
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

        if isinstance(node, yaml.ScalarNode) and node.tag != NULL:
            line = node.start_mark.line + 1
            found = rules.code_problems("move", node.value, "move code")
            if found:
                self.problem(line, f"placement: {found[0].message}")
                return None
            return Placement(node.value), Origin(line, {"move": line})
        item = Item(self, node, "placement", PLACEMENT_KEYS,
                    "a move code, or {move: kaesong.wage, qty: 120}")
        placement = Placement(item.text("move"), item.converted("qty", lambda v: parse_number(v, "quantity")),
                              item.text("level", "0"))
        item.judge(rules.code_problems("move", placement.move, "move code"))
        item.judge(rules.placement_problems(placement))
        if not item.ok:
            return None
        return placement, item.origin

    def event(self, node: Any):
        import yaml

        is_level = isinstance(node, yaml.MappingNode) and any(
            isinstance(key, yaml.ScalarNode) and key.value == "level" for key, _ in node.value
        )
        if is_level:
            item = Item(self, node, "history", LEVEL_EVENT_KEYS)
            if "kind" in item.values:
                item.wrong("kind", "an entry with 'level' is an implementation update; leave out 'kind'")
            kind: str | None = "level"
            new = item.optional("level")
        else:
            item = Item(self, node, "history", EVENT_KEYS,
                        "{at: 2027-03-02, move: rok.food-aid, level: 3}")
            kind, new = item.optional("kind"), item.optional("new")
            if kind == "level" and not item.has("move"):  # the long form of an implementation update
                item.wrong("move", "missing 'move' (an implementation update is about a move)")
        at = item.timestamp("at")
        move = item.optional("move")
        if move is not None:
            item.judge(rules.code_problems("move", move, "move code"))
        # An entry without a sound time has a problem already and is left out.
        event = Event(at or datetime.min, kind or "", move, item.optional("old"), new, item.text("note"),
                      item.text("source"))
        found = rules.event_problems(event)
        if is_level:  # the level is written under `level`, not `new`
            found = [rules.Problem("level", p.message) if p.field == "new" else p for p in found]
        item.judge(found)
        if not item.ok:
            return None
        return event, item.origin
