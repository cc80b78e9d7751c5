"""API shapes of body-worn camera records and the activation report."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

from safecity.core.schemas import RecordOut


class CameraOut(RecordOut):
    id: uuid.UUID
    agency: str
    serial: str
    model: str
    status: str




class RecordingOut(RecordOut):
    id: uuid.UUID
    agency: str
    external_id: str
    officer_id: uuid.UUID
    camera: str | None
    started: dt.datetime
    ended: dt.datetime
    category: str
    cad_number: str
    legal_hold: bool
    purged_at: dt.datetime | None

    @staticmethod
    def resolve_officer_id(obj: Any) -> uuid.UUID:
        return uuid.UUID(str(obj.officer.public_id))

    @staticmethod
    def resolve_camera(obj: Any) -> str | None:
        return obj.camera.serial if obj.camera is not None else None


class RateOut(Schema):
    group: str
    events: int
    recorded: int
    rate: float | None
    ci_low: float | None
    ci_high: float | None


class ActivationOut(Schema):
    window_before_minutes: float
    window_after_minutes: float
    default_event_minutes: float
    overall: RateOut
    statuses: dict[str, int]
    by_unit: list[RateOut]
    by_month: list[RateOut]
    by_kind: list[RateOut]
    by_officer: list[RateOut]


class ActivationQuery(Schema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unit: str = Field("", description="Only this unit (the unit the officer was assigned to on the day): its "
                                      "code, one of the units you may see. Default: every unit.")
