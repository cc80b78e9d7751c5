"""Complaint pages: the list, CSV and intake from the kit (`kit.COMPLAINTS`); the detail page, the stage,
extension, finding and comment forms by hand, because what they show depends on who reads (the accused
officer never sees who complained); and the public status lookup by reference code.

Every open of a complaint file is audited (`COMPLAINTS.audit_view`: the kit's `audit_every_view`, so every view
whatever the record's labels, on the page and through the API)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safecity.core import audit, ratelimit
from safecity.core.kit import views as kit_views
from safecity.core.kit.forms import applied
from safecity.core.middleware import client_ip
from safecity.core.roles import CHANGE, VIEW, Module
from safecity.core.selectors import object_history
from safecity.core.views import module_required
from safecity.policing import actions, complaint_rules, selectors
from safecity.policing.forms.complaints import (
    CommentForm,
    ExtendForm,
    FindingForm,
    StatusLookupForm,
    TransitionForm,
)
from safecity.policing.kit.complaints import COMPLAINTS
from safecity.policing.models import Complaint, ComplaintStatus, Finding

complaint_list = kit_views.list_view(COMPLAINTS)
complaint_create = kit_views.create_view(COMPLAINTS)
complaint_export = kit_views.export_view(COMPLAINTS)


def _fetch(user: Any, public_id: uuid.UUID, action: str = VIEW) -> Complaint:
    try:
        return selectors.complaint_get(user=user, public_id=public_id, action=action)
    except ObjectDoesNotExist:
        raise Http404("No such complaint.") from None


def _can_change(user: Any, complaint: Complaint) -> bool:
    try:
        selectors.complaint_get(user=user, public_id=complaint.public_id, action=CHANGE)
    except ObjectDoesNotExist:
        return False
    return not selectors.is_accused(user, complaint)


def _render_detail(request: HttpRequest, complaint: Complaint, *, status: int = 200,
                   **forms: Any) -> HttpResponse:
    user = request.user
    accused = selectors.is_accused(user, complaint)
    can_change = _can_change(user, complaint)
    allegations = [(a, complaint_rules.category_label(a.category), complaint_rules.FINDING_MEANINGS.get(a.finding, ""))
                   for a in selectors.allegations_for(user=user, complaint=complaint)]
    context = {
        "complaint": complaint, "title": f"Complaint {complaint.reference}", "accused": accused,
        "complainant": selectors.complainant_for(user=user, complaint=complaint),
        "summary": selectors.summary_for(user=user, complaint=complaint),
        "allegations": allegations, "timeline": selectors.timeline_for(user=user, complaint=complaint),
        "comments": selectors.comments_for(user=user, complaint=complaint),
        "can_change": can_change, "can_comment": selectors.can_comment(user, complaint),
        "finding_meanings": [(str(label), complaint_rules.FINDING_MEANINGS[value])
                             for value, label in Finding.choices],
        # the change history carries the summary's text before and after: not for an accused reader
        "history": [] if accused else object_history(user=user, obj=complaint),
        "transition_form": forms.get("transition_form") or TransitionForm(user=user, complaint=complaint, prefix="t"),
        "extend_form": forms.get("extend_form") or ExtendForm(prefix="x"),
        "comment_form": forms.get("comment_form") or CommentForm(prefix="c"),
        "closed": complaint.status == ComplaintStatus.CLOSED,
    }
    return render(request, "policing/complaints/detail.html", context, status=status)


@module_required(Module.POLICING)
def complaint_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    complaint = _fetch(request.user, public_id)
    # Every read of a complaint file, labelled or not, CJI mode or not (issue 9, "Walls"), as the API's detail.
    COMPLAINTS.audit_view(actor=request.user, obj=complaint)
    return _render_detail(request, complaint)


@require_POST
@module_required(Module.POLICING, CHANGE)
def complaint_transition(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    complaint = _fetch(request.user, public_id, CHANGE)
    form = TransitionForm(request.POST, user=request.user, complaint=complaint, prefix="t")
    if not form.is_valid():
        return _render_detail(request, complaint, status=400, transition_form=form)
    if not applied(form, lambda: actions.complaint_transition(actor=request.user, complaint=complaint,
                                                                 **form.action_kwargs()), refusal=403):
        complaint.refresh_from_db()
        return _render_detail(request, complaint, status=400, transition_form=form)
    return redirect("policing_complaints:detail", public_id=complaint.public_id)


@require_POST
@module_required(Module.POLICING, CHANGE)
def complaint_extend(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    complaint = _fetch(request.user, public_id, CHANGE)
    form = ExtendForm(request.POST, prefix="x")
    if not form.is_valid():
        return _render_detail(request, complaint, status=400, extend_form=form)
    if not applied(form, lambda: actions.complaint_extend(actor=request.user, complaint=complaint,
                                                             **form.action_kwargs()), refusal=403):
        complaint.refresh_from_db()
        return _render_detail(request, complaint, status=400, extend_form=form)
    return redirect("policing_complaints:detail", public_id=complaint.public_id)


@require_POST
@module_required(Module.POLICING)
def complaint_comment(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Comment needs only the view right here; the action checks the comment rule (`selectors.can_comment`)."""
    complaint = _fetch(request.user, public_id)
    form = CommentForm(request.POST, prefix="c")
    if not selectors.can_comment(request.user, complaint):
        audit.record(action="permission.denied", actor=request.user, outcome="denied", obj=complaint,
                     extra={"reason": "comment"})
        return render(request, "403.html", status=403)
    if not form.is_valid():
        return _render_detail(request, complaint, status=400, comment_form=form)
    if not applied(form, lambda: actions.complaint_comment(actor=request.user, complaint=complaint,
                                                              body=form.cleaned_data["body"]), refusal=403):
        return _render_detail(request, complaint, status=400, comment_form=form)
    return redirect("policing_complaints:detail", public_id=complaint.public_id)


