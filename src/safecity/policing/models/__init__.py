from safecity.policing.models.complaints import (
    Allegation,
    Complaint,
    ComplaintSource,
    ComplaintStatus,
    Finding,
)
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
from safecity.policing.models.stops import SearchBasis, Stop, StopOutcome, StopType, SubjectRace
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
    "Allegation", "Assignment", "Complaint", "ComplaintSource", "ComplaintStatus", "Finding", "Injury", "Officer",
    "OfficerStatus", "Rank", "SearchBasis", "Stop", "StopOutcome", "StopType", "SubjectRace", "Unit",
    "UseOfForceIncident", "UseOfForceOfficer", "UseOfForceSubject",
    "RosterImportBatch", "RosterImportRowError",
    "Attendance", "Course", "Delivery", "Topic", "TrainingImportBatch", "TrainingImportRowError", "TrainingSession",
]
