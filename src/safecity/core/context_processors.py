from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from safecity.core.middleware import second_step_pending
from safecity.core.roles import Module

MODULE_URLS = {
    Module.INCIDENTS: "/incidents/",
    Module.POLICING: "/m/policing/",
    Module.FIREARMS: "/m/firearms/",
    Module.INTEL: "/m/intel/",
    Module.REENTRY: "/m/reentry/",
    Module.GRANTS: "/m/grants/",
    Module.JUSTICE: "/m/justice/",
    Module.TRANSPARENCY: "/open/",
    Module.ADMIN: "/manage/",
    Module.AUDIT: "/audit/",
}


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    menu: list[dict[str, Any]] = []
    pending = second_step_pending(request)
    if user is not None and user.is_authenticated and not pending:
        from safecity.core.nav import menu_for

        menu = menu_for(user, request.path)
    return {
        "nav_menu": menu,
        "second_step_pending": pending,
        "city_name": settings.CITY_NAME,
        "cji_mode": settings.CJI_MODE,
        "demo_mode": settings.DEMO_MODE,
        "session_idle_seconds": settings.SESSION_IDLE_SECONDS,
    }
