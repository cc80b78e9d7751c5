"""Complaints declared for the module kit: the list page, its filters, the CSV and the API list come from here.
The detail page is hand-written (views/complaints.py) because what it shows depends on who reads it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from safecity.core.kit import Choice, Column, DateRange, RecordKit, Search, agency_filter
from safecity.core.roles import Module
from safecity.policing import actions, complaint_rules, selectors
from safecity.policing.forms.complaints import ComplaintCreateForm
from safecity.policing.models import Allegation, Complaint, ComplaintSource, ComplaintStatus, Finding

OPEN = [ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED, ComplaintStatus.INVESTIGATING, ComplaintStatus.REVIEW]


def _with_allegation(lookup: str) -> Any:
    def apply(qs: QuerySet[Complaint], value: Any) -> QuerySet[Complaint]:
        # a subquery, not a join, so a complaint with two matching allegations is listed once
        wanted = Allegation.objects.filter(**{lookup: value}).values("complaint_id")
        return qs.filter(pk__in=wanted)
    return apply


def _deadline(qs: QuerySet[Complaint], value: str) -> QuerySet[Complaint]:
    today = timezone.localdate()
    if value == "open":
        return qs.filter(status__in=OPEN)
    if value == "overdue":
        return qs.filter(status__in=OPEN, due_on__lt=today)
    soon = today + dt.timedelta(days=complaint_rules.due_soon_days(today))
    return qs.filter(status__in=OPEN, due_on__gte=today, due_on__lte=soon)


def _categories(user: Any) -> list[tuple[str, str]]:
    return complaint_rules.categories()


def _officers(user: Any) -> list[tuple[str, str]]:
    return selectors.accused_officers(user=user)


def _allegation_words(c: Complaint) -> str:
    return "; ".join(f"{complaint_rules.category_label(a.category)} — {a.get_finding_display()}"
                     for a in c.allegations.all())


def _due(c: Complaint) -> str:
    if c.status == ComplaintStatus.CLOSED or c.due_on is None:
        return ""
    late = (timezone.localdate() - c.due_on).days
    return f"{c.due_on} (overdue {late} d)" if late > 0 else str(c.due_on)


COMPLAINTS = RecordKit(
    module=Module.POLICING,
    model=Complaint,
    namespace="policing_complaints",
    noun="complaint",
    plural="complaints",
    list_selector=selectors.complaint_list,
    get_selector=selectors.complaint_get,
    columns=(
        Column("reference", "Reference", sort=("reference",), link=True),
        Column("received", "Received", "received_on", sort=("received_on", "id")),
        Column("source", "Source", lambda c: c.get_source_display(), sort=("source", "-received_on", "id")),
        Column("status", "Stage", lambda c: c.get_status_display(), sort=("status", "-received_on", "id")),
        Column("due", "Due", _due, sort=("due_on", "id")),
        Column("allegations", "Allegations (category — finding)", _allegation_words),
        Column("agency", "Agency", "agency.ori", sort=("agency__ori", "-received_on", "id")),
    ),
    filters=(
        Choice("status", "Stage", lookup="status", choices=ComplaintStatus.choices),
        Choice("source", "Source", lookup="source", choices=ComplaintSource.choices),
        Choice("category", "Allegation category", choices=_categories,
               apply=_with_allegation("category")),
        Choice("finding", "Finding", choices=Finding.choices, apply=_with_allegation("finding")),
        Choice("officer", "Accused officer", choices=_officers, more=True,
               apply=_with_allegation("officer__employee_id")),
        DateRange("received", "Received", lookup="received_on"),
        Choice("deadline", "Deadline", apply=_deadline,
               choices=[("open", "Open (any deadline)"), ("overdue", "Overdue"), ("due_soon", "Due soon")]),
        agency_filter(Module.POLICING),
    ),
    search=Search("Reference or location", ("reference", "location")),
    default_sort="-received",
    export_columns=(
        Column("agency", "Agency", "agency.ori"),
        Column("reference", "Reference"),
        Column("received_on", "Received"),
        Column("occurred_on", "Occurred"),
        Column("source", "Source"),
        Column("channel", "Channel"),
        Column("district", "District", "district.code"),
        Column("status", "Stage"),
        Column("stage_started_on", "Stage began"),
        Column("due_on", "Due"),
        Column("discipline_limit_on", "Discipline limit"),
        Column("closed_on", "Closed"),
        Column("allegations", "Allegations", lambda c: "; ".join(
            f"{a.officer.employee_id}:{a.category}:{a.finding}" for a in c.allegations.all())),
    ),
    title=lambda c: f"Complaint {c.reference}",
    create_form=ComplaintCreateForm,
    create_action=actions.complaint_create,
    list_intro="Complaints against officers and their allegations. Personnel files: every open file is "
               "recorded in the audit log.",
    api_id_param="complaint_id",
    audit_every_view=True,
    list_template="policing/complaints/list.html",  # every read of a complaint file is audited, whatever its labels
    api_operation_prefix="safecity_policing_api",
)
