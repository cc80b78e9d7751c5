"""Sign-in, MFA, account, administration, audit log and module dashboards."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from safecity.core import actions, audit_labels, csvsafe, ratelimit, rules, selectors
from safecity.core.audit import verify_chain
from safecity.core.forms import (
    AgencyForm,
    ApiTokenForm,
    AuditFilterForm,
    RoleGrantForm,
    SignInForm,
    TokenForm,
    UserCreateForm,
)
from safecity.core.middleware import client_ip
from safecity.core.models import ApiToken, AuditEvent, RoleAssignment, User
from safecity.core.permissions import (
    MODULE_FROM_URL,
    STAFF,
    NotPermitted,
    declare,
    has_module,
    is_staff,
    modules_for,
)
from safecity.core.roles import VIEW, Module, Role

MODULE_BLURBS = {
    Module.POLICING: "Officer roster, training and body-camera compliance, use of force, complaints and "
                     "early intervention.",
    Module.FIREARMS: "ERPO cases, crime-gun traces, background-check record completeness and violence "
                     "intervention.",
    Module.INTEL: "Suspicious activity reports, 28 CFR Part 23 criminal intelligence and STIX/TAXII sharing.",
    Module.REENTRY: "Reentry case management, service directory, referrals and outcomes.",
    Module.GRANTS: "Grant opportunities, awards, match, drawdowns and deadlines.",
    Module.JUSTICE: "Record clearance, disparities and Justice Counts metrics.",
}


View = Callable[..., HttpResponse]


def module_required(module: str, *needs: str) -> Callable[[View], View]:
    """Allow the view only to users whose roles grant every action in `needs` (default view) in `module`.

    The requirement is also stored on the view (`safecity_requires`), so the role × module × action test
    can check every URL against `core.roles.ROLE_MODULES`. Refusals are audited.
    """
    needed = needs or (VIEW,)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if actions.module_refusal(actor=request.user, module=module, needed=needed, path=request.path):
                return render(request, "403.html", status=403)
            return view(request, *args, **kwargs)

        guarded = login_required(wrapped)
        declare(guarded, module, needed)
        return guarded

    return decorator


def _safe_next(request: HttpRequest) -> str:
    """Where to go after signing in: a same-site absolute path only, else home.

    Anything else is refused rather than interpreted: `redirect("abc")` would look "abc" up as a view name
    (NoReverseMatch, a 500 after the sign-in was already recorded), and "//host" or "/\\host" is another site.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (target.startswith("/") and not target.startswith(("//", "/\\"))
            and not any(c.isspace() or not c.isprintable() for c in target)
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})):
        return target
    return reverse("core:home")


# ---- health ------------------------------------------------------------------------------------------


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001  the point is to report any database failure as not ready
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


# ---- sign-in -----------------------------------------------------------------------------------------

GENERIC_FAILURE = ("Sign-in failed. Check your user name and password. After 5 failed attempts in 15 minutes "
                   "the account is locked until an administrator releases it.")


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = SignInForm(request.POST or None)
    ended = request.GET.get("ended")
    status = 200
    limit: ratelimit.Verdict | None = None
    if request.method == "POST":
        limit = ratelimit.hit(f"signin:{client_ip(request)}", settings.RATE_LIMIT_SIGNIN_PER_MINUTE)
        if limit.limited:
            form.add_error(None, "Too many sign-in attempts from your address. Wait a minute and try again.")
            status = 429
        elif form.is_valid():
            username = form.cleaned_data["username"]
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            known = User.objects.filter(username__iexact=username).first()
            if user is None or not isinstance(user, User) or user.is_locked or (known and known.is_locked):
                actions.login_failed(username=username, source_ip=client_ip(request),
                                     window_seconds=settings.LOCKOUT_WINDOW_SECONDS, limit=settings.LOCKOUT_FAILURES)
                form.add_error(None, GENERIC_FAILURE)
                status = 400
            else:
                device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
                if device is not None:
                    request.session["pending_user"] = user.pk
                    request.session["pending_at"] = time.time()
                    request.session["pending_next"] = _safe_next(request)
                    return redirect("core:mfa_verify")
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                request.session["auth_time"] = time.time()
                request.session["banner_ack"] = time.time()
                actions.login_succeeded(user=user, method="password")
                if settings.CJI_MODE and user.is_staff_member:
                    return redirect("core:mfa_setup")
                return redirect(_safe_next(request))
        else:
            status = 400
    response = render(request, "core/login.html", {"form": form, "ended": ended,
                                                   "next": request.GET.get("next", "")}, status=status)
    if limit is not None and limit.limited:
        response["Retry-After"] = str(limit.retry_after)
    return response


