"""Complaint operations under /api/v1/policing/complaints/: list and detail from the kit (every detail read is
audited: complaints always carry the personnel label, which `record_viewed` audits), and the writes —
stage change, extension, finding, comment — each through its audited action; and the importer framework's
operations under /imports (batches carry the personnel label, like the complaints).

No `from __future__ import annotations` here: ninja needs the real annotations."""

import uuid
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest
from ninja import Router

from safecity.core.api_guard import requires
from safecity.core.importing.api import register as register_import
from safecity.core.kit.api import ERRORS, register
from safecity.core.permissions import NotPermitted
from safecity.core.roles import CHANGE, Module
from safecity.policing import actions, selectors
from safecity.policing.importers_complaints import COMPLAINTS_IMPORT
from safecity.policing.kit.complaints import COMPLAINTS
from safecity.policing.models import Complaint
from safecity.policing.schemas.complaints import (
    AllegationOut,
    CommentIn,
    CommentOut,
    ComplaintDetailOut,
    ComplaintOut,
    ExtendIn,
    FindingIn,
    TransitionIn,
)

complaints_router = Router(tags=["policing"])
register(complaints_router, COMPLAINTS, ComplaintOut, ComplaintDetailOut)


def _fetch(request: HttpRequest, complaint_id: uuid.UUID, action: str = "view") -> Complaint:
    try:
        return selectors.complaint_get(user=request.user, public_id=complaint_id, action=action)
    except ObjectDoesNotExist:
        raise Http404 from None


@complaints_router.post("/{complaint_id}/transition", response={200: ComplaintOut, **ERRORS},
                        operation_id="safecity_policing_api_complaint_transition")
@requires(Module.POLICING, CHANGE)
def complaint_transition(request: HttpRequest, complaint_id: uuid.UUID, payload: TransitionIn) -> Any:
    """Move a complaint to its next stage; a stage the workflow does not allow answers 422 naming `status`."""
    complaint = _fetch(request, complaint_id, CHANGE)
    investigator = None
    if payload.investigator:
        investigator = selectors.investigators(user=request.user).filter(
            agency=complaint.agency, employee_id=payload.investigator).first()
        if investigator is None:
            raise ValidationError({"investigator": f"No active officer {payload.investigator!r} in this agency."})
    return actions.complaint_transition(actor=request.user, complaint=complaint, to_status=payload.to_status,
                                        on=payload.on, reason=payload.reason, investigator=investigator)


@complaints_router.post("/{complaint_id}/extend", response={200: ComplaintOut, **ERRORS},
                        operation_id="safecity_policing_api_complaint_extend")
@requires(Module.POLICING, CHANGE)
def complaint_extend(request: HttpRequest, complaint_id: uuid.UUID, payload: ExtendIn) -> Any:
    """Extend the current stage's due date; the reason is required."""
    complaint = _fetch(request, complaint_id, CHANGE)
    if payload.due_on is None:
        raise ValidationError({"due_on": "Required: the new due date (YYYY-MM-DD)."})
    return actions.complaint_extend(actor=request.user, complaint=complaint, due_on=payload.due_on,
                                    reason=payload.reason)


@complaints_router.post("/{complaint_id}/allegations/{allegation_id}/finding", response={200: AllegationOut, **ERRORS},
                        operation_id="safecity_policing_api_allegation_finding")
@requires(Module.POLICING, CHANGE)
def allegation_finding(request: HttpRequest, complaint_id: uuid.UUID, allegation_id: uuid.UUID,
                       payload: FindingIn) -> Any:
    """Record an allegation's finding (command and administrators; never an officer accused in it)."""
    complaint = _fetch(request, complaint_id, CHANGE)
    try:
        allegation = selectors.allegation_get(user=request.user, public_id=allegation_id, action=CHANGE)
    except ObjectDoesNotExist:
        raise Http404 from None
    if allegation.complaint_id != complaint.pk:
        raise Http404
    return actions.allegation_finding_set(actor=request.user, allegation=allegation, finding=payload.finding,
                                          finding_date=payload.finding_date, discipline=payload.discipline)


@complaints_router.post("/{complaint_id}/comments", response={201: CommentOut, **ERRORS},
                        operation_id="safecity_policing_api_complaint_comment")
@requires(Module.POLICING)
def complaint_comment(request: HttpRequest, complaint_id: uuid.UUID, payload: CommentIn) -> Any:
    """Comment on a complaint: oversight board, command and administrators who may read it (not the accused).
    Commenting changes nothing else; findings and stage need the change right."""
    complaint = _fetch(request, complaint_id)
    if not selectors.can_comment(request.user, complaint):
        raise NotPermitted("You may not comment on this complaint.")
    return 201, actions.complaint_comment(actor=request.user, complaint=complaint, body=payload.body)


imports_router = Router(tags=["imports"])
register_import(imports_router, COMPLAINTS_IMPORT, url_prefix="/api/v1/policing/complaints/imports",
                operation_prefix="safecity_policing_complaints_import")
complaints_router.add_router("/imports", imports_router)
