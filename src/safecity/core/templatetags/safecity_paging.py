"""Page links for `includes/pagination.html`: first / previous / a few numbers / next / last, and a jump form."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

register = template.Library()


@register.simple_tag
def page_numbers(page: Page[Any]) -> list[int | None]:
    """The page numbers to show around the current one; None marks a gap (an ellipsis)."""
    elided = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return [n if isinstance(n, int) else None for n in elided]


@register.simple_tag(takes_context=True)
def kept_params(context: Any, drop: str = "page") -> list[tuple[str, str]]:
    """The current query string's (name, value) pairs except `drop`, as hidden fields of the jump form."""
    request = context.get("request")
    if request is None:
        return []
    return [(k, v) for k, values in request.GET.lists() if k != drop for v in values if v]
