"""`{% drill value result key… %}`: an analysis figure as a link to the incidents behind it.

    {% load drilldown %}
    {% drill cell.current result row.category "d28" %}      CompStat cell (prior year: "d28_py")
    {% drill c.current result category "ytd" a.code %}       CompStat by-area cell
    {% drill r.current result r "cur" %}                     uptick row ("py", "pre" for the baselines)
    {% drill c.count result c %}  {% drill result.n_incidents result %}   hot spots / near repeat
    {% drill c.current result c.measure %}  {% drill y.counts.shooting_victims result "shooting_victims" y %}

Zero and missing values are shown without a link (an empty list says nothing more).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from safecity.incidents.drilldown import drill_for
from safecity.incidents.templatetags.stats_coverage import nodata

register = template.Library()


@register.simple_tag
def drill(value: Any, result: Any, *keys: Any, coverage: str = "") -> SafeString | str:
    """`coverage` ("full", "partial", "none") marks a figure from a period only partly on file; a missing
    value (a period with no data on file) reads "no data", never 0 or blank."""
    if value is None:
        return nodata(None)
    if value in ("", 0):
        return nodata(value, coverage)
    found = drill_for(result, *keys)
    if found is None:
        return nodata(value, coverage)
    what = "these incidents" if found.exact else f"the incidents behind these {found.unit}"
    link = format_html('<a class="usa-link" href="{}">{}<span class="usa-sr-only"> (list {})</span></a>',
                       found.url, value, what)
    return format_html('{} <span class="sc-nodata">(partial)</span>', link) if coverage == "partial" else link
