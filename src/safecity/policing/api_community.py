"""The community problem-solving API at /api/v1/policing/community/: projects (with their assessment),
meetings, overdue follow-ups, survey waves, survey results by district over time, and the survey import."""

import uuid
from typing import Any, Literal

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from safecity.core.actions import record_viewed
from safecity.core.api_guard import requires
from safecity.core.importing.api import register as register_import
from safecity.core.kit.api import ERRORS
from safecity.core.kit.api import register as register_kit
from safecity.core.roles import Module
from safecity.policing import selectors
from safecity.policing.forms.community import SurveyResultsQuery
from safecity.policing.import_surveys import SURVEYS
from safecity.policing.kit.community import MEETINGS, PROJECTS, WAVES
from safecity.policing.models import SurveyItem
from safecity.policing.schemas.community import (
    AssessmentOut,
    FollowUpOut,
    MeetingDetailOut,
    MeetingOut,
    ProjectOut,
    SurveySeriesOut,
    WaveOut,
)

PREFIX = "safecity_policing_api"

projects_router = Router(tags=["policing"])
register_kit(projects_router, PROJECTS, ProjectOut)


@projects_router.get("/{project_id}/assessment", response={200: AssessmentOut, **ERRORS},
                     operation_id=f"{PREFIX}_project_assessment")
@requires(Module.POLICING)
def project_assessment(request: HttpRequest, project_id: uuid.UUID) -> Any:
    """The project's counts by area and period (from incidents you may see, or typed in), the weighted
    displacement difference (Wheeler & Ratcliffe 2018) and quotient (Bowers & Johnson 2003)."""
    try:
        project = selectors.project_get(user=request.user, public_id=project_id)
    except ObjectDoesNotExist:
        raise Http404 from None
    record_viewed(actor=request.user, obj=project)
    a = selectors.project_assessment(user=request.user, project=project)
    return {
        "source": a.source, "source_label": a.source_label,
        "before_from": a.before[0] if a.before else None, "before_to": a.before[1] if a.before else None,
        "after_from": a.after[0] if a.after else None, "after_to": a.after[1] if a.after else None,
        "offense_codes": list(a.offense_codes), "time_weights": list(a.time_weights),
        "areas": [{"area": x.key, "label": x.label, "beats": list(x.beats), "before": x.before, "after": x.after}
                  for x in a.areas],
        "wdd": a.wdd, "wdq": a.wdq, "problems": list(a.problems),
        "links": [{"label": link.label, "url": link.url} for link in a.links],
    }


meetings_router = Router(tags=["policing"])
register_kit(meetings_router, MEETINGS, MeetingOut, MeetingDetailOut)

followups_router = Router(tags=["policing"])


@followups_router.get("/overdue", response={200: list[FollowUpOut], **ERRORS},
                      operation_id=f"{PREFIX}_followup_overdue")
@requires(Module.POLICING)
def followups_overdue(request: HttpRequest) -> Any:
    """Meeting follow-ups still open after their due date, oldest first."""
    return list(selectors.followup_list(user=request.user, overdue=True))


waves_router = Router(tags=["policing"])
register_kit(waves_router, WAVES, WaveOut)

results_router = Router(tags=["policing"])

if True:  # the item parameter's allowed values are the item codes, written once in the model
    Item = Literal[tuple(SurveyItem.values)]  # type: ignore[valid-type]


class SurveyQuery(Schema):
    item: Item = SurveyItem.TRUST  # type: ignore[valid-type]
    agency: str = Field("", description="Only this agency's districts: its ORI (any case), one of the agencies "
                                        "you may see. Default: every agency you may see.")


@results_router.get("/", response={200: list[SurveySeriesOut], **ERRORS}, operation_id=f"{PREFIX}_survey_series")
@requires(Module.POLICING)
def survey_results(request: HttpRequest, query: Query[SurveyQuery]) -> Any:
    """One survey item by district over the waves: percent agree with a 95% Wilson interval from n."""
    # the page's and the CSV's parameter form, so all three refuse the same agency with the same message
    form = SurveyResultsQuery({"item": query.item, "agency": query.agency}, user=request.user)
    if not form.is_valid():
        raise NinjaValidationError([{"loc": ["query", k], "msg": " ".join(str(m) for m in v)}
                                    for k, v in form.errors.items()])
    return selectors.survey_series(user=request.user, item=form.cleaned_data["item"],
                                   agency_ori=form.cleaned_data["agency"])


imports_router = Router(tags=["policing"])
register_import(imports_router, SURVEYS, url_prefix="/api/v1/policing/community/surveys/imports",
                operation_prefix=f"{PREFIX}_survey_import")

community_router = Router(tags=["policing"])
community_router.add_router("/projects", projects_router)
community_router.add_router("/meetings", meetings_router)
community_router.add_router("/follow-ups", followups_router)
community_router.add_router("/surveys/waves", waves_router)
community_router.add_router("/surveys/results", results_router)
community_router.add_router("/surveys/imports", imports_router)
