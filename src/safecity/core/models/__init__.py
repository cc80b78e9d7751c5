from safecity.core.models.agency import Agency, AgencyPopulation, AgencyType
from safecity.core.models.audit import AuditEvent, ObjectChange
from safecity.core.models.base import ProtectedModel, RestrictedQuerySet
from safecity.core.models.dataversion import AgencyDataVersion
from safecity.core.models.geography import Beat, District
from safecity.core.models.ratelimit import RateLimitCounter
from safecity.core.models.users import Affiliation, ApiToken, LoginFailure, RoleAssignment, TokenOrigin, User

__all__ = [
    "Affiliation",
    "Agency",
    "AgencyDataVersion",
    "AgencyPopulation",
    "AgencyType",
    "ApiToken",
    "AuditEvent",
    "Beat",
    "District",
    "LoginFailure",
    "ObjectChange",
    "ProtectedModel",
    "RateLimitCounter",
    "RestrictedQuerySet",
    "RoleAssignment",
    "TokenOrigin",
    "User",
]
