"""The zone of possible agreement on quantities (``negotiator zopa``).

For a move with a unit, each party accepts some quantities: those its position's bound allows
and those its conditions that only compare that move's quantity with numbers allow (``kaesong.wage
>= 300``, ``kaesong.wage >= 100 and kaesong.wage <= 150``, ``not kaesong.wage < 50``).  The zone
is where they all meet.  When they do not, the smallest group of parties whose demands cannot
meet is named -- a pair whenever one exists::

    kaesong.wage: DPRK >= 300, ROK < 300: no agreement

Rules (conditions of no party) that only compare the quantity take part as ``(rule)``.  Soft
conditions do not decide, so they do not narrow what a party accepts.  A condition mixing the
quantity with anything else (another move, an order, a metric) depends on more than the
quantity, so it is left to ``check`` and ``compose``.

The same zones give ``compose`` the quantity it aims for (:func:`aim`): the middle of the zone.

Works on judged conditions (``negotiator.domain.evaluate.effective_conditions``, where a bound
is already a condition of its party), so that a caller judging in an era passes the conditions
in force in it.  Pure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import TYPE_CHECKING, NamedTuple

from negotiator.domain.conditions import (
    After,
    And,
    Before,
    ByStep,
    Excludes,
    Guarded,
    Includes,
    Metric,
    Not,
    Or,
    Quantity,
    Visitor,
    With,
)
from negotiator.domain.errors import InvalidValue
from negotiator.domain.intervals import Span
from negotiator.domain.model import Catalogue
from negotiator.domain.table import Table

if TYPE_CHECKING:
    from negotiator.domain.evaluate import Judged

RULE = "(rule)"


class Accepted(NamedTuple):
    """What one party (``(rule)`` for the rules) accepts of a move's quantity, and in which era
    it was judged (None: standing, or no eras)."""

    party: str
    era: str | None
    span: Span

    @property
    def text(self) -> str:
        return f"{self.party} {self.span.text()}"

    @property
    def judged_text(self) -> str:
        """``ROK (lee) < 300``: the text with the era the party was judged in, when it has one."""
        return f"{self.party} ({self.era}) {self.span.text()}" if self.era else self.text


class Zone(NamedTuple):
    """The zone of possible agreement on one move's quantity."""

    move: str
    unit: str
    accepted: tuple[Accepted, ...]  # only the parties that limit the quantity, in party order
    zone: Span
    clash: tuple[Accepted, ...]  # when the zone is empty: the fewest parties that cannot meet

    @property
    def agreement(self) -> str:
        """``no agreement``, or the zone in the words of a bound (``any`` when nobody limits it)."""
        return "no agreement" if self.zone.empty else self.zone.text()

    @property
    def line(self) -> str:
        """``kaesong.wage: DPRK >= 300, ROK < 300: no agreement`` -- the clashing parties when
        there is no agreement, else every party that limits the quantity, then the zone."""
        shown = self.clash if self.zone.empty else self.accepted
        parties = ", ".join(a.text for a in shown) or "nobody limits it"
        return f"{self.move}: {parties}: {self.agreement}"


class _QuantityOnly(Visitor["Span | None"]):
    """The quantities of ``move`` a condition allows, when it only compares that quantity with
    numbers; None when it depends on anything else."""

    def __init__(self, move: str):
        self.move = move

    def quantity(self, node: Quantity) -> Span | None:
        return Span.compared(node.op, node.value) if node.move == self.move else None

    def _other(self, node: Includes | Excludes | Before | After | With | ByStep | Metric) -> Span | None:
        return None

    includes = excludes = before = after = with_ = by_step = metric = _other

    def not_(self, node: Not) -> Span | None:
        inner = self.visit(node.operand)
        return None if inner is None else inner.complement()

    def and_(self, node: And) -> Span | None:
        return self._fold([self.visit(o) for o in node.operands], Span.intersection)

    def or_(self, node: Or) -> Span | None:
        return self._fold([self.visit(o) for o in node.operands], Span.union)

    def guarded(self, node: Guarded) -> Span | None:
        body, guard = self.visit(node.body), self.visit(node.guard)
        if body is None or guard is None:
            return None
        return guard.complement().union(body) if node.kind == "if" else guard.union(body)

    @staticmethod
    def _fold(parts: list[Span | None], join) -> Span | None:
        if any(part is None for part in parts):
            return None
        result = parts[0]
        for part in parts[1:]:
            result = join(result, part)
        return result


def _era_of(judged: Judged) -> str | None:
    return getattr(judged.condition, "era", None)


