"""The rules complaints run on: the stage deadlines and the allegation vocabulary (rule packs, data files in
`data/`), the allowed stage changes, and the plain-words meaning of each finding.

Nothing here touches the database: the actions and selectors ask it for dates and words."""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

from django.utils import timezone

from safecity.core import rules
from safecity.policing.models.complaints import ComplaintStatus, Finding

DATA_DIR = Path(__file__).resolve().parent / "data"

DEADLINE_PACK = rules.PackSpec(
    name="policing.complaint_deadlines",
    title="Complaint stage deadlines",
    path=DATA_DIR / "complaint_deadlines.csv",
    key="stage",
    description="How long each stage of a complaint may take, counted from receipt or from the stage's start; "
                "the statutory limit on discipline; how near a due date counts as due soon.",
)
CATEGORY_PACK = rules.PackSpec(
    name="policing.complaint_categories",
    title="Complaint allegation categories",
    path=DATA_DIR / "complaint_categories.csv",
    key="code",
    description="The vocabulary an allegation's category is chosen from.",
)

# Plain words shown beside every finding (the four dispositions open-data guidance asks agencies to define,
# worded here for residents; "other" covers closures without a finding on the merits).
FINDING_MEANINGS: dict[str, str] = {
    Finding.PENDING: "No finding yet: the allegation is still being investigated or reviewed.",
    Finding.SUSTAINED: "The investigation found enough evidence that the officer did what was alleged and that it "
                       "broke policy or law.",
    Finding.NOT_SUSTAINED: "The investigation could not find enough evidence either to prove or to disprove the "
                           "allegation.",
    Finding.EXONERATED: "What was alleged did happen, but the investigation found it was lawful and within "
                        "policy.",
    Finding.UNFOUNDED: "The investigation found that what was alleged did not happen, or did not involve this "
                       "officer.",
    Finding.OTHER: "Closed without a finding on the merits (for example withdrawn, no jurisdiction, or the "
                   "officer left before it could be decided).",
}

# The workflow: which stage may follow which. Closing needs a finding on every allegation; reopening and
# sending findings back need a reason (checked in the action).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ComplaintStatus.RECEIVED: (ComplaintStatus.ASSIGNED,),
    ComplaintStatus.ASSIGNED: (ComplaintStatus.INVESTIGATING,),
    ComplaintStatus.INVESTIGATING: (ComplaintStatus.REVIEW,),
    ComplaintStatus.REVIEW: (ComplaintStatus.CLOSED, ComplaintStatus.INVESTIGATING),
    ComplaintStatus.CLOSED: (ComplaintStatus.INVESTIGATING,),
}
NEEDS_REASON = {(ComplaintStatus.REVIEW, ComplaintStatus.INVESTIGATING),
                (ComplaintStatus.CLOSED, ComplaintStatus.INVESTIGATING)}
ORDER = [ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED, ComplaintStatus.INVESTIGATING,
         ComplaintStatus.REVIEW, ComplaintStatus.CLOSED]


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later; the 31st (or 29 February) falls back to the month's last day."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(key: str, *, received: dt.date, stage_start: dt.date, pack: rules.RulePack | None = None) -> dt.date:
    """The due date of rule `key`, taken from the rule in force on the day its period starts (`pack`: the
    registered deadline pack unless given)."""
    pack = pack or rules.pack(DEADLINE_PACK.name)
    start_kind = pack.rule(key, on=received).values.get("from", "received")
    start = received if start_kind == "received" else stage_start
    rule = pack.rule(key, on=start)
    return add_months(start, int(rule.values.get("months") or 0)) + dt.timedelta(days=int(rule.values.get("days")
                                                                                          or 0))


def stage_due(status: str, *, received: dt.date, stage_start: dt.date) -> dt.date | None:
    """When the stage `status` is due (None for a closed complaint)."""
    if status == ComplaintStatus.CLOSED:
        return None
    return period_end(status, received=received, stage_start=stage_start)


def discipline_limit(received: dt.date) -> dt.date:
    return period_end("discipline_limit", received=received, stage_start=received)


def due_soon_days(on: dt.date) -> int:
    return int(rules.pack(DEADLINE_PACK.name).rule("due_soon", on=on).values.get("days") or 0)


def categories(on: dt.date | None = None) -> list[tuple[str, str]]:
    """(code, label) of the allegation categories in force on `on` (default today), in file order."""
    pack = rules.pack(CATEGORY_PACK.name)
    day = on or timezone.localdate()
    found = [(r.key, str(r.values.get("label", r.key))) for r in pack.in_force(day)]
    return sorted(found, key=lambda kv: (kv[0] == "other", kv[1]))  # alphabetical, "Other" last


def category_label(code: str) -> str:
    pack = rules.pack(CATEGORY_PACK.name)
    for r in pack.rules:
        if r.key == code:
            return str(r.values.get("label", code))
    return code
