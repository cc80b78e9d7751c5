"""`{% import_link "incidents" %}`: a link to a record type's import page, shown only to those who may import.

The pages refuse everyone else anyway (`module_required`); the link follows the same rule so nobody is shown
a door that answers 403: the user must hold every right the record type's import needs in some agency.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

from safecity.core import permissions, selectors
from safecity.core.importing import spec

register = template.Library()


def can_import(user: Any, name: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    rt = spec.get(name)
    # The intersection is taken in Python from the user's role grants (already loaded for the request): one
    # nested subquery per right made Django re-alias the query each time, ~10 ms on every incident-list page.
    allowed: set[int] | None = None  # None: every agency
    for action in rt.rights:
        ids = permissions.agencies_for(user, rt.module, action)
        if ids is not None:
            allowed = ids if allowed is None else allowed & ids
    agencies = selectors.agency_list(user=user)
    return (agencies if allowed is None else agencies.filter(pk__in=allowed)).exists()


@register.simple_tag(takes_context=True)
def import_link(context: dict[str, Any], name: str, label: str = "") -> str:
    request = context.get("request")
    if request is None or not can_import(getattr(request, "user", None), name):
        return ""
    rt = spec.get(name)
    return format_html('<a class="usa-link" href="{}">{}</a>', reverse(f"{rt.url_namespace}:upload"),
                       label or f"Import {rt.plural} from a file")
