"""Reads of policing records, one module per record family, each starting from `restrict(user, action)`:
hidden and unknown ids alike raise `DoesNotExist`. Other apps call `safecity.policing.selectors` only."""

from safecity.policing.selectors.cameras import (
    camera_assignments,
    camera_get,
    camera_list,
    compliance_report,
    dashboard_cameras,
    purge_due,
    recording_get,
    recording_list,
    window_rule,
)
from safecity.policing.selectors.force import (
    dashboard_force,
    fbi_month,
    force_incident_get,
    force_incident_list,
    officer_by_number,
    public_summary,
)
from safecity.policing.selectors.roster import (
    assignment_history,
    officer_get,
    officer_list,
    unit_get,
    unit_list,
    unit_on,
)
from safecity.policing.selectors.stops import (
    dashboard_stops,
    officer_ids_by_employee_id,
    stop_equity,
    stop_get,
    stop_import_batch_list,
    stop_list,
)

__all__ = ["assignment_history", "officer_get", "officer_list", "unit_get", "unit_list", "unit_on"]
from safecity.policing.selectors.eis import (  # noqa: E402
    can_see_flags,
    dashboard_eis,
    default_evaluation_as_of,
    ei_agencies,
    ei_data,
    ei_evaluation,
    ei_rules,
    ei_score,
    eiflag_get,
    eiflag_list,
    eiflag_steps,
    indicator_table,
    pursuit_get,
    pursuit_list,
)

__all__ += [
    "can_see_flags", "dashboard_eis", "default_evaluation_as_of", "ei_agencies", "ei_data", "ei_evaluation",
    "ei_rules", "ei_score", "eiflag_get", "eiflag_list", "eiflag_steps", "indicator_table", "pursuit_get",
    "pursuit_list",
]
__all__ += ["camera_assignments", "camera_get", "camera_list", "compliance_report", "dashboard_cameras",
            "dashboard_force", "fbi_month", "force_incident_get", "force_incident_list", "officer_by_number",
            "public_summary", "purge_due", "recording_get", "recording_list", "window_rule"]
__all__ = ["assignment_history", "officer_get", "officer_list", "unit_get", "unit_list", "unit_on",
           "dashboard_stops", "officer_ids_by_employee_id", "stop_equity", "stop_get", "stop_import_batch_list",
           "stop_list"]
from safecity.policing.selectors.complaints import (  # noqa: E402  (each area adds its block at the end)
    ComplaintAggregate,
    ComplaintsTile,
    StatusReply,
    accused_officers,
    allegation_get,
    allegations_for,
    can_comment,
    can_read_complaints,
    comments_for,
    complainant_for,
    complaint_aggregate,
    complaint_get,
    complaint_list,
    complaint_status,
    dashboard_complaints,
    due_soon,
    investigators,
    is_accused,
    overdue,
    summary_for,
    timeline_for,
)

__all__ += [
    "ComplaintAggregate", "ComplaintsTile", "StatusReply", "accused_officers", "allegation_get", "allegations_for",
    "can_comment", "can_read_complaints", "comments_for", "complainant_for", "complaint_aggregate", "complaint_get",
    "complaint_list", "complaint_status", "dashboard_complaints", "due_soon", "investigators", "is_accused",
    "overdue", "summary_for", "timeline_for",
]
