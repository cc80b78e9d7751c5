"""NIBRS-shaped incident records. Agency is the leading key of every large table (shards by agency)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from safecity.core.models import Agency, Beat, District, ProtectedModel

# The firearm rule lives with the other derived facts (incidents.facts); re-exported for existing imports.
from safecity.incidents.bias import bias_motivation_names
from safecity.incidents.facts import BIAS_NONE, CLEARED_EXCEPTIONALLY
from safecity.incidents.facts import FIREARM_WEAPON_CODES as FIREARM_WEAPON_CODES
from safecity.incidents.facts import involves_firearm as involves_firearm
from safecity.incidents.models.codes import OffenseCode


class Incident(ProtectedModel):
    """One NIBRS incident (administrative segment) with its location and derived flags."""

    safecity_module: ClassVar[str] = "incidents"

    # No single-column index on agency: every composite index below leads with it, and a lone agency index
    # tempts PostgreSQL into scanning all of an agency's years (measured in benchmarks/bench_compstat.py).
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="incidents", db_index=False)
    incident_number = models.CharField(max_length=30)
    occurred_from = models.DateTimeField(help_text="Start of the window in which the incident occurred.")
    occurred_to = models.DateTimeField(null=True, blank=True, help_text="End of the window, when not exact.")
    occurred_date = models.DateField(db_index=True, help_text="Local date of occurred_from, for counting.")
    reported_at = models.DateTimeField(null=True, blank=True)
    block_address = models.CharField(max_length=200, blank=True, help_text="Block-level address only.")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # No single-column indexes on district/beat/batch: reads go through the (agency, area, date) indexes, and
    # each extra index costs every bulk insert (benchmarks/bench_import.py); deleting an area or a batch is rare.
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 db_index=False)
    beat = models.ForeignKey(Beat, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False)
    location_type = models.CharField(max_length=3, blank=True, help_text="NIBRS location type code.")
    cleared_exceptionally = models.CharField(max_length=1, blank=True, default="N")
    cleared_at = models.DateField(null=True, blank=True)
    is_firearm = models.BooleanField(default=False, help_text="Any offense with a firearm weapon/force code.")
    is_violent = models.BooleanField(default=False)
    is_shooting = models.BooleanField(default=False, help_text="Firearm used in a crime against a person.")
    is_fatal = models.BooleanField(default=False)
    victim_count = models.PositiveSmallIntegerField(default=0)
    offense_count = models.PositiveSmallIntegerField(default=0)
    primary_offense = models.CharField(max_length=4, blank=True, db_index=True)
    source = models.CharField(max_length=20, blank=True, help_text="Import format or 'manual'.")
    content_hash = models.CharField(
        max_length=32, blank=True, help_text="Fingerprint of the imported source row; re-importing it changes nothing.")
    import_batch = models.ForeignKey("incidents.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="incidents", db_index=False)

    class Meta:
        ordering = ["-occurred_from"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "incident_number"], name="uniq_incident_number"),
        ]
        indexes = [
            # Covering index: CompStat's counts are answered from the index alone on PostgreSQL (INCLUDE is
            # ignored on SQLite, where this is a plain (agency, occurred_date) index).
            models.Index(fields=["agency", "occurred_date"], name="incident_agency_date",
                         include=["primary_offense", "is_shooting", "is_fatal", "is_violent", "sensitivity",
                                  "district", "beat"]),
            # Two partial indexes for CompStat exist on PostgreSQL only (migration 0005): there they take a
            # 5,000,000-incident CompStat under 300 ms; on SQLite they only slow imports down.
            models.Index(fields=["agency", "district", "occurred_date"], name="incident_agency_district_date"),
            models.Index(fields=["agency", "beat", "occurred_date"], name="incident_agency_beat_date"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.ori}-{self.incident_number}"

    @property
    def cleared_exceptionally_label(self) -> str:
        """The exceptional-clearance code with its meaning ("B — prosecution declined"); "N" when blank."""
        code = self.cleared_exceptionally or "N"
        return dict(CLEARED_EXCEPTIONALLY).get(code, code)


def no_bias() -> list[str]:
    """An offense's bias motivation when none is reported: NIBRS 88, none (a function, so no list is shared)."""
    return [BIAS_NONE]


class IncidentPart(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", db_index=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE)
    seq = models.PositiveSmallIntegerField(default=1)

    class Meta:
        abstract = True
        ordering = ["incident", "seq"]


class Offense(IncidentPart):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="offenses")
    code = models.ForeignKey(OffenseCode, on_delete=models.PROTECT, related_name="+", db_index=False)
    occurred_date = models.DateField(help_text="Copied from the incident so offense counts need no join.")
    attempted = models.BooleanField(default=False)
    weapon_codes = models.JSONField(default=list, blank=True)
    gang_codes = models.JSONField(default=list, blank=True)
    bias_codes = models.JSONField(default=no_bias, blank=True,
                                  help_text="NIBRS bias motivation codes (data element 8A), 1 to 5; 88 = none.")
    location_type = models.CharField(max_length=3, blank=True)
    is_firearm = models.BooleanField(default=False)

    class Meta(IncidentPart.Meta):
        indexes = [models.Index(fields=["agency", "occurred_date"], name="offense_agency_date",
                                include=["code", "incident"])]

    def __str__(self) -> str:
        return f"{self.incident} offense {self.seq}"

    @property
    def bias_motivations(self) -> list[tuple[str, str]]:
        """(code, name) of each bias motivation, in words from the NIBRS 8A pack (a retired code keeps its code)."""
        names = bias_motivation_names()
        return [(code, names.get(code, "code not in the current table")) for code in self.bias_codes or no_bias()]


class Victim(IncidentPart):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="victims")
    victim_type = models.CharField(max_length=1, default="I", help_text="NIBRS victim type (I = individual).")
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    race = models.CharField(max_length=1, blank=True)
    ethnicity = models.CharField(max_length=1, blank=True)
    injury_codes = models.JSONField(default=list, blank=True)
    offense_codes = models.JSONField(default=list, blank=True, help_text="Offenses this victim is connected to.")
    relationship = models.CharField(max_length=2, blank=True, help_text="Relationship to offender 1.")
    is_fatal = models.BooleanField(default=False)
    is_shot = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.incident} victim {self.seq}"


class Offender(IncidentPart):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="offenders")
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    race = models.CharField(max_length=1, blank=True)
    ethnicity = models.CharField(max_length=1, blank=True)


class Arrestee(IncidentPart):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="arrestees")
    arrest_date = models.DateField()
    arrest_type = models.CharField(max_length=1, blank=True, help_text="O on-view, S summoned, T taken into custody.")
    offense_code = models.CharField(max_length=4, blank=True)
    armed_with = models.JSONField(default=list, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    race = models.CharField(max_length=1, blank=True)
    ethnicity = models.CharField(max_length=1, blank=True)


class Property(IncidentPart):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="properties")
    loss_type = models.CharField(max_length=1, help_text="NIBRS type of property loss (1 none … 8 unknown).")
    description_code = models.CharField(max_length=2, blank=True)
    value = models.PositiveIntegerField(null=True, blank=True)

    class Meta(IncidentPart.Meta):
        verbose_name_plural = "properties"
