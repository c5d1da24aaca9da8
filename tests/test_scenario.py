"""Scenario files without a database: reading with FILE:LINE problems, references, writing.

The hypothesis strategy ``scenarios()`` builds whole domain Scenarios that respect every
invariant of DESIGN §2 (offers only by the actor, a move at most once per package, quantities
only for moves with a unit...); the database round trip in tests/db reuses it.
"""

from __future__ import annotations

import textwrap
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotiator.domain.errors import ScenarioProblems
from negotiator.domain.language import parse, to_text
from negotiator.domain.model import (
    COMPARATORS,
    KEYWORDS,
    LEVELS,
    STATUSES,
    Bound,
    Catalogue,
    Condition,
    Event,
    Issue,
    Move,
    Package,
    Party,
    Placement,
    Position,
    Scenario,
    Step,
)
from negotiator.scenario import (
    parse_scenario,
    read_scenario,
    validate_references,
    write_scenario,
)


def yaml_text(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def problems_of(text: str, existing: Scenario | None = None, filename: str = "f.yaml") -> list[str]:
    """Every problem of a file: its own, then its references, as ``FILE:LINE: message``."""
    existing = existing if existing is not None else Scenario()
    parsed = parse_scenario(yaml_text(text), filename)
    own = parsed.format(list(parsed.problems))
    return sorted(own + validate_references(parsed, existing), key=lambda line: int(line.split(":")[1]))


SECTION_7 = yaml_text("""
    parties:
      - {code: DPRK, name: Democratic People's Republic of Korea}
      - {code: ROK, name: Republic of Korea}
      - {code: JPN, name: Japan}
    issues:
      - {code: kaesong, title: Kaesong Industrial Complex}
    moves:
      - code: kaesong.wage
        actor: ROK
        issue: kaesong
        title: Set the average monthly wage at Kaesong
        unit: USD/month
        cost: 2
        reversible: true
        source: "004_2d9df996ed8380ea.txt: the DPRK has demanded average wage raises to $300"
      - {code: rok.food-aid, actor: ROK, title: Food aid, reversible: false}
      - {code: dprk.abduction-accounting, actor: DPRK, title: Account for the abductees}
      - {code: jpn.economic-cooperation, actor: JPN, title: Economic cooperation, cost: 3}
    positions:
      - {party: DPRK, stance: demand, move: kaesong.wage, weight: 3, bound: ">= 300"}
      - {party: ROK, stance: offer, move: kaesong.wage, bound: "<= 100"}
    conditions:
      - {party: JPN, name: abductions-first, text: "dprk.abduction-accounting before jpn.economic-cooperation"}
      - {text: "rok.food-aid before kaesong.wage"}      # a rule: no party
    packages:
      - name: kaesong-first
        title: Kaesong and NLL, infrastructure first
        status: agreed
        based_on: null
        steps:
          - label: Resume talks
            due: 2027-03-01
            moves: [rok.food-aid, {move: kaesong.wage, qty: 120, level: 2}]
          - label: Japan
            moves: [dprk.abduction-accounting, jpn.economic-cooperation]
        history:
          - {at: 2025-03-02, move: rok.food-aid, level: 3, note: first shipment delivered, source: "..."}
          - {at: 2025-03-01T09:30:00, kind: status, old: proposed, new: agreed}
""")


# --- reading ---------------------------------------------------------------------------------


def test_reading_the_design_example_gives_its_domain_values():
    scenario = read_scenario(SECTION_7, "k.yaml").scenario
    catalogue = scenario.catalogue
    assert catalogue.parties[0] == Party("DPRK", "Democratic People's Republic of Korea")
    assert catalogue.moves[0] == Move(
        "kaesong.wage", "ROK", "Set the average monthly wage at Kaesong", "kaesong", "", "USD/month", 2, True,
        "004_2d9df996ed8380ea.txt: the DPRK has demanded average wage raises to $300",
    )
    assert catalogue.moves[1].reversible is False
    assert catalogue.positions[0] == Position("DPRK", "kaesong.wage", "demand", 3, Bound(">=", 300.0))
    assert catalogue.conditions[1] == Condition("rok.food-aid before kaesong.wage")
    package = scenario.packages[0]
    assert package.status == "agreed" and package.based_on is None
    assert package.steps[0] == Step(
        "Resume talks", date(2027, 3, 1), (Placement("rok.food-aid", level="3"), Placement("kaesong.wage", 120.0, "2"))
    )
    assert package.history == (
        Event(datetime(2025, 3, 2), "level", "rok.food-aid", None, "3", "first shipment delivered", "..."),
        Event(datetime(2025, 3, 1, 9, 30), "status", None, "proposed", "agreed"),
    )


def test_reading_records_the_line_of_every_item_and_key():
    parsed = read_scenario(SECTION_7, "k.yaml")
    assert parsed.origins.parties[1].line == 3
    assert parsed.origins.moves[0].of("cost") == 13
    assert parsed.origins.packages[0].placements[0][1].line == 33
    assert parsed.origins.packages[0].history[1].line == 38


def test_text_fields_keep_the_characters_written_not_yaml_booleans_or_numbers():
    parsed = read_scenario(yaml_text("""
        parties:
          - {code: NO, name: 1994, notes: yes, source: 2027-03-01}
    """), "f.yaml")
    assert parsed.scenario.catalogue.parties == (Party("NO", "1994", "yes", "2027-03-01"),)


def test_an_empty_file_is_an_empty_scenario():
    assert read_scenario("# nothing yet\n", "f.yaml").scenario == Scenario()


def test_a_timestamp_with_a_zone_is_kept_in_utc():
    parsed = read_scenario(yaml_text("""
        packages:
          - name: p
            history:
              - {at: "2027-03-02T10:00:00+09:00", kind: note}
    """), "f.yaml")
    assert parsed.scenario.packages[0].history[0].at == datetime(2027, 3, 2, 1, 0)


def test_read_scenario_raises_every_problem_at_once_in_line_order():
    text = yaml_text("""
        parties:
          - {code: DPRK}
          - {code: ROK, name: South, nmae: x}
        moves:
          - {code: a.b, actor: ROK, title: T, cost: many}
    """)
    with pytest.raises(ScenarioProblems) as caught:
        read_scenario(text, "f.yaml")
    assert caught.value.problems == [
        "f.yaml:2: party: missing 'name'",
        "f.yaml:3: party: unknown key 'nmae' (did you mean 'name'?)",
        "f.yaml:5: move: cost must be a whole number, not 'many'",
    ]
    assert str(caught.value).startswith("3 problems in scenario, nothing imported:\nf.yaml:2: ")


# (file text, expected problems) for mistakes the file alone shows.
OWN_PROBLEMS = [
    pytest.param("parties: [\n", ["f.yaml:2: bad YAML: expected the node content, but found '<stream end>' "
                                    "(while parsing a flow node)"],
                 id="yaml-syntax"),
    pytest.param("- {code: DPRK}\n", ["f.yaml:1: a scenario file must be a mapping with the sections parties, "
                                      "issues, moves, eras, positions, conditions, packages, not a list"], id="top-level-list"),
    pytest.param("partys: []\n", ["f.yaml:1: unknown section 'partys' (did you mean 'parties'?)"], id="unknown-section"),
    pytest.param("parties: DPRK\n", ["f.yaml:1: parties must be a list (one '- ' line per item), not 'DPRK'"],
                 id="section-not-a-list"),
    pytest.param("parties:\n  - DPRK\n", ["f.yaml:2: party: each party must be a mapping such as "
                                           "{code: DPRK, name: North Korea}, not 'DPRK'"], id="item-not-a-mapping"),
    pytest.param("parties:\n  - {code: DPRK, code: ROK, name: x}\n",
                 ["f.yaml:2: party: duplicate key 'code' (first at line 2)"], id="duplicate-key"),
    pytest.param("parties:\n  - {code: D P, name: x}\n",
                 ["f.yaml:2: party: 'D P' is not a valid party code: use letters and digits, e.g. DPRK"], id="bad-party-code"),
    pytest.param("parties:\n  - {code: A, name: x}\n  - {code: A, name: y}\n",
                 ["f.yaml:3: party: duplicate party code 'A' (first at line 2)"], id="duplicate-party"),
    pytest.param("moves:\n  - {code: Rok.Aid, actor: A, title: t}\n",
                 ["f.yaml:2: move: 'Rok.Aid' is not a valid move code: use lower-case words joined by '.' or '-', "
                  "e.g. rok.food-aid"], id="bad-move-code"),
    pytest.param("moves:\n  - {code: before, actor: A, title: t}\n",
                 ["f.yaml:2: move: 'before' is a reserved word of the condition language"], id="keyword-move-code"),
    pytest.param("moves:\n  - {code: a, actor: A, title: [x, y]}\n",
                 ["f.yaml:2: move: title must be a single value, not a list"], id="wrong-type"),
    pytest.param("moves:\n  - {code: a, actor: A, title: t, reversible: maybe}\n",
                 ["f.yaml:2: move: reversible must be true or false, not 'maybe'"], id="bad-bool"),
    pytest.param("moves:\n  - {code: a, actor: A, title: t, cost: -1}\n",
                 ["f.yaml:2: move: cost must be at least 0, not -1"], id="negative-cost"),
    pytest.param("positions:\n  - {party: A, move: a, stance: demands}\n",
                 ["f.yaml:2: position: stance must be demand, offer or oppose, not 'demands' (did you mean 'demand'?)"],
                 id="bad-stance"),
    pytest.param("positions:\n  - {party: A, move: a, stance: demand, weight: 0}\n",
                 ["f.yaml:2: position: weight must be at least 1, not 0"], id="zero-weight"),
    pytest.param("positions:\n  - {party: A, move: a, stance: demand, bound: at least 300}\n",
                 ["f.yaml:2: position: 'at least 300' is not a valid bound: expected an operator and a number, "
                  "e.g. '>= 300' (operators: >= <= > < = !=)"], id="bad-bound"),
    pytest.param("positions:\n  - {party: A, move: a, stance: demand}\n  - {party: A, move: a, stance: oppose}\n",
                 ["f.yaml:3: position: duplicate position of A on 'a' (first at line 2)"], id="duplicate-position"),
    pytest.param("conditions:\n  - {party: A, text: a befor b}\n",
                 ["f.yaml:2: condition: bad condition at column 3: unexpected 'befor'; expected "], id="condition-syntax"),
    pytest.param("conditions:\n  - {name: x, text: includes a}\n  - {name: x, text: includes b}\n",
                 ["f.yaml:3: condition: duplicate condition name 'x' (first at line 2)"], id="duplicate-condition-name"),
    pytest.param("conditions:\n  - {name: '42', text: includes a}\n",
                 ["f.yaml:2: condition: '42' is not a valid condition name: use letters, digits, '.', '_' or '-', "
                  "not only digits (a number refers to a condition's id), e.g. abductions-first"],
                 id="condition-name-of-digits"),
    pytest.param("conditions:\n  - {party: A, text: includes a}\n  - {party: A, text: '(includes   a)'}\n",
                 ["f.yaml:3: condition: duplicate condition of A (first at line 2)"],
                 id="same-condition-written-two-ways"),
    pytest.param("packages:\n  - name: p\n    steps:\n      - moves: [{move: a, level: 3}]\n    history:\n"
                 "      - {at: 2027-01-01, move: a, level: 3}\n      - {at: 2027-02-01, move: a, level: 1}\n",
                 ["f.yaml:4: placement: level 3 disagrees with the history's latest level 1 (line 7)"],
                 id="level-against-history"),
    pytest.param("packages:\n  - {name: p, status: signed}\n",
                 ["f.yaml:2: package: status must be draft, proposed, agreed, implementing, completed or collapsed, "
                  "not 'signed'"], id="bad-status"),
    pytest.param("packages:\n  - name: p\n    steps:\n      - {due: 2027-02-30}\n",
                 ["f.yaml:4: step: '2027-02-30' is not a valid due date: expected YYYY-MM-DD, e.g. 2027-03-01"],
                 id="bad-date"),
    pytest.param("packages:\n  - name: p\n    steps:\n      - moves: [{move: a, qty: lots}]\n",
                 ["f.yaml:4: placement: 'lots' is not a quantity: expected a number such as 300 or 12.5"], id="bad-qty"),
    pytest.param("packages:\n  - name: p\n    steps:\n      - moves: [{move: a, level: 4}]\n",
                 ["f.yaml:4: placement: level must be 0, 1, 2, 3 or reversed, not '4'"], id="bad-level"),
    pytest.param("packages:\n  - name: p\n    history:\n      - {at: yesterday, kind: note}\n",
                 ["f.yaml:4: history: 'yesterday' is not a valid date or time: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, "
                  "e.g. 2027-03-01"], id="bad-timestamp"),
    pytest.param("packages:\n  - name: p\n    history:\n      - {at: 2027-01-01, move: a, level: 3, kind: level}\n",
                 ["f.yaml:4: history: an entry with 'level' is an implementation update; leave out 'kind'"],
                 id="level-and-kind"),
    pytest.param("packages:\n  - name: p\n    history:\n      - {at: 2027-01-01, note: hello}\n",
                 ["f.yaml:4: history: missing 'kind'"], id="event-without-kind"),
]


@pytest.mark.parametrize("text, expected", OWN_PROBLEMS)
def test_a_file_with_a_mistake_reports_it_at_its_line(text, expected):
    parsed = parse_scenario(text, "f.yaml")
    found = parsed.format(list(parsed.problems))
    if expected[0].endswith("expected "):  # the list of expected words belongs to the parser
        assert len(found) == 1 and found[0].startswith(expected[0]), found
    else:
        assert found == expected


def test_a_condition_syntax_error_is_one_line_with_its_column():
    parsed = parse_scenario('conditions:\n  - {text: "includes a and and b"}\n', "f.yaml")
    (line,) = parsed.format(list(parsed.problems))
    assert line.startswith("f.yaml:2: condition: bad condition at column 16: ")
    assert "\n" not in line


def test_an_item_with_a_problem_is_left_out_but_its_code_stays_known():
    parsed = parse_scenario("parties:\n  - {code: A, name: x, notes: [1]}\n"
                            "positions:\n  - {party: A, move: m, stance: demand}\n", "f.yaml")
    assert parsed.scenario.catalogue.parties == ()
    assert ("party", "A") in parsed.declared
    problems = validate_references(parsed, Scenario())
    assert problems == ["f.yaml:4: position: unknown move 'm'"]


# --- references ------------------------------------------------------------------------------

DATABASE = Scenario(
    Catalogue(
        parties=(Party("DPRK", "North"), Party("ROK", "South")),
        issues=(Issue("kaesong", "Kaesong"),),
        moves=(Move("rok.food-aid", "ROK", "Food aid"), Move("kaesong.wage", "ROK", "Wage", unit="USD"),
               Move("dprk.talks", "DPRK", "Talks")),
        positions=(Position("DPRK", "rok.food-aid", "demand"),),
    ),
    (Package("old-pkg"),),
)

REFERENCE_PROBLEMS = [
    pytest.param("moves:\n  - {code: a, actor: DPKR, title: t}\n",
                 ["f.yaml:2: move: unknown party 'DPKR' (did you mean 'DPRK'?)"], id="unknown-actor"),
    pytest.param("moves:\n  - {code: a, actor: ROK, title: t, issue: kaesng}\n",
                 ["f.yaml:2: move: unknown issue 'kaesng' (did you mean 'kaesong'?)"], id="unknown-issue"),
    pytest.param("positions:\n  - {party: ROK, move: rok.food-ad, stance: offer}\n",
                 ["f.yaml:2: position: unknown move 'rok.food-ad' (did you mean 'rok.food-aid'?)"], id="unknown-move"),
    pytest.param("positions:\n  - {party: DPRK, move: rok.food-aid, stance: offer}\n",
                 ["f.yaml:2: position: DPRK cannot offer 'rok.food-aid': only its actor ROK can offer a move"],
                 id="offer-by-another"),
    pytest.param("positions:\n  - {party: ROK, move: rok.food-aid, stance: oppose}\n",
                 ["f.yaml:2: position: ROK cannot oppose its own move 'rok.food-aid'"], id="oppose-own-move"),
    pytest.param("moves:\n  - {code: rok.food-aid, actor: DPRK, title: Food aid}\n",
                 ["f.yaml:2: move: cannot make DPRK the actor of 'rok.food-aid': DPRK cannot demand its own move "
                  "'rok.food-aid'; change that position first (rows already in the database)"],
                 id="actor-change-breaks-a-stored-position"),
    pytest.param("conditions:\n  - {party: DPRK, text: includes rok.fod-aid}\n",
                 ["f.yaml:2: condition: unknown move 'rok.fod-aid' (did you mean 'rok.food-aid'?)"],
                 id="unknown-move-in-condition"),
    pytest.param("conditions:\n  - {text: balance >= 0}\n",
                 ["f.yaml:2: condition: a rule (a condition without a party) cannot use balance: balance and "
                  "exposure are measured for a party; give the condition a party"],
                 id="balance-in-a-rule"),
    pytest.param("packages:\n  - {name: p, based_on: old-pk}\n",
                 ["f.yaml:2: package: unknown package 'old-pk' (did you mean 'old-pkg'?)"], id="unknown-based-on"),
    pytest.param("packages:\n  - name: p\n    steps:\n      - moves: [dprk.talks]\n      - moves: [dprk.talks]\n",
                 ["f.yaml:5: placement: move 'dprk.talks' is already in step 1 of package 'p'; a move appears "
                  "at most once per package"], id="placed-twice"),
    pytest.param("positions:\n  - {party: ROK, move: rok.food-aid, stance: offer, bound: '>= 3'}\n",
                 ["f.yaml:2: position: move 'rok.food-aid' has no unit, so it has no quantity to bound (give the "
                  "move a unit)"], id="bound-without-unit"),
    pytest.param("packages:\n  - name: p\n    steps:\n      - moves: [{move: dprk.talks, qty: 3}]\n",
                 ["f.yaml:4: placement: move 'dprk.talks' has no unit, so it takes no quantity (give the move a "
                  "unit)"], id="quantity-without-unit"),
    pytest.param("packages:\n  - name: p\n    history:\n      - {at: 2027-01-01, move: dprk.talk, level: 1}\n",
                 ["f.yaml:4: history: unknown move 'dprk.talk' (did you mean 'dprk.talks'?)"], id="unknown-move-in-history"),
]


@pytest.mark.parametrize("text, expected", REFERENCE_PROBLEMS)
def test_a_reference_neither_the_file_nor_the_database_meets_is_reported_at_its_line(text, expected):
    assert problems_of(text, DATABASE) == expected


def test_references_may_point_to_the_file_or_to_the_database():
    text = """
        parties:
          - {code: JPN, name: Japan}
        moves:
          - {code: jpn.aid, actor: JPN, title: Aid, issue: kaesong}
        positions:
          - {party: DPRK, move: jpn.aid, stance: demand}
          - {party: JPN, move: dprk.talks, stance: demand}
        conditions:
          - {party: JPN, text: dprk.talks before jpn.aid}
        packages:
          - name: p
            based_on: old-pkg
            steps:
              - moves: [jpn.aid, {move: kaesong.wage, qty: 120}]
    """
    assert problems_of(text, DATABASE) == []


def test_every_problem_of_the_file_and_of_its_references_is_reported_together():
    text = """
        positions:
          - {party: DPRK, move: rok.food-aid, stance: demandd}
          - {party: USA, move: rok.food-aid, stance: demand}
    """
    assert problems_of(text, DATABASE) == [
        "f.yaml:2: position: stance must be demand, offer or oppose, not 'demandd' (did you mean 'demand'?)",
        "f.yaml:3: position: unknown party 'USA'",
    ]


# --- writing ---------------------------------------------------------------------------------


def test_writing_uses_one_line_rows_omits_defaults_and_writes_midnight_as_a_date():
    scenario = Scenario(
        Catalogue(
            parties=(Party("NO", "Norway"),),
            moves=(Move("no.aid", "NO", "Aid", unit="USD", cost=1, reversible=False),),
            positions=(Position("NO", "no.aid", "offer", bound=Bound("<=", 12.5)),),
            conditions=(Condition("steps <= 3", name="short"),),
        ),
        (Package("p", steps=(Step(), Step("Go", date(2027, 3, 1), (Placement("no.aid", 100.0, "3"),))),
                 history=(Event(datetime(2027, 3, 2), "level", "no.aid", "0", "3"),
                          Event(datetime(2027, 3, 2, 10, 30), "status", None, "agreed", "implementing"))),),
    )
    assert write_scenario(scenario) == yaml_text("""
        parties:
          - {code: "NO", name: Norway}
        moves:
          - code: no.aid
            actor: "NO"
            title: Aid
            unit: USD
            reversible: false
        positions:
          - {party: "NO", stance: offer, move: no.aid, bound: "<= 12.5"}
        conditions:
          - {name: short, text: "steps <= 3"}
        packages:
          - name: p
            status: draft
            steps:
              - {}
              - label: Go
                due: 2027-03-01
                moves: [{move: no.aid, qty: 100, level: 3}]
            history:
              - {at: 2027-03-02, move: no.aid, level: 3, old: "0"}
              - {at: "2027-03-02T10:30:00", kind: status, old: agreed, new: implementing}
    """)


def test_a_long_row_is_written_one_key_per_line():
    source = "a passage " * 20
    text = write_scenario(Scenario(Catalogue(parties=(Party("A", "x", source),))))
    assert text == f'parties:\n  - code: A\n    name: x\n    notes: "{source}"\n'


def test_multi_line_text_is_written_as_a_block_and_reads_back():
    scenario = Scenario(Catalogue(parties=(Party("A", "x", "first line\nsecond line\n"),)))
    text = write_scenario(scenario)
    assert "notes: |\n      first line\n      second line\n" in text
    assert read_scenario(text, "f.yaml").scenario == scenario


def test_an_empty_scenario_is_written_as_an_empty_mapping():
    assert write_scenario(Scenario()) == "{}\n"
    assert read_scenario(write_scenario(Scenario()), "f.yaml").scenario == Scenario()


def test_the_design_example_survives_reading_writing_and_reading_again():
    first = read_scenario(SECTION_7, "k.yaml").scenario
    written = write_scenario(first)
    assert read_scenario(written, "k.yaml").scenario == first
    assert write_scenario(read_scenario(written, "k.yaml").scenario) == written


# --- generated scenarios ---------------------------------------------------------------------

WORD = st.from_regex(r"[a-z][a-z0-9]{0,3}", fullmatch=True)
TAIL = st.lists(st.tuples(st.sampled_from(".-"), st.from_regex(r"[a-z0-9]{1,3}", fullmatch=True)), max_size=2)
MOVE_CODES = st.builds(lambda head, tail: head + "".join(a + b for a, b in tail), WORD, TAIL).filter(
    lambda code: code not in KEYWORDS
)
PARTY_CODES = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,4}", fullmatch=True)
PACKAGE_NAMES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,6}", fullmatch=True)
# Any text a person could type, line breaks and tabs included; NUL and other control characters
# cannot be stored in PostgreSQL text and are left out.
TRICKY = ["", " ", "yes", "NO", "null", "~", "-", "- a", "a: b", "a:b", "#x", "a #b", "...", "---", "'q'", '"d"',
          "1e3", "0x10", "2027-03-01", "12:30", " lead", "trail ", "a\n", "a\n\n", "\na", "a\n b", "a \nb", "x\r\ny",
          "back\\slash", "{a}", "[b]", "a, b", "&anchor", "*alias", "!tag", "|", ">", "%", "@", "`", "\ufeffbom",
          "nel\x85", "ls\u2028", "ps\u2029", "del\x7f", "\ufffe", "tab\there", "<<", "=", "\U0001F600"]
TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t\r\x85"), max_size=12),
    st.sampled_from(TRICKY),
)
# Names and titles say something (blank ones are refused).
FILLED = TEXT.filter(lambda text: text.strip() != "")
SHORT = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,7}", fullmatch=True).filter(lambda name: not name.isdigit())
# Bound values must print as 'OP NUMBER' without an exponent (DESIGN §3).
BOUND_VALUES = st.integers(-10**7, 10**7).map(lambda n: n / 100)
# Quantities are finite and at most 10^12 in size (DESIGN §14).
QUANTITIES = st.floats(min_value=-10**12, max_value=10**12, allow_nan=False, allow_infinity=False)
# Implementation updates and status changes happened, so they are not dated after today.
MOMENTS = st.one_of(
    st.dates(date(1950, 1, 1), date(2025, 12, 31)).map(lambda d: datetime(d.year, d.month, d.day)),
    st.datetimes(datetime(1950, 1, 1), datetime(2025, 12, 31)),
)


def _condition_texts(moves: list[str], measured: list[str], personal: bool):
    move = st.sampled_from(moves)
    atoms = [
        st.builds("includes {}".format, move),
        st.builds("excludes {}".format, move),
        st.builds("{} before {}".format, move, move),
        st.builds("{} after {}".format, move, move),
        st.builds("{} with {}".format, move, move),
        st.builds("{} by step {}".format, move, st.integers(1, 9)),
        st.builds("steps <= {}".format, st.integers(1, 9)),
    ]
    if measured:  # only a move with a unit has a quantity to compare
        atoms.append(st.builds("{} {} {}".format, st.sampled_from(measured), st.sampled_from(COMPARATORS),
                               st.integers(-50, 500)))
    if personal:
        atoms += [st.builds("balance >= {}".format, st.integers(-5, 5)),
                  st.builds("exposure <= {}".format, st.integers(0, 5))]
    atom = st.one_of(atoms)
    return st.one_of(
        atom,
        st.builds("not {}".format, atom),
        st.builds("{} and {}".format, atom, atom),
        st.builds("({}) or {}".format, atom, atom),
        st.builds("{} {} {}".format, atom, st.sampled_from(["if", "unless"]), atom),
    )


