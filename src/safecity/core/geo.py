"""Point-in-polygon lookup of district and beat, with bounding boxes to skip most polygons."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safecity.core.models import Agency, Beat, District


def locate(agency: Agency, lon: float, lat: float) -> tuple[District | None, Beat | None]:
    from safecity.core.models import Beat

    candidates = Beat.objects.filter(
        agency=agency, min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat
    ).select_related("district")
    for beat in candidates:
        if beat.contains(lon, lat):
            return beat.district, beat
    from safecity.core.models import District

    for district in District.objects.filter(
        agency=agency, min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat
    ):
        if district.contains(lon, lat):
            return district, None
    return None, None


class AreaIndex:
    """In-memory index of an agency's beats for bulk lookups (imports), built once per run."""

    def __init__(self, agency: Agency) -> None:
        from shapely.prepared import prep

        from safecity.core.models import Beat

        self.beats = [(b, prep(b.shape())) for b in Beat.objects.filter(agency=agency).select_related("district")]

    def locate(self, lon: float, lat: float) -> tuple[District | None, Beat | None]:
        from shapely.geometry import Point

        pt = Point(lon, lat)
        for beat, prepared in self.beats:
            if (beat.min_lon <= lon <= beat.max_lon and beat.min_lat <= lat <= beat.max_lat
                    and prepared.covers(pt)):
                return beat.district, beat
        return None, None
