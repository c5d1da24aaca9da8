"""A small Korean catalogue and one package, worked out by hand, shared by the evaluator and
metrics tests; and ``drafted``, which writes a package the way an analyst sketches one:
``"usa.delist-sst rok.food-aid=500 | dprk.freeze"`` is two steps, ``=`` giving a quantity.

v_P(m) (§4: -cost for the actor, +weight if P demands m, -weight if P opposes it):

    move                        actor  cost   DPRK  USA  ROK  JPN
    usa.delist-sst              USA    2      +4    -2         -1 (JPN opposes, weight 1)
    rok.food-aid                ROK    1      +2         -1
    dprk.freeze                 DPRK   3      -3    +3   +2
    kaesong.wage                ROK    2      +3         -2
    dprk.disable-yongbyon       DPRK   2      -2    +2
    usa.liaison-office          USA    1            -1
    dprk.abduction-accounting   DPRK   1      -1              +5
    jpn.economic-cooperation    JPN    2      +2              -2

WORKED, step by step, and each party's balance after it:

    step 1: usa.delist-sst, rok.food-aid=500       DPRK +6   USA -2   ROK -1   JPN -1
    step 2: dprk.freeze, kaesong.wage=120          DPRK  6   USA  1   ROK -1   JPN -1
    step 3: dprk.disable-yongbyon, usa.liaison     DPRK  4   USA  2   ROK -1   JPN -1

so gains DPRK 4, USA 2, ROK -1, JPN -1 and exposures DPRK 0, USA 2, ROK 1, JPN 1.
"""

from __future__ import annotations

from negotiator.domain.model import (
    Bound,
    Catalogue,
    Condition,
    Move,
    Package,
    Party,
    Placement,
    Position,
    Step,
)

MOVES = (
    Move("usa.delist-sst", "USA", "Remove the DPRK from the state sponsors of terrorism list", cost=2),
    Move("rok.food-aid", "ROK", "Food aid", unit="tons", cost=1),
    Move("dprk.freeze", "DPRK", "Freeze nuclear and missile tests", cost=3),
    Move("kaesong.wage", "ROK", "Set the average monthly wage at Kaesong", unit="USD/month", cost=2),
    Move("dprk.disable-yongbyon", "DPRK", "Disable the Yongbyon reactor", cost=2),
    Move("usa.liaison-office", "USA", "Open a liaison office in Pyongyang", cost=1),
    Move("dprk.abduction-accounting", "DPRK", "Account for the abductees", cost=1),
    Move("jpn.economic-cooperation", "JPN", "Economic cooperation", cost=2),
)

POSITIONS = (
    Position("DPRK", "usa.delist-sst", "demand", 4),
    Position("DPRK", "rok.food-aid", "demand", 2),
    Position("DPRK", "kaesong.wage", "demand", 3, Bound(">=", 300)),
    Position("DPRK", "jpn.economic-cooperation", "demand", 2),
    Position("USA", "dprk.freeze", "demand", 3),
    Position("USA", "dprk.disable-yongbyon", "demand", 2),
    Position("ROK", "dprk.freeze", "demand", 2),
    Position("ROK", "kaesong.wage", "offer", 1, Bound("<=", 100)),
    Position("JPN", "dprk.abduction-accounting", "demand", 5),
    Position("JPN", "usa.delist-sst", "oppose", 1),
)

PARTIES = (Party("DPRK", "North Korea"), Party("USA", "United States"), Party("ROK", "South Korea"), Party("JPN", "Japan"))


def catalogue(*conditions: Condition, positions=POSITIONS) -> Catalogue:
    return Catalogue(parties=PARTIES, moves=MOVES, positions=positions, conditions=tuple(conditions))


def drafted(sketch: str, name: str = "worked") -> Package:
    """A package from ``"move move=qty | move"``: steps split on ``|``, ``=`` gives a quantity."""
    steps = []
    for part in sketch.split("|") if sketch.strip() else []:
        placements = []
        for word in part.split():
            move, _, quantity = word.partition("=")
            placements.append(Placement(move, float(quantity) if quantity else None))
        steps.append(Step(placements=tuple(placements)))
    return Package(name=name, steps=tuple(steps))


WORKED = drafted(
    "usa.delist-sst rok.food-aid=500 | dprk.freeze kaesong.wage=120 | dprk.disable-yongbyon usa.liaison-office"
)
