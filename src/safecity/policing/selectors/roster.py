"""Roster reads: units, officers and assignment history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from safecity.policing.models import Assignment, Officer, Unit


def unit_list(*, user: Any, action: str = "view") -> QuerySet[Unit]:
    return Unit.objects.restrict(user, action).select_related("agency", "parent").order_by("agency__ori", "code")


def unit_get(*, user: Any, public_id: Any, action: str = "view") -> Unit:
    return unit_list(user=user, action=action).get(public_id=public_id)


def officer_list(*, user: Any, action: str = "view") -> QuerySet[Officer]:
    return Officer.objects.restrict(user, action).select_related("agency", "unit").order_by(
        "agency__ori", "last_name", "first_name", "id")


def officer_get(*, user: Any, public_id: Any, action: str = "view") -> Officer:
    return officer_list(user=user, action=action).get(public_id=public_id)


def assignment_history(*, user: Any, officer: Officer) -> QuerySet[Assignment]:
    return Assignment.objects.restrict(user, "view").filter(officer=officer).select_related("unit").order_by(
        "-started")


def unit_on(*, user: Any, officer: Officer, day: dt.date) -> Unit | None:
    """The unit the officer was assigned to on `day`, from the assignment history."""
    row = assignment_history(user=user, officer=officer).filter(
        Q(ended__isnull=True) | Q(ended__gte=day), started__lte=day).first()
    return row.unit if row is not None else None
