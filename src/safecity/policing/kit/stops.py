"""Stops declared for the module kit (`core.kit`): the list (filters by date, district, beat, race, type, search,
outcome and officer), the record page, the CSV and the API come from here."""

from __future__ import annotations

from typing import Any

from safecity.core.kit import Choice, Column, DateRange, RecordKit, Search, Text, agency_filter
from safecity.core.roles import Module
from safecity.policing import selectors
from safecity.policing.models import SearchBasis, Stop, StopOutcome, StopType, SubjectRace

YES_NO_NA = [("yes", "Yes"), ("no", "No"), ("na", "Not recorded")]


def _districts(user: Any) -> list[tuple[str, str]]:
    from safecity.core import selectors as core_selectors
    from safecity.core.kit.filters import choices_from

    return choices_from((d.code, f"{d.name} ({d.code})")
                        for d in core_selectors.district_list(user=user, module=Module.POLICING).defer("geometry"))


def _flag(lookup: str) -> Any:
    def apply(qs: Any, value: str) -> Any:
        if value == "na":
            return qs.filter(**{f"{lookup}__isnull": True})
        return qs.filter(**{lookup: value == "yes"})

    return apply


def _yes_no(value: bool | None) -> str:
    return "Not recorded" if value is None else ("Yes" if value else "No")


def _when(stop: Stop) -> str:
    return f"{stop.date:%Y-%m-%d} {stop.time:%H:%M}" if stop.time is not None else f"{stop.date:%Y-%m-%d}"


def _area(obj: Any) -> str | None:
    return obj.code if obj is not None else None


STOPS = RecordKit(
    module=Module.POLICING,
    model=Stop,
    namespace="policing_stops",
    noun="stop",
    plural="stops",
    list_selector=selectors.stop_list,
    get_selector=selectors.stop_get,
    columns=(
        Column("stop_id", "Stop", "stop_id", sort=("stop_id", "id"), link=True),
        Column("when", "Date and time", _when, sort=("date", "time", "id")),
        Column("district", "District", lambda s: _area(s.district), sort=("district__code", "-date", "id")),
        Column("race", "Race", lambda s: s.get_subject_race_display(), sort=("subject_race", "-date", "id")),
        Column("type", "Type", lambda s: s.get_type_display(), sort=("type", "-date", "id")),
        Column("searched", "Searched", lambda s: _yes_no(s.search_conducted), sort=("search_conducted", "id")),
        Column("outcome", "Outcome", lambda s: s.get_outcome_display(), sort=("outcome", "-date", "id")),
        Column("agency", "Agency", "agency.ori", sort=("agency__ori", "-date", "id")),
    ),
    filters=(
        DateRange("date", "Stop date", lookup="date"),
        Choice("district", "District", lookup="district__code", choices=_districts),
        Text("beat", "Beat code", lookup="beat__code", max_length=20, upper=True),
        Choice("race", "Race", lookup="subject_race", choices=SubjectRace.choices),
        Choice("type", "Type", lookup="type", choices=StopType.choices),
        Choice("searched", "Searched", apply=_flag("search_conducted"), choices=YES_NO_NA),
        Choice("outcome", "Outcome", lookup="outcome", choices=[c for c in StopOutcome.choices if c[0]]),
        Text("officer", "Officer employee id", more=True, lookup="officer__employee_id", max_length=30),
        agency_filter(Module.POLICING),
    ),
    search=Search("Stop id, location or violation", ("stop_id", "location", "violation")),
    default_sort="-when",
    export_columns=(
        Column("agency", "agency", "agency.ori"),
        Column("raw_row_number", "raw_row_number", "stop_id"),
        Column("date", "date"),
        Column("time", "time", lambda s: f"{s.time:%H:%M:%S}" if s.time else "NA"),
        Column("location", "location"),
        Column("lat", "lat"),
        Column("lng", "lng"),
        Column("district", "district", lambda s: _area(s.district)),
        Column("beat", "beat", lambda s: _area(s.beat)),
        Column("subject_race", "subject_race"),
        Column("subject_sex", "subject_sex"),
        Column("subject_age", "subject_age"),
        Column("type", "type"),
        Column("officer_id", "officer_id", lambda s: s.officer.employee_id if s.officer else None),
        Column("violation", "violation"),
        Column("arrest_made", "arrest_made"),
        Column("citation_issued", "citation_issued"),
        Column("warning_issued", "warning_issued"),
        Column("outcome", "outcome"),
        Column("search_conducted", "search_conducted"),
        Column("search_basis", "search_basis"),
        Column("contraband_found", "contraband_found"),
        Column("frisk_performed", "frisk_performed"),
    ),
    detail_fields=(
        Column("agency", "Agency", lambda s: f"{s.agency.name} ({s.agency.ori})"),
        Column("when", "Date and time", _when),
        Column("location", "Location"),
        Column("district", "District", lambda s: _area(s.district)),
        Column("beat", "Beat", lambda s: _area(s.beat)),
        Column("race", "Subject race", lambda s: s.get_subject_race_display()),
        Column("sex", "Subject sex", "subject_sex"),
        Column("age", "Subject age", "subject_age"),
        Column("type", "Type", lambda s: s.get_type_display()),
        Column("officer", "Officer", lambda s: f"{s.officer.last_name}, {s.officer.first_name} "
                                               f"({s.officer.employee_id})" if s.officer else None),
        Column("reason", "Reason for stop", "reason_for_stop"),
        Column("violation", "Violation"),
        Column("searched", "Search conducted", lambda s: _yes_no(s.search_conducted)),
        Column("basis", "Search basis", lambda s: dict(SearchBasis.choices).get(s.search_basis, s.search_basis)),
        Column("contraband", "Contraband found", lambda s: _yes_no(s.contraband_found)),
        Column("outcome", "Outcome", lambda s: s.get_outcome_display()),
    ),
    title=lambda s: f"Stop {s.stop_id} on {s.date:%Y-%m-%d}",
    list_intro="Stops in the Stanford Open Policing schema, loaded with safecity import stops or the import page.",
    list_template="policing/stops/list.html",
    api_id_param="stop_id",
    api_operation_prefix="safecity_policing_api",
)
