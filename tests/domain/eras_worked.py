"""A small catalogue with eras, worked by hand, shared by the era tests.

South Korea has two governments, ``roh`` (2003-02-25 to 2008-02-25) and ``lee`` (2008-02-25 to
2013-02-25); the DPRK and the USA have none.  Positions (weights):

=========================  ==================  ===============  ===============
move (actor, cost)          ROK standing        ROK under roh    ROK under lee
=========================  ==================  ===============  ===============
dprk.freeze (DPRK, 3)       demand 2            --               --
usa.talks (USA, 1)          demand 1            demand 2         oppose 1
dprk.protocol (DPRK, 1)     --                  --               demand 3
rok.aid (ROK, 1)            (actor: -1)         --               --
=========================  ==================  ===============  ===============

DPRK demands rok.aid (4) and usa.talks (2).  Conditions: ROK standing ``balance >= 0``;
ROK under lee ``dprk.protocol before rok.aid`` (named ``lee-protocol-first``); DPRK standing
``includes usa.talks if includes dprk.freeze``; a rule ``dprk.freeze before rok.aid`` is absent on
purpose (rules hold whatever the era; one is tested on its own).

So v_ROK(usa.talks) is +1 on standing rows alone, +2 under roh and -1 under lee.

The accord: step 1 ``dprk.freeze, usa.talks``; step 2 ``rok.aid`` due 2008-10-31; dated
2007-10-03 (under roh).  ROK's balance: +2 +2 (roh) then -1 = 3 under roh; +2 -1 then -1 = 0 under
lee (balance >= 0 holds), but under lee ``dprk.protocol before rok.aid`` fails (no protocol).
"""

from __future__ import annotations

from datetime import date

from negotiator.domain.model import Catalogue, Condition, Era, Move, Package, Party, Placement, Position, Step

ROH = Era("ROK", "roh", "Roh Moo-hyun government", date(2003, 2, 25), date(2008, 2, 25))
LEE = Era("ROK", "lee", "Lee Myung-bak government", date(2008, 2, 25), date(2013, 2, 25))


def catalogue(*extra_conditions: Condition) -> Catalogue:
    return Catalogue(
        parties=(Party("DPRK", "North Korea"), Party("ROK", "South Korea"), Party("USA", "United States")),
        moves=(
            Move("dprk.freeze", "DPRK", "Freeze", cost=3),
            Move("dprk.protocol", "DPRK", "Verification protocol", cost=1),
            Move("rok.aid", "ROK", "Aid", cost=1),
            Move("usa.talks", "USA", "Talks", cost=1),
        ),
        positions=(
            Position("ROK", "dprk.freeze", "demand", 2),
            Position("ROK", "usa.talks", "demand", 1),
            Position("ROK", "usa.talks", "demand", 2, era="roh"),
            Position("ROK", "usa.talks", "oppose", 1, era="lee"),
            Position("ROK", "dprk.protocol", "demand", 3, era="lee"),
            Position("DPRK", "rok.aid", "demand", 4),
            Position("DPRK", "usa.talks", "demand", 2),
        ),
        conditions=(
            Condition("balance >= 0", party="ROK"),
            Condition("dprk.protocol before rok.aid", party="ROK", name="lee-protocol-first", era="lee"),
            Condition("includes usa.talks if includes dprk.freeze", party="DPRK"),
            *extra_conditions,
        ),
        eras=(ROH, LEE),
    )


ACCORD = Package(
    "accord",
    steps=(
        Step("Freeze for talks", placements=(Placement("dprk.freeze"), Placement("usa.talks"))),
        Step("Aid", due=date(2008, 10, 31), placements=(Placement("rok.aid"),)),
    ),
    date=date(2007, 10, 3),
)