@st.composite
def scenarios(draw, history_min: int = 0):
    """A whole Scenario that every check accepts (``history_min`` events per package at least)."""
    codes = draw(st.lists(PARTY_CODES, min_size=1, max_size=4, unique=True))
    parties = tuple(Party(code, draw(FILLED), draw(TEXT), draw(TEXT)) for code in codes)
    issue_codes = draw(st.lists(MOVE_CODES, max_size=3, unique=True))
    issues = tuple(Issue(code, draw(FILLED)) for code in issue_codes)
    move_codes = draw(st.lists(MOVE_CODES, min_size=1, max_size=6, unique=True))
    moves = tuple(
        Move(code, draw(st.sampled_from(codes)), draw(FILLED),
             draw(st.none() | st.sampled_from(issue_codes)) if issue_codes else None,
             draw(TEXT), draw(st.none() | FILLED), draw(st.integers(0, 1000)), draw(st.booleans()), draw(TEXT))
        for code in move_codes
    )
    pairs = draw(st.lists(st.tuples(st.sampled_from(codes), st.sampled_from(moves)), max_size=8,
                          unique_by=lambda pair: (pair[0], pair[1].code)))
    positions = tuple(
        Position(party, move.code,
                 "offer" if party == move.actor else draw(st.sampled_from(["demand", "oppose"])),
                 draw(st.integers(1, 1000)),
                 draw(st.none() | st.builds(Bound, st.sampled_from(COMPARATORS), BOUND_VALUES)) if move.unit else None,
                 draw(TEXT))
        for party, move in pairs
    )
    conditions, seen = [], set()
    for _ in range(draw(st.integers(0, 5))):
        party = draw(st.none() | st.sampled_from(codes))
        name = draw(st.none() | SHORT)
        measured = [move.code for move in moves if move.unit]
        text = to_text(parse(draw(_condition_texts(move_codes, measured, personal=party is not None))))
        # No two conditions share a name, nor a party and a text.
        if (party, text) in seen or (name is not None and name in seen):
            continue
        seen.update({(party, text), name} - {None})
        conditions.append(Condition(text, party, name, draw(st.booleans()), draw(TEXT)))
    names = draw(st.lists(PACKAGE_NAMES, max_size=3, unique=True))
    packages = tuple(_package(draw, name, names, moves, history_min) for name in names)
    return Scenario(Catalogue(parties, issues, moves, positions, tuple(conditions)), packages)


