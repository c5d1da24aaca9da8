"""What is in force, which era a party is judged in, and the window a package spans: the
cases of ``eras_worked`` (read its docstring first), worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from negotiator.domain.eras import (
    catalogue_in_force,
    era_on,
    in_force,
    in_force_on,
    judged_eras,
    spanned,
    window,
)
from negotiator.domain.evaluate import Checker, effective_conditions
from negotiator.domain.metrics import move_values, package_metrics
from negotiator.domain.model import Condition, Era, Package, Step
from tests.domain.eras_worked import ACCORD, LEE, ROH, catalogue

CATALOGUE = catalogue()


def _positions(era):
    return sorted((p.move, p.stance, p.weight, p.era) for p in in_force(CATALOGUE, "ROK", era).positions)


def _conditions(era):
    return sorted(c.text for c in in_force(CATALOGUE, "ROK", era).conditions)


def test_outside_every_era_a_party_has_its_standing_positions_only():
    assert _positions(None) == [("dprk.freeze", "demand", 2, None), ("usa.talks", "demand", 1, None)]


def test_an_era_position_replaces_the_standing_one_on_its_move():
    assert _positions("roh") == [("dprk.freeze", "demand", 2, None), ("usa.talks", "demand", 2, "roh")]


def test_an_era_position_on_a_move_without_a_standing_one_is_added():
    assert _positions("lee") == [("dprk.freeze", "demand", 2, None), ("dprk.protocol", "demand", 3, "lee"),
                                 ("usa.talks", "oppose", 1, "lee")]


def test_an_eras_conditions_are_added_to_the_standing_ones():
    assert _conditions(None) == ["balance >= 0"]
    assert _conditions("roh") == ["balance >= 0"]
    assert _conditions("lee") == ["balance >= 0", "dprk.protocol before rok.aid"]


def test_other_parties_are_untouched_by_one_partys_era():
    view = catalogue_in_force(CATALOGUE, {"ROK": "lee"})
    assert [(p.move, p.weight) for p in view.positions if p.party == "DPRK"] == [("rok.aid", 4), ("usa.talks", 2)]


@pytest.mark.parametrize("era", [None, "roh", "lee"])
def test_rules_hold_whatever_the_era(era):
    with_rule = catalogue(Condition("dprk.freeze before rok.aid"))
    rules = [c.text for c in catalogue_in_force(with_rule, {"ROK": era}).conditions if c.party is None]
    assert rules == ["dprk.freeze before rok.aid"]


def test_the_values_of_moves_follow_the_positions_in_force():
    def value(era):
        return move_values(catalogue_in_force(CATALOGUE, {"ROK": era}))["usa.talks"]["ROK"]

    assert (value(None), value("roh"), value("lee")) == (1, 2, -1)


@pytest.mark.parametrize(
    ("day", "era"),
    [
        (date(2003, 2, 24), None),  # before the first era: standing rows only
        (date(2003, 2, 25), "roh"),  # the start is inclusive
        (date(2008, 2, 24), "roh"),
        (date(2008, 2, 25), "lee"),  # the end is exclusive: the next era's first day
        (date(2013, 2, 24), "lee"),
        (date(2013, 2, 25), None),  # after the last era
    ],
)
def test_a_party_is_judged_in_the_era_containing_the_date(day, era):
    assert dict(judged_eras(CATALOGUE, day)).get("ROK") == era
    assert (era_on((ROH, LEE), day).name if era_on((ROH, LEE), day) else None) == era


def test_a_pin_chooses_the_era_whatever_the_date():
    assert dict(judged_eras(CATALOGUE, date(2007, 1, 1), {"ROK": "lee"})) == {"ROK": "lee"}
    assert dict(judged_eras(CATALOGUE, date(1990, 1, 1), {"ROK": "roh"})) == {"ROK": "roh"}


def test_the_catalogue_in_force_says_which_era_each_party_is_judged_in():
    view = in_force_on(CATALOGUE, date(2009, 1, 1))
    assert view.era_of == {"ROK": "lee"} and view.resolved
    assert CATALOGUE.in_force(date(2009, 1, 1)) == view


def test_a_stored_catalogue_with_era_rows_is_never_judged_as_it_is():
    with pytest.raises(ValueError, match="in force"):
        effective_conditions(CATALOGUE)
    with pytest.raises(ValueError, match="in force"):
        move_values(CATALOGUE)


def test_the_accord_satisfies_rok_under_roh_and_not_under_lee():
    def rok(era):
        (party,) = [p for p in Checker(catalogue_in_force(CATALOGUE, {"ROK": era})).check(ACCORD).parties
                    if p.party == "ROK"]
        return party

    roh, lee = rok("roh"), rok("lee")
    assert (roh.satisfied, roh.passed, roh.total, roh.era) == (True, 1, 1, "roh")
    assert (lee.satisfied, lee.passed, lee.total, lee.era) == (False, 1, 2, "lee")
    assert [r.text for r in lee.conditions if not r.passed] == ["dprk.protocol before rok.aid"]
    assert [r.era for r in lee.conditions] == [None, "lee"]


def test_metrics_use_the_positions_in_force():
    def balances(era):
        view = catalogue_in_force(CATALOGUE, {"ROK": era})
        return package_metrics(view, ACCORD).parties["ROK"].balances

    assert (balances(None), balances("roh"), balances("lee")) == ((3, 2), (4, 3), (1, 0))


@pytest.mark.parametrize(
    ("first", "last", "eras"),
    [
        (date(2007, 10, 3), date(2008, 10, 31), ("roh", "lee")),
        (date(2007, 10, 3), date(2008, 2, 24), ("roh",)),  # the day before lee's first day
        (date(2007, 10, 3), date(2008, 2, 25), ("roh", "lee")),  # lee's first day
        (date(2012, 1, 1), date(2014, 1, 1), ("lee", None)),  # runs past the last era
        (date(2000, 1, 1), date(2004, 1, 1), (None, "roh")),  # starts before the first
        (date(1994, 10, 21), date(1994, 10, 21), (None,)),  # outside every era
    ],
)
def test_the_window_spans_the_eras_it_overlaps_and_the_stretches_outside_them(first, last, eras):
    assert spanned((ROH, LEE), first, last) == eras


def test_a_gap_between_eras_is_spanned_as_standing_rows():
    later = Era("ROK", "park", "Park", date(2014, 1, 1))
    assert spanned((ROH, LEE, later), date(2012, 1, 1), date(2015, 1, 1)) == ("lee", None, "park")


def test_the_window_runs_from_the_as_of_date_to_the_last_due_date():
    assert window(ACCORD, date(2007, 10, 3)) == (date(2007, 10, 3), date(2008, 10, 31))
    assert window(Package("undated", steps=(Step(),)), date(2007, 10, 3)) == (date(2007, 10, 3), date(2007, 10, 3))
    # a due date before the as-of date leaves the as-of date alone
    assert window(ACCORD, date(2010, 1, 1)) == (date(2010, 1, 1), date(2010, 1, 1))
