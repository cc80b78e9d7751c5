from __future__ import annotations

from django.conf import settings
from django.db import models

from safecity.core.models import Agency


class ImportBatch(models.Model):
    """One run of an import: what file, how many rows went in, which were rejected."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    fmt = models.CharField(max_length=10)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=12, default="running")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.fmt} import of {self.file_name}"


class ImportRowError(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="errors")
    line = models.PositiveIntegerField()
    field = models.CharField(max_length=64, blank=True)
    value = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["batch", "line"]
