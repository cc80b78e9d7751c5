"""API shapes of stops and of the equity tables (the same names as the page's CSV columns)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Schema

from safecity.core.schemas import RecordOut


class StopOut(RecordOut):
    id: uuid.UUID
    agency: str
    stop_id: str
    date: dt.date
    time: dt.time | None
    location: str
    lat: float | None
    lng: float | None
    district: str | None
    beat: str | None
    subject_race: str
    subject_sex: str
    subject_age: int | None
    type: str
    officer_employee_id: str | None
    violation: str
    arrest_made: bool | None
    citation_issued: bool | None
    warning_issued: bool | None
    outcome: str
    search_conducted: bool | None
    search_basis: str
    contraband_found: bool | None

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return obj.district.code if obj.district is not None else None

    @staticmethod
    def resolve_beat(obj: Any) -> str | None:
        return obj.beat.code if obj.beat is not None else None

    @staticmethod
    def resolve_officer_employee_id(obj: Any) -> str | None:
        return obj.officer.employee_id if obj.officer is not None else None


class EquityQuery(Schema):
    district: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class EquityTableOut(Schema):
    """One equity table: `columns` name each value of every row (as in the page's CSV)."""

    district: str
    date_from: dt.date | None
    date_to: dt.date | None
    stops: int
    method: str
    columns: list[str]
    rows: list[list[Any]]
