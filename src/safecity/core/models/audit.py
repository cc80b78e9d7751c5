"""Append-only, hash-chained audit events and before/after change history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditEvent(models.Model):
    """One audited event. Rows are never updated or deleted (a database trigger refuses it).

    `hash` = HMAC-SHA-256, under a key kept outside the database, over the canonical form of every stored
    field (the previous event's hash and `key_id` included), so altering, removing or reordering any row breaks
    every later link, and nobody without the key can recompute them (see `safecity.core.audit.verify_chain`).
    `key_id` names the signing key by a fingerprint; an `audit.key.rotate` event hands over to the next key.
    Events from before the chain was keyed have an empty `key_id` and a plain SHA-256 `hash` (a legacy prefix,
    protected by the first keyed event's link). Signed checkpoints outside the database catch truncation.
    """

    seq = models.BigIntegerField(unique=True, help_text="Position in the chain, from 1 without gaps.")
    occurred_at = models.DateTimeField(db_index=True, help_text="UTC, to the microsecond.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    agency_ori = models.CharField(max_length=9, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=16, default="success")
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=16, blank=True, default="",
                              help_text="Fingerprint of the audit key that signed this event; empty for legacy events.")

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome}"


class ObjectChange(models.Model):
    """Before/after values of one change to a domain record, linked to the audit event that recorded it."""

    event = models.ForeignKey(AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="changes")
    time = models.DateTimeField()
    actor_name = models.CharField(max_length=150, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=[("create", "Created"), ("update", "Updated"),
                                                      ("delete", "Deleted")])
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def diff(self) -> list[tuple[str, Any, Any]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
