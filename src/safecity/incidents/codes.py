"""Loading and looking up the versioned NIBRS offense-code table."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
CURRENT_TABLE = "NIBRS 2023.0"
CURRENT_EFFECTIVE = dt.date(2023, 1, 1)
CURRENT_CITATION = ("FBI UCR Program, National Incident-Based Reporting System User Manual, 2023.0; "
                    "offense list in incidents/data/nibrs_offense_codes.csv")


def read_code_rows() -> list[dict[str, str]]:
    with (DATA_DIR / "nibrs_offense_codes.csv").open(newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines))


def load_code_table(apps: Any = None) -> None:
    """Create or refresh the current code table (idempotent; used by a migration and by tests)."""
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    version_model = apps.get_model("incidents", "CodeTableVersion")
    code_model = apps.get_model("incidents", "OffenseCode")
    version, _ = version_model.objects.get_or_create(
        name=CURRENT_TABLE, defaults={"effective_from": CURRENT_EFFECTIVE, "citation": CURRENT_CITATION})
    for row in read_code_rows():
        code_model.objects.update_or_create(
            version=version, code=row["code"],
            defaults={"name": row["name"], "category": row["category"], "crime_against": row["crime_against"],
                      "group": row["group"], "is_violent": row["is_violent"] == "1"})


def current_codes() -> dict[str, Any]:
    from safecity.incidents.models import CodeTableVersion, OffenseCode

    version = CodeTableVersion.objects.order_by("-effective_from").first()
    return {c.code: c for c in OffenseCode.objects.filter(version=version)}
