"""API shapes of early-intervention records and figures."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Schema

from safecity.core.schemas import RecordOut


class PursuitOut(RecordOut):
    id: uuid.UUID
    agency: str
    officer: uuid.UUID
    started_at: dt.datetime
    reason: str
    outcome: str
    crash: bool
    injuries: bool

    @staticmethod
    def resolve_officer(obj: Any) -> uuid.UUID:
        return uuid.UUID(str(obj.officer.public_id))


class FlagOut(RecordOut):
    id: uuid.UUID
    agency: str
    officer: uuid.UUID
    as_of: dt.date
    window_days: int
    rules: list[str]
    score: float | None
    status: str
    intervention: str
    follow_up_due: dt.date | None
    follow_up_on: dt.date | None
    indicators: dict[str, Any]

    @staticmethod
    def resolve_officer(obj: Any) -> uuid.UUID:
        return uuid.UUID(str(obj.officer.public_id))


class RuleRow(Schema):
    key: str
    label: str
    status: str
    citation: str
    flagged: int
    hits: int
    precision: float | None
    recall: float | None
    score_precision_same_k: float | None


class AtKRow(Schema):
    k: int
    hits: float
    precision: float
    recall: float | None
    tied: int


class EvaluationOut(Schema):
    agency: str
    as_of: dt.date
    horizon_days: int
    complete: bool
    officers: int
    positives: int
    base_rate: float | None
    rules: list[RuleRow]
    any_rule: RuleRow | None
    at_k: list[AtKRow]
    notes: list[str]


class IndicatorRow(Schema):
    indicator: str
    label: str
    count: int
    rate: float | None
    unit_percentile: float | None
    assignment_percentile: float | None


class OfficerIndicatorsOut(Schema):
    officer: uuid.UUID
    as_of: dt.date
    window_days: int
    service_years: float
    stops: int
    unit: str
    assignment: str
    rows: list[IndicatorRow]
    rules_fired: list[str]
