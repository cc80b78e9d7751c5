
from safecity.policing.models.cameras import (
    Camera,
    CameraAssignment,
    CameraStatus,
    EventKind,
    OfficerEvent,
    Recording,
    RecordingImportBatch,
    RecordingImportRowError,
)
from safecity.policing.models.complaints import (
    Allegation,
    Complainant,
    Complaint,
    ComplaintChannel,
    ComplaintComment,
    ComplaintEvent,
    ComplaintEventKind,
    ComplaintImportBatch,
    ComplaintImportRowError,
    ComplaintSource,
    ComplaintStatus,
    Finding,
)
from safecity.policing.models.eis import EIFlag, EIFlagStep, FlagStatus, Intervention, Pursuit, PursuitOutcome
from safecity.policing.models.force import Injury, UseOfForceIncident, UseOfForceOfficer, UseOfForceSubject
from safecity.policing.models.roster import (
    Assignment,
    Officer,
    OfficerStatus,
    Rank,
    RosterImportBatch,
    RosterImportRowError,
    Unit,
)
from safecity.policing.models.stops import (
    SearchBasis,
    Stop,
    StopImportBatch,
    StopImportRowError,
    StopOutcome,
    StopType,
    SubjectRace,
)
from safecity.policing.models.training import (
    Attendance,
    Course,
    Delivery,
    Topic,
    TrainingImportBatch,
    TrainingImportRowError,
    TrainingSession,
)

__all__ = [
    "Allegation", "Assignment", "Attendance", "Camera", "CameraAssignment", "CameraStatus", "Complainant",
    "Complaint", "ComplaintChannel", "ComplaintComment", "ComplaintEvent", "ComplaintEventKind", "ComplaintSource",
    "ComplaintStatus", "Course", "Delivery", "EIFlag", "EIFlagStep", "EventKind", "Finding", "FlagStatus",
    "Injury", "Intervention", "Officer", "OfficerEvent", "OfficerStatus", "Pursuit", "PursuitOutcome", "Rank",
    "Recording", "RosterImportBatch", "RosterImportRowError", "SearchBasis", "Stop", "StopImportBatch",
    "StopImportRowError", "StopOutcome", "StopType", "SubjectRace", "Topic", "TrainingImportBatch",
    "TrainingImportRowError", "TrainingSession", "Unit", "UseOfForceIncident", "UseOfForceOfficer",
    "UseOfForceSubject",
]
__all__ += ["ComplaintImportBatch", "ComplaintImportRowError", "RecordingImportBatch", "RecordingImportRowError"]
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
