"""The site navigation: links grouped under a few menus, each shown only to users who may open it.

The header is the USWDS extended header with one drop-down per group, so the bar stays four buttons wide
however many modules are installed. Core registers its own pages; every other app registers its pages from
its `AppConfig.ready()` (core imports no app), naming the module right a user needs to see the link —
the same right the page's `module_required` checks, so the menu never offers a page that answers 403. A page
that shows only labelled records (personnel files) also names the `clearance` it needs, so a role that holds
the module right but not the clearance is not offered a page that would refuse it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from safecity.core.permissions import STAFF, has_module, modules_for, visibility_filter
from safecity.core.roles import VIEW, Module, Sensitivity

RECORDS, ANALYSIS, MODULES, ADMIN = "Records", "Analysis", "Modules", "Admin"
GROUPS = (RECORDS, ANALYSIS, MODULES, ADMIN)


@dataclass(frozen=True)
class NavLink:
    group: str  # one of GROUPS
    label: str
    url_name: str  # reversed when the menu is drawn
    module: str  # the module right needed (`core.permissions.STAFF` for any staff role)
    action: str = VIEW
    order: int = 100  # position within the group; ties keep registration order
    kwargs: tuple[tuple[str, str], ...] = ()
    clearance: Sensitivity = Sensitivity.NONE  # labels the user must be cleared for in some agency

    def url(self) -> str:
        return reverse(self.url_name, kwargs=dict(self.kwargs))


_LINKS: list[NavLink] = []


def register(*links: NavLink) -> None:
    for link in links:
        if link.group not in GROUPS:
            raise ValueError(f"navigation group {link.group!r} is not one of {GROUPS}")
        if link not in _LINKS:
            _LINKS.append(link)


def _visible(link: NavLink, user: Any, opened: set[str]) -> bool:
    if link.module == Module.TRANSPARENCY:
        return Module.TRANSPARENCY.value in opened  # open data is for everyone signed in
    if link.module == STAFF:
        return has_module(user, STAFF, link.action)
    if link.module not in opened or not (link.action == VIEW or has_module(user, link.module, link.action)):
        return False
    return not link.clearance or _cleared(user, link.module, link.action, link.clearance)


def _cleared(user: Any, module: str, action: str, clearance: Sensitivity) -> bool:
    masks = visibility_filter(user, module, action)
    return masks is None or any(mask & clearance == clearance for mask in masks)


def menu_for(user: Any, path: str) -> list[dict[str, Any]]:
    """The groups the user has at least one link in, each with its links; the link whose URL is the
    longest prefix of `path` is the current page, and its group the current section."""
    opened = set(modules_for(user))
    links = sorted((link for link in _LINKS if _visible(link, user, opened)),
                   key=lambda link: (GROUPS.index(link.group), link.order))
    resolved = []
    for link in links:
        try:
            resolved.append((link, link.url()))
        except NoReverseMatch:
            continue  # the app's pages are not mounted in this URL conf (a test's, or a trimmed deployment's)
    matches = [url for _, url in resolved if path.startswith(url)]
    current = max(matches, key=len) if matches else None
    groups: list[dict[str, Any]] = []
    for name in GROUPS:
        items = [{"label": link.label, "url": url, "current": url == current, "module": link.module}
                 for link, url in resolved if link.group == name]
        if items:
            groups.append({"label": name, "id": f"nav-{name.lower()}", "links": items,
                           "current": any(item["current"] for item in items)})
    return groups


register(
    *(NavLink(MODULES, Module(m).label, "core:module", m, order=n, kwargs=(("module", m),))
      for n, m in enumerate((Module.POLICING, Module.FIREARMS, Module.INTEL, Module.REENTRY, Module.GRANTS,
                             Module.JUSTICE))),
    NavLink(MODULES, Module.TRANSPARENCY.label, "core:open", Module.TRANSPARENCY, order=90),
    NavLink(ADMIN, Module.ADMIN.label, "core:manage", Module.ADMIN, action="change", order=10),
    NavLink(ADMIN, Module.AUDIT.label, "core:audit", Module.AUDIT, order=20),
    NavLink(ADMIN, "Rules in force", "core:rules", STAFF, order=30),
)
