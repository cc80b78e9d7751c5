"""API shapes of policing records."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from safecity.core.schemas import RecordOut


class OfficerOut(RecordOut):
    id: uuid.UUID
    agency: str
    employee_id: str
    badge_number: str
    first_name: str
    last_name: str
    rank: str
    unit: str | None
    status: str
    hire_date: dt.date | None
    separation_date: dt.date | None

    @staticmethod
    def resolve_unit(obj: Any) -> str | None:
        return obj.unit.code if obj.unit is not None else None
