"""Use of force in the shape of the FBI National Use-of-Force Data Collection: an incident with its subjects and
the officers who applied force (the collection's Incident, Subject and Officer segments)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from safecity.core.models import Agency, Beat, District, ProtectedModel
from safecity.policing.models.roster import Officer


class Injury(models.TextChoices):
    NONE = "none", "No injury"
    MINOR = "minor", "Minor injury"
    SERIOUS = "serious", "Serious bodily injury"
    DEATH = "death", "Death"


class UseOfForceIncident(ProtectedModel):
    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="force_incidents")
    case_number = models.CharField(max_length=40, help_text="The agency's case number (FBI element I2).")
    occurred_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True, help_text="Block-level address.")
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    beat = models.ForeignKey(Beat, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason_for_contact = models.CharField(max_length=40, blank=True)
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", help_text="The crime incident, when there is one.")
    # The FBI collection's remaining incident elements (added by the use-of-force area; see docs/policing.md).
    location_type = models.CharField(max_length=30, blank=True)
    officers_applying_force = models.PositiveSmallIntegerField(
        default=0, help_text="Officers of this agency who applied force (the collection's total).")
    officer_approached = models.BooleanField(null=True, blank=True, help_text="Did the officer approach the subject?")
    ambush = models.BooleanField(null=True, blank=True)
    supervisor_on_scene = models.BooleanField(null=True, blank=True)
    supervisor_consulted = models.BooleanField(null=True, blank=True)
    most_serious_offense = models.CharField(max_length=4, blank=True, help_text="NIBRS offense code, if any.")
    # Derived by the action from the subjects and officers, stored so lists can filter on them.
    fbi_reportable = models.BooleanField(default=False)
    worst_injury = models.CharField(max_length=8, choices=Injury.choices, default=Injury.NONE)
    force_types_text = models.CharField(max_length=300, blank=True,
                                        help_text="Every force type used, ',a,b,' (derived, for filtering).")

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [models.UniqueConstraint(fields=["agency", "case_number"], name="uniq_force_case_number")]

    def __str__(self) -> str:
        return f"Use of force {self.case_number}"


class UseOfForceSubject(ProtectedModel):
    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    force_incident = models.ForeignKey(UseOfForceIncident, on_delete=models.CASCADE, related_name="subjects")
    sequence = models.PositiveSmallIntegerField(default=1)
    sex = models.CharField(max_length=10, blank=True)
    race = models.CharField(max_length=30, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    resistance = models.CharField(max_length=60, blank=True)
    injury = models.CharField(max_length=8, choices=Injury.choices, default=Injury.NONE)
    ethnicity = models.CharField(max_length=20, blank=True)
    height_in = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Inches.")
    weight_lb = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Pounds.")
    impaired = models.BooleanField(null=True, blank=True, help_text="Apparent impairment (alcohol, drugs, mental).")
    impairment_type = models.CharField(max_length=30, blank=True)
    perceived_threat = models.BooleanField(null=True, blank=True)
    armed = models.CharField(max_length=10, blank=True, help_text="armed, believed, unarmed or unknown.")
    resisted = models.BooleanField(null=True, blank=True)
    force_types = models.JSONField(default=list, blank=True, help_text="Force types applied to this subject.")

    class Meta:
        ordering = ["force_incident", "sequence"]


class UseOfForceOfficer(ProtectedModel):
    """An officer who applied force in the incident, with the force types used."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    force_incident = models.ForeignKey(UseOfForceIncident, on_delete=models.CASCADE, related_name="officers")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="force_reports")
    force_types = models.JSONField(default=list, blank=True)
    injured = models.BooleanField(default=False)
    firearm_discharged = models.BooleanField(default=False, help_text="At or toward a person.")
    on_duty = models.BooleanField(default=True)

    class Meta:
        ordering = ["force_incident", "officer"]
        constraints = [models.UniqueConstraint(fields=["force_incident", "officer"], name="uniq_force_officer")]
