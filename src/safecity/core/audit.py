"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from safecity.core import context, dbbusy
from safecity.core.models import AuditEvent

GENESIS = "0" * 64
# Arbitrary constant key for PostgreSQL's transaction-scoped advisory lock that serializes appends.
_PG_LOCK_KEY = 7_233_616_271

HASHED_FIELDS = (
    "seq", "occurred_at", "actor_id", "actor_name", "agency_ori", "action", "object_type", "object_id",
    "object_repr", "outcome", "source_ip", "user_agent", "request_id", "purpose", "extra", "prev_hash",
)


def _canonical(values: dict[str, Any]) -> bytes:
    def norm(v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return v.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return v

    return json.dumps({k: norm(values[k]) for k in HASHED_FIELDS}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True, default=str).encode()


def compute_hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(values)).hexdigest()


def _event_values(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def _lock_chain() -> None:
    # SQLite: the connection opens transactions with BEGIN IMMEDIATE, which already holds the write lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def record(
    *,
    action: str,
    actor: Any = None,
    outcome: str = "success",
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    agency_ori: str = "",
    purpose: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction (or a new one)."""
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if not agency_ori:
            agency = getattr(obj, "agency", None)
            agency_ori = getattr(agency, "ori", "") or ""
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    with dbbusy.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        # Truncated to microseconds and stored in UTC so the hash survives a database round trip.
        event = AuditEvent(
            seq=seq,
            occurred_at=timezone.now().astimezone(dt.UTC),
            actor_id=actor_user.pk if actor_user else None,
            actor_name=(actor_user.get_username() if actor_user else str(actor or ""))[:150],
            agency_ori=agency_ori,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:200],
            outcome=outcome,
            source_ip=ctx.source_ip,
            user_agent=ctx.user_agent[:300],
            request_id=ctx.request_id,
            purpose=purpose or ctx.purpose,
            extra=json.loads(json.dumps(extra or {}, default=str)),
            prev_hash=prev_hash,
        )
        event.hash = compute_hash(_event_values(event))
        event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"audit event #{self.seq} (id {self.event_id}): {self.reason}"


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _iter_events(batch: int = 5000) -> Iterator[AuditEvent]:
    last_seq = -(2**62)
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last_seq = rows[-1].seq


def verify_chain() -> VerifyResult:
    """Walk the chain in order; report the first event that was altered, removed or reordered."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for event in _iter_events():
        if event.seq != expected_seq:
            reason = (f"expected #{expected_seq} next but found #{event.seq}: events are missing"
                      if event.seq > expected_seq else "sequence number out of order")
            return VerifyResult(checked, ChainProblem(expected_seq, event.pk, reason))
        if event.prev_hash != prev_hash:
            return VerifyResult(checked, ChainProblem(
                event.seq, event.pk, "link to the previous event is broken (removed or reordered event)"))
        if compute_hash(_event_values(event)) != event.hash:
            return VerifyResult(checked, ChainProblem(event.seq, event.pk, "contents were altered"))
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    return VerifyResult(checked, None)
