from safecity.incidents.models.codes import CodeTableVersion, OffenseCode
from safecity.incidents.models.imports import ImportBatch, ImportRowError
from safecity.incidents.models.incident import Arrestee, Incident, Offender, Offense, Property, Victim

__all__ = [
    "Arrestee",
    "CodeTableVersion",
    "ImportBatch",
    "ImportRowError",
    "Incident",
    "Offender",
    "Offense",
    "OffenseCode",
    "Property",
    "Victim",
]
