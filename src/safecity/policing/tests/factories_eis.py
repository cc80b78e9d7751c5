"""Factories for early-intervention tests: complaints, uses of force, stops and pursuits, all made through the
policing actions (`complaint_create` and the complaint workflow, `force_incident_create`, `stop_bulk_create`,
`pursuit_create`), as the people who keep those records would make them."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from safecity.core.actors import SYSTEM
from safecity.core.models import Agency
from safecity.policing import actions
from safecity.policing.models import Complaint, ComplaintStatus, Finding, Injury, Officer, Pursuit, UseOfForceIncident
from safecity.policing.tests.factories_complaints import advance
from safecity.policing.tests.factories_complaints import make_complaint as take_in_complaint

_serial = itertools.count(1)
NOON = dt.time(12, 0)
# Distinct categories from the rule pack, so an officer can be named in several allegations of one complaint.
CATEGORIES = ("discourtesy", "neglect_of_duty", "improper_search", "false_arrest", "bias", "other")


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, NOON, tzinfo=dt.UTC)


def _investigator(agency: Agency, accused: list[Officer]) -> Officer:
    """The agency's first officer not accused in the complaint (the workflow refuses an accused investigator)."""
    found = Officer.objects.filter(agency=agency).exclude(pk__in=[o.pk for o in accused]).order_by("id").first()
    if found is None:
        raise ValueError("A complaint with findings needs an investigator: make another officer of the agency "
                         "before the complaint.")
    return found


def make_complaint(agency: Agency, officers: list[Officer], received: dt.date, *, sustained: bool = False,
                   allegations_each: int = 1, finding_date: dt.date | None = None) -> Complaint:
    """A civilian complaint received on `received` with `allegations_each` allegations per officer.

    Without `sustained` or `finding_date` it stays at intake with its findings pending (early intervention
    counts complaints by receipt whatever their findings). Otherwise it goes through the workflow — assigned to
    the agency's first officer not accused, then under investigation, both on the receipt date — and each
    officer's first allegation is found sustained (when `sustained`) and the rest not sustained, dated
    `finding_date` or else the receipt date (the date early intervention counts a sustained finding on)."""
    if not 1 <= allegations_each <= len(CATEGORIES):
        raise ValueError(f"allegations_each must be 1 to {len(CATEGORIES)}.")
    complaint = take_in_complaint(agency, officers, received_on=received, categories=CATEGORIES[:allegations_each])
    if not sustained and finding_date is None:
        return complaint
    advance(complaint, ComplaintStatus.INVESTIGATING, investigator=_investigator(agency, officers), on=received)
    for n, allegation in enumerate(complaint.allegations.order_by("id")):
        first = n % allegations_each == 0
        actions.allegation_finding_set(
            actor=SYSTEM, allegation=allegation, finding=Finding.SUSTAINED if sustained and first
            else Finding.NOT_SUSTAINED, finding_date=finding_date or received)
    return complaint


def make_force(agency: Agency, officer: Officer, day: dt.date, *, subject_injury: str = Injury.NONE,
               officer_injured: bool = False) -> UseOfForceIncident:
    """A use of force at noon (UTC) on `day`: one subject with `subject_injury`, the officer using hands."""
    return actions.force_incident_create(
        actor=SYSTEM, agency=agency, case_number=f"UOF{next(_serial):06d}", occurred_at=_at(day),
        subjects=[{"injury": subject_injury}],
        officers=[{"officer": officer, "injured": officer_injured, "force_types": ["hands"]}])


def make_stops(agency: Agency, officer: Officer, day: dt.date, n: int, searched: int = 0) -> None:
    """`n` stops by the officer on `day`, the first `searched` of them with a search."""
    actions.stop_bulk_create(actor=SYSTEM, agency=agency, rows=[
        {"stop_id": f"S{next(_serial):07d}", "date": day, "officer_id": officer.pk, "search_conducted": i < searched}
        for i in range(n)])


def make_pursuit(agency: Agency, officer: Officer, day: dt.date, **kwargs: Any) -> Pursuit:
    return actions.pursuit_create(actor=SYSTEM, agency=agency, officer=officer, started_at=_at(day),
                                  reason=kwargs.pop("reason", "traffic violation"),
                                  outcome=kwargs.pop("outcome", "terminated"), **kwargs)
