"""Append to and verify the keyed (HMAC-SHA-256) audit chain.

Each event's `hash` is an HMAC under a key kept outside the database (`core.audit_keys`) over every stored
field, including the previous event's hash and the id of the signing key. Events written before keys existed
(`key_id` empty) are a *legacy prefix* hashed with plain SHA-256; they stay verifiable and are protected by the
first keyed event, which links to the last of them. Signed checkpoints outside the database
(`core.audit_checkpoints`) catch what a chain alone cannot: removal of its newest events.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from safecity.core import audit_keys, context, dbbusy
from safecity.core.actors import SYSTEM, Actor
from safecity.core.models import AuditEvent, User

GENESIS = "0" * 64
ROTATE_ACTION = "audit.key.rotate"
# Arbitrary constant key for PostgreSQL's transaction-scoped advisory lock that serializes appends.
_PG_LOCK_KEY = 7_233_616_271

HASHED_FIELDS = (
    "seq", "occurred_at", "actor_id", "actor_name", "agency_ori", "action", "object_type", "object_id",
    "object_repr", "outcome", "source_ip", "user_agent", "request_id", "purpose", "extra", "prev_hash",
)
# Every stored column but the surrogate `id` and `hash` itself (a test compares this with the model).
KEYED_FIELDS = (*HASHED_FIELDS, "key_id")
_MAC_LABEL = b"safecity audit event\n"


def _canonical(values: dict[str, Any], fields: tuple[str, ...] = HASHED_FIELDS) -> bytes:
    def norm(v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return v.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return v

    return json.dumps({k: norm(values[k]) for k in fields}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True, default=str).encode()


def compute_hash(values: dict[str, Any]) -> str:
    """The legacy, unkeyed hash: only for events written before the chain was keyed."""
    return hashlib.sha256(_canonical(values)).hexdigest()


def compute_mac(values: dict[str, Any], secret: bytes) -> str:
    """HMAC-SHA-256 under `secret` over every stored field of the event (KEYED_FIELDS)."""
    return hmac.new(secret, _MAC_LABEL + _canonical(values, KEYED_FIELDS), hashlib.sha256).hexdigest()


def event_values(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in KEYED_FIELDS}


def next_key_id(action: str, key_id: str, extra: Any) -> str:
    """The key the event after this one must be signed with: a rotation event hands over to the key it names."""
    if action == ROTATE_ACTION and key_id and isinstance(extra, dict):
        return str(extra.get("new_key_id") or "")
    return key_id


def _signing_key(last: Mapping[str, Any] | None) -> audit_keys.AuditKey:
    # The chain, not the configuration, decides the key once it has keyed events, so that a rotation takes
    # effect for every process at once and a silently swapped key cannot continue the chain.
    designated = next_key_id(last["action"], last["key_id"], last["extra"]) if last else ""
    return audit_keys.find_key(designated) if designated else audit_keys.configured_key()


def _lock_chain() -> None:
    # SQLite: the connection opens transactions with BEGIN IMMEDIATE, which already holds the write lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def record(
    *,
    action: str,
    actor: Actor | str | None = None,  # a string only for a claimed user name (failed sign-ins)
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
    actor_user = actor if isinstance(actor, User) and actor.is_authenticated else None
    with dbbusy.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash", "key_id", "action", "extra").first()
        seq, prev_hash = (last["seq"] + 1, last["hash"]) if last else (1, GENESIS)
        key = _signing_key(last)
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
            key_id=key.key_id,
        )
        event.hash = compute_mac(event_values(event), key.secret)
        event.save(force_insert=True)
    return event


def head_and_key() -> tuple[int, str, audit_keys.AuditKey]:
    """The newest event's sequence and hash (0 and GENESIS when empty) and the key that signs what follows."""
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash", "key_id", "action", "extra").first()
    return (last["seq"], last["hash"], _signing_key(last)) if last else (0, GENESIS, _signing_key(None))


def rotate_key(*, actor: Actor = SYSTEM) -> tuple[str, str]:
    """Start signing with a new key: a rotation event, signed with the current key, names the new key's id.

    The new key is written to the keyring first; if the transaction then fails, it is an unused key there.
    Returns (old key id, new key id).
    """
    with transaction.atomic():
        _lock_chain()
        new_key = audit_keys.add_new_key()
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash", "key_id", "action", "extra").first()
        old_key = _signing_key(last)
        record(action=ROTATE_ACTION, actor=actor, object_type="audit.key", object_id=new_key.key_id,
               extra={"old_key_id": old_key.key_id, "new_key_id": new_key.key_id})
    return old_key.key_id, new_key.key_id


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    event_id: int | None
    reason: str
    where: str = ""  # names a checkpoint or the table instead of an event

    def __str__(self) -> str:
        return f"{self.where or f'audit event #{self.seq} (id {self.event_id})'}: {self.reason}"


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    problem: ChainProblem | None
    legacy: int = 0
    checkpoints: int = 0

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