def accepted(move: str, judged: Iterable[Judged], parties: Sequence[str]) -> tuple[Accepted, ...]:
    """What each party (in the order of ``parties``, then the rules) accepts of ``move``'s
    quantity; parties that do not limit it are left out."""
    reader = _QuantityOnly(move)
    spans: dict[str, Span] = {}
    eras: dict[str, str | None] = {}
    for j in judged:
        if j.condition.soft:
            continue
        span = reader.visit(j.node)
        if span is None:
            continue
        party = j.condition.party or RULE
        spans[party] = spans[party].intersection(span) if party in spans else span
        eras[party] = eras.get(party) or _era_of(j)
    order = [p for p in parties if p in spans] + [p for p in spans if p not in parties and p != RULE]
    order += [RULE] if RULE in spans else []
    return tuple(Accepted(p, eras[p], spans[p]) for p in order)


def clash_of(accepts: Sequence[Accepted]) -> tuple[Accepted, ...]:
    """The fewest parties whose accepted quantities have nothing in common (the first such
    group in party order), or () when they all meet."""
    for size in range(1, len(accepts) + 1):
        for group in combinations(accepts, size):
            together = Span.everything()
            for member in group:
                together = together.intersection(member.span)
            if together.empty:
                return group
    return ()


def zone_of(catalogue: Catalogue, move: str, judged: Sequence[Judged]) -> Zone:
    found = catalogue.move(move)
    if not found.unit:
        raise InvalidValue(f"move '{move}' has no unit, so it has no quantity to agree on")
    accepts = accepted(move, judged, [p.code for p in catalogue.parties])
    zone = Span.everything()
    for a in accepts:
        zone = zone.intersection(a.span)
    return Zone(move, found.unit, accepts, zone, clash_of(accepts) if zone.empty else ())


def zones(catalogue: Catalogue, moves: Sequence[str], judged: Sequence[Judged]) -> list[Zone]:
    """The zone of each of ``moves`` (every move with a unit when none are named)."""
    codes = list(dict.fromkeys(moves)) if moves else [m.code for m in catalogue.moves if m.unit]
    return [zone_of(catalogue, code, judged) for code in codes]


def aim(zone: Zone, fallback: float | None = None) -> int:
    """The whole quantity ``compose`` prefers for a move: the middle of the zone every party
    accepts (the whole number in it nearest the middle); its one finite end when it is open on
    the other side; when there is no agreement, the middle of the gap between the clashing
    demands; when nothing bounds it, ``fallback`` (else 0)."""
    span = zone.zone
    if span.empty:
        # The clashing demands leave a gap between the highest lower end and the lowest upper
        # end; its middle splits the difference.
        lows = [a.span.lowest for a in zone.clash if math.isfinite(a.span.lowest)]
        highs = [a.span.highest for a in zone.clash if math.isfinite(a.span.highest)]
        if lows and highs:
            return _whole((max(lows) + min(highs)) / 2)
        return _whole(fallback) if fallback is not None else 0
    low, high = span.lowest, span.highest
    if math.isfinite(low) and math.isfinite(high):
        middle = (low + high) / 2
    elif math.isfinite(low) or math.isfinite(high):
        middle = low if math.isfinite(low) else high
    else:
        middle = fallback if fallback is not None else 0.0
    nearest = span.nearest_integer(middle)
    return nearest if nearest is not None else _whole(middle)


def _whole(value: float) -> int:
    """The whole number nearest ``value``, the lower one on a tie (as ``Span.nearest_integer``)."""
    return math.ceil(value - 0.5)


def zopa_table(zones_found: Sequence[Zone]) -> Table:
    """One row per move: its unit, what each party accepts (in the era it was judged in), the zone,
    and the clashing parties."""
    rows = tuple(
        (z.move, z.unit, ", ".join(a.judged_text for a in z.accepted) or "nobody limits it", z.agreement,
         ", ".join(a.judged_text for a in z.clash))
        for z in zones_found
    )
    return Table(("move", "unit", "accepted by", "zone", "clash"), rows,
                 title="Zones of possible agreement on quantities")


def zopa_document(zones_found: Sequence[Zone]) -> list[dict]:
    """The JSON document of ``zopa``: per move, what each party accepts, the zone, the clash."""
    return [
        {
            "move": z.move,
            "unit": z.unit,
            "parties": [
                {"party": a.party, "era": a.era, "accepts": a.span.text(), "intervals": a.span.pairs()}
                for a in z.accepted
            ],
            "zone": z.zone.pairs(),
            "agreement": not z.zone.empty,
            "clash": [a.party for a in z.clash],
            "line": z.line,
        }
        for z in zones_found
    ]
