"""`{{ x|pct }}`: a proportion as a percentage with one decimal ("—" when there is none)."""

from __future__ import annotations

import math

from django import template

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{100 * float(value):.1f}%"
