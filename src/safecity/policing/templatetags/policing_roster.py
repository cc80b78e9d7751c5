"""Template tags for the roster pages the kit renders: the officer page's assignment history, and on the list
the accounts the accused-officer wall does not yet know.

The kit's detail view passes the record; what else the officer page shows is read here through the roster
selectors with the signed-in user, so it is restricted exactly like the page itself."""

from __future__ import annotations

from typing import Any

from django import template

from safecity.core import selectors as core_selectors
from safecity.core.models import Agency
from safecity.core.permissions import has_module
from safecity.core.roles import CHANGE, Module
from safecity.policing import selectors
from safecity.policing.identity import officer_hash

register = template.Library()


@register.simple_tag(takes_context=True)
def officer_assignments(context: dict[str, Any], officer: Any) -> list[Any]:
    return list(selectors.assignment_history(user=context["request"].user, officer=officer))


@register.simple_tag(takes_context=True)
def can_reassign(context: dict[str, Any], officer: Any) -> bool:
    return has_module(context["request"].user, Module.POLICING, CHANGE, officer.agency_id)


@register.simple_tag(takes_context=True)
def unlinked_accounts(context: dict[str, Any]) -> list[tuple[Agency, list[selectors.UnlinkedAccount]]]:
    """Per agency the reader administers: accounts that read complaint files but are linked to no officer."""
    user = context["request"].user
    found = []
    for agency in core_selectors.managed_agencies(user=user).order_by("ori"):
        accounts = selectors.unlinked_cleared_accounts(user=user, agency=agency)
        if accounts:
            found.append((agency, accounts))
    return found


@register.filter
def public_officer_id(officer: Any) -> str:
    return officer_hash(officer)
