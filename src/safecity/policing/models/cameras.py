"""Body-worn cameras: devices, who wore which when, recordings' metadata, and which officer was at which event.

Activation compliance is computed from these rows (`policing/compliance.py`): an event an officer attended
(`OfficerEvent`) while a camera was assigned to them (`CameraAssignment`) is compliant when one of their
recordings (`Recording`) overlaps the event's window. Nobody reports compliance by hand.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from safecity.core.importing.models import ImportBatchBase, ImportRowErrorBase
from safecity.core.models import Agency, ProtectedModel
from safecity.policing.models.force import UseOfForceIncident
from safecity.policing.models.roster import Officer
from safecity.policing.models.stops import Stop


class CameraStatus(models.TextChoices):
    IN_SERVICE = "in_service", "In service"
    SPARE = "spare", "Spare"
    REPAIR = "repair", "In repair"
    RETIRED = "retired", "Retired"


class Camera(ProtectedModel):
    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cameras")
    serial = models.CharField(max_length=40)
    model = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=12, choices=CameraStatus.choices, default=CameraStatus.IN_SERVICE)

    class Meta:
        ordering = ["agency", "serial"]
        constraints = [models.UniqueConstraint(fields=["agency", "serial"], name="uniq_camera_serial")]

    def __str__(self) -> str:
        return f"Camera {self.serial}"


class CameraAssignment(ProtectedModel):
    """A camera issued to an officer from `started` until `ended` (null while it lasts)."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="assignments")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="camera_assignments")
    started = models.DateTimeField()
    ended = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["camera", "-started"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ended__isnull=True) | models.Q(ended__gt=models.F("started")),
                                   name="camera_assignment_ends_after_start"),
        ]


class RecordingImportBatch(ImportBatchBase):
    """One run of `safecity import recordings` (fields, statuses, heartbeat: `core.importing.models`)."""

    safecity_module: ClassVar[str] = "policing"
    record_type: ClassVar[str] = "recordings"


class RecordingImportRowError(ImportRowErrorBase):
    batch = models.ForeignKey(RecordingImportBatch, on_delete=models.CASCADE, related_name="errors")


class Recording(ProtectedModel):
    """One recording's metadata (never the video). `purged_at` is set by the audited purge action only."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="recordings")
    camera = models.ForeignKey(Camera, null=True, blank=True, on_delete=models.SET_NULL, related_name="recordings")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="recordings")
    external_id = models.CharField(max_length=60, help_text="The evidence system's id of the recording.")
    started = models.DateTimeField()
    ended = models.DateTimeField()
    category = models.CharField(max_length=30, help_text="Retention category (the rule pack's key).")
    cad_number = models.CharField(max_length=40, blank=True, help_text="Linked CAD / incident number, if any.")
    legal_hold = models.BooleanField(default=False)
    legal_hold_reason = models.CharField(max_length=200, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    purged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    purged_by_name = models.CharField(max_length=150, blank=True, help_text="Who purged it (user or system actor).")
    import_batch = models.ForeignKey(RecordingImportBatch, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", db_index=False)

    class Meta:
        ordering = ["-started"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "external_id"], name="uniq_recording_external_id"),
            models.CheckConstraint(condition=models.Q(ended__gte=models.F("started")),
                                   name="recording_ends_after_start"),
        ]
        indexes = [models.Index(fields=["agency", "officer", "started"], name="recording_officer_started")]

    def __str__(self) -> str:
        return f"Recording {self.external_id}"


class EventKind(models.TextChoices):
    INCIDENT = "incident", "Incident / call"
    STOP = "stop", "Stop"
    FORCE = "force", "Use of force"


class OfficerEvent(ProtectedModel):
    """An officer at an event (a dispatch link): which officer was at which incident, stop or use of force.

    `on_scene_from`/`on_scene_to` are the officer's own times when known (from CAD); when `on_scene_from` is
    empty the event's own time is used (the incident's start, the stop's date and time, the force incident's
    time), and an event with no time at all cannot be assessed for camera activation."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", db_index=False)
    stop = models.ForeignKey(Stop, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False)
    force_incident = models.ForeignKey(UseOfForceIncident, null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="officer_events", db_index=False)
    on_scene_from = models.DateTimeField(null=True, blank=True)
    on_scene_to = models.DateTimeField(null=True, blank=True)
    on_duty = models.BooleanField(default=True)

    class Meta:
        ordering = ["officer", "on_scene_from"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="incident", incident__isnull=False, stop__isnull=True,
                                    force_incident__isnull=True)
                           | models.Q(kind="stop", stop__isnull=False, incident__isnull=True,
                                      force_incident__isnull=True)
                           | models.Q(kind="force", force_incident__isnull=False, incident__isnull=True,
                                      stop__isnull=True)),
                name="officer_event_links_one_record_of_its_kind"),
            models.UniqueConstraint(fields=["officer", "incident"], name="uniq_officer_event_incident"),
            models.UniqueConstraint(fields=["officer", "stop"], name="uniq_officer_event_stop"),
            models.UniqueConstraint(fields=["officer", "force_incident"], name="uniq_officer_event_force"),
        ]
