"""Community problem solving: SARA problem-oriented projects, community meetings and resident surveys.

* A `ProblemProject` follows the SARA model (Eck & Spelman 1987): Scanning (the problem statement), Analysis
  (notes, with links into the incident analyses), Response (dated activities with partners) and Assessment
  (the weighted displacement difference over a target, buffer and control area and a before and after
  period). The counts come from the incidents the system holds, or are typed in when the data lives
  elsewhere; `count_source` says which, so a reader knows where a figure came from.
* A `Meeting` records a community meeting: where, when, how many came, the concerns raised and the
  follow-ups promised (owner, due date, status).
* A `SurveyWave` is one round of a resident survey; a `SurveyResult` is one item's answer in one district in
  that wave, kept as counts (n asked, how many agreed) so intervals can be computed, not just percentages.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from safecity.core.importing.models import ImportBatchBase, ImportRowErrorBase
from safecity.core.models import Agency, Beat, District, ProtectedModel

__all__ = [
    "ConcernCategory", "CountSource", "FollowUp", "FollowUpStatus", "Meeting", "MeetingConcern", "ProblemProject",
    "ProjectActivity", "ProjectStatus", "SurveyImportBatch", "SurveyImportRowError", "SurveyItem", "SurveyMethod",
    "SurveyResult", "SurveyWave",
]


class ProjectStatus(models.TextChoices):
    SCANNING = "scanning", "Scanning"
    ANALYSIS = "analysis", "Analysis"
    RESPONSE = "response", "Response"
    ASSESSMENT = "assessment", "Assessment"
    CLOSED = "closed", "Closed"


# The SARA steps in order; a project moves one step at a time (`actions.project_advance`).
PROJECT_FLOW: tuple[str, ...] = tuple(ProjectStatus.values)


class CountSource(models.TextChoices):
    INCIDENTS = "incidents", "Counted from the incidents in this system"
    MANUAL = "manual", "Entered by hand (data kept outside this system)"


class ProblemProject(ProtectedModel):
    """A problem-oriented policing project on one beat or place."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=160)
    beat = models.ForeignKey(Beat, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text="The beat the problem is in.")
    place = models.CharField(max_length=200, blank=True,
                             help_text="The place, when narrower than the beat (an address, a corridor, a park).")
    status = models.CharField(max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.SCANNING)
    opened = models.DateField()
    closed = models.DateField(null=True, blank=True)
    problem_statement = models.TextField(help_text="Scanning: what the problem is, who raised it, how big.")
    analysis_notes = models.TextField(blank=True, help_text="Analysis: causes, times, places, victims, offenders.")
    response_summary = models.TextField(blank=True, help_text="Response: what was done and with whom.")
    assessment_notes = models.TextField(blank=True, help_text="Assessment: what changed and how we know.")
    # The assessment's design: areas are beat codes of the project's agency; periods are inclusive dates.
    offense_codes = models.JSONField(default=list, blank=True,
                                     help_text="NIBRS offense codes counted (any offense of the incident).")
    target_beats = models.JSONField(default=list, blank=True)
    buffer_beats = models.JSONField(default=list, blank=True)
    control_beats = models.JSONField(default=list, blank=True)
    buffer_control_beats = models.JSONField(default=list, blank=True,
                                            help_text="Control for the buffer; empty = the target's control.")
    before_from = models.DateField(null=True, blank=True)
    before_to = models.DateField(null=True, blank=True)
    after_from = models.DateField(null=True, blank=True)
    after_to = models.DateField(null=True, blank=True)
    count_source = models.CharField(max_length=10, choices=CountSource.choices, default=CountSource.INCIDENTS)
    target_before = models.PositiveIntegerField(null=True, blank=True)
    target_after = models.PositiveIntegerField(null=True, blank=True)
    buffer_before = models.PositiveIntegerField(null=True, blank=True)
    buffer_after = models.PositiveIntegerField(null=True, blank=True)
    control_before = models.PositiveIntegerField(null=True, blank=True)
    control_after = models.PositiveIntegerField(null=True, blank=True)
    buffer_control_before = models.PositiveIntegerField(null=True, blank=True)
    buffer_control_after = models.PositiveIntegerField(null=True, blank=True)
    alpha = models.FloatField(default=0.10, help_text="1 − confidence level of the interval (0.10 = 90%).")

    class Meta:
        ordering = ["-opened", "title"]

    def __str__(self) -> str:
        return self.title


