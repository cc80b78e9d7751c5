"""Writes with legal or audit weight for the core app, and the `audited` frame every app's actions use.

Each action is keyword-only and typed; it runs in one transaction, checks permission, changes data and
appends the audit event (with before/after history) in that same transaction. A refused action is rolled
back and the refusal itself is then recorded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from safecity.core import audit, dataversion, dbbusy
from safecity.core.actors import Actor, is_system
from safecity.core.history import snapshot
from safecity.core.models import (
    Agency,
    AgencyPopulation,
    ApiToken,
    AuditEvent,
    Beat,
    District,
    LoginFailure,
    ObjectChange,
    RoleAssignment,
    TokenOrigin,
    User,
)
from safecity.core.permissions import NotPermitted, ensure_module, has_module
from safecity.core.roles import Module, Role


@dataclass
class AuditFrame:
    actor: Actor
    action: str
    purpose: str = ""
    changes: list[tuple[models.Model, str, dict[str, Any] | None, dict[str, Any] | None]] = field(
        default_factory=list
    )
    obj: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Agencies whose data this action changed: their data versions are raised before commit, which is what
    # keeps cached results (`core.resultcache`) from ever outliving the data they were computed from.
    touched: set[int] = field(default_factory=set)

    def touch(self, agency_id: int | None) -> None:
        """Say the action changed this agency's data (writes the frame does not see as changes: bulk SQL)."""
        if agency_id is not None:
            self.touched.add(agency_id)

    def _touch_owner(self, obj: models.Model) -> None:
        # An agency's data: its records (models that declare `agency_field`, read through restrict()), the
        # agency itself, its populations (rates) and its areas (the "by area" rows). Not role grants: who
        # may see what is already in the cache key, and a grant should not empty everyone's cache.
        if isinstance(obj, Agency):
            self.touch(obj.pk)
        elif isinstance(obj, AgencyPopulation | District | Beat):
            self.touch(obj.agency_id)
        elif field := getattr(type(obj), "agency_field", None):
            self.touch(getattr(obj, f"{field}_id", None))

    def created(self, obj: models.Model) -> None:
        self.obj = self.obj or obj
        self._touch_owner(obj)
        self.changes.append((obj, "create", None, snapshot(obj)))

    def updated(self, obj: models.Model, before: dict[str, Any]) -> None:
        self.obj = self.obj or obj
        after = snapshot(obj)
        if after != before:
            self._touch_owner(obj)
            self.changes.append((obj, "update", before, after))

    def updated_many(self, objs: Iterable[models.Model], befores: Mapping[Any, dict[str, Any]]) -> int:
        """Record rows changed by a bulk write (an import batch): `befores` maps each primary key to the
        snapshot taken before the write, `objs` are the same rows read back after it. Rows whose snapshot did
        not change are skipped. One history row per changed object, all written in one bulk insert with the
        event; returns how many were recorded. The frame's subject (`obj`) is left as it is."""
        recorded = 0
        for obj in objs:
            before = befores[obj.pk]
            after = snapshot(obj)
            if after != before:
                self._touch_owner(obj)
                self.changes.append((obj, "update", before, after))
                recorded += 1
        return recorded

    def deleted(self, obj: models.Model, before: dict[str, Any]) -> None:
        self.obj = self.obj or obj
        self._touch_owner(obj)
        self.changes.append((obj, "delete", before, None))


@contextlib.contextmanager
def audited(*, actor: Actor, action: str, obj: Any = None, purpose: str = "") -> Iterator[AuditFrame]:
    """Run an action's body in one transaction and append its audit event (and history) before commit."""
    frame = AuditFrame(actor=actor, action=action, purpose=purpose, obj=obj)
    try:
        with dbbusy.atomic():
            yield frame
            dataversion.bump(frame.touched)
            event = audit.record(action=action, actor=actor, obj=frame.obj, purpose=purpose, extra=frame.extra)
            # One insert for all of them: an import batch can record thousands of changed rows.
            ObjectChange.objects.bulk_create([
                ObjectChange(
                    event=event, time=event.occurred_at, actor_name=event.actor_name,
                    content_type=ContentType.objects.get_for_model(type(changed)),
                    object_id=str(changed.pk if changed.pk is not None else (before or {}).get("id")),
                    object_repr=str(changed)[:200], action=kind, before=before, after=after,
                )
                for changed, kind, before, after in frame.changes
            ], batch_size=1000)
    except NotPermitted as exc:
        audit.record(action=action, actor=actor, obj=obj, outcome="denied", purpose=purpose,
                     extra={"reason": str(exc)})
        raise


def _require_admin(actor: Actor, agency: Agency | None = None) -> None:
    ensure_module(actor, Module.ADMIN, "change", agency.pk if agency else None)


