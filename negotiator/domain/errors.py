"""Typed errors of the core.

Every mistake a user can make (an unknown code, a malformed condition, a bad number or date) is
raised as a subclass of :class:`NegotiatorError` carrying the facts; the command line turns it
into one ``Error: ...`` line in exactly one place (``RootGroup.main`` in ``negotiator.cli``).  The message is
written for the analyst, not for the programmer.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class NegotiatorError(Exception):
    """Base of every error a user can cause.  ``str(err)`` is the message shown after ``Error:``."""


def did_you_mean(code: str, candidates: Iterable[str]) -> list[str]:
    """Close matches of ``code`` among ``candidates``, best first (case-insensitive)."""
    pool = list(candidates)
    by_lower: dict[str, str] = {}
    for candidate in pool:
        by_lower.setdefault(candidate.lower(), candidate)
    matches = difflib.get_close_matches(code.lower(), list(by_lower), n=3, cutoff=0.6)
    return [by_lower[m] for m in matches]


class UnknownCode(NegotiatorError):
    """A code or name that does not exist (party, issue, move, package, condition...)."""

    def __init__(self, kind: str, code: str, candidates: Iterable[str] = ()):
        self.kind = kind
        self.code = code
        self.suggestions = did_you_mean(code, candidates)
        message = f"unknown {kind} '{code}'"
        if self.suggestions:
            message += " (did you mean " + " or ".join(f"'{s}'" for s in self.suggestions) + "?)"
        super().__init__(message)


class DuplicateCode(NegotiatorError):
    """A code or name that already exists where it must be unique."""

    def __init__(self, kind: str, code: str, hint: str = ""):
        self.kind = kind
        self.code = code
        message = f"{kind} '{code}' already exists"
        if hint:
            message += f"; {hint}"
        super().__init__(message)


class InvalidValue(NegotiatorError):
    """A value of the wrong form or out of range: a code, number, bound, stance, date..."""


class Referenced(NegotiatorError):
    """Removing a row that other rows still reference, without ``--cascade``."""

    def __init__(
        self, kind: str, code: str, references: Iterable[str], action: str = "use --cascade to remove them too"
    ):
        self.kind = kind
        self.code = code
        self.references = list(references)
        shown = ", ".join(self.references[:5])
        more = f" and {len(self.references) - 5} more" if len(self.references) > 5 else ""
        super().__init__(f"{kind} '{code}' is still referenced by {shown}{more}; {action}")


class ConditionSyntaxError(NegotiatorError):
    """Condition text that does not parse.  ``column`` is 1-based."""

    def __init__(self, text: str, column: int, problem: str, expected: Iterable[str] = ()):
        self.text = text
        self.column = column
        self.problem = problem
        self.expected = sorted(set(expected))
        message = f"bad condition at column {column}: {problem}"
        if self.expected:
            message += "; expected " + ", ".join(self.expected)
        # The text and a caret under the problem follow on their own lines.
        message += "\n  " + text + "\n  " + " " * (max(column, 1) - 1) + "^"
        super().__init__(message)


class SchemaMismatch(NegotiatorError):
    """The database schema is older or newer than this version of negotiator."""


class ScenarioProblems(NegotiatorError):
    """Every problem found in a scenario file, each as ``FILE:LINE: message``."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in scenario, nothing imported:\n" + "\n".join(self.problems))


class WouldChange(NegotiatorError):
    """An import or seed that would change rows the database already holds, refused without
    ``--replace`` so that nothing a user did is silently undone.  ``changes`` names each row and
    what would change, e.g. ``party USA: name 'United States' -> 'USA'``."""

    def __init__(self, source: str, changes: Iterable[str]):
        self.source = source
        self.changes = list(changes)
        count = len(self.changes)
        noun = "change" if count == 1 else "changes"
        shown = "\n".join(f"  {change}" for change in self.changes[:50])
        more = f"\n  ... and {count - 50} more" if count > 50 else ""
        super().__init__(
            f"{source} would make {count} {noun} to rows already in the database; nothing imported "
            f"(add --replace to overwrite them with the file's):\n{shown}{more}"
        )