class ProjectActivity(ProtectedModel):
    """One dated response activity of a project, with the partners who took part."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(ProblemProject, on_delete=models.CASCADE, related_name="activities")
    date = models.DateField()
    description = models.CharField(max_length=300)
    partners = models.CharField(max_length=300, blank=True, help_text="e.g. public works, a business association.")

    class Meta:
        ordering = ["project", "date", "id"]


class Meeting(ProtectedModel):
    """A community meeting (beat meeting, district advisory council, town hall)."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    beat = models.ForeignKey(Beat, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    venue = models.CharField(max_length=200)
    attendance = models.PositiveIntegerField(help_text="Residents present (not counting staff).")
    minutes = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "id"]

    def __str__(self) -> str:
        area = self.beat.code if self.beat else (self.district.code if self.district else "")
        return f"Meeting {self.date} {area}".strip()


class ConcernCategory(models.TextChoices):
    VIOLENCE = "violence", "Violence and guns"
    PROPERTY = "property", "Burglary, theft and vandalism"
    DRUGS = "drugs", "Drug dealing"
    TRAFFIC = "traffic", "Traffic and speeding"
    DISORDER = "disorder", "Disorder and nuisance"
    YOUTH = "youth", "Youth and schools"
    CONDUCT = "conduct", "Police conduct and response"
    ENVIRONMENT = "environment", "Lighting, vacant lots and buildings"
    OTHER = "other", "Other"


class MeetingConcern(ProtectedModel):
    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="concerns")
    category = models.CharField(max_length=12, choices=ConcernCategory.choices)
    description = models.CharField(max_length=300)

    class Meta:
        ordering = ["meeting", "id"]


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class FollowUp(ProtectedModel):
    """A promise made at a meeting: who does what by when."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_ups")
    concern = models.ForeignKey(MeetingConcern, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=300)
    owner = models.CharField(max_length=120)
    due = models.DateField()
    status = models.CharField(max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    completed = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]


class SurveyMethod(models.TextChoices):
    PHONE = "phone", "Telephone"
    MAIL = "mail", "Mail"
    ONLINE = "online", "Online panel"
    IN_PERSON = "in_person", "In person"
    MIXED = "mixed", "Mixed mode"


class SurveyItem(models.TextChoices):
    """Trust and procedural-justice items (after the items of Tyler & Huo 2002 and Sunshine & Tyler 2003)."""

    RESPECT = "respect", "Police treat people with respect"
    FAIR = "fair", "Police make fair decisions"
    TRUST = "trust", "I trust the police in my neighbourhood"
    LISTEN = "listen", "Police listen to residents' concerns"
    SAFE = "safe", "I feel safe in my neighbourhood after dark"


class SurveyWave(ProtectedModel):
    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20, help_text="Short name the import files use, e.g. 2025-spring.")
    name = models.CharField(max_length=120)
    start = models.DateField()
    end = models.DateField()
    method = models.CharField(max_length=10, choices=SurveyMethod.choices)
    sample_size = models.PositiveIntegerField()
    margin_of_error = models.FloatField(null=True, blank=True,
                                        help_text="As published by the survey firm, in percentage points (95%).")

    class Meta:
        ordering = ["-start", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="uniq_survey_wave_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class SurveyImportBatch(ImportBatchBase):
    """One run of `safecity import surveys` (fields and statuses: `core.importing.models`)."""

    safecity_module: ClassVar[str] = "policing"
    record_type: ClassVar[str] = "surveys"

    class Meta(ImportBatchBase.Meta):
        pass


class SurveyImportRowError(ImportRowErrorBase):
    batch = models.ForeignKey(SurveyImportBatch, on_delete=models.CASCADE, related_name="errors")

    class Meta(ImportRowErrorBase.Meta):
        pass


class SurveyResult(ProtectedModel):
    """One item in one district in one wave: n residents answered, `agree` agreed (agree or strongly agree)."""

    safecity_module: ClassVar[str] = "policing"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=80, help_text="wave|district|item: the import's key.")
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="results")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(max_length=10, choices=SurveyItem.choices)
    n = models.PositiveIntegerField()
    agree = models.PositiveIntegerField()
    import_batch = models.ForeignKey(SurveyImportBatch, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["wave", "district", "item"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "key"], name="uniq_survey_result_key"),
            models.CheckConstraint(condition=models.Q(agree__lte=models.F("n")), name="survey_agree_le_n"),
        ]

    @property
    def percent(self) -> float | None:
        return 100.0 * self.agree / self.n if self.n else None
