"""Complaint factories: state built through the complaint actions, as intake staff would build it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from safecity.core.actors import SYSTEM
from safecity.core.models import Agency
from safecity.policing import actions
from safecity.policing.actions import AllegationIn, ComplainantIn, ComplaintIn
from safecity.policing.models import Complaint, ComplaintStatus, Officer


def make_complaint(agency: Agency, officers: list[Officer], *, received_on: dt.date = dt.date(2026, 1, 5),
                   source: str = "civilian", categories: tuple[str, ...] = ("excessive_force",),
                   name: str = "Robin Complainant", summary: str = "Struck during a traffic stop.",
                   **kwargs: Any) -> Complaint:
    complainant = ComplainantIn(name=name, contact="555-0100", race="black", sex="female", age=34) \
        if source != "anonymous" and name else None
    allegations = [AllegationIn(officer=o, category=c) for o in officers for c in categories]
    return actions.complaint_create(actor=SYSTEM, agency=agency, complaint=ComplaintIn(
        received_on=received_on, source=source, allegations=allegations, summary=summary, complainant=complainant,
        **kwargs))


def advance(complaint: Complaint, to: str, *, investigator: Officer, on: dt.date | None = None,
            finding: str = "not_sustained") -> Complaint:
    """Walk the complaint forward to stage `to` through the actions (findings recorded before review ends)."""
    day = on or complaint.received_on
    steps = [ComplaintStatus.ASSIGNED, ComplaintStatus.INVESTIGATING, ComplaintStatus.REVIEW, ComplaintStatus.CLOSED]
    order = [ComplaintStatus.RECEIVED, *steps]
    for step in steps[order.index(ComplaintStatus(complaint.status)):]:
        if complaint.status == to:
            break
        if step == ComplaintStatus.CLOSED:
            for a in complaint.allegations.all():
                actions.allegation_finding_set(actor=SYSTEM, allegation=a, finding=finding, finding_date=day)
        actions.complaint_transition(actor=SYSTEM, complaint=complaint, to_status=step, on=day,
                                     investigator=investigator if step == ComplaintStatus.ASSIGNED else None)
    return complaint
