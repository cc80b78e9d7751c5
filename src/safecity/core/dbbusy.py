"""Lock timeouts: recognise them, retry work that has not started yet, and answer 503 instead of 500.

A write that waits longer than the database allows (SQLite's busy timeout, PostgreSQL's `lock_timeout`) or
loses a serialization/deadlock race is not a bug in the request: the client may simply try again. Such
errors are recognised here, in one place, and answered `503 Service Unavailable` with `Retry-After` (see
`core.errors.server_error` and the API's exception handler).
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, connection, transaction

T = TypeVar("T")

# PostgreSQL SQLSTATEs that mean "someone else holds what you need; retrying later will work".
LOCK_SQLSTATES = frozenset({"55P03", "40001", "40P01"})  # lock_not_available, serialization_failure, deadlock
_SQLITE_MESSAGES = ("database is locked", "database table is locked", "database schema is locked")
RETRY_AFTER_SECONDS = 2


def is_lock_timeout(exc: BaseException | None) -> bool:
    """True for a database error caused by waiting on (or losing a race for) a lock, at any cause depth."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if getattr(exc, "sqlstate", None) in LOCK_SQLSTATES:  # psycopg 3
            return True
        if isinstance(exc, DatabaseError | sqlite3.Error) and any(m in str(exc).lower() for m in _SQLITE_MESSAGES):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def retry_outermost(work: Callable[[], T]) -> T:
    """Run `work` (which opens its own transaction or is one statement); repeat it after a lock timeout.

    Repeating is only safe when nothing outside `work` is in the same transaction, so inside a caller's
    atomic block the error is re-raised at once. SQLite takes its write lock at `BEGIN IMMEDIATE`, so there
    a timed-out attempt has done nothing at all.
    """
    attempts = 1 + max(0, settings.DB_BUSY_RETRIES)
    for attempt in range(1, attempts + 1):
        nested = connection.in_atomic_block
        try:
            return work()
        except DatabaseError as exc:
            if nested or attempt == attempts or not is_lock_timeout(exc):
                raise
            time.sleep(0.05 * attempt + random.random() * 0.05)  # jitter so retries do not collide again
    raise AssertionError("unreachable")


@contextlib.contextmanager
def atomic() -> Iterator[None]:
    """`transaction.atomic()` whose outermost BEGIN is retried after a lock timeout (nothing has run yet);
    nested blocks behave exactly like `transaction.atomic()`."""
    with contextlib.ExitStack() as stack:
        retry_outermost(lambda: stack.enter_context(transaction.atomic()))
        yield
