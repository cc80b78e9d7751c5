"""Core API: who am I, agencies and geography, audit log, API tokens and the rules in force."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from safecity.core import actions, rules, selectors
from safecity.core.api_guard import requires
from safecity.core.audit import verify_chain
from safecity.core.models import Agency, ApiToken
from safecity.core.pagination import Pagination
from safecity.core.permissions import STAFF, active_assignments, ensure_module, modules_for
from safecity.core.roles import Module
from safecity.core.schemas import (
    AgencyOut,
    AuditEventOut,
    ErrorOut,
    LocateOut,
    MeOut,
    RoleOut,
    RulePackOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    VerifyOut,
)

router = Router(tags=["core"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> Any:
    user: Any = request.user
    oris = dict(Agency.objects.values_list("pk", "ori"))
    return {
        "username": user.username,
        "roles": [RoleOut(agency=oris[a], role=r) for a, r in active_assignments(user)],
        "modules": modules_for(user),
        "mfa_verified": bool(getattr(user, "is_verified", lambda: False)()),
    }


@router.get("/agencies", response={200: list[AgencyOut], **ERRORS})
@paginate(Pagination)
def agencies(request: HttpRequest) -> Any:
    return selectors.agency_list(user=request.user).select_related("parent").order_by("ori")


def _agency(request: HttpRequest, ori: str) -> Agency:
    return get_object_or_404(selectors.agency_list(user=request.user), ori=ori.upper()[:9])


@router.get("/agencies/{ori}", response={200: AgencyOut, **ERRORS})
def agency(request: HttpRequest, ori: str) -> Any:
    return _agency(request, ori)


def _feature_collection(areas: Any, district: bool) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": a.code, "geometry": a.geometry,
             "properties": {"code": a.code, "name": a.name, "population": a.population,
                            **({} if district else {"district": a.district.code})}}
            for a in areas
        ],
    }


class GeoJSON(Schema):
    type: str
    features: list[dict[str, Any]]


@router.get("/agencies/{ori}/districts", response={200: GeoJSON, **ERRORS})
def districts(request: HttpRequest, ori: str) -> Any:
    return _feature_collection(selectors.district_list(user=request.user, agency=_agency(request, ori)), True)


@router.get("/agencies/{ori}/beats", response={200: GeoJSON, **ERRORS})
def beats(request: HttpRequest, ori: str) -> Any:
    return _feature_collection(selectors.beat_list(user=request.user, agency=_agency(request, ori)), False)


class LocateQuery(Schema):
    lon: float
    lat: float


@router.get("/agencies/{ori}/locate", response={200: LocateOut, **ERRORS})
def locate(request: HttpRequest, ori: str, q: Query[LocateQuery]) -> Any:
    if not (-180 <= q.lon <= 180 and -90 <= q.lat <= 90):
        from django.core.exceptions import ValidationError

        raise ValidationError({"lon" if not -180 <= q.lon <= 180 else "lat": "Coordinate out of range."})
    d, b = selectors.locate_point(user=request.user, agency=_agency(request, ori), lon=q.lon, lat=q.lat)
    return {"district": d.code if d else None, "beat": b.code if b else None}


class AuditFilter(Schema):
    action: str = ""
    actor: str = ""
    outcome: str = ""


@router.get("/audit/events", response={200: list[AuditEventOut], **ERRORS})
@requires(Module.AUDIT)
@paginate(Pagination, export_module=Module.AUDIT, what="core.auditevent")
def audit_events(request: HttpRequest, filters: Query[AuditFilter]) -> Any:
    return selectors.audit_event_list(
        user=request.user, action=filters.action[:64], actor=filters.actor[:150], outcome=filters.outcome[:16])


@router.get("/audit/verify", response={200: VerifyOut, **ERRORS})
@requires(Module.AUDIT)
def audit_verify(request: HttpRequest) -> Any:
    ensure_module(request.user, Module.AUDIT, "view")
    result = verify_chain()
    return {"ok": result.ok, "checked": result.checked,
            "first_bad_seq": result.problem.seq if result.problem else None,
            "reason": result.problem.reason if result.problem else None}


@router.get("/tokens", response={200: list[TokenOut], **ERRORS})
def tokens(request: HttpRequest) -> Any:
    return list(selectors.token_list(user=request.user))


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS})
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    if getattr(request, "api_token", False):
        # a stolen token must not be able to extend its own life by minting a fresh one
        actions.permission_denied(actor=request.user, what="core.apitoken", reason="token minting a token")
        raise PermissionDenied("A token cannot create another token; create it from a signed-in session, ask an "
                               "administrator, or use `safecity users token`.")
    token, secret = actions.api_token_create(actor=request.user, name=payload.name, days=payload.days)
    return 201, {**TokenOut.from_orm(token).dict(), "token": secret}


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS})
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    actions.api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    return 204, None


class RulesQuery(Schema):
    on: str = ""


@router.get("/rules", response={200: list[RulePackOut], **ERRORS})
@requires(STAFF)
def rule_packs(request: HttpRequest, q: Query[RulesQuery]) -> Any:
    """Every rule pack the city runs on, with the rules in force on `on` (YYYY-MM-DD, default today)."""
    return [
        {"name": p.spec.name, "title": p.spec.title, "description": p.spec.description,
         "source": p.pack.source if p.pack else str(p.spec.path.name), "key_field": p.spec.key,
         "problems": list(p.problems),
         "rules": [{"key": r.rule.key, "values": dict(r.rule.values), "effective_from": r.rule.effective_from,
                    "effective_to": r.rule.effective_to, "citation": r.rule.citation,
                    "status": r.rule.status.value, "review_by": r.rule.review_by,
                    "needs_review": bool(r.review_reason), "review_reason": r.review_reason} for r in p.rules]}
        for p in rules.report(rules.parse_on(q.on))
    ]
