"""Sets of quantities as unions of intervals: what a comparator, a bound or a condition on one
move's quantity allows, and what several of them allow together.

``zopa`` uses these to say which quantities each party accepts and where they meet; ``compose``
uses them to aim a chosen quantity at the middle of that zone.  A :class:`Span` is exact for
real numbers (ends are open or closed, and may be infinite) and knows its whole numbers too,
because a composed package proposes whole quantities.

Pure: the standard library and the comparators only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from negotiator.domain.model import format_number

INFINITY = math.inf


@dataclass(frozen=True, order=True)
class Interval:
    """The numbers between ``low`` and ``high`` (either may be infinite); ``closed_low`` and
    ``closed_high`` say whether the ends themselves belong (never for an infinite end)."""

    low: float
    high: float
    closed_low: bool = True
    closed_high: bool = True

    @property
    def empty(self) -> bool:
        if self.low < self.high:
            return False
        return not (self.low == self.high and self.closed_low and self.closed_high)

    def contains(self, value: float) -> bool:
        above = value > self.low or (self.closed_low and value == self.low)
        below = value < self.high or (self.closed_high and value == self.high)
        return above and below

    def smallest_integer(self) -> int | None:
        """The least whole number in the interval, None when it has none (or no least one)."""
        if self.low == -INFINITY:
            return None
        candidate = math.ceil(self.low)
        if candidate == self.low and not self.closed_low:
            candidate += 1
        return candidate if self.contains(candidate) else None

    def largest_integer(self) -> int | None:
        if self.high == INFINITY:
            return None
        candidate = math.floor(self.high)
        if candidate == self.high and not self.closed_high:
            candidate -= 1
        return candidate if self.contains(candidate) else None

    def text(self) -> str:
        """``>= 300``, ``< 80``, ``= 120``, ``80 to 300``, ``> 80 and <= 300``, or ``any``."""
        low, high = (
            format_number(self.low) if self.low > -INFINITY else "",
            format_number(self.high) if self.high < INFINITY else "",
        )
        if not low and not high:
            return "any"
        if not high:
            return f"{'>=' if self.closed_low else '>'} {low}"
        if not low:
            return f"{'<=' if self.closed_high else '<'} {high}"
        if self.low == self.high:
            return f"= {low}"
        if self.closed_low and self.closed_high:
            return f"{low} to {high}"
        return f"{'>=' if self.closed_low else '>'} {low} and {'<=' if self.closed_high else '<'} {high}"


EVERYTHING = Interval(-INFINITY, INFINITY, False, False)


@dataclass(frozen=True)
class Span:
    """A set of numbers as disjoint intervals in increasing order (none: the empty set)."""

    intervals: tuple[Interval, ...]

    @classmethod
    def of(cls, intervals: Iterable[Interval]) -> Span:
        """The union of ``intervals``, normalised: empty ones dropped, overlapping or touching
        ones merged."""
        ordered = sorted((iv for iv in intervals if not iv.empty), key=lambda iv: (iv.low, not iv.closed_low))
        merged: list[Interval] = []
        for interval in ordered:
            if merged:
                last = merged[-1]
                touching = interval.low < last.high or (
                    interval.low == last.high and (interval.closed_low or last.closed_high)
                )
                if touching:
                    if interval.high > last.high or (interval.high == last.high and interval.closed_high):
                        merged[-1] = Interval(last.low, interval.high, last.closed_low, interval.closed_high)
                    continue
            merged.append(interval)
        return cls(tuple(merged))

    @classmethod
    def everything(cls) -> Span:
        return cls((EVERYTHING,))

    @classmethod
    def compared(cls, op: str, value: float) -> Span:
        """The numbers q with ``q OP value``."""
        if op == ">=":
            return cls((Interval(value, INFINITY, True, False),))
        if op == ">":
            return cls((Interval(value, INFINITY, False, False),))
        if op == "<=":
            return cls((Interval(-INFINITY, value, False, True),))
        if op == "<":
            return cls((Interval(-INFINITY, value, False, False),))
        if op == "=":
            return cls((Interval(value, value),))
        if op == "!=":
            return cls((Interval(-INFINITY, value, False, False), Interval(value, INFINITY, False, False)))
        raise ValueError(f"unknown comparator {op!r}")

    @property
    def empty(self) -> bool:
        return not self.intervals

    @property
    def everything_allowed(self) -> bool:
        return self.intervals == (EVERYTHING,)

    def contains(self, value: float) -> bool:
        return any(interval.contains(value) for interval in self.intervals)

    def union(self, other: Span) -> Span:
        return Span.of(self.intervals + other.intervals)

    def intersection(self, other: Span) -> Span:
        pieces = []
        for a in self.intervals:
            for b in other.intervals:
                # At equal ends the open one wins: (value, open) for the larger low,
                # (value, closed) for the smaller high.
                low, open_low = max((a.low, not a.closed_low), (b.low, not b.closed_low))
                high, closed_high = min((a.high, a.closed_high), (b.high, b.closed_high))
                pieces.append(Interval(low, high, not open_low, closed_high))
        return Span.of(pieces)

    def complement(self) -> Span:
        pieces = []
        low, closed_low = -INFINITY, False
        for interval in self.intervals:
            pieces.append(Interval(low, interval.low, closed_low, not interval.closed_low and interval.low > -INFINITY))
            low, closed_low = interval.high, not interval.closed_high and interval.high < INFINITY
        pieces.append(Interval(low, INFINITY, closed_low, False))
        return Span.of(pieces)

    @property
    def lowest(self) -> float:
        """The infimum (-inf when unbounded below; +inf when empty)."""
        return self.intervals[0].low if self.intervals else INFINITY

    @property
    def highest(self) -> float:
        return self.intervals[-1].high if self.intervals else -INFINITY

    def nearest_integer(self, target: float) -> int | None:
        """The whole number of the set nearest to ``target`` (the lower one on a tie), None when
        the set holds no whole number."""
        best: tuple[float, int] | None = None
        for interval in self.intervals:
            candidates = []
            for whole in (math.floor(target), math.ceil(target)):
                if interval.contains(whole):
                    candidates.append(whole)
            for end in (interval.smallest_integer(), interval.largest_integer()):
                if end is not None:
                    candidates.append(end)
            for candidate in candidates:
                key = (abs(candidate - target), candidate)
                if best is None or key < best:
                    best = key
        return None if best is None else int(best[1])

    def text(self) -> str:
        """The set in the words of a bound: ``>= 300``, ``80 to 300``, ``!= 90``, ``< 80 or > 100``,
        ``any``, ``nothing``."""
        if not self.intervals:
            return "nothing"
        if (
            len(self.intervals) == 2
            and self.intervals[0].low == -INFINITY
            and self.intervals[1].high == INFINITY
            and self.intervals[0].high == self.intervals[1].low
        ):
            return f"!= {format_number(self.intervals[0].high)}"
        return " or ".join(interval.text() for interval in self.intervals)

    def pairs(self) -> list[list[float | None]]:
        """The intervals as ``[low, high]`` pairs for JSON (None for an infinite end)."""
        return [
            [None if iv.low == -INFINITY else iv.low, None if iv.high == INFINITY else iv.high] for iv in self.intervals
        ]
