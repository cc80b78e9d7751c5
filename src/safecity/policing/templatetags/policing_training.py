"""Template tags for the training pages the kit renders: a course's sessions, read with the signed-in user."""

from __future__ import annotations

from typing import Any

from django import template

from safecity.policing import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def course_sessions(context: dict[str, Any], course: Any) -> list[Any]:
    return list(selectors.session_list(user=context["request"].user, course=course))
