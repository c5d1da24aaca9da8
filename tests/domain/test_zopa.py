"""Zones of possible agreement (``negotiator.domain.zopa``) and the sets of quantities they are
made of (``negotiator.domain.intervals``): set algebra against membership of numbers, what each
party accepts, where they meet, who clashes, and the quantity compose aims for."""

from __future__ import annotations

from functools import reduce

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiator.domain.errors import InvalidValue
from negotiator.domain.evaluate import effective_conditions
from negotiator.domain.intervals import Span
from negotiator.domain.model import Bound, Catalogue, Condition, Move, Party, Position
from negotiator.domain.zopa import aim, zone_of, zones, zopa_document, zopa_table

OPS = (">=", "<=", ">", "<", "=", "!=")
VALUES = st.sampled_from([-5, 0, 1.5, 80, 100, 300])
SPANS = st.lists(st.tuples(st.sampled_from(OPS), VALUES), min_size=1, max_size=3).map(
    lambda atoms: reduce(Span.union, [Span.compared(op, v) for op, v in atoms]))
PROBES = [-10, -5, -1, 0, 1, 1.5, 2, 79.5, 80, 81, 99, 100, 101, 299, 300, 301, 1000]


def _holds(op: str, left: float, right: float) -> bool:
    return {">=": left >= right, "<=": left <= right, ">": left > right, "<": left < right, "=": left == right,
            "!=": left != right}[op]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(OPS), VALUES)
def test_a_comparison_holds_exactly_for_the_numbers_of_its_span(op, value):
    span = Span.compared(op, value)
    assert [span.contains(p) for p in PROBES] == [_holds(op, p, value) for p in PROBES]


@settings(max_examples=200, deadline=None)
@given(SPANS, SPANS)
def test_union_intersection_and_complement_agree_with_membership(a, b):
    for p in PROBES + [value + d for value in (-5, 0, 1.5, 80, 100, 300) for d in (-0.25, 0.25)]:
        assert a.union(b).contains(p) == (a.contains(p) or b.contains(p))
        assert a.intersection(b).contains(p) == (a.contains(p) and b.contains(p))
        assert a.complement().contains(p) == (not a.contains(p))
    assert a.complement().complement() == a


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (Span.compared(">=", 300), ">= 300"),
        (Span.compared("<", 80), "< 80"),
        (Span.compared("=", 120), "= 120"),
        (Span.compared(">=", 80).intersection(Span.compared("<=", 300)), "80 to 300"),
        (Span.compared(">", 80).intersection(Span.compared("<=", 300)), "> 80 and <= 300"),
        (Span.compared("!=", 90), "!= 90"),
        (Span.compared("<", 80).union(Span.compared(">", 100)), "< 80 or > 100"),
        (Span.everything(), "any"),
        (Span.compared(">", 1).intersection(Span.compared("<", 1)), "nothing"),
    ],
)
def test_a_span_reads_as_a_bound(span, text):
    assert span.text() == text


def catalogue(*conditions: Condition, rok: str = "<= 80", dprk: str = ">= 300") -> Catalogue:
    def bound(text: str) -> Bound:
        op, value = text.split()
        return Bound(op, float(value))

    return Catalogue(
        parties=(Party("DPRK", "North"), Party("ROK", "South"), Party("USA", "US")),
        moves=(Move("kaesong.wage", "ROK", "Wage", unit="USD/month", cost=2), Move("rok.talks", "ROK", "Talks")),
        positions=(Position("DPRK", "kaesong.wage", "demand", 4, bound(dprk)),
                   Position("ROK", "kaesong.wage", "offer", 1, bound(rok))),
        conditions=conditions,
    )


def zone(cat: Catalogue):
    return zone_of(cat, "kaesong.wage", effective_conditions(cat))


def test_bounds_that_cannot_meet_are_no_agreement_between_that_pair():
    found = zone(catalogue())
    assert found.line == "kaesong.wage: DPRK >= 300, ROK <= 80: no agreement"
    assert [a.party for a in found.clash] == ["DPRK", "ROK"]


