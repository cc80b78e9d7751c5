"""Body-worn camera activation compliance, computed from records (no Django here: plain values in and out).

The rule, stated once (settings in `settings.py`, documented in docs/policing.md):

* An **event** is an officer at an incident, stop or use of force. Its time is the officer's on-scene arrival
  when known, else the event's own time; its end is the officer's on-scene departure when known, else the
  start plus `default_minutes`.
* The **window** is [start − `before_minutes`, end + `after_minutes`].
* An event **counts** (is in the denominator) when it has a time, the officer was on duty, and a camera was
  assigned to the officer at the event's start (assignment start ≤ event start < assignment end).
* It is **compliant** when a recording by that officer overlaps the window: recording start < window end and
  recording end > window start. Touching is not overlapping: a recording that ends exactly when the window
  starts (or starts exactly when it ends) shares no moment with it and does not count.
* Events without a time are not assessed (reported as "no time"); so are off-duty events and events where the
  officer had no camera ("no camera"): a missed activation needs a camera to have been there to activate.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

COMPLIANT, MISSED, NO_CAMERA, OFF_DUTY, NO_TIME = "compliant", "missed", "no_camera", "off_duty", "no_time"
STATUS_WORDS = {COMPLIANT: "Recorded", MISSED: "Not recorded", NO_CAMERA: "No camera assigned",
                OFF_DUTY: "Off duty", NO_TIME: "No time recorded"}


@dataclass(frozen=True)
class WindowRule:
    before_minutes: float = 2
    after_minutes: float = 2
    default_minutes: float = 10

    def window(self, start: dt.datetime, end: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
        last = end if end is not None and end >= start else start + dt.timedelta(minutes=self.default_minutes)
        return start - dt.timedelta(minutes=self.before_minutes), last + dt.timedelta(minutes=self.after_minutes)


@dataclass(frozen=True)
class Event:
    key: Any  # the caller's id of the event
    officer_id: int
    start: dt.datetime | None
    end: dt.datetime | None = None
    on_duty: bool = True


Interval = tuple[dt.datetime, dt.datetime | None]


def _covered(intervals: Sequence[Interval], moment: dt.datetime) -> bool:
    return any(a <= moment and (b is None or moment < b) for a, b in intervals)


class _Recordings:
    """One officer's recordings sorted by start, with the running maximum of their ends, so "does any recording
    overlap [lo, hi)" is a binary search rather than a scan."""

    def __init__(self, spans: Iterable[tuple[dt.datetime, dt.datetime]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.max_end: list[dt.datetime] = []
        for _, e in ordered:
            self.max_end.append(max(e, self.max_end[-1]) if self.max_end else e)

    def overlaps(self, lo: dt.datetime, hi: dt.datetime) -> bool:
        n = bisect.bisect_left(self.starts, hi)  # recordings that start strictly before the window ends
        return n > 0 and self.max_end[n - 1] > lo


def assess(events: Iterable[Event], recordings: Mapping[int, Iterable[tuple[dt.datetime, dt.datetime]]],
           cameras: Mapping[int, Sequence[Interval]], rule: WindowRule) -> dict[Any, str]:
    """The status of every event, by its key. `recordings` and `cameras` are per officer id."""
    index = {officer: _Recordings(spans) for officer, spans in recordings.items()}
    out: dict[Any, str] = {}
    for event in events:
        if event.start is None:
            out[event.key] = NO_TIME
        elif not event.on_duty:
            out[event.key] = OFF_DUTY
        elif not _covered(cameras.get(event.officer_id, ()), event.start):
            out[event.key] = NO_CAMERA
        else:
            lo, hi = rule.window(event.start, event.end)
            recs = index.get(event.officer_id)
            out[event.key] = COMPLIANT if recs is not None and recs.overlaps(lo, hi) else MISSED
    return out


def tally(statuses: Iterable[str], groups: Iterable[Any]) -> dict[Any, tuple[int, int]]:
    """(compliant, assessed) per group, where assessed = compliant + missed."""
    counts: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    for status, group in zip(statuses, groups, strict=True):
        if status in (COMPLIANT, MISSED):
            counts[group][1] += 1
            counts[group][0] += status == COMPLIANT
    return {g: (c[0], c[1]) for g, c in counts.items()}
