"""Training writes: courses, sessions and attendance (hours credited to an officer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.core.actions import audited
from safecity.core.actors import Actor, is_system
from safecity.core.history import snapshot
from safecity.core.models import Agency
from safecity.core.permissions import ensure_can, ensure_module
from safecity.core.roles import Module
from safecity.policing.models import Attendance, Course, Delivery, Officer, Topic, TrainingSession
from safecity.policing.models.training import attendance_key

__all__ = ["AttendanceRow", "attendance_bulk_record", "attendance_record", "course_create", "course_update",
           "session_bulk_create", "session_create"]

HOURS_MAX = Decimal("200")


def _check(actor: Actor, agency: Agency, right: str = "add") -> None:
    if not is_system(actor):
        ensure_module(actor, Module.POLICING, right, agency.pk)


def _hours(value: Any, field: str, errors: dict[str, str], *, maximum: Decimal = HOURS_MAX) -> Decimal | None:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors[field] = f"{value!r} is not a number of hours."
        return None
    if not Decimal("0") < hours <= maximum:
        errors[field] = f"Must be more than 0 and at most {maximum}."
    return hours


def course_create(*, actor: Actor, agency: Agency, code: str, title: str, topic: str, hours: Any,
                  delivery: str = Delivery.CLASSROOM, description: str = "") -> Course:
    with audited(actor=actor, action="training.course.create") as frame:
        _check(actor, agency)
        errors: dict[str, str] = {}
        code = code.strip().upper()
        if not code:
            errors["code"] = "Required."
        elif Course.objects.filter(agency=agency, code=code).exists():
            errors["code"] = "This agency already has a course with that code."
        if not title.strip():
            errors["title"] = "Required."
        if topic not in Topic.values:
            errors["topic"] = f"Unknown topic {topic!r}; use one of {', '.join(Topic.values)}."
        if delivery not in Delivery.values:
            errors["delivery"] = f"Unknown delivery {delivery!r}."
        credit = _hours(hours, "hours", errors)
        if errors or credit is None:
            raise ValidationError(errors)
        course = Course.objects.create(agency=agency, code=code, title=title.strip(), topic=topic, hours=credit,
                                       delivery=delivery, description=description.strip())
        frame.created(course)
    return course


_COURSE_EDITABLE = {"title", "topic", "hours", "delivery", "description", "active"}


def course_update(*, actor: Actor, course: Course, **changes: Any) -> Course:
    """Change a course; hours already credited by attendance stay as they were credited."""
    unknown = set(changes) - _COURSE_EDITABLE
    if unknown:
        raise ValidationError({k: "This field cannot be changed here." for k in sorted(unknown)})
    errors: dict[str, str] = {}
    if "topic" in changes and changes["topic"] not in Topic.values:
        errors["topic"] = f"Unknown topic {changes['topic']!r}."
    if "delivery" in changes and changes["delivery"] not in Delivery.values:
        errors["delivery"] = f"Unknown delivery {changes['delivery']!r}."
    if "hours" in changes:
        changes["hours"] = _hours(changes["hours"], "hours", errors)
    if "title" in changes and not str(changes["title"]).strip():
        errors["title"] = "Required."
    if errors:
        raise ValidationError(errors)
    with audited(actor=actor, action="training.course.update", obj=course) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", course)
        before = snapshot(course)
        for key, value in changes.items():
            setattr(course, key, value)
        course.save()
        frame.updated(course, before)
    return course


def session_create(*, actor: Actor, course: Course, date: dt.date, instructor: str = "",
                   location: str = "") -> TrainingSession:
    with audited(actor=actor, action="training.session.create") as frame:
        _check(actor, course.agency)
        if date > timezone.localdate() + dt.timedelta(days=366):
            raise ValidationError({"date": "More than a year ahead."})
        session = TrainingSession.objects.create(agency=course.agency, course=course, date=date,
                                                 instructor=instructor.strip(), location=location.strip())
        frame.created(session)
    return session


def session_bulk_create(*, actor: Actor, agency: Agency,
                        sessions: Iterable[tuple[Course, dt.date, str, str]]) -> list[TrainingSession]:
    """Many sessions (course, date, instructor, location) in one audited action, e.g. a year's schedule."""
    with audited(actor=actor, action="training.session.bulk_create") as frame:
        _check(actor, agency)
        limit = timezone.localdate() + dt.timedelta(days=366)
        rows = []
        for n, (course, date, instructor, location) in enumerate(sessions, start=1):
            if course.agency_id != agency.pk:
                raise ValidationError({f"row {n}: course": "The course belongs to another agency."})
            if date > limit:
                raise ValidationError({f"row {n}: date": "More than a year ahead."})
            rows.append(TrainingSession(agency=agency, course=course, date=date, instructor=instructor.strip(),
                                        location=location.strip()))
        made = TrainingSession.objects.bulk_create(rows, batch_size=500)
        frame.touch(agency.pk)
        frame.extra["rows"] = len(made)
    return made