def _package(draw, name: str, names: list[str], moves: tuple[Move, ...], history_min: int) -> Package:
    placed = draw(st.permutations(moves))[: draw(st.integers(0, len(moves)))]
    cuts = sorted(draw(st.lists(st.integers(0, len(placed)), max_size=4)))
    bounds = [0, *cuts, len(placed)]
    steps = tuple(
        Step(draw(TEXT), draw(st.none() | st.dates(date(1950, 1, 1), date(2100, 12, 31))), tuple(
            Placement(move.code, draw(st.none() | QUANTITIES) if move.unit else None, draw(st.sampled_from(LEVELS)))
            for move in placed[start:end]
        ))
        for start, end in zip(bounds, bounds[1:])
    )
    codes = [move.code for move in moves]
    level_event = st.builds(
        lambda at, move, old, new, note, source: Event(at, "level", move, old, new, note, source),
        MOMENTS, st.sampled_from(codes), st.none() | st.sampled_from(LEVELS), st.sampled_from(LEVELS), TEXT, TEXT,
    )
    other_event = st.builds(
        Event, MOMENTS, st.sampled_from(["created", "status", "placed", "renamed", "step-added"]),
        st.none() | st.sampled_from(codes), st.none() | TEXT, st.none() | TEXT, TEXT, TEXT,
    )
    history = tuple(draw(st.lists(level_event | other_event, min_size=history_min, max_size=4)))
    # A placement's level is the one the history's latest level event gives (ties: as written).
    latest = {e.move: e.new for e in sorted(history, key=lambda e: e.at) if e.kind == "level"}
    steps = tuple(Step(step.label, step.due, tuple(
        Placement(p.move, p.quantity, latest.get(p.move, p.level)) for p in step.placements))
        for step in steps)
    others = [other for other in names if other != name]
    based_on = draw(st.none() | st.sampled_from(others)) if others else None
    return Package(name, draw(TEXT), draw(TEXT), draw(st.sampled_from(STATUSES)), based_on, steps, history)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_a_written_scenario_reads_back_as_the_same_values(scenario):
    text = write_scenario(scenario)
    parsed = parse_scenario(text, "g.yaml")
    assert parsed.format(list(parsed.problems)) == []
    assert validate_references(parsed, Scenario()) == []
    assert parsed.scenario == scenario
    assert write_scenario(parsed.scenario) == text


