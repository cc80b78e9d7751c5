from safecity.policing.models.cameras import Camera, CameraAssignment, CameraStatus, EventKind, OfficerEvent, Recording
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
    "Allegation", "Assignment", "Camera", "CameraAssignment", "CameraStatus", "Complainant", "Complaint",
    "ComplaintChannel", "ComplaintComment", "ComplaintEvent", "ComplaintEventKind", "ComplaintSource",
    "ComplaintStatus", "EIFlag", "EIFlagStep", "EventKind", "Finding", "FlagStatus", "Injury", "Intervention",
    "Officer", "OfficerEvent", "OfficerStatus", "Pursuit", "PursuitOutcome", "Rank", "Recording", "SearchBasis",
    "Stop", "StopImportBatch", "StopImportRowError", "StopOutcome", "StopType", "SubjectRace", "Unit",
    "UseOfForceIncident", "UseOfForceOfficer", "UseOfForceSubject",
]
