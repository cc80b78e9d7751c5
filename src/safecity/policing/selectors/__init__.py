"""Reads of policing records, one module per record family, each starting from `restrict(user, action)`:
hidden and unknown ids alike raise `DoesNotExist`. Other apps call `safecity.policing.selectors` only."""

from safecity.policing.selectors.roster import (
    assignment_history,
    officer_get,
    officer_list,
    unit_get,
    unit_list,
    unit_on,
)

__all__ = ["assignment_history", "officer_get", "officer_list", "unit_get", "unit_list", "unit_on"]
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
