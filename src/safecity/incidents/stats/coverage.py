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
    """The first and last day with data (``None`` when the agency has no incidents the user may see)."""

    first: dt.date | None
    last: dt.date | None
    sources: list[SourceCoverage] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.first is None or self.last is None

    def status(self, start: dt.date, end: dt.date) -> Status:
        if self.first is None or self.last is None or end < self.first or start > self.last:
            return "none"
        if self.first <= start and end <= self.last:
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
        return self.covers(day, day)

    @property
    def window(self) -> str:
        """The window in words, for messages."""
        if self.first is None or self.last is None:
            return "no incidents on file"
        return f"{self.first.isoformat()} to {self.last.isoformat()}"
