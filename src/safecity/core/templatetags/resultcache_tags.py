"""`{% cachedresults key %}…{% endcachedresults %}`: a page's rendering of a cached result, cached with it.

    {% load resultcache_tags %}
    {% cachedresults results_key %}{% block results %}{% endblock %}{% endcachedresults %}

`key` is derived by the view from the result's `core.resultcache` key (visibility, parameters, data versions,
code, day) plus everything else the enclosed markup depends on (the template and the query string), so the
HTML is exactly what rendering the same context again would give. The numbers of a CompStat table are
rendered once per worker process instead of on every request of a meeting (the tables were most of a cached
page's CPU time). The copy stays in the process's memory (`resultcache.get_or_compute_local`), so markup
that reads settings (the map's basemap) is never taken from before a restart. An empty key renders the
block as usual.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from safecity.core import resultcache

register = template.Library()


class CachedResultsNode(template.Node):
    def __init__(self, key: template.base.FilterExpression, nodelist: template.NodeList) -> None:
        self.key, self.nodelist = key, nodelist

    def render(self, context: template.Context) -> SafeString:
        key = self.key.resolve(context)
        if not key:
            return mark_safe(self.nodelist.render(context))  # noqa: S308 - template output, escaped by it
        html: str = resultcache.get_or_compute_local(str(key), lambda: str(self.nodelist.render(context)))
        return mark_safe(html)  # noqa: S308 - the same template output, rendered earlier


@register.tag
def cachedresults(parser: template.base.Parser, token: template.base.Token) -> CachedResultsNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument, the cache key")
    nodelist = parser.parse(("endcachedresults",))
    parser.delete_first_token()
    return CachedResultsNode(parser.compile_filter(bits[1]), nodelist)


def fragment_key(result_key: str, *parts: Any) -> str:
    """The key of a rendering of the result under `result_key`; `parts` are what else the markup depends on."""
    import hashlib

    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{result_key}:html:{digest}"
