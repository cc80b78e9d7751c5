"""Snapshots of model instances for before/after change history."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def snapshot(obj: models.Model, exclude: frozenset[str] = frozenset({"created", "last_updated"})) -> dict[str, Any]:
    """Concrete field values of `obj` as JSON-safe data (foreign keys by id; secrets never included)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.name in {"password", "key_hash"}:
            continue
        data[field.attname] = _json_value(getattr(obj, field.attname))
    return data
