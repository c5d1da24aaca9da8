"""The brief a report shows, built from the other domain functions, on a small scenario worked
out by hand:

    v_P(m)                DPRK  USA
    usa.relief (USA)        +3   -2
    dprk.freeze (DPRK)      -4   +5

Step 1 holds dprk.freeze, step 2 usa.relief: DPRK's balance is -4 then -1 (exposure 4, gain -1),
USA's +5 then +3 (exposure 0, gain 3).  DPRK's condition "exposure <= 2" fails.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from negotiator.domain.brief import build_brief, pareto_optimal
from negotiator.domain.errors import InvalidValue
from negotiator.domain.model import (
    Catalogue,
    Condition,
    Event,
    Move,
    Package,
    Party,
    Placement,
    Position,
    Step,
)

CATALOGUE = Catalogue(
    parties=(Party("DPRK", "North Korea"), Party("USA", "United States")),
    moves=(Move("dprk.freeze", "DPRK", "Freeze", cost=4), Move("usa.relief", "USA", "Relief", cost=2)),
    positions=(Position("DPRK", "usa.relief", "demand", weight=3), Position("USA", "dprk.freeze", "demand", weight=5)),
    conditions=(Condition("exposure <= 2", party="DPRK", name="limit"), Condition("steps <= 3")),
)
FREEZE_FIRST = Package(
    "freeze-first", title="Freeze first",
    steps=(Step("Freeze", placements=(Placement("dprk.freeze"),)), Step("Relief", placements=(Placement("usa.relief"),))),
)
TOGETHER = Package("together", steps=(Step("All", placements=(Placement("dprk.freeze"), Placement("usa.relief"))),))
EMPTY = Package("empty")
TODAY = date(2026, 11, 30)


def test_a_party_verdict_carries_its_failed_condition_and_reason():
    brief = build_brief(CATALOGUE, [FREEZE_FIRST], TODAY)
    dprk = brief.package("freeze-first").parties[0]
    assert (dprk.party, dprk.name, dprk.word, dprk.passed, dprk.total) == ("DPRK", "North Korea", "NOT satisfied", 0, 1)
    (failed,) = dprk.failed
    assert failed.label == "limit: exposure <= 2"
    assert failed.reason == "DPRK's exposure is 4 (balance -4 after step 1), not <= 2"


def test_the_era_and_robustness_places_stay_empty_until_parties_have_eras():
    package = build_brief(CATALOGUE, [FREEZE_FIRST], TODAY).package("freeze-first")
    assert all(p.era is None and p.robust is None for p in package.parties)
    assert not package.shows_eras


def test_the_balance_series_and_exposures_are_the_metrics_of_each_step():
    series = build_brief(CATALOGUE, [FREEZE_FIRST], TODAY).package("freeze-first").balance
    assert series is not None
    assert series.steps == ("Freeze", "Relief")
    assert series.balances == {"DPRK": (-4, -1), "USA": (5, 3)}
    assert series.exposure == {"DPRK": 4, "USA": 0} and series.gain == {"DPRK": -1, "USA": 3}


def test_the_summary_counts_satisfied_parties_and_rules():
    summary = build_brief(CATALOGUE, [FREEZE_FIRST], TODAY).package("freeze-first").summary
    assert (summary.valid, summary.satisfied, summary.with_stake) == (True, 1, 2)
    assert (summary.steps, summary.moves, summary.max_exposure, summary.min_gain, summary.total_gain) == (2, 2, 4, -1, 2)


def test_a_package_without_steps_has_no_balance_to_chart():
    package = build_brief(CATALOGUE, [EMPTY], TODAY).package("empty")
    assert package.balance is None and not package.has_steps and package.grid.rows == ()


def test_one_package_has_no_comparison_and_two_have_one():
    assert build_brief(CATALOGUE, [FREEZE_FIRST], TODAY).comparison is None
    comparison = build_brief(CATALOGUE, [FREEZE_FIRST, TOGETHER], TODAY).comparison
    assert comparison is not None
    assert [p.package for p in comparison.points] == ["freeze-first", "together"]
    assert comparison.points[1].gains == {"DPRK": -1, "USA": 3}


def test_no_package_is_refused():
    with pytest.raises(InvalidValue, match="no package"):
        build_brief(CATALOGUE, [], TODAY)


@pytest.mark.parametrize(
    "gains, expected",
    [
        ([{"A": 1, "B": 1}, {"A": 2, "B": 1}], [False, True]),
        ([{"A": 2, "B": 0}, {"A": 0, "B": 2}], [True, True]),
        ([{"A": 1, "B": 1}, {"A": 1, "B": 1}], [True, True]),  # equal gains dominate neither
        ([{"A": 0}, {"A": 3}, {"A": 1}], [False, True, False]),
    ],
)
def test_pareto_optimal_packages_are_those_no_other_improves_for_every_party(gains, expected):
    assert pareto_optimal(gains) == expected


def _tracked(status: str = "implementing") -> Package:
    history = (
        Event(datetime(2020, 1, 10), "level", move="dprk.freeze", old="0", new="1"),
        Event(datetime(2020, 3, 1), "level", move="dprk.freeze", old="1", new="3", note="done <b>"),
        Event(datetime(2020, 3, 1), "level", move="usa.relief", old="0", new="2"),
        Event(datetime(2020, 6, 1), "level", move="usa.relief", old="2", new="reversed"),
    )
    return Package("tracked", status=status, steps=FREEZE_FIRST.steps, history=history)


def test_implementation_shows_each_partys_share_carried_out_at_each_date():
    series = build_brief(CATALOGUE, [_tracked()], TODAY).package("tracked").implementation
    assert series is not None
    assert series.dates == (date(2020, 1, 10), date(2020, 3, 1), date(2020, 6, 1))
    assert series.shares["DPRK"] == pytest.approx((1 / 3, 1.0, 1.0))
    assert series.shares["USA"] == pytest.approx((0.0, 2 / 3, 0.0))
    freeze = next(m for m in series.moves if m.move == "dprk.freeze")
    assert (freeze.level, freeze.since, freeze.note) == ("3", date(2020, 3, 1), "done <b>")


def test_a_draft_has_no_implementation_and_an_agreed_one_without_updates_has_no_dates():
    assert build_brief(CATALOGUE, [FREEZE_FIRST], TODAY).package("freeze-first").implementation is None
    agreed = Package("agreed", status="agreed", steps=FREEZE_FIRST.steps)
    series = build_brief(CATALOGUE, [agreed], TODAY).package("agreed").implementation
    assert series is not None and series.dates == () and len(series.moves) == 2
