"""Crime-analysis API: /api/v1/incidents/stats/… (CompStat, trends, upticks, hot spots, near repeat, firearm).

Each endpoint takes its analysis's parameter schema as the query and returns the analysis's result object;
the response schema is generated from that result (``incidents.schemas``), so the page, the CSV, the PDF
and this API show the same numbers under the same names. Every endpoint resolves the agency against what
the caller may see (unknown or invisible agency → 422 on ``agency``) and aggregates only
``Incident.objects.restrict(user, "view")``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from safecity.core.api_guard import requires
from safecity.core.roles import Module
from safecity.core.schemas import ErrorOut
from safecity.incidents import maps
from safecity.incidents.schemas import (
    CompstatQuery,
    FirearmQuery,
    HotspotQuery,
    NearRepeatQuery,
    TrendsQuery,
    UptickQuery,
    api_schema,
)
from safecity.incidents.stats.compstat import Compstat
from safecity.incidents.stats.firearm import Firearm
from safecity.incidents.stats.spatial import Hotspots, NearRepeat
from safecity.incidents.stats.trends import Trends
from safecity.incidents.stats.upticks import Upticks

router = Router(tags=["incident statistics"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/compstat", response={200: api_schema(Compstat), **ERRORS})
@requires(Module.INCIDENTS)
def compstat_api(request: HttpRequest, q: Query[CompstatQuery]) -> Any:
    return q.run(request.user)


@router.get("/trends", response={200: api_schema(Trends), **ERRORS})
@requires(Module.INCIDENTS)
def trends_api(request: HttpRequest, q: Query[TrendsQuery]) -> Any:
    return q.run(request.user)


@router.get("/upticks", response={200: api_schema(Upticks), **ERRORS})
@requires(Module.INCIDENTS)
def upticks_api(request: HttpRequest, q: Query[UptickQuery]) -> Any:
    return q.run(request.user)


@router.get("/hotspots", response={200: api_schema(Hotspots), **ERRORS})
@requires(Module.INCIDENTS)
def hotspots_api(request: HttpRequest, q: Query[HotspotQuery]) -> Any:
    return q.run(request.user)


class MapLayersOut(Schema):
    """GeoJSON FeatureCollections (WGS 84) for the interactive map; see docs/maps.md."""

    bbox: list[float] | None
    districts: dict[str, Any]
    beats: dict[str, Any]
    cells: dict[str, Any]
    incidents: dict[str, Any]
    incidents_total: int
    incidents_shown: int
    cell_m: int | None


@router.get("/hotspots/map", response={200: MapLayersOut, **ERRORS})
@requires(Module.INCIDENTS)
def hotspots_map_api(request: HttpRequest, q: Query[HotspotQuery]) -> Any:
    """The hot-spot analysis as map layers: Gi* grid cells, districts and beats with names, and the located
    incidents it counted (newest 5,000 at most; ``incidents_total`` says how many there were). The analysis comes
    through the result cache, so the page and its map share one computation."""
    scope, as_of = q.resolve(request.user)
    return maps.hotspot_layers(request.user, scope, q.category, q.result(request.user, scope, as_of))


@router.get("/near-repeat", response={200: api_schema(NearRepeat), **ERRORS})
@requires(Module.INCIDENTS)
def near_repeat_api(request: HttpRequest, q: Query[NearRepeatQuery]) -> Any:
    return q.run(request.user)


@router.get("/firearm-violence", response={200: api_schema(Firearm), **ERRORS})
@requires(Module.INCIDENTS)
def firearm_api(request: HttpRequest, q: Query[FirearmQuery]) -> Any:
    return q.run(request.user)
