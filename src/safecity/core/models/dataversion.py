"""Per-agency data versions: the freshness half of every cached result's key (`core.resultcache`)."""

from __future__ import annotations

from django.db import models


class AgencyDataVersion(models.Model):
    """A counter raised by every write that changes an agency's records (`core.dataversion.bump`, called inside
    the write's own transaction), so a cached result keyed by it can never be served after the data changed."""

    agency = models.OneToOneField("core.Agency", primary_key=True, on_delete=models.CASCADE,
                                  related_name="data_version")
    version = models.BigIntegerField(default=0)
    # Random when the row is made: a database rebuilt (or a transaction rolled back) starts its versions
    # again from 1, and the token keeps those from matching entries cached before.
    token = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"agency {self.agency_id}: v{self.version}"
