"""Shared rate-limit counters (the default store; Redis replaces it when configured)."""

from __future__ import annotations

from django.db import models


class RateLimitCounter(models.Model):
    """Requests counted for one key in one fixed window. Written only by `core.ratelimit` with an atomic
    upsert (INSERT … ON CONFLICT DO UPDATE count = count + 1), so every worker process sees one count."""

    bucket = models.CharField(max_length=200, primary_key=True, help_text="key and window number")
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True, help_text="Unix time after which the row is stale.")

    def __str__(self) -> str:
        return f"{self.bucket}: {self.count}"
