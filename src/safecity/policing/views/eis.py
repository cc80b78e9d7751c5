"""Early-intervention pages. Every flag page is behind the personnel wall: a role with policing rights but no
personnel clearance (analysts) is refused, officers have no policing rights at all, so no officer sees a flag,
their own included. Command and administrators act on reviews; oversight reads."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from safecity.core import csvsafe
from safecity.core.actions import record_export, record_viewed
from safecity.core.kit import views as kit_views
from safecity.core.kit.forms import applied
from safecity.core.permissions import has_module
from safecity.core.roles import ADD, CHANGE, EXPORT, VIEW, Module
from safecity.core.views import module_required
from safecity.policing import actions, selectors
from safecity.policing.forms.eis import AssignForm, EvaluationForm, FollowUpForm, InterveneForm, RunForm
from safecity.policing.kit.eis import FLAGS, PURSUITS
from safecity.policing.models import EIFlag, FlagStatus, Officer
from safecity.policing.selectors.eis import EvaluationReport

View = Callable[..., HttpResponse]

pursuit_list = kit_views.list_view(PURSUITS)
pursuit_detail = kit_views.detail_view(PURSUITS)
pursuit_create = kit_views.create_view(PURSUITS)
pursuit_export = kit_views.export_view(PURSUITS)


def personnel_wall(view: View) -> View:
    """Refuse users not cleared for personnel records (kept inside the module check, whose declaration the
    role matrix reads)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Signed-out visitors fall through to the module check, which sends them to sign in.
        if request.user.is_authenticated and not selectors.can_see_flags(user=request.user):
            return render(request, "403.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


_flag_list = kit_views.list_view(FLAGS)


@wraps(_flag_list)
def flag_list(request: HttpRequest) -> HttpResponse:
    # The kit's list page offers no "new" button (flags come from the scoring); the template links to the
    # scoring run for those who may start it.
    request.can_run_ei = has_module(request.user, Module.POLICING, ADD) and has_module(  # type: ignore[attr-defined]
        request.user, Module.POLICING, CHANGE)
    return personnel_wall(_flag_list)(request)
flag_export = personnel_wall(kit_views.export_view(FLAGS))

STEPS: dict[str, tuple[str, type[Any], Callable[..., Any]]] = {
    "assign": ("Assign a reviewing supervisor", AssignForm, actions.eiflag_assign),
    "intervene": ("Record the intervention chosen", InterveneForm, actions.eiflag_intervene),
    "follow-up": ("Record the follow-up", FollowUpForm, actions.eiflag_follow_up),
}
STEP_FOR_STATUS = {FlagStatus.OPEN: "assign", FlagStatus.REVIEW: "intervene", FlagStatus.INTERVENTION: "follow-up"}


def _flag(request: HttpRequest, public_id: uuid.UUID, action: str = VIEW) -> EIFlag:
    try:
        return selectors.eiflag_get(user=request.user, public_id=public_id, action=action)
    except EIFlag.DoesNotExist:
        raise Http404("No such flag.") from None


@module_required(Module.POLICING)
@personnel_wall
def flag_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    flag = _flag(request, public_id)
    record_viewed(actor=request.user, obj=flag)
    next_step = STEP_FOR_STATUS.get(FlagStatus(flag.status))
    can_act = has_module(request.user, Module.POLICING, CHANGE, flag.agency_id)
    rules = {s.rule.key: s for s in selectors.ei_rules(on=flag.as_of)}
    return render(request, "policing/eis/flag_detail.html", {
        "flag": flag, "object": flag, "title": FLAGS.title(flag),
        "steps": selectors.eiflag_steps(user=request.user, flag=flag),
        "rules": [(key, rules.get(key)) for key in flag.rules], "indicators": flag.indicators,
        "next_step": next_step if can_act else None, "next_label": STEPS[next_step][0] if next_step else "",
        "officer_url": reverse("policing_eis:officer", args=[flag.officer.public_id]) + f"?as_of={flag.as_of}",
    })


@module_required(Module.POLICING, CHANGE)
@personnel_wall
def flag_step(request: HttpRequest, public_id: uuid.UUID, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404("No such step.")
    flag = _flag(request, public_id, CHANGE)
    heading, form_class, action = STEPS[step]
    form = form_class(request.POST if request.method == "POST" else None, user=request.user, flag=flag)
    if request.method == "POST" and form.is_valid() and applied(
            form, lambda: action(actor=request.user, flag=flag, **form.action_kwargs()), noun="flag"):
        return redirect("policing_eis:detail", public_id=flag.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "core/kit/form.html", {
        "form": form, "heading": f"{heading}: {flag.officer.first_name} {flag.officer.last_name}",
        "cancel": reverse("policing_eis:detail", args=[flag.public_id])}, status=status)


@module_required(Module.POLICING, ADD, CHANGE)
@personnel_wall
def run(request: HttpRequest) -> HttpResponse:
    form = RunForm(request.POST if request.method == "POST" else None, user=request.user)
    message = ""
    runs: list[list[Any]] = []  # the flags the run raised, once it has run
    if request.method == "POST" and form.is_valid() and applied(
            form, lambda: runs.append(actions.ei_run(actor=request.user, **form.action_kwargs())), refusal=403):
        created = runs[0]
        message = f"{len(created)} new flag{'s' if len(created) != 1 else ''} raised."
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "policing/eis/run.html", {"form": form, "message": message}, status=status)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def evaluation_rows(report: EvaluationReport) -> tuple[list[list[str]], list[list[str]]]:
    """The rules' table and the score's table, as plain cells (page and CSV share them)."""
    ev = report.evaluation
    labels = {s.rule.key: s for s in report.rules}
    rule_rows = []
    for r in ev.rules + ([ev.any_rule] if ev.any_rule else []):
        shown = labels.get(r.key)
        rule_rows.append([r.key, shown.rule.label if shown else "Any rule (the flags)", str(r.flagged), str(r.hits),
                          _pct(r.precision), _pct(r.recall), _pct(r.score_precision_same_k),
                          shown.status if shown else ""])
    score_rows = [[str(a.k), f"{a.hits:.2f}".rstrip("0").rstrip("."), _pct(a.precision), _pct(a.recall),
                   str(a.tied)] for a in ev.at_k]
    return rule_rows, score_rows


RULE_HEAD = ["Rule", "Description", "Officers flagged", "Of whom had the outcome", "Precision", "Recall",
             "Score's precision at the same k", "Rule status"]
SCORE_HEAD = ["k", "Officers with the outcome in the top k", "Precision@k", "Recall@k", "Officers tied at k"]


def _report(request: HttpRequest) -> tuple[EvaluationForm, EvaluationReport | None]:
    form = EvaluationForm(request.GET or None, user=request.user)
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    agency = data.get("agency_obj") or (form.agencies[0] if form.agencies else None)
    if agency is None:
        return form, None
    today = timezone.localdate()
    as_of = data.get("as_of") or selectors.default_evaluation_as_of(user=request.user, agency=agency, today=today)
    return form, selectors.ei_evaluation(user=request.user, agency=agency, as_of=as_of, today=today)


@module_required(Module.POLICING)
@personnel_wall
def evaluation(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    rule_rows, score_rows = evaluation_rows(report) if report else ([], [])
    return render(request, "policing/eis/evaluation.html", {
        "form": form, "report": report, "rule_rows": rule_rows, "score_rows": score_rows, "rule_head": RULE_HEAD,
        "score_head": SCORE_HEAD, "query": request.GET.urlencode(),
        "can_export": has_module(request.user, Module.POLICING, EXPORT)}, status=400 if form.errors else 200)


@module_required(Module.POLICING, VIEW, EXPORT)
@personnel_wall
def evaluation_csv(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        problems = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())
        return HttpResponse(problems or "No agency.", status=400, content_type="text/plain")
    rule_rows, score_rows = evaluation_rows(report)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="ei-evaluation-{report.as_of}.csv"'
    out = csvsafe.writer(response)
    out.writerow(["table", "as_of", "horizon_days", *RULE_HEAD])
    for row in rule_rows:
        out.writerow(["rule", report.as_of, report.horizon_days, *row])
    out.writerow(["table", "as_of", "horizon_days", *SCORE_HEAD])
    for row in score_rows:
        out.writerow(["score", report.as_of, report.horizon_days, *row])
    record_export(actor=request.user, what="policing.ei_evaluation", rows=len(rule_rows) + len(score_rows), fmt="csv")
    return response


@module_required(Module.POLICING)
@personnel_wall
def officer_indicators(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    try:
        officer = selectors.officer_get(user=request.user, public_id=public_id)
    except Officer.DoesNotExist:
        raise Http404("No such officer.") from None
    if officer.agency not in selectors.ei_agencies(user=request.user):
        raise Http404("No such officer.")
    form = EvaluationForm(request.GET or None, user=request.user)
    as_of = timezone.localdate()
    if request.GET and form.is_valid() and form.cleaned_data.get("as_of"):
        as_of = form.cleaned_data["as_of"]
    scored = selectors.ei_score(user=request.user, agency=officer.agency, as_of=as_of)
    i = scored.data.index_of(officer)
    table = selectors.indicator_table(scored, i)
    record_viewed(actor=request.user, obj=officer)
    return render(request, "policing/eis/officer.html", {
        "officer": officer, "as_of": as_of, "table": table, "fired": scored.scoring.rules_for(i),
        "flags": selectors.eiflag_list(user=request.user).filter(officer=officer), "form": form,
    }, status=400 if form.errors else 200)
