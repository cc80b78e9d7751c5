"""The incident record type, declared for the module kit (`core.kit`): the pages and API are built from this.

Filters and search are declared once here and used by the list page, the CSV export and the API list.
"""

from __future__ import annotations

from typing import Any

from safecity.core import selectors as core_selectors
from safecity.core.kit import Choice, Column, DateRange, RecordKit, Search, Text
from safecity.core.kit.filters import choices_from
from safecity.core.roles import Module
from safecity.incidents import actions, selectors
from safecity.incidents.forms import IncidentCreateForm, IncidentEditForm
from safecity.incidents.models import Incident


def _districts(user: Any) -> list[tuple[str, str]]:
    return choices_from((d.code, f"{d.code} — {d.name}")
                        for d in core_selectors.district_list(user=user, module=Module.INCIDENTS).defer("geometry"))


def _beats(user: Any) -> list[tuple[str, str]]:
    return choices_from((b.code, f"{b.code} — {b.name}")
                        for b in core_selectors.beat_list(user=user, module=Module.INCIDENTS).defer(
                            "geometry", "district__geometry"))


def _title(incident: Incident) -> str:
    return f"Incident {incident.agency.ori}-{incident.incident_number}"


def _labels(incident: Incident) -> str:
    return " ".join(incident.sensitivity_labels)


INCIDENTS = RecordKit(
    module=Module.INCIDENTS,
    model=Incident,
    namespace="incidents",
    noun="incident",
    plural="incidents",
    list_selector=selectors.incident_list,
    get_selector=selectors.incident_get,
    columns=(
        Column("incident", "Incident", lambda i: f"{i.agency.ori}-{i.incident_number}",
               sort=("incident_number", "agency__ori"), link=True),
        Column("occurred", "Occurred", lambda i: i.occurred_from.strftime("%Y-%m-%d %H:%M"),
               # occurred_date first: the same order (the local date rises with the time), but it is what the
               # (agency, occurred_date) index sorts by, so a page is an index walk, not a sort of every row.
               sort=("occurred_date", "occurred_from", "id")),
        Column("offense", "Offense", "primary_offense", sort=("primary_offense", "-occurred_from", "id")),
        Column("block", "Block", "block_address"),
        Column("district", "District", "district.code", sort=("district__code", "-occurred_from", "id")),
        Column("beat", "Beat", "beat.code", sort=("beat__code", "-occurred_from", "id")),
    ),
    filters=(
        DateRange("date", "Occurred", lookup="occurred_date"),
        Text("offense", "Offense code", help_text="NIBRS code of any offense in the incident, e.g. 13A.",
             max_length=4, apply=selectors.with_offense),
        Choice("district", "District", lookup="district__code", choices=_districts),
        Choice("beat", "Beat", lookup="beat__code", choices=_beats),
        Choice("status", "Status", choices=selectors.STATUS_CHOICES, apply=selectors.with_status),
        Text("agency", "Agency ORI", lookup="agency__ori", max_length=9, upper=True,
             help_text="Only this agency's incidents (ORI, e.g. IL0000001)."),
    ),
    search=Search("Incident number", ("incident_number",), help_text="Part of the incident number."),
    default_sort="-occurred",
    export_columns=(
        Column("agency", "Agency", "agency.ori"),
        Column("incident_number", "Incident number"),
        Column("occurred_from", "Occurred from", lambda i: i.occurred_from.isoformat()),
        Column("occurred_to", "Occurred to", lambda i: i.occurred_to.isoformat() if i.occurred_to else None),
        Column("primary_offense", "Primary offense"),
        Column("block_address", "Block address"),
        Column("district", "District", "district.code"),
        Column("beat", "Beat", "beat.code"),
        Column("is_firearm", "Firearm"),
        Column("is_violent", "Violent"),
        Column("victim_count", "Victims"),
        Column("cleared_exceptionally", "Cleared exceptionally"),
        Column("sensitivity", "Sensitivity labels", _labels),
    ),
    title=_title,
    create_form=IncidentCreateForm,
    create_action=actions.incident_create,
    edit_form=IncidentEditForm,
    update_action=actions.incident_update,
    list_template="incidents/list.html",
    detail_template="incidents/detail.html",
    api_id_param="incident_id",
    api_operation_prefix="safecity_incidents_api",
)
