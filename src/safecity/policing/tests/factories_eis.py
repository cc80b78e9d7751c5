"""Factories for early-intervention tests.

Pursuits go through `actions.pursuit_create`. Complaints, uses of force and stops are written straight onto
the foundation models here, because their actions are being built by other areas at the same time (only the
foundation fields are used, so swapping these helpers for those actions changes no test).
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from safecity.core.actors import SYSTEM
from safecity.core.models import Agency
from safecity.core.roles import Sensitivity
from safecity.policing import actions
from safecity.policing.models import (
    Allegation,
    Complaint,
    Finding,
    Injury,
    Officer,
    Pursuit,
    Stop,
    UseOfForceIncident,
    UseOfForceOfficer,
    UseOfForceSubject,
)

_serial = itertools.count(1)
NOON = dt.time(12, 0)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, NOON, tzinfo=dt.UTC)


def make_complaint(agency: Agency, officers: list[Officer], received: dt.date, *, sustained: bool = False,
                   allegations_each: int = 1, finding_date: dt.date | None = None) -> Complaint:
    n = next(_serial)
    label = int(Sensitivity.PERSONNEL)
    complaint = Complaint.objects.create(agency=agency, reference=f"EIC{n:06d}", received_on=received,
                                         source="civilian", sensitivity=label)
    for officer in officers:
        for j in range(allegations_each):
            finding = Finding.SUSTAINED if sustained and j == 0 else Finding.NOT_SUSTAINED
            Allegation.objects.create(agency=agency, complaint=complaint, officer=officer, category="conduct",
                                      finding=finding, finding_date=finding_date, sensitivity=label)
    return complaint


def make_force(agency: Agency, officer: Officer, day: dt.date, *, subject_injury: str = Injury.NONE,
               officer_injured: bool = False) -> UseOfForceIncident:
    n = next(_serial)
    incident = UseOfForceIncident.objects.create(agency=agency, case_number=f"UOF{n:06d}", occurred_at=_at(day))
    UseOfForceSubject.objects.create(agency=agency, force_incident=incident, injury=subject_injury)
    UseOfForceOfficer.objects.create(agency=agency, force_incident=incident, officer=officer,
                                     injured=officer_injured, force_types=["hands"])
    return incident


def make_stops(agency: Agency, officer: Officer, day: dt.date, n: int, searched: int = 0) -> None:
    Stop.objects.bulk_create([
        Stop(agency=agency, stop_id=f"S{next(_serial):07d}", date=day, officer=officer,
             search_conducted=i < searched) for i in range(n)])


def make_pursuit(agency: Agency, officer: Officer, day: dt.date, **kwargs: Any) -> Pursuit:
    return actions.pursuit_create(actor=SYSTEM, agency=agency, officer=officer, started_at=_at(day),
                                  reason=kwargs.pop("reason", "traffic violation"),
                                  outcome=kwargs.pop("outcome", "terminated"), **kwargs)
