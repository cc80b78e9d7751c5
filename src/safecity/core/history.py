"""Snapshots of model instances for before/after change history.

A model names the fields whose values must never reach the history (read by auditors who need not see a
record's contents) in a `history_withheld` class attribute, e.g. a complaint's summary, which may identify the
complainant. Such a value is recorded as "(withheld <digest>)": a short keyed digest, so a reader can tell that
the value changed between two versions but not what it is (the key is derived from `SECRET_KEY`, so a guess
cannot be tested against it); an empty value stays empty."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import uuid
from typing import Any

from django.conf import settings
from django.db import models

WITHHELD_PURPOSE = b"safecity.core.history.withheld.v1"


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def snapshot(obj: models.Model, exclude: frozenset[str] = frozenset({"created", "last_updated"})) -> dict[str, Any]:
    """Concrete field values of `obj` as JSON-safe data (foreign keys by id; secrets never included)."""
    withheld: frozenset[str] = getattr(type(obj), "history_withheld", frozenset())
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.name in {"password", "key_hash"}:
            continue
        value = _json_value(getattr(obj, field.attname))
        data[field.attname] = withheld_marker(value) if field.name in withheld else value
    return data


def withheld_marker(value: Any) -> Any:
    """What the history shows instead of a withheld value: nothing for an empty one, else "(withheld <digest>)"."""
    if value is None or value == "":
        return value
    key = hmac.new(settings.SECRET_KEY.encode(), WITHHELD_PURPOSE, hashlib.sha256).digest()
    digest = hashlib.blake2b(str(value).encode(), key=key, digest_size=4).hexdigest()
    return f"(withheld {digest})"