@require_http_methods(["GET", "POST"])
@module_required(Module.POLICING, CHANGE)
def allegation_finding(request: HttpRequest, public_id: uuid.UUID, allegation_id: uuid.UUID) -> HttpResponse:
    """The findings form: command and administrators only (the change right); never the accused officer."""
    complaint = _fetch(request.user, public_id, CHANGE)
    try:
        allegation = selectors.allegation_get(user=request.user, public_id=allegation_id, action=CHANGE)
    except ObjectDoesNotExist:
        raise Http404("No such allegation.") from None
    if allegation.complaint_id != complaint.pk:
        raise Http404("No such allegation.")
    if selectors.is_accused(request.user, complaint):
        return render(request, "403.html", status=403)
    COMPLAINTS.audit_view(actor=request.user, obj=complaint)
    initial = {"finding": allegation.finding, "finding_date": allegation.finding_date,
               "discipline": allegation.discipline}
    form = FindingForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and applied(
                form, lambda: actions.allegation_finding_set(actor=request.user, allegation=allegation,
                                                             **form.action_kwargs()), refusal=403):
            return redirect("policing_complaints:detail", public_id=complaint.public_id)
    return render(request, "policing/complaints/finding.html", {
        "complaint": complaint, "allegation": allegation, "form": form,
        "category": complaint_rules.category_label(allegation.category),
        "finding_meanings": [(str(label), complaint_rules.FINDING_MEANINGS[value])
                             for value, label in Finding.choices]}, status=status)


# ---- the complainant's status lookup (no sign-in) -------------------------------------------------------


def _lookup_limit() -> int:
    return int(settings.RATE_LIMIT_COMPLAINT_STATUS_PER_MINUTE)


@require_http_methods(["GET", "POST"])
def complaint_status(request: HttpRequest) -> HttpResponse:
    """A complainant enters the reference code and sees the stage and the date each stage was reached.

    The code is posted (not put in the URL, where it would land in logs and browser history). Every lookup
    counts against a per-address limit and is audited without the code itself; an unknown, malformed or
    mistyped code gets the same page as any other code that matches nothing."""
    form = StatusLookupForm(request.POST if request.method == "POST" else None)
    reply = None
    if request.method == "POST":
        verdict = ratelimit.hit(f"complaint-status:{client_ip(request)}", _lookup_limit())
        if verdict.limited:
            response = render(request, "policing/complaints/status.html", {"form": StatusLookupForm(),
                                                                          "limited": True}, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        raw = request.POST.get("reference", "") if not form.is_valid() else form.cleaned_data["reference"]
        reply = selectors.complaint_status(raw)
        # Audited without the code (the audit log is read by staff who need not learn complainants' keys).
        audit.record(action="complaint.status_lookup", actor=request.user, object_type="policing.complaint",
                     extra={"found": reply.found})
        if raw.strip():
            form = StatusLookupForm()  # the code is not written back into the page
    return render(request, "policing/complaints/status.html", {"form": form, "reply": reply})
