from safecity.policing.models.complaints import (
    Allegation,
    Complaint,
    ComplaintSource,
    ComplaintStatus,
    Finding,
)
from safecity.policing.models.force import Injury, UseOfForceIncident, UseOfForceOfficer, UseOfForceSubject
from safecity.policing.models.roster import Assignment, Officer, OfficerStatus, Rank, Unit
from safecity.policing.models.stops import SearchBasis, Stop, StopOutcome, StopType, SubjectRace

__all__ = [
    "Allegation", "Assignment", "Complaint", "ComplaintSource", "ComplaintStatus", "Finding", "Injury", "Officer",
    "OfficerStatus", "Rank", "SearchBasis", "Stop", "StopOutcome", "StopType", "SubjectRace", "Unit",
    "UseOfForceIncident", "UseOfForceOfficer", "UseOfForceSubject",
]
from safecity.policing.models.community import (  # noqa: E402
    ConcernCategory,
    CountSource,
    FollowUp,
    FollowUpStatus,
    Meeting,
    MeetingConcern,
    ProblemProject,
    ProjectActivity,
    ProjectStatus,
    SurveyImportBatch,
    SurveyImportRowError,
    SurveyItem,
    SurveyMethod,
    SurveyResult,
    SurveyWave,
)

__all__ += [
    "ConcernCategory", "CountSource", "FollowUp", "FollowUpStatus", "Meeting", "MeetingConcern", "ProblemProject",
    "ProjectActivity", "ProjectStatus", "SurveyImportBatch", "SurveyImportRowError", "SurveyItem", "SurveyMethod",
    "SurveyResult", "SurveyWave",
]