def _clean(obj: models.Model, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude)


# ---- agencies and geography -------------------------------------------------------------------------


def agency_create(
    *, actor: Actor, ori: str, name: str, agency_type: str, jurisdiction: str = "", state: str = "",
    parent: Agency | None = None,
) -> Agency:
    with audited(actor=actor, action="agency.create") as frame:
        if not getattr(actor, "is_superuser", False) and not is_system(actor):
            raise NotPermitted("Only a platform administrator may create agencies.")
        agency = Agency(ori=ori.strip().upper(), name=name.strip(), agency_type=agency_type,
                        jurisdiction=jurisdiction, state=state.upper(), parent=parent)
        _clean(agency)
        agency.save()
        frame.created(agency)
    return agency


def agency_update(*, actor: Actor, agency: Agency, **changes: Any) -> Agency:
    allowed = {"name", "agency_type", "jurisdiction", "state", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({k: "This field cannot be changed here." for k in sorted(unknown)})
    with audited(actor=actor, action="agency.update", obj=agency) as frame:
        if not is_system(actor):
            _require_admin(actor, agency)
        before = snapshot(agency)
        for key, value in changes.items():
            setattr(agency, key, value)
        _clean(agency, exclude=["parent"])
        agency.save()
        frame.updated(agency, before)
    return agency


def agency_population_set(*, actor: Actor, agency: Agency, year: int, population: int, source: str = "") -> None:
    with audited(actor=actor, action="agency.population.set", obj=agency) as frame:
        if not is_system(actor):
            _require_admin(actor, agency)
        row, created = AgencyPopulation.objects.get_or_create(
            agency=agency, year=year, defaults={"population": population, "source": source})
        if created:
            frame.created(row)
        else:
            before = snapshot(row)
            row.population, row.source = population, source
            row.save()
            frame.updated(row, before)
    agency.__dict__.pop("_population_rows", None)  # Agency.population reads the new figure


def district_save(*, actor: Actor, agency: Agency, code: str, name: str, geometry: dict[str, Any],
                  population: int | None = None) -> District:
    with audited(actor=actor, action="geography.district.save", obj=agency) as frame:
        if not is_system(actor):
            _require_admin(actor, agency)
        district = District.objects.filter(agency=agency, code=code).first()
        before = snapshot(district) if district else None
        district = district or District(agency=agency, code=code)
        district.name, district.geometry, district.population = name, geometry, population
        district.save()
        if before is None:
            frame.created(district)
        else:
            frame.updated(district, before)
    return district


def beat_save(*, actor: Actor, district: District, code: str, name: str, geometry: dict[str, Any],
              population: int | None = None) -> Beat:
    with audited(actor=actor, action="geography.beat.save", obj=district.agency) as frame:
        if not is_system(actor):
            _require_admin(actor, district.agency)
        beat = Beat.objects.filter(agency=district.agency, code=code).first()
        before = snapshot(beat) if beat else None
        beat = beat or Beat(agency=district.agency, code=code)
        beat.district, beat.name, beat.geometry, beat.population = district, name, geometry, population
        beat.save()
        if before is None:
            frame.created(beat)
        else:
            frame.updated(beat, before)
    return beat


# ---- users, roles and sign-in ------------------------------------------------------------------------


def user_create(
    *, actor: Actor, username: str, email: str, password: str | None, first_name: str = "",
    last_name: str = "", home_agency: Agency | None = None, is_superuser: bool = False,
    affiliation: str = "agency",
) -> User:
    from django.contrib.auth.password_validation import validate_password

    with audited(actor=actor, action="user.create") as frame:
        if not is_system(actor):
            if is_superuser and not getattr(actor, "is_superuser", False):
                raise NotPermitted("Only a platform administrator may create another.")
            _require_admin(actor, home_agency)
        user = User(username=username.strip(), email=email.strip(), first_name=first_name,
                    last_name=last_name, home_agency=home_agency, is_superuser=is_superuser,
                    affiliation=affiliation)
        if password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ValidationError({"password": exc.messages}) from None
            user.set_password(password)
            user.password_changed_at = timezone.now()
        else:
            user.set_unusable_password()
        _clean(user, exclude=["password"])
        user.save()
        frame.created(user)
    return user


def role_grant(*, actor: Actor, user: User, agency: Agency, role: str,
               expires_at: dt.datetime | None = None) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; choose one of {', '.join(Role.values)}."})
    with audited(actor=actor, action="role.grant", obj=user) as frame:
        if not is_system(actor):
            _require_admin(actor, agency)
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, agency=agency, role=role,
            defaults={"granted_by": actor if isinstance(actor, User) else None, "expires_at": expires_at})
        if created:
            frame.created(assignment)
        frame.extra = {"agency": agency.ori, "role": role}
        _end_sessions(user)  # CJIS IA-11: a role change forces re-authentication
    return assignment


