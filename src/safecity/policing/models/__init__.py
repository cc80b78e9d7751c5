from safecity.policing.models.complaints import (
    Allegation,
    Complainant,
    Complaint,
    ComplaintChannel,
    ComplaintComment,
    ComplaintEvent,
    ComplaintEventKind,
    ComplaintSource,
    ComplaintStatus,
    Finding,
)
from safecity.policing.models.force import Injury, UseOfForceIncident, UseOfForceOfficer, UseOfForceSubject
from safecity.policing.models.roster import Assignment, Officer, OfficerStatus, Rank, Unit
from safecity.policing.models.stops import SearchBasis, Stop, StopOutcome, StopType, SubjectRace

__all__ = [
    "Allegation", "Assignment", "Complainant", "Complaint", "ComplaintChannel", "ComplaintComment",
    "ComplaintEvent", "ComplaintEventKind", "ComplaintSource", "ComplaintStatus", "Finding", "Injury", "Officer",
    "OfficerStatus", "Rank", "SearchBasis", "Stop", "StopOutcome", "StopType", "SubjectRace", "Unit",
    "UseOfForceIncident", "UseOfForceOfficer", "UseOfForceSubject",
]
