"""API authentication: hashed, expiring, revocable bearer tokens and signed-in sessions (with CSRF)."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from safecity.core import ratelimit
from safecity.core.actions import TOKEN_PREFIX, hash_token_secret
from safecity.core.middleware import client_ip
from safecity.core.models import ApiToken, TokenOrigin


def _too_many_failures(request: HttpRequest) -> bool:
    # Requests in general are limited for every API caller by ratelimit.ApiRateLimitMiddleware.
    return ratelimit.hit(f"apitoken-fail:{client_ip(request)}",
                         settings.RATE_LIMIT_TOKEN_FAILURES_PER_MINUTE).limited


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = self._user_for(token)
        if user is None:
            if _too_many_failures(request):
                raise HttpError(429, "Too many failed token attempts; retry after a minute.")
            return None
        request.user = user
        request.api_token = True  # type: ignore[attr-defined]  # tokens may not mint tokens (core/api.py)
        return user

    @staticmethod
    def _user_for(token: str) -> Any:
        if not token.startswith(TOKEN_PREFIX) or token.count("_") < 2:
            return None
        prefix, _, secret = token[len(TOKEN_PREFIX):].partition("_")
        row = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        if row is None or not hmac.compare_digest(row.key_hash, hash_token_secret(secret)):
            return None
        if not row.is_usable or not row.user.is_active or row.user.is_locked:
            return None
        if settings.CJI_MODE:
            _refuse_without_second_factor(row)
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        return row.user


def _refuse_without_second_factor(row: ApiToken) -> None:
    """In CJI mode a staff member's token stands in for a two-step sign-in, so it needs the second factor too.

    A token is only as strong as the sign-in that made it: staff tokens from before origins were recorded may
    come from the MFA bypass (issue 6, finding 1), and a staff owner with no confirmed device never proved one.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not row.user.is_staff_member:
        return
    if row.created_via == TokenOrigin.LEGACY:
        raise HttpError(403, "This token was created before token origins were recorded and may have been made "
                             "without two-step sign-in; revoke it and re-create it from a verified session.")
    if not TOTPDevice.objects.filter(user=row.user, confirmed=True).exists():
        raise HttpError(403, "This token's owner has not enrolled a two-step sign-in device, which CJI mode "
                             "requires of staff; enrol one (Account page) and retry.")


class SessionAuth(NinjaSessionAuth):
    """A browser session; in CJI mode staff sessions must have passed two-step sign-in."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user and settings.CJI_MODE and user.is_staff_member and not user.is_verified():
            return None
        return user
