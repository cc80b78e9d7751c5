"""Body-worn cameras and recordings declared for the module kit."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from safecity.core.kit import Choice, Column, DateRange, RecordKit, Search, Text, agency_filter
from safecity.core.roles import Module
from safecity.policing import actions, selectors, vocab
from safecity.policing.forms.cameras import CameraCreateForm, CameraEditForm, LegalHoldForm
from safecity.policing.models import Camera, CameraStatus, Recording
from safecity.policing.retention import retention_until

YES_NO = (("yes", "Yes"), ("no", "No"))


def _holder(camera: Camera) -> str:
    current = camera.assignments.filter(ended__isnull=True).select_related("officer").first()
    if current is None:
        return "Not issued"
    o = current.officer
    return f"{o.last_name}, {o.first_name} ({o.badge_number})"


def _hold(qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
    return qs.filter(legal_hold=value == "yes")


def _purged(qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
    return qs.filter(purged_at__isnull=value != "yes")


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _officer(rec: Recording) -> str:
    return f"{rec.officer.last_name}, {rec.officer.first_name} ({rec.officer.badge_number})"


def _kept_until(rec: Recording) -> str:
    until = retention_until(rec.category, rec.started, rec.ended)
    return until.isoformat() if until else "Until a person decides"


CAMERAS = RecordKit(
    module=Module.POLICING,
    model=Camera,
    namespace="policing_cameras",
    noun="camera",
    plural="body-worn cameras",
    list_selector=selectors.camera_list,
    get_selector=selectors.camera_get,
    columns=(
        Column("serial", "Serial number", "serial", sort=("serial", "id"), link=True),
        Column("model", "Model", "model", sort=("model", "serial", "id")),
        Column("status", "Status", lambda c: c.get_status_display(), sort=("status", "serial", "id")),
        Column("holder", "Issued to", _holder),
        Column("agency", "Agency", "agency.ori", sort=("agency__ori", "serial", "id")),
    ),
    filters=(
        Choice("status", "Status", lookup="status", choices=CameraStatus.choices),
        agency_filter(Module.POLICING),
    ),
    search=Search("Serial number or model", ("serial", "model")),
    default_sort="serial",
    export_columns=(
        Column("agency", "Agency", "agency.ori"),
        Column("serial", "Serial number"),
        Column("model", "Model"),
        Column("status", "Status"),
    ),
    title=lambda c: f"Camera {c.serial}",
    create_form=CameraCreateForm,
    create_action=actions.camera_create,
    edit_form=CameraEditForm,
    update_action=actions.camera_update,
    detail_template="policing/camera_detail.html",
    api_id_param="camera_id",
    api_operation_prefix="safecity_policing_api",
)

RECORDINGS = RecordKit(
    module=Module.POLICING,
    model=Recording,
    namespace="policing_recordings",
    noun="recording",
    plural="camera recordings",
    list_selector=selectors.recording_list,
    get_selector=selectors.recording_get,
    columns=(
        Column("external_id", "Recording id", "external_id", sort=("external_id", "id"), link=True),
        Column("started", "Started", lambda r: _local(r.started), sort=("started", "id")),
        Column("minutes", "Minutes", lambda r: round((r.ended - r.started).total_seconds() / 60, 1)),
        Column("officer", "Officer", _officer, sort=("officer__last_name", "started", "id")),
        Column("category", "Category", lambda r: dict(vocab.RecordingCategory.choices).get(r.category, r.category),
               sort=("category", "started", "id")),
        Column("cad", "CAD / incident number", "cad_number"),
        Column("hold", "Legal hold", lambda r: "Yes" if r.legal_hold else "No"),
        Column("purged", "Purged", lambda r: _local(r.purged_at) or "No"),
    ),
    filters=(
        DateRange("date", "Recorded", lookup="started__date"),
        Choice("category", "Category", lookup="category", choices=vocab.RecordingCategory.choices),
        Choice("legal_hold", "On legal hold", apply=_hold, choices=YES_NO),
        Choice("purged", "Purged", apply=_purged, choices=YES_NO),
        Text("officer", "Officer employee id", lookup="officer__employee_id", max_length=30, more=True),
        agency_filter(Module.POLICING),
    ),
    search=Search("Recording id or CAD number", ("external_id", "cad_number")),
    default_sort="-started",
    export_columns=(
        Column("agency", "Agency", "agency.ori"),
        Column("external_id", "Recording id"),
        Column("officer", "Officer employee id", "officer.employee_id"),
        Column("camera", "Camera serial", "camera.serial"),
        Column("started", "Started", lambda r: timezone.localtime(r.started).isoformat()),
        Column("ended", "Ended", lambda r: timezone.localtime(r.ended).isoformat()),
        Column("category", "Category"),
        Column("cad_number", "CAD / incident number"),
        Column("legal_hold", "Legal hold"),
        Column("kept_until", "Kept until", _kept_until),
        Column("purged_at", "Purged at", lambda r: timezone.localtime(r.purged_at).isoformat() if r.purged_at else ""),
        Column("purged_by", "Purged by", "purged_by_name"),
    ),
    detail_fields=(
        Column("agency", "Agency", lambda r: f"{r.agency.name} ({r.agency.ori})"),
        Column("external_id", "Recording id"),
        Column("officer", "Officer", _officer),
        Column("camera", "Camera", "camera.serial"),
        Column("started", "Started", lambda r: _local(r.started)),
        Column("ended", "Ended", lambda r: _local(r.ended)),
        Column("category", "Category", lambda r: dict(vocab.RecordingCategory.choices).get(r.category, r.category)),
        Column("cad", "CAD / incident number", "cad_number"),
        Column("kept_until", "Kept until (retention schedule)", _kept_until),
        Column("hold", "Legal hold", lambda r: f"Yes — {r.legal_hold_reason}" if r.legal_hold else "No"),
        Column("purged", "Purged", lambda r: f"{_local(r.purged_at)} by {r.purged_by_name}" if r.purged_at else "No"),
    ),
    title=lambda r: f"Recording {r.external_id}",
    # the only hand edit of a recording is its legal hold; purging goes through the purge-due page
    edit_form=LegalHoldForm,
    update_action=actions.recording_legal_hold,
    api_id_param="recording_id",
    api_operation_prefix="safecity_policing_api",
    list_template="policing/recording_list.html",
)
