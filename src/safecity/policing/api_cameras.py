"""Body-worn camera API: /api/v1/policing/cameras/ (devices, the activation report) and
/api/v1/policing/recordings/ (recordings, the purge-due list, and the importer framework's operations under
/imports).

No `from __future__ import annotations` here: ninja needs the real annotations."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from safecity.analytics.proportions import Proportion
from safecity.core.api_guard import requires
from safecity.core.importing.api import register as register_import
from safecity.core.kit.api import ERRORS, register
from safecity.core.pagination import Pagination
from safecity.core.roles import Module
from safecity.policing import selectors
from safecity.policing.forms.cameras import ActivationForm
from safecity.policing.importers_recordings import RECORDINGS_IMPORT
from safecity.policing.kit.cameras import CAMERAS, RECORDINGS
from safecity.policing.schemas.cameras import ActivationOut, ActivationQuery, CameraOut, RecordingOut

cameras_router = Router(tags=["policing"])
recordings_router = Router(tags=["policing"])


def _rate(group: str, p: Proportion) -> dict[str, Any]:
    d = p.to_dict()
    return {"group": group, "events": p.trials, "recorded": p.successes, "rate": d["value"],
            "ci_low": d["ci_low"], "ci_high": d["ci_high"]}


@cameras_router.get("/activation", response={200: ActivationOut, **ERRORS},
                    operation_id="safecity_policing_api_camera_activation")
@requires(Module.POLICING)
def camera_activation(request: HttpRequest, q: Query[ActivationQuery]) -> Any:
    """Activation compliance computed from events, camera assignments and recordings (Wilson 95% intervals)."""
    # the page's parameter form, so both refuse a unit the caller may not see (or dates out of order) alike
    form = ActivationForm({k: v for k, v in q.dict().items() if v not in (None, "")}, user=request.user)
    if not form.is_valid():
        raise ValidationError({k: " ".join(str(m) for m in v) for k, v in form.errors.items()})
    data = form.cleaned_data
    r = selectors.activation_report(user=request.user, date_from=data.get("date_from"), date_to=data.get("date_to"),
                                    unit=data.get("unit") or "", missed_limit=0)
    return {"window_before_minutes": r.rule.before_minutes, "window_after_minutes": r.rule.after_minutes,
            "default_event_minutes": r.rule.default_minutes, "overall": _rate("all", r.overall),
            "statuses": r.statuses, "by_unit": [_rate(x.label, x.rate) for x in r.by_unit],
            "by_month": [_rate(x.label, x.rate) for x in r.by_month],
            "by_kind": [_rate(x.label, x.rate) for x in r.by_kind],
            "by_officer": [_rate(x.label, x.rate) for x in r.by_officer]}


@recordings_router.get("/purge-due", response={200: list[RecordingOut], **ERRORS},
                       operation_id="safecity_policing_api_recording_purge_due")
@requires(Module.POLICING)
@paginate(Pagination, export_module=Module.POLICING, what="policing.recording")
def recording_purge_due(request: HttpRequest) -> Any:
    """Recordings past their retention date, not on legal hold and not purged."""
    return selectors.purge_due(user=request.user)


imports_router = Router(tags=["imports"])
register_import(imports_router, RECORDINGS_IMPORT, url_prefix="/api/v1/policing/recordings/imports",
                operation_prefix="safecity_policing_recordings_import")
recordings_router.add_router("/imports", imports_router)
register(cameras_router, CAMERAS, CameraOut)
register(recordings_router, RECORDINGS, RecordingOut)