def mfa_verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get("pending_user")
    if not pending or time.time() - request.session.get("pending_at", 0) > 300:
        messages.info(request, "Sign in again to continue.")
        return redirect("core:login")
    user = get_object_or_404(User, pk=pending)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            usable = device is not None and user.is_active and not user.is_locked
            if usable and device is not None and device.verify_token(form.cleaned_data["token"].strip()):
                next_url = request.session.get("pending_next") or reverse("core:home")
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                otp_login(request, device)
                request.session["auth_time"] = time.time()
                actions.login_succeeded(user=user, method="password+totp")
                return redirect(next_url)
            actions.login_failed(username=user.username, source_ip=client_ip(request),
                                 window_seconds=settings.LOCKOUT_WINDOW_SECONDS, limit=settings.LOCKOUT_FAILURES)
            form.add_error("token", "That code is not valid (codes can be used once and last 30 seconds).")
    return render(request, "core/mfa_verify.html", {"form": form}, status=status)


@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    import segno

    user = request.user
    assert isinstance(user, User)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        if user.is_verified():  # type: ignore[attr-defined]
            return redirect("core:account")
        # A device was enrolled since this session signed in with its password alone (another browser): the
        # session must now prove that device, not enrol a second one of its own choosing.
        from safecity.core import audit

        audit.record(action="auth.session_end", actor=user, obj=user, extra={"reason": "mfa_enrolled"})
        logout(request)
        messages.info(request, "Two-step sign-in is on for this account: sign in again with your code.")
        return redirect("core:login")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and device.verify_token(form.cleaned_data["token"].strip()):
            actions.mfa_confirm(actor=user, device=device)
            otp_login(request, device)
            messages.success(request, "Two-step sign-in is on for your account.")
            return redirect("core:home")
        if form.is_valid():
            form.add_error("token", "That code is not valid. Check the time on your phone and try again.")
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(request, "core/mfa_setup.html", {"form": form, "secret": secret, "qr": qr,
                                                   "required": settings.CJI_MODE}, status=status)


@login_required
@require_GET
def keepalive(request: HttpRequest) -> HttpResponse:
    """Touching any page extends the idle timer; this is the cheapest page to touch."""
    return HttpResponse(status=204)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        from safecity.core import audit

        audit.record(action="auth.logout", actor=request.user, obj=request.user)
    logout(request)
    return redirect("core:login")


