"""Within a request the data versions are read once; after a write they are read afresh every time."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from safecity.core import dataversion
from safecity.core.models import Agency

pytestmark = pytest.mark.django_db


def test_read_once_per_request_and_afresh_after_a_write(agency_a: Agency) -> None:
    dataversion.bump([agency_a.pk])
    with dataversion.remembered():
        with CaptureQueriesContext(connection) as q:
            first = dataversion.versions([agency_a.pk])
            assert dataversion.versions([agency_a.pk]) == first
        assert len(q) == 1
        dataversion.bump([agency_a.pk])
        second = dataversion.versions([agency_a.pk])
        assert second[0][2] == first[0][2] + 1
        with CaptureQueriesContext(connection) as q:
            dataversion.versions([agency_a.pk])
        assert len(q) == 1  # not remembered any more


def test_a_rolled_back_bump_is_not_remembered(agency_a: Agency) -> None:
    dataversion.bump([agency_a.pk])
    before = dataversion.versions([agency_a.pk])
    with dataversion.remembered():
        try:
            with transaction.atomic():
                dataversion.bump([agency_a.pk])
                assert dataversion.versions([agency_a.pk]) != before
                raise RuntimeError("the write fails")
        except RuntimeError:
            pass
        assert dataversion.versions([agency_a.pk]) == before


def test_outside_a_request_nothing_is_remembered(agency_a: Agency) -> None:
    with CaptureQueriesContext(connection) as q:
        dataversion.versions([agency_a.pk])
        dataversion.versions([agency_a.pk])
    assert len(q) == 2
