"""The policing API at /api/v1/policing/ (the roster today; each record type adds its routes here)."""

from ninja import Router

from safecity.core.kit.api import register
from safecity.policing.kit import OFFICERS
from safecity.policing.schemas.roster import OfficerOut

router = Router(tags=["policing"])
officers_router = Router(tags=["policing"])
register(officers_router, OFFICERS, OfficerOut)
router.add_router("/officers", officers_router)

from safecity.policing.api_community import community_router  # noqa: E402

router.add_router("/community", community_router)
