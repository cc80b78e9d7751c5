"""Reads for the core app. Each takes the acting user first and starts from what that user may see."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from safecity.core.geo import locate
from safecity.core.models import Agency, ApiToken, AuditEvent, Beat, District, ObjectChange, User
from safecity.core.permissions import agencies_for, ensure_module, has_module
from safecity.core.roles import Module


def agency_list(*, user: Any) -> QuerySet[Agency]:
    """The agency directory is visible to every signed-in user and, for public context, to everyone."""
    return Agency.objects.filter(is_active=True).prefetch_related("populations")


def agency_get(*, user: Any, ori: str) -> Agency:
    return agency_list(user=user).get(ori=ori.upper())


def agency_by_ori(*, user: Any, ori: str) -> Agency | None:
    """The active agency with this ORI (any case, surrounding spaces ignored), or None."""
    return agency_list(user=user).filter(ori=ori.strip().upper()).first()


def agencies_where(*, user: Any, module: str, action: str) -> QuerySet[Agency]:
    """Active agencies in which the user may take `action` in `module` (e.g. where they may add records)."""
    qs = Agency.objects.filter(is_active=True).order_by("name")
    ids = agencies_for(user, module, action)
    return qs if ids is None else qs.filter(pk__in=ids)


def district_list(*, user: Any, agency: Agency | None = None, module: str = "") -> QuerySet[District]:
    """Districts of one agency or, without one, of every agency where the user may view `module`."""
    return District.objects.filter(agency__in=_areas_of(user, agency, module)).select_related("agency").order_by(
        "code", "agency__ori")


def beat_list(*, user: Any, agency: Agency | None = None, module: str = "") -> QuerySet[Beat]:
    """Beats of one agency or, without one, of every agency where the user may view `module`."""
    return Beat.objects.filter(agency__in=_areas_of(user, agency, module)).select_related(
        "district", "agency").order_by("code", "agency__ori")


def _areas_of(user: Any, agency: Agency | None, module: str) -> QuerySet[Agency]:
    if agency is not None:
        return Agency.objects.filter(pk=agency.pk)
    return agencies_where(user=user, module=module, action="view")


def locate_point(*, user: Any, agency: Agency, lon: float, lat: float) -> tuple[District | None, Beat | None]:
    return locate(agency, lon, lat)


def managed_agencies(*, user: Any) -> QuerySet[Agency]:
    ids = agencies_for(user, Module.ADMIN, "change")
    qs = Agency.objects.all()
    return qs if ids is None else qs.filter(pk__in=ids)


def managed_users(*, user: Any) -> QuerySet[User]:
    ids = agencies_for(user, Module.ADMIN, "change")
    qs = User.objects.prefetch_related("role_assignments__agency").select_related("home_agency")
    if ids is None:
        return qs.order_by("username")
    return qs.filter(Q(home_agency_id__in=ids) | Q(role_assignments__agency_id__in=ids)).distinct().order_by(
        "username")


def audit_event_list(*, user: Any, action: str = "", actor: str = "", outcome: str = "") -> QuerySet[AuditEvent]:
    ensure_module(user, Module.AUDIT, "view")
    qs = AuditEvent.objects.order_by("-seq")
    ids = agencies_for(user, Module.AUDIT, "view")
    if ids is not None:
        oris = list(Agency.objects.filter(pk__in=ids).values_list("ori", flat=True))
        qs = qs.filter(Q(agency_ori__in=oris) | Q(actor__role_assignments__agency_id__in=ids)).distinct()
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_name__iexact=actor)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs


def object_history(*, user: Any, obj: Model) -> QuerySet[ObjectChange]:
    """Change history of a record the caller has already fetched through its own selector."""
    ct = ContentType.objects.get_for_model(type(obj))
    return ObjectChange.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("-time", "-id")


def token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("created_by").order_by("-created")


def can_manage(user: Any) -> bool:
    return has_module(user, Module.ADMIN, "change")
