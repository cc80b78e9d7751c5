"""An agency's population for a year: the latest figure on or before it, read once per instance, and the new
figure after the action changes it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safecity.core import actions
from safecity.core.actors import SYSTEM
from safecity.core.models import Agency

pytestmark = pytest.mark.django_db


def test_latest_figure_on_or_before_the_year(agency_a: Agency) -> None:
    actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2020, population=100_000)
    actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2023, population=104_000)
    agency = Agency.objects.get(pk=agency_a.pk)
    with CaptureQueriesContext(connection) as q:
        assert [agency.population(y) for y in (2019, 2020, 2022, 2023, 2030)] == [None, 100_000, 100_000,
                                                                                  104_000, 104_000]
    assert len(q) == 1


def test_the_action_refreshes_the_instance(agency_a: Agency) -> None:
    actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2024, population=50_000)
    assert agency_a.population(2024) == 50_000
    actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2024, population=51_000)
    actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2025, population=52_000)
    assert (agency_a.population(2024), agency_a.population(2025)) == (51_000, 52_000)


def test_prefetched_rows_are_used(agency_a: Agency) -> None:
    actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2024, population=50_000)
    agency = Agency.objects.prefetch_related("populations").get(pk=agency_a.pk)
    with CaptureQueriesContext(connection) as q:
        assert agency.population(2025) == 50_000
    assert len(q) == 0
