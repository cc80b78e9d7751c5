"""Training compliance arithmetic on fixtures whose answers are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt

import pytest

from safecity.analytics.training import (
    CALENDAR,
    ROLLING,
    Credit,
    Requirement,
    TopicMinimum,
    ages_out,
    calendar_period,
    officer_compliance,
    rollup,
)

D = dt.date
NC = Requirement("NC", period_months=12, period_model=CALENDAR, min_hours=24,
                 topic_minimums=(TopicMinimum(frozenset({"firearms"}), 4),), anchor=D(2020, 1, 1))
ROLL = Requirement("R", period_months=12, period_model=ROLLING, min_hours=24,
                   topic_minimums=(TopicMinimum(frozenset({"firearms"}), 4),))


def test_calendar_hours_exactly_at_the_minimum_are_compliant_until_the_period_ends() -> None:
    credits = [Credit(D(2025, 12, 31), 8, "firearms"),  # last day of 2025: counts for 2025 only
               Credit(D(2026, 1, 1), 20, "other"),  # first day of 2026
               Credit(D(2026, 3, 1), 4, "firearms")]
    got = officer_compliance(NC, credits, D(2026, 6, 30))
    assert (got.period_start, got.period_end) == (D(2026, 1, 1), D(2026, 12, 31))
    assert (got.completed, got.compliant, got.hours_short) == (24, True, 0)  # 20 + 4, exactly 24
    assert (got.lapses_on, got.due_by) == (D(2027, 1, 1), None)
    last_year = officer_compliance(NC, credits, D(2025, 12, 31))
    assert (last_year.period_start, last_year.completed, last_year.compliant) == (D(2025, 1, 1), 8, False)
    assert (last_year.hours_short, last_year.due_by) == (16, D(2025, 12, 31))


def test_calendar_half_an_hour_under_is_short_by_half_an_hour_due_at_period_end() -> None:
    got = officer_compliance(NC, [Credit(D(2026, 2, 1), 19.5, "other"), Credit(D(2026, 2, 2), 4, "firearms")],
                             D(2026, 6, 30))
    assert (got.completed, got.compliant, got.hours_short, got.due_by, got.lapses_on) == \
        (23.5, False, 0.5, D(2026, 12, 31), None)


@pytest.mark.parametrize(("other", "short"), [(30, 4), (20, 4), (18, 6)])
def test_topic_and_total_gaps_take_the_larger(other: float, short: float) -> None:
    # no firearms hours: topic gap 4; total gap max(0, 24 - other); hours needed = the larger of the two
    got = officer_compliance(NC, [Credit(D(2026, 2, 1), other, "other")], D(2026, 6, 30))
    assert (got.compliant, got.hours_short, got.topics[0].short) == (False, short, 4)


def test_rolling_boundary_and_lapse_when_the_earliest_hours_age_out() -> None:
    credits = [Credit(D(2025, 7, 1), 8, "other"), Credit(D(2025, 9, 15), 10, "other"),
               Credit(D(2026, 2, 1), 6, "firearms")]
    on = officer_compliance(ROLL, credits, D(2026, 6, 30))  # window 2025-07-01 .. 2026-06-30: all 24 count
    assert (on.period_start, on.completed, on.compliant, on.lapses_on) == (D(2025, 7, 1), 24, True, D(2026, 7, 1))
    after = officer_compliance(ROLL, credits, D(2026, 7, 1))  # the 2025-07-01 hours aged out today
    assert (after.completed, after.compliant, after.hours_short, after.lapses_on) == (16, False, 8, None)


def test_rolling_lapse_is_when_the_remaining_hours_fall_below_not_the_first_age_out() -> None:
    credits = [Credit(D(2025, 7, 1), 4, "other"), Credit(D(2025, 8, 1), 10, "other"),
               Credit(D(2025, 10, 1), 10, "other"), Credit(D(2026, 1, 10), 4, "firearms")]
    # 28 h; without 2025-07-01: 24 (still enough); without 2025-08-01 too: 14 → lapses when that one ages out
    assert officer_compliance(ROLL, credits, D(2026, 6, 30)).lapses_on == D(2026, 8, 1)


def test_rolling_lapse_from_a_topic() -> None:
    credits = [Credit(D(2025, 7, 1), 4, "firearms"), Credit(D(2026, 1, 1), 30, "other")]
    assert officer_compliance(ROLL, credits, D(2026, 6, 30)).lapses_on == D(2026, 7, 1)


def test_hours_after_the_as_of_date_do_not_count() -> None:
    got = officer_compliance(ROLL, [Credit(D(2026, 7, 1), 30, "firearms")], D(2026, 6, 30))
    assert (got.completed, got.compliant) == (0, False)


def test_month_end_ageing_and_multi_year_calendar_periods() -> None:
    assert ages_out(D(2024, 2, 29), 24) == D(2026, 3, 1)  # 2026-02-28 minus 24 months is 2024-02-28 < 02-29
    assert ages_out(D(2024, 2, 29), 12) == D(2025, 3, 1)
    assert ages_out(D(2025, 3, 15), 12) == D(2026, 3, 15)
    two_year = Requirement("CA", period_months=24, period_model=CALENDAR, min_hours=24, anchor=D(2025, 1, 1))
    assert calendar_period(two_year, D(2026, 12, 31)) == (D(2025, 1, 1), D(2026, 12, 31))
    assert calendar_period(two_year, D(2027, 1, 1)) == (D(2027, 1, 1), D(2028, 12, 31))
    assert calendar_period(two_year, D(2024, 6, 1)) == (D(2023, 1, 1), D(2024, 12, 31))


def test_requirements_that_cannot_be_computed_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap on firearms"):
        Requirement("X", 12, ROLLING, 24, (TopicMinimum(frozenset({"firearms"}), 4),
                                          TopicMinimum(frozenset({"firearms", "driving"}), 8)))
    with pytest.raises(ValueError, match="anchor"):
        Requirement("X", 12, CALENDAR, 24)
    with pytest.raises(ValueError, match="period model"):
        Requirement("X", 12, "fiscal", 24)


def test_rollup_counts_and_percent() -> None:
    ok = officer_compliance(ROLL, [Credit(D(2026, 1, 1), 24, "firearms")], D(2026, 6, 30))
    short = officer_compliance(ROLL, [Credit(D(2026, 1, 1), 20, "firearms")], D(2026, 6, 30))
    r = rollup("Unit", [ok, ok, ok, short])
    assert (r.officers, r.compliant, r.out_of_compliance, r.percent_compliant, r.hours_short) == (4, 3, 1, 75.0, 4)
    assert rollup("Empty", []).percent_compliant is None
