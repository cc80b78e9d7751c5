"""Reads for the core app. Each takes the acting user first and starts from what that user may see."""

from __future__ import annotations

import datetime as dt
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


def agencies_where(*, user: Any, module: str, action: str, include_inactive: bool = False) -> QuerySet[Agency]:
    """Active agencies in which the user may take `action` in `module` (e.g. where they may add records);
    with `include_inactive`, inactive ones too (their records stay readable, so a list can still filter by
    them)."""
    qs = (Agency.objects.all() if include_inactive else Agency.objects.filter(is_active=True)).order_by("name")
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


def audit_event_visible(*, user: Any) -> QuerySet[AuditEvent]:
    """The audit events `user` may read, newest first.

    Without agency limits (a platform administrator) that is every event. An agency auditor sees every
    event that concerns the agency: whose actor is one of its users (home agency or a role there), whose
    object belongs to it (the event's agency ORI, or the agency itself), or whose subject is one of its
    users or their API tokens — so failed sign-ins and lock-outs of its officers, and a city administrator's
    unlock of its accounts, are in its log although neither the actor nor the event carries its ORI.
    """
    ensure_module(user, Module.AUDIT, "view")
    qs = AuditEvent.objects.order_by("-seq")
    ids = agencies_for(user, Module.AUDIT, "view")
    if ids is None:
        return qs
    oris = list(Agency.objects.filter(pk__in=ids).values_list("ori", flat=True))
    # Plain id lists, not joins: the log is the largest table and a join through role assignments needs a
    # DISTINCT over all of it. An agency has thousands of users at most.
    members = set(User.objects.filter(Q(home_agency_id__in=ids) | Q(role_assignments__agency_id__in=ids))
                  .values_list("pk", flat=True))
    tokens = ApiToken.objects.filter(user_id__in=members).values_list("pk", flat=True)
    return qs.filter(
        Q(agency_ori__in=oris)
        | Q(actor_id__in=members)
        | Q(object_type="core.agency", object_id__in=[str(i) for i in ids])
        | Q(object_type="core.user", object_id__in=[str(i) for i in members])
        | Q(object_type="core.apitoken", object_id__in=[str(i) for i in tokens])
    )


def audit_event_list(
    *,
    user: Any,
    action: str = "",
    actor: str = "",
    outcome: str = "",
    object_type: str = "",
    obj: str = "",
    since: dt.datetime | None = None,
    before: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Visible events narrowed by: action code prefix, user (the actor's name, or the user an event is
    about), outcome, record type, object (its id, or part of its description) and a time window
    [since, before)."""
    qs = audit_event_visible(user=user)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        about = [str(pk) for pk in User.objects.filter(username__iexact=actor).values_list("pk", flat=True)]
        qs = qs.filter(Q(actor_name__iexact=actor) | Q(object_type="core.user", object_id__in=about))
    if outcome:
        qs = qs.filter(outcome=outcome)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if obj:
        qs = qs.filter(Q(object_id=obj) | Q(object_repr__icontains=obj))
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    if before is not None:
        qs = qs.filter(occurred_at__lt=before)
    return qs


def audit_action_codes(*, user: Any) -> list[str]:
    """Action codes present in the log (for the filter menu, beside the registered ones). Codes are not
    data about anyone, so this reads the action index alone rather than scoping the whole table."""
    ensure_module(user, Module.AUDIT, "view")
    return sorted(set(AuditEvent.objects.order_by().values_list("action", flat=True).distinct()))


def object_history(*, user: Any, obj: Model) -> QuerySet[ObjectChange]:
    """Change history of a record the caller has already fetched through its own selector."""
    ct = ContentType.objects.get_for_model(type(obj))
    return ObjectChange.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("-time", "-id")


def token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("created_by").order_by("-created")


def can_manage(user: Any) -> bool:
    return has_module(user, Module.ADMIN, "change")


def users_of_agency(*, user: Any, agency: Agency, module: str, action: str = "change") -> QuerySet[User]:
    """Active accounts belonging to `agency` (home agency or a role there), for pickers that link a record of
    `module` to an account (an officer to their own login): empty unless `user` may take `action` in
    `module` at that agency, so a picker never lists another agency's people."""
    if not has_module(user, module, action, agency.pk):
        return User.objects.none()
    return User.objects.filter(Q(home_agency=agency) | Q(role_assignments__agency=agency), is_active=True).distinct(
    ).order_by("username")
