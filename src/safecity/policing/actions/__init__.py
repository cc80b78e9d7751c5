"""Writes to policing records, one module per record family; every write is an audited action
(`core.actions.audited`): permission, change, audit event and before/after history in one transaction.
Other apps call `safecity.policing.actions` only."""

from safecity.policing.actions.roster import assignment_start, officer_create, officer_update, unit_create

__all__ = ["assignment_start", "officer_create", "officer_update", "unit_create"]
from safecity.policing.actions.training import (  # noqa: E402
    AttendanceRow,
    attendance_bulk_record,
    attendance_record,
    course_create,
    course_update,
    session_bulk_create,
    session_create,
)

__all__ += ["AttendanceRow", "attendance_bulk_record", "attendance_record", "course_create", "course_update",
            "session_bulk_create", "session_create"]
