"""negotiator.db.packages: every package write, its event, and step renumbering.

Runs on SQLite and on a real PostgreSQL server (the ``store`` fixture is parametrized), because
the two-phase renumbering and the row lock behave differently on each.
"""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest
from sqlalchemy import text

from negotiator.db import packages as db
from negotiator.db import saving, tracking
from negotiator.db.catalogue import add_move, add_party
from negotiator.db.engine import Store
from negotiator.db.load import load_packages
from negotiator.db.positions import add_position
from negotiator.domain.errors import DuplicateCode, InvalidValue, Referenced, UnknownCode
from negotiator.domain.model import Event, Package, Placement, Step

MOVES = [
    ("dprk.freeze", "DPRK", None),
    ("dprk.dismantle", "DPRK", None),
    ("usa.relief", "USA", None),
    ("rok.food-aid", "ROK", "tons"),
]


def build_catalogue(url: str) -> None:
    with Store(url).write() as session:
        for code in ("DPRK", "USA", "ROK"):
            add_party(session, code, code)
        for code, actor, unit in MOVES:
            add_move(session, code, actor, code, unit=unit)
        add_position(session, "USA", "dprk.freeze", "demand", 2)


@pytest.fixture
def catalogue(prebuilt) -> Store:
    return Store(prebuilt(build_catalogue))


def write(store, action, *args, **kwargs):
    with store.write() as session:
        return action(session, *args, **kwargs)


def load(store, name: str) -> Package:
    with store.read() as connection:
        (package,) = load_packages(connection, [name], history=True)
    return package


def labels(store, name: str) -> list[str]:
    return [step.label for step in load(store, name).steps]


def ordinals(store, name: str) -> list[int]:
    with store.read() as connection:
        return [
            row[0]
            for row in connection.execute(
                text("SELECT s.ordinal FROM step s JOIN package k ON k.id = s.package_id "
                     "WHERE k.name = :n ORDER BY s.ordinal"),
                {"n": name},
            )
        ]


def kinds(store, name: str) -> list[str]:
    return [e.kind for e in load(store, name).history]


def build_drafted(url: str) -> None:
    """Package p: steps a, b, c; freeze in a, relief in b, food aid (50 tons) in c."""
    build_catalogue(url)
    catalogue = Store(url)
    write(catalogue, db.new_package, "p", title="Freeze for relief")
    for label in "abc":
        write(catalogue, db.add_step, "p", label=label)
    write(catalogue, db.place_move, "p", "dprk.freeze", step=1)
    write(catalogue, db.place_move, "p", "usa.relief", step=2)
    write(catalogue, db.place_move, "p", "rok.food-aid", step=3, quantity=50.0)


@pytest.fixture
def drafted(prebuilt) -> Store:
    return Store(prebuilt(build_drafted))


def test_a_new_package_is_an_empty_draft_with_a_created_event(catalogue):
    write(catalogue, db.new_package, "p", title="T", description="D")
    package = load(catalogue, "p")
    assert (package.title, package.description, package.status, package.steps) == ("T", "D", "draft", ())
    assert [(e.kind, e.new) for e in package.history] == [("created", "draft")]


@pytest.mark.parametrize("error, call", [
    (DuplicateCode, lambda s: db.new_package(s, "p")),
    (InvalidValue, lambda s: db.new_package(s, "bad name")),
    (UnknownCode, lambda s: db.new_package(s, "q", from_="nope")),
    (DuplicateCode, lambda s: db.rename_package(s, "p", "q")),
])
def test_bad_package_names_are_refused(catalogue, error, call):
    write(catalogue, db.new_package, "p")
    write(catalogue, db.new_package, "q")
    with pytest.raises(error):
        write(catalogue, call)


def test_adding_a_step_in_the_middle_pushes_the_later_ones_down(drafted):
    assert write(drafted, db.add_step, "p", label="x", at=2) == 2
    assert labels(drafted, "p") == ["a", "x", "b", "c"]
    assert ordinals(drafted, "p") == [1, 2, 3, 4]
    assert load(drafted, "p").step_of() == {"dprk.freeze": 1, "usa.relief": 3, "rok.food-aid": 4}


def test_removing_an_empty_step_closes_the_gap(drafted):
    write(drafted, db.add_step, "p", label="x", at=2)
    write(drafted, db.remove_step, "p", 2)
    assert labels(drafted, "p") == ["a", "b", "c"]
    assert ordinals(drafted, "p") == [1, 2, 3]


