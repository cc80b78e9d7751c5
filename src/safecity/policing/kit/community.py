"""SARA projects, community meetings and survey waves declared for the module kit (lists, CSV, API, forms)."""

from __future__ import annotations

from typing import Any

from safecity.core import selectors as core_selectors
from safecity.core.kit import Choice, Column, DateRange, RecordKit, Search, agency_filter
from safecity.core.roles import Module
from safecity.policing import actions, selectors
from safecity.policing.forms.community import (
    MeetingCreateForm,
    MeetingEditForm,
    ProjectCreateForm,
    ProjectEditForm,
    WaveCreateForm,
    WaveEditForm,
)
from safecity.policing.models import Meeting, ProblemProject, ProjectStatus, SurveyMethod, SurveyWave


def _beats(user: Any) -> list[tuple[str, str]]:
    return sorted({(b.code, f"Beat {b.code}") for b in core_selectors.beat_list(user=user, module=Module.POLICING)})


def _districts(user: Any) -> list[tuple[str, str]]:
    return sorted({(d.code, f"District {d.code} — {d.name}")
                   for d in core_selectors.district_list(user=user, module=Module.POLICING)})


def _beat(obj: Any) -> str | None:
    return obj.beat.code if obj.beat_id and obj.beat is not None else None


def _district(obj: Any) -> str | None:
    return obj.district.code if obj.district_id and obj.district is not None else None


PROJECTS = RecordKit(
    module=Module.POLICING,
    model=ProblemProject,
    namespace="policing_sara",
    noun="project",
    plural="problem-solving projects",
    list_selector=selectors.project_list,
    get_selector=selectors.project_get,
    columns=(
        Column("title", "Project", "title", sort=("title", "id"), link=True),
        Column("beat", "Beat", _beat, sort=("beat__code", "id")),
        Column("status", "Step", lambda p: p.get_status_display(), sort=("status", "id")),
        Column("opened", "Opened", "opened", sort=("opened", "id")),
        Column("closed", "Closed", "closed", sort=("closed", "id")),
        Column("agency", "Agency", "agency.ori", sort=("agency__ori", "id")),
    ),
    filters=(
        Choice("status", "Step", lookup="status", choices=ProjectStatus.choices),
        Choice("beat", "Beat", lookup="beat__code", choices=_beats),
        DateRange("opened", "Opened", lookup="opened"),
        agency_filter(Module.POLICING),
    ),
    search=Search("Title, place or problem", ("title", "place", "problem_statement")),
    default_sort="-opened",
    export_columns=(
        Column("agency", "Agency", "agency.ori"),
        Column("id", "Project id", "public_id"),
        Column("title", "Title"),
        Column("beat", "Beat", _beat),
        Column("place", "Place"),
        Column("status", "Step"),
        Column("opened", "Opened"),
        Column("closed", "Closed"),
        Column("problem_statement", "Problem statement"),
        Column("count_source", "Count source"),
        Column("before_from", "Before from"),
        Column("before_to", "Before to"),
        Column("after_from", "After from"),
        Column("after_to", "After to"),
        Column("target_beats", "Target beats", lambda p: " ".join(p.target_beats)),
        Column("buffer_beats", "Buffer beats", lambda p: " ".join(p.buffer_beats)),
        Column("control_beats", "Control beats", lambda p: " ".join(p.control_beats)),
    ),
    title=lambda p: p.title,
    create_form=ProjectCreateForm,
    create_action=actions.project_create,
    edit_form=ProjectEditForm,
    update_action=actions.project_update,
    api_id_param="project_id",
    api_operation_prefix="safecity_policing_api",
    list_intro="Problem-oriented projects in the SARA model: scanning, analysis, response, assessment.",
)


MEETINGS = RecordKit(
    module=Module.POLICING,
    model=Meeting,
    namespace="policing_meetings",
    noun="meeting",
    plural="community meetings",
    list_selector=selectors.meeting_list,
    get_selector=selectors.meeting_get,
    columns=(
        Column("date", "Date", "date", sort=("date", "id"), link=True),
        Column("district", "District", _district, sort=("district__code", "date", "id")),
        Column("beat", "Beat", _beat, sort=("beat__code", "date", "id")),
        Column("venue", "Venue", "venue", sort=("venue", "id")),
        Column("attendance", "Attendance", "attendance", sort=("attendance", "id")),
        Column("concerns", "Concerns", "concern_count", sort=("concern_count", "id")),
        Column("overdue", "Overdue follow-ups", "overdue_count", sort=("overdue_count", "id")),
        Column("agency", "Agency", "agency.ori", sort=("agency__ori", "id")),
    ),
    filters=(
        DateRange("date", "Date", lookup="date"),
        Choice("district", "District", lookup="district__code", choices=_districts),
        Choice("beat", "Beat", lookup="beat__code", choices=_beats),
        agency_filter(Module.POLICING),
    ),
    search=Search("Venue or minutes", ("venue", "minutes")),
    default_sort="-date",
    export_columns=(
        Column("agency", "Agency", "agency.ori"),
        Column("id", "Meeting id", "public_id"),
        Column("date", "Date"),
        Column("district", "District", _district),
        Column("beat", "Beat", _beat),
        Column("venue", "Venue"),
        Column("attendance", "Attendance"),
        Column("concerns", "Concerns", "concern_count"),
        Column("overdue", "Overdue follow-ups", "overdue_count"),
        Column("minutes", "Minutes"),
    ),
    title=lambda m: f"Community meeting, {m.date:%d %B %Y}" + (f", beat {m.beat.code}" if m.beat else ""),
    create_form=MeetingCreateForm,
    create_action=actions.meeting_create,
    edit_form=MeetingEditForm,
    update_action=actions.meeting_update,
    api_id_param="meeting_id",
    list_template="policing/community/meeting_list.html",
    api_operation_prefix="safecity_policing_api",
)


WAVES = RecordKit(
    module=Module.POLICING,
    model=SurveyWave,
    namespace="policing_surveys",
    noun="wave",
    plural="survey waves",
    list_selector=selectors.wave_list,
    get_selector=selectors.wave_get,
    columns=(
        Column("name", "Wave", "name", sort=("name", "id"), link=True),
        Column("code", "Code", "code", sort=("code", "id")),
        Column("start", "Fieldwork from", "start", sort=("start", "id")),
        Column("end", "Fieldwork to", "end", sort=("end", "id")),
        Column("method", "Method", lambda w: w.get_method_display(), sort=("method", "id")),
        Column("sample_size", "Sample size", "sample_size", sort=("sample_size", "id")),
        Column("margin_of_error", "Margin of error (± pts)", "margin_of_error"),
        Column("results", "Results", "result_count"),
        Column("agency", "Agency", "agency.ori", sort=("agency__ori", "id")),
    ),
    filters=(
        Choice("method", "Method", lookup="method", choices=SurveyMethod.choices),
        agency_filter(Module.POLICING),
    ),
    search=Search("Name or code", ("name", "code")),
    default_sort="-start",
    title=lambda w: w.name,
    create_form=WaveCreateForm,
    create_action=actions.wave_create,
    edit_form=WaveEditForm,
    update_action=actions.wave_update,
    api_id_param="wave_id",
    list_template="policing/community/wave_list.html",
    api_operation_prefix="safecity_policing_api",
)
