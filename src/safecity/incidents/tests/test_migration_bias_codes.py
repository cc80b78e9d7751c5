"""Migration 0008 turns each offense's single bias code into a list without losing a value (and back)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safecity.incidents.codes import load_code_table

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("incidents", "0007_importbatch_heartbeat")]
AFTER = [("incidents", "0008_offense_bias_codes")]


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_bias_code_becomes_a_list_and_back() -> None:
    old = _migrate(BEFORE)
    try:
        agency = old.get_model("core", "Agency").objects.create(ori="ZZ0000009", name="Migration PD")
        load_code_table(old)  # an earlier transactional test may have flushed the table the migration loaded
        version = old.get_model("incidents", "CodeTableVersion").objects.order_by("-effective_from").first()
        code = old.get_model("incidents", "OffenseCode").objects.get(version=version, code="13B")
        incident_model = old.get_model("incidents", "Incident")
        offense_model = old.get_model("incidents", "Offense")
        when = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)
        for n, bias in enumerate(["21", "88", "", "99"], 1):
            incident = incident_model.objects.create(agency=agency, incident_number=f"M-{n}", occurred_from=when,
                                                     occurred_date=when.date())
            offense_model.objects.create(agency=agency, incident=incident, code=code, occurred_date=when.date(),
                                         bias_code=bias)

        new = _migrate(AFTER)
        stored = dict(new.get_model("incidents", "Offense").objects.values_list("incident__incident_number",
                                                                                 "bias_codes"))
        assert stored == {"M-1": ["21"], "M-2": ["88"], "M-3": ["88"], "M-4": ["99"]}

        back = _migrate(BEFORE)
        stored_back = dict(back.get_model("incidents", "Offense").objects.values_list("incident__incident_number",
                                                                                       "bias_code"))
        assert stored_back == {"M-1": "21", "M-2": "88", "M-3": "88", "M-4": "99"}
    finally:
        # Every app back to its latest migration: going back to incidents 0007 also unapplied the migrations of
        # apps that depend on incidents (policing), which later tests on this database need.
        _migrate(_latest())


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())
