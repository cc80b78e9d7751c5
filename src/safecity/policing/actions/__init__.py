"""Writes to policing records, one module per record family; every write is an audited action
(`core.actions.audited`): permission, change, audit event and before/after history in one transaction.
Other apps call `safecity.policing.actions` only."""

from safecity.policing.actions.roster import assignment_start, officer_create, officer_update, unit_create

__all__ = ["assignment_start", "officer_create", "officer_update", "unit_create"]
from safecity.policing.actions.community import (  # noqa: E402
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

__all__ += [
    "activity_add", "concern_add", "followup_add", "followup_update", "meeting_create", "meeting_update",
    "project_advance", "project_create", "project_set_assessment", "project_update", "survey_result_set",
    "wave_create", "wave_update",
]
