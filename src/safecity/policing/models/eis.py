"""Early intervention: vehicle pursuits (an indicator), the flags the scoring raises, and the supervisory review
of each flag (flag → supervisor review → intervention chosen → follow-up).

Flags and their review steps carry the `personnel` label: only command, oversight and administrators see
them; analysts do not, and officers (who have no policing role) never see any flag, their own included.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from safecity.core.models import Agency, ProtectedModel
from safecity.policing.models.roster import Officer


class PursuitOutcome(models.TextChoices):
    APPREHENDED = "apprehended", "Suspect apprehended"
    TERMINATED = "terminated", "Terminated by officer or supervisor"
    ESCAPED = "escaped", "Suspect escaped"
    CRASH = "crash", "Ended in a crash"


class Pursuit(ProtectedModel):
    """One vehicle pursuit by one officer (the primary unit)."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="pursuits")
    started_at = models.DateTimeField()
    reason = models.CharField(max_length=120, help_text="Why the pursuit began, e.g. traffic violation, felony.")
    outcome = models.CharField(max_length=12, choices=PursuitOutcome.choices)
    crash = models.BooleanField(default=False)
    injuries = models.BooleanField(default=False, help_text="Anyone injured (officer, suspect or bystander).")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["agency", "started_at"], name="pursuit_agency_started")]

    def __str__(self) -> str:
        return f"Pursuit on {self.started_at:%Y-%m-%d}"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Awaiting review"
    REVIEW = "review", "Supervisor reviewing"
    INTERVENTION = "intervention", "Intervention under way"
    CLOSED = "closed", "Closed"


class Intervention(models.TextChoices):
    NONE = "none", "None warranted"
    COUNSELLING = "counselling", "Counselling"
    TRAINING = "training", "Training"
    REASSIGNMENT = "reassignment", "Reassignment"
    EAP = "eap", "Referral to employee assistance"
    OTHER = "other", "Other"


class EIFlag(ProtectedModel):
    """The scoring found an officer meeting one or more threshold rules on an as-of date. A prompt for a
    supervisor's review, not a finding."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="ei_flags")
    as_of = models.DateField()
    window_days = models.PositiveSmallIntegerField(help_text="The score's window; each rule has its own.")
    rules = models.JSONField(default=list, help_text="Keys of the rules that fired.")
    indicators = models.JSONField(default=dict, help_text="Counts, rates and peer percentiles at the as-of date.")
    score = models.FloatField(null=True, blank=True, help_text="Mean unit percentile (0–100).")
    status = models.CharField(max_length=14, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    supervisor = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    review_notes = models.TextField(blank=True)
    intervention = models.CharField(max_length=14, choices=Intervention.choices, blank=True)
    intervention_notes = models.TextField(blank=True)
    follow_up_due = models.DateField(null=True, blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    follow_up_outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-as_of", "officer"]
        constraints = [models.UniqueConstraint(fields=["officer", "as_of"], name="uniq_eiflag_officer_as_of")]
        indexes = [models.Index(fields=["agency", "status"], name="eiflag_agency_status")]

    def __str__(self) -> str:
        return f"Early-intervention flag {self.as_of}"


class EIFlagStep(ProtectedModel):
    """One step of a flag's review, for the timeline (the audit trail has the same facts, signed)."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    flag = models.ForeignKey(EIFlag, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=14, choices=FlagStatus.choices)
    at = models.DateTimeField()
    actor_name = models.CharField(max_length=150)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["flag", "at", "id"]
