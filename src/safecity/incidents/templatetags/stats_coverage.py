"""Template filters that show a period without data as "no data", never as 0 (``incidents.stats.coverage``).

Every statistics template (and any redesign of one) shows counts through these, so a ``None`` from the results
— a period outside the agency's data coverage — can never print as an empty cell or a zero:

* ``{{ value|nodata }}`` — the number, or "no data";
* ``{{ value|nodata:status }}`` — the same, with "(partial)" when ``status`` (a cell's ``coverage``) is partial;
* ``{{ value|or_dash:"reason" }}`` — a computed value (change, Z, an average), or "—" with the reason for
  screen readers when it was not computed.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def nodata(value: Any, status: str = "") -> SafeString:
    if value is None:
        return format_html('<span class="sc-nodata">no data</span>')
    if status == "partial":
        return format_html('{} <span class="sc-nodata">(partial)</span>', value)
    return format_html("{}", value)


@register.filter
def or_dash(value: Any, reason: str = "not computed") -> SafeString:
    if value is None:
        return format_html('—<span class="usa-sr-only"> {}</span>', reason)
    return format_html("{}", value)
