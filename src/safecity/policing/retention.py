"""The retention schedule of body-worn camera recordings, read from the rule pack `policing.bwc_retention`
(`policing/data/bwc_retention.csv`): per category, the days a recording is kept after it ends, in force by
the date it was recorded. A category with no days is kept until a person decides (never purge-due by date)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone

from safecity.core import rules

RETENTION_PACK = rules.PackSpec(
    name="policing.bwc_retention",
    title="Body-worn camera retention by category",
    path=Path(__file__).resolve().parent / "data" / "bwc_retention.csv",
    key="category",
    description="Days a body-worn camera recording is kept after it ends, by category, before it is due for an "
                "audited purge. Placeholders from typical published values: check against agency policy.",
)


def categories() -> list[str]:
    return sorted({r.key for r in rules.pack(RETENTION_PACK.name).rules})


def retention_days(category: str, on: dt.date) -> int | None:
    """Days kept after the recording ends under the rule in force on `on`; None = no date-based purge.
    Raises `rules.RuleNotInForce` for an unknown category or one without a rule on that date."""
    raw = rules.pack(RETENTION_PACK.name).value(category, "retention_days", on=on)
    text = str(raw).strip()
    return int(text) if text else None


def retention_until(category: str, started: dt.datetime, ended: dt.datetime) -> dt.date | None:
    """The last day the recording must be kept (None: until a person decides or no rule covers it)."""
    recorded_on = timezone.localtime(started).date()
    try:
        days = retention_days(category, recorded_on)
    except rules.RuleNotInForce:
        return None
    if days is None:
        return None
    return timezone.localtime(ended).date() + dt.timedelta(days=days)
