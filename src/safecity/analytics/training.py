"""Training compliance: hours credited against a requirement, per officer, and the roll-up of many officers.

Pure functions over dates and numbers (no Django). A requirement says how many hours an officer must
complete in a period, and how many of those in given topics; an officer's credits are (date, hours, topic).

Two period models, because state rules are written both ways:

* **calendar** — fixed periods of `period_months` months starting at `anchor` (NC: each calendar year;
  California's CPT: two-year cycles). Hours completed in the period that contains the as-of date count;
  an officer who has met the requirement stays compliant until the period ends (`lapses_on` is the last day
  of the period: the next day a new period starts with nothing completed); one who has not is short by the
  missing hours, due by the period's last day.
* **rolling** — the `period_months` months ending on the as-of date: a completion on day d counts from d
  until it *ages out*, on the first day x with x − `period_months` months ≥ d (for most days exactly
  d + `period_months` months). `lapses_on` is the first day on which, with no further training, the hours
  still counted fall below the requirement (in total or in a topic): the day the completion that tips the
  balance ages out. For an officer exactly at the minimum that is the day the earliest counted hours age out.

`hours_short` is how many more hours bring the officer into compliance: the larger of the total gap and the
sum of the topic gaps (topic groups of one requirement never overlap, so their gaps add up; a topic hour
also counts toward the total).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CALENDAR = "calendar"
ROLLING = "rolling"
PERIOD_MODELS = (CALENDAR, ROLLING)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, the day clamped to the month's length (Jan 31 + 1 month = Feb 28/29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class TopicMinimum:
    topics: frozenset[str]  # hours in any of these topics count toward this minimum
    hours: float

    @property
    def label(self) -> str:
        return " + ".join(sorted(self.topics))


@dataclass(frozen=True)
class Requirement:
    key: str
    period_months: int
    period_model: str  # CALENDAR or ROLLING
    min_hours: float
    topic_minimums: tuple[TopicMinimum, ...] = ()
    anchor: dt.date | None = None  # first day of some calendar period (calendar model only)

    def __post_init__(self) -> None:
        if self.period_model not in PERIOD_MODELS:
            raise ValueError(f"period model {self.period_model!r} is not one of {', '.join(PERIOD_MODELS)}")
        if self.period_months < 1:
            raise ValueError("period_months must be at least 1")
        if self.period_model == CALENDAR and self.anchor is None:
            raise ValueError("a calendar period needs an anchor date (the first day of one period)")
        seen: set[str] = set()
        for minimum in self.topic_minimums:
            if seen & minimum.topics:
                raise ValueError(f"topic groups overlap on {', '.join(sorted(seen & minimum.topics))}")
            seen |= minimum.topics


@dataclass(frozen=True)
class Credit:
    completed_on: dt.date
    hours: float
    topic: str


@dataclass(frozen=True)
class TopicStatus:
    label: str
    required: float
    completed: float

    @property
    def short(self) -> float:
        return max(0.0, self.required - self.completed)


@dataclass(frozen=True)
class Compliance:
    period_model: str
    period_start: dt.date  # first day counted
    period_end: dt.date  # last day of a calendar period; the as-of date for a rolling one
    required: float
    completed: float  # hours counted on the as-of date
    topics: tuple[TopicStatus, ...]
    hours_short: float
    compliant: bool
    lapses_on: dt.date | None  # compliant: first day no longer compliant without more training
    due_by: dt.date | None  # calendar, not compliant: the last day of the period

    @property
    def topic_short(self) -> float:
        return sum(t.short for t in self.topics)


def ages_out(completed_on: dt.date, months: int) -> dt.date:
    """First day on which a completion no longer counts in a rolling period of `months` months."""
    day = add_months(completed_on, months)
    while add_months(day, -months) < completed_on:  # month-end clamping (e.g. Feb 29 + 24 months)
        day += dt.timedelta(days=1)
    return day


def calendar_period(req: Requirement, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar period (first day, last day) that contains `as_of`."""
    assert req.anchor is not None
    months = (as_of.year - req.anchor.year) * 12 + (as_of.month - req.anchor.month)
    k = months // req.period_months
    start = add_months(req.anchor, k * req.period_months)
    if start > as_of:  # the anchor's day of month is later than as_of's
        k -= 1
        start = add_months(req.anchor, k * req.period_months)
    end = add_months(req.anchor, (k + 1) * req.period_months) - dt.timedelta(days=1)
    return start, end


def _counted(req: Requirement, credits: Iterable[Credit], as_of: dt.date) -> tuple[list[Credit], dt.date, dt.date]:
    if req.period_model == CALENDAR:
        start, end = calendar_period(req, as_of)
        return [c for c in credits if start <= c.completed_on <= as_of], start, end
    counted = [c for c in credits if c.completed_on <= as_of < ages_out(c.completed_on, req.period_months)]
    start = add_months(as_of, -req.period_months) + dt.timedelta(days=1)
    return counted, start, as_of


def _tally(req: Requirement, credits: Sequence[Credit]) -> tuple[float, tuple[TopicStatus, ...]]:
    total = sum(c.hours for c in credits)
    topics = tuple(TopicStatus(m.label, m.hours, sum(c.hours for c in credits if c.topic in m.topics))
                   for m in req.topic_minimums)
    return total, topics


def _meets(req: Requirement, total: float, topics: Sequence[TopicStatus]) -> bool:
    # Hours are kept to hundredths; compare at that precision so 0.1 + 0.2 counts as 0.3.
    return round(total, 2) >= round(req.min_hours, 2) and all(round(t.completed, 2) >= round(t.required, 2)
                                                                for t in topics)


def officer_compliance(req: Requirement, credits: Iterable[Credit], as_of: dt.date) -> Compliance:
    """One officer's standing under `req` on `as_of` (credits after `as_of` are ignored)."""
    counted, start, end = _counted(req, credits, as_of)
    total, topics = _tally(req, counted)
    compliant = _meets(req, total, topics)
    short = round(max(max(0.0, req.min_hours - total), sum(t.short for t in topics)), 2)
    lapses_on: dt.date | None = None
    due_by: dt.date | None = None
    if req.period_model == CALENDAR:
        if compliant:
            lapses_on = end + dt.timedelta(days=1)
        else:
            due_by = end
    elif compliant:
        remaining = sorted(counted, key=lambda c: c.completed_on)
        while remaining:
            day = remaining[0].completed_on
            remaining = [c for c in remaining if c.completed_on != day]  # all of that day's hours age out together
            if not _meets(req, *_tally(req, remaining)):
                lapses_on = ages_out(day, req.period_months)
                break
    return Compliance(period_model=req.period_model, period_start=start, period_end=end, required=req.min_hours,
                      completed=round(total, 2), topics=topics, hours_short=short, compliant=compliant,
                      lapses_on=lapses_on, due_by=due_by)


@dataclass(frozen=True)
class Rollup:
    label: str
    officers: int
    compliant: int
    hours_short: float  # total hours the group's officers are short

    @property
    def out_of_compliance(self) -> int:
        return self.officers - self.compliant

    @property
    def percent_compliant(self) -> float | None:
        return round(100.0 * self.compliant / self.officers, 1) if self.officers else None


def rollup(label: str, results: Iterable[Compliance]) -> Rollup:
    items = list(results)
    return Rollup(label=label, officers=len(items), compliant=sum(1 for r in items if r.compliant),
                  hours_short=round(sum(r.hours_short for r in items), 2))
