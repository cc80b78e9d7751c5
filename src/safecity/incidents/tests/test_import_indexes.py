"""A large load drops the read-only incident indexes and rebuilds them once; a killed one is repaired."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from safecity.core.importing import indexes
from safecity.core.models import Agency
from safecity.incidents.importers import ImportOptions, run_import
from safecity.incidents.models import Incident, Offense
from safecity.incidents.tasks import rebuild_deferred_indexes
from safecity.incidents.tests.factories import kill_store_after_writes
from safecity.incidents.tests.test_import_formats import FIXTURES

pytestmark = pytest.mark.django_db(transaction=True)  # the drop and rebuild commit on their own
DEFERRED = {i.name for m in (Incident, Offense) for i in m._meta.indexes}
PARTIAL = {"incident_labelled", "incident_violent_or_shooting"}  # PostgreSQL only (migration 0005)


@pytest.fixture(autouse=True)
def _codes(transactional_db: Any) -> None:
    from safecity.incidents.actions import offense_code_table_load

    offense_code_table_load()  # a transactional test starts from a flushed database


def present() -> set[str]:
    with connection.cursor() as cursor:
        return {name for m in (Incident, Offense)
                for name in connection.introspection.get_constraints(cursor, m._meta.db_table)}


def test_a_large_load_defers_the_read_indexes_and_rebuilds_them(agency_a: Agency, settings: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    settings.IMPORT_DEFER_INDEXES_MIN_ROWS = 0  # every load counts as large here
    seen: list[set[str]] = []
    real = indexes.deferred

    def watching(models_: Any, extra: Any = ()) -> Any:
        context = real(models_, extra)

        class Watch:
            def __enter__(self) -> None:
                context.__enter__()
                seen.append(present())

            def __exit__(self, *exc: Any) -> Any:
                return context.__exit__(*exc)

        return Watch()

    monkeypatch.setattr(indexes, "deferred", watching)
    result = run_import(ImportOptions(path=FIXTURES / "chicago_sample.csv", agency=agency_a, fmt="chicago"))
    assert result.imported == 12
    assert seen and not (seen[0] & DEFERRED)  # during the load the read indexes were gone
    assert present() >= DEFERRED  # and are back afterwards
    assert "uniq_incident_number" in seen[0]  # the unique key never left


def test_a_killed_load_is_repaired_by_the_next_import_and_the_daily_task(
        agency_a: Agency, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings.IMPORT_DEFER_INDEXES_MIN_ROWS = 0
    with connection.schema_editor() as editor:  # as a SIGKILL mid-load leaves it: indexes dropped
        for model in (Incident, Offense):
            for index in model._meta.indexes:
                editor.remove_index(model, index)
    assert not (present() & DEFERRED)
    assert set(rebuild_deferred_indexes()) == DEFERRED  # `safecity tasks daily`
    assert present() >= DEFERRED
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
