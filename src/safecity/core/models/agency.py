from __future__ import annotations

import re
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models

ORI_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{7}$")


def validate_ori(value: str) -> None:
    if not ORI_RE.match(value or ""):
        raise ValidationError(
            "An ORI is 9 characters: a 2-letter state code then 7 letters or digits (e.g. IL0160000)."
        )


class AgencyType(models.TextChoices):
    POLICE = "police", "Police department"
    SHERIFF = "sheriff", "Sheriff's office"
    FIRE = "fire", "Fire department"
    HEALTH = "health", "Public health"
    REENTRY = "reentry", "Reentry / community partner"
    CITY = "city", "City government"
    STATE = "state", "State agency"
    FEDERAL = "federal", "Federal agency"


class Agency(models.Model):
    """An organisation that owns records. Identified by its FBI ORI (Originating Agency Identifier)."""

    safecity_module: ClassVar[str] = "admin"

    ori = models.CharField("ORI", max_length=9, unique=True, validators=[validate_ori])
    name = models.CharField(max_length=200)
    agency_type = models.CharField(max_length=16, choices=AgencyType.choices)
    jurisdiction = models.CharField(max_length=200, blank=True, help_text="City, county or region served.")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        help_text="Parent jurisdiction (e.g. the city government that a police department reports to).",
    )
    state = models.CharField(max_length=2, blank=True)
    is_active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    last_updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.name} ({self.ori})"

    def population(self, year: int) -> int | None:
        """The latest figure for `year` or before. The agency's few rows are read once per instance (or taken
        from `prefetch_related("populations")`): a page asks for this year and last year, per agency."""
        rows = getattr(self, "_population_rows", None)
        if rows is None:
            rows = self._population_rows = sorted(self.populations.all(), key=lambda r: r.year)
        found = [r for r in rows if r.year <= year]
        return found[-1].population if found else None


class AgencyPopulation(models.Model):
    """Population served by an agency in a year (the denominator of every rate)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField()
    population = models.PositiveIntegerField()
    source = models.CharField(max_length=300, blank=True, help_text="Citation for the figure.")

    class Meta:
        ordering = ["agency", "year"]
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="uniq_agency_population_year")]

    def __str__(self) -> str:
        return f"{self.agency.ori} {self.year}: {self.population}"