# --- whatever the file holds, reading never fails with anything but problems ---------------------

KEYS = sorted({"parties", "issues", "moves", "positions", "conditions", "packages", "code", "name", "title",
               "actor", "issue", "move", "party", "stance", "weight", "bound", "text", "soft", "steps",
               "history", "label", "due", "qty", "level", "at", "kind", "old", "new", "cost",
               "reversible", "unit", "based_on", "status", "note", "source", "notes"})
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.dates(), st.datetimes(), st.text(max_size=6),
    st.sampled_from(["DPRK", "rok.aid", "demand", "offer", ">= 3", "includes rok.aid", "3", "reversed",
                     "a before b", "balance >= 0", "2027-03-01"]),
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gives_problems_with_lines_never_an_exception(text):
    parsed = parse_scenario(text, "f.yaml")
    for line in parsed.format(list(parsed.problems)) + validate_references(parsed, DATABASE):
        assert line.startswith("f.yaml:") and line.split(":")[1].isdigit()


@settings(max_examples=200, deadline=None)
@given(DOCUMENTS)
def test_any_yaml_document_gives_problems_with_lines_never_an_exception(document):
    import yaml

    text = yaml.safe_dump(document, allow_unicode=True)
    parsed = parse_scenario(text, "f.yaml")
    lines = parsed.format(list(parsed.problems)) + validate_references(parsed, DATABASE)
    for line in lines:
        assert line.startswith("f.yaml:") and 1 <= int(line.split(":")[1]) <= text.count("\n") + 1
    if not lines:
        assert read_scenario(write_scenario(parsed.scenario), "f.yaml").scenario == parsed.scenario


