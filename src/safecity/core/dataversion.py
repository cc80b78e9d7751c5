"""Per-agency data versions: raised inside every write that changes an agency's records, read by the result cache.

`bump` is one atomic upsert per agency (``version = version + 1``), so concurrent writers on PostgreSQL or
SQLite never lose an increment, and it runs in the caller's transaction: a rolled-back write rolls its bump
back too, and a reader sees the new version exactly when it can see the new rows.

Within one request (`remembered()`, entered by `RequestContextMiddleware`) each set of agencies' versions is
read once: a page asks for them for every cached table, count and analysis on it (three or four identical
queries a page). After a `bump` the request reads them afresh every time.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection

from safecity.core.models import AgencyDataVersion

_TABLE = AgencyDataVersion._meta.db_table
_request = threading.local()  # .memo: {agency ids or None: versions} while a request is being served

Versions = tuple[tuple[int, int, int], ...]


@contextmanager
def remembered() -> Iterator[None]:
    """Read each agency set's versions once inside this block (one request)."""
    outer = getattr(_request, "memo", None)
    _request.memo = {}
    try:
        yield
    finally:
        _request.memo = outer


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
    # Stop remembering for the rest of the request: its transaction may yet roll this bump back, and a version
    # remembered from inside it would key results to a version number the next real write will reuse.
    _request.memo = None


def versions(agency_ids: Iterable[int] | None) -> Versions:
    """(agency id, token, version) for the given agencies (every agency with a version when None), by id.
    An agency never written to has no row and is left out."""
    key = None if agency_ids is None else tuple(sorted(agency_ids))
    memo: dict[tuple[int, ...] | None, Versions] | None = getattr(_request, "memo", None)
    if memo is not None and key in memo:
        return memo[key]
    qs = AgencyDataVersion.objects.order_by("agency_id")
    if key is not None:
        if not key:
            return ()
        qs = qs.filter(agency_id__in=key)
    found = tuple((int(a), int(t), int(v)) for a, t, v in qs.values_list("agency_id", "token", "version"))
    if memo is not None:
        memo[key] = found
    return found
