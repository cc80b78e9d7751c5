"""Factories for training tests, through the training actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from safecity.core.actors import SYSTEM
from safecity.core.models import Agency
from safecity.policing import actions
from safecity.policing.models import Attendance, Course, Officer


def make_course(agency: Agency, code: str = "FA-QUAL", topic: str = "firearms", hours: str = "4",
                title: str = "", **kwargs: Any) -> Course:
    return actions.course_create(actor=SYSTEM, agency=agency, code=code, title=title or f"Course {code}",
                                 topic=topic, hours=Decimal(hours), **kwargs)


def complete(officer: Officer, course: Course, day: dt.date, hours: str | None = None, **kwargs: Any) -> Attendance:
    return actions.attendance_record(actor=SYSTEM, officer=officer, course=course, completed_on=day,
                                     hours=Decimal(hours) if hours is not None else None, **kwargs)
