"""Bulk loads without the read-only indexes: drop them before a large import, rebuild them once after.

Every secondary index is updated on every insert; building one from a full table afterwards is a single
sorted pass, much cheaper than a million random insertions (measured: see docs/importing.md). Only indexes
that exist for reads are deferred — the unique constraints that keep keys unique stay in place — and only
for a load large against the table (rebuilding costs a pass over every row already there).

An index is a cache of the table: no row is lost or changed when one is missing, only reads are slower.
A run that is killed before it rebuilds leaves them missing, so every import starts by `ensure()`-ing the
deferred indexes of its tables, and `safecity tasks daily` does the same. While a deferred load runs, the
analyses read the table without those indexes (slower, still correct); the threshold keeps deferral to the
loads where that trade is worth it (initial loads, back-fills), never the nightly increment.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, models

log = logging.getLogger(__name__)


def _present(model: type[models.Model]) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, model._meta.db_table))


# Indexes a migration creates outside the models' state (e.g. PostgreSQL-only partial indexes): (table, name,
# CREATE statement). Deferred and ensured like declared ones.
Extra = tuple[str, str, str]


def _ensure_extra(extra: Sequence[Extra]) -> list[str]:
    made: list[str] = []
    with connection.cursor() as cursor:
        for table, name, create in extra:
            if name not in connection.introspection.get_constraints(cursor, table):
                cursor.execute(create)
                made.append(name)
    return made


def ensure(models_: Sequence[type[models.Model]], extra: Sequence[Extra] = ()) -> list[str]:
    """Create any index a model declares that the database lacks (left by a killed deferred load)."""
    made: list[str] = _ensure_extra(extra) if extra else []
    for model in models_:
        present = _present(model)
        missing = [index for index in model._meta.indexes if index.name not in present]
        if not missing:
            continue
        with connection.schema_editor(atomic=True) as editor:
            for index in missing:
                editor.add_index(model, index)
                made.append(index.name)
    if made:
        log.warning("rebuilt indexes left out by an interrupted bulk import: %s", ", ".join(made))
    return made


def worth_deferring(expected_rows: int, existing_rows: int) -> bool:
    """Defer for a load of at least IMPORT_DEFER_INDEXES_MIN_ROWS rows that is at least as large as the table
    (negative setting: never)."""
    threshold = int(getattr(settings, "IMPORT_DEFER_INDEXES_MIN_ROWS", 100_000))
    return 0 <= threshold <= expected_rows and expected_rows >= existing_rows


@contextmanager
def deferred(models_: Sequence[type[models.Model]], extra: Sequence[Extra] = ()) -> Iterator[None]:
    """Drop the models' declared (non-unique) indexes for the body, rebuild them afterwards, also on failure.

    Each step commits on its own: the drop before the first batch, the rebuild after the last, so the
    batches in between stay the import's own transactions (kill-safety unchanged)."""
    if connection.in_atomic_block:  # inside a request's or a test's transaction: keep the indexes
        yield
        return
    ensure(models_, extra)
    dropped: list[tuple[type[models.Model], models.Index]] = []
    qn = connection.ops.quote_name
    with connection.schema_editor(atomic=True) as editor:
        for model in models_:
            for index in model._meta.indexes:
                editor.remove_index(model, index)
                dropped.append((model, index))
        for _, name, _ in extra:
            editor.execute(f"DROP INDEX IF EXISTS {qn(name)}")
    try:
        yield
    finally:
        if connection.connection is not None:
            with connection.schema_editor(atomic=True) as editor:
                for model, index in dropped:
                    editor.add_index(model, index)
                for _, _, create in extra:
                    editor.execute(create)
