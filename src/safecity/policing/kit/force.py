"""Use-of-force incidents declared for the module kit: list (filters: date, district, reportable, force type,
injury), detail with subjects and officers, the create/edit form, CSV and API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from safecity.core import selectors as core_selectors
from safecity.core.kit import Choice, Column, DateRange, RecordKit, Search, agency_filter
from safecity.core.roles import Module
from safecity.policing import actions, selectors, vocab
from safecity.policing.forms.force import ForceIncidentForm
from safecity.policing.models import Injury, UseOfForceIncident

YES_NO = (("yes", "Yes"), ("no", "No"))


def _districts(user: Any) -> list[tuple[str, str]]:
    rows = core_selectors.district_list(user=user, module=Module.POLICING).select_related("agency")
    return sorted({(d.code, f"{d.name} ({d.code})") for d in rows})


def _reportable(qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
    return qs.filter(fbi_reportable=value == "yes")


def _force_type(qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
    return qs.filter(force_types_text__contains=f",{value},")


def _types(obj: UseOfForceIncident) -> str:
    labels = dict(vocab.ForceType.choices)
    return ", ".join(str(labels.get(t, t)) for t in obj.force_types_text.strip(",").split(",") if t)


def _when(obj: UseOfForceIncident) -> str:
    return timezone.localtime(obj.occurred_at).strftime("%Y-%m-%d %H:%M")


def _reason(obj: UseOfForceIncident) -> str:
    return str(dict(vocab.ContactReason.choices).get(obj.reason_for_contact, obj.reason_for_contact))


FORCE_INCIDENTS = RecordKit(
    module=Module.POLICING,
    model=UseOfForceIncident,
    namespace="policing_force",
    noun="force_incident",
    plural="uses of force",
    list_selector=selectors.force_incident_list,
    get_selector=selectors.force_incident_get,
    columns=(
        Column("case", "Case number", "case_number", sort=("case_number", "id"), link=True),
        Column("when", "Date and time", _when, sort=("occurred_at", "id")),
        Column("district", "District", "district.name", sort=("district__name", "occurred_at", "id")),
        Column("reason", "Reason for contact", _reason),
        Column("force", "Force used", _types),
        Column("injury", "Most serious injury", lambda o: o.get_worst_injury_display(),
               sort=("worst_injury", "occurred_at", "id")),
        Column("reportable", "FBI reportable", lambda o: "Yes" if o.fbi_reportable else "No",
               sort=("fbi_reportable", "occurred_at", "id")),
    ),
    filters=(
        DateRange("date", "Date", lookup="occurred_at__date"),
        Choice("district", "District", lookup="district__code", choices=_districts),
        Choice("reportable", "FBI reportable", apply=_reportable, choices=YES_NO),
        Choice("force_type", "Force type", apply=_force_type, choices=vocab.ForceType.choices),
        Choice("injury", "Most serious injury", lookup="worst_injury", choices=Injury.choices),
        Choice("reason", "Reason for contact", lookup="reason_for_contact", choices=vocab.ContactReason.choices,
               more=True),
        agency_filter(Module.POLICING),
    ),
    search=Search("Case number or address", ("case_number", "location")),
    default_sort="-when",
    export_columns=(
        Column("agency", "Agency", "agency.ori"),
        Column("case_number", "Case number"),
        Column("occurred_at", "Occurred at", lambda o: timezone.localtime(o.occurred_at).isoformat()),
        Column("location", "Address"),
        Column("lat", "Latitude"),
        Column("lng", "Longitude"),
        Column("location_type", "Location type"),
        Column("district", "District", "district.code"),
        Column("reason_for_contact", "Reason for contact"),
        Column("most_serious_offense", "Most serious offense (NIBRS)"),
        Column("officers_applying_force", "Officers applying force"),
        Column("force_types", "Force types", lambda o: o.force_types_text.strip(",").replace(",", " ")),
        Column("worst_injury", "Most serious injury"),
        Column("fbi_reportable", "FBI reportable"),
    ),
    detail_fields=(
        Column("agency", "Agency", lambda o: f"{o.agency.name} ({o.agency.ori})"),
        Column("case_number", "Case number"),
        Column("when", "Date and time", _when),
        Column("location", "Address"),
        Column("location_type", "Location type", lambda o: dict(vocab.LocationType.choices).get(o.location_type)),
        Column("district", "District", "district.name"),
        Column("reason", "Reason for initial contact", _reason),
        Column("most_serious_offense", "Most serious offense (NIBRS)"),
        Column("officers_applying_force", "Officers applying force"),
        Column("approached", "Officer approached", lambda o: {True: "Yes", False: "No"}.get(o.officer_approached)),
        Column("ambush", "Ambush", lambda o: {True: "Yes", False: "No"}.get(o.ambush)),
        Column("sup_scene", "Supervisor on scene", lambda o: {True: "Yes", False: "No"}.get(o.supervisor_on_scene)),
        Column("sup_consulted", "Supervisor consulted",
               lambda o: {True: "Yes", False: "No"}.get(o.supervisor_consulted)),
        Column("force", "Force used", _types),
        Column("injury", "Most serious injury", lambda o: o.get_worst_injury_display()),
        Column("reportable", "FBI reportable (death, serious bodily injury or firearm discharged at a person)",
               lambda o: "Yes" if o.fbi_reportable else "No"),
    ),
    title=lambda o: f"Use of force {o.case_number}",
    create_form=ForceIncidentForm,
    create_action=actions.force_incident_create,
    edit_form=ForceIncidentForm,
    update_action=actions.force_incident_update,
    detail_template="policing/force_detail.html",
    list_intro="Uses of force in the shape of the FBI National Use-of-Force Data Collection. An incident is FBI "
               "reportable when force led to a death or a serious bodily injury, or an officer discharged a "
               "firearm at or toward a person.",
    api_id_param="force_incident_id",
    api_operation_prefix="safecity_policing_api",
)
