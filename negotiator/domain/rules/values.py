"""Rules on single values: codes and names, text, whole numbers, quantities.

These know nothing of where a value comes from; the catalogue and package rules call them for
each field of a row.  Parsing text into a value (``'12.5'`` -> 12.5, ``'>= 300'`` -> a Bound, a
date) is :mod:`negotiator.domain.model`'s; what a parsed value may be is decided here.
"""

from __future__ import annotations

import math
import re

from negotiator.domain.model import (
    CONDITION_NAME,
    ERA_NAME,
    ISSUE_CODE,
    KEYWORDS,
    LARGEST_INT,
    MOVE_CODE,
    PACKAGE_NAME,
    PARTY_CODE,
    format_number,
)
from negotiator.domain.rules.problems import Problem

# Party, issue and move codes, package and condition names are at most this long.
MAX_CODE = 64
# Quantities, bounds and the numbers of conditions are finite and at most this large in size.
LIMIT = 10**12

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

# kind -> (pattern, what a valid one looks like)
_CODES = {
    "party code": (PARTY_CODE, "use letters and digits, e.g. DPRK"),
    "issue code": (ISSUE_CODE, "use lower-case words, e.g. kaesong"),
    "move code": (MOVE_CODE, "use lower-case words joined by '.' or '-', e.g. rok.food-aid"),
    "package name": (PACKAGE_NAME, "use letters, digits, '.', '_' or '-', e.g. kaesong-first"),
    "era name": (ERA_NAME, "use lower-case letters, digits, '.', '_' or '-', e.g. lee or trump-1"),
    "condition name": (
        CONDITION_NAME,
        ("use letters, digits, '.', '_' or '-', not only digits (a number refers to a condition's id), "
         "e.g. abductions-first"),
    ),
}


def shown(text: str, width: int = 40) -> str:
    """Text as quoted in a message: long text is cut, so that a message stays one short line."""
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def listed(items: list[str], most: int = 5) -> str:
    """``a, b and c`` (at most ``most`` of them, then ``and N more``)."""
    if len(items) > most:
        return ", ".join(items[:most]) + f" and {len(items) - most} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def code_problems(at: str, code: str | None, kind: str) -> list[Problem]:
    """A code or name of ``kind`` (``party code``, ``move code``, ``package name``...)."""
    pattern, hint = _CODES[kind]
    code = code or ""
    if len(code) > MAX_CODE:
        article = "an" if kind[0] in "aeiou" else "a"
        return [Problem(at, f"'{shown(code)}' is too long for {article} {kind}: at most {MAX_CODE} characters, "
                            f"not {len(code)}")]
    if not pattern.fullmatch(code) or (kind == "condition name" and code.isdigit()):
        return [Problem(at, f"'{shown(code)}' is not a valid {kind}: {hint}")]
    if kind == "move code" and code in KEYWORDS:
        return [Problem(at, f"'{code}' is a reserved word of the condition language")]
    return []


def text_problems(at: str, value: str | None) -> list[Problem]:
    """Free text any database column can hold: no NUL and no unpaired surrogate."""
    if value is not None and _UNSTORABLE.search(value):
        return [Problem(at, f"{at} holds a NUL or unpaired surrogate character")]
    return []


def required_problems(at: str, value: str | None, missing: str) -> list[Problem]:
    """Text that must say something (``missing`` is the message when it is empty or blank)."""
    if value is None or not value.strip():
        return [Problem(at, missing)]
    return text_problems(at, value)


def whole_number_problems(at: str, value: int, minimum: int | None = None,
                          maximum: int = LARGEST_INT) -> list[Problem]:
    """A whole number within ``minimum``..``maximum`` (weights, costs and ordinals are 32-bit)."""
    if minimum is not None and value < minimum:
        return [Problem(at, f"{at} must be at least {minimum}, not {value}")]
    if value > maximum:
        return [Problem(at, f"{at} must be at most {maximum}, not {value}")]
    return []


def number_text(value: float) -> str:
    """A number as a message shows it: plainly when it is of a sensible size."""
    if math.isfinite(value) and abs(value) < 10**15:
        return format_number(value)
    return f"{value:.3g}"


def number_problems(at: str, value: float, what: str = "quantity") -> list[Problem]:
    """A quantity, bound or condition number: finite, and at most 10^12 in size."""
    if not math.isfinite(value):
        return [Problem(at, f"a {what} must be a finite number, not {value}")]
    if abs(value) > LIMIT:
        return [Problem(at, f"a {what} must be between -10^12 and 10^12, not {number_text(value)}")]
    return []
