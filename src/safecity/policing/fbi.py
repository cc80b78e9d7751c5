"""The FBI National Use-of-Force Data Collection bulk file for one agency and month, and its JSON Schema.

What we could check (docs/policing.md, "FBI export", has the element-by-element table; `ELEMENTS` below is the
same list as data): the wrapper of every submission — Data Element 1 `Action`, 2 `ActionTime` (written
MM/DD/YYYY HH:MM:SS), 3 the payload under `Incident`, or under `ZeroReport` for a month with nothing to report —
and the Incident segment's first elements I1 `agency_ori` (9 characters), I2 `agency_case_number`, I3
`incident_date`, with the Subject and Officer segments nested inside the Incident. The sources are In-Synch's
walk-throughs of the FBI submission and of the zero report, and the visible part of the Flat File & Bulk Load
Technical Specification v4.0 (UoF-DOC-37001-4.0); the specification's element tables and example construction
could not be read. Every other element name and every code value is ours and marked unverified — check them
against v4.0 before a first submission.

Officers appear only through the collection's officer attributes (sex, race, age, years of service, on duty,
injury, firearm discharged, force types) — never a name, badge or employee number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from safecity.policing.models import Injury, UseOfForceIncident

VERIFIED = "verified"
PARTLY = "partly verified"
UNVERIFIED = "unverified"

_SUBMISSION_POST = "In-Synch, FBI Use of Force Submission - Explained"
_ZERO_POST = "In-Synch, Use of Force - How to Report Nothing"
_PA_POST = "In-Synch, Use of Force - Incident Information (Pennsylvania)"


@dataclass(frozen=True)
class Element:
    """One element we emit, where it sits, and how far it was checked against published material."""

    path: str  # as emitted: "Action" (no dot: the submission wrapper), "Incident.agency_ori" (segment.name)
    spec: str  # the data element number as the source numbers it ("I1", "DE2"), "" when not seen
    status: str  # VERIFIED, PARTLY or UNVERIFIED
    source: str  # where the checked part was read


def _ours(path: str) -> Element:
    return Element(path, "", UNVERIFIED, "")


ELEMENTS: tuple[Element, ...] = (
    Element("Action", "DE1", VERIFIED, f"{_SUBMISSION_POST}; {_ZERO_POST} (values AddOnly, Add, Remove)"),
    Element("ActionTime", "DE2", PARTLY, f"{_SUBMISSION_POST}; format from {_ZERO_POST}; time zone not stated"),
    Element("Incident", "DE3", VERIFIED, f"{_SUBMISSION_POST} (payload identifier)"),
    Element("ZeroReport", "DE3", VERIFIED, f"{_ZERO_POST} (payload identifier; its contents not seen)"),
    Element("Incident.agency_ori", "I1", VERIFIED, f"{_SUBMISSION_POST} (mandatory, 9 characters)"),
    Element("Incident.agency_case_number", "I2", VERIFIED, f"{_SUBMISSION_POST} (mandatory)"),
    Element("Incident.incident_date", "I3", PARTLY, f"name: {_SUBMISSION_POST}; MM/DD/YYYY only from {_PA_POST}"),
    *(_ours(f"Incident.{n}") for n in (
        "incident_time", "total_officers_applying_force", "location", "reason_for_initial_contact",
        "officer_approached", "ambush", "supervisor_on_scene", "supervisor_consulted", "most_serious_offense",
        "subjects_died", "subjects_seriously_injured")),
    Element("Incident.Subject", "", PARTLY, f"nesting: {_SUBMISSION_POST}; the key name is ours"),
    Element("Incident.Officer", "", PARTLY, f"nesting: {_SUBMISSION_POST}; the key name is ours"),
    *(_ours(f"Subject.{n}") for n in (
        "subject_sequence_number", "sex", "race", "ethnicity", "age", "height_inches", "weight_pounds", "impaired",
        "impairment_type", "perceived_threat", "armed", "resisted", "resistance_type", "force_types", "injury")),
    *(_ours(f"Officer.{n}") for n in (
        "officer_sequence_number", "sex", "race", "age", "years_of_service", "on_duty", "injured",
        "firearm_discharged", "force_types")),
    *(_ours(f"ZeroReport.{n}") for n in ("agency_ori", "year", "month")),
)

# Data Element 2 as the zero-report walk-through gives it (mm/dd/yyyy hh:mm:ss); the incident date follows the
# same month-first order (the Pennsylvania page's MM/DD/YYYY).
ACTION_TIME_FORMAT = "%m/%d/%Y %H:%M:%S"
DATE_FORMAT = "%m/%d/%Y"
_MMDDYYYY = r"(0[1-9]|1[0-2])/(0[1-9]|[12][0-9]|3[01])/[0-9]{4}"

_BOOL_OR_NULL = {"type": ["boolean", "null"]}
_STR = {"type": "string"}
_INT_OR_NULL = {"type": ["integer", "null"], "minimum": 0}
_DATE = {"type": "string", "pattern": f"^{_MMDDYYYY}$"}
_ORI = {"type": "string", "pattern": r"^[A-Z0-9]{9}$"}
_INJURY = {"enum": [c.value for c in Injury]}

SUBJECT_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["subject_sequence_number", "sex", "race", "ethnicity", "age", "injury", "force_types"],
    "properties": {
        "subject_sequence_number": {"type": "integer", "minimum": 1},
        "sex": _STR, "race": _STR, "ethnicity": _STR, "age": _INT_OR_NULL,
        "height_inches": _INT_OR_NULL, "weight_pounds": _INT_OR_NULL,
        "impaired": _BOOL_OR_NULL, "impairment_type": _STR,
        "perceived_threat": _BOOL_OR_NULL,
        "armed": {"enum": ["armed", "believed", "unarmed", "unknown", ""]},
        "resisted": _BOOL_OR_NULL, "resistance_type": _STR,
        "force_types": {"type": "array", "items": _STR},
        "injury": _INJURY,
    },
}
OFFICER_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["officer_sequence_number", "sex", "race", "age", "years_of_service", "on_duty", "injured",
                 "firearm_discharged", "force_types"],
    "properties": {
        "officer_sequence_number": {"type": "integer", "minimum": 1},
        "sex": _STR, "race": _STR, "age": _INT_OR_NULL, "years_of_service": _INT_OR_NULL,
        "on_duty": {"type": "boolean"}, "injured": {"type": "boolean"},
        "firearm_discharged": {"type": "boolean"},
        "force_types": {"type": "array", "items": _STR},
    },
}
INCIDENT_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["agency_ori", "agency_case_number", "incident_date", "incident_time",
                 "total_officers_applying_force", "location", "reason_for_initial_contact",
                 "officer_approached", "ambush", "supervisor_on_scene", "supervisor_consulted",
                 "most_serious_offense", "subjects_died", "subjects_seriously_injured", "Subject", "Officer"],
    "properties": {
        "agency_ori": _ORI,
        "agency_case_number": {"type": "string", "minLength": 1, "maxLength": 40},
        "incident_date": _DATE,
        "incident_time": {"type": "string", "pattern": r"^\d{2}:\d{2}$"},
        "total_officers_applying_force": {"type": "integer", "minimum": 1},
        "location": {
            "type": "object", "additionalProperties": False, "required": ["address", "location_type"],
            "properties": {"address": _STR, "latitude": {"type": ["number", "null"]},
                           "longitude": {"type": ["number", "null"]}, "location_type": _STR},
        },
        "reason_for_initial_contact": _STR,
        "officer_approached": _BOOL_OR_NULL, "ambush": _BOOL_OR_NULL,
        "supervisor_on_scene": _BOOL_OR_NULL, "supervisor_consulted": _BOOL_OR_NULL,
        "most_serious_offense": {"type": "array", "items": {"type": "string", "pattern": r"^[0-9]{2}[A-Z0-9]$"}},
        "subjects_died": {"type": "integer", "minimum": 0},
        "subjects_seriously_injured": {"type": "integer", "minimum": 0},
        "Subject": {"type": "array", "minItems": 1, "items": SUBJECT_SCHEMA},
        "Officer": {"type": "array", "minItems": 1, "items": OFFICER_SCHEMA},
    },
}
ZERO_REPORT_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["agency_ori", "year", "month"],
    "properties": {"agency_ori": _ORI, "year": {"type": "integer", "minimum": 2019},
                   "month": {"type": "integer", "minimum": 1, "maximum": 12}},
}
_ACTION_TIME = {"type": "string", "pattern": f"^{_MMDDYYYY} ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "FBI National Use-of-Force Data Collection bulk submission (one agency, one month)",
    "type": "array",
    "minItems": 1,
    "items": {"oneOf": [
        {"type": "object", "additionalProperties": False, "required": ["Action", "ActionTime", "Incident"],
         "properties": {"Action": {"enum": ["Add", "Remove"]}, "ActionTime": _ACTION_TIME,
                        "Incident": INCIDENT_SCHEMA}},
        {"type": "object", "additionalProperties": False, "required": ["Action", "ActionTime", "ZeroReport"],
         "properties": {"Action": {"enum": ["AddOnly", "Add", "Remove"]}, "ActionTime": _ACTION_TIME,
                        "ZeroReport": ZERO_REPORT_SCHEMA}},
    ]},
}


def _types(raw: Any) -> list[str]:
    return sorted(str(t) for t in raw or [])


def _officer(n: int, row: Any, on: dt.date) -> dict[str, Any]:
    officer = row.officer
    hired = officer.hire_date
    return {
        "officer_sequence_number": n, "sex": officer.sex or "unknown", "race": officer.race or "unknown",
        "age": on.year - officer.birth_year if officer.birth_year else None,
        "years_of_service": (on - hired).days // 365 if hired and hired <= on else None,
        "on_duty": row.on_duty, "injured": row.injured, "firearm_discharged": row.firearm_discharged,
        "force_types": _types(row.force_types),
    }


def _subject(row: Any) -> dict[str, Any]:
    return {
        "subject_sequence_number": row.sequence, "sex": row.sex or "unknown", "race": row.race or "unknown",
        "ethnicity": row.ethnicity or "unknown", "age": row.age, "height_inches": row.height_in,
        "weight_pounds": row.weight_lb, "impaired": row.impaired, "impairment_type": row.impairment_type,
        "perceived_threat": row.perceived_threat, "armed": row.armed, "resisted": row.resisted,
        "resistance_type": row.resistance, "force_types": _types(row.force_types), "injury": row.injury,
    }


def incident_payload(incident: UseOfForceIncident) -> dict[str, Any]:
    local = timezone.localtime(incident.occurred_at)
    subjects = list(incident.subjects.all())
    officers = sorted(incident.officers.all(), key=lambda o: o.pk)  # in the order they were entered
    return {
        "agency_ori": incident.agency.ori,
        "agency_case_number": incident.case_number,
        "incident_date": local.strftime(DATE_FORMAT),
        "incident_time": local.strftime("%H:%M"),
        "total_officers_applying_force": incident.officers_applying_force or len(officers),
        "location": {"address": incident.location, "latitude": incident.lat, "longitude": incident.lng,
                     "location_type": incident.location_type},
        "reason_for_initial_contact": incident.reason_for_contact,
        "officer_approached": incident.officer_approached, "ambush": incident.ambush,
        "supervisor_on_scene": incident.supervisor_on_scene, "supervisor_consulted": incident.supervisor_consulted,
        "most_serious_offense": [incident.most_serious_offense] if incident.most_serious_offense else [],
        "subjects_died": sum(s.injury == Injury.DEATH for s in subjects),
        "subjects_seriously_injured": sum(s.injury == Injury.SERIOUS for s in subjects),
        "Subject": [_subject(s) for s in subjects],
        "Officer": [_officer(n, o, local.date()) for n, o in enumerate(officers, 1)],
    }


def month_submission(*, ori: str, year: int, month: int, incidents: Iterable[UseOfForceIncident],
                     now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The month's submissions: one per reportable incident, or a single zero report when there were none."""
    # The zone of ActionTime is not stated in what we read; UTC keeps successive actions in order across a DST change.
    stamp = (now or timezone.now()).astimezone(dt.UTC).strftime(ACTION_TIME_FORMAT)
    items = [{"Action": "Add", "ActionTime": stamp, "Incident": incident_payload(i)} for i in incidents]
    if not items:
        items = [{"Action": "Add", "ActionTime": stamp,
                  "ZeroReport": {"agency_ori": ori, "year": year, "month": month}}]
    return items


def validate(document: Any) -> list[str]:
    """Every way `document` departs from `SCHEMA`, as "path: message" lines (empty when it conforms)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(document)'}: {e.message}"
            for e in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))]
