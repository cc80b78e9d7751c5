"""A large load drops the read-only incident indexes (and, on PostgreSQL, the incident tables' foreign keys)
and rebuilds them once; a killed one is repaired."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection

from safecity.core.importing import indexes
from safecity.core.models import Agency
from safecity.incidents.importers import ImportOptions, run_import
from safecity.incidents.importers.store import FOREIGN_KEY_TABLES
from safecity.incidents.models import Incident, Offense
from safecity.incidents.tasks import rebuild_deferred_indexes
from safecity.incidents.tests.factories import kill_store_after_writes
from safecity.incidents.tests.test_import_formats import FIXTURES

pytestmark = pytest.mark.django_db(transaction=True)  # the drop and rebuild commit on their own
# The declared indexes, and the db_index ones of occurred_date and primary_offense (named by Django).
DEFERRED = {i.name for m in (Incident, Offense) for i in m._meta.indexes} | {
    "incidents_incident_occurred_date_5372f67f", "incidents_incident_primary_offense_f2829317"}
PARTIAL = {"incident_labelled", "incident_violent_or_shooting"}  # PostgreSQL only (migration 0005)


@pytest.fixture(autouse=True)
def _codes(transactional_db: Any) -> None:
    from safecity.incidents.actions import offense_code_table_load

    offense_code_table_load()  # a transactional test starts from a flushed database


def present() -> set[str]:
    with connection.cursor() as cursor:
        return {name for m in (Incident, Offense)
                for name in connection.introspection.get_constraints(cursor, m._meta.db_table)}


def foreign_keys() -> set[tuple[str, str, str]]:
    """(table, column, referenced table) of every foreign-key constraint on the incident tables."""
    found = set()
    with connection.cursor() as cursor:
        for model in FOREIGN_KEY_TABLES:
            table = model._meta.db_table
            for c in connection.introspection.get_constraints(cursor, table).values():
                if c["foreign_key"]:
                    found.add((table, c["columns"][0], c["foreign_key"][0]))
    return found


# Every foreign key the models declare, e.g. offense.incident_id → incident and offense.code_id → offense code.
DECLARED_FKS = {(m._meta.db_table, f.column, f.target_field.model._meta.db_table)
                for m in FOREIGN_KEY_TABLES for f in m._meta.local_fields if f.many_to_one}


def test_a_large_load_defers_the_read_indexes_and_rebuilds_them(agency_a: Agency, settings: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    settings.IMPORT_DEFER_INDEXES_MIN_ROWS = 0  # every load counts as large here
    seen: list[set[str]] = []
    keys_during: list[set[tuple[str, str, str]]] = []
    real = indexes.deferred
    assert foreign_keys() == DECLARED_FKS and len(DECLARED_FKS) >= 12

    def watching(models_: Any, extra: Any = (), fk_models: Any = ()) -> Any:
        context = real(models_, extra, fk_models)

        class Watch:
            def __enter__(self) -> None:
                context.__enter__()
                seen.append(present())
                keys_during.append(foreign_keys())

            def __exit__(self, *exc: Any) -> Any:
                return context.__exit__(*exc)

        return Watch()

    monkeypatch.setattr(indexes, "deferred", watching)
    result = run_import(ImportOptions(path=FIXTURES / "chicago_sample.csv", agency=agency_a, fmt="chicago"))
    assert result.imported == 12
    assert seen and not (seen[0] & DEFERRED)  # during the load the read indexes were gone
    assert present() >= DEFERRED  # and are back afterwards
    assert "uniq_incident_number" in seen[0]  # the unique key never left
    assert "incidents_offense_incident_id_43b238e2" in seen[0]  # nor the index that finds an incident's parts
    assert foreign_keys() == DECLARED_FKS  # every foreign key is back
    if connection.vendor == "postgresql":  # deferred there only (SQLite cannot drop one without a rebuild)
        assert keys_during == [set()]
    else:
        assert keys_during == [DECLARED_FKS]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_row_that_breaks_a_foreign_key_while_it_is_deferred_fails_the_run_loudly(
        agency_a: Agency, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding the keys back checks every row: an orphan written meanwhile is not silently accepted."""
    settings.IMPORT_DEFER_INDEXES_MIN_ROWS = 0
    from safecity.incidents.importers import store

    real_write = store.IncidentStore.write

    def write_and_orphan(self: Any, *args: Any) -> None:
        real_write(self, *args)
        with connection.cursor() as cursor:  # a victim of an incident that does not exist
            cursor.execute("INSERT INTO incidents_victim (incident_id, agency_id, seq, victim_type, sex, race, "
                           "ethnicity, injury_codes, offense_codes, relationship, is_fatal, is_shot) VALUES "
                           "(987654321, %s, 1, 'I', '', '', '', '[]', '[]', '', false, false)", [agency_a.pk])

    monkeypatch.setattr(store.IncidentStore, "write", write_and_orphan)
    with pytest.raises(IntegrityError):
        run_import(ImportOptions(path=FIXTURES / "chicago_sample.csv", agency=agency_a, fmt="chicago"))
    assert ("incidents_victim", "incident_id", "incidents_incident") not in foreign_keys()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM incidents_victim WHERE incident_id = 987654321")
    assert rebuild_deferred_indexes() == ["incidents_victim.incident_id foreign key"]
    assert foreign_keys() == DECLARED_FKS


def test_a_killed_load_is_repaired_by_the_next_import_and_the_daily_task(
        agency_a: Agency, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings.IMPORT_DEFER_INDEXES_MIN_ROWS = 0
    with connection.schema_editor() as editor:  # as a SIGKILL mid-load leaves it: indexes dropped
        for model in (Incident, Offense):
            for index in model._meta.indexes:
                editor.remove_index(model, index)
        for name in DEFERRED - {i.name for m in (Incident, Offense) for i in m._meta.indexes}:
            editor.execute(f"DROP INDEX {name}")
        dropped_fk = ""
        if connection.vendor == "postgresql":  # and a foreign key
            dropped_fk = next(n for n, c in connection.introspection.get_constraints(
                editor.connection.cursor(), "incidents_offense").items() if c["foreign_key"]
                and c["columns"] == ["incident_id"])
            editor.execute(f"ALTER TABLE incidents_offense DROP CONSTRAINT {dropped_fk}")
    assert not (present() & DEFERRED)
    repaired = set(rebuild_deferred_indexes())  # `safecity tasks daily`
    assert repaired >= DEFERRED
    if dropped_fk:
        assert "incidents_offense.incident_id foreign key" in repaired
    assert present() >= DEFERRED and foreign_keys() == DECLARED_FKS
    kill_store_after_writes(monkeypatch, 1)
    with pytest.raises(KeyboardInterrupt):
        run_import(ImportOptions(path=FIXTURES / "chicago_sample.csv", agency=agency_a, fmt="chicago",
                                 batch_size=5))
    assert present() >= DEFERRED  # a run stopped by an exception rebuilds on its way out
    assert Incident.objects.count() == 0  # nothing of the killed batch


def test_a_small_load_into_a_large_table_keeps_its_indexes(agency_a: Agency, settings: Any) -> None:
    settings.IMPORT_DEFER_INDEXES_MIN_ROWS = 5
    assert not indexes.worth_deferring(4, 0) and indexes.worth_deferring(5, 5) and not indexes.worth_deferring(5, 6)
    settings.IMPORT_DEFER_INDEXES_MIN_ROWS = -1
    assert not indexes.worth_deferring(10**9, 0)