def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    user = assignment.user
    with audited(actor=actor, action="role.revoke", obj=user) as frame:
        if not is_system(actor):
            _require_admin(actor, assignment.agency)
            if _same_user(actor, user) and assignment.role == Role.ADMIN:
                _refuse_if_last_admin(user, [assignment.agency_id], "remove your own administrator role")
        before = snapshot(assignment)
        frame.extra = {"agency": assignment.agency.ori, "role": assignment.role}
        frame.deleted(assignment, before)
        assignment.delete()
        _end_sessions(user)
        if not RoleAssignment.objects.filter(user=user).exists():
            # CJIS AC-2: an account with no role left has no business holding credentials either
            frame.extra["tokens_revoked"] = _revoke_tokens(user)


def _same_user(actor: Actor, user: User) -> bool:
    return isinstance(actor, User) and actor.pk == user.pk


def _refuse_if_last_admin(user: User, agency_ids: list[int], doing: str) -> None:
    """An agency must keep an active administrator: nobody else could then unlock, grant or deactivate."""
    now = timezone.now()
    for agency_id in agency_ids:
        others = (RoleAssignment.objects.filter(agency_id=agency_id, role=Role.ADMIN, user__is_active=True)
                  .exclude(user=user).exclude(expires_at__lte=now))
        if not others.exists():
            agency = Agency.objects.get(pk=agency_id)
            raise NotPermitted(f"You cannot {doing}: you are the last active administrator of {agency.name}. "
                               "Grant the administrator role to someone else first.")


def _end_sessions(user: User) -> None:
    """End every session of `user` at once: raising the epoch invalidates the hash each session carries."""
    User.objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])  # a later save() of this instance must not roll it back


def _revoke_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def user_unlock(*, actor: Actor, user: User) -> None:
    with audited(actor=actor, action="user.unlock", obj=user) as frame:
        if not is_system(actor):
            _require_admin(actor, user.home_agency)
        before = snapshot(user)
        user.locked_at = None
        user.save(update_fields=["locked_at"])
        LoginFailure.objects.filter(username__iexact=user.username).delete()
        frame.updated(user, before)


def user_set_active(*, actor: Actor, user: User, active: bool) -> None:
    with audited(actor=actor, action="user.activate" if active else "user.deactivate", obj=user) as frame:
        if not is_system(actor):
            _require_admin(actor, user.home_agency)
            if not active and _same_user(actor, user):
                admin_of = list(RoleAssignment.objects.filter(user=user, role=Role.ADMIN)
                                .values_list("agency_id", flat=True))
                _refuse_if_last_admin(user, admin_of, "deactivate your own account")
        before = snapshot(user)
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            frame.extra = {"tokens_revoked": _revoke_tokens(user)}
            _end_sessions(user)
        frame.updated(user, before)


def login_failed(*, username: str, source_ip: str | None, window_seconds: int, limit: int) -> bool:
    """Record a failed sign-in; lock the account at `limit` failures in the window. Returns True if locked."""
    from django.conf import settings  # noqa: F401  (settings read by caller)

    username = username.strip()[:150]
    with dbbusy.atomic():
        LoginFailure.objects.create(username=username, source_ip=source_ip)
        since = timezone.now() - dt.timedelta(seconds=window_seconds)
        recent = LoginFailure.objects.filter(username__iexact=username, at__gte=since).count()
        user = User.objects.filter(username__iexact=username).first() if username else None
        locked = False
        if user is not None and recent >= limit and user.locked_at is None:
            user.locked_at = timezone.now()
            user.save(update_fields=["locked_at"])
            # Sessions end now; tokens are refused while locked (TokenAuth) but not revoked, because anyone who
            # knows a user name can trigger a lockout and must not be able to destroy an agency's integrations.
            _end_sessions(user)
            locked = True
        audit.record(action="auth.login", actor=username or "(blank)", outcome="failure",
                     obj=user, extra={"recent_failures": recent})
        if locked:
            audit.record(action="auth.lockout", actor=username, outcome="success", obj=user)
    return locked


def login_succeeded(*, user: User, method: str) -> None:
    with dbbusy.atomic():
        LoginFailure.objects.filter(username__iexact=user.username).delete()
        audit.record(action="auth.login", actor=user, obj=user, extra={"method": method})


# ---- API tokens --------------------------------------------------------------------------------------

TOKEN_PREFIX = "sc_"  # noqa: S105  (a public marker, not a secret)


