"""Stops over the API at /api/v1/policing/stops: the list and record (kit), the three equity tables, and the
importer framework's operations under /imports."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from safecity.core.api_guard import requires
from safecity.core.importing.api import register as register_import
from safecity.core.kit.api import register
from safecity.core.roles import Module
from safecity.core.schemas import ErrorOut
from safecity.policing.imports_stops import STOPS as STOP_IMPORT
from safecity.policing.kit.stops import STOPS
from safecity.policing.schemas.stops import EquityQuery, EquityTableOut, StopOut

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
METHODS = {
    "rates": "stops, share of stops, search rate and arrest rate by race; 95% Wilson score intervals",
    "outcome": "outcome (hit-rate) test: contraband found / searches by race; 95% Wilson score intervals "
               "(Pierson et al. 2020, Nature Human Behaviour 4:736-745)",
    "veil": "veil of darkness: logit P(black) ~ dark + natural spline(clock minute, 6 df) [+ district fixed "
            "effects], vehicular stops in the inter-twilight window, sunset-dusk excluded (Pierson et al. 2020)",
}

stops_router = Router(tags=["policing"])
equity_router = Router(tags=["policing"])
imports_router = Router(tags=["imports"])


def _table(request: HttpRequest, q: EquityQuery, table: str) -> dict[str, Any]:
    from ninja.errors import ValidationError

    from safecity.policing import selectors
    from safecity.policing.views.stops import TABLES, equity_params

    form, params = equity_params({"district": q.district, "date_from": q.date_from or "",
                                  "date_to": q.date_to or ""}, request.user)
    if params is None:
        raise ValidationError([{"loc": ["query", name], "msg": " ".join(str(e) for e in errs)}
                               for name, errs in form.errors.items()])
    result = selectors.stop_equity(user=request.user, **params)
    columns, rows = TABLES[table](result)
    return {"district": params["district"], "date_from": params["start"], "date_to": params["end"],
            "stops": result.stops, "method": METHODS[table], "columns": columns, "rows": rows}


@equity_router.get("/rates", response={200: EquityTableOut, **ERRORS})
@requires(Module.POLICING)
def stop_equity_rates(request: HttpRequest, q: Query[EquityQuery]) -> Any:
    """Stops, shares, search and arrest rates by race with 95% CIs (one district or all)."""
    return _table(request, q, "rates")


@equity_router.get("/outcome", response={200: EquityTableOut, **ERRORS})
@requires(Module.POLICING)
def stop_equity_outcome(request: HttpRequest, q: Query[EquityQuery]) -> Any:
    """The outcome (hit-rate) test by race with 95% CIs."""
    return _table(request, q, "outcome")


@equity_router.get("/veil", response={200: EquityTableOut, **ERRORS})
@requires(Module.POLICING)
def stop_equity_veil(request: HttpRequest, q: Query[EquityQuery]) -> Any:
    """Veil-of-darkness estimates: all districts with and without district fixed effects, and each district."""
    return _table(request, q, "veil")


register_import(imports_router, STOP_IMPORT, url_prefix="/api/v1/policing/stops/imports",
                operation_prefix="safecity_policing_stops_import")
stops_router.add_router("/equity", equity_router)
stops_router.add_router("/imports", imports_router)
register(stops_router, STOPS, StopOut)