def test_conditions_on_the_quantity_alone_narrow_what_a_party_accepts():
    found = zone(catalogue(
        Condition("kaesong.wage <= 500 and not kaesong.wage = 480", party="USA"),
        Condition("kaesong.wage >= 100 or includes rok.talks", party="USA"),  # depends on more: left out
        Condition("kaesong.wage < 350", party="DPRK", soft=True),  # soft: does not decide
        rok="<= 450",
    ))
    assert [a.text for a in found.accepted] == ["DPRK >= 300", "ROK <= 450", "USA < 480 or > 480 and <= 500"]
    assert found.agreement == "300 to 450" and found.clash == ()
    assert found.line == "kaesong.wage: DPRK >= 300, ROK <= 450, USA < 480 or > 480 and <= 500: 300 to 450"


def test_rules_take_part_as_the_rule():
    found = zone(catalogue(Condition("kaesong.wage >= 50 unless kaesong.wage >= 1000"), rok="<= 700"))
    assert [a.text for a in found.accepted] == ["DPRK >= 300", "ROK <= 700", "(rule) >= 50"]


def test_the_clash_is_the_first_pair_that_cannot_meet_even_among_three():
    found = zone(catalogue(Condition("kaesong.wage <= 200", party="USA"), rok="<= 250"))
    assert [a.party for a in found.clash] == ["DPRK", "ROK"]
    found = zone(catalogue(Condition("kaesong.wage <= 200", party="USA"), rok="<= 350"))
    assert [a.party for a in found.clash] == ["DPRK", "USA"]


def test_a_party_whose_own_demands_cannot_meet_is_a_clash_alone():
    found = zone(catalogue(Condition("kaesong.wage > 500 and kaesong.wage < 400", party="USA"), rok="<= 700"))
    assert [a.party for a in found.clash] == ["USA"]


@pytest.mark.parametrize(
    ("rok", "dprk", "fallback", "expected"),
    [
        ("<= 300", ">= 100", None, 200),  # the middle
        ("<= 301", ">= 100", None, 200),  # 200.5: the lower of two nearest
        ("<= 80", ">= 300", None, 190),  # no agreement: the middle of the gap
        ("< 101", "> 100", None, 100),  # no whole number inside: the nearer to 100.5, the lower on a tie
        ("< 102", "> 101", None, 101),
        ("!= 5", ">= 100", None, 100),  # open above: the finite end
        ("!= 5", "!= 7", 42, 42),  # nothing bounds it: the package's quantity
        ("!= 5", "!= 7", None, 0),
    ],
)
def test_compose_aims_at_the_middle_of_the_zone(rok, dprk, fallback, expected):
    assert aim(zone(catalogue(rok=rok, dprk=dprk)), fallback) == expected


def test_zones_cover_every_move_with_a_unit_and_refuse_one_without():
    cat = catalogue()
    assert [z.move for z in zones(cat, [], effective_conditions(cat))] == ["kaesong.wage"]
    with pytest.raises(InvalidValue, match="move 'rok.talks' has no unit"):
        zones(cat, ["rok.talks"], effective_conditions(cat))


def test_the_table_and_the_document_say_the_same():
    found = [zone(catalogue())]
    table = zopa_table(found)
    assert table.headers == ("move", "unit", "accepted by", "zone", "clash")
    assert table.rows == (("kaesong.wage", "USD/month", "DPRK >= 300, ROK <= 80", "no agreement", "DPRK >= 300, ROK <= 80"),)
    (document,) = zopa_document(found)
    assert document["parties"] == [
        {"party": "DPRK", "era": None, "accepts": ">= 300", "intervals": [[300, None]]},
        {"party": "ROK", "era": None, "accepts": "<= 80", "intervals": [[None, 80]]},
    ]
    assert document["agreement"] is False and document["clash"] == ["DPRK", "ROK"]


def test_the_table_names_the_era_a_party_was_judged_in():
    (found,) = [zone(catalogue())]
    judged = found._replace(accepted=tuple(a._replace(era="lee") if a.party == "ROK" else a for a in found.accepted),
                            clash=tuple(a._replace(era="lee") if a.party == "ROK" else a for a in found.clash))
    ((_, _, accepted_by, _, clash),) = zopa_table([judged]).rows
    assert accepted_by == clash == "DPRK >= 300, ROK (lee) <= 80"
    assert judged.line == "kaesong.wage: DPRK >= 300, ROK <= 80: no agreement"
