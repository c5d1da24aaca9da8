"""How verdicts are shown: the table and JSON document of ``negotiator check``, the result of
``condition test``, and the listing of stored conditions.

Pure functions from evaluator results (``negotiator.domain.evaluate``) to a ``Table`` or a JSON
document; the renderer does the rest.

The ``check`` table has one row per rule set and per party of each package -- its verdict with
passed/total -- followed, for each condition shown, by a row naming it, with its result and
reason.  Without ``detail`` only the failed conditions are shown (in the table and in the
document alike), with it every condition.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from negotiator.domain.evaluate import ConditionResult, PackageCheck
from negotiator.domain.table import Table

CHECK_HEADERS = ("package", "party", "verdict", "result", "condition", "reason")


_RESULT_WORDS = {(True, False): "pass", (False, False): "FAIL", (True, True): "pass (soft)", (False, True): "FAIL (soft)"}


def _condition_label(result: ConditionResult) -> str:
    label = f"{result.name}: {result.text}" if result.name else result.text
    return label + " [position]" if result.origin == "position" else label


def _shown(results: Iterable[ConditionResult], detail: bool) -> list[ConditionResult]:
    return [r for r in results if detail or not r.passed]


def check_table(checks: Sequence[PackageCheck], detail: bool = False) -> Table:
    # Labels and verdicts repeat across thousands of packages: each distinct one is made once.
    labels: dict[tuple, str] = {}
    verdicts: dict[tuple, str] = {}

    def label(result: ConditionResult) -> str:
        key = (result.name, result.text, result.origin)
        found = labels.get(key)
        if found is None:
            found = labels[key] = _condition_label(result)
        return found

    def verdict(word: str, passed: int, total: int) -> str:
        key = (word, passed, total)
        found = verdicts.get(key)
        if found is None:
            found = verdicts[key] = f"{word} {passed}/{total}"
        return found

    rows: list[tuple[Any, ...]] = []
    for check in checks:
        package = check.package
        passed = sum(r.passed for r in check.rules)
        rows.append((package, "(rules)", verdict("valid" if check.valid else "INVALID", passed, len(check.rules)), None, None, None))
        for result in _shown(check.rules, detail):
            rows.append((package, "(rules)", None, _RESULT_WORDS[result.passed, result.soft], label(result), result.reason))
        for party in check.parties:
            word = "satisfied" if party.satisfied else "NOT satisfied"
            rows.append((package, party.party, verdict(word, party.passed, party.total), None, None, None))
            for result in _shown(party.conditions, detail):
                rows.append((package, party.party, None, _RESULT_WORDS[result.passed, result.soft], label(result), result.reason))
    count = len(checks)
    title = f"Check of {checks[0].package}" if count == 1 else f"Check of {count} packages"
    return Table(CHECK_HEADERS, tuple(rows), title=title)


def check_document(checks: Sequence[PackageCheck], detail: bool = False) -> list[dict[str, Any]]:
    """The JSON of ``check`` exactly as DESIGN §8 gives it."""
    return [
        {
            "package": check.package,
            "valid": check.valid,
            "rules": [
                {"text": r.text, "passed": r.passed, "reason": r.reason} for r in _shown(check.rules, detail)
            ],
            "parties": [
                {
                    "party": party.party,
                    "satisfied": party.satisfied,
                    "passed": party.passed,
                    "total": party.total,
                    "conditions": [
                        {"text": r.text, "origin": r.origin, "soft": r.soft, "passed": r.passed, "reason": r.reason}
                        for r in _shown(party.conditions, detail)
                    ],
                }
                for party in check.parties
            ],
        }
        for check in checks
    ]


def _failed_reasons(results: Iterable[ConditionResult]) -> str:
    return "; ".join(r.reason for r in results if not r.passed and not r.soft)


def party_lines_table(check: PackageCheck) -> Table:
    """One line per party of one package (satisfied or not, and why not), then one for the rules:
    the short verdict under ``package show``."""
    rows: list[tuple[Any, ...]] = [
        (p.party, "satisfied" if p.satisfied else "NOT satisfied", f"{p.passed}/{p.total}",
         _failed_reasons(p.conditions) or None)
        for p in check.parties
    ]
    if check.rules:
        passed = sum(r.passed for r in check.rules)
        rows.append(("(rules)", "valid" if check.valid else "INVALID", f"{passed}/{len(check.rules)}",
                     _failed_reasons(check.rules) or None))
    return Table(("party", "verdict", "passed", "why not"), tuple(rows), title="Check")


def failing(checks: Iterable[PackageCheck]) -> list[str]:
    """Packages that break a rule or leave a judged party unsatisfied (what ``--strict`` refuses)."""
    return [c.package for c in checks if not c.valid or not all(p.satisfied for p in c.parties)]


def condition_test_table(text: str, party: str | None, outcomes: Sequence[tuple[str, bool, str]]) -> Table:
    """``condition test``: one row per package, (package, passed, reason)."""
    rows = tuple((package, party or "(rule)", "pass" if passed else "FAIL", reason) for package, passed, reason in outcomes)
    return Table(("package", "party", "result", "reason"), rows, title=f"Test of: {text}")


def conditions_table(stored: Iterable[Any]) -> Table:
    """Stored conditions (``negotiator.db.conditions.StoredCondition``) as a listing."""
    rows = tuple((c.id, c.party, c.name, c.soft, c.text, c.source or None) for c in stored)
    return Table(("id", "party", "name", "soft", "text", "source"), rows, title="Conditions (no party: a rule)")
