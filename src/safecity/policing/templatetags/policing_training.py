"""Template tags for the training pages the kit renders: a course's sessions and a session's roster, read with
the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import template

from safecity.policing import selectors
from safecity.policing.models import Topic

register = template.Library()


@register.simple_tag(takes_context=True)
def course_sessions(context: dict[str, Any], course: Any) -> list[Any]:
    return list(selectors.session_list(user=context["request"].user, course=course))


@dataclass(frozen=True)
class Roster:
    rows: list[Any]
    passed: int
    hours: Decimal  # credited by the passed completions: failed ones count toward no requirement


@register.simple_tag(takes_context=True)
def session_roster(context: dict[str, Any], session: Any) -> Roster:
    rows = list(selectors.session_attendance(user=context["request"].user, session=session))
    passed = [a for a in rows if a.passed]
    return Roster(rows=rows, passed=len(passed), hours=sum((a.hours for a in passed), Decimal("0")))


@register.filter
def topic_names(label: str) -> str:
    """A requirement's topic label as the analytics module writes it ("firearms + driving") in words."""
    names = dict(Topic.choices)
    return " + ".join(str(names.get(code, code)) for code in label.split(" + "))
