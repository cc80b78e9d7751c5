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
)
from safecity.policing.actions.force import (
    force_incident_create,
    force_incident_update,
    force_incidents_bulk_create,
    is_fbi_reportable,
)
from safecity.policing.actions.roster import assignment_start, officer_create, officer_update, unit_create
from safecity.policing.actions.stops import stop_bulk_create

__all__ = ["assignment_start", "officer_create", "officer_update", "unit_create"]
from safecity.policing.actions.eis import (  # noqa: E402
    ei_run,
    eiflag_assign,
    eiflag_follow_up,
    eiflag_intervene,
    pursuit_create,
)

__all__ += ["ei_run", "eiflag_assign", "eiflag_follow_up", "eiflag_intervene", "pursuit_create"]
__all__ += ["camera_assign", "camera_create", "camera_update", "cameras_bulk_create", "force_incident_create",
            "force_incident_update", "force_incidents_bulk_create", "is_fbi_reportable", "officer_event_create",
            "officer_events_bulk_create", "recording_create", "recording_legal_hold", "recording_purge",
            "recordings_bulk_create"]
__all__ = ["assignment_start", "officer_create", "officer_update", "unit_create",
           "stop_bulk_create"]
from safecity.policing.actions.complaints import (  # noqa: E402  (each area adds its block at the end)
    AllegationIn,
    ComplainantIn,
    ComplaintIn,
    InvalidTransition,
    allegation_finding_set,
    complaint_comment,
    complaint_create,
    complaint_extend,
    complaint_transition,
    complaints_bulk_load,
)

__all__ += [
    "AllegationIn", "ComplainantIn", "ComplaintIn", "InvalidTransition", "allegation_finding_set",
    "complaint_comment", "complaint_create", "complaint_extend", "complaint_transition", "complaints_bulk_load",
]
