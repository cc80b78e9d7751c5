"""Training records declared for the module kit: courses, sessions and attendance (pages, CSV and API come from
here)."""

from __future__ import annotations

from typing import Any

from safecity.core.kit import Choice, Column, DateRange, RecordKit, Search, Text, agency_filter
from safecity.core.roles import Module
from safecity.policing import actions, selectors
from safecity.policing.forms.training import AttendanceCreateForm, CourseCreateForm, CourseEditForm
from safecity.policing.models import Attendance, Course, Delivery, Topic, TrainingSession


def _courses(user: Any) -> list[tuple[str, str]]:
    return [(c.code, f"{c.title} ({c.code})") for c in selectors.course_list(user=user)]


def _officer(a: Attendance) -> str:
    return f"{a.officer.last_name}, {a.officer.first_name} ({a.officer.employee_id})"


COURSES = RecordKit(
    module=Module.POLICING,
    model=Course,
    namespace="policing_training",
    noun="course",
    plural="courses",
    list_selector=selectors.course_list,
    get_selector=selectors.course_get,
    columns=(
        Column("code", "Code", sort=("code", "id"), link=True),
        Column("title", "Title", sort=("title", "id")),
        Column("topic", "Topic", lambda c: c.get_topic_display(), sort=("topic", "code", "id")),
        Column("hours", "Hours", sort=("hours", "code", "id")),
        Column("delivery", "Delivery", lambda c: c.get_delivery_display(), sort=("delivery", "code", "id")),
        Column("agency", "Agency", "agency.ori", sort=("agency__ori", "code", "id")),
    ),
    filters=(
        Choice("topic", "Topic", lookup="topic", choices=Topic.choices),
        Choice("delivery", "Delivery", lookup="delivery", choices=Delivery.choices),
        agency_filter(Module.POLICING),
    ),
    search=Search("Code or title", ("code", "title")),
    default_sort="code",
    export_columns=(
        Column("agency", "Agency", "agency.ori"), Column("code", "Code"), Column("title", "Title"),
        Column("topic", "Topic"), Column("hours", "Hours"), Column("delivery", "Delivery"),
        Column("active", "Active"),
    ),
    detail_fields=(
        Column("agency", "Agency", lambda c: f"{c.agency.name} ({c.agency.ori})"),
        Column("code", "Code"), Column("title", "Title"),
        Column("topic", "Topic", lambda c: c.get_topic_display()), Column("hours", "Hours credited"),
        Column("delivery", "Delivery", lambda c: c.get_delivery_display()),
        Column("description", "Description"), Column("active", "Offered", lambda c: "yes" if c.active else "no"),
    ),
    title=lambda c: f"{c.title} ({c.code})",
    create_form=CourseCreateForm,
    create_action=actions.course_create,
    edit_form=CourseEditForm,
    update_action=actions.course_update,
    detail_template="policing/course_detail.html",
    api_id_param="course_id",
    api_operation_prefix="safecity_policing_training_api",
)

