"""Writes to policing records, one module per record family; every write is an audited action
(`core.actions.audited`): permission, change, audit event and before/after history in one transaction.
Other apps call `safecity.policing.actions` only."""

from safecity.policing.actions.cameras import (
    camera_assign,
    camera_create,
    camera_update,
    cameras_bulk_create,
    officer_event_create,
    officer_events_bulk_create,
    recording_create,
    recording_legal_hold,
    recording_purge,
    recordings_bulk_create,
    recordings_import,
)
from safecity.policing.actions.community import (
    activity_add,
    concern_add,
    followup_add,
    followup_update,
    meeting_create,
    meeting_update,
    project_advance,
    project_create,
    project_set_assessment,
    project_update,
    survey_result_set,
    wave_create,
    wave_update,
)
from safecity.policing.actions.complaints import (
    LOCATION_MAX,
    SUMMARY_MAX,
    AllegationIn,
    ComplainantIn,
    ComplaintIn,
    ImportedAllegation,
    ImportedComplaint,
    InvalidTransition,
    allegation_finding_set,
    complaint_comment,
    complaint_create,
    complaint_extend,
    complaint_transition,
    complaints_bulk_load,
    complaints_import,
)
from safecity.policing.actions.eis import ei_run, eiflag_assign, eiflag_follow_up, eiflag_intervene, pursuit_create
from safecity.policing.actions.force import (
    force_incident_create,
    force_incident_update,
    force_incidents_bulk_create,
    is_fbi_reportable,
)
from safecity.policing.actions.roster import assignment_start, officer_create, officer_update, unit_create
from safecity.policing.actions.stops import stop_bulk_create
from safecity.policing.actions.training import (
    AttendanceRow,
    attendance_bulk_record,
    attendance_record,
    course_create,
    course_update,
    session_bulk_create,
    session_create,
)

__all__ = [
    "LOCATION_MAX", "SUMMARY_MAX", "ImportedAllegation", "ImportedComplaint", "complaints_import",
    "recordings_import",
    "AllegationIn", "AttendanceRow", "ComplainantIn", "ComplaintIn", "InvalidTransition", "activity_add",
    "allegation_finding_set", "assignment_start", "attendance_bulk_record", "attendance_record", "camera_assign",
    "camera_create", "camera_update", "cameras_bulk_create", "complaint_comment", "complaint_create",
    "complaint_extend", "complaint_transition", "complaints_bulk_load", "concern_add", "course_create",
    "course_update", "ei_run", "eiflag_assign", "eiflag_follow_up", "eiflag_intervene", "followup_add",
    "followup_update", "force_incident_create", "force_incident_update", "force_incidents_bulk_create",
    "is_fbi_reportable", "meeting_create", "meeting_update", "officer_create", "officer_event_create",
    "officer_events_bulk_create", "officer_update", "project_advance", "project_create", "project_set_assessment",
    "project_update", "pursuit_create", "recording_create", "recording_legal_hold", "recording_purge",
    "recordings_bulk_create", "session_bulk_create", "session_create", "stop_bulk_create", "survey_result_set",
    "unit_create", "wave_create", "wave_update",
]