def test_removing_a_step_that_holds_moves_needs_cascade(drafted):
    with pytest.raises(Referenced, match="usa.relief"):
        write(drafted, db.remove_step, "p", 2)
    assert labels(drafted, "p") == ["a", "b", "c"]
    assert write(drafted, db.remove_step, "p", 2, cascade=True) == ["usa.relief"]
    package = load(drafted, "p")
    assert [s.label for s in package.steps] == ["a", "c"]
    assert package.step_of() == {"dprk.freeze": 1, "rok.food-aid": 2}
    assert kinds(drafted, "p")[-2:] == ["unplaced", "step-removed"]


@pytest.mark.parametrize("moved, to, expected", [(1, 3, "bca"), (3, 1, "cab"), (2, 1, "bac"), (2, 3, "acb")])
def test_moving_a_step_reorders_the_steps_and_their_moves(drafted, moved, to, expected):
    write(drafted, db.move_step, "p", moved, to)
    assert "".join(labels(drafted, "p")) == expected
    holding = {"a": "dprk.freeze", "b": "usa.relief", "c": "rok.food-aid"}
    assert load(drafted, "p").step_of() == {holding[label]: i for i, label in enumerate(expected, 1)}
    assert ordinals(drafted, "p") == [1, 2, 3]


def test_a_long_run_of_step_edits_keeps_steps_numbered_without_gaps(catalogue):
    """Random adds, removals and moves, checked against a plain list after every edit."""
    write(catalogue, db.new_package, "p")
    model: list[str] = []
    chance = random.Random(7)
    for number in range(40):
        action = chance.choice(["add", "add", "rm", "move"]) if model else "add"
        if action == "add":
            at = chance.randint(1, len(model) + 1)
            write(catalogue, db.add_step, "p", label=f"s{number}", at=at)
            model.insert(at - 1, f"s{number}")
        elif action == "rm":
            gone = chance.randint(1, len(model))
            write(catalogue, db.remove_step, "p", gone)
            del model[gone - 1]
        else:
            moved, to = chance.randint(1, len(model)), chance.randint(1, len(model))
            write(catalogue, db.move_step, "p", moved, to)
            model.insert(to - 1, model.pop(moved - 1))
        assert labels(catalogue, "p") == model
        assert ordinals(catalogue, "p") == list(range(1, len(model) + 1))


def test_placing_into_the_next_step_creates_it(drafted):
    assert write(drafted, db.place_move, "p", "dprk.dismantle", step=4) == (4, [])
    assert load(drafted, "p").step_of()["dprk.dismantle"] == 4
    assert kinds(drafted, "p")[-2:] == ["step-added", "placed"]


def test_placing_without_a_step_uses_the_last_one_or_makes_the_first(catalogue):
    write(catalogue, db.new_package, "p")
    write(catalogue, db.place_move, "p", "dprk.freeze")
    write(catalogue, db.add_step, "p")
    write(catalogue, db.place_move, "p", "usa.relief")
    assert load(catalogue, "p").step_of() == {"dprk.freeze": 1, "usa.relief": 2}


@pytest.mark.parametrize("move, step, quantity, error, message", [
    ("usa.relief", 1, None, InvalidValue, "already in step 2"),
    ("dprk.dismantle", 1, 3.0, InvalidValue, "has no unit"),
    ("dprk.dismantle", 5, None, InvalidValue, "does not exist"),
    ("dprk.unknown", 1, None, UnknownCode, "unknown move"),
])
def test_placements_that_break_the_rules_are_refused(drafted, move, step, quantity, error, message):
    with pytest.raises(error, match=message):
        write(drafted, db.place_move, "p", move, step=step, quantity=quantity)
    assert len(load(drafted, "p").placements()) == 3


def test_a_move_with_a_unit_placed_without_a_quantity_is_placed_with_a_note(catalogue):
    write(catalogue, db.new_package, "p")
    ordinal, notes = write(catalogue, db.place_move, "p", "rok.food-aid")
    assert ordinal == 1 and notes == ["move 'rok.food-aid' is measured in tons but was placed without a quantity"]
    assert load(catalogue, "p").quantities() == {"rok.food-aid": None}


def test_shift_and_unplace_move_placements_and_say_so_in_the_history(drafted):
    assert write(drafted, db.shift_move, "p", "dprk.freeze", 3) == (1, 3)
    assert write(drafted, db.unplace_move, "p", "usa.relief") == 2
    package = load(drafted, "p")
    assert package.step_of() == {"dprk.freeze": 3, "rok.food-aid": 3}
    assert [(e.kind, e.move, e.old, e.new) for e in package.history[-2:]] == [
        ("shifted", "dprk.freeze", "step 1", "step 3"),
        ("unplaced", "usa.relief", "step 2", None),
    ]


