"""Reads of incidents and import batches. Every one starts from `Model.objects.restrict(user, action)`."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from safecity.incidents.models import Arrestee, ImportBatch, ImportRowError, Incident, Offense, OffenseCode

# Clearance status of an incident (NIBRS Data Element 4, cleared exceptionally; an arrestee segment means
# cleared by arrest). Used by the incident list's `status` filter.
STATUS_CHOICES = [("open", "Open (not cleared)"), ("cleared-arrest", "Cleared by arrest"),
                  ("cleared-exceptionally", "Cleared exceptionally")]
NOT_CLEARED_EXCEPTIONALLY = ("", "N")


def incident_list(*, user: Any, agency_ori: str = "", action: str = "view") -> QuerySet[Incident]:
    # The area's boundary (a polygon per row) is never shown with an incident: leave it in the database.
    qs = Incident.objects.restrict(user, action).select_related("agency", "district", "beat").defer(
        "district__geometry", "beat__geometry")
    if agency_ori:
        qs = qs.filter(agency__ori=agency_ori.upper())
    # Newest first; occurred_date leads so the (agency, occurred_date) index gives the order (see kit.py).
    return qs.order_by("-occurred_date", "-occurred_from", "-id")


def incident_get(*, user: Any, public_id: Any, action: str = "view") -> Incident:
    """Raises Incident.DoesNotExist both for unknown ids and for records the user may not see."""
    return incident_list(user=user, action=action).prefetch_related("offenses__code", "victims").get(
        public_id=public_id)


def with_offense(qs: QuerySet[Incident], code: str) -> QuerySet[Incident]:
    """Incidents with any offense of this NIBRS code (not only the primary one)."""
    return qs.filter(Exists(Offense.objects.filter(incident=OuterRef("pk"), code__code=code.upper())))


def with_status(qs: QuerySet[Incident], status: str) -> QuerySet[Incident]:
    arrested = Exists(Arrestee.objects.filter(incident=OuterRef("pk")))
    exceptionally = ~Q(cleared_exceptionally__in=NOT_CLEARED_EXCEPTIONALLY)
    if status == "cleared-arrest":
        return qs.filter(arrested)
    if status == "cleared-exceptionally":
        return qs.filter(exceptionally)
    return qs.filter(~arrested & ~exceptionally)  # "open"


def import_batch_list(*, user: Any, action: str = "view") -> QuerySet[ImportBatch]:
    """Import batches of the agencies where the user may `action` incidents, newest first."""
    return ImportBatch.objects.restrict(user, action).select_related("agency", "started_by").order_by(
        "-started_at", "-id")


def import_batch_get(*, user: Any, batch_id: int, action: str = "view") -> ImportBatch:
    """Raises ImportBatch.DoesNotExist both for unknown ids and for another agency's batches."""
    return import_batch_list(user=user, action=action).get(pk=batch_id)


def import_error_list(*, user: Any, batch: ImportBatch) -> QuerySet[ImportRowError]:
    """The stored rejected rows of a batch the caller has already fetched through `import_batch_get`."""
    visible = import_batch_list(user=user).filter(pk=batch.pk)
    return ImportRowError.objects.filter(batch__in=visible).order_by("line", "id")


def offense_codes_current() -> dict[str, OffenseCode]:
    """The offence-code table in force, by code. Reference data every user may read, so no `user` argument."""
    from safecity.incidents.codes import current_codes

    return current_codes()
