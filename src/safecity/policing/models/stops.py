"""Traffic and pedestrian stops in the Stanford Open Policing Project's standardised schema.

Column names and value sets follow the project's data readme (date, time, location, lat/lng, district/beat,
subject race/sex/age, type, search conducted/basis, contraband, outcome); `NA` is stored as null, so "not
recorded" never reads as "no".
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from safecity.core.importing.models import ImportBatchBase, ImportRowErrorBase
from safecity.core.models import Agency, Beat, District, ProtectedModel
from safecity.policing.models.roster import Officer


class StopImportBatch(ImportBatchBase):
    """One run of `safecity import stops` (fields, statuses, heartbeat: `core.importing.models`); read only
    through `policing.selectors.stop_import_batch_list`, restricted like the stops of its agency."""

    safecity_module: ClassVar[str] = "policing"
    record_type: ClassVar[str] = "stops"

    class Meta(ImportBatchBase.Meta):
        pass


class StopImportRowError(ImportRowErrorBase):
    batch = models.ForeignKey(StopImportBatch, on_delete=models.CASCADE, related_name="errors")

    class Meta(ImportRowErrorBase.Meta):
        pass


class SubjectRace(models.TextChoices):
    # The OPP's five values, Hispanic overriding race; "unknown" is kept apart from "other" so a missing value
    # is never counted as a group.
    WHITE = "white", "White"
    BLACK = "black", "Black"
    HISPANIC = "hispanic", "Hispanic"
    ASIAN_PACIFIC_ISLANDER = "asian/pacific islander", "Asian / Pacific Islander"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class StopType(models.TextChoices):
    VEHICULAR = "vehicular", "Vehicular"
    PEDESTRIAN = "pedestrian", "Pedestrian"


class StopOutcome(models.TextChoices):
    # The strictest outcome of the stop, in the OPP's order arrest > citation > warning > summons.
    ARREST = "arrest", "Arrest"
    CITATION = "citation", "Citation"
    WARNING = "warning", "Warning"
    SUMMONS = "summons", "Summons"
    NONE = "", "None recorded"


class SearchBasis(models.TextChoices):
    K9 = "k9", "K9"
    PLAIN_VIEW = "plain view", "Plain view"
    CONSENT = "consent", "Consent"
    PROBABLE_CAUSE = "probable cause", "Probable cause"
    OTHER = "other", "Other"
    NONE = "", "No search / not recorded"


class Stop(ProtectedModel):
    """One stop of one subject."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="stops", db_index=False)
    stop_id = models.CharField(max_length=40, help_text="The agency's id of the stop (OPP raw_row_number).")
    date = models.DateField()
    time = models.TimeField(null=True, blank=True, help_text="Local clock time; null when not recorded.")
    location = models.CharField(max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 db_index=False)
    beat = models.ForeignKey(Beat, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False)
    subject_race = models.CharField(max_length=24, choices=SubjectRace.choices, default=SubjectRace.UNKNOWN)
    subject_sex = models.CharField(max_length=10, blank=True)
    subject_age = models.PositiveSmallIntegerField(null=True, blank=True)
    type = models.CharField(max_length=12, choices=StopType.choices, blank=True)
    officer = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="stops",
                                db_index=False)
    reason_for_stop = models.CharField(max_length=200, blank=True)
    violation = models.CharField(max_length=200, blank=True)
    arrest_made = models.BooleanField(null=True, blank=True)
    citation_issued = models.BooleanField(null=True, blank=True)
    warning_issued = models.BooleanField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=StopOutcome.choices, blank=True)
    frisk_performed = models.BooleanField(null=True, blank=True)
    search_conducted = models.BooleanField(null=True, blank=True)
    search_person = models.BooleanField(null=True, blank=True)
    search_vehicle = models.BooleanField(null=True, blank=True)
    search_basis = models.CharField(max_length=16, choices=SearchBasis.choices, blank=True)
    contraband_found = models.BooleanField(null=True, blank=True, help_text="Null when no search was recorded.")
    contraband_drugs = models.BooleanField(null=True, blank=True)
    contraband_weapons = models.BooleanField(null=True, blank=True)
    contraband_other = models.BooleanField(null=True, blank=True)
    # The import run that last wrote the row (null for stops entered another way, e.g. the demo builder).
    import_batch = models.ForeignKey(StopImportBatch, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", db_index=False)

    class Meta:
        ordering = ["-date", "-time"]
        constraints = [models.UniqueConstraint(fields=["agency", "stop_id"], name="uniq_stop_id")]
        indexes = [
            models.Index(fields=["agency", "date"], name="stop_agency_date"),
            models.Index(fields=["agency", "district", "date"], name="stop_agency_district_date"),
            models.Index(fields=["officer", "date"], name="stop_officer_date"),
        ]

    def __str__(self) -> str:
        return f"Stop {self.stop_id} on {self.date}"