def test_unplacing_a_move_not_in_the_package_is_refused(drafted):
    with pytest.raises(InvalidValue, match="not in package 'p'"):
        write(drafted, db.unplace_move, "p", "dprk.dismantle")


def test_a_copy_is_a_draft_based_on_the_original_without_its_levels(drafted):
    write(drafted, tracking.set_status, "p", "agreed", on=date(2025, 1, 1))
    write(drafted, tracking.track_move, "p", "dprk.freeze", "3", on=date(2025, 1, 5))
    write(drafted, db.copy_package, "p", "q")
    original, copy = load(drafted, "p"), load(drafted, "q")
    assert (copy.status, copy.based_on, copy.title) == ("draft", "p", original.title)
    assert [[(x.move, x.quantity) for x in s.placements] for s in copy.steps] == [
        [(x.move, x.quantity) for x in s.placements] for s in original.steps
    ]
    assert {x.level for _, x in copy.placements()} == {"0"}
    assert [e.kind for e in copy.history] == ["created"]


def test_removing_a_package_keeps_its_copies_unlinked(drafted):
    write(drafted, db.copy_package, "p", "q")
    write(drafted, db.remove_package, "p")
    assert load(drafted, "q").based_on is None
    with drafted.read() as connection:
        assert connection.execute(text("SELECT count(*) FROM step")).scalar() == 3
        assert connection.execute(text("SELECT count(*) FROM event e JOIN package k ON k.id = e.package_id "
                                        "WHERE k.name = 'p'")).scalar() == 0


def test_rename_and_edit_record_old_and_new(drafted):
    write(drafted, db.rename_package, "p", "r")
    write(drafted, db.edit_package, "r", title="New title")
    package = load(drafted, "r")
    assert package.title == "New title"
    assert [(e.kind, e.old, e.new) for e in package.history[-2:]] == [
        ("renamed", "p", "r"), ("title", "Freeze for relief", "New title"),
    ]


def test_an_agreed_package_keeps_its_steps(drafted):
    write(drafted, tracking.set_status, "p", "agreed")
    for call in (lambda s: db.add_step(s, "p"), lambda s: db.place_move(s, "p", "dprk.dismantle"),
                 lambda s: db.shift_move(s, "p", "dprk.freeze", 2), lambda s: db.move_step(s, "p", 1, 2)):
        with pytest.raises(InvalidValue, match="is agreed"):
            write(drafted, call)


def test_status_changes_are_events_and_going_back_needs_force(drafted):
    write(drafted, tracking.set_status, "p", "proposed")
    with pytest.raises(InvalidValue, match="must be forced"):
        write(drafted, tracking.set_status, "p", "draft")
    write(drafted, tracking.set_status, "p", "draft", force=True, note="redo")
    package = load(drafted, "p")
    assert package.status == "draft"
    assert [(e.old, e.new, e.note) for e in package.history if e.kind == "status"] == [
        ("draft", "proposed", ""), ("proposed", "draft", "redo"),
    ]


def test_a_status_change_on_a_date_is_dated_that_day(drafted):
    write(drafted, tracking.set_status, "p", "agreed", on=date(2025, 1, 2))
    assert [e.at for e in load(drafted, "p").history if e.kind == "status"] == [datetime(2025, 1, 2)]


def test_tracking_a_draft_is_refused(drafted):
    with pytest.raises(InvalidValue, match="is draft"):
        write(drafted, tracking.track_move, "p", "dprk.freeze", "1")


def test_the_first_update_starts_implementation(drafted):
    write(drafted, tracking.set_status, "p", "agreed")
    assert write(drafted, tracking.track_move, "p", "dprk.freeze", "1") == ("0", "1", True)
    assert write(drafted, tracking.track_move, "p", "usa.relief", "2") == ("0", "2", False)
    package = load(drafted, "p")
    assert package.status == "implementing"
    assert [(e.kind, e.new) for e in package.history if e.kind in ("status", "level")] == [
        ("status", "agreed"), ("status", "implementing"), ("level", "1"), ("level", "2"),
    ]


def test_a_back_dated_update_does_not_overwrite_a_later_one(drafted):
    write(drafted, tracking.set_status, "p", "agreed", on=date(2025, 1, 1))
    write(drafted, tracking.track_move, "p", "dprk.freeze", "3", on=date(2025, 5, 1))
    old, new, _ = write(drafted, tracking.track_move, "p", "dprk.freeze", "1", on=date(2025, 3, 1))
    assert (old, new) == ("0", "1")
    assert load(drafted, "p").steps[0].placements[0].level == "3"
    old, _, _ = write(drafted, tracking.track_move, "p", "dprk.freeze", "2", on=date(2025, 4, 1))
    assert old == "1"


