"""Complaints against officers and their allegations. Every complaint and allegation carries the `personnel`
label, so only the roles cleared for personnel files (command, oversight, administrators) see them."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from safecity.core.models import Agency, ProtectedModel
from safecity.policing.models.roster import Officer


class ComplaintSource(models.TextChoices):
    CIVILIAN = "civilian", "Civilian (named)"
    ANONYMOUS = "anonymous", "Anonymous"
    THIRD_PARTY = "third_party", "Third party"
    INTERNAL = "internal", "Internal (department)"


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    INVESTIGATING = "investigating", "Under investigation"
    REVIEW = "review", "Findings under review"
    CLOSED = "closed", "Closed"


class Finding(models.TextChoices):
    # The four standard dispositions defined in the PDI open-data recommendations, plus "other" and pending.
    PENDING = "pending", "Pending"
    SUSTAINED = "sustained", "Sustained"
    NOT_SUSTAINED = "not_sustained", "Not sustained"
    EXONERATED = "exonerated", "Exonerated"
    UNFOUNDED = "unfounded", "Unfounded"
    OTHER = "other", "Other (closed without finding)"


class Complaint(ProtectedModel):
    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="complaints")
    reference = models.CharField(max_length=20, unique=True,
                                 help_text="The code a complainant uses to look up the status; reveals nothing else.")
    received_on = models.DateField()
    occurred_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=12, choices=ComplaintSource.choices)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=14, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on"]
        indexes = [models.Index(fields=["agency", "received_on"], name="complaint_agency_received")]

    def __str__(self) -> str:
        return f"Complaint {self.reference}"


class Allegation(ProtectedModel):
    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="allegations")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="allegations")
    category = models.CharField(max_length=40)
    finding = models.CharField(max_length=14, choices=Finding.choices, default=Finding.PENDING)
    finding_date = models.DateField(null=True, blank=True)
    discipline = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["complaint", "officer"]
