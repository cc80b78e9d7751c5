"""Complaints against officers and their allegations. Every complaint and allegation carries the `personnel`
label, so only the roles cleared for personnel files (command, oversight, administrators) see them.

The complainant's identity lives in its own record (`Complainant`), read only through
`selectors.complainant_for`, which also withholds it from the officers accused in the complaint; anonymous
complaints have none. The timeline (`ComplaintEvent`) holds every stage change and deadline extension, and
oversight comments (`ComplaintComment`) are a separate record, so commenting never touches the complaint."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from safecity.core.importing.models import ImportBatchBase, ImportRowErrorBase
from safecity.core.models import Agency, District, ProtectedModel
from safecity.core.roles import Sensitivity
from safecity.policing.models.roster import Officer

PERSONNEL = int(Sensitivity.PERSONNEL)


class ComplaintSource(models.TextChoices):
    CIVILIAN = "civilian", "Civilian (named)"
    ANONYMOUS = "anonymous", "Anonymous"
    THIRD_PARTY = "third_party", "Third party"
    INTERNAL = "internal", "Internal (department)"


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ASSIGNED = "assigned", "Assigned to an investigator"
    INVESTIGATING = "investigating", "Under investigation"
    REVIEW = "review", "Findings under review"
    CLOSED = "closed", "Closed"


class ComplaintChannel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Telephone"
    EMAIL = "email", "Email"
    WEB = "web", "Web form"
    MAIL = "mail", "Letter"
    REFERRAL = "referral", "Referred by another body"
    OTHER = "other", "Other"


class Finding(models.TextChoices):
    # The four standard dispositions defined in the PDI open-data recommendations, plus "other" and pending.
    PENDING = "pending", "Pending"
    SUSTAINED = "sustained", "Sustained"
    NOT_SUSTAINED = "not_sustained", "Not sustained"
    EXONERATED = "exonerated", "Exonerated"
    UNFOUNDED = "unfounded", "Unfounded"
    OTHER = "other", "Other (closed without finding)"


class ComplaintImportBatch(ImportBatchBase):
    """One run of `safecity import complaints`. Unlike other batches it carries the personnel label, so the
    run, its counts and its rejected rows (which hold officers' employee ids and complaint numbers) are shown
    only to those cleared for complaint files (`restrict()` reads the label like any record's)."""

    safecity_module: ClassVar[str] = "policing"
    record_type: ClassVar[str] = "complaints"

    sensitivity = models.PositiveSmallIntegerField(default=PERSONNEL)


class ComplaintImportRowError(ImportRowErrorBase):
    batch = models.ForeignKey(ComplaintImportBatch, on_delete=models.CASCADE, related_name="errors")


class Complaint(ProtectedModel):
    safecity_module: ClassVar[str] = "policing"
    # The summary may name the complainant: the change history (read by auditors) records only that it
    # changed, never its text (`core.history.snapshot`).
    history_withheld: ClassVar[frozenset[str]] = frozenset({"summary"})

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="complaints")
    reference = models.CharField(max_length=20, unique=True,
                                 help_text="The code a complainant uses to look up the status; reveals nothing else.")
    received_on = models.DateField()
    occurred_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=12, choices=ComplaintSource.choices)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=14, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED)
    closed_on = models.DateField(null=True, blank=True)
    # Added by the complaints area (migration 0002_complaints_workflow); all optional so older rows stay valid.
    channel = models.CharField(max_length=12, choices=ComplaintChannel.choices, blank=True)
    location = models.CharField(max_length=200, blank=True)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    investigator = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     help_text="The member assigned to investigate (internal affairs).")
    stage_started_on = models.DateField(null=True, blank=True, help_text="When the current stage began.")
    due_on = models.DateField(null=True, blank=True,
                              help_text="When the current stage is due (rule pack policing.complaint_deadlines, "
                                        "or an extension).")
    discipline_limit_on = models.DateField(
        null=True, blank=True, help_text="Last day discipline may be imposed (statutory limit from receipt).")
    # Set by `safecity import complaints`: the number the agency's own system gives the complaint (the key a
    # re-import matches on), a keyed fingerprint of its rows, and the run that last wrote it.
    external_number = models.CharField(max_length=40, blank=True,
                                       help_text="The complaint's number in the system it was imported from.")
    import_hash = models.CharField(max_length=32, blank=True)
    import_batch = models.ForeignKey(ComplaintImportBatch, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", db_index=False)

    class Meta:
        ordering = ["-received_on"]
        indexes = [models.Index(fields=["agency", "received_on"], name="complaint_agency_received")]
        constraints = [models.UniqueConstraint(fields=["agency", "external_number"],
                                               condition=~models.Q(external_number=""),
                                               name="uniq_complaint_external_number")]

    def __str__(self) -> str:
        return f"Complaint {self.reference}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The personnel label cannot be dropped, whoever saves the row.
        self.sensitivity = int(self.sensitivity or 0) | PERSONNEL
        super().save(*args, **kwargs)


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

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sensitivity = int(self.sensitivity or 0) | PERSONNEL
        super().save(*args, **kwargs)


class Complainant(ProtectedModel):
    """Who complained: kept apart from the complaint so it can carry its own labels and its own read rule
    (never shown to an officer accused in the complaint). Anonymous complaints have no row."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="complainant")
    name = models.CharField(max_length=160)
    contact = models.CharField(max_length=200, blank=True, help_text="Telephone, email or postal address.")
    race = models.CharField(max_length=30, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    relationship = models.CharField(max_length=80, blank=True,
                                    help_text="For a third-party complaint: how the complainant knows of it.")

    def __str__(self) -> str:
        return "Complainant"  # never the name: str() ends up in audit events and history

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sensitivity = int(self.sensitivity or 0) | PERSONNEL | int(Sensitivity.VICTIM_IDENTIFYING)
        super().save(*args, **kwargs)


class ComplaintEventKind(models.TextChoices):
    TRANSITION = "transition", "Stage change"
    EXTENSION = "extension", "Deadline extended"


class ComplaintEvent(ProtectedModel):
    """One step of a complaint's timeline: a stage change or a deadline extension, with its reason."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=ComplaintEventKind.choices)
    from_status = models.CharField(max_length=14, choices=ComplaintStatus.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=ComplaintStatus.choices)
    on = models.DateField()
    due_on = models.DateField(null=True, blank=True, help_text="The stage's due date set by this step.")
    reason = models.TextField(blank=True)
    actor_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["complaint", "on", "id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sensitivity = int(self.sensitivity or 0) | PERSONNEL
        super().save(*args, **kwargs)


class ComplaintComment(ProtectedModel):
    """A remark on a complaint by an oversight board member or command staff; changes nothing else."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=150)
    author_role = models.CharField(max_length=20, blank=True)
    body = models.TextField()

    class Meta:
        ordering = ["complaint", "created", "id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sensitivity = int(self.sensitivity or 0) | PERSONNEL
        super().save(*args, **kwargs)