# ---- home, account -----------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("core:login")
    from safecity.core.context_processors import MODULE_URLS

    cards = [{"key": m, "label": Module(m).label, "url": MODULE_URLS[Module(m)],
              "blurb": MODULE_BLURBS.get(Module(m), "")} for m in modules_for(request.user)]
    return render(request, "core/home.html", {"cards": cards, "show_rules": is_staff(request.user)})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    new_secret = None
    form = ApiTokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _, new_secret = actions.api_token_create(actor=user, name=form.cleaned_data["name"],
                                                         days=form.cleaned_data["days"])
                form = ApiTokenForm()
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
                status = 400
            except NotPermitted as exc:
                form.add_error(None, str(exc))
                status = 403
        else:
            status = 400
    return render(request, "core/account.html", {
        "form": form, "tokens": selectors.token_list(user=user), "new_secret": new_secret,
        "mfa_on": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "roles": user.role_assignments.select_related("agency"),
    }, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    actions.api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("core:account")


# ---- administration ----------------------------------------------------------------------------------


@module_required(Module.ADMIN, "change")
def manage(request: HttpRequest) -> HttpResponse:
    user = request.user
    agencies = selectors.managed_agencies(user=user)
    users = selectors.managed_users(user=user)
    user_form = UserCreateForm(agencies=agencies, prefix="new")
    grant_form = RoleGrantForm(users=users, agencies=agencies, prefix="grant")
    agency_form = AgencyForm(prefix="agency")
    status = 200
    if request.method == "POST":
        kind = request.POST.get("form")
        try:
            if kind == "user":
                user_form = UserCreateForm(request.POST, agencies=agencies, prefix="new")
                if user_form.is_valid():
                    d = user_form.cleaned_data
                    created = actions.user_create(actor=user, username=d["username"], email=d["email"],
                                                  password=d["password"], first_name=d["first_name"],
                                                  last_name=d["last_name"], home_agency=d["home_agency"])
                    actions.role_grant(actor=user, user=created, agency=d["home_agency"], role=d["role"])
                    messages.success(request, f"User {created.username} created.")
                    return redirect("core:manage")
            elif kind == "grant":
                grant_form = RoleGrantForm(request.POST, users=users, agencies=agencies, prefix="grant")
                if grant_form.is_valid():
                    d = grant_form.cleaned_data
                    actions.role_grant(actor=user, user=d["user"], agency=d["agency"], role=d["role"])
                    messages.success(request, f"{Role(d['role']).label} granted to {d['user'].username}.")
                    return redirect("core:manage")
            elif kind == "agency":
                agency_form = AgencyForm(request.POST, prefix="agency")
                if agency_form.is_valid():
                    d = agency_form.cleaned_data
                    agency = actions.agency_create(actor=user, **d)
                    messages.success(request, f"Agency {agency} created.")
                    return redirect("core:manage")
        except ValidationError as exc:
            target = {"user": user_form, "grant": grant_form, "agency": agency_form}.get(kind or "")
            if target is not None:
                for field, errs in exc.message_dict.items():
                    target.add_error(field if field in target.fields else None, errs)
        except NotPermitted as exc:
            messages.error(request, str(exc))
            status = 403
        if status == 200:
            status = 400
    return render(request, "core/manage.html", {
        "agencies": agencies, "users": users, "user_form": user_form, "grant_form": grant_form,
        "agency_form": agency_form, "is_platform_admin": user.is_superuser,
    }, status=status)


@module_required(Module.ADMIN, "change")
@require_POST
def manage_user_action(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.managed_users(user=request.user).filter(pk=pk).first()
    if target is None:
        raise Http404("No such user.")
    op = request.POST.get("op")
    try:
        if op == "unlock":
            actions.user_unlock(actor=request.user, user=target)
            messages.success(request, f"{target.username} unlocked.")
        elif op in {"deactivate", "activate"}:
            actions.user_set_active(actor=request.user, user=target, active=op == "activate")
            messages.success(request, f"{target.username} {op}d.")
        elif op == "revoke":
            assignment = get_object_or_404(RoleAssignment, pk=request.POST.get("assignment"), user=target)
            actions.role_revoke(actor=request.user, assignment=assignment)
            messages.success(request, "Role removed.")
        elif op == "reset-mfa":
            actions.mfa_remove(actor=request.user, user=target)
            messages.success(request, f"Two-step sign-in reset for {target.username}.")
        elif op == "token":
            return _admin_token(request, target)
        else:
            messages.error(request, "Unknown operation.")
    except NotPermitted as exc:
        messages.error(request, str(exc))
    return redirect("core:manage")


def _admin_token(request: HttpRequest, target: User) -> HttpResponse:
    """An administrator creates a token for a user of their agency (a service account, a TAXII client)."""
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            _, secret = actions.api_token_create(actor=request.user, owner=target,
                                                 name=form.cleaned_data["name"], days=form.cleaned_data["days"])
        except ValidationError as exc:
            form.add_error(None, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
        else:
            return render(request, "core/manage_token.html", {"target": target, "new_secret": secret})
    problems = "; ".join(f"{form.fields[k].label if k in form.fields else 'token'}: {' '.join(str(m) for m in v)}"
                         for k, v in form.errors.items())
    messages.error(request, f"No token created for {target.username} — {problems}")
    return redirect("core:manage")


# ---- audit log ---------------------------------------------------------------------------------------


AUDIT_PAGE_ROWS = 50
AUDIT_EXPORT_COLUMNS = (
    "seq", "occurred_at_utc", "occurred_at_local", "actor", "action", "action_code", "record_type",
    "object_type", "object_id", "object", "outcome", "agency_ori", "source_ip", "request_id", "purpose",
    "details",
)


def _audit_filters(request: HttpRequest) -> AuditFilterForm:
    return AuditFilterForm(request.GET or None,
                           action_codes=selectors.audit_action_codes(user=request.user))


def _audit_row(event: AuditEvent) -> dict[str, Any]:
    """One event in words: the UTC and the local time (whole seconds), plain names beside the codes."""
    # Formatted here, not with the template's `date` filter, which would convert the UTC time to local time.
    utc, local = event.occurred_at.astimezone(dt.UTC), timezone.localtime(event.occurred_at)
    return {
        "event": event, "utc": utc, "local": local, "utc_iso": utc.isoformat(timespec="seconds"),
        "utc_text": utc.strftime("%Y-%m-%d %H:%M:%S UTC"), "local_text": local.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "action": audit_labels.action_label(event.action),
        "record_type": audit_labels.object_label(event.object_type) if event.object_type else "",
        "outcome": audit_labels.outcome_label(event.outcome),
    }


@module_required(Module.AUDIT, "view")
def audit_log(request: HttpRequest) -> HttpResponse:
    form = _audit_filters(request)
    valid = form.is_valid() if form.is_bound else True
    criteria = form.selector_kwargs() if form.is_bound and valid else {}
    qs = selectors.audit_event_list(user=request.user, **criteria) if valid else AuditEvent.objects.none()
    page = Paginator(qs, AUDIT_PAGE_ROWS).get_page(request.GET.get("page"))
    result = verify_chain() if request.GET.get("verify") else None
    from safecity.core import audit

    audit.record(action="audit.read", actor=request.user, object_type="core.auditevent",
                 purpose=form.describe() if form.is_bound and valid else "")
    query = {k: v for k, v in request.GET.items() if v and k not in {"page", "verify"}}
    return render(request, "core/audit.html", {
        "form": form, "page": page, "rows": [_audit_row(e) for e in page], "verify": result,
        "verify_on": bool(request.GET.get("verify")),
        "time_zone": timezone.get_current_timezone_name(),
        "page_query": urlencode(query), "export_query": urlencode(query),
        "can_export": has_module(request.user, Module.AUDIT, "export"),
    }, status=200 if valid else 400)


@module_required(Module.AUDIT, "view", "export")
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as CSV (through `core.csvsafe`), audited as an export with the filters in force."""
    form = _audit_filters(request)
    if form.is_bound and not form.is_valid():
        problems = "; ".join(f"{form.fields[k].label if k in form.fields else k}: {' '.join(str(m) for m in v)}"
                             for k, v in form.errors.items())
        return HttpResponse(f"Invalid filter — {problems}\n", status=400, content_type="text/plain; charset=utf-8")
    criteria = form.selector_kwargs() if form.is_bound else {}
    qs = selectors.audit_event_list(user=request.user, **criteria)
    rows = qs.count()
    actions.record_export(actor=request.user, what="core.auditevent", rows=rows, fmt="csv",
                          purpose=f"{request.path} {form.describe() if form.is_bound else ''}".strip()[:200])

    def lines() -> Iterator[str]:
        out = csvsafe.writer(_Line())
        yield out.writerow(AUDIT_EXPORT_COLUMNS)
        for event in qs.iterator(chunk_size=2000):
            r = _audit_row(event)
            yield out.writerow([
                event.seq, r["utc"].isoformat(timespec="seconds"), r["local"].isoformat(timespec="seconds"),
                event.actor_name, r["action"], event.action, r["record_type"], event.object_type,
                event.object_id, event.object_repr, event.outcome, event.agency_ori, event.source_ip or "",
                event.request_id, event.purpose, json.dumps(event.extra, sort_keys=True) if event.extra else "",
            ])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{timezone.localdate().isoformat()}.csv"'
    return response  # type: ignore[return-value]  # a streamed response is a response


class _Line:
    """A write target that hands back what was written, so each CSV row is yielded as it is made."""

    def write(self, s: str) -> str:
        return s


# ---- module dashboards not yet built -----------------------------------------------------------------


@login_required
def module_dashboard(request: HttpRequest, module: str) -> HttpResponse:
    if module not in MODULE_BLURBS:
        raise Http404("No such module.")
    if not has_module(request.user, module):
        actions.permission_denied(actor=request.user, what=f"module:{module}", reason=request.path)
        return render(request, "403.html", status=403)
    return render(request, "core/module.html", {"module": Module(module), "blurb": MODULE_BLURBS[Module(module)]})


declare(module_dashboard, MODULE_FROM_URL, (VIEW,))


# ---- rules the city runs on -------------------------------------------------------------------------


@module_required(STAFF)
def rules_page(request: HttpRequest) -> HttpResponse:
    """Every registered rule pack: the rules in force on a date, with period, citation and review status."""
    status, error = 200, ""
    try:
        on = rules.parse_on(request.GET.get("on", ""))
    except ValidationError as exc:
        on, status, error = timezone.localdate(), 400, " ".join(exc.message_dict["on"])
    return render(request, "core/rules.html", {"packs": rules.report(on), "on": on, "error": error},
                  status=status)


def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "core/open.html", {})
