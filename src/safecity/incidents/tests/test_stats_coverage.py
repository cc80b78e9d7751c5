"""Issue 8, items 1, 2 and 4: no fake zeros, the last complete week, too few to test, and uptick notes.

The dataset mimics the demo's problem: an agency whose data begin on Monday 3 June 2024, analysed as of
Friday 28 June 2024. Before the change every period before June 2024 counted as 0 — trends showed zero
months, the firearm page zero years, CompStat compared with a prior year of "0", and upticks flagged every
area with robberies as a "real rise".
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.urls import reverse

from safecity.analytics import min_expected
from safecity.analytics.poisson import MIN_EXPECTED
from safecity.core.actors import SYSTEM
from safecity.incidents.stats.compstat import compstat
from safecity.incidents.stats.coverage import Coverage
from safecity.incidents.stats.firearm import firearm_violence
from safecity.incidents.stats.periods import compstat_windows, last_complete_week
from safecity.incidents.stats.scope import coverage_of, resolve_scope
from safecity.incidents.stats.trends import trends
from safecity.incidents.stats.upticks import _note, upticks
from safecity.incidents.tests.factories import geography, make_incident

D = dt.date
FIRST, AS_OF = D(2024, 6, 3), D(2024, 6, 28)


@pytest.fixture
def june(agency_a):  # type: ignore[no-untyped-def]
    """Two robberies and a shooting (one victim) each day from 3 to 28 June 2024, all in one beat."""
    _, beat = geography(agency_a)
    day = FIRST
    while day <= AS_OF:
        make_incident(agency_a, day, [("120", [])], beat=beat)
        make_incident(agency_a, day, [("120", [])], beat=beat)
        make_incident(agency_a, day, [("13A", ["12"])], [(["13A"], False, True)], beat=beat)
        day += dt.timedelta(days=1)
    return beat


# ---- pure parts ------------------------------------------------------------------------------------------


def test_coverage_status_full_partial_none() -> None:
    c = Coverage(first=FIRST, last=AS_OF)
    assert c.status(D(2024, 6, 10), D(2024, 6, 16)) == "full"
    assert c.status(D(2024, 6, 1), D(2024, 6, 28)) == "partial"
    assert c.status(D(2023, 6, 1), D(2023, 6, 28)) == "none"
    assert c.days_with_data(D(2024, 5, 1), AS_OF) == 26
    assert Coverage(first=None, last=None).status(FIRST, AS_OF) == "none"


def test_minimum_expected_rule() -> None:
    # "0 vs 3 on a Monday": 1.5 expected in each period if nothing changed — below Cochran's 5.
    assert min_expected(3, 0) == 1.5 and MIN_EXPECTED == 5.0
    assert min_expected(70, 22) == 46.0
    assert min_expected(10, 20, 1.0, 2.0) == 10.0  # exposures 1 : 2 (28 days against the 56 before)
    with pytest.raises(ValueError, match="c1"):
        min_expected(-1, 3)


def test_last_complete_week_is_monday_to_sunday() -> None:
    assert last_complete_week(D(2024, 6, 24)) == (D(2024, 6, 17), D(2024, 6, 23))  # a Monday: last week
    assert last_complete_week(D(2024, 6, 23)) == (D(2024, 6, 17), D(2024, 6, 23))  # a Sunday: this week
    assert last_complete_week(D(2024, 6, 28)) == (D(2024, 6, 17), D(2024, 6, 23))
    (week, week_py), _, _ = compstat_windows(D(2024, 6, 24))
    assert (week.key, week.start, week.end, week.days) == ("week", D(2024, 6, 17), D(2024, 6, 23), 7)
    assert (week_py.start, week_py.end) == (D(2023, 6, 17), D(2023, 6, 23))
    (wtd, _), _, _ = compstat_windows(D(2024, 6, 24), "to_date")
    assert (wtd.key, wtd.days) == ("wtd", 1)


# ---- no fake zeros ---------------------------------------------------------------------------------------


def test_compstat_does_not_compare_with_a_prior_year_without_data(june, olivia_officer) -> None:  # type: ignore[no-untyped-def]
    scope = resolve_scope(olivia_officer)
    report = compstat(user=olivia_officer, scope=scope, as_of=AS_OF)
    assert (report.coverage.first, report.coverage.last) == (FIRST, AS_OF)
    rows = {r.category: r for r in report.rows}
    week = rows["robbery"].cells["week"]  # 17–23 June: full; the same days of 2023: no data
    assert (week.current, week.prior, week.change, week.z, week.flag) == (14, None, None, None, None)
    assert (week.coverage, week.prior_coverage) == ("full", "none") and "no data" in week.note
    ytd = rows["robbery"].cells["ytd"]  # 1 January – 28 June: only from 3 June on file
    assert (ytd.current, ytd.coverage, ytd.prior, ytd.z) == (52, "partial", None, None)
    assert all(c.flag is None and c.prior is None for r in report.rows for c in r.cells.values())


def test_api_answers_null_and_a_coverage_object_never_zero(june, olivia_officer, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(olivia_officer)
    body = client.get("/api/v1/incidents/stats/compstat", {"as_of": str(AS_OF)}).json()
    assert body["coverage"]["first"] == "2024-06-03" and body["coverage"]["last"] == "2024-06-28"
    assert body["coverage"]["sources"] == [{"source": "test", "first": "2024-06-03", "last": "2024-06-28",
                                            "incidents": 78}]
    cell = next(r for r in body["rows"] if r["category"] == "robbery")["cells"]["d28"]
    assert cell["prior"] is None and cell["z"] is None and cell["coverage"] == "partial"
    months = client.get("/api/v1/incidents/stats/trends", {"as_of": str(AS_OF)}).json()["series"][0]["points"]
    assert months[0]["count"] is None and months[0]["coverage"] == "none"


def test_as_of_outside_coverage_names_the_window(june, olivia_officer, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(olivia_officer)
    for as_of in ("1900-01-01", "2024-06-02", "2024-06-29"):
        r = client.get("/api/v1/incidents/stats/compstat", {"as_of": as_of})
        assert r.status_code == 422, as_of
        (error,) = r.json()["error"]["fields"]
        assert error["field"] == "as_of" and "2024-06-03 to 2024-06-28" in error["message"], error
        page = client.get(reverse("incidents:stats_compstat"), {"as_of": as_of})
        assert page.status_code == 400 and "2024-06-03 to 2024-06-28" in page.content.decode()


def test_trends_show_no_data_before_coverage_and_no_rising_rolling_sum(june, olivia_officer) -> None:  # type: ignore[no-untyped-def]
    t = trends(user=olivia_officer, scope=resolve_scope(olivia_officer), as_of=AS_OF, months=36)
    points = t.of("robbery").points
    assert len(points) == 36 and points[-1].month == D(2024, 6, 1)
    assert all(p.count is None and p.coverage == "none" for p in points[:-1])  # July 2021 – May 2024
    assert (points[-1].count, points[-1].partial, points[-1].coverage) == (52, True, "partial")
    assert all(p.rolling_12 is None for p in points) and t.rolling_months == 12


def test_trends_rolling_sum_needs_twelve_complete_months(agency_a, olivia_officer) -> None:  # type: ignore[no-untyped-def]
    for month in range(1, 13):  # one robbery a month through 2023, data on file from 1 January 2023
        make_incident(agency_a, D(2023, month, 1), [("120", [])])
    make_incident(agency_a, D(2023, 12, 31), [("13B", [])])
    t = trends(user=olivia_officer, scope=resolve_scope(olivia_officer), as_of=D(2023, 12, 31), months=12)
    points = t.of("robbery").points
    assert [p.count for p in points] == [1] * 12
    assert [p.rolling_12 for p in points] == [None] * 11 + [12]  # only December has 12 full months behind it


def test_firearm_no_zero_years_and_no_average_from_one_year(june, olivia_officer) -> None:  # type: ignore[no-untyped-def]
    f = firearm_violence(user=olivia_officer, scope=resolve_scope(olivia_officer), as_of=AS_OF)
    ytd = {y.year: y for y in f.year_to_date}
    assert ytd[2024].counts["shooting_victims"] == 26 and ytd[2024].coverage == "partial"
    for year in (2019, 2020, 2021, 2022, 2023):
        assert ytd[year].counts["shooting_victims"] is None and ytd[year].coverage == "none"
    assert all(y.counts["shooting_incidents"] is None for y in f.full_years)
    victims = next(c for c in f.comparisons if c.measure == "shooting_victims")
    assert (victims.avg_3yr, victims.years_3yr, victims.z_3yr, victims.avg_5yr, victims.z_5yr) == (
        None, 0, None, None, None)


# ---- upticks ---------------------------------------------------------------------------------------------


def test_upticks_do_not_test_against_periods_without_data(june, olivia_officer) -> None:  # type: ignore[no-untyped-def]
    u = upticks(user=olivia_officer, scope=resolve_scope(olivia_officer), as_of=AS_OF)
    assert u.flagged == 0 and u.tested == 0 and u.not_tested == len(u.rows) > 0
    robbery = next(r for r in u.rows if r.category == "robbery" and r.level == "beat")
    assert (robbery.current, robbery.prior_year, robbery.prior_8wk) == (52, None, None)
    assert robbery.p is None and robbery.q is None and not robbery.tested
    # The last 28 days (1–28 June) begin before the data: "partial data" comes first.
    assert robbery.note == "Not tested: the last 28 days have partial data."


def test_uptick_notes_say_why_in_words() -> None:
    row = {"cur": 70, "py": 22, "pre": 130, "p_py": 1e-9, "p_pre": 0.04, "p": 0.04}
    assert "Up on both last year and the 8 weeks before, but among 300 tests at q = 0.120" in _note(
        row, 0.12, 0.05, 5, 300)
    assert "multiple comparisons" in _note(row, 0.12, 0.05, 5, 300)
    flat = {**row, "pre": 134, "p_pre": 0.4, "p": 0.4}
    assert _note(flat, 0.9, 0.05, 5, 300).startswith("Up on last year but within normal variation against the 8 "
                                                    "weeks before")
    assert _note({**row, "pre": 140}, 1.0, 0.05, 5, 300).startswith("No rise on the 8 weeks before")
    assert _note(row, 0.01, 0.05, 5, 300).startswith("Real rise")


def test_too_few_expected_is_not_tested(agency_a, olivia_officer) -> None:  # type: ignore[no-untyped-def]
    _, beat = geography(agency_a)
    make_incident(agency_a, D(2023, 1, 1), [("13B", [])], beat=beat)  # data on file for every baseline
    for day in (D(2024, 6, 20), D(2024, 6, 21), D(2024, 6, 22), D(2024, 6, 24)):
        make_incident(agency_a, day, [("120", [])], beat=beat)  # 4 now, 0 before: 2 expected at most
    u = upticks(user=olivia_officer, scope=resolve_scope(olivia_officer), as_of=D(2024, 6, 24))
    robbery = next(r for r in u.rows if r.category == "robbery" and r.level == "beat")
    assert robbery.current == 4 and robbery.prior_year == 0 and robbery.z_prior_year == pytest.approx(4.0)
    assert not robbery.tested and not robbery.flagged and "too few incidents expected" in robbery.note


# ---- week to date on a Monday ----------------------------------------------------------------------------


def test_monday_zero_versus_three_is_not_flagged(agency_a, olivia_officer) -> None:  # type: ignore[no-untyped-def]
    make_incident(agency_a, D(2023, 1, 2), [("13B", [])])  # data on file since January 2023
    monday = D(2024, 6, 24)
    for _ in range(3):
        make_incident(agency_a, monday, [("120", [])])
    scope = resolve_scope(olivia_officer)
    wtd = compstat(user=olivia_officer, scope=scope, as_of=monday, week="to_date")
    cell = next(r for r in wtd.rows if r.category == "robbery").cells["wtd"]
    assert (cell.current, cell.prior) == (3, 0) and cell.z == pytest.approx(2 * math.sqrt(3), abs=1e-3)
    assert cell.flag is None and cell.expected == 1.5 and "too few incidents to test" in cell.note
    default = compstat(user=olivia_officer, scope=scope, as_of=monday)
    assert default.week == "complete" and default.windows[0].key == "week"
    assert (default.windows[0].start, default.windows[0].end) == (D(2024, 6, 17), D(2024, 6, 23))
    assert next(r for r in default.rows if r.category == "robbery").cells["week"].current == 0


# ---- coverage is right however the data arrived -----------------------------------------------------------


def test_coverage_follows_import_and_hand_entry(agency_a, olivia_officer) -> None:  # type: ignore[no-untyped-def]
    from safecity.incidents.actions import OffenseIn, incident_create
    from safecity.incidents.tests.test_import_formats import add_loop_geography, run

    scope = resolve_scope(olivia_officer)
    assert coverage_of(olivia_officer, scope).empty
    add_loop_geography(agency_a)
    run(agency_a, "bad_rows_chicago.csv", "chicago")
    c = coverage_of(olivia_officer, scope)
    assert (c.first, c.last) == (D(2024, 2, 1), D(2024, 2, 11)) and [s.source for s in c.sources] == ["chicago"]
    when = dt.datetime(2024, 3, 5, 12, 0, tzinfo=dt.UTC)
    incident_create(actor=SYSTEM, agency=agency_a, incident_number="M-1", occurred_from=when,
                    offenses=[OffenseIn(code="120")])
    c = coverage_of(olivia_officer, scope)
    assert (c.first, c.last) == (D(2024, 2, 1), D(2024, 3, 5))
    assert {s.source: (s.first, s.last, s.incidents) for s in c.sources}["manual"] == (D(2024, 3, 5),
                                                                                     D(2024, 3, 5), 1)


def test_coverage_follows_the_demo(db) -> None:  # type: ignore[no-untyped-def]
    import random

    from safecity.conftest import make_persona
    from safecity.core.roles import Role
    from safecity.demo.build import POLICE_ORI, _agencies, _geography
    from safecity.demo.incidents import generate_incidents

    riverton = _agencies()[POLICE_ORI]
    _geography(riverton, random.Random(2026))
    analyst = make_persona("analyst_r", riverton, Role.ANALYST)
    end = D(2024, 6, 30)
    generate_incidents(agency=riverton, seed=3, scale=0.05, end=end)
    c = coverage_of(analyst, resolve_scope(analyst))
    (demo,) = c.sources
    assert demo.source == "demo" and (c.first, c.last) == (demo.first, demo.last)
    # The generator's 2.5 years ending on `end`, give or take a quiet first or last day.
    assert end - dt.timedelta(days=3) <= demo.last <= end
    start = end - dt.timedelta(days=round(2.5 * 365.25) - 1)
    assert start <= demo.first <= start + dt.timedelta(days=3)
