"""The tracker rebuilds a package's implementation state on a date (DESIGN §6).

The main scenario: three parties, five moves in three steps, twelve level events over three
dates.  Every expected number below is worked out by hand in the comments next to it, from
v_P(m) (§4) weighted by level/3 (reversed = 0).
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from negotiator.domain.drafting import read_step_text, step_text
from negotiator.domain.errors import InvalidValue
from negotiator.domain.model import (
    LEVELS,
    Catalogue,
    Event,
    Move,
    Package,
    Party,
    Placement,
    Position,
    Step,
)
from negotiator.domain.tracker import package_status, parse_level, realised_fraction, steps_on, summary

# v_P(m):
#   rok.food-aid        ROK -1, DPRK +2
#   dprk.freeze         DPRK -3, USA +4, ROK +2
#   usa.relief          USA -2, DPRK +3
#   usa.liaison-office  USA -1, DPRK +2, ROK -1 (opposes)
#   dprk.dismantle      DPRK -6, USA +6, ROK +3
CATALOGUE = Catalogue(
    parties=(Party("USA", "United States"), Party("DPRK", "North Korea"), Party("ROK", "South Korea")),
    moves=(
        Move("rok.food-aid", "ROK", "Food aid", unit="tons", cost=1),
        Move("dprk.freeze", "DPRK", "Freeze", cost=3),
        Move("usa.relief", "USA", "Sanctions relief", cost=2),
        Move("usa.liaison-office", "USA", "Liaison office", cost=1),
        Move("dprk.dismantle", "DPRK", "Dismantle", cost=6),
    ),
    positions=(
        Position("DPRK", "rok.food-aid", "demand", 2),
        Position("USA", "dprk.freeze", "demand", 4),
        Position("ROK", "dprk.freeze", "demand", 2),
        Position("DPRK", "usa.relief", "demand", 3),
        Position("DPRK", "usa.liaison-office", "demand", 2),
        Position("ROK", "usa.liaison-office", "oppose", 1),
        Position("USA", "dprk.dismantle", "demand", 6),
        Position("ROK", "dprk.dismantle", "demand", 3),
    ),
)

D1, D2, D3 = date(2027, 2, 15), date(2027, 4, 10), date(2027, 7, 20)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


def level(day: date, move: str, new: str, hour: int = 12, old: str = "0") -> Event:
    return Event(at(day, hour), "level", move=move, old=old, new=new, note=f"{move} to {new}")


HISTORY = (
    Event(datetime(2027, 1, 10), "created", new="draft"),
    Event(datetime(2027, 2, 1), "status", old="draft", new="agreed"),
    Event(at(D1, 9), "status", old="agreed", new="implementing"),
    level(D1, "rok.food-aid", "1", 9),
    level(D1, "rok.food-aid", "2", 15),
    level(D1, "dprk.freeze", "1"),
    level(D1, "usa.relief", "1"),
    level(D2, "rok.food-aid", "3"),
    level(D2, "dprk.freeze", "3"),
    level(D2, "usa.relief", "2"),
    level(D2, "usa.liaison-office", "1"),
    level(D3, "usa.relief", "3"),
    level(D3, "usa.liaison-office", "3"),
    level(D3, "dprk.dismantle", "1"),
    level(D3, "dprk.freeze", "reversed"),
)

PACKAGE = Package(
    name="freeze-for-relief",
    status="implementing",
    steps=(
        Step("Freeze and food", date(2027, 3, 1), (Placement("rok.food-aid", 500.0), Placement("dprk.freeze"))),
        Step("Relief and office", date(2027, 6, 1), (Placement("usa.relief"), Placement("usa.liaison-office"))),
        Step("Dismantle", date(2027, 12, 31), (Placement("dprk.dismantle"),)),
    ),
    history=HISTORY,
)


def test_the_scenario_has_a_dozen_level_events_over_three_dates():
    levels = [e for e in HISTORY if e.kind == "level"]
    assert len(levels) == 12
    assert {e.at.date() for e in levels} == {D1, D2, D3}


# (as_of, party, delivered, received, balance, exposure, balance through step 1, 2, 3)
HAND_WORKED = [
    # D1: food 2, freeze 1, relief 1, office 0, dismantle 0
    (D1, "DPRK", 3 * 1 / 3, 2 * 2 / 3 + 3 * 1 / 3, 4 / 3, 0.0, (2 * 2 / 3 - 1, 4 / 3, 4 / 3)),
    (D1, "USA", 2 * 1 / 3, 4 * 1 / 3, 2 / 3, 0.0, (4 / 3, 2 / 3, 2 / 3)),
    (D1, "ROK", 1 * 2 / 3, 2 * 1 / 3, 0.0, 0.0, (0.0, 0.0, 0.0)),
    # D2: food 3, freeze 3, relief 2, office 1, dismantle 0
    (D2, "DPRK", 3.0, 2 + 3 * 2 / 3 + 2 * 1 / 3, 5 / 3, 1.0, (-1.0, 5 / 3, 5 / 3)),
    (D2, "USA", 2 * 2 / 3 + 1 / 3, 4.0, 7 / 3, 0.0, (4.0, 7 / 3, 7 / 3)),
    (D2, "ROK", 1.0, 2 - 1 / 3, 2 / 3, 0.0, (1.0, 2 / 3, 2 / 3)),
    # D3: food 3, freeze reversed, relief 3, office 3, dismantle 1
    (D3, "DPRK", 6 * 1 / 3, 2 + 3 + 2, 5.0, 0.0, (2.0, 7.0, 5.0)),
    (D3, "USA", 2 + 1, 6 * 1 / 3, -1.0, 3.0, (0.0, -3.0, -1.0)),
    (D3, "ROK", 1.0, -1 + 3 * 1 / 3, -1.0, 2.0, (-1.0, -2.0, -1.0)),
]


@pytest.mark.parametrize("as_of, party, delivered, received, balance, exposure, through", HAND_WORKED)
def test_realised_values_match_the_hand_calculation(as_of, party, delivered, received, balance, exposure, through):
    state = package_status(CATALOGUE, PACKAGE, as_of)
    got = state.party(party)
    assert got.delivered == pytest.approx(delivered)
    assert got.received == pytest.approx(received)
    assert got.balance == pytest.approx(balance)
    assert got.exposure == pytest.approx(exposure)
    assert [s.balances[party] for s in state.steps] == pytest.approx(list(through))


@pytest.mark.parametrize(
    "as_of, current, overdue, arrears",
    [
        (D1, 1, (), ("DPRK", "ROK")),  # step 1 half done, not yet due
        (D2, 2, (), ("USA",)),  # step 1 complete; relief and office under way
        (D3, 1, (1,), ("DPRK",)),  # the freeze was reversed: step 1 open again and past due
    ],
)
def test_current_step_overdue_steps_and_arrears_follow_the_date(as_of, current, overdue, arrears):
    state = package_status(CATALOGUE, PACKAGE, as_of)
    assert state.current_step == current
    assert state.overdue_steps == overdue
    assert sorted(state.in_arrears) == sorted(arrears)


@pytest.mark.parametrize(
    "as_of, expected",
    [
        (D1, {"rok.food-aid": "2", "dprk.freeze": "1", "usa.relief": "1", "usa.liaison-office": "0", "dprk.dismantle": "0"}),
        (D2, {"rok.food-aid": "3", "dprk.freeze": "3", "usa.relief": "2", "usa.liaison-office": "1", "dprk.dismantle": "0"}),
        (D3, {"rok.food-aid": "3", "dprk.freeze": "reversed", "usa.relief": "3", "usa.liaison-office": "3", "dprk.dismantle": "1"}),
    ],
)
def test_each_move_shows_the_last_level_set_on_or_before_the_date(as_of, expected):
    state = package_status(CATALOGUE, PACKAGE, as_of)
    assert {m.move: m.level for s in state.steps for m in s.moves} == expected


def test_a_date_before_any_update_shows_nothing_started():
    state = package_status(CATALOGUE, PACKAGE, date(2027, 2, 1))  # the day of the agreement
    assert {m.level for s in state.steps for m in s.moves} == {"0"}
    assert all(p.balance == 0 and p.delivered == 0 for p in state.parties)
    assert state.current_step == 1


@pytest.mark.parametrize(
    "as_of, status",
    [(date(2027, 1, 1), "draft"), (date(2027, 2, 1), "agreed"), (D1, "implementing"), (None, "implementing")],
)
def test_status_on_a_date_is_rebuilt_from_status_events(as_of, status):
    assert package_status(CATALOGUE, PACKAGE, as_of).status == status


def test_without_a_date_every_event_counts_and_due_dates_are_judged_against_today():
    state = package_status(CATALOGUE, PACKAGE, None, today=date(2028, 1, 1))
    assert state.party("USA").balance == pytest.approx(-1.0)
    assert state.overdue_steps == (1, 3)
    assert package_status(CATALOGUE, PACKAGE, None).overdue_steps == ()


def test_the_date_the_level_was_set_and_its_note_are_kept():
    state = package_status(CATALOGUE, PACKAGE, D2)
    food = next(m for s in state.steps for m in s.moves if m.move == "rok.food-aid")
    assert (food.since, food.note) == (D2, "rok.food-aid to 3")


def test_events_at_the_same_time_apply_in_history_order():
    same = datetime(2027, 5, 5, 10)
    package = Package(
        "p",
        steps=(Step(placements=(Placement("dprk.freeze"),)),),
        history=(Event(same, "level", "dprk.freeze", new="3"), Event(same, "level", "dprk.freeze", new="1")),
    )
    assert package_status(CATALOGUE, package).steps[0].moves[0].level == "1"


def test_a_placement_never_tracked_keeps_its_stored_level():
    package = Package("p", steps=(Step(placements=(Placement("dprk.freeze", level="2"),)),))
    state = package_status(CATALOGUE, package, D1)
    assert state.steps[0].moves[0].level == "2"
    assert state.party("USA").received == pytest.approx(4 * 2 / 3)


def test_events_of_a_move_no_longer_placed_are_ignored():
    package = Package(
        "p",
        steps=(Step(placements=(Placement("dprk.freeze"),)),),
        history=(level(D1, "usa.relief", "3"),),
    )
    state = package_status(CATALOGUE, package, D2)
    assert state.party("DPRK").received == 0
    assert [m.move for s in state.steps for m in s.moves] == ["dprk.freeze"]


def test_an_empty_step_counts_as_complete():
    package = Package("p", status="agreed", steps=(Step(), Step(placements=(Placement("dprk.freeze"),))))
    assert package_status(CATALOGUE, package).current_step == 2


def test_a_fully_implemented_package_has_no_current_step_and_nobody_in_arrears():
    package = Package(
        "p",
        steps=(Step(due=date(2027, 1, 1), placements=(Placement("dprk.freeze"),)),),
        history=(level(D1, "dprk.freeze", "3"),),
    )
    state = package_status(CATALOGUE, package, D2)
    assert (state.current_step, state.overdue_steps, state.in_arrears) == (None, (), ())


@pytest.mark.parametrize(
    "text, level_",
    [("0", "0"), ("3", "3"), (" 2 ", "2"), ("reversed", "reversed"), ("REVERSED", "reversed"),
     ("full", "3"), ("minimal", "1"), ("intermediate", "2"), ("none", "0")],
)
def test_levels_are_read_as_digits_or_words(text, level_):
    assert parse_level(text) == level_


@pytest.mark.parametrize("text", ["4", "-1", "half", "", "1.5"])
def test_anything_else_is_not_a_level(text):
    with pytest.raises(InvalidValue, match="0, 1, 2, 3 or reversed"):
        parse_level(text)


@pytest.mark.parametrize("level_, fraction", [("0", 0), ("1", 1 / 3), ("2", 2 / 3), ("3", 1), ("reversed", 0)])
def test_a_level_realises_its_share_of_a_moves_value(level_, fraction):
    assert realised_fraction(level_) == pytest.approx(fraction)


# Properties over random levels of the scenario's moves.
MOVES = [m.code for m in CATALOGUE.moves]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(MOVES), st.sampled_from(LEVELS), st.integers(0, 30)), max_size=20))
def test_realised_balance_is_received_minus_delivered_and_exposure_covers_it(updates):
    history = tuple(
        Event(datetime(2027, 1, 1 + day), "level", move, new=new) for move, new, day in updates
    )
    state = package_status(CATALOGUE, Package("p", steps=PACKAGE.steps, history=history))
    for party in state.parties:
        assert party.balance == pytest.approx(party.received - party.delivered)
        assert party.exposure >= 0
        assert party.exposure >= -party.balance - 1e-9
        assert party.balance == pytest.approx(state.steps[-1].balances[party.party])


@settings(max_examples=100, deadline=None)
@given(st.sets(st.sampled_from(MOVES)))
def test_fully_implemented_moves_realise_their_whole_value(done):
    history = tuple(level(D1, move, "3") for move in sorted(done))
    state = package_status(CATALOGUE, Package("p", steps=PACKAGE.steps, history=history), D1)
    weights = {(p.party, p.move): p.weight * (1 if p.stance == "demand" else -1)
               for p in CATALOGUE.positions if p.stance != "offer"}
    for party in CATALOGUE.parties:
        expected = sum(
            -m.cost if m.actor == party.code else weights.get((party.code, m.code), 0)
            for m in CATALOGUE.moves
            if m.code in done
        )
        assert state.party(party.code).balance == pytest.approx(expected)


# --- due dates as they stood -------------------------------------------------------------------


def _edited(day: date, ordinal: int, old: tuple[str, date | None], new: tuple[str, date | None]) -> Event:
    return Event(at(day), "step-edited", old=step_text(ordinal, *old), new=step_text(ordinal, *new))


def test_a_deadline_moved_later_counts_as_it_stood_on_the_date():
    # Step 1 was due 1 March; on 20 March it was moved to 1 May.  On 10 March the step is overdue
    # against the first deadline; on 10 April it is not, against the second; after 1 May it is again.
    moved = _edited(date(2027, 3, 20), 1, ("Freeze and food", date(2027, 3, 1)), ("Freeze and food", date(2027, 5, 1)))
    package = Package(
        name="p", status="implementing",
        steps=(Step("Freeze and food", date(2027, 5, 1), (Placement("rok.food-aid", 500.0), Placement("dprk.freeze"))),),
        history=(*HISTORY[:3], moved),
    )
    expected = {date(2027, 3, 10): (date(2027, 3, 1), (1,)), date(2027, 4, 10): (date(2027, 5, 1), ()),
                date(2027, 5, 2): (date(2027, 5, 1), (1,))}
    for as_of, (due, overdue) in expected.items():
        state = package_status(CATALOGUE, package, as_of)
        assert (state.steps[0].due, state.overdue_steps) == (due, overdue), as_of
    assert package_status(CATALOGUE, package, None, today=date(2027, 4, 10)).steps[0].due == date(2027, 5, 1)


def test_edits_after_the_date_are_undone_latest_first_and_a_label_comes_back_too():
    first = _edited(date(2027, 3, 20), 2, ("Relief", date(2027, 6, 1)), ("Relief and office", date(2027, 7, 1)))
    second = _edited(date(2027, 5, 5), 2, ("Relief and office", date(2027, 7, 1)), ("Relief and office", None))
    steps = (PACKAGE.steps[0], Step("Relief and office", None, PACKAGE.steps[1].placements), PACKAGE.steps[2])
    package = Package(PACKAGE.name, status=PACKAGE.status, steps=steps, history=(*HISTORY, first, second))
    assert steps_on(package, date(2027, 3, 1))[1] == ("Relief", date(2027, 6, 1))
    assert steps_on(package, date(2027, 4, 1))[1] == ("Relief and office", date(2027, 7, 1))
    assert steps_on(package, date(2027, 6, 1))[1] == ("Relief and office", None)
    assert steps_on(package, None)[1] == ("Relief and office", None)


def test_undoing_stops_where_the_steps_no_longer_match_the_history():
    # Step 1 was edited, then (later) the steps were reordered: the edit's new text no longer
    # describes step 1, so the history cannot be read back past the reordering.
    edit = _edited(date(2027, 3, 20), 1, ("Old", date(2027, 2, 1)), ("Freeze and food", date(2027, 3, 1)))
    reordered = (PACKAGE.steps[1], PACKAGE.steps[0], PACKAGE.steps[2])
    package = Package(PACKAGE.name, status=PACKAGE.status, steps=reordered, history=(*HISTORY, edit))
    assert steps_on(package, date(2027, 3, 10)) == [(s.label, s.due) for s in reordered]


def test_a_change_recorded_later_but_dated_in_the_past_reads_back():
    # The package was drafted (steps added) on 1 June, and the deadline change of 20 March was
    # recorded afterwards, dated on its day: on 10 March the first deadline stood.
    drafted = tuple(Event(at(date(2027, 6, 1)), "step-added", new=step_text(n, s.label, s.due))
                    for n, s in enumerate(PACKAGE.steps, 1))
    moved = _edited(date(2027, 3, 20), 1, ("Freeze and food", date(2027, 3, 1)), ("Freeze and food", date(2027, 5, 1)))
    steps = (Step("Freeze and food", date(2027, 5, 1), PACKAGE.steps[0].placements), *PACKAGE.steps[1:])
    package = Package(PACKAGE.name, status=PACKAGE.status, steps=steps, history=(*HISTORY, *drafted, moved))
    assert steps_on(package, date(2027, 3, 10))[0] == ("Freeze and food", date(2027, 3, 1))
    assert steps_on(package, date(2027, 4, 10))[0] == ("Freeze and food", date(2027, 5, 1))


@pytest.mark.parametrize("text", [None, "", "moved to October", "step x: y", "step 1 (due 2027-02-30)"])
def test_a_history_written_by_hand_in_another_form_ends_the_reading(text):
    assert read_step_text(text) is None
    edit = Event(at(date(2027, 3, 20)), "step-edited", old=text, new="anything")
    package = Package(PACKAGE.name, status=PACKAGE.status, steps=PACKAGE.steps, history=(*HISTORY, edit))
    assert steps_on(package, date(2027, 3, 10)) == [(s.label, s.due) for s in PACKAGE.steps]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10_000), st.text(max_size=40), st.one_of(st.none(), st.dates()))
def test_step_text_reads_back_as_written(ordinal, label, due):
    # A label that itself ends in "(due <date>)" without a due date reads as that due date: the
    # one text the history cannot tell apart.
    assume(due is not None or not re.search(r" \(due \d{4}-\d{2}-\d{2}\)$", label))
    assert read_step_text(step_text(ordinal, label, due)) == (ordinal, label, due)


# --- only an agreement in force makes anything due ------------------------------------------------


@pytest.mark.parametrize(("as_of", "status"), [(date(2027, 1, 20), "draft"), (date(2027, 7, 20), "implementing")])
def test_before_the_agreement_nothing_is_due_and_nobody_is_in_arrears(as_of, status):
    state = package_status(CATALOGUE, PACKAGE, as_of)
    assert state.status == status
    if status == "draft":
        assert (state.current_step, state.overdue_steps, state.in_arrears) == (None, (), ())
        assert summary(state) == "freeze-for-relief on 2027-01-20: draft; not agreed yet, so nothing is due"
    else:  # the same package once agreed: step 1 is overdue, as hand-worked above
        assert state.overdue_steps and state.in_arrears


@pytest.mark.parametrize(("ending", "expected"), [
    ("collapsed", "freeze-for-relief on 2027-08-01: collapsed at step 1; nothing more is due"),
    ("completed", "freeze-for-relief on 2027-08-01: completed; nothing more is due"),
])
def test_after_the_package_ends_nothing_more_is_due(ending, expected):
    ended = Event(at(date(2027, 7, 25)), "status", old="implementing", new=ending, note="ended")
    package = Package(PACKAGE.name, status=ending, steps=PACKAGE.steps, history=(*HISTORY, ended))
    state = package_status(CATALOGUE, package, date(2027, 8, 1))
    assert (state.status, state.overdue_steps, state.in_arrears) == (ending, (), ())
    assert not any(step.overdue for step in state.steps)
    assert summary(state) == expected
    # the day before it ended, the same history still shows who owed what
    assert package_status(CATALOGUE, package, date(2027, 7, 24)).in_arrears
