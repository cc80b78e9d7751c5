"""CompStat reporting windows.

Weeks run Monday–Sunday (NYPD CompStat 2.0). For an as-of date ``E``: week-to-date is [Monday of E's
week, E]; 28-day is [E − 27, E]; year-to-date is [1 January, E]. The prior-year comparison uses the same
calendar dates one year earlier (29 February maps to 28 February), so both periods have the same length
except across a leap day.
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


def compstat_windows(as_of: dt.date) -> list[tuple[Period, Period]]:
    """(current, prior-year) window pairs: week-to-date, 28-day, year-to-date."""
    wtd_start = as_of - dt.timedelta(days=as_of.weekday())
    spans = [
        ("wtd", "Week to date", wtd_start),
        ("d28", "28 days", as_of - dt.timedelta(days=27)),
        ("ytd", "Year to date", as_of.replace(month=1, day=1)),
    ]
    pairs = []
    for key, label, start in spans:
        cur = Period(key, label, start, as_of)
        prior = Period(f"{key}_py", f"{label}, prior year", years_earlier(start), years_earlier(as_of))
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
