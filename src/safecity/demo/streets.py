"""A small, made-up street layer for the demo city, so its maps have streets without any external tiles.

Deterministic (no random numbers): the committed file ``static/safecity/maps/riverton-streets.geojson`` is
this module's output, and a test checks that it still is. Regenerate it with
``python -m safecity.demo.streets > src/safecity/static/safecity/maps/riverton-streets.geojson``.
Nothing here describes a real place: it is a grid of streets, a river and three parks over Riverton's box.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from shapely.geometry import LineString, box

from safecity.demo.geography import EAST, NORTH, SOUTH, WEST, geojson

STREET_STEP_LON = 0.006  # about 510 m at Riverton's latitude
STREET_STEP_LAT = 0.005  # about 550 m
MAJOR_EVERY = 5
AVENUES = ["Oak", "Maple", "Cedar", "Elm", "Walnut", "Chestnut", "Locust", "Spruce", "Birch", "Willow",
           "Hickory", "Aspen", "Poplar", "Linden", "Sycamore", "Magnolia", "Juniper", "Hawthorn", "Alder", "Laurel"]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _feature(geometry: Any, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geojson(geometry), "properties": props}


def river_line() -> LineString:
    """A river meandering west to east across the south of the city (the Riverside district)."""
    points = []
    steps = 60
    for i in range(steps + 1):
        lon = WEST + (EAST - WEST) * i / steps
        lat = SOUTH + 0.045 + 0.012 * math.sin(i / steps * 3 * math.pi) + 0.02 * i / steps
        points.append((lon, lat))
    return LineString(points)


def street_layer() -> dict[str, Any]:
    features = [_feature(river_line().buffer(0.0025, quad_segs=2), kind="water", name="Riverton River")]
    parks = [("Founders Park", -89.64, 39.79), ("Prairie Park", -89.53, 39.83), ("Mill Park", -89.70, 39.76)]
    for name, lon, lat in parks:
        features.append(_feature(box(lon, lat, lon + 0.012, lat + 0.008), kind="park", name=name))
    n_cols = round((EAST - WEST) / STREET_STEP_LON)
    for i in range(1, n_cols):
        lon = round(WEST + i * STREET_STEP_LON, 6)
        major = i % MAJOR_EVERY == 0
        features.append(_feature(LineString([(lon, SOUTH), (lon, NORTH)]), kind="major" if major else "minor",
                                 name=f"{_ordinal(i)} Street"))
    n_rows = round((NORTH - SOUTH) / STREET_STEP_LAT)
    for j in range(1, n_rows):
        lat = round(SOUTH + j * STREET_STEP_LAT, 6)
        major = j % MAJOR_EVERY == 0
        name = AVENUES[(j - 1) % len(AVENUES)] + (" Boulevard" if major else " Avenue")
        features.append(_feature(LineString([(WEST, lat), (EAST, lat)]), kind="major" if major else "minor",
                                 name=name))
    # One diagonal highway, so the grid does not look like graph paper.
    features.append(_feature(LineString([(WEST, SOUTH + 0.02), (EAST, NORTH - 0.03)]), kind="highway",
                             name="Prairie Parkway"))
    return {"type": "FeatureCollection", "features": features}


def render() -> str:
    return json.dumps(street_layer(), separators=(",", ":")) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
