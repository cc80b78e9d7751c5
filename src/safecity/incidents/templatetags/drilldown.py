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
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from safecity.incidents.drilldown import drill_for

register = template.Library()


@register.simple_tag
def drill(value: Any, result: Any, *keys: Any) -> SafeString | str:
    if value in (None, "", 0):
        return conditional_escape("" if value is None else value)
    found = drill_for(result, *keys)
    if found is None:
        return conditional_escape(value)
    what = "these incidents" if found.exact else f"the incidents behind these {found.unit}"
    return format_html('<a class="usa-link" href="{}">{}<span class="usa-sr-only"> (list {})</span></a>',
                       found.url, value, what)
