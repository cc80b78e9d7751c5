"""The shape every app's import batch takes: an abstract model, so each app keeps its own table.

Why one table per app rather than one shared table in core (see docs/architecture.md, "The importer
framework"): `RestrictedQuerySet.restrict()` reads the module from the model class (`safecity_module`),
so a batch table per module is restricted by the one SQL filter every other record uses; a shared table
would need a per-row module and a second visibility rule. Records point at their batch with a plain foreign
key inside their own app (`Incident.import_batch`), and the existing incident batches stay where they are.
The fields, statuses, heartbeat rule, report folder and the batch actions (`core.importing.actions`) are
shared, so the pages, the API and the command line treat every app's batches alike.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from safecity.core.models import Agency, RestrictedQuerySet


def stale_before(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(minutes=settings.IMPORT_STALE_MINUTES)


class ImportBatchBase(models.Model):
    """One run of an import: what file, how many rows went in, which were rejected.

    Subclasses set `safecity_module` and are read only through their app's selectors (restricted: a batch
    is shown to those who may see that module's records of its agency; it carries no labels of its own).
    """

    safecity_module: ClassVar[str] = ""
    agency_field: ClassVar[str] = "agency"
    record_type: ClassVar[str] = ""  # the registered record type, names the report folder

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
    # Written while the run works (every batch commit and every IMPORT_HEARTBEAT_SECONDS): a `running`
    # batch whose heartbeat is older than IMPORT_STALE_MINUTES was killed and is shown as interrupted.
    heartbeat = models.DateTimeField(null=True, blank=True)
    # Every error found, also those past the IMPORT_MAX_STORED_ERRORS rows kept in the error table.
    errors_total = models.PositiveIntegerField(default=0)
    rerun_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns",
                                 help_text="The interrupted import of the same file that this run repeats.")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.fmt} import of {self.file_name}"

    @property
    def is_interrupted(self) -> bool:
        if self.status == "interrupted":
            return True
        if self.status != "running":
            return False
        last = self.heartbeat or self.started_at
        return last is not None and last < stale_before()

    @property
    def shown_status(self) -> str:
        """The status to show: a `running` batch that stopped beating was killed."""
        return "interrupted" if self.is_interrupted else self.status

    @property
    def folder(self) -> Path:
        return batch_folder(self.pk, self.record_type)

    @property
    def report_path(self) -> Path:
        """The full error report (every rejected row), kept when there were more errors than rows stored."""
        return self.folder / "errors.csv"


def batch_folder(batch_id: int, record_type: str = "incidents") -> Path:
    # Incident batches keep the folder they always had; other record types get their own, since batch ids
    # are per table and would collide.
    root = Path(settings.IMPORT_DIR) / "batches"
    return root / str(batch_id) if record_type in ("", "incidents") else root / record_type / str(batch_id)


class ImportRowErrorBase(models.Model):
    """A rejected row as stored (at most IMPORT_MAX_STORED_ERRORS per batch); subclasses add `batch`, a foreign
    key to their batch model with related_name="errors"."""

    line = models.PositiveIntegerField()
    field = models.CharField(max_length=64, blank=True)
    value = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=300)

    class Meta:
        abstract = True
        ordering = ["batch", "line"]
