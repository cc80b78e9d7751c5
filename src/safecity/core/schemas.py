from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema


class RecordOut(Schema):
    """Base of an agency-owned record's API answer (`core.models.ProtectedModel`): a declared `id` is the
    record's public id and a declared `agency` its agency's ORI, never the database keys."""

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return uuid.UUID(str(obj.public_id))

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.agency.ori)


class AgencyOut(Schema):
    ori: str
    name: str
    agency_type: str
    jurisdiction: str
    state: str
    parent_ori: str | None = None
    populations: dict[str, int]

    @staticmethod
    def resolve_parent_ori(obj: Any) -> str | None:
        return obj.parent.ori if obj.parent_id else None

    @staticmethod
    def resolve_populations(obj: Any) -> dict[str, int]:
        return {str(p.year): p.population for p in obj.populations.all()}


class RoleOut(Schema):
    agency: str
    role: str


class MeOut(Schema):
    username: str
    roles: list[RoleOut]
    modules: list[str]
    mfa_verified: bool


class LocateOut(Schema):
    district: str | None
    beat: str | None


class AuditEventOut(Schema):
    seq: int
    occurred_at: dt.datetime
    actor_name: str
    agency_ori: str
    action: str
    object_type: str
    object_id: str
    outcome: str
    source_ip: str | None
    purpose: str
    hash: str
    prev_hash: str


class VerifyOut(Schema):
    ok: bool
    checked: int
    first_bad_seq: int | None
    reason: str | None


class TokenIn(Schema):
    name: str
    days: int = 90


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str


class ErrorField(Schema):
    field: str
    message: str


class ErrorDetail(Schema):
    code: str
    message: str
    fields: list[ErrorField]


class ErrorOut(Schema):
    error: ErrorDetail


class RuleOut(Schema):
    key: str
    values: dict[str, str | int | float | bool]
    effective_from: dt.date
    effective_to: dt.date | None = Field(description="Last day in force; null while in force.")
    citation: str
    status: str = Field(description="verified, unverified or needs-review, as the pack file states it.")
    review_by: dt.date | None
    needs_review: bool
    review_reason: str


class RulePackOut(Schema):
    name: str
    title: str
    description: str
    source: str
    key_field: str
    problems: list[str] = Field(description="file:line messages when the pack cannot be loaded (rules is empty).")
    rules: list[RuleOut]
