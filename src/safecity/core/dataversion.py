"""Per-agency data versions: raised inside every write that changes an agency's records, read by the result cache.

`bump` is one atomic upsert per agency (``version = version + 1``), so concurrent writers on PostgreSQL or
SQLite never lose an increment, and it runs in the caller's transaction: a rolled-back write rolls its bump
back too, and a reader sees the new version exactly when it can see the new rows.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import connection

from safecity.core.models import AgencyDataVersion

_TABLE = AgencyDataVersion._meta.db_table


def bump(agency_ids: Iterable[int]) -> None:
    """Raise the data version of each agency (in the caller's transaction)."""
    ids = sorted({int(a) for a in agency_ids if a is not None})
    if not ids:
        return
    # Sorted, so two transactions bumping overlapping sets lock the rows in the same order (no deadlock).
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_TABLE} (agency_id, version, token) VALUES (%s, 1, %s) "  # noqa: S608 - our table
            f"ON CONFLICT (agency_id) DO UPDATE SET version = {_TABLE}.version + 1",
            [(a, secrets.randbits(62)) for a in ids],
        )


def versions(agency_ids: Iterable[int] | None) -> tuple[tuple[int, int, int], ...]:
    """(agency id, token, version) for the given agencies (every agency with a version when None), by id.
    An agency never written to has no row and is left out."""
    qs = AgencyDataVersion.objects.order_by("agency_id")
    if agency_ids is not None:
        ids = sorted(agency_ids)
        if not ids:
            return ()
        qs = qs.filter(agency_id__in=ids)
    return tuple((int(a), int(t), int(v)) for a, t, v in qs.values_list("agency_id", "token", "version"))
