"""Early-intervention API: pursuits and flags (from the kit), the evaluation and one officer's indicators.
Flags and figures need personnel clearance; without it the answer is 403 (lists: empty)."""

import datetime as dt
import uuid
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from safecity.core.api_guard import requires
from safecity.core.kit.api import register
from safecity.core.permissions import NotPermitted
from safecity.core.roles import Module
from safecity.policing import selectors
from safecity.policing.forms.eis import EvaluationForm
from safecity.policing.kit.eis import FLAGS, PURSUITS
from safecity.policing.models import Officer
from safecity.policing.schemas.eis import EvaluationOut, FlagOut, OfficerIndicatorsOut, PursuitOut

pursuits_router = Router(tags=["policing"])
register(pursuits_router, PURSUITS, PursuitOut)

eis_router = Router(tags=["policing"])


class EvaluationQuery(Schema):
    agency: str | None = Field(None, description="The agency's ORI (any case), one whose early-intervention data "
                                                 "you may see. Default: the first of them.")
    as_of: dt.date | None = None


def _wall(request: HttpRequest) -> None:
    if not selectors.can_see_flags(user=request.user):
        raise NotPermitted("Early-intervention figures are personnel records.")


def _form(request: HttpRequest, query: EvaluationQuery) -> EvaluationForm:
    form = EvaluationForm({k: v for k, v in query.dict().items() if v is not None}, user=request.user)
    if not form.is_valid():
        raise NinjaValidationError([{"loc": ["query", k], "msg": " ".join(str(m) for m in v)}
                                    for k, v in form.errors.items()])
    return form


@eis_router.get("/evaluation", response=EvaluationOut, operation_id="safecity_policing_api_ei_evaluation")
@requires(Module.POLICING)
def evaluation(request: HttpRequest, query: Query[EvaluationQuery]) -> Any:
    """The threshold rules' precision and recall beside the score's precision@k, against a sustained complaint
    or a serious-injury use of force in the year after the as-of date."""
    _wall(request)
    form = _form(request, query)
    agency = form.cleaned_data["agency_obj"]
    today = timezone.localdate()
    as_of = form.cleaned_data.get("as_of") or selectors.default_evaluation_as_of(user=request.user, agency=agency,
                                                                                  today=today)
    report = selectors.ei_evaluation(user=request.user, agency=agency, as_of=as_of, today=today)
    ev = report.evaluation
    shown = {s.rule.key: s for s in report.rules}

    def row(r: Any) -> dict[str, Any]:
        s = shown.get(r.key)
        return {"key": r.key, "label": s.rule.label if s else "Any rule", "status": s.status if s else "",
                "citation": s.citation if s else "", "flagged": r.flagged, "hits": r.hits,
                "precision": r.precision, "recall": r.recall, "score_precision_same_k": r.score_precision_same_k}

    return {"agency": agency.ori, "as_of": as_of, "horizon_days": report.horizon_days, "complete": report.complete,
            "officers": ev.officers, "positives": ev.positives, "base_rate": ev.base_rate,
            "rules": [row(r) for r in ev.rules], "any_rule": row(ev.any_rule) if ev.any_rule else None,
            "at_k": [a.__dict__ for a in ev.at_k], "notes": ev.notes}


@eis_router.get("/officers/{officer_id}", response=OfficerIndicatorsOut,
                operation_id="safecity_policing_api_ei_officer_indicators")
@requires(Module.POLICING)
def officer_indicators(request: HttpRequest, officer_id: uuid.UUID, query: Query[EvaluationQuery]) -> Any:
    """One officer's counts, rates and peer percentiles over the score window ending on `as_of` (default today)."""
    _wall(request)
    form = _form(request, query)
    try:
        officer = selectors.officer_get(user=request.user, public_id=officer_id)
    except Officer.DoesNotExist:
        raise Http404 from None
    if officer.agency not in selectors.ei_agencies(user=request.user):
        raise Http404
    as_of = form.cleaned_data.get("as_of") or timezone.localdate()
    scored = selectors.ei_score(user=request.user, agency=officer.agency, as_of=as_of)
    i = scored.data.index_of(officer)
    table = selectors.indicator_table(scored, i)
    return {"officer": officer.public_id, "as_of": as_of, **table, "rules_fired": scored.scoring.rules_for(i)}


flags_router = Router(tags=["policing"])
register(flags_router, FLAGS, FlagOut)
eis_router.add_router("/flags", flags_router)
eis_router.add_router("/pursuits", pursuits_router)
