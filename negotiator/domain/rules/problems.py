"""What a rule returns: problems, as data.

A rule never raises; it returns a list of :class:`Problem` values.  Each names the datum it is
about (``field``: ``code``, ``name``, ``qty``, ``bound``, ``text``, ``due``, ``at``, ``level``...)
so that a reader of a scenario file can report it at the line of that key, and carries the error
a command should raise for it (an ``UnknownCode`` keeps its did-you-mean, a condition's syntax
error its caret line).  :func:`raise_first` is how a writer that takes one value at a time (a
command) turns the first problem into that error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from negotiator.domain.errors import InvalidValue, NegotiatorError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one datum: ``field`` names it, ``message`` says what is wrong."""

    field: str
    message: str
    error: NegotiatorError | None = dataclass_field(default=None, compare=False, repr=False)

    def exception(self) -> NegotiatorError:
        """The error a command raises for this problem."""
        return self.error if self.error is not None else InvalidValue(self.message)


def problem(at: str, cause: str | NegotiatorError) -> Problem:
    """A Problem about datum ``at``, from a message or from the error that says it."""
    if isinstance(cause, NegotiatorError):
        return Problem(at, str(cause), cause)
    return Problem(at, cause)


def raise_first(problems: Iterable[Problem]) -> None:
    """Raise the first problem's error, if there is one."""
    for found in problems:
        raise found.exception()
