"""Map layers as GeoJSON (WGS 84): the hot-spot grid, districts and beats with their names, incident points.

The interactive map (``static/safecity/maps.js``, docs/maps.md) draws what this module returns. Every incident
point comes from the hot-spot analysis' own restricted queryset (``stats.spatial.period_incidents``, which
starts from ``restrict(user, "view")``), so the map shows exactly the incidents the list and the counts use,
sensitive labels included. Boundaries are published data and need no user.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from safecity.incidents.models import Incident, OffenseCode
from safecity.incidents.stats.scope import Scope
from safecity.incidents.stats.spatial import Hotspots, confidence, period_incidents

# Enough to show a year of violent crime in a city of Riverton's size; beyond it the newest are drawn and
# the answer says how many were left out (the table and the counts always use all of them).
MAX_MAP_POINTS = 5000

Feature = dict[str, Any]


def collection(features: list[Feature]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _label_point(area: Any) -> list[float]:
    """A point inside the polygon (a centroid can fall outside a concave district) for its name."""
    point = area.shape().representative_point()
    return [round(point.x, 6), round(point.y, 6)]


def area_features(areas: list[Any], kind: str) -> list[Feature]:
    features = []
    for area in areas:
        props: dict[str, Any] = {"kind": kind, "code": area.code, "name": area.name, "label": _label_point(area)}
        if kind == "beat" and getattr(area, "district", None) is not None:
            props["district"] = area.district.name
        features.append({"type": "Feature", "geometry": area.geometry, "properties": props})
    return features


def grid_features(result: Hotspots) -> list[Feature]:
    """Grid cells with any incident or a significant Gi* score, as lon/lat squares with count, z and level."""
    g = result.grid
    if g is None or not g.gi_z:
        return []
    counts: dict[int, int] = {}
    for x, y in zip(g.x, g.y, strict=True):
        col, row = math.floor((x - g.origin[0]) / g.cell_m), math.floor((y - g.origin[1]) / g.cell_m)
        if 0 <= col < g.n_cols and row >= 0:
            counts[row * g.n_cols + col] = counts.get(row * g.n_cols + col, 0) + 1
    features = []
    for idx, z in enumerate(g.gi_z):
        level = confidence(z) if math.isfinite(z) else ""
        if not level and not counts.get(idx):
            continue
        row, col = divmod(idx, g.n_cols)
        x0, y0 = g.origin[0] + col * g.cell_m, g.origin[1] + row * g.cell_m
        corners = [g.proj.lonlat(x0 + dx, y0 + dy) for dx, dy in
                   ((0, 0), (g.cell_m, 0), (g.cell_m, g.cell_m), (0, g.cell_m), (0, 0))]
        ring = [[round(lon, 6), round(lat, 6)] for lon, lat in corners]
        features.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                         "properties": {"kind": "cell", "count": counts.get(idx, 0),
                                        "z": round(z, 2) if math.isfinite(z) else None,
                                        "level": level or "not significant"}})
    return features


@dataclass(frozen=True)
class IncidentPoints:
    features: list[Feature]
    total: int


def incident_points(user: Any, scope: Scope, category: str, result: Hotspots) -> IncidentPoints:
    """The located incidents behind the analysis (newest first, at most MAX_MAP_POINTS), with popup text."""
    qs = period_incidents(user, scope, category, result.start, result.as_of)
    total = qs.count()
    rows = list(qs.order_by("-occurred_from").values(
        "public_id", "incident_number", "occurred_from", "primary_offense", "block_address", "longitude",
        "latitude", "is_shooting")[:MAX_MAP_POINTS])
    names = offense_names({r["primary_offense"] for r in rows})
    features = [point_feature(r, names) for r in rows]
    return IncidentPoints(features, total)


def offense_names(codes: set[str]) -> dict[str, str]:
    return dict(OffenseCode.objects.filter(code__in=codes).order_by("code").values_list("code", "name"))


def point_feature(row: Mapping[str, Any], names: dict[str, str]) -> Feature:
    code = row["primary_offense"]
    return {"type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(row["longitude"], 6), round(row["latitude"], 6)]},
            "properties": {"kind": "incident", "number": row["incident_number"],
                           "occurred": timezone.localtime(row["occurred_from"]).strftime("%Y-%m-%d %H:%M"),
                           "offense": f"{code} {names.get(code, '')}".strip(), "block": row["block_address"],
                           "shooting": bool(row["is_shooting"]),
                           "url": reverse("incidents:detail", args=[row["public_id"]])}}


def hotspot_layers(user: Any, scope: Scope, category: str, result: Hotspots) -> dict[str, Any]:
    districts = list(scope.areas("district"))
    beats = list(scope.areas("beat").select_related("district"))
    points = incident_points(user, scope, category, result)
    return {
        "bbox": bbox(districts + beats, points.features),
        "districts": collection(area_features(districts, "district")),
        "beats": collection(area_features(beats, "beat")),
        "cells": collection(grid_features(result)),
        "incidents": collection(points.features),
        "incidents_total": points.total,
        "incidents_shown": len(points.features),
        "cell_m": result.cell_m,
    }


def incident_layers(incident: Incident) -> dict[str, Any] | None:
    """The small map on an incident's page: its point and its district (None when it has no location)."""
    if incident.latitude is None or incident.longitude is None:
        return None
    districts = [incident.district] if incident.district is not None else []
    names = offense_names({incident.primary_offense})
    row = {"public_id": incident.public_id, "incident_number": incident.incident_number,
           "occurred_from": incident.occurred_from, "primary_offense": incident.primary_offense,
           "block_address": incident.block_address, "longitude": incident.longitude,
           "latitude": incident.latitude, "is_shooting": incident.is_shooting}
    point = point_feature(row, names)
    return {"bbox": bbox(districts, [point]), "districts": collection(area_features(districts, "district")),
            "beats": collection([]), "cells": collection([]), "incidents": collection([point]),
            "incidents_total": 1, "incidents_shown": 1, "cell_m": None}


def bbox(areas: list[Any], points: list[Feature]) -> list[float] | None:
    """West, south, east, north of the areas (or, with none, of the points)."""
    boxes = [(a.min_lon, a.min_lat, a.max_lon, a.max_lat) for a in areas]
    if not boxes:
        boxes = [(p["geometry"]["coordinates"][0], p["geometry"]["coordinates"][1]) * 2 for p in points]
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def basemap_config() -> dict[str, str]:
    """What the browser draws under the data: a served PMTiles file, the city's tile URL, the demo's generated
    streets, or nothing (districts and beats alone). See docs/maps.md."""
    from django.conf import settings
    from django.templatetags.static import static

    attribution = settings.BASEMAP_ATTRIBUTION
    if settings.BASEMAP_PMTILES:
        return {"kind": "pmtiles", "url": reverse("incidents:basemap"),
                "attribution": attribution or "© OpenStreetMap contributors"}
    if settings.BASEMAP_TILE_URL:
        vector = settings.BASEMAP_TILE_URL.split("?")[0].endswith((".pbf", ".mvt"))
        return {"kind": "vector" if vector else "raster", "url": settings.BASEMAP_TILE_URL,
                "attribution": attribution}
    if settings.DEMO_MODE:
        return {"kind": "geojson", "url": static("safecity/maps/riverton-streets.geojson"),
                "attribution": attribution or "Riverton demo streets (made up)"}
    return {"kind": "none", "url": "", "attribution": attribution}