def test_a_placement_links_its_events(drafted):
    write(drafted, tracking.set_status, "p", "agreed")
    write(drafted, tracking.track_move, "p", "dprk.freeze", "2")
    with drafted.read() as connection:
        linked = connection.execute(text(
            "SELECT e.kind FROM event e JOIN placement x ON x.id = e.placement_id "
            "JOIN move m ON m.id = x.move_id WHERE m.code = 'dprk.freeze' ORDER BY e.id")).scalars().all()
    assert linked == ["placed", "level"]


SAVED = Package(
    name="saved",
    title="Saved",
    description="from a value",
    status="implementing",
    steps=(
        Step("one", date(2025, 3, 1), (Placement("dprk.freeze", level="3"), Placement("rok.food-aid", 20.0, "1"))),
        Step("two", None, (Placement("usa.relief"),)),
    ),
    history=(
        Event(datetime(2025, 1, 1), "created", new="draft"),
        Event(datetime(2025, 2, 1), "status", old="draft", new="agreed"),
        Event(datetime(2025, 3, 1), "level", "dprk.freeze", "0", "3", "done", "report.txt"),
        Event(datetime(2025, 3, 1), "level", "rok.food-aid", "0", "1"),
    ),
)


def test_save_package_stores_a_domain_package_as_it_is(drafted):
    write(drafted, saving.save_package, SAVED, based_on="p")
    loaded = load(drafted, "saved")
    assert loaded == Package(**{**SAVED.__dict__, "based_on": "p"})


def test_save_package_without_history_writes_a_created_event_with_the_note(drafted):
    plain = Package("plain", steps=(Step(placements=(Placement("dprk.freeze"),)),))
    write(drafted, saving.save_package, plain, note="found by sequence")
    assert [(e.kind, e.note) for e in load(drafted, "plain").history] == [("created", "found by sequence")]


def test_save_package_refuses_an_existing_name_unless_replacing(drafted):
    write(drafted, db.copy_package, "p", "q")
    with pytest.raises(DuplicateCode):
        write(drafted, saving.save_package, Package("p"))
    write(drafted, saving.save_package, Package("p", title="replaced", steps=SAVED.steps), replace=True)
    assert load(drafted, "p").title == "replaced"
    assert load(drafted, "p").step_of() == {"dprk.freeze": 1, "rok.food-aid": 1, "usa.relief": 2}
    assert load(drafted, "q").based_on == "p"


@pytest.mark.parametrize("package, error", [
    (Package("x", steps=(Step(placements=(Placement("dprk.freeze"), Placement("dprk.freeze"))),)), InvalidValue),
    (Package("x", steps=(Step(placements=(Placement("no.such-move"),)),)), UnknownCode),
    (Package("x", steps=(Step(placements=(Placement("dprk.freeze", 3.0),)),)), InvalidValue),
    (Package("x", status="signed"), InvalidValue),
])
def test_save_package_refuses_what_drafting_would_refuse(catalogue, package, error):
    with pytest.raises(error):
        write(catalogue, saving.save_package, package)
    with catalogue.read() as connection:
        assert connection.execute(text("SELECT count(*) FROM package")).scalar() == 0


def test_removing_a_placed_move_from_the_catalogue_touches_the_package(catalogue):
    from negotiator.db.catalogue import remove_move

    write(catalogue, db.new_package, "p")
    write(catalogue, db.place_move, "p", "usa.relief", step=1)
    with catalogue.read() as connection:
        before = connection.execute(text("SELECT updated_at FROM package WHERE name = 'p'")).scalar_one()
    write(catalogue, remove_move, "usa.relief", cascade=True)
    with catalogue.read() as connection:
        after = connection.execute(text("SELECT updated_at FROM package WHERE name = 'p'")).scalar_one()
    assert str(after) > str(before)
    assert load(catalogue, "p").history[-1].kind == "unplaced"


def test_a_level_cannot_be_dated_before_the_agreement(catalogue):
    write(catalogue, db.new_package, "p")
    write(catalogue, db.place_move, "p", "usa.relief", step=1)
    write(catalogue, tracking.set_status, "p", "agreed", on=date(2025, 5, 1))
    with pytest.raises(InvalidValue, match="before it was agreed on 2025-05-01"):
        write(catalogue, tracking.track_move, "p", "usa.relief", "3", on=date(2025, 4, 30))
    assert write(catalogue, tracking.track_move, "p", "usa.relief", "3", on=date(2025, 5, 1))[2] is True
