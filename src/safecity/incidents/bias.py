"""NIBRS data element 8A, bias motivation: the code list as a rule pack, and code → name for pages and the API.

Apart from `codes.py` (which reads the offense table from the database) so that the models can name an
offense's bias motivations without an import cycle. The rules for combining and checking codes are in `facts`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from safecity.core import rules

DATA_DIR = Path(__file__).resolve().parent / "data"

BIAS_PACK = rules.PackSpec(
    name="incidents.nibrs_bias_motivation",
    title="NIBRS bias motivation codes (data element 8A)",
    path=DATA_DIR / "nibrs_bias_motivation.csv",
    key="code",
    description="Bias motivation codes an offense may carry (up to five; 88 none and 99 unknown stand alone). "
                "Checked on import and shown in words on the incident page and in the API.",
)


def bias_motivation_names(on: dt.date | None = None) -> dict[str, str]:
    """code → name of the bias motivation codes in force on `on` (today by default)."""
    from django.utils import timezone

    day = on or timezone.localdate()
    return {r.key: str(r.values["name"]) for r in rules.pack(BIAS_PACK.name).in_force(day)}
