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
from safecity.policing.selectors.training import (  # noqa: E402
    ComplianceQuery,
    ComplianceReport,
    OfficerCompliance,
    TrainingTile,
    attendance_get,
    attendance_list,
    compliance_query,
    compliance_report,
    compliance_rows,
    course_get,
    course_list,
    dashboard_training,
    officer_training,
    session_list,
)

__all__ += ["ComplianceQuery", "ComplianceReport", "OfficerCompliance", "TrainingTile", "attendance_get",
            "attendance_list", "compliance_query", "compliance_report", "compliance_rows", "course_get",
            "course_list", "dashboard_training", "officer_training", "session_list"]
