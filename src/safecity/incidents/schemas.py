from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Schema


class IncidentOut(Schema):
    id: uuid.UUID
    agency: str
    incident_number: str
    occurred_from: dt.datetime
    occurred_to: dt.datetime | None
    block_address: str
    district: str | None
    beat: str | None
    primary_offense: str
    is_firearm: bool
    is_violent: bool
    victim_count: int
    sensitivity: list[str]

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return obj.public_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return obj.agency.ori  # type: ignore[no-any-return]

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return obj.district.code if obj.district_id else None

    @staticmethod
    def resolve_beat(obj: Any) -> str | None:
        return obj.beat.code if obj.beat_id else None

    @staticmethod
    def resolve_sensitivity(obj: Any) -> list[str]:
        return obj.sensitivity_labels  # type: ignore[no-any-return]
