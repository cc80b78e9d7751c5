"""SARA project and community meeting pages: the kit's list/create/edit/CSV, hand-written detail pages (the
assessment, the response activities, concerns and follow-ups) and the small POST forms they carry."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from safecity.core import csvsafe
from safecity.core import selectors as core_selectors
from safecity.core.actions import record_export, record_viewed
from safecity.core.kit import views as kit_views
from safecity.core.kit.forms import applied
from safecity.core.permissions import has_module
from safecity.core.roles import CHANGE, EXPORT, VIEW, Module
from safecity.core.views import module_required
from safecity.policing import actions, selectors
from safecity.policing.forms.community import (
    ActivityForm,
    AdvanceForm,
    AssessmentForm,
    ConcernForm,
    FollowUpForm,
    FollowUpStatusForm,
)
from safecity.policing.kit.community import MEETINGS, PROJECTS
from safecity.policing.models import ProblemProject, ProjectStatus
from safecity.policing.models.community import PROJECT_FLOW

project_list = kit_views.list_view(PROJECTS)
project_create = kit_views.create_view(PROJECTS)
project_edit = kit_views.edit_view(PROJECTS)
project_export = kit_views.export_view(PROJECTS)
meeting_list = kit_views.list_view(MEETINGS)
meeting_create = kit_views.create_view(MEETINGS)
meeting_edit = kit_views.edit_view(MEETINGS)
meeting_export = kit_views.export_view(MEETINGS)


def _detail(kit: Any, obj: Any) -> str:
    return reverse(f"{kit.namespace}:detail", kwargs={"public_id": obj.public_id})


def _get(getter: Any, user: Any, public_id: uuid.UUID, action: str = VIEW) -> Any:
    try:
        return getter(user=user, public_id=public_id, action=action)
    except ObjectDoesNotExist:
        raise Http404("No such record.") from None


def _next_step(project: ProblemProject) -> tuple[str, str] | None:
    i = PROJECT_FLOW.index(project.status)
    if i + 1 >= len(PROJECT_FLOW):
        return None
    step = PROJECT_FLOW[i + 1]
    return step, str(ProjectStatus(step).label)


# ---- SARA projects ---------------------------------------------------------------------------------------

def _project_page(request: HttpRequest, project: ProblemProject, *, activity_form: ActivityForm | None = None,
                  advance_form: AdvanceForm | None = None, status: int = 200) -> HttpResponse:
    can_change = has_module(request.user, Module.POLICING, CHANGE, project.agency_id)
    steps = [(str(label), value == project.status, PROJECT_FLOW.index(value) < PROJECT_FLOW.index(project.status))
             for value, label in ProjectStatus.choices]
    return render(request, "policing/community/project_detail.html", {
        "kit": PROJECTS, "object": project, "project": project, "title": project.title,
        "assessment": selectors.project_assessment(user=request.user, project=project),
        "activities": selectors.activity_list(user=request.user, project=project),
        "history": core_selectors.object_history(user=request.user, obj=project),
        "can_edit": can_change, "steps": steps, "next_step": _next_step(project),
        "activity_form": activity_form or ActivityForm(initial={"date": timezone.localdate()}),
        "advance_form": advance_form or AdvanceForm(),
    }, status=status)


@module_required(Module.POLICING, VIEW)
def project_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    project = _get(selectors.project_get, request.user, public_id)
    record_viewed(actor=request.user, obj=project)
    return _project_page(request, project)


@module_required(Module.POLICING, CHANGE)
def project_assessment(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    project = _get(selectors.project_get, request.user, public_id, CHANGE)
    form = AssessmentForm(request.POST if request.method == "POST" else None, user=request.user, instance=project)
    if request.method == "POST" and form.is_valid() and applied(
            form, lambda: actions.project_set_assessment(actor=request.user, project=project, **form.action_kwargs())):
        return redirect(f"{_detail(PROJECTS, project)}#assessment")
    return render(request, "policing/community/assessment_form.html", {
        "project": project, "form": form, "heading": f"Assessment: {project.title}",
        "cancel": _detail(PROJECTS, project)}, status=400 if request.method == "POST" else 200)


@module_required(Module.POLICING, CHANGE)
def project_advance(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    project = _get(selectors.project_get, request.user, public_id, CHANGE)
    form = AdvanceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and applied(
            form, lambda: actions.project_advance(actor=request.user, project=project, to=form.cleaned_data["to"])):
        return redirect(_detail(PROJECTS, project))
    return _project_page(request, project, advance_form=form, status=400)


@module_required(Module.POLICING, CHANGE)
def project_activity(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    project = _get(selectors.project_get, request.user, public_id, CHANGE)
    form = ActivityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and applied(
            form, lambda: actions.activity_add(actor=request.user, project=project, **form.action_kwargs())):
        return redirect(f"{_detail(PROJECTS, project)}#response")
    return _project_page(request, project, activity_form=form, status=400)


# ---- Meetings --------------------------------------------------------------------------------------------

def _meeting_page(request: HttpRequest, meeting: Any, *, concern_form: ConcernForm | None = None,
                  followup_form: FollowUpForm | None = None, status: int = 200) -> HttpResponse:
    concerns = list(selectors.concern_list(user=request.user, meeting=meeting))
    return render(request, "policing/community/meeting_detail.html", {
        "kit": MEETINGS, "object": meeting, "meeting": meeting, "title": MEETINGS.title(meeting),
        "concerns": concerns, "follow_ups": selectors.followup_list(user=request.user, meeting=meeting),
        "history": core_selectors.object_history(user=request.user, obj=meeting),
        "can_edit": has_module(request.user, Module.POLICING, CHANGE, meeting.agency_id),
        "today": timezone.localdate(), "status_form": FollowUpStatusForm(),
        "concern_form": concern_form or ConcernForm(),
        "followup_form": followup_form or FollowUpForm(concerns=concerns),
    }, status=status)


@module_required(Module.POLICING, VIEW)
def meeting_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    meeting = _get(selectors.meeting_get, request.user, public_id)
    record_viewed(actor=request.user, obj=meeting)
    return _meeting_page(request, meeting)


@module_required(Module.POLICING, CHANGE)
def meeting_concern(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    meeting = _get(selectors.meeting_get, request.user, public_id, CHANGE)
    form = ConcernForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and applied(
            form, lambda: actions.concern_add(actor=request.user, meeting=meeting, **form.action_kwargs())):
        return redirect(f"{_detail(MEETINGS, meeting)}#concerns")
    return _meeting_page(request, meeting, concern_form=form, status=400)


@module_required(Module.POLICING, CHANGE)
def meeting_followup(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    meeting = _get(selectors.meeting_get, request.user, public_id, CHANGE)
    concerns = list(selectors.concern_list(user=request.user, meeting=meeting))
    form = FollowUpForm(request.POST if request.method == "POST" else None, concerns=concerns)
    if request.method == "POST" and form.is_valid() and applied(
            form, lambda: actions.followup_add(actor=request.user, meeting=meeting, **form.action_kwargs())):
        return redirect(f"{_detail(MEETINGS, meeting)}#follow-ups")
    return _meeting_page(request, meeting, followup_form=form, status=400)


@module_required(Module.POLICING, CHANGE)
def followup_status(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    follow_up = _get(selectors.followup_get, request.user, public_id, CHANGE)
    form = FollowUpStatusForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and applied(
            form, lambda: actions.followup_update(actor=request.user, follow_up=follow_up, **form.action_kwargs())):
        return redirect(f"{_detail(MEETINGS, follow_up.meeting)}#follow-ups")
    return render(request, "core/kit/form.html", {"form": form, "heading": f"Follow-up: {follow_up.action}",
                                                  "cancel": _detail(MEETINGS, follow_up.meeting)},
                  status=400 if request.method == "POST" else 200)


OVERDUE_HEADER = ("Agency", "Meeting date", "District", "Beat", "Follow-up", "Owner", "Due", "Days overdue")


def _overdue_rows(user: Any, action: str = VIEW) -> list[tuple[Any, ...]]:
    today = timezone.localdate()
    return [(f.agency.ori, f.meeting.date, f.meeting.district.code if f.meeting.district else "",
             f.meeting.beat.code if f.meeting.beat else "", f.action, f.owner, f.due, (today - f.due).days)
            for f in selectors.followup_list(user=user, overdue=True, action=action)]


@module_required(Module.POLICING, VIEW)
def followups_overdue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [(f, (today - f.due).days) for f in selectors.followup_list(user=request.user, overdue=True)]
    return render(request, "policing/community/overdue.html", {"follow_ups": rows, "today": today})


@module_required(Module.POLICING, VIEW, EXPORT)
def followups_overdue_csv(request: HttpRequest) -> HttpResponse:
    rows = _overdue_rows(request.user, EXPORT)
    text, _ = csvsafe.render(OVERDUE_HEADER, rows)
    record_export(actor=request.user, what="policing.followup", rows=len(rows), fmt="csv", purpose=request.path)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="overdue-follow-ups-{timezone.localdate()}.csv"'
    return response
