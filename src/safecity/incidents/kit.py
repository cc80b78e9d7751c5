"""The incident record type, declared for the module kit (`core.kit`): the pages and API are built from this.

Filters and search are declared once here and used by the list page, the CSV export and the API list.
"""

from __future__ import annotations

from typing import Any

from safecity.core import resultcache
from safecity.core import selectors as core_selectors
from safecity.core.kit import BBox, Choice, Column, DateRange, MultiChoice, RecordKit, Search, Text, agency_filter
from safecity.core.kit.filters import choices_from
from safecity.core.roles import Module
from safecity.incidents import actions, selectors
from safecity.incidents.forms import IncidentCreateForm, IncidentEditForm
from safecity.incidents.models import Incident
from safecity.incidents.models.codes import CrimeAgainst


def _area_choices(user: Any) -> dict[str, list[tuple[str, str]]]:
    """The district and beat choices of the agencies the user may see, through the result cache (keyed by
    their visibility and those agencies' data versions, which every change to an area raises): building them
    compiled and ran two joined queries on every list request."""
    def read() -> dict[str, list[tuple[str, str]]]:
        districts = core_selectors.district_list(user=user, module=Module.INCIDENTS).defer("geometry")
        beats = core_selectors.beat_list(user=user, module=Module.INCIDENTS).defer("geometry", "district__geometry")
        return {"district": choices_from((d.code, f"{d.name} ({d.code})") for d in districts),
                "beat": choices_from((b.code, f"{b.name} ({b.code})") for b in beats)}

    return resultcache.cached(user=user, module=Module.INCIDENTS, analysis="incidents.kit.area_choices",
                              params={}, compute=read)


def _districts(user: Any) -> list[tuple[str, str]]:
    return _area_choices(user)["district"]


def _beats(user: Any) -> list[tuple[str, str]]:
    return _area_choices(user)["beat"]


def _title(incident: Incident) -> str:
    return f"Incident {incident.agency.ori}-{incident.incident_number}"


def _labels(incident: Incident) -> str:
    return " ".join(incident.sensitivity_labels)


def _offense(incident: Incident) -> str:
    name = getattr(incident, "primary_offense_name", None)
    return f"{incident.primary_offense} — {name}" if name else incident.primary_offense


def _area(area: Any) -> str | None:
    return f"{area.name} ({area.code})" if area is not None else None


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
        Column("offense", "Offense (top charge)", _offense, sort=("primary_offense", "-occurred_from", "id")),
        Column("block", "Block", "block_address", sort=("block_address", "-occurred_from", "id")),
        Column("district", "District", lambda i: _area(i.district), sort=("district__name", "-occurred_from", "id")),
        Column("beat", "Beat", lambda i: _area(i.beat), sort=("beat__name", "-occurred_from", "id")),
    ),
    filters=(
        DateRange("date", "Occurred", lookup="occurred_date"),
        MultiChoice("offense", "Offense", upper=True, choices=selectors.offense_code_choices,
                    help_text="Any offense in the incident has one of these codes.", apply=selectors.with_offenses),
        MultiChoice("top", "Top charge", more=True, upper=True, choices=selectors.offense_code_choices,
                    help_text="The most serious offense (top charge) has one of these codes.",
                    lookup="primary_offense"),
        Choice("group", "Offense group", more=True, choices=[("A", "Group A"), ("B", "Group B")],
               help_text="Any offense in NIBRS Group A or B.", apply=selectors.with_offense_group),
        Choice("against", "Crime against", more=True, choices=[c for c in CrimeAgainst.choices if c[0] != "none"],
               help_text="Any offense against persons, property or society.", apply=selectors.with_crime_against),
        Choice("category", "Offense category", more=True, choices=selectors.offense_category_choices,
               help_text="Any offense in this NIBRS offense category.", apply=selectors.with_offense_category),
        Choice("district", "District", lookup="district__code", choices=_districts),
        Choice("beat", "Beat", lookup="beat__code", choices=_beats),
        Choice("firearm", "Firearm", choices=selectors.FIREARM_CHOICES, apply=selectors.with_firearm),
        Text("address", "Block address", lookup="block_address__icontains", max_length=100,
             help_text="Part of the block address, e.g. 1200 BLOCK MAIN."),
        Choice("status", "Status", more=True, choices=selectors.STATUS_CHOICES, apply=selectors.with_status),
        Choice("located", "On the map", more=True, choices=selectors.LOCATED_CHOICES, apply=selectors.with_location),
        BBox("area", "Map area", more=True, lookup="longitude,latitude",
             help_text="west,south,east,north in degrees (a hot-spot cell's link fills this in)."),
        agency_filter(Module.INCIDENTS, help_text="Only this agency's incidents."),
    ),
    search=Search("Case number", ("incident_number",), help_text="Part of the incident (case) number."),
    default_sort="-occurred",
    export_columns=(
        Column("agency", "Agency", "agency.ori"),
        Column("incident_number", "Incident number"),
        Column("occurred_from", "Occurred from", lambda i: i.occurred_from.isoformat()),
        Column("occurred_to", "Occurred to", lambda i: i.occurred_to.isoformat() if i.occurred_to else None),
        Column("primary_offense", "Primary offense"),
        Column("primary_offense_name", "Primary offense name"),
        Column("block_address", "Block address"),
        Column("district", "District", "district.code"),
        Column("district_name", "District name", "district.name"),
        Column("beat", "Beat", "beat.code"),
        Column("beat_name", "Beat name", "beat.name"),
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
