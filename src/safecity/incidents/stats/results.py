"""What every analysis result shares, and how a result field says it is not part of the API answer.

Results are plain dataclasses whose field names are the API's names: the API's response schema is built
from them (``incidents.schemas.api_schema``) and the pages, CSV files and the PDF read the same objects.
A field the API must not show (the resolved scope, drawing geometry) is declared with :func:`internal`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from safecity.incidents.stats.coverage import Coverage
from safecity.incidents.stats.scope import Scope


def internal(**kwargs: Any) -> Any:
    """A field for the pages and exports only: left out of the API's response schema."""
    return field(metadata={"api": False}, repr=False, compare=False, **kwargs)


def doc(text: str, **kwargs: Any) -> Any:
    """A field with a description for the API document."""
    return field(metadata={"doc": text}, **kwargs)


@dataclass(kw_only=True)
class ScopedResult:
    """Which agency, area and day a result covers (the first fields of every answer)."""

    agency: str
    area: str | None
    label: str
    as_of: dt.date
    coverage: Coverage = doc("The days with data on file for the agency (first and last, per source). A period "
                             "outside them is answered with null (no data), never 0.")
    scope: Scope = internal()


def scoped(scope: Scope, as_of: dt.date, coverage: Coverage) -> dict[str, Any]:
    """The fields of :class:`ScopedResult`, as keyword arguments for a result's constructor."""
    return {"agency": scope.ori, "area": scope.area_param or None, "label": scope.label, "as_of": as_of,
            "coverage": coverage, "scope": scope}