def _attendance_errors(officer: Officer, course: Course, session: TrainingSession | None, completed_on: dt.date,
                       hours: Decimal | None, score: Any, errors: dict[str, str]) -> None:
    if course.agency_id != officer.agency_id:
        errors["course"] = "The course belongs to another agency."
    if session is not None and session.course_id != course.pk:
        errors["session"] = "The session is of another course."
    if completed_on > timezone.localdate():
        errors["completed_on"] = "Cannot be in the future."
    if officer.hire_date is not None and completed_on < officer.hire_date - dt.timedelta(days=366):
        errors["completed_on"] = f"More than a year before the officer was hired ({officer.hire_date})."
    if score is not None and not Decimal("0") <= Decimal(str(score)) <= Decimal("100"):
        errors["score"] = "A score is between 0 and 100."


def attendance_record(*, actor: Actor, officer: Officer, course: Course, completed_on: dt.date,
                      hours: Any = None, session: TrainingSession | None = None, score: Any = None,
                      passed: bool = True) -> Attendance:
    """Credit an officer with a completed course (the course's hours unless `hours` says otherwise)."""
    with audited(actor=actor, action="training.attendance.record", obj=officer) as frame:
        _check(actor, officer.agency)
        errors: dict[str, str] = {}
        credit = _hours(course.hours if hours in (None, "") else hours, "hours", errors)
        _attendance_errors(officer, course, session, completed_on, credit, score, errors)
        key = attendance_key(officer.employee_id, course.code, completed_on.isoformat())
        if not errors and Attendance.objects.filter(agency=officer.agency, record_key=key).exists():
            errors["completed_on"] = "This officer already has this course completed on that day."
        if errors or credit is None:
            raise ValidationError(errors)
        row = Attendance.objects.create(
            agency=officer.agency, record_key=key, officer=officer, course=course, session=session,
            completed_on=completed_on, hours=credit,
            score=None if score is None else Decimal(str(score)).quantize(Decimal("0.01")), passed=passed)
        frame.created(row)
    return row


@dataclass(frozen=True)
class AttendanceRow:
    officer: Officer
    course: Course
    completed_on: dt.date
    hours: Decimal | None = None
    session: TrainingSession | None = None
    score: Decimal | None = None
    passed: bool = True


def attendance_bulk_record(*, actor: Actor, agency: Agency, rows: Iterable[AttendanceRow]) -> int:
    """Many completions in one audited action (the demo, a migration from another system): checked like
    `attendance_record`, written with one bulk insert, one audit event with the count. Rows whose key is
    already stored are skipped, so a re-run adds nothing. Returns how many were added."""
    with audited(actor=actor, action="training.attendance.bulk_record") as frame:
        _check(actor, agency)
        known = set(Attendance.objects.filter(agency=agency).values_list("record_key", flat=True))
        new: list[Attendance] = []
        for n, row in enumerate(rows, start=1):
            errors: dict[str, str] = {}
            credit = _hours(row.course.hours if row.hours is None else row.hours, "hours", errors)
            if row.officer.agency_id != agency.pk:
                errors["officer"] = "The officer belongs to another agency."
            _attendance_errors(row.officer, row.course, row.session, row.completed_on, credit, row.score, errors)
            if errors or credit is None:
                raise ValidationError({f"row {n}: {k}": v for k, v in errors.items()})
            key = attendance_key(row.officer.employee_id, row.course.code, row.completed_on.isoformat())
            if key in known:
                continue
            known.add(key)
            new.append(Attendance(agency=agency, record_key=key, officer=row.officer, course=row.course,
                                  session=row.session, completed_on=row.completed_on, hours=credit,
                                  score=row.score, passed=row.passed))
        Attendance.objects.bulk_create(new, batch_size=500)
        frame.touch(agency.pk)
        frame.extra["rows"] = len(new)
    return len(new)
