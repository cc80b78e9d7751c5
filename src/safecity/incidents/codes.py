"""Loading and looking up the versioned NIBRS offense-code table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from safecity.core import rules

DATA_DIR = Path(__file__).resolve().parent / "data"
CURRENT_TABLE = "NIBRS 2023.0"
CURRENT_EFFECTIVE = dt.date(2023, 1, 1)
CURRENT_CITATION = ("FBI UCR Program, National Incident-Based Reporting System User Manual, 2023.0; "
                    "offense list in incidents/data/nibrs_offense_codes.csv")


# The code table is a rule pack (core/rules.py): registered by IncidentsConfig.ready for the rules page, the API
# and the review check, and read here directly because the loading migration runs before any app is ready.
CODE_PACK = rules.PackSpec(
    name="incidents.nibrs_offense_codes",
    title="NIBRS offense codes",
    path=DATA_DIR / "nibrs_offense_codes.csv",
    key="code",
    description="Offense codes the importers, incident forms and CompStat accept, with their crime-against "
                "category and FBI violent-crime membership. Loaded into the database by a migration.",
)


def read_code_rows(on: dt.date = CURRENT_EFFECTIVE) -> list[dict[str, str]]:
    """The codes in force on `on` (the current table's date by default), one dict per code."""
    table = CODE_PACK.load()
    return [{"code": r.key, **{k: str(v) for k, v in r.values.items()}} for r in table.in_force(on)]


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
    _code_rows.clear()


def current_codes() -> dict[str, Any]:
    from safecity.incidents.models import CodeTableVersion, OffenseCode

    version = CodeTableVersion.objects.order_by("-effective_from").first()
    return {c.code: c for c in OffenseCode.objects.filter(version=version)}


# (code, name, category) of the table in force, by code: the filter choices of every incident list, read once
# per process instead of as ~90 model objects three times per request. The table changes only through
# `load_code_table` (which empties this) from the rule pack shipped with the code, so the key is the code's
# version (`resultcache.code_version` digests the package's data files): a new pack is a new deploy.
_code_rows: dict[str, list[tuple[str, str, str]]] = {}


def current_code_rows() -> list[tuple[str, str, str]]:
    from safecity.core.resultcache import code_version

    key = code_version()
    rows = _code_rows.get(key)
    if not rows:  # an empty table (not loaded yet) is read again next time
        rows = _code_rows[key] = sorted((c.code, c.name, c.category) for c in current_codes().values())
    return rows
