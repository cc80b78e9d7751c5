"""Reads of import batches and their rejected rows, for any record type, starting from `restrict()`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from safecity.core.importing.spec import RecordType


def batch_list(rt: RecordType, *, user: Any, action: str = "view") -> QuerySet[Any]:
    """Batches of the agencies where the user may `action` the record type's module, newest first."""
    return rt.batch_model.objects.restrict(user, action).select_related("agency", "started_by").order_by(
        "-started_at", "-id")


def batch_get(rt: RecordType, *, user: Any, batch_id: int, action: str = "view") -> Any:
    """Raises the batch model's DoesNotExist both for unknown ids and for another agency's batches."""
    return batch_list(rt, user=user, action=action).get(pk=batch_id)


def error_list(rt: RecordType, *, user: Any, batch: Any) -> QuerySet[Any]:
    """The stored rejected rows of a batch the caller has already fetched through `batch_get`."""
    visible = batch_list(rt, user=user).filter(pk=batch.pk)
    errors: Any = rt.error_model._default_manager  # every concrete error model has `batch`
    return errors.filter(batch__in=visible).order_by("line", "id")
