"""API shapes of training records and of the compliance report."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from safecity.core.schemas import RecordOut


class CourseOut(RecordOut):
    id: uuid.UUID
    agency: str
    code: str
    title: str
    topic: str
    hours: Decimal
    delivery: str
    active: bool




class AttendanceOut(RecordOut):
    id: uuid.UUID
    agency: str
    officer_id: uuid.UUID
    employee_id: str
    course: str
    topic: str
    completed_on: dt.date
    hours: Decimal
    score: Decimal | None
    passed: bool

    @staticmethod
    def resolve_officer_id(obj: Any) -> uuid.UUID:
        return uuid.UUID(str(obj.officer.public_id))

    @staticmethod
    def resolve_employee_id(obj: Any) -> str:
        return str(obj.officer.employee_id)

    @staticmethod
    def resolve_course(obj: Any) -> str:
        return str(obj.course.code)

    @staticmethod
    def resolve_topic(obj: Any) -> str:
        return str(obj.course.topic)


class SessionOut(RecordOut):
    id: uuid.UUID
    agency: str
    course: str
    course_title: str
    topic: str
    date: dt.date
    instructor: str
    location: str
    attended: int = Field(description="Completions recorded for the session that you may read.")
    passed: int = Field(description="Of those, the passed ones (only these count toward a requirement).")

    @staticmethod
    def resolve_course(obj: Any) -> str:
        return str(obj.course.code)

    @staticmethod
    def resolve_course_title(obj: Any) -> str:
        return str(obj.course.title)

    @staticmethod
    def resolve_topic(obj: Any) -> str:
        return str(obj.course.topic)


class UnitOut(RecordOut):
    id: uuid.UUID
    agency: str
    code: str
    name: str
    parent: str | None
    district: str | None
    active: bool

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.code if obj.parent is not None else None

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return obj.district.code if obj.district is not None else None


class RuleOut(Schema):
    key: str
    state: str
    name: str
    period_model: str
    period_months: int
    min_hours: float
    topic_minimums: dict[str, float]
    effective_from: dt.date
    effective_to: dt.date | None
    citation: str
    status: str
    needs_review: str


class TopicShortOut(Schema):
    topics: str
    required: float
    completed: float
    short: float


class OfficerComplianceOut(Schema):
    officer_id: uuid.UUID
    employee_id: str
    name: str
    unit: str
    period_start: dt.date
    period_end: dt.date
    hours_required: float
    hours_counted: float
    hours_short: float
    topics: list[TopicShortOut]
    compliant: bool
    lapses_on: dt.date | None
    due_by: dt.date | None


class RollupOut(Schema):
    label: str
    officers: int
    compliant: int
    out_of_compliance: int
    percent_compliant: float | None
    hours_short: float


class ComplianceOut(Schema):
    agency: str
    as_of: dt.date
    rule: RuleOut | None
    total: RollupOut | None
    units: list[RollupOut]
    officers: list[OfficerComplianceOut]


def rollup_out(r: Any) -> RollupOut:
    return RollupOut(label=r.label, officers=r.officers, compliant=r.compliant, out_of_compliance=r.out_of_compliance,
                     percent_compliant=r.percent_compliant, hours_short=r.hours_short)


def compliance_out(report: Any, rows: list[Any]) -> ComplianceOut:
    rule = report.rule
    rule_out = None
    if rule is not None:
        req = rule.requirement
        rule_out = RuleOut(key=rule.key, state=rule.state, name=rule.name, period_model=req.period_model,
                           period_months=req.period_months, min_hours=req.min_hours,
                           topic_minimums={m.label: m.hours for m in req.topic_minimums},
                           effective_from=rule.effective_from, effective_to=rule.effective_to, citation=rule.citation,
                           status=rule.status, needs_review=rule.review_reason)
    officers = [OfficerComplianceOut(
        officer_id=uuid.UUID(str(r.officer.public_id)), employee_id=r.officer.employee_id,
        name=f"{r.officer.last_name}, {r.officer.first_name}", unit=r.unit, period_start=r.result.period_start,
        period_end=r.result.period_end, hours_required=r.result.required, hours_counted=r.result.completed,
        hours_short=r.result.hours_short,
        topics=[TopicShortOut(topics=t.label, required=t.required, completed=t.completed, short=t.short)
                for t in r.result.topics],
        compliant=r.result.compliant, lapses_on=r.result.lapses_on, due_by=r.result.due_by) for r in rows]
    return ComplianceOut(agency=report.agency.ori, as_of=report.as_of, rule=rule_out,
                         total=rollup_out(report.total) if report.total else None,
                         units=[rollup_out(u) for u in report.units], officers=officers)
