"""Training: courses, sessions and the attendance that credits officers with hours.

What an officer must complete is not here: requirements change by state and year, so they are a rule pack
(`policing/data/training_requirements.toml`) and the compliance report reads them from there.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from safecity.core.importing.models import ImportBatchBase, ImportRowErrorBase
from safecity.core.models import Agency, ProtectedModel
from safecity.policing.models.roster import Officer


class Topic(models.TextChoices):
    DE_ESCALATION = "de_escalation", "De-escalation"
    CRISIS_INTERVENTION = "crisis_intervention", "Crisis intervention"
    IMPLICIT_BIAS = "implicit_bias", "Implicit bias / cultural competency"
    USE_OF_FORCE = "use_of_force", "Use of force"
    FIREARMS = "firearms", "Firearms"
    ARREST_CONTROL = "arrest_control", "Arrest and control / defensive tactics"
    LEGAL_UPDATES = "legal_updates", "Legal updates"
    FIRST_AID = "first_aid", "First aid"
    DRIVING = "driving", "Driving (emergency vehicle operation)"
    COMMUNICATIONS = "communications", "Communications"
    OTHER = "other", "Other / department elective"


class Delivery(models.TextChoices):
    CLASSROOM = "classroom", "Classroom"
    ONLINE = "online", "Online"
    PRACTICAL = "practical", "Practical (range, track, mat)"
    BLENDED = "blended", "Blended"


class Course(ProtectedModel):
    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=30, help_text="The agency's course code, as attendance files name it.")
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=30, choices=Topic.choices)
    hours = models.DecimalField(max_digits=5, decimal_places=2, help_text="Hours one completion credits.")
    delivery = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.CLASSROOM)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="uniq_training_course_code")]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class TrainingSession(ProtectedModel):
    """One delivery of a course: a date, an instructor and a place."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField()
    instructor = models.CharField(max_length=120, blank=True)
    location = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["agency", "-date"]
        indexes = [models.Index(fields=["agency", "course", "date"], name="training_session_course_date")]

    def __str__(self) -> str:
        return f"{self.course.code} on {self.date.isoformat()}"


class TrainingImportBatch(ImportBatchBase):
    safecity_module: ClassVar[str] = "policing"
    record_type: ClassVar[str] = "training"


class TrainingImportRowError(ImportRowErrorBase):
    batch = models.ForeignKey(TrainingImportBatch, on_delete=models.CASCADE, related_name="errors")


class Attendance(ProtectedModel):
    """An officer's completion of a course: the hours credited count toward the training requirement when
    the officer passed."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # Employee id | course code | completion date: one completion of a course per officer per day; the key
    # attendance files are matched on, so a re-import updates the row instead of adding another.
    record_key = models.CharField(max_length=80)
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="training")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attendance")
    session = models.ForeignKey(TrainingSession, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="attendance")
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2, help_text="Hours credited.")
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=True)
    import_batch = models.ForeignKey(TrainingImportBatch, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["agency", "-completed_on"]
        constraints = [models.UniqueConstraint(fields=["agency", "record_key"], name="uniq_attendance_key")]
        indexes = [models.Index(fields=["agency", "officer", "completed_on"], name="attendance_officer_date")]

    def __str__(self) -> str:
        return f"{self.course.code} completed {self.completed_on.isoformat()}"


def attendance_key(employee_id: str, course_code: str, completed_on: str) -> str:
    return f"{employee_id.strip()}|{course_code.strip().upper()}|{completed_on}"
