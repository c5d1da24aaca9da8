"""A rectangular result — headers and rows — that the one renderer (``negotiator.output``)
turns into a table, CSV, JSON or Markdown.

Listings and matrices are built as ``Table`` values in the domain and the database seam; the
command line never formats cells itself.  Cells are str, int, float, bool or None; numbers stay
numbers so that CSV and JSON keep them as numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...] = field(default=())
    title: str = ""

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by header: the JSON form of a plain listing."""
        return [dict(zip(self.headers, row)) for row in self.rows]
