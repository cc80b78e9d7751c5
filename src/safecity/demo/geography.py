"""Synthetic geography for the demo city: 30 beats on a jittered grid, grouped into 5 districts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from shapely.geometry import Polygon, mapping
from shapely.ops import unary_union

# A fictional city placed on real-looking coordinates (WGS 84); nothing here describes a real place.
WEST, EAST, SOUTH, NORTH = -89.75, -89.45, 39.68, 39.88
COLS, ROWS = 6, 5
DISTRICT_NAMES = ["Central", "Northside", "Riverside", "Eastgate", "Southfield"]


@dataclass(frozen=True)
class BeatShape:
    code: str
    district_index: int
    polygon: Polygon
    population: int


def build_geography(rng: random.Random, population: int) -> tuple[list[Polygon], list[BeatShape]]:
    dx, dy = (EAST - WEST) / COLS, (NORTH - SOUTH) / ROWS
    # Jitter interior grid vertices only, so the beats still tile the city exactly.
    vertices = [[(WEST + c * dx + (rng.uniform(-0.25, 0.25) * dx if 0 < c < COLS else 0),
                  SOUTH + r * dy + (rng.uniform(-0.25, 0.25) * dy if 0 < r < ROWS else 0))
                 for c in range(COLS + 1)] for r in range(ROWS + 1)]
    seeds = [(1.5, 2.5), (2.0, 4.3), (0.5, 0.8), (4.7, 3.2), (3.8, 0.7)]  # (col, row) district centres
    weights = [rng.uniform(0.5, 1.5) for _ in range(COLS * ROWS)]
    total_w = sum(weights)
    beats: list[BeatShape] = []
    for r in range(ROWS):
        for c in range(COLS):
            poly = Polygon([vertices[r][c], vertices[r][c + 1], vertices[r + 1][c + 1], vertices[r + 1][c]])
            centre = (c + 0.5, r + 0.5)
            district = min(range(len(seeds)),
                           key=lambda i: (seeds[i][0] - centre[0]) ** 2 + (seeds[i][1] - centre[1]) ** 2)
            idx = r * COLS + c
            beats.append(BeatShape(code="", district_index=district, polygon=poly,
                                   population=round(population * weights[idx] / total_w)))
    districts = [unary_union([b.polygon for b in beats if b.district_index == i]) for i in range(len(seeds))]
    numbered: list[BeatShape] = []
    for d in range(len(seeds)):
        members = [b for b in beats if b.district_index == d]
        for n, b in enumerate(members, start=1):
            numbered.append(BeatShape(code=f"{d + 1}{n:02d}", district_index=d, polygon=b.polygon,
                                      population=b.population))
    return districts, numbered


def geojson(geom: Any) -> dict[str, Any]:
    data = mapping(geom)
    return {"type": data["type"], "coordinates": _lists(data["coordinates"])}


def _lists(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_lists(v) for v in value]
    return round(float(value), 6)