ATTENDANCE = RecordKit(
    module=Module.POLICING,
    model=Attendance,
    namespace="policing_attendance",
    noun="attendance",
    plural="attendance records",
    list_selector=selectors.attendance_list,
    get_selector=selectors.attendance_get,
    columns=(
        Column("completed_on", "Completed", lambda a: a.completed_on.isoformat(), sort=("completed_on", "id"),
               link=True),
        Column("officer", "Officer", _officer, sort=("officer__last_name", "officer__first_name", "id")),
        Column("course", "Course", lambda a: f"{a.course.title} ({a.course.code})", sort=("course__code", "id")),
        Column("topic", "Topic", lambda a: a.course.get_topic_display(), sort=("course__topic", "id")),
        Column("hours", "Hours", sort=("hours", "id")),
        Column("passed", "Passed", lambda a: "yes" if a.passed else "no", sort=("passed", "id")),
        Column("agency", "Agency", "agency.ori", sort=("agency__ori", "id")),
    ),
    filters=(
        Text("officer", "Officer employee id", lookup="officer__employee_id", max_length=30),
        Choice("course", "Course", lookup="course__code", choices=_courses),
        DateRange("completed", "Completed", lookup="completed_on"),
        Choice("topic", "Topic", lookup="course__topic", choices=Topic.choices, more=True),
        Choice("passed", "Passed", lookup="passed", choices=(("true", "Passed"), ("false", "Not passed")),
               more=True, apply=lambda qs, v: qs.filter(passed=(v == "true"))),
        agency_filter(Module.POLICING),
    ),
    search=Search("Officer name or course title", ("officer__last_name", "officer__first_name", "course__title")),
    default_sort="-completed_on",
    export_columns=(
        Column("agency", "Agency", "agency.ori"), Column("employee_id", "Employee id", "officer.employee_id"),
        Column("last_name", "Last name", "officer.last_name"), Column("first_name", "First name", "officer.first_name"),
        Column("course_code", "Course code", "course.code"), Column("topic", "Topic", "course.topic"),
        Column("completed_on", "Completed on"), Column("hours", "Hours"), Column("score", "Score"),
        Column("passed", "Passed"),
        Column("session", "Session", lambda a: a.session.date.isoformat() if a.session else ""),
    ),
    detail_fields=(
        Column("agency", "Agency", lambda a: f"{a.agency.name} ({a.agency.ori})"),
        Column("officer", "Officer", _officer),
        Column("course", "Course", lambda a: f"{a.course.title} ({a.course.code})"),
        Column("topic", "Topic", lambda a: a.course.get_topic_display()),
        Column("completed_on", "Completed on"), Column("hours", "Hours credited"), Column("score", "Score"),
        Column("passed", "Passed", lambda a: "yes" if a.passed else "no"),
        Column("session", "Session", lambda a: (f"{a.session.date.isoformat()}, {a.session.instructor}, "
                                                f"{a.session.location}") if a.session else None),
    ),
    title=lambda a: f"{a.course.code} completed by {a.officer.first_name} {a.officer.last_name} on {a.completed_on}",
    create_form=AttendanceCreateForm,
    create_action=actions.attendance_record,
    list_template="policing/attendance_list.html",
    api_id_param="attendance_id",
    api_operation_prefix="safecity_policing_training_api",
)

def _course(s: TrainingSession) -> str:
    return f"{s.course.title} ({s.course.code})"


SESSIONS = RecordKit(
    module=Module.POLICING,
    model=TrainingSession,
    namespace="policing_sessions",
    noun="session",
    plural="training sessions",
    list_selector=selectors.session_list,
    get_selector=selectors.session_get,
    columns=(
        Column("date", "Date", lambda s: s.date.isoformat(), sort=("date", "id"), link=True),
        Column("course", "Course", _course, sort=("course__code", "-date", "id")),
        Column("topic", "Topic", lambda s: s.course.get_topic_display(), sort=("course__topic", "-date", "id")),
        Column("instructor", "Instructor", lambda s: s.instructor or "—", sort=("instructor", "-date", "id")),
        Column("location", "Location", lambda s: s.location or "—", sort=("location", "-date", "id")),
        Column("attended", "Attended", sort=("attended", "-date", "id")),
        Column("passed", "Passed", sort=("passed", "-date", "id")),
        # No agency column on the page: it pushed "Passed" out of sight at 1366 px, and a session's agency is
        # on its own page, in the CSV and a filter ("More filters").
    ),
    filters=(
        Choice("course", "Course", lookup="course__code", choices=_courses),
        DateRange("date", "Session date", lookup="date"),
        Text("instructor", "Instructor", lookup="instructor__icontains", max_length=120,
             help_text="Any part of the instructor's name."),
        Text("location", "Location", lookup="location__icontains", max_length=120, more=True,
             help_text="Any part of the place."),
        Choice("topic", "Topic", lookup="course__topic", choices=Topic.choices, more=True),
        agency_filter(Module.POLICING),
    ),
    search=Search("Course, instructor or location", ("course__code", "course__title", "instructor", "location")),
    default_sort="-date",
    export_columns=(
        Column("agency", "Agency", "agency.ori"), Column("course_code", "Course code", "course.code"),
        Column("course_title", "Course title", "course.title"), Column("topic", "Topic", "course.topic"),
        Column("date", "Date"), Column("instructor", "Instructor"), Column("location", "Location"),
        Column("attended", "Attended"), Column("passed", "Passed"),
    ),
    detail_fields=(
        Column("agency", "Agency", lambda s: f"{s.agency.name} ({s.agency.ori})"),
        Column("course", "Course", _course),
        Column("topic", "Topic", lambda s: s.course.get_topic_display()),
        Column("date", "Date", lambda s: s.date.isoformat()),
        Column("instructor", "Instructor", lambda s: s.instructor or None),
        Column("location", "Location", lambda s: s.location or None),
    ),
    title=lambda s: f"{s.course.title} ({s.course.code}) on {s.date.isoformat()}",
    list_template="policing/session_list.html",
    detail_template="policing/session_detail.html",
    api_id_param="session_id",
    api_operation_prefix="safecity_policing_training_api",
)
