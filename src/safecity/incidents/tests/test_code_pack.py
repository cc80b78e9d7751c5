"""The NIBRS offense-code table as a rule pack (issue 7, "Build"): the pack is what the database holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client

from safecity.core import rules
from safecity.core.models import User
from safecity.incidents.codes import CODE_PACK, CURRENT_EFFECTIVE, read_code_rows
from safecity.incidents.models import OffenseCode

DAY = dt.date(2026, 11, 30)


def test_incidents_registers_its_code_pack() -> None:
    assert CODE_PACK in rules.registered()
    assert rules.pack(CODE_PACK.name).key_field == "code"


def test_code_table_in_the_database_is_the_pack_in_force(db: Any) -> None:
    """The migration loaded the pack's rows in force on the table's date, field for field."""
    pack = rules.pack(CODE_PACK.name)
    in_force = {r.key: r.values for r in pack.in_force(CURRENT_EFFECTIVE)}
    stored = {c.code: c for c in OffenseCode.objects.all()}
    assert set(in_force) == set(stored) and len(stored) == 62
    for code, values in in_force.items():
        row = stored[code]
        assert (row.name, row.category, row.crime_against, row.group, row.is_violent) == (
            values["name"], values["category"], values["crime_against"], values["group"], values["is_violent"] == "1")
    assert {r["code"] for r in read_code_rows()} == set(stored)
    assert read_code_rows(dt.date(2022, 12, 31)) == []  # nothing of this table was in force before its date


def test_open_questions_of_the_reference_are_flagged() -> None:
    """09C's crime-against is second-hand and 90A's sources disagree (reference, incidents-analytics §1.3)."""
    pack = rules.pack(CODE_PACK.name)
    assert {r.key: r.review_reason(DAY) for r in pack.needing_review(DAY)} == {
        "09C": "not yet checked against the cited source", "90A": "marked for review"}
    assert all(r.citation.startswith("FBI UCR Program, NIBRS User Manual 2023.0") for r in pack.rules)


def test_rules_page_and_api_show_the_code_table(ann_analyst: User, signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    html = client.get("/rules/", {"on": "2026-11-30"}).content.decode()
    assert "NIBRS offense codes" in html and "incidents/data/nibrs_offense_codes.csv" in html
    assert "Justifiable Homicide" in html
    packs = {p["name"]: p for p in client.get("/api/v1/rules", {"on": "2026-11-30"}).json()}
    codes = {r["key"]: r for r in packs[CODE_PACK.name]["rules"]}
    assert len(codes) == 62
    assert codes["09C"]["status"] == "unverified" and codes["09C"]["values"]["crime_against"] == "none"
    assert codes["13A"]["needs_review"] is False and codes["13A"]["review_by"] == "2027-01-01"
