"""Template helpers for the complaint pages."""

from __future__ import annotations

from typing import Any

from django import template

from safecity.policing import selectors

register = template.Library()


@register.simple_tag
def complaints_cleared(user: Any) -> bool:
    """May this user read complaint files anywhere (a role cleared for personnel files)?"""
    return selectors.can_read_complaints(user)
