"""The module's start page for a chief and an oversight board: one card per record family.

Each card is drawn by its family's template from its family's dashboard selector (`selectors.dashboard_<area>`),
which reads through `restrict()` like every page: a role sees the cards it may read (a card of personnel files
says so to a role that is not cleared, instead of showing zeros). Every card carries its figures as a table and
links to the family's page, where the same figures have their CSV and API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from safecity.core.roles import VIEW, Module
from safecity.core.views import module_required
from safecity.policing import selectors

# (template, the name the template reads, the selector giving the figures); in the order they are shown.
CARDS: tuple[tuple[str, str, Callable[..., Any]], ...] = (
    ("policing/tiles/training.html", "training", selectors.dashboard_training),
    ("policing/tiles/cameras.html", "camera_tile", selectors.dashboard_cameras),
    ("policing/tiles/force.html", "force_tile", selectors.dashboard_force),
    ("policing/tiles/complaints.html", "tile", selectors.dashboard_complaints),
    ("policing/tiles/eis.html", "eis", selectors.dashboard_eis),
    ("policing/tiles/stops.html", "tile", selectors.dashboard_stops),
    ("policing/tiles/community.html", "tile", selectors.dashboard_community),
)


def _card(request: HttpRequest, template: str, name: str, selector: Callable[..., Any]) -> SafeString:
    # The card's template is ours and autoescaped; only the assembled HTML is marked safe.
    return mark_safe(render_to_string(template, {name: selector(user=request.user)}, request=request))  # noqa: S308


@module_required(Module.POLICING, VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    officers = selectors.officer_list(user=request.user)
    cards = [_card(request, template, name, selector) for template, name, selector in CARDS]
    return render(request, "policing/dashboard.html", {"officer_count": officers.count(), "cards": cards})
