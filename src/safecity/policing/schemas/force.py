"""API shapes of use-of-force records and figures."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Schema

from safecity.core.schemas import RecordOut


class ForceSubjectOut(Schema):
    sequence: int
    sex: str
    race: str
    ethnicity: str
    age: int | None
    height_in: int | None
    weight_lb: int | None
    impaired: bool | None
    impairment_type: str
    perceived_threat: bool | None
    armed: str
    resisted: bool | None
    resistance: str
    force_types: list[str]
    injury: str


class ForceOfficerOut(Schema):
    officer_id: uuid.UUID
    employee_id: str
    badge_number: str
    on_duty: bool
    injured: bool
    firearm_discharged: bool
    force_types: list[str]

    @staticmethod
    def resolve_officer_id(obj: Any) -> uuid.UUID:
        return uuid.UUID(str(obj.officer.public_id))

    @staticmethod
    def resolve_employee_id(obj: Any) -> str:
        return str(obj.officer.employee_id)

    @staticmethod
    def resolve_badge_number(obj: Any) -> str:
        return str(obj.officer.badge_number)


class ForceIncidentOut(RecordOut):
    id: uuid.UUID
    agency: str
    case_number: str
    occurred_at: dt.datetime
    location: str
    lat: float | None
    lng: float | None
    location_type: str
    district: str | None
    reason_for_contact: str
    most_serious_offense: str
    officers_applying_force: int
    officer_approached: bool | None
    ambush: bool | None
    supervisor_on_scene: bool | None
    supervisor_consulted: bool | None
    force_types: list[str]
    worst_injury: str
    fbi_reportable: bool

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return obj.district.code if obj.district is not None else None

    @staticmethod
    def resolve_force_types(obj: Any) -> list[str]:
        return [t for t in obj.force_types_text.strip(",").split(",") if t]


class ForceIncidentDetailOut(ForceIncidentOut):
    subjects: list[ForceSubjectOut]
    officers: list[ForceOfficerOut]

    @staticmethod
    def resolve_subjects(obj: Any) -> list[Any]:
        return list(obj.subjects.all())

    @staticmethod
    def resolve_officers(obj: Any) -> list[Any]:
        return list(obj.officers.select_related("officer"))


class SummaryCellOut(Schema):
    group: str
    incidents: int | None  # null = fewer than the small-cell threshold


class SummaryTableOut(Schema):
    key: str
    title: str
    rows: list[SummaryCellOut]


class PublicSummaryOut(Schema):
    incidents: int
    reportable: int
    small_cell: int
    tables: list[SummaryTableOut]


class SummaryQuery(Schema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class FbiQuery(Schema):
    # optional here so that the permission check answers first; the endpoint names a missing one (422)
    agency: str = ""
    month: str = ""  # YYYY-MM
