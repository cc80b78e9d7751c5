"""The policing API at /api/v1/policing/ (the roster today; each record type adds its routes here)."""

from ninja import Router

from safecity.core.kit.api import register
from safecity.policing.api_stops import stops_router
from safecity.policing.kit import OFFICERS
from safecity.policing.schemas.roster import OfficerOut

router = Router(tags=["policing"])
officers_router = Router(tags=["policing"])
register(officers_router, OFFICERS, OfficerOut)
router.add_router("/officers", officers_router)
from safecity.policing.api_eis import eis_router  # noqa: E402

router.add_router("/eis", eis_router)

from safecity.policing.api_cameras import cameras_router, recordings_router  # noqa: E402
from safecity.policing.api_force import force_router  # noqa: E402

router.add_router("/force", force_router)
router.add_router("/cameras", cameras_router)
router.add_router("/recordings", recordings_router)
router.add_router("/stops", stops_router)
from safecity.policing.api_complaints import complaints_router  # noqa: E402

router.add_router("/complaints", complaints_router)
from safecity.policing.api_training import roster_imports_router, units_router  # noqa: E402
from safecity.policing.api_training import router as training_router  # noqa: E402

router.add_router("/training", training_router)
router.add_router("/units", units_router)
router.add_router("/roster-imports", roster_imports_router)

from safecity.policing.api_community import community_router  # noqa: E402

router.add_router("/community", community_router)
