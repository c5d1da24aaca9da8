"""The rules on data (negotiator.domain.rules), without a database: each writer calls these, so
each case here holds for every command, for import and for ``--save-as`` alike."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from negotiator.domain import rules
from negotiator.domain.errors import ConditionSyntaxError, InvalidValue, UnknownCode
from negotiator.domain.model import (
    STATUSES,
    Bound,
    Condition,
    Event,
    Issue,
    Move,
    Package,
    Party,
    Placement,
    Position,
    Step,
    parse_date,
    parse_timestamp,
)

WAGE = Move("kaesong.wage", "ROK", "Wage", unit="USD/month")
FREEZE = Move("dprk.freeze", "DPRK", "Freeze")
MOVES = {m.code: m for m in (WAGE, FREEZE)}


def messages(found: list[rules.Problem]) -> list[str]:
    return [problem.message for problem in found]


def fields(found: list[rules.Problem]) -> list[str]:
    return [problem.field for problem in found]


# --- codes, names and text ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["party code", "issue code", "move code", "package name", "condition name", "era name"])
def test_a_code_or_name_longer_than_64_characters_is_refused(kind):
    code = "a" * 65
    article = "an" if kind[0] in "aeiou" else "a"
    assert messages(rules.code_problems("code", code, kind)) == [
        f"'{'a' * 39}…' is too long for {article} {kind}: at most 64 characters, not 65"]
    assert rules.code_problems("code", "a" * 64, kind) == []


@pytest.mark.parametrize("value", ["a\x00b", "half \ud800 pair"])
def test_text_with_a_nul_or_an_unpaired_surrogate_is_refused(value):
    assert fields(rules.party_problems(Party("A", "x", notes=value))) == ["notes"]


@pytest.mark.parametrize("row, field, message", [
    (Party("A", "  "), "name", "a party needs a name"),
    (Issue("kaesong", ""), "title", "an issue needs a title"),
    (Move("a.b", "A", " "), "title", "a move needs a title"),
])
def test_a_blank_name_or_title_is_refused(row, field, message):
    found = rules.party_problems(row) if isinstance(row, Party) else (
        rules.issue_problems(row) if isinstance(row, Issue) else rules.move_problems(row))
    assert [(p.field, p.message) for p in found] == [(field, message)]


def test_a_blank_unit_is_refused_but_no_unit_is_fine():
    assert fields(rules.move_problems(Move("a.b", "A", "t", unit=" "))) == ["unit"]
    assert rules.move_problems(Move("a.b", "A", "t", unit=None)) == []


@pytest.mark.parametrize("cost, message", [(-1, "cost must be at least 0, not -1"),
                                           (2**31, "cost must be at most 2147483647, not 2147483648")])
def test_a_cost_is_a_32_bit_whole_number_of_at_least_0(cost, message):
    assert messages(rules.move_problems(Move("a.b", "A", "t", cost=cost))) == [message]


# --- positions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("position, message", [
    (Position("DPRK", "kaesong.wage", "offer"), "DPRK cannot offer 'kaesong.wage': only its actor ROK can offer a move"),
    (Position("ROK", "kaesong.wage", "demand"), "ROK cannot demand its own move 'kaesong.wage'"),
    (Position("DPRK", "kaesong.wage", "demands"),
     "stance must be demand, offer or oppose, not 'demands' (did you mean 'demand'?)"),
    (Position("DPRK", "kaesong.wage", "demand", weight=0), "weight must be at least 1, not 0"),
    (Position("DPRK", "dprk.freeze", "offer", bound=Bound(">=", 3)),
     "move 'dprk.freeze' has no unit, so it has no quantity to bound (give the move a unit)"),
    (Position("DPRK", "kaesong.wage", "demand", bound=Bound(">=", 1e13)),
     "a bound must be between -10^12 and 10^12, not 10000000000000"),
])
def test_a_position_breaking_a_rule_is_refused(position, message):
    assert messages(rules.position_problems(position, MOVES[position.move])) == [message]


def test_a_new_actor_may_not_leave_a_stance_wrong():
    found = rules.actor_change_problems(Move("kaesong.wage", "DPRK", "Wage", unit="USD"),
                                       [Position("DPRK", "kaesong.wage", "demand")])
    assert messages(found) == [("cannot make DPRK the actor of 'kaesong.wage': DPRK cannot demand its own move "
                               "'kaesong.wage'; change that position first")]


def test_a_move_loses_its_unit_only_when_nothing_measures_it():
    unitless = Move("kaesong.wage", "ROK", "Wage")
    assert rules.unit_problems(unitless, []) == []
    found = rules.unit_problems(unitless, ["DPRK's bound (>= 300)", "condition 4", "package p (quantity 120)"])
    assert messages(found) == [("move 'kaesong.wage' needs a unit while DPRK's bound (>= 300), condition 4 and "
                               "package p (quantity 120) measure its quantity; remove those first")]


# --- conditions --------------------------------------------------------------------------------


@pytest.mark.parametrize("text, message", [
    ("steps <= -1", "a package has 1 or more steps, so 'steps' is compared with a whole number of at least 1, not -1"),
    ("steps >= 0", "a package has 1 or more steps, so 'steps' is compared with a whole number of at least 1, not 0"),
    ("steps <= 2.5", ("a package has 1 or more steps, so 'steps' is compared with a whole number of at least 1, "
                     "not 2.5")),
    ("dprk.freeze by step 0", "'dprk.freeze by step 0': steps are numbered from 1"),
    ("dprk.freeze >= 3", ("move 'dprk.freeze' has no unit, so the condition cannot compare its quantity (give the "
                         "move a unit)")),
    ("kaesong.wage >= 10000000000000", "a number in a condition must be between -10^12 and 10^12, not 10000000000000"),
    ("includes usa.talks", "unknown move 'usa.talks'"),
])
def test_a_condition_breaking_a_rule_is_refused(text, message):
    _node, found = rules.condition_problems(Condition(text, "USA"), MOVES)
    assert messages(found) == [message]


def test_a_rule_may_not_use_balance_or_exposure():
    _, found = rules.condition_problems(Condition("balance >= 0 and exposure <= 2"), MOVES)
    assert messages(found) == [("a rule (a condition without a party) cannot use balance or exposure: balance and "
                               "exposure are measured for a party; give the condition a party")]


def test_a_rule_may_use_steps_and_a_party_may_use_balance_and_exposure():
    assert rules.condition_problems(Condition("steps <= 3"), MOVES)[1] == []
    assert rules.condition_problems(Condition("balance >= 0 and exposure <= 2", "USA"), MOVES)[1] == []


def test_every_atom_is_checked_wherever_it_stands_in_the_tree():
    text = "not (dprk.freeze by step 0 or steps <= 0) unless (kaesong.wage >= 10000000000000 and includes usa.talks)"
    found = messages(rules.condition_problems(Condition(text, "USA"), MOVES)[1])
    assert sorted(found) == sorted([
        "unknown move 'usa.talks'",
        "'dprk.freeze by step 0': steps are numbered from 1",
        "a package has 1 or more steps, so 'steps' is compared with a whole number of at least 1, not 0",
        "a number in a condition must be between -10^12 and 10^12, not 10000000000000",
    ])


def test_a_condition_that_does_not_parse_carries_the_syntax_error_with_its_caret():
    node, (problem,) = rules.condition_problems(Condition("includes", "USA"), MOVES)
    assert node is None and isinstance(problem.exception(), ConditionSyntaxError)


def test_an_unknown_move_in_a_condition_carries_the_did_you_mean():
    _, (problem,) = rules.condition_problems(Condition("includes dprk.freez", "USA"), MOVES)
    assert isinstance(problem.exception(), UnknownCode)
    assert "did you mean 'dprk.freeze'" in problem.message


def test_two_conditions_of_one_party_may_not_share_a_text_whatever_their_names():
    stored = [("7", Condition("includes dprk.freeze", "USA")), ("first", Condition("includes dprk.freeze", "JPN",
                                                                                    "first"))]
    assert messages(rules.duplicate_problems(Condition("includes dprk.freeze", "USA", "other"), stored)) == [
        "USA already has this condition: condition 7"]
    assert messages(rules.duplicate_problems(Condition("includes dprk.freeze"), stored)) == []
    assert messages(rules.duplicate_problems(Condition("excludes dprk.freeze", "USA", "first"), stored)) == [
        "condition 'first' already exists; choose another name"]


# --- packages, placements and tracking ---------------------------------------------------------


def test_a_quantity_is_finite_at_most_ten_to_the_twelve_and_only_for_a_move_with_a_unit():
    assert rules.quantity_problems(WAGE, 1e12) == []
    assert messages(rules.quantity_problems(WAGE, 1e308)) == ["a quantity must be between -10^12 and 10^12, not 1e+308"]
    assert messages(rules.quantity_problems(WAGE, float("nan"))) == ["a quantity must be a finite number, not nan"]
    assert messages(rules.quantity_problems(FREEZE, 3.0)) == [
        "move 'dprk.freeze' has no unit, so it takes no quantity (give the move a unit)"]


def test_placing_notes_a_missing_quantity_and_a_quantity_outside_a_bound():
    bound = [Position("DPRK", "kaesong.wage", "demand", bound=Bound(">=", 300))]
    assert rules.placement_notes(WAGE, None, bound) == [
        "move 'kaesong.wage' is measured in USD/month but was placed without a quantity"]
    assert rules.placement_notes(WAGE, -5.0, bound) == [
        "quantity -5 is outside DPRK's bound on 'kaesong.wage' (>= 300)"]
    assert rules.placement_notes(WAGE, 300.0, bound) == []


def test_a_move_appears_at_most_once_per_package():
    package = Package("p", steps=(Step(placements=(Placement("dprk.freeze"),)),
                                  Step(placements=(Placement("kaesong.wage"), Placement("dprk.freeze")))))
    ((s, p, problem),) = rules.repeated_placements(package)
    assert (s, p) == (1, 1)
    assert problem.message == "move 'dprk.freeze' is already in step 1 of package 'p'; a move appears at most once per package"
    assert messages(rules.placement_once_problems(package, "kaesong.wage")) == [
        "move 'kaesong.wage' is already in step 2 of package 'p'; a move appears at most once per package"]


def test_a_package_cannot_be_based_on_itself_nor_on_an_unknown_one():
    assert messages(rules.package_problems(Package("p", based_on="p"))) == ["package 'p' cannot be based on itself"]
    assert messages(rules.based_on_problems(Package("p", based_on="q"), {"p", "r"})) == ["unknown package 'q'"]


@pytest.mark.parametrize("old, new", [("draft", "proposed"), ("proposed", "agreed"), ("agreed", "implementing"),
                                      ("implementing", "completed"), ("draft", "agreed"), ("agreed", "collapsed")])
def test_going_forward_needs_nothing(old, new):
    assert rules.transition_problems(old, new) == []


@pytest.mark.parametrize("old, new", [("proposed", "draft"), ("implementing", "agreed"),
                                      ("completed", "collapsed"), ("collapsed", "completed")])
def test_going_back_needs_force_and_a_note(old, new):
    assert "must be forced" in messages(rules.transition_problems(old, new))[0]
    assert "needs a note" in messages(rules.transition_problems(old, new, force=True, note="  "))[0]
    assert rules.transition_problems(old, new, force=True, note="talks resumed") == []


@pytest.mark.parametrize("status", STATUSES)
def test_the_same_status_again_is_refused(status):
    assert messages(rules.transition_problems(status, status, force=True, note="x")) == [f"the package is already {status}"]


def test_an_unknown_status_is_refused_with_the_valid_ones():
    assert messages(rules.status_problems("signed")) == [
        "status must be draft, proposed, agreed, implementing, completed or collapsed, not 'signed'"]


@pytest.mark.parametrize("status", ["draft", "proposed", "completed", "collapsed"])
def test_only_agreed_or_implementing_packages_are_tracked(status):
    (message,) = messages(rules.trackable_problems("p", status))
    assert f"is {status}" in message
    if status in ("draft", "proposed"):
        assert message.endswith("(set its status to agreed first)")
    else:  # going back is a backward move: it needs --force and a note
        assert message.endswith("(to track it again, set its status back to implementing with --force and a note "
                                "saying why)")


@pytest.mark.parametrize(("count", "allow_next", "expected"), [
    (3, False, "step 5 does not exist: the package has steps 1..3"),
    (1, False, "step 5 does not exist: the package has one step"),
    (1, True, "step 5 does not exist: the package has one step (or 2 to add one)"),
    (0, True, "step 5 does not exist: the package has no steps yet (or 1 to add one)"),
    (0, False, "the package has no steps; add one with 'package step add'"),
])
def test_a_step_that_does_not_exist_is_named_with_the_steps_there_are(count, allow_next, expected):
    assert messages(rules.ordinal_problems(5, count, allow_next=allow_next)) == [expected]


def test_what_happened_is_not_dated_after_today():
    today = date(2026, 6, 1)
    assert rules.not_after_today_problems("at", date(2026, 6, 1), today) == []
    assert messages(rules.not_after_today_problems("at", date(2026, 6, 2), today, "an implementation update")) == [
        "2026-06-02 is after today (2026-06-01): an implementation update can be recorded only once it has happened"]
    future = Event(datetime(2026, 6, 2), "level", "a", None, "3")
    assert fields(rules.event_date_problems(future, today)) == ["at"]
    assert rules.event_date_problems(Event(datetime(2026, 6, 2), "created"), today) == []


def test_an_update_may_not_predate_the_agreement():
    found = rules.not_before_problems(date(2026, 1, 1), datetime(2026, 2, 1, 10), "it was agreed", "p")
    assert messages(found) == [("2026-01-01 is before it was agreed on 2026-02-01 in package 'p'; give a date on or "
                               "after that")]



# --- the latest level event wins --------------------------------------------------------------


HISTORY = (
    Event(datetime(2026, 2, 1), "level", "a", None, "reversed"),
    Event(datetime(2026, 1, 1), "level", "a", None, "2"),
    Event(datetime(2026, 1, 5), "level", "b", None, "1"),
    Event(datetime(2026, 1, 5), "level", "b", None, "3"),
)


def test_the_latest_level_event_of_each_move_wins_and_a_tie_goes_to_the_one_recorded_last():
    assert {move: event.new for move, event in rules.latest_levels(HISTORY).items()} == {"a": "reversed", "b": "3"}


def test_level_events_after_the_date_asked_for_do_not_count():
    assert {m: e.new for m, e in rules.latest_levels(HISTORY, datetime(2026, 1, 31)).items()} == {"a": "2", "b": "3"}


def test_a_move_never_tracked_keeps_its_stored_level_and_one_not_yet_tracked_is_at_0():
    assert rules.level_on("c", "2", HISTORY) == "2"
    assert rules.level_on("a", "3", HISTORY, datetime(2025, 12, 31)) == "0"
    assert rules.level_on("a", "3", HISTORY, datetime(2026, 1, 1)) == "2"


# --- dates are strictly YYYY-MM-DD on every Python --------------------------------------------


@pytest.mark.parametrize("text", ["2027-W09-1", "20270301", "2027-3-1", "2027-03-01T10:00", "2027-02-30", " "])
def test_a_date_in_any_other_form_is_refused(text):
    with pytest.raises(InvalidValue, match="expected YYYY-MM-DD"):
        parse_date(text, "due date")


@pytest.mark.parametrize("text", ["2027-W09-1", "20270301", "2027-3-1T10:00", "2027-03-01T1000"])
def test_a_timestamp_in_any_other_form_is_refused(text):
    with pytest.raises(InvalidValue, match="expected YYYY-MM-DD"):
        parse_timestamp(text)


@pytest.mark.parametrize("text, expected", [
    ("2027-03-01", datetime(2027, 3, 1)),
    ("2027-03-01T09:30", datetime(2027, 3, 1, 9, 30)),
    ("2027-03-01 09:30:15.5", datetime(2027, 3, 1, 9, 30, 15, 500000)),
    ("2026-11-30T13:15:22.123456", datetime(2026, 11, 30, 13, 15, 22, 123456)),
])
def test_a_timestamp_is_a_date_with_an_optional_time(text, expected):
    assert parse_timestamp(text) == expected
