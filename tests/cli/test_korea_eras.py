"""The bundled Korea dataset judged in the governments of its day: each test states one expectation
of history, worked by hand from ``seeds/korea.yaml``.

The October 2007 second-phase accord (dated 2007-10-03, its one step due 2008-10-31): delisting
and energy aid from every party but Japan against disablement and the declaration, no written
verification protocol.

- ROK under Roh (the accord's date): 8 conditions in force (its standing ones and position
  bounds), all hold.
- ROK under Lee: the same 8 hold, plus Lee's five: the protocol before delisting and aid fails
  (delisting and aid are in step 1, the protocol is not in the package); the summit provisions,
  six-party-before-aid, aid-for-denuclearization and Kumgang conditions hold (their moves are
  absent): 12 of 13, not satisfied.
- The window runs from 2007-10-03 to 2008-10-31: Roh's government to 2008-02-25, then Lee's, so
  the accord is not robust for ROK, broken by Lee's era; for Japan it spans Fukuda's cabinet and
  Aso's (from 2008-09-24), who put the abductions and the protocol before delisting: broken by aso.

The Fukuda deal (2008-08-13) is judged in the Fukuda cabinet for Japan: 4 of 4; the DPRK, which
has no eras, 8 of 8.  The September 2009 Kaesong settlement (2009-09-16): ROK under Lee 13 of 13
(its minimum wage of 57.88 within its 5% bound), the DPRK 7 of 8 with only its soft face-saving
condition failing.  Runs on SQLite.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli


@pytest.fixture
def korea(korea_sqlite):
    return Cli(str(korea_sqlite))


def _check(cli: Cli, package: str, *args: str) -> dict[str, dict]:
    (found,) = json.loads(cli.ok("check", package, *args, "--format", "json").stdout)
    return {entry["party"]: entry for entry in found["parties"]}


def _verdict(entry: dict) -> tuple:
    return entry["era"], entry["satisfied"], entry["passed"], entry["total"]


def test_the_second_phase_accord_satisfies_rok_under_roh(korea):
    assert _verdict(_check(korea, "six-party-second-phase")["ROK"]) == ("roh", True, 8, 8)


def test_the_second_phase_accord_does_not_satisfy_rok_under_lee_for_want_of_a_written_protocol(korea):
    rok = _check(korea, "six-party-second-phase", "--era", "ROK=lee")["ROK"]
    assert _verdict(rok) == ("lee", False, 12, 13)
    assert [c["text"].split(" and ")[0] for c in rok["conditions"]] == ["dprk.verification-protocol before usa.delist-sst"]


def test_the_second_phase_accord_is_not_robust_for_rok_and_lees_era_breaks_it(korea):
    rok = _check(korea, "six-party-second-phase", "--robust")["ROK"]
    assert rok["satisfied"] is False
    assert [(e["era"], e["satisfied"]) for e in rok["eras"]] == [("roh", True), ("lee", False)]
    table = korea.ok("check", "six-party-second-phase", "--robust", "--format", "csv").stdout.splitlines()
    assert 'six-party-second-phase,ROK,"roh, lee",NOT robust: broken by lee,,,' in table


def test_the_second_phase_accord_is_not_robust_for_japan_either_broken_by_aso(korea):
    jpn = _check(korea, "six-party-second-phase", "--robust")["JPN"]
    assert [(e["era"], e["satisfied"], e["passed"], e["total"]) for e in jpn["eras"]] == [
        ("fukuda", True, 4, 4), ("aso", False, 4, 6)]


def test_the_second_phase_accord_is_robust_for_washington_within_bushs_term(korea):
    usa = _check(korea, "six-party-second-phase", "--robust")["USA"]
    assert usa["satisfied"] and [e["era"] for e in usa["eras"]] == ["bush"]


def test_the_fukuda_deal_satisfies_the_governments_that_made_it(korea):
    parties = _check(korea, "fukuda-2008", "--robust")
    assert _verdict(parties["JPN"]) == ("fukuda", True, 4, 4)
    assert _verdict(parties["DPRK"]) == (None, True, 8, 8)
    assert [e["era"] for e in parties["JPN"]["eras"]] == ["fukuda"]


def test_the_september_2009_kaesong_settlement_satisfies_both_koreas_under_lee(korea):
    parties = _check(korea, "kaesong-wage-2009")
    assert _verdict(parties["ROK"]) == ("lee", True, 13, 13)
    assert _verdict(parties["DPRK"]) == (None, True, 7, 8)


def test_sigals_summit_provisions_would_have_satisfied_rohs_seoul_not_lees(korea):
    assert _verdict(_check(korea, "kaesong-nll")["ROK"]) == ("lee", False, 12, 13)
    assert _verdict(_check(korea, "kaesong-nll", "--era", "ROK=roh")["ROK"]) == ("roh", True, 8, 8)


def test_washington_refuses_freeze_for_freeze_under_every_president(korea):
    usa = _check(korea, "freeze-dprk-first", "--across-eras")["USA"]
    assert [(e["era"], e["satisfied"]) for e in usa["eras"]] == [
        ("bush", False), ("obama", False), ("trump-1", False), ("biden", False), ("trump-2", False)]


def test_the_1994_agreed_framework_precedes_every_government_and_is_judged_on_standing_rows(korea):
    parties = _check(korea, "agreed-framework-1994")
    assert {party: entry["era"] for party, entry in parties.items()} == dict.fromkeys(parties)
    assert all(entry["satisfied"] for entry in parties.values())


def test_check_all_across_eras_prints_a_verdict_per_party_per_government(korea):
    eras = json.loads(korea.ok("era", "list", "--format", "json").stdout)
    governments = {}
    for era in eras:
        governments.setdefault(era["party"], []).append(era["name"])
    assert {party: len(names) for party, names in governments.items()} == {"ROK": 6, "USA": 5, "JPN": 5}
    checked = json.loads(korea.ok("check", "--all", "--across-eras", "--format", "json").stdout)
    assert len(checked) == 10
    for package in checked:
        for party in package["parties"]:
            judged = [e["era"] for e in party["eras"] if e["era"] is not None]
            assert judged == governments.get(party["party"], []), (package["package"], party["party"])
    rows = korea.ok("check", "--all", "--across-eras", "--format", "csv").stdout.splitlines()
    assert "six-party-second-phase,ROK,lee,NOT satisfied 12/13,,," in rows
    assert "six-party-second-phase,ROK,roh,satisfied 8/8 (as of),,," in rows
