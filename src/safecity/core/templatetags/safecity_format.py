"""Number formatting shared by every page."""

from __future__ import annotations

import math
from typing import Any

from django import template

register = template.Library()


@register.filter
def pvalue(value: Any) -> str:
    """A p-value to 4 decimals; very small ones as '< 0.0001' rather than scientific notation."""
    try:
        p = float(value)
    except (TypeError, ValueError):
        return "—"
    if math.isnan(p):
        return "—"
    return "< 0.0001" if p < 0.0001 else f"{p:.4f}"