@settings(max_examples=300, deadline=None)
@given(FILLED, TEXT)
def test_any_text_is_written_so_that_every_yaml_reader_gives_it_back(name, notes):
    import yaml

    scenario = Scenario(Catalogue(parties=(Party("A", name, notes),)))
    text = write_scenario(scenario)
    assert read_scenario(text, "f.yaml").scenario == scenario
    for loader in [yaml.SafeLoader] + ([yaml.CSafeLoader] if yaml.__with_libyaml__ else []):
        (row,) = yaml.load(text, Loader=loader)["parties"]
        assert (row["name"], row.get("notes", "")) == (name, notes)


@pytest.mark.parametrize("notes", ["0?", "a?", "x?y", "a#b", "a&b", "a*", "b!", "c|d", "e>f", 'g"h', "i%", "j@k",
                                   "l`m", "n,o", "p]", "{q", "r: s", "t #u", " v", "w ", "People's"])
def test_text_with_an_indicator_inside_a_one_line_row_reads_back_with_every_yaml_reader(notes):
    import yaml

    scenario = Scenario(Catalogue(parties=(Party("A", "x", notes),)))
    text = write_scenario(scenario)
    assert read_scenario(text, "f.yaml").scenario == scenario
    for loader in [yaml.SafeLoader] + ([yaml.CSafeLoader] if yaml.__with_libyaml__ else []):
        (row,) = yaml.load(text, Loader=loader)["parties"]
        assert row["notes"] == notes


