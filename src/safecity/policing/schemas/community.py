"""API shapes of SARA projects, meetings, follow-ups and survey results."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Schema

from safecity.core.schemas import RecordOut


def _uuid(obj: Any) -> uuid.UUID:
    return uuid.UUID(str(obj.public_id))


class ProjectOut(RecordOut):
    id: uuid.UUID
    agency: str
    title: str
    beat: str | None
    place: str
    status: str
    opened: dt.date
    closed: dt.date | None
    problem_statement: str
    analysis_notes: str
    response_summary: str
    assessment_notes: str
    count_source: str
    offense_codes: list[str]
    target_beats: list[str]
    buffer_beats: list[str]
    control_beats: list[str]
    buffer_control_beats: list[str]
    before_from: dt.date | None
    before_to: dt.date | None
    after_from: dt.date | None
    after_to: dt.date | None

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return _uuid(obj)

    @staticmethod
    def resolve_beat(obj: Any) -> str | None:
        return obj.beat.code if obj.beat is not None else None


class AreaCountsOut(Schema):
    area: str
    label: str
    beats: list[str]
    before: int | None
    after: int | None


class WDDOut(Schema):
    estimate: float
    est_local: float
    est_displacement: float
    se: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    alpha: float


class WDQOut(Schema):
    success: float
    buffer_change: float
    wdq: float | None
    total_net_effect: float


class LinkOut(Schema):
    label: str
    url: str


class AssessmentOut(Schema):
    source: str
    source_label: str
    before_from: dt.date | None
    before_to: dt.date | None
    after_from: dt.date | None
    after_to: dt.date | None
    offense_codes: list[str]
    time_weights: list[float]
    areas: list[AreaCountsOut]
    wdd: WDDOut | None
    wdq: WDQOut | None
    problems: list[str]
    links: list[LinkOut]


class MeetingOut(RecordOut):
    id: uuid.UUID
    agency: str
    date: dt.date
    district: str | None
    beat: str | None
    venue: str
    attendance: int
    concerns: int
    overdue_follow_ups: int
    minutes: str

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return _uuid(obj)

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return obj.district.code if obj.district is not None else None

    @staticmethod
    def resolve_beat(obj: Any) -> str | None:
        return obj.beat.code if obj.beat is not None else None

    @staticmethod
    def resolve_concerns(obj: Any) -> int:
        return int(getattr(obj, "concern_count", 0))

    @staticmethod
    def resolve_overdue_follow_ups(obj: Any) -> int:
        return int(getattr(obj, "overdue_count", 0))


class ConcernOut(Schema):
    category: str
    description: str


class FollowUpOut(RecordOut):
    id: uuid.UUID
    agency: str
    meeting: uuid.UUID
    meeting_date: dt.date
    action: str
    owner: str
    due: dt.date
    status: str
    completed: dt.date | None

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return _uuid(obj)

    @staticmethod
    def resolve_meeting(obj: Any) -> uuid.UUID:
        return _uuid(obj.meeting)

    @staticmethod
    def resolve_meeting_date(obj: Any) -> dt.date:
        return obj.meeting.date  # type: ignore[no-any-return]


class MeetingDetailOut(MeetingOut):
    concern_list: list[ConcernOut]
    follow_ups: list[FollowUpOut]

    @staticmethod
    def resolve_concern_list(obj: Any) -> list[Any]:
        return list(obj.concerns.order_by("id"))

    @staticmethod
    def resolve_follow_ups(obj: Any) -> list[Any]:
        return list(obj.follow_ups.select_related("meeting", "agency").order_by("due", "id"))


class WaveOut(RecordOut):
    id: uuid.UUID
    agency: str
    code: str
    name: str
    start: dt.date
    end: dt.date
    method: str
    sample_size: int
    margin_of_error: float | None

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return _uuid(obj)



class SurveyPointOut(Schema):
    wave: str
    wave_name: str
    wave_end: dt.date
    n: int
    agree: int
    percent: float
    ci_low: float
    ci_high: float


class SurveySeriesOut(Schema):
    agency: str
    district: str
    district_name: str
    points: list[SurveyPointOut]
