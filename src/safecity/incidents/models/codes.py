"""NIBRS offense codes as versioned reference data (rules that change by year are data, with a citation)."""

from __future__ import annotations

from django.db import models


class CodeTableVersion(models.Model):
    name = models.CharField(max_length=40, unique=True, help_text="e.g. 'NIBRS 2023.0'.")
    effective_from = models.DateField()
    citation = models.CharField(max_length=300)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.name


class CrimeAgainst(models.TextChoices):
    PERSON = "person", "Person"
    PROPERTY = "property", "Property"
    SOCIETY = "society", "Society"
    NOT_A_CRIME = "none", "Not a crime"


class OffenseCode(models.Model):
    version = models.ForeignKey(CodeTableVersion, on_delete=models.PROTECT, related_name="codes")
    code = models.CharField(max_length=4)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=80, blank=True, help_text="NIBRS offense category.")
    crime_against = models.CharField(max_length=10, choices=CrimeAgainst.choices)
    group = models.CharField(max_length=1, choices=[("A", "Group A"), ("B", "Group B")])
    is_violent = models.BooleanField(default=False, help_text="FBI violent crime: murder, rape, robbery, agg. assault.")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="uniq_offense_code_version")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
