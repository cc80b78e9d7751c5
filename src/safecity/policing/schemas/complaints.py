"""API shapes of complaints. The detail's complainant and summary are resolved for the reader: an officer
accused in the complaint gets null for both, whatever their role."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

from safecity.core.schemas import RecordOut
from safecity.policing import complaint_rules, selectors


class AllegationOut(RecordOut):
    id: uuid.UUID
    officer_employee_id: str
    officer_name: str
    category: str
    category_label: str
    finding: str
    finding_meaning: str
    finding_date: dt.date | None
    discipline: str

    @staticmethod
    def resolve_officer_employee_id(obj: Any) -> str:
        return str(obj.officer.employee_id)

    @staticmethod
    def resolve_officer_name(obj: Any) -> str:
        return f"{obj.officer.first_name} {obj.officer.last_name}"

    @staticmethod
    def resolve_category_label(obj: Any) -> str:
        return complaint_rules.category_label(obj.category)

    @staticmethod
    def resolve_finding_meaning(obj: Any) -> str:
        return complaint_rules.FINDING_MEANINGS.get(obj.finding, "")


class ComplaintOut(RecordOut):
    id: uuid.UUID
    agency: str
    reference: str
    received_on: dt.date
    occurred_on: dt.date | None
    source: str
    channel: str
    district: str | None
    status: str
    stage_started_on: dt.date | None
    due_on: dt.date | None
    discipline_limit_on: dt.date | None
    closed_on: dt.date | None
    allegations: list[AllegationOut]

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return obj.district.code if obj.district is not None else None

    @staticmethod
    def resolve_allegations(obj: Any) -> list[Any]:
        return list(obj.allegations.all())


class ComplainantOut(Schema):
    name: str
    contact: str
    race: str
    sex: str
    age: int | None
    relationship: str


class TimelineOut(Schema):
    kind: str
    from_status: str
    to_status: str
    on: dt.date
    due_on: dt.date | None
    reason: str
    actor_name: str


class CommentOut(Schema):
    author_name: str
    author_role: str
    body: str
    created: dt.datetime


class ComplaintDetailOut(ComplaintOut):
    location: str
    investigator: str | None
    summary: str | None = Field(None, description="Null for a reader accused in the complaint.")
    complainant: ComplainantOut | None = Field(
        None, description="Null for anonymous complaints and for a reader accused in the complaint.")
    timeline: list[TimelineOut]
    comments: list[CommentOut]

    @staticmethod
    def resolve_investigator(obj: Any) -> str | None:
        return obj.investigator.employee_id if obj.investigator is not None else None

    @staticmethod
    def resolve_summary(obj: Any, context: Any) -> str | None:
        return selectors.summary_for(user=context["request"].user, complaint=obj)

    @staticmethod
    def resolve_complainant(obj: Any, context: Any) -> Any:
        return selectors.complainant_for(user=context["request"].user, complaint=obj)

    @staticmethod
    def resolve_timeline(obj: Any, context: Any) -> list[Any]:
        return selectors.timeline_for(user=context["request"].user, complaint=obj)

    @staticmethod
    def resolve_comments(obj: Any, context: Any) -> list[Any]:
        return list(selectors.comments_for(user=context["request"].user, complaint=obj))


# Write payloads: every field has a default, so a body without them reaches the permission check first and then
# the action, which names the missing field (a caller without the right gets 403, not a validation message).
class TransitionIn(Schema):
    to_status: str = Field("", max_length=20, description="The next stage: assigned, investigating, review, closed.")
    on: dt.date | None = Field(None, description="Day of the change (default today).")
    reason: str = Field("", max_length=5000)
    investigator: str = Field("", max_length=30, description="Employee id of the investigator (when assigning).")


class ExtendIn(Schema):
    due_on: dt.date | None = None
    reason: str = Field("", max_length=5000)


class CommentIn(Schema):
    body: str = Field("", max_length=5000)


class FindingIn(Schema):
    finding: str = Field("", max_length=20)
    finding_date: dt.date | None = None
    discipline: str = Field("", max_length=120)
