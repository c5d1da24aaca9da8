"""How verdicts are shown: the table and JSON document of ``negotiator check``, the result of
``condition test``, and the listing of stored conditions.

Pure functions from evaluator results (``negotiator.domain.evaluate``) to a ``Table`` or a JSON
document; the renderer does the rest.

The ``check`` table has one row per rule set, one counting the satisfied parties, and one per
party of each package -- the era it was judged in, its verdict with passed/total (or ``no
stake``) -- followed, for each condition shown, by a row naming it, with its result and reason.
Without ``detail`` only the failed conditions are shown (in the table and in the document
alike), with it every condition.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from negotiator.domain.evaluate import ConditionResult, PackageCheck, PartyCheck
from negotiator.domain.table import Table

CHECK_HEADERS = ("package", "party", "era", "verdict", "result", "condition", "reason")


_RESULT_WORDS = {
    (True, False): "pass",
    (False, False): "FAIL",
    (True, True): "pass (soft)",
    (False, True): "FAIL (soft)",
}


def _condition_label(result: ConditionResult) -> str:
    label = f"{result.name}: {result.text}" if result.name else result.text
    return label + " [position]" if result.origin == "position" else label


def _shown(results: Iterable[ConditionResult], detail: bool) -> list[ConditionResult]:
    return [r for r in results if detail or not r.passed]


def era_text(era: str | None) -> str:
    """An era as output names it: its name, or ``(standing)`` for a stretch outside every era."""
    return era if era is not None else "(standing)"


def verdict_word(satisfied: bool, stake: bool = True) -> str:
    if not stake:
        return "no stake"
    return "satisfied" if satisfied else "NOT satisfied"


def satisfied_count(parties: Sequence[PartyCheck], word: str = "satisfied") -> str:
    """``5/5 satisfied (1 without stake)``: satisfied parties over those with a stake."""
    with_stake = [p for p in parties if p.stake]
    count = f"{sum(p.satisfied for p in with_stake)}/{len(with_stake)}" + (f" {word}" if word else "")
    without = len(parties) - len(with_stake)
    return count + (f" ({without} without stake)" if without else "")


def robust_verdict(party: PartyCheck) -> str:
    """``robust across roh, lee`` or ``NOT robust: broken by lee``."""
    if party.robust:
        return "robust across " + ", ".join(era_text(e.era) for e in party.eras or ())
    return "NOT robust: broken by " + ", ".join(era_text(e.era) for e in party.eras or () if not e.satisfied)


def check_table(checks: Sequence[PackageCheck], detail: bool = False) -> Table:
    """The rows of ``check``: per package its rules, how many parties it satisfies, and each
    party's verdict in the era it was judged in, with the conditions shown under it.  Judged
    across eras, a party with eras has a verdict per era; judged robustly, a party whose window
    spans several eras has its robust verdict and then one per era spanned."""
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
            found = verdicts[key] = word if word == "no stake" else f"{word} {passed}/{total}"
        return found

    rows: list[tuple[Any, ...]] = []

    def conditions(package: str, party: str, era: str | None, results: Iterable[ConditionResult]) -> None:
        for result in _shown(results, detail):
            rows.append(
                (package, party, era, None, _RESULT_WORDS[result.passed, result.soft], label(result), result.reason)
            )

    for check in checks:
        package = check.package
        passed = sum(r.passed for r in check.rules)
        rows.append(
            (
                package,
                "(rules)",
                None,
                verdict("valid" if check.valid else "INVALID", passed, len(check.rules)),
                None,
                None,
                None,
            )
        )
        conditions(package, "(rules)", None, check.rules)
        robust = any(p.robust is not None for p in check.parties)
        rows.append(
            (
                package,
                "(parties)",
                None,
                satisfied_count(check.parties, "robustly satisfied" if robust else "satisfied"),
                None,
                None,
                None,
            )
        )
        for party in check.parties:
            code = party.party
            if party.robust is not None and len(party.eras or ()) > 1:
                spans = ", ".join(era_text(e.era) for e in party.eras or ())
                rows.append((package, code, spans, robust_verdict(party), None, None, None))
                for era in party.eras or ():
                    rows.append(
                        (
                            package,
                            code,
                            era_text(era.era),
                            verdict(verdict_word(era.satisfied, era.stake), era.passed, era.total),
                            None,
                            None,
                            None,
                        )
                    )
                    conditions(package, code, era_text(era.era), era.conditions)
            elif party.robust is None and party.eras:
                for era in party.eras:
                    word = verdict_word(era.satisfied, era.stake)
                    shown = verdict(word, era.passed, era.total) + (" (as of)" if era.era == party.era else "")
                    rows.append((package, code, era_text(era.era), shown, None, None, None))
                    conditions(package, code, era_text(era.era), era.conditions)
            else:
                rows.append(
                    (
                        package,
                        code,
                        party.era,
                        verdict(verdict_word(party.satisfied, party.stake), party.passed, party.total),
                        None,
                        None,
                        None,
                    )
                )
                conditions(package, code, party.era, party.conditions)
    count = len(checks)
    title = f"Check of {checks[0].package}" if count == 1 else f"Check of {count} packages"
    return Table(CHECK_HEADERS, tuple(rows), title=title)


SECTION_HEADERS = ("party", "era", "verdict", "condition", "reason")


def check_sections(checks: Sequence[PackageCheck], detail: bool = False) -> list[Table]:
    """The rows of :func:`check_table` as people read them on a screen: one section per package
    (so the package is named once, in its title), and a party's verdict and a condition's result
    in one column, which lets the table fit a narrower terminal."""
    by_package: dict[str, list[tuple[Any, ...]]] = {}
    for package, party, era, verdict, result, condition, reason in check_table(checks, detail).rows:
        by_package.setdefault(package, []).append(
            (party, era, verdict if verdict is not None else result, condition, reason)
        )
    return [Table(SECTION_HEADERS, tuple(rows), title=f"Check of {package}") for package, rows in by_package.items()]


def _condition_documents(results: Iterable[ConditionResult], detail: bool) -> list[dict[str, Any]]:
    return [
        {"text": r.text, "origin": r.origin, "soft": r.soft, "passed": r.passed, "reason": r.reason}
        for r in _shown(results, detail)
    ]


def party_document(party: PartyCheck, detail: bool = False) -> dict[str, Any]:
    """One party's entry in the JSON of ``check`` (and ``package show``)."""
    entry: dict[str, Any] = {
        "party": party.party,
        "era": party.era,
        "stake": party.stake,
        "satisfied": party.satisfied,
        "passed": party.passed,
        "total": party.total,
        "conditions": _condition_documents(party.conditions, detail),
    }
    if party.eras is not None:
        entry["eras"] = [
            {
                "era": e.era,
                "satisfied": e.satisfied,
                "passed": e.passed,
                "total": e.total,
                "stake": e.stake,
                "conditions": _condition_documents(e.conditions, detail),
            }
            for e in party.eras
        ]
    return entry


