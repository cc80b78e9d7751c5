"""The roster: units, officers and their assignment history.

Officers are agency-owned records like incidents: read through `restrict()`, written through actions. Anything
that leaves the agency (public pages, open data, exports outside the agency) identifies an officer only by
`policing.identity.officer_hash`, never by name or badge number.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from safecity.core.importing.models import ImportBatchBase, ImportRowErrorBase
from safecity.core.models import Agency, District, ProtectedModel


class Unit(ProtectedModel):
    """A command, district station, squad or team officers are assigned to."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 help_text="The district a patrol unit serves, if any.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="uniq_unit_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Rank(models.TextChoices):
    RECRUIT = "recruit", "Recruit"
    OFFICER = "officer", "Police officer"
    DETECTIVE = "detective", "Detective"
    SERGEANT = "sergeant", "Sergeant"
    LIEUTENANT = "lieutenant", "Lieutenant"
    CAPTAIN = "captain", "Captain"
    COMMANDER = "commander", "Commander"
    DEPUTY_CHIEF = "deputy_chief", "Deputy chief"
    CHIEF = "chief", "Chief"
    CIVILIAN = "civilian", "Civilian employee"


class OfficerStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    LEAVE = "leave", "On leave"
    RESTRICTED = "restricted", "Restricted duty"
    SUSPENDED = "suspended", "Suspended"
    SEPARATED = "separated", "Separated"


class Officer(ProtectedModel):
    """A sworn member (or civilian employee) of an agency."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officers")
    employee_id = models.CharField(max_length=30, help_text="The agency's internal, stable personnel number.")
    badge_number = models.CharField(max_length=20, blank=True, help_text="Star or badge number currently worn.")
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    rank = models.CharField(max_length=20, choices=Rank.choices, default=Rank.OFFICER)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="officers",
                             help_text="Current unit; the history is in the assignments.")
    status = models.CharField(max_length=12, choices=OfficerStatus.choices, default=OfficerStatus.ACTIVE)
    hire_date = models.DateField(null=True, blank=True)
    separation_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    race = models.CharField(max_length=30, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="officer_records", help_text="The officer's own account, if any.")

    class Meta:
        ordering = ["agency", "last_name", "first_name"]
        constraints = [models.UniqueConstraint(fields=["agency", "employee_id"], name="uniq_officer_employee_id")]

    def __str__(self) -> str:
        return f"{self.rank_label} {self.first_name} {self.last_name}".strip()

    @property
    def rank_label(self) -> str:
        return str(Rank(self.rank).label) if self.rank in Rank.values else self.rank


class Assignment(ProtectedModel):
    """One period of an officer in a unit at a rank; `ended` is null while it lasts."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    rank = models.CharField(max_length=20, choices=Rank.choices)
    duty = models.CharField(max_length=60, blank=True, help_text="e.g. patrol, investigations, school resource.")
    started = models.DateField()
    ended = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["officer", "-started"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ended__isnull=True) | models.Q(ended__gte=models.F("started")),
                                   name="assignment_ends_after_start"),
        ]


class RosterImportBatch(ImportBatchBase):
    """One run of `safecity import officers` (the roster from a personnel file)."""

    safecity_module: ClassVar[str] = "policing"
    record_type: ClassVar[str] = "officers"


class RosterImportRowError(ImportRowErrorBase):
    batch = models.ForeignKey(RosterImportBatch, on_delete=models.CASCADE, related_name="errors")
