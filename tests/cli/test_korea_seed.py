"""The bundled Korea dataset against what happened: each test states one verdict history bears out.

The expectations are worked by hand from the conditions in ``seeds/korea.yaml``, e.g. for the
September 2009 Kaesong settlement (step 1: the North drops its hike demands, cost 2; the minimum
wage rises to 57.88):

- DPRK: net gain = -2 (dropping the demands) + 3 (it asked for the 5% raise) = 1 >= 0; none of
  its other hard conditions applies (no talks with Seoul, no naval CBMs, no six-party return, no
  average wage placed).  The soft face-saving condition fails: no infrastructure first.
- ROK: its offer on the minimum wage is bounded by 5% on 55.12, i.e. 57.88, and 57.88 meets it;
  no rent increase, no average wage of 300 or more, no Kumgang tours without a safety guarantee.

Only verdicts that do not depend on which government judges them are stated here (the October
2007 accord, for one, is satisfactory to Seoul under Roh and not under Lee).  Runs on SQLite.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli


@pytest.fixture
def korea(korea_sqlite):
    return Cli(str(korea_sqlite))


def _parties(cli: Cli, package: str) -> dict[str, dict]:
    document = json.loads(cli.ok("check", package, "--format", "json").stdout)
    return {entry["party"]: entry for entry in document[0]["parties"]}


def _failed(entry: dict) -> list[tuple[str, bool]]:
    return [(c["text"], c["soft"]) for c in entry["conditions"] if not c["passed"]]


def _levels(cli: Cli, package: str, as_of: str) -> dict[str, str]:
    document = json.loads(cli.ok("status", package, "--as-of", as_of, "--format", "json").stdout)
    return {m["move"]: m["level"] for step in document["steps"] for m in step["moves"]}


def test_the_september_2009_kaesong_settlement_satisfies_both_koreas(korea):
    parties = _parties(korea, "kaesong-wage-2009")
    assert parties["DPRK"]["satisfied"] and parties["ROK"]["satisfied"]
    assert _failed(parties["DPRK"]) == [("kaesong.infrastructure before dprk.kaesong-drop-hike-demands", True)]
    assert _failed(parties["ROK"]) == []


def test_the_fukuda_deal_satisfies_the_two_governments_that_made_it(korea):
    # DPRK: net gain 3 + 3 (port ban, sanctions) - 2 - 2 - 2 (investigation, documents,
    # interviews) = 0; the reinvestigation comes with the port ban.  JPN: the port ban is lifted in
    # the reinvestigation's step; no delisting, no normalization in the package.
    parties = _parties(korea, "fukuda-2008")
    assert parties["JPN"]["satisfied"] and parties["DPRK"]["satisfied"]
    assert _failed(parties["JPN"]) == [] and _failed(parties["DPRK"]) == []


def test_the_thaad_package_fails_china_alone_on_completing_the_deployment(korea):
    parties = _parties(korea, "thaad-2017")
    assert [party for party, entry in parties.items() if not entry["satisfied"]] == ["CHN"]
    assert _failed(parties["CHN"]) == [("excludes rok.thaad-complete", False)]


@pytest.mark.parametrize("package", ["freeze-dprk-first", "freeze-alliance-first"])
def test_washington_refuses_freeze_for_freeze_in_either_order(korea, package):
    parties = _parties(korea, package)
    assert [party for party, entry in parties.items() if not entry["satisfied"]] == ["USA"]
    assert _failed(parties["USA"]) == [("excludes usa.scale-down-exercises", False)]


def test_august_2009_fails_the_north_which_put_washington_before_the_six_party_talks(korea):
    parties = _parties(korea, "august-2009-reengagement")
    assert not parties["DPRK"]["satisfied"]
    assert _failed(parties["DPRK"]) == [("includes usa.dprk-bilateral-talks if includes dprk.return-six-party", False)]


def test_sigals_summit_provisions_fail_seoul_only_for_want_of_a_step_toward_denuclearization(korea):
    parties = _parties(korea, "kaesong-nll")
    assert parties["DPRK"]["satisfied"]  # Washington's talks with Pyongyang come with the engagement
    assert [party for party, entry in parties.items() if not entry["satisfied"]] == ["ROK"]
    [(text, soft)] = _failed(parties["ROK"])
    assert text.startswith("includes dprk.disable-yongbyon or includes dprk.halt-nuclear-activity") and not soft


def test_energy_aid_in_the_second_phase_comes_from_every_party_but_japan(korea):
    document = json.loads(korea.ok("package", "show", "six-party-second-phase", "--format", "json").stdout)
    aid = {m["actor"] for step in document["steps"] for m in step["moves"] if m["move"].endswith(".energy-aid")}
    assert aid == {"USA", "ROK", "CHN", "RUS"}


@pytest.mark.parametrize(
    ("as_of", "disablement", "declaration"),
    [
        ("2007-11-04", "0", "0"),
        ("2007-11-05", "1", "0"),  # disablement began on 5 November 2007
        ("2008-06-25", "1", "0"),
        ("2008-06-26", "1", "2"),  # the declaration was handed over on 26 June 2008
        ("2009-04-14", "reversed", "2"),
    ],
)
def test_the_second_phase_history_shows_disablement_and_the_declaration_on_their_days(korea, as_of, disablement, declaration):
    levels = _levels(korea, "six-party-second-phase", as_of)
    assert (levels["dprk.disable-yongbyon"], levels["dprk.nuclear-declaration"]) == (disablement, declaration)


@pytest.mark.parametrize(("as_of", "due", "overdue"), [
    ("2008-01-15", "2007-12-31", True),  # the first deadline, passed with the declaration not made
    ("2008-07-11", "2007-12-31", True),
    ("2008-08-01", "2008-10-31", False),  # the 12 July 2008 communique moved it to the end of October
    ("2008-11-15", "2008-10-31", True),
])
def test_the_second_phase_deadline_is_the_one_in_force_on_the_date(korea, as_of, due, overdue):
    document = json.loads(korea.ok("status", "six-party-second-phase", "--as-of", as_of, "--format", "json").stdout)
    (step,) = document["steps"]
    assert (step["due"], step["overdue"], document["overdue_steps"]) == (due, overdue, [1] if overdue else [])


def test_energy_aid_stops_half_delivered_on_12_december_2008(korea):
    before, after = (_levels(korea, "six-party-second-phase", day) for day in ("2008-12-11", "2008-12-12"))
    donors = ("usa.energy-aid", "rok.energy-aid", "chn.energy-aid", "rus.energy-aid")
    assert [before[m] for m in donors] == ["1"] * 4
    assert [after[m] for m in donors] == ["2"] * 4


def test_package_show_says_why_a_soft_condition_failed_for_a_satisfied_party(korea):
    out = korea.ok("package", "show", "august-2009-reengagement", "--as-of", "2009-08-20").stdout
    rok = " ".join(out[out.index("\nROK "):].split("\n\n")[0].split())
    assert "satisfied 12/13" in rok and "NOT" not in rok
    assert "(soft) dprk.disable-yongbyon is not in the package" in rok