def test_a_placement_without_a_level_takes_the_latest_level_of_its_history():
    parsed = read_scenario(yaml_text("""
        packages:
          - name: p
            steps:
              - moves: [a, {move: b, qty: 2}, c]
            history:
              - {at: 2027-02-01, move: a, level: reversed}
              - {at: 2027-01-01, move: a, level: 2}
              - {at: 2027-01-05, move: b, level: 1}
    """), "f.yaml")
    (step,) = parsed.scenario.packages[0].steps
    assert [(p.move, p.level) for p in step.placements] == [("a", "reversed"), ("b", "1"), ("c", "0")]


def test_condition_text_is_read_in_canonical_form():
    parsed = read_scenario('conditions:\n  - {party: A, text: "(includes   a)  and   includes b"}\n', "f.yaml")
    (condition,) = parsed.scenario.catalogue.conditions
    assert condition.text == to_text(parse("includes a and includes b"))


@pytest.mark.parametrize("source", ["0\u20280", "a\u2029b", "nel\x85x", "cr\rx"])
def test_text_with_a_unicode_line_break_in_a_block_row_reads_back(source):
    scenario = Scenario(Catalogue(parties=(Party("A", "x"),), moves=(Move("a", "A", "t", source=source),)))
    assert read_scenario(write_scenario(scenario), "f.yaml").scenario == scenario
