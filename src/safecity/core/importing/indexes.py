"""Bulk loads without the read-only indexes: drop them before a large import, rebuild them once after.

Every secondary index is updated on every insert; building one from a full table afterwards is a single
sorted pass, much cheaper than a million random insertions (measured: see docs/importing.md). Only indexes
that exist for reads are deferred — the model's `Meta.indexes` and the single-column `db_index` indexes of
fields that are not foreign keys; the unique constraints that keep keys unique and the indexes on foreign
keys (which find a record's parts) stay in place — and only for a load large against the table
(rebuilding costs a pass over every row already there).

On PostgreSQL the foreign-key constraints of the loaded tables are deferred the same way: each inserted row
otherwise queues one trigger per foreign key that, at commit, looks the referenced row up and locks it
(measured: the commit of 200,000 incidents with an offense and a victim each spent 11 s in those checks,
half of the server's work). Adding a constraint back checks every row in one join; a row that breaks it
makes that step fail loudly, and the constraint is then created by the next `ensure()`, which fails the
same way until the row is fixed. While a load runs, our own writes are the only ones to those tables that
could break a key (the web and the API go through the ORM, which deletes dependent rows itself).

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
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

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


def _field_indexes(editor: BaseDatabaseSchemaEditor, model: type[models.Model]) -> list[tuple[str, Any]]:
    """(name, CREATE statement) of the single-column `db_index` indexes of the model's plain (non-FK) fields,
    as the schema editor creates them (on PostgreSQL a text field also gets a `_like` index)."""
    found: list[tuple[str, Any]] = []
    builder: Any = editor  # the helper below is private to Django's schema editors (not in the type stubs)
    for field in model._meta.local_fields:
        if field.is_relation or not getattr(field, "db_index", False) or field.unique:
            continue
        # Django builds these in migrations through the same (private) helper; it names them the same way.
        for statement in builder._field_indexes_sql(model, field):
            found.append((str(statement.parts["name"]).strip('"'), statement))
    return found


def _foreign_keys(model: type[models.Model]) -> dict[str, str]:
    """column → name of the model's foreign-key constraints present in the database."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {c["columns"][0]: name for name, c in constraints.items()
            if c.get("foreign_key") and len(c["columns"]) == 1}


def _fk_fields(model: type[models.Model]) -> list[Any]:
    return [f for f in model._meta.local_fields if f.many_to_one and f.concrete and getattr(f, "db_constraint", False)]


def ensure_foreign_keys(models_: Sequence[type[models.Model]]) -> list[str]:
    """Create any foreign-key constraint a model declares that the database lacks (PostgreSQL only: the only
    database where a load defers them). Adding one checks every existing row."""
    if connection.vendor != "postgresql":
        return []
    made: list[str] = []
    failed: list[str] = []
    for model in models_:
        present = _foreign_keys(model)
        for field in _fk_fields(model):
            if field.column in present:
                continue
            label = f"{model._meta.db_table}.{field.column} foreign key"
            try:  # each on its own, so one broken key does not keep the others out
                with connection.schema_editor(atomic=True) as editor:
                    builder: Any = editor  # _create_fk_sql is private to Django (not in the type stubs)
                    # The helper Django's migrations use, so the constraint gets the name and DEFERRABLE
                    # INITIALLY DEFERRED form a migration would have given it.
                    editor.execute(builder._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s"))
            except IntegrityError as exc:
                failed.append(f"{label}: {str(exc).strip()}")
                continue
            made.append(label)
    if failed:
        log.error("foreign keys left out by a bulk import could not be restored: %s", "; ".join(failed))
        raise IntegrityError("foreign keys left out by a bulk import could not be restored (rows break them; "
                             "fix the rows, then run `safecity tasks daily` or any import): " + "; ".join(failed))
    return made


def ensure(models_: Sequence[type[models.Model]], extra: Sequence[Extra] = (),
           foreign_keys: Sequence[type[models.Model]] = ()) -> list[str]:
    """Create any index (or foreign key of `foreign_keys`) a model declares that the database lacks (left by a
    killed deferred load)."""
    made: list[str] = _ensure_extra(extra) if extra else []
    for model in models_:
        present = _present(model)
        missing = [index for index in model._meta.indexes if index.name not in present]
        # Statements are only built here; an editor is entered (on SQLite that ends with a foreign-key check of
        # the whole database) only when something is missing.
        missing_fields = [(n, st) for n, st in _field_indexes(connection.schema_editor(), model) if n not in present]
        if not (missing or missing_fields):
            continue
        with connection.schema_editor(atomic=True) as editor:
            for name, statement in missing_fields:
                editor.execute(statement)
                made.append(name)
            for index in missing:
                editor.add_index(model, index)
                made.append(index.name)
    made += ensure_foreign_keys(foreign_keys)
    if made:
        log.warning("rebuilt indexes left out by an interrupted bulk import: %s", ", ".join(made))
    return made


def worth_deferring(expected_rows: int, existing_rows: int) -> bool:
    """Defer for a load of at least IMPORT_DEFER_INDEXES_MIN_ROWS rows that is at least as large as the table
    (negative setting: never)."""
    threshold = int(getattr(settings, "IMPORT_DEFER_INDEXES_MIN_ROWS", 100_000))
    return 0 <= threshold <= expected_rows and expected_rows >= existing_rows


@contextmanager
def deferred(models_: Sequence[type[models.Model]], extra: Sequence[Extra] = (),
             foreign_keys: Sequence[type[models.Model]] = ()) -> Iterator[None]:
    """Drop the models' read-only indexes (and, on PostgreSQL, the foreign keys of `foreign_keys`) for the body,
    rebuild them afterwards, also on failure.

    Each step commits on its own: the drop before the first batch, the rebuild after the last, so the
    batches in between stay the import's own transactions (kill-safety unchanged)."""
    if connection.in_atomic_block:  # inside a request's or a test's transaction: keep the indexes
        yield
        return
    ensure(models_, extra, foreign_keys)
    dropped: list[tuple[type[models.Model], models.Index]] = []
    dropped_fields: list[Any] = []
    qn = connection.ops.quote_name
    fk_models = foreign_keys if connection.vendor == "postgresql" else ()
    with connection.schema_editor(atomic=True) as editor:
        for model in fk_models:
            for name in _foreign_keys(model).values():
                editor.execute(f"ALTER TABLE {qn(model._meta.db_table)} DROP CONSTRAINT {qn(name)}")
        for model in models_:
            for index in model._meta.indexes:
                editor.remove_index(model, index)
                dropped.append((model, index))
            for name, statement in _field_indexes(editor, model):
                editor.execute(f"DROP INDEX IF EXISTS {qn(name)}")
                dropped_fields.append(statement)
        for _, name, _ in extra:
            editor.execute(f"DROP INDEX IF EXISTS {qn(name)}")
    failed = True
    try:
        yield
        failed = False
    finally:
        if connection.connection is not None:
            with connection.schema_editor(atomic=True) as editor:
                for model, index in dropped:
                    editor.add_index(model, index)
                for statement in dropped_fields:
                    editor.execute(statement)
                for _, _, create in extra:
                    editor.execute(create)
            try:
                ensure_foreign_keys(fk_models)
            except IntegrityError:
                if not failed:
                    raise
                # The run is already failing (an error, a signal): that is what to report; the broken key is
                # logged by ensure_foreign_keys and fails the next import the same way.
