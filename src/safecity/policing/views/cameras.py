"""Body-worn camera pages: the kit's camera and recording pages, issuing a camera, legal hold, the activation
compliance report (page + CSV) and the purge-due list with its audited purge."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from safecity.core import csvsafe
from safecity.core.actions import record_export
from safecity.core.kit import views as kit_views
from safecity.core.kit.forms import applied
from safecity.core.permissions import NotPermitted, has_module
from safecity.core.roles import CHANGE, DELETE, EXPORT, VIEW, Module
from safecity.core.views import module_required
from safecity.policing import actions, selectors
from safecity.policing.forms.cameras import ActivationForm, CameraAssignForm
from safecity.policing.kit.cameras import CAMERAS, RECORDINGS

camera_list = kit_views.list_view(CAMERAS)
camera_detail = kit_views.detail_view(CAMERAS)
camera_create = kit_views.create_view(CAMERAS)
camera_edit = kit_views.edit_view(CAMERAS)
camera_export = kit_views.export_view(CAMERAS)
recording_list = kit_views.list_view(RECORDINGS)
recording_detail = kit_views.detail_view(RECORDINGS)
recording_export = kit_views.export_view(RECORDINGS)
recording_hold = kit_views.edit_view(RECORDINGS)  # the legal-hold form

@module_required(Module.POLICING, CHANGE)
def camera_assign(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    try:
        camera = selectors.camera_get(user=request.user, public_id=public_id, action=CHANGE)
    except ObjectDoesNotExist:
        raise Http404("No such camera.") from None
    form = CameraAssignForm(request.POST if request.method == "POST" else None, user=request.user, camera=camera)
    if request.method == "POST" and form.is_valid() and applied(
            form, lambda: actions.camera_assign(actor=request.user, camera=camera,
                                                officer=form.cleaned_data["officer_obj"],
                                                started=form.cleaned_data["started"]), noun="camera"):
        return redirect("policing_cameras:detail", public_id=camera.public_id)
    return render(request, "policing/camera_assign.html", {"form": form, "camera": camera},
                  status=400 if request.method == "POST" else 200)


def _report(request: HttpRequest, missed_limit: int) -> tuple[ActivationForm, Any]:
    form = ActivationForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    return form, selectors.activation_report(user=request.user, date_from=data.get("date_from"),
                                             date_to=data.get("date_to"), unit=data.get("unit") or "",
                                             missed_limit=missed_limit)


@module_required(Module.POLICING, VIEW)
def compliance(request: HttpRequest) -> HttpResponse:
    form, report = _report(request, missed_limit=200)
    return render(request, "policing/camera_compliance.html",
                  {"form": form, "report": report, "query": request.GET.urlencode(),
                   "can_export": has_module(request.user, Module.POLICING, EXPORT)},
                  status=400 if report is None else 200)


def _pct(x: float) -> str:
    return "" if x != x else f"{x:.4f}"  # NaN (no events) stays empty


@module_required(Module.POLICING, VIEW, EXPORT)
def compliance_csv(request: HttpRequest) -> HttpResponse:
    form, report = _report(request, missed_limit=100_000)
    if report is None:
        problems = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    rows: list[list[Any]] = []
    for table, items in (("officer", report.by_officer), ("unit", report.by_unit), ("month", report.by_month),
                         ("event kind", report.by_kind)):
        rows += [[table, r.label, r.rate.successes, r.rate.trials, _pct(r.rate.value), _pct(r.rate.low),
                  _pct(r.rate.high)] for r in items]
    text, n = csvsafe.render(["table", "group", "recorded", "events", "rate", "ci95_low", "ci95_high"], rows,
                             preamble=[f"Camera activation compliance; window: {report.rule.before_minutes:g} min "
                                       f"before arrival to {report.rule.after_minutes:g} min after departure "
                                       f"(default stay {report.rule.default_minutes:g} min); Wilson 95% intervals."])
    record_export(actor=request.user, what="policing.recording.compliance", rows=n, fmt="csv")
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="camera-activation.csv"'
    return response


@module_required(Module.POLICING, VIEW)
def purge_due(request: HttpRequest) -> HttpResponse:
    """Recordings due for purge; an administrator (the delete right) can mark chosen ones purged."""
    due = selectors.purge_due(user=request.user)
    can_purge = has_module(request.user, Module.POLICING, DELETE)
    status = 200
    if request.method == "POST":
        if not can_purge:
            return render(request, "403.html", status=403)
        ids = request.POST.getlist("recording")
        try:
            chosen = list(due.filter(public_id__in=[uuid.UUID(i) for i in ids])) if ids else []
        except ValueError:
            chosen = []
        if not chosen or len(chosen) != len(ids):
            messages.error(request, "Choose recordings from the list (a recording not due for purge cannot be "
                                    "purged).")
            status = 400
        else:
            try:
                n = actions.recording_purge(actor=request.user, recordings=chosen)
            except NotPermitted:
                return render(request, "403.html", status=403)
            except ValidationError as exc:
                messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
                status = 400
            else:
                messages.success(request, f"{n} recording(s) marked purged.")
                return redirect("policing_cameras:purge_due")
    total = due.count()
    return render(request, "policing/camera_purge_due.html", {
        "rows": list(due[:500]), "total": total, "can_purge": can_purge}, status=status)
