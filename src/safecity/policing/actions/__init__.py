"""Writes to policing records, one module per record family; every write is an audited action
(`core.actions.audited`): permission, change, audit event and before/after history in one transaction.
Other apps call `safecity.policing.actions` only."""

from safecity.policing.actions.roster import assignment_start, officer_create, officer_update, unit_create

__all__ = ["assignment_start", "officer_create", "officer_update", "unit_create"]
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
