"""Data coverage: the days an agency has incidents on file, so a period without data reads "no data", not 0.

Coverage is *computed*, not stored: the first and last ``occurred_date`` of the agency's incidents the user
may see, overall (two ordered reads on the (agency, occurred_date) index) and per source (import format,
"manual", "demo"; a grouped scan, cached briefly) — ``incidents.selectors.data_coverage``. Because it is read from the
incidents themselves it is right however the data arrived — an import, a record typed in by hand, the demo
generator, or a deletion — with no counter for an import or an edit to forget to update.

Coverage is per agency even when a page is narrowed to a district or beat: an agency reports for its whole
area, so a beat with no incidents in a covered month really had none (a true 0).

A period is *full* when it lies inside the window, *partial* when it overlaps it, and *none* when it lies
outside. Gaps inside the window (a month an agency failed to send) are not detected: the window is the span
from the first to the last day with data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["full", "partial", "none"]

STATUS_WORDS: dict[str, str] = {"full": "complete data", "partial": "partial data", "none": "no data"}


@dataclass(frozen=True, kw_only=True)
class SourceCoverage:
    source: str  # import format, "manual" or "demo" ("unknown" when the record does not say)
    first: dt.date
    last: dt.date
    incidents: int


@dataclass(frozen=True, kw_only=True)
class Coverage:
    """The first and last day with data (``None`` when the agency has no incidents the user may see).

    For a roll-up of several agencies, ``first``..``last`` is where *every* agency has data (a city total is
    complete only there) and ``span_first``..``span_last`` where *any* has: a period inside the span but not
    inside the common window is partial, never full and never "no data". For one agency both are the same.
    """

    first: dt.date | None
    last: dt.date | None
    sources: list[SourceCoverage] = field(default_factory=list)
    span_first: dt.date | None = None
    span_last: dt.date | None = None

    def __post_init__(self) -> None:
        if self.span_first is None and self.span_last is None:
            object.__setattr__(self, "span_first", self.first)
            object.__setattr__(self, "span_last", self.last)

    @classmethod
    def combine(cls, parts: list[tuple[str, Coverage]]) -> Coverage:
        """The roll-up of several agencies' coverage; ``sources`` then lists each agency's own window."""
        held = [(name, c) for name, c in parts if not c.empty]
        if not held:
            return cls(first=None, last=None, sources=[])
        first = max(c.first for _, c in held if c.first is not None)
        last = min(c.last for _, c in held if c.last is not None)
        sources = [SourceCoverage(source=name, first=c.span_first, last=c.span_last,
                                  incidents=sum(s.incidents for s in c.sources))
                   for name, c in held if c.span_first is not None and c.span_last is not None]
        common = len(held) == len(parts) and first <= last  # an agency without data leaves no common window
        return cls(first=first if common else None, last=last if common else None, sources=sources,
                   span_first=min(s.first for s in sources), span_last=max(s.last for s in sources))

    @property
    def empty(self) -> bool:
        return self.span_first is None or self.span_last is None

    def status(self, start: dt.date, end: dt.date) -> Status:
        if self.span_first is None or self.span_last is None or end < self.span_first or start > self.span_last:
            return "none"
        if self.first is not None and self.last is not None and self.first <= start and end <= self.last:
            return "full"
        return "partial"

    def days_with_data(self, start: dt.date, end: dt.date) -> int:
        """How many days of [start, end] lie inside the window."""
        if self.first is None or self.last is None:
            return 0
        return max(0, (min(end, self.last) - max(start, self.first)).days + 1)

    def covers(self, start: dt.date, end: dt.date) -> bool:
        return self.status(start, end) == "full"

    def contains(self, day: dt.date) -> bool:
        """Whether any data is on file for the day (for a roll-up: for at least one agency)."""
        return self.status(day, day) != "none"

    @property
    def window(self) -> str:
        """The window in words, for messages."""
        if self.span_first is None or self.span_last is None:
            return "no incidents on file"
        if (self.first, self.last) == (self.span_first, self.span_last):
            return f"{self.span_first.isoformat()} to {self.span_last.isoformat()}"
        common = (f"complete for every agency {self.first.isoformat()} to {self.last.isoformat()}"
                  if self.first is not None and self.last is not None else "no period complete for every agency")
        return f"{self.span_first.isoformat()} to {self.span_last.isoformat()} ({common})"
