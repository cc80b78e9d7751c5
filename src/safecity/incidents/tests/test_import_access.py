"""Import batches are read only through the restricted queryset: another agency's batch is 404 everywhere."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from safecity.core.models import Agency, User
from safecity.incidents import selectors
from safecity.incidents.importers import ImportOptions, run_import
from safecity.incidents.models import ImportBatch
from safecity.incidents.tests.test_import_formats import FIXTURES

pytestmark = pytest.mark.django_db


def _batch(agency: Agency) -> ImportBatch:
    return run_import(ImportOptions(path=FIXTURES / "bad_rows_chicago.csv", agency=agency, fmt="chicago",
                                    file_name="bad_rows_chicago.csv")).batch


def test_another_agencys_import_batch_is_404_on_web_and_api(
        agency_a: Agency, agency_b: Agency, ann_analyst: User, signed_in: Callable[[User], Client]) -> None:
    mine, theirs = _batch(agency_a), _batch(agency_b)
    assert theirs.errors.exists()  # there is something to leak
    client = signed_in(ann_analyst)
    assert list(selectors.import_batch_list(user=ann_analyst)) == [mine]
    with pytest.raises(ImportBatch.DoesNotExist):
        selectors.import_batch_get(user=ann_analyst, batch_id=theirs.pk)
    # list: the upload page's recent imports
    recent = client.get(reverse("incidents_import:upload")).context["recent"]
    assert [b.pk for b in recent] == [mine.pk]
    unknown = theirs.pk + 1000
    for batch_id, status in ((mine.pk, 200), (theirs.pk, 404), (unknown, 404)):
        assert client.get(reverse("incidents_import:result", args=[batch_id])).status_code == status, batch_id
        assert client.get(reverse("incidents_import:errors_csv", args=[batch_id])).status_code == status, batch_id
        detail = client.get(f"/api/v1/imports/{batch_id}")
        assert detail.status_code == status, batch_id
        errors = client.get(f"/api/v1/imports/{batch_id}/errors")
        assert errors.status_code == status, batch_id
        if status == 404:
            assert detail.json()["error"]["code"] == "not_found" and errors.json()["error"]["code"] == "not_found"


def test_import_errors_selector_reads_only_batches_the_user_may_see(
        agency_a: Agency, agency_b: Agency, ann_analyst: User) -> None:
    theirs = _batch(agency_b)
    assert not selectors.import_error_list(user=ann_analyst, batch=theirs).exists()


def test_superuser_sees_every_batch(agency_a: Agency, agency_b: Agency) -> None:
    from safecity.conftest import make_persona

    _batch(agency_a), _batch(agency_b)
    root = make_persona("root", agency_a, superuser=True)
    assert {b.agency_id for b in selectors.import_batch_list(user=root)} == {agency_a.pk, agency_b.pk}