def hash_token_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _passed_second_step(actor: Actor) -> bool:
    # django-otp's middleware gives the request's user `is_verified()`; a bare model instance has none.
    is_verified = getattr(actor, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def api_token_create(*, actor: Actor, name: str, days: int = 90,
                     owner: User | None = None) -> tuple[ApiToken, str]:
    """Create a token; returns it and the full secret, which is never stored or shown again.

    Three paths only, recorded on the token: a user's own session (`owner` omitted; in CJI mode a staff
    session must have passed two-step sign-in), an administrator creating one for `owner` in their agency,
    or the command line (a system actor such as `actors.CLI`, `owner` required).
    """
    from django.conf import settings

    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the token a name so you can recognise it later."
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        errors["days"] = f"Expiry must be between 1 and {settings.API_TOKEN_MAX_DAYS} days."
    if is_system(actor) and owner is None:
        errors["owner"] = "Name the user the token is for."
    if errors:
        raise ValidationError(errors)
    with audited(actor=actor, action="api_token.create", obj=owner) as frame:
        if is_system(actor) and owner is not None:
            via, user, created_by = TokenOrigin.CLI, owner, None
        elif not isinstance(actor, User):
            raise NotPermitted("Only a signed-in user, an administrator or the command line may create tokens.")
        elif owner is None or owner.pk == actor.pk:
            via, user, created_by = TokenOrigin.SESSION, actor, actor
        else:
            _require_admin(actor, owner.home_agency)
            via, user, created_by = TokenOrigin.ADMIN, owner, actor
        if isinstance(actor, User) and settings.CJI_MODE and actor.is_staff_member \
                and not _passed_second_step(actor):
            raise NotPermitted("Complete two-step sign-in before creating an API token (CJI mode).")
        if not user.is_active:
            raise ValidationError({"owner": f"{user.username} is deactivated; activate the account first."})
        prefix = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user, name=name[:100], prefix=prefix, key_hash=hash_token_secret(secret),
            expires_at=timezone.now() + dt.timedelta(days=days), created_via=via, created_by=created_by)
        frame.obj = token
        frame.created(token)
        frame.extra = {"created_via": str(via), "owner": user.username}
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    with audited(actor=actor, action="api_token.revoke", obj=token) as frame:
        if token.user_id != actor.pk:
            _require_admin(actor, token.user.home_agency)
        before = snapshot(token)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
        frame.updated(token, before)


# ---- MFA ---------------------------------------------------------------------------------------------


def mfa_confirm(*, actor: User, device: Any) -> None:
    with audited(actor=actor, action="mfa.enroll", obj=actor):
        device.confirmed = True
        device.save(update_fields=["confirmed"])


def mfa_remove(*, actor: Actor, user: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with audited(actor=actor, action="mfa.remove", obj=user):
        if actor != user:
            _require_admin(actor, user.home_agency)
        TOTPDevice.objects.filter(user=user).delete()


def record_read(*, actor: Actor, obj: Any, purpose: str = "") -> AuditEvent:
    """Audit a read of one record (`record_viewed` decides which reads count)."""
    return audit.record(action="record.read", actor=actor, obj=obj, purpose=purpose,
                        extra={"labels": getattr(obj, "sensitivity_labels", [])})


def record_viewed(*, actor: Actor, obj: Any, purpose: str = "") -> AuditEvent | None:
    """The one rule for auditing the view of a single record, on a page or through the API: in CJI mode
    every view (CJIS AU-2 counts access to criminal justice information); otherwise the view of a record
    carrying any sensitivity label. Returns the event, or None when the view is not audited."""
    from django.conf import settings

    if settings.CJI_MODE or bool(getattr(obj, "sensitivity", None)):
        return record_read(actor=actor, obj=obj, purpose=purpose)
    return None


def record_export(*, actor: Actor, what: str, rows: int, fmt: str, purpose: str = "") -> AuditEvent:
    return audit.record(action="export", actor=actor, object_type=what, purpose=purpose,
                        extra={"rows": rows, "format": fmt})


def module_refusal(*, actor: Actor, module: str, needed: tuple[str, ...], path: str) -> str | None:
    """The refusal message when `actor` lacks any of `needed` in `module` (the refusal is audited), else None.
    One check for pages (`views.module_required`) and API operations (`api_guard.requires`)."""
    missing = [a for a in needed if not has_module(actor, module, a)]
    if not missing:
        return None
    permission_denied(actor=actor, what=f"module:{module}", reason=path)
    return f"You do not have {' and '.join(missing)} permission in {module}."


def permission_denied(*, actor: Actor, what: str, reason: str) -> AuditEvent:
    return audit.record(action="permission.denied", actor=actor, outcome="denied", object_type=what,
                        extra={"reason": reason})
