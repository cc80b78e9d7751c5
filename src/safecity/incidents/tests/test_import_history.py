"""Import writes go through incidents.actions: a re-import leaves before/after history on what it changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from safecity.core.audit import verify_chain
from safecity.core.models import Agency, AuditEvent, ObjectChange, User
from safecity.incidents.importers import ImportOptions, run_import
from safecity.incidents.models import ImportBatch, Incident
from safecity.incidents.tests.test_import_formats import FIXTURES, run

pytestmark = pytest.mark.django_db

PREFIX = "JH100003,01/03/2024 09:00:00 AM,004XX S DEARBORN ST,"


def incident_changes() -> list[ObjectChange]:
    return list(ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Incident)))


def test_reimport_records_before_and_after_of_changed_incidents_only(
        agency_a: Agency, olivia_officer: User, signed_in: Callable[[User], Client], tmp_path: Path) -> None:
    first = run(agency_a, "chicago_sample.csv", "chicago")
    assert first.imported == 12
    assert incident_changes() == []  # new incidents carry their batch; a million create rows would say nothing more
    before = Incident.objects.get(incident_number="JH100003")
    edited = tmp_path / "edited.csv"
    edited.write_text((FIXTURES / "chicago_sample.csv").read_text().replace(PREFIX + "0820", PREFIX + "0610"))
    again = run_import(ImportOptions(path=edited, agency=agency_a, fmt="chicago"))
    assert (again.imported, again.unchanged) == (1, 11)

    changes = incident_changes()
    assert [(c.object_id, c.action) for c in changes] == [(str(before.pk), "update")]  # unchanged rows: none
    change = changes[0]
    diff = {field: (old, new) for field, old, new in change.diff()}
    assert diff["primary_offense"] == (before.primary_offense, "220")
    assert diff["import_batch_id"] == (first.batch.pk, again.batch.pk)
    assert "content_hash" in diff and "incident_number" not in diff and "public_id" not in diff
    assert change.event.action == "import.batch" and change.event.object_id == str(again.batch.pk)
    assert change.object_repr == f"{agency_a.ori}-JH100003"

    page = signed_in(olivia_officer).get(reverse("incidents:detail", args=[before.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "primary_offense" in html and "220" in html
    assert verify_chain().ok


def test_each_step_of_a_run_is_one_audited_action(agency_a: Agency, tmp_path: Path) -> None:
    result = run(agency_a, "chicago_sample.csv", "chicago", batch_size=5)
    actions = list(AuditEvent.objects.filter(action__startswith="import.").order_by("seq")
                   .values_list("action", "object_id"))
    batch = str(result.batch.pk)
    assert actions == [("import.start", batch), ("import.batch", batch), ("import.batch", batch),
                       ("import.batch", batch), ("import.finish", batch)]
    assert ImportBatch.objects.get().status == "done"


def test_a_strict_run_with_bad_rows_is_rejected_through_an_action(agency_a: Agency) -> None:
    result = run(agency_a, "bad_rows_chicago.csv", "chicago", strict=True)
    assert result.status == "rejected"
    finish = AuditEvent.objects.get(action="import.finish")
    assert finish.extra["status"] == "rejected" and finish.object_id == str(result.batch.pk)
    assert ImportBatch.objects.get().status == "rejected" and not Incident.objects.exists()



def test_import_batch_start_refuses_without_import_rights(agency_a: Agency, olivia_officer: User) -> None:
    from safecity.core.importing.actions import batch_start
    from safecity.core.permissions import NotPermitted
    from safecity.incidents.importers import INCIDENTS

    # Officers may add and change incidents one by one but not bulk-replace them (no delete right).
    with pytest.raises(NotPermitted):
        batch_start(INCIDENTS, actor=olivia_officer, agency=agency_a, fmt="chicago", file_name="x.csv",
                           file_sha256="0" * 64)
    assert not ImportBatch.objects.exists()
    assert AuditEvent.objects.filter(action="import.start", outcome="denied", actor_name="olivia").exists()
