from safecity.policing.models.cameras import Camera, CameraAssignment, CameraStatus, EventKind, OfficerEvent, Recording
from safecity.policing.models.complaints import (
    Allegation,
    Complaint,
    ComplaintSource,
    ComplaintStatus,
    Finding,
)
from safecity.policing.models.eis import (
    EIFlag,
    EIFlagStep,
    FlagStatus,
    Intervention,
    Pursuit,
    PursuitOutcome,
)
from safecity.policing.models.force import Injury, UseOfForceIncident, UseOfForceOfficer, UseOfForceSubject
from safecity.policing.models.roster import Assignment, Officer, OfficerStatus, Rank, Unit
from safecity.policing.models.stops import (
    SearchBasis,
    Stop,
    StopImportBatch,
    StopImportRowError,
    StopOutcome,
    StopType,
    SubjectRace,
)

__all__ = [
    "Camera", "CameraAssignment", "CameraStatus", "EventKind", "OfficerEvent", "Recording",
    "Allegation", "Assignment", "Complaint", "ComplaintSource", "ComplaintStatus", "Finding", "Injury", "Officer",
    "OfficerStatus", "Rank", "SearchBasis", "Stop", "StopImportBatch", "StopImportRowError", "StopOutcome",
    "StopType", "SubjectRace", "Unit",
    "UseOfForceIncident", "UseOfForceOfficer", "UseOfForceSubject",
    "EIFlag", "EIFlagStep", "FlagStatus", "Intervention", "Pursuit", "PursuitOutcome",
]
