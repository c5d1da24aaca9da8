"""The rules on eras, as the data they return: what every writer (a command, import) refuses."""

from __future__ import annotations

from datetime import date

import pytest

from negotiator.domain import rules
from negotiator.domain.errors import InvalidValue
from negotiator.domain.model import Era, Position

ROH = Era("ROK", "roh", "Roh Moo-hyun government", date(2003, 2, 25), date(2008, 2, 25))
LEE = Era("ROK", "lee", "Lee Myung-bak government", date(2008, 2, 25), date(2013, 2, 25))
ERAS = {"ROK": ["roh", "lee"], "USA": ["bush"]}


def _messages(problems) -> list[str]:
    return [p.message for p in problems]


def test_a_sound_era_has_no_problem():
    assert rules.era_problems(ROH) == []
    assert rules.era_problems(Era("USA", "trump-2", "Trump's second administration", date(2025, 1, 20))) == []


@pytest.mark.parametrize(("era", "field", "message"), [
    (Era("ROK", "lee", "Lee", date(2013, 2, 25), date(2008, 2, 25)), "end",
     "era 'lee' of ROK must start before it ends: 2013-02-25 is not before 2008-02-25"),
    (Era("ROK", "lee", "Lee", date(2008, 2, 25), date(2008, 2, 25)), "end",
     "era 'lee' of ROK must start before it ends: 2008-02-25 is not before 2008-02-25"),
    (Era("ROK", "Lee", "Lee", date(2008, 2, 25)), "name",
     "'Lee' is not a valid era name: use lower-case letters, digits, '.', '_' or '-', e.g. lee or trump-1"),
    (Era("ROK", "lee=mb", "Lee", date(2008, 2, 25)), "name",
     "'lee=mb' is not a valid era name: use lower-case letters, digits, '.', '_' or '-', e.g. lee or trump-1"),
    (Era("ROK", "x" * 65, "Lee", date(2008, 2, 25)), "name",
     f"'{'x' * 39}…' is too long for an era name: at most 64 characters, not 65"),
    (Era("ROK", "lee", "  ", date(2008, 2, 25)), "title", 'an era needs a title, e.g. "Lee Myung-bak government"'),
])
def test_an_era_with_a_bad_field_is_refused_at_that_field(era, field, message):
    (found,) = rules.era_problems(era)
    assert (found.field, found.message) == (field, message)


def test_overlapping_eras_of_a_party_are_refused_naming_both():
    early_lee = Era("ROK", "lee", "Lee", date(2008, 2, 1), date(2013, 2, 25))
    assert _messages(rules.overlap_problems(early_lee, [ROH])) == [
        "era 'lee' of ROK (2008-02-01 to 2013-02-25) overlaps its era 'roh' (2003-02-25 to 2008-02-25); "
        "a party's eras never overlap"]


def test_an_ongoing_era_overlaps_every_later_one():
    ongoing = Era("ROK", "roh", "Roh", date(2003, 2, 25))
    assert len(rules.overlap_problems(ongoing, [LEE])) == 1
    assert len(rules.overlap_problems(LEE, [ongoing])) == 1


def test_eras_that_meet_on_a_day_do_not_overlap_since_the_end_is_excluded():
    assert rules.overlap_problems(LEE, [ROH]) == []
    assert rules.overlap_problems(ROH, [LEE]) == []


def test_eras_of_different_parties_never_clash():
    assert rules.overlap_problems(Era("USA", "bush", "Bush", date(2001, 1, 20), date(2009, 1, 20)), [ROH, LEE]) == []


def test_a_party_cannot_have_two_eras_of_one_name():
    assert _messages(rules.era_unique_problems(LEE, [ROH, LEE])) == [
        "era 'lee' of ROK already exists; use `negotiator era edit` to change it"]


def test_an_era_named_by_a_position_or_condition_belongs_to_its_own_party():
    assert rules.era_reference_problems("era", "ROK", "lee", ERAS) == []
    assert rules.era_reference_problems("era", "ROK", None, ERAS) == []
    assert _messages(rules.era_reference_problems("era", "USA", "lee", ERAS)) == [
        "'lee' is an era of ROK, not of USA: a position's or condition's era is one of its own party's"]


def test_an_unknown_era_is_refused_with_a_did_you_mean():
    assert _messages(rules.era_reference_problems("era", "ROK", "le", ERAS)) == [
        "unknown era 'le' of ROK (did you mean 'lee'?); its eras: lee, roh"]


def test_an_era_of_a_party_without_eras_is_refused_saying_so():
    assert _messages(rules.era_reference_problems("era", "DPRK", "kim", ERAS)) == [
        "unknown era 'kim' of DPRK: DPRK has no eras (negotiator era add gives it one)"]


def test_a_rule_has_no_era():
    (found,) = rules.era_reference_problems("era", None, "lee", ERAS)
    assert found.message.startswith("a rule (a condition without a party) has no era")


def test_one_standing_position_per_party_and_move_and_one_per_era():
    standing = Position("ROK", "usa.talks", "demand")
    lee = Position("ROK", "usa.talks", "oppose", era="lee")
    assert rules.position_key_problems(lee, [standing]) == []
    assert _messages(rules.position_key_problems(Position("ROK", "usa.talks", "oppose"), [standing, lee])) == [
        "position 'ROK on usa.talks' already exists; it is 'demand'; edit that one instead"]
    assert _messages(rules.position_key_problems(Position("ROK", "usa.talks", "demand", era="lee"), [lee])) == [
        "position 'ROK on usa.talks' in era lee already exists; it is 'oppose'; edit that one instead"]


def test_choices_of_era_are_read_as_party_equals_era():
    assert rules.parse_pins(["ROK=lee", " USA = bush "]) == {"ROK": "lee", "USA": "bush"}


@pytest.mark.parametrize(("values", "message"), [
    (["ROK"], "'ROK' is not a choice of era: write PARTY=ERA, e.g. ROK=lee"),
    (["ROK="], "'ROK=' is not a choice of era: write PARTY=ERA, e.g. ROK=lee"),
    (["=lee"], "'=lee' is not a choice of era: write PARTY=ERA, e.g. ROK=lee"),
    (["ROK=lee", "ROK=roh"], "two eras are chosen for ROK: 'lee' and 'roh'"),
])
def test_a_malformed_choice_of_era_is_refused(values, message):
    with pytest.raises(InvalidValue) as refused:
        rules.parse_pins(values)
    assert str(refused.value) == message


def test_a_choice_of_era_names_a_known_party_and_one_of_its_eras():
    assert rules.pin_problems({"ROK": "lee"}, ["ROK", "USA"], ERAS) == []
    assert _messages(rules.pin_problems({"ROC": "lee"}, ["ROK", "USA"], ERAS)) == [
        "unknown party 'ROC' (did you mean 'ROK'?)"]
    assert _messages(rules.pin_problems({"USA": "obama"}, ["ROK", "USA"], ERAS)) == [
        "unknown era 'obama' of USA; its eras: bush"]


def test_an_era_holding_rows_is_removed_only_with_cascade():
    held = ["position oppose usa.talks", "condition lee-protocol-first"]
    assert _messages(rules.era_removal_problems(LEE, held[:1], held[1:], cascade=False)) == [
        "era 'lee' of ROK still holds position oppose usa.talks, condition lee-protocol-first; "
        "remove them first, or the era together with them"]
    assert rules.era_removal_problems(LEE, held[:1], held[1:], cascade=True) == []
    assert rules.era_removal_problems(LEE, [], [], cascade=False) == []
