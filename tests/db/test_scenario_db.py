"""negotiator.db.scenario: importing scenario files (add, refuse or replace changes, wipe, all or
nothing) and exporting.

Runs on SQLite and on a real PostgreSQL server (the ``store`` fixture is parametrized).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings

from negotiator.db.scenario import export_scenario, import_scenario
from negotiator.domain.errors import ScenarioProblems, WouldChange
from negotiator.domain.model import Catalogue, Event, Package, Scenario, Step
from negotiator.scenario import read_scenario, write_scenario
from tests.conftest import snapshot
from tests.test_scenario import SECTION_7, scenarios, yaml_text

NOW = datetime(2030, 1, 2, 3, 4, 5)


def load_text(store, text: str, replace: bool = False, wipe: bool = False, filename: str = "s.yaml"):
    parsed = read_scenario(yaml_text(text), filename)
    with store.write() as session:
        return import_scenario(session, parsed, replace=replace, wipe=wipe, now=NOW)


def exported(store) -> Scenario:
    with store.read() as connection:
        return export_scenario(connection)


def tallies(summary) -> dict[str, tuple[int, int, int]]:
    return {kind: (t.added, t.updated, t.unchanged) for kind, t in summary.tallies.items() if t.total}


def in_stored_order(scenario: Scenario) -> Scenario:
    """The scenario sorted as Python sorts it, so that two orders of the same rows compare equal."""
    catalogue = scenario.catalogue
    packages = tuple(
        replace(
            package,
            steps=tuple(replace(step, placements=tuple(sorted(step.placements, key=lambda p: p.move)))
                        for step in package.steps),
            history=tuple(sorted(package.history, key=lambda event: event.at)),
        )
        for package in sorted(scenario.packages, key=lambda p: p.name)
    )
    return Scenario(
        Catalogue(
            tuple(sorted(catalogue.parties, key=lambda p: p.code)),
            tuple(sorted(catalogue.issues, key=lambda i: i.code)),
            tuple(sorted(catalogue.moves, key=lambda m: m.code)),
            tuple(sorted(catalogue.positions, key=lambda p: (p.party, p.move))),
            tuple(sorted(catalogue.conditions, key=lambda c: (c.party or "", c.name or "", c.text))),
        ),
        packages,
    )


def test_an_imported_file_exports_as_the_same_scenario(store):
    load_text(store, SECTION_7)
    assert in_stored_order(exported(store)) == in_stored_order(read_scenario(SECTION_7, "k.yaml").scenario)


def test_export_import_export_gives_the_same_text(store):
    load_text(store, SECTION_7)
    first = write_scenario(exported(store))
    with store.write() as session:  # wipe: into an emptied database
        import_scenario(session, read_scenario(first, "first.yaml"), wipe=True)
    assert write_scenario(exported(store)) == first


def test_importing_the_same_file_twice_changes_nothing(store):
    load_text(store, SECTION_7)
    before = snapshot(store.url)
    summary = load_text(store, SECTION_7)
    assert tallies(summary) == {
        "parties": (0, 0, 3), "issues": (0, 0, 1), "moves": (0, 0, 4), "positions": (0, 0, 2),
        "conditions": (0, 0, 2), "packages": (0, 0, 1),
    }
    assert snapshot(store.url) == before


def test_import_with_replace_updates_rows_by_code_and_adds_new_ones(store):
    load_text(store, SECTION_7)
    summary = load_text(store, replace=True, text="""
        parties:
          - {code: DPRK, name: North Korea}
          - {code: USA, name: United States}
        moves:
          - {code: rok.food-aid, actor: ROK, title: Food aid, cost: 4}
        positions:
          - {party: DPRK, stance: demand, move: kaesong.wage, weight: 5}
          - {party: DPRK, stance: demand, move: rok.food-aid}
    """)
    assert tallies(summary) == {"parties": (1, 1, 0), "moves": (0, 1, 0), "positions": (1, 1, 0)}
    catalogue = exported(store).catalogue
    assert catalogue.party("DPRK").name == "North Korea"
    assert catalogue.party("ROK").name == "Republic of Korea"  # not in the file: left alone
    assert catalogue.move("rok.food-aid").cost == 4
    wage = [p for p in catalogue.positions if (p.party, p.move) == ("DPRK", "kaesong.wage")]
    assert [(p.weight, p.bound) for p in wage] == [(5, None)]
    assert len(catalogue.positions) == 3


def test_conditions_are_matched_by_name_else_by_party_and_text(store):
    load_text(store, SECTION_7)
    summary = load_text(store, replace=True, text="""
        conditions:
          - {party: JPN, name: abductions-first, text: "includes dprk.abduction-accounting", soft: true}
          - {text: "rok.food-aid before kaesong.wage", source: "a rule, now cited"}
          - {party: ROK, text: "rok.food-aid before kaesong.wage"}
    """)
    assert tallies(summary) == {"conditions": (1, 2, 0)}
    conditions = {(c.party, c.name, c.text): c for c in exported(store).catalogue.conditions}
    assert conditions[("JPN", "abductions-first", "includes dprk.abduction-accounting")].soft is True
    assert conditions[(None, None, "rok.food-aid before kaesong.wage")].source == "a rule, now cited"
    assert ("ROK", None, "rok.food-aid before kaesong.wage") in conditions
    assert len(conditions) == 3


def test_a_changed_package_has_its_steps_replaced_and_the_files_new_events_added(store):
    load_text(store, SECTION_7)
    (stored,) = exported(store).packages
    summary = load_text(store, replace=True, text="""
        packages:
          - name: kaesong-first
            status: draft
            steps:
              - moves: [jpn.economic-cooperation]
            history:
              - {at: 2028-01-01, kind: created, new: draft}
    """)
    assert tallies(summary) == {"packages": (0, 1, 0)}
    (package,) = exported(store).packages
    assert package == Package(
        "kaesong-first", status="draft", steps=(Step(placements=package.steps[0].placements),),
        history=stored.history + (Event(datetime(2028, 1, 1), "created", new="draft"),),
    )
    assert [p.move for p in package.steps[0].placements] == ["jpn.economic-cooperation"]


def test_reimporting_an_older_file_keeps_the_tracking_done_since(store):
    load_text(store, SECTION_7)
    with store.write() as session:
        from negotiator.db.tracking import track_move

        track_move(session, "kaesong-first", "kaesong.wage", "3", note="done", on=datetime(2025, 4, 1).date())
    assert tallies(load_text(store, SECTION_7)) == {
        kind: (0, 0, n) for kind, n in
        [("parties", 3), ("issues", 1), ("moves", 4), ("positions", 2), ("conditions", 2), ("packages", 1)]}
    (package,) = exported(store).packages
    assert [(e.kind, e.new) for e in package.history[-2:]] == [("status", "implementing"), ("level", "3")]
    assert package.status == "implementing"
    assert dict((p.move, p.level) for _, p in package.placements())["kaesong.wage"] == "3"


def test_a_package_without_history_gets_a_created_event_and_reimporting_it_changes_nothing(store):
    text = """
        parties: [{code: A, name: A}]
        moves: [{code: a.go, actor: A, title: Go}]
        packages:
          - {name: p, steps: [{moves: [a.go]}]}
    """
    load_text(store, text, filename="mine.yaml")
    (package,) = exported(store).packages
    assert package.history == (Event(NOW, "created", new="draft", note="imported from mine.yaml"),)
    before = snapshot(store.url)
    assert tallies(load_text(store, text))["packages"] == (0, 0, 1)
    assert snapshot(store.url) == before


def test_based_on_may_name_a_package_later_in_the_file(store):
    load_text(store, """
        packages:
          - {name: copy, based_on: original, history: [{at: 2027-01-01, kind: created}]}
          - {name: original, history: [{at: 2027-01-01, kind: created}]}
    """)
    assert {p.name: p.based_on for p in exported(store).packages} == {"copy": "original", "original": None}


def test_implementation_events_are_linked_to_their_placement(store):
    from sqlalchemy import text

    load_text(store, SECTION_7)
    with store.read() as connection:
        rows = connection.execute(text(
            "SELECT e.kind, m.code FROM event e LEFT JOIN placement p ON p.id = e.placement_id "
            "LEFT JOIN move m ON m.id = p.move_id ORDER BY e.kind"
        )).all()
    assert [tuple(row) for row in rows] == [("level", "rok.food-aid"), ("status", None)]


def test_wipe_removes_every_row_the_file_does_not_hold(store):
    load_text(store, SECTION_7)
    summary = load_text(store, "parties: [{code: USA, name: United States}]\n", wipe=True)
    assert summary.removed == {"packages": 1, "conditions": 2, "positions": 2, "eras": 0, "moves": 4, "issues": 1,
                               "parties": 3}
    assert exported(store) == Scenario(Catalogue(parties=exported(store).catalogue.parties))
    assert [p.code for p in exported(store).catalogue.parties] == ["USA"]
    assert all(not rows for table, rows in snapshot(store.url).items() if table != "party")


def test_a_file_with_problems_writes_nothing(store):
    load_text(store, SECTION_7)
    before = snapshot(store.url)
    bad = yaml_text("""
        parties:
          - {code: USA, name: United States}
        positions:
          - {party: USA, stance: demand, move: rok.food-ad}
    """)
    with pytest.raises(ScenarioProblems) as caught, store.write() as session:
        import_scenario(session, read_scenario(bad, "bad.yaml"))
    assert caught.value.problems == [
        "bad.yaml:4: position: unknown move 'rok.food-ad' (did you mean 'rok.food-aid'?)"
    ]
    assert snapshot(store.url) == before


def test_a_file_may_refer_to_what_the_database_already_holds(store):
    load_text(store, SECTION_7)
    summary = load_text(store, """
        positions:
          - {party: JPN, stance: demand, move: dprk.abduction-accounting, weight: 4}
        packages:
          - name: japan-first
            based_on: kaesong-first
            steps:
              - moves: [dprk.abduction-accounting, {move: kaesong.wage, qty: 80}]
            history:
              - {at: 2025-05-01, move: dprk.abduction-accounting, level: 1}
    """)
    assert tallies(summary) == {"positions": (1, 0, 0), "packages": (1, 0, 0)}


def test_wipe_checks_references_against_the_file_alone(store):
    load_text(store, SECTION_7)
    before = snapshot(store.url)
    with pytest.raises(ScenarioProblems) as caught:
        load_text(store, "positions:\n  - {party: JPN, stance: demand, move: rok.food-aid}\n", wipe=True)
    assert caught.value.problems == [
        "s.yaml:2: position: unknown party 'JPN'", "s.yaml:2: position: unknown move 'rok.food-aid'",
    ]
    assert snapshot(store.url) == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(scenario=scenarios(history_min=1))
def test_a_generated_scenario_survives_import_and_export(store, scenario):
    text = write_scenario(scenario)
    with store.write() as session:  # wipe: every example starts from an empty database
        import_scenario(session, read_scenario(text, "g.yaml"), wipe=True)
    first = exported(store)
    assert in_stored_order(first) == in_stored_order(scenario)
    again = write_scenario(first)
    with store.write() as session:
        import_scenario(session, read_scenario(again, "again.yaml"), wipe=True)
    assert write_scenario(exported(store)) == again


def test_a_condition_written_another_way_matches_the_same_row(store):
    load_text(store, SECTION_7)
    summary = load_text(store, """
        conditions:
          - {text: "(rok.food-aid  before   kaesong.wage)"}
    """)
    assert tallies(summary) == {"conditions": (0, 0, 1)}
    assert len(exported(store).catalogue.conditions) == 2


# --- nothing a user did is silently undone -----------------------------------------------------


def test_an_import_that_would_change_stored_rows_is_refused_with_every_change_and_writes_nothing(store):
    load_text(store, SECTION_7)
    before = snapshot(store.url)
    with pytest.raises(WouldChange) as caught:
        load_text(store, """
            parties:
              - {code: DPRK, name: North Korea}
              - {code: USA, name: United States}
            positions:
              - {party: DPRK, stance: demand, move: kaesong.wage, weight: 4, bound: ">= 300"}
            packages:
              - {name: kaesong-first, title: Kaesong alone, status: agreed}
        """)
    assert caught.value.changes == [
        "party DPRK: name 'Democratic People's Republic …' -> 'North Korea'",
        "position DPRK on kaesong.wage: weight 3 -> 4",
        "package kaesong-first: title 'Kaesong and NLL, infrastructu…' -> 'Kaesong alone'",
        "package kaesong-first: 2 steps -> 0 steps",
    ]
    assert snapshot(store.url) == before


def test_an_import_that_only_adds_rows_goes_ahead_without_replace(store):
    load_text(store, SECTION_7)
    summary = load_text(store, """
        parties:
          - {code: DPRK, name: Democratic People's Republic of Korea}
          - {code: USA, name: United States}
    """)
    assert tallies(summary) == {"parties": (1, 0, 1)}


def test_an_unnamed_condition_matches_the_stored_one_of_its_text_and_keeps_its_name(store):
    load_text(store, SECTION_7)
    before = snapshot(store.url)
    text = """
        conditions:
          - {party: JPN, text: "dprk.abduction-accounting before jpn.economic-cooperation"}
    """
    assert tallies(load_text(store, text)) == {"conditions": (0, 0, 1)}
    assert snapshot(store.url) == before


def test_a_condition_with_the_text_of_a_stored_one_of_its_party_is_that_condition_renamed(store):
    load_text(store, SECTION_7)
    text = """
        conditions:
          - {party: JPN, name: japan-first, text: "dprk.abduction-accounting before jpn.economic-cooperation"}
    """
    with pytest.raises(WouldChange) as caught:
        load_text(store, text)
    assert caught.value.changes == ["condition abductions-first: name 'abductions-first' -> 'japan-first'"]
    load_text(store, text, replace=True)
    assert [c.name for c in exported(store).catalogue.conditions if c.party == "JPN"] == ["japan-first"]


def test_a_condition_that_would_duplicate_the_text_of_another_stored_one_is_a_problem(store):
    load_text(store, SECTION_7)
    with pytest.raises(ScenarioProblems) as caught:
        load_text(store, replace=True, text="""
            conditions:
              - {party: JPN, name: abductions-first, text: "includes dprk.abduction-accounting"}
              - {party: JPN, name: second, text: "includes dprk.abduction-accounting"}
        """)
    assert caught.value.problems == ["s.yaml:3: condition: duplicate condition of JPN (first at line 2)"]
    with pytest.raises(ScenarioProblems) as caught:
        load_text(store, replace=True, text="""
            conditions:
              - {party: JPN, name: other, text: "includes dprk.abduction-accounting"}
              - {name: abductions-first, party: JPN, text: "includes dprk.abduction-accounting"}
        """)
    assert caught.value.problems[0].startswith("s.yaml:3: condition: duplicate condition of JPN")


def test_a_file_that_takes_the_unit_of_a_measured_move_names_what_measures_it(store):
    load_text(store, SECTION_7)
    with pytest.raises(ScenarioProblems) as caught:
        load_text(store, replace=True, text="""
            parties: [{code: JPN, name: Japan}]
            moves:
              - {code: kaesong.wage, actor: ROK, issue: kaesong, title: Set the average monthly wage at Kaesong}
        """)
    (problem,) = caught.value.problems
    assert problem.startswith("s.yaml:3: move: move 'kaesong.wage' needs a unit while DPRK's bound (>= 300), "
                              "ROK's bound (<= 100) and package kaesong-first (quantity 120) measure its quantity")