def check_document(checks: Sequence[PackageCheck], detail: bool = False) -> list[dict[str, Any]]:
    """The JSON of ``check``: per package its validity, its rules and each party's entry."""
    return [
        {
            "package": check.package,
            "valid": check.valid,
            "rules": [{"text": r.text, "passed": r.passed, "reason": r.reason} for r in _shown(check.rules, detail)],
            "parties": [party_document(party, detail) for party in check.parties],
        }
        for check in checks
    ]


def _failed_reasons(results: Iterable[ConditionResult]) -> str:
    """Why the conditions that failed did: the hard ones first, then the soft ones, marked."""
    failed = [r for r in results if not r.passed]
    return "; ".join([r.reason for r in failed if not r.soft] + [f"(soft) {r.reason}" for r in failed if r.soft])


def party_lines_table(check: PackageCheck) -> Table:
    """One line per party of one package (the era it was judged in, satisfied or not, and why
    not), then one for the rules: the short verdict under ``package show``."""
    rows: list[tuple[Any, ...]] = [
        (
            p.party,
            p.era,
            verdict_word(p.satisfied, p.stake),
            f"{p.passed}/{p.total}" if p.stake else None,
            _failed_reasons(p.conditions) or None,
        )
        for p in check.parties
    ]
    if check.rules:
        passed = sum(r.passed for r in check.rules)
        rows.append(
            (
                "(rules)",
                None,
                "valid" if check.valid else "INVALID",
                f"{passed}/{len(check.rules)}",
                _failed_reasons(check.rules) or None,
            )
        )
    return Table(
        ("party", "era", "verdict", "passed", "why not"), tuple(rows), title=f"Check: {satisfied_count(check.parties)}"
    )


def failing(checks: Iterable[PackageCheck]) -> list[str]:
    """Packages that break a rule or leave a judged party unsatisfied (what ``--strict`` refuses)."""
    return [c.package for c in checks if not c.valid or not all(p.satisfied for p in c.parties)]


def condition_test_table(text: str, party: str | None, outcomes: Sequence[tuple[str, bool, str]]) -> Table:
    """``condition test``: one row per package, (package, passed, reason)."""
    rows = tuple(
        (package, party or "(rule)", "pass" if passed else "FAIL", reason) for package, passed, reason in outcomes
    )
    return Table(("package", "party", "result", "reason"), rows, title=f"Test of: {text}")


def conditions_table(stored: Iterable[Any]) -> Table:
    """Stored conditions (``negotiator.db.conditions.StoredCondition``) as a listing."""
    rows = tuple((c.id, c.party, c.era, c.name, c.soft, c.text, c.source or None) for c in stored)
    return Table(
        ("id", "party", "era", "name", "soft", "text", "source"),
        rows,
        title="Conditions (no party: a rule; no era: standing)",
    )
