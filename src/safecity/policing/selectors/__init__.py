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
from safecity.policing.selectors.community import (  # noqa: E402
    activity_list,
    concern_list,
    dashboard_community,
    followup_get,
    followup_list,
    meeting_get,
    meeting_list,
    project_assessment,
    project_get,
    project_list,
    survey_result_list,
    survey_series,
    wave_get,
    wave_list,
)

__all__ += [
    "activity_list", "concern_list", "dashboard_community", "followup_get", "followup_list", "meeting_get",
    "meeting_list", "project_assessment", "project_get", "project_list", "survey_result_list", "survey_series",
    "wave_get", "wave_list",
]