class _Configured(enum.Enum):
    CHECKPOINT_FILE = "the configured checkpoint file"


CONFIGURED = _Configured.CHECKPOINT_FILE


def _event_problem(event: AuditEvent, ring: dict[str, audit_keys.AuditKey], current: str,
                   seen_keyed: bool) -> str:
    """Why this event's own hash does not hold ("" when it does)."""
    if not event.key_id:
        if seen_keyed:
            return "unkeyed (legacy) event after keyed events: the chain was re-hashed without the key"
        return "" if hmac.compare_digest(compute_hash(event_values(event)), event.hash) else "contents were altered"
    key = ring.get(event.key_id)
    if key is None:
        return (f"signed with key {event.key_id}, which is not in the keyring (wrong or missing audit key; "
                "see docs/security.md)")
    if current and event.key_id != current:
        return f"signed with key {event.key_id}, but the chain's current key is {current} (no rotation recorded)"
    if not hmac.compare_digest(compute_mac(event_values(event), key.secret), event.hash):
        return "contents were altered (the HMAC does not match)"
    if event.action == ROTATE_ACTION and len(str((event.extra or {}).get("new_key_id", ""))) != 16:
        return "key rotation event does not name a new key id"
    return ""


def verify_chain(checkpoint_file: str | Path | _Configured | None = CONFIGURED) -> VerifyResult:
    """Walk the chain in order; report the first event that was altered, removed or reordered.

    Checkpoints are read from `checkpoint_file` (by default the configured checkpoint file, when it exists;
    None skips them): a bad signature, or a chain that is shorter than or differs from a checkpoint, fails.
    """
    from safecity.core import audit_checkpoints

    if checkpoint_file is CONFIGURED:
        configured = Path(settings.AUDIT_CHECKPOINT_FILE)
        checkpoint_file = configured if configured.exists() else None
    ring = audit_keys.keyring()
    expected: dict[int, list[audit_checkpoints.Labelled]] = {}
    count = 0
    if checkpoint_file is not None:
        loaded, bad = audit_checkpoints.load(Path(checkpoint_file), ring)
        if bad is not None:
            return VerifyResult(0, ChainProblem(0, None, bad.reason, where=bad.where))
        count = len(loaded)
        for item in loaded:
            expected.setdefault(item.checkpoint.seq, []).append(item)
    expected_seq, prev_hash, checked, legacy = 1, GENESIS, 0, 0
    current_key, seen_keyed = "", False
    for event in _iter_events():
        if event.seq != expected_seq:
            reason = (f"expected #{expected_seq} next but found #{event.seq}: events are missing"
                      if event.seq > expected_seq else "sequence number out of order")
            return VerifyResult(checked, ChainProblem(expected_seq, event.pk, reason), legacy, count)
        if event.prev_hash != prev_hash:
            return VerifyResult(checked, ChainProblem(
                event.seq, event.pk, "link to the previous event is broken (removed or reordered event)"),
                legacy, count)
        if reason := _event_problem(event, ring, current_key, seen_keyed):
            return VerifyResult(checked, ChainProblem(event.seq, event.pk, reason), legacy, count)
        for item in expected.pop(event.seq, []):
            if item.checkpoint.head != event.hash:
                return VerifyResult(checked, ChainProblem(event.seq, event.pk, (
                    f"event #{event.seq} differs from this checkpoint (the chain was rewritten from here or "
                    "before)"), where=item.where), legacy, count)
        if event.key_id:
            seen_keyed, current_key = True, next_key_id(event.action, event.key_id, event.extra)
        else:
            legacy += 1
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    for seq in sorted(expected):
        for item in expected[seq]:
            if seq == 0 and item.checkpoint.head == GENESIS:
                continue
            return VerifyResult(checked, ChainProblem(seq, None, (
                f"the chain ends at #{expected_seq - 1} but this checkpoint records #{seq}: "
                "the newest events were removed"), where=item.where), legacy, count)
    return VerifyResult(checked, None, legacy, count)


def missing_triggers() -> list[str]:
    """Names of the append-only triggers that are absent (or disabled) on the audit table."""
    from safecity.core.migrations import _audit_triggers

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'core_auditevent'::regclass "
                           "AND NOT tgisinternal AND tgenabled <> 'D'")
            expected = _audit_triggers.PG_TRIGGER_NAMES
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_auditevent'")
            expected = _audit_triggers.SQLITE_TRIGGER_NAMES
        else:
            return []
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in expected if name not in present]


def audit_table_exists() -> bool:
    try:
        return "core_auditevent" in connection.introspection.table_names()
    except DatabaseError:
        return False
