"""Reads of incidents. Every one starts from Incident.objects.restrict(user, action)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safecity.incidents.models import Incident, OffenseCode


def incident_list(*, user: Any, agency_ori: str = "", action: str = "view") -> QuerySet[Incident]:
    qs = Incident.objects.restrict(user, action).select_related("agency", "district", "beat")
    if agency_ori:
        qs = qs.filter(agency__ori=agency_ori.upper())
    return qs.order_by("-occurred_from", "-id")


def incident_get(*, user: Any, public_id: Any) -> Incident:
    """Raises Incident.DoesNotExist both for unknown ids and for records the user may not see."""
    return incident_list(user=user).prefetch_related("offenses__code", "victims").get(public_id=public_id)


def offense_codes_current() -> dict[str, OffenseCode]:
    """The offence-code table in force, by code. Reference data every user may read, so no `user` argument."""
    from safecity.incidents.codes import current_codes

    return current_codes()
