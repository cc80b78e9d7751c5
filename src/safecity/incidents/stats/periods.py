"""CompStat reporting windows.

Weeks run Monday–Sunday (NYPD CompStat 2.0). For an as-of date ``E``: the last complete week (the default)
is the Monday–Sunday week ending on or before E (E itself when E is a Sunday); week-to-date (an option) is
[Monday of E's week, E], a single day on a Monday; 28-day is [E − 27, E]; year-to-date is [1 January, E].
The prior-year comparison uses the same calendar dates one year earlier (29 February maps to 28 February),
so both periods have the same length except across a leap day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def years_earlier(day: dt.date, years: int = 1) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


WEEKS = {"complete": "Last complete week (Monday–Sunday)", "to_date": "Week to date"}


def last_complete_week(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday–Sunday week ending on or before ``as_of``."""
    end = as_of - dt.timedelta(days=(as_of.weekday() + 1) % 7)
    return end - dt.timedelta(days=6), end


def compstat_windows(as_of: dt.date, week: str = "complete") -> list[tuple[Period, Period]]:
    """(current, prior-year) window pairs: the week (last complete one, or to date), 28-day, year-to-date."""
    if week == "complete":
        week_span = ("week", "Last complete week", *last_complete_week(as_of))
    elif week == "to_date":
        week_span = ("wtd", "Week to date", as_of - dt.timedelta(days=as_of.weekday()), as_of)
    else:
        raise ValueError(f"unknown week {week!r}")
    spans = [
        week_span,
        ("d28", "28 days", as_of - dt.timedelta(days=27), as_of),
        ("ytd", "Year to date", as_of.replace(month=1, day=1), as_of),
    ]
    pairs = []
    for key, label, start, end in spans:
        cur = Period(key, label, start, end)
        prior = Period(f"{key}_py", f"{label}, prior year", years_earlier(start), years_earlier(end))
        pairs.append((cur, prior))
    return pairs


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    out = []
    m = first.replace(day=1)
    while m <= last:
        out.append(m)
        m = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)
