"""Districts and beats as GeoJSON polygons, with point-in-polygon lookup (no GIS database needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from safecity.core.models.agency import Agency

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

# Shapely (and NumPy under it) is imported where a shape is used, not here: every Django start-up loads this
# module, and most commands never touch a polygon.


class Area(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=100)
    geometry = models.JSONField(help_text="GeoJSON Polygon or MultiPolygon in WGS 84 (lon, lat).")
    population = models.PositiveIntegerField(null=True, blank=True)
    # Bounding box, stored so a lookup scans only candidate polygons.
    min_lon = models.FloatField(default=0)
    min_lat = models.FloatField(default=0)
    max_lon = models.FloatField(default=0)
    max_lat = models.FloatField(default=0)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = self.shape().bounds
        super().save(*args, **kwargs)

    def shape(self) -> BaseGeometry:
        from shapely.geometry import shape

        return shape(self.geometry)

    def contains(self, lon: float, lat: float) -> bool:
        from shapely.geometry import Point

        return bool(self.shape().covers(Point(lon, lat)))


class District(Area):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="districts")

    class Meta(Area.Meta):
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="uniq_district_code")]


class Beat(Area):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="beats")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="beats")

    class Meta(Area.Meta):
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="uniq_beat_code")]
