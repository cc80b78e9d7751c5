from __future__ import annotations

import uuid

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from safecity.core import selectors as core_selectors
from safecity.core.actions import record_read
from safecity.core.roles import Module
from safecity.core.views import module_required
from safecity.incidents import selectors
from safecity.incidents.models import Incident


@module_required(Module.INCIDENTS)
def incident_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.incident_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "incidents/list.html", {"page": page})


@module_required(Module.INCIDENTS)
def incident_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    try:
        incident = selectors.incident_get(user=request.user, public_id=public_id)
    except Incident.DoesNotExist:
        raise Http404("No such incident.") from None
    if incident.sensitivity:
        record_read(actor=request.user, obj=incident)
    history = core_selectors.object_history(user=request.user, obj=incident)
    return render(request, "incidents/detail.html", {"incident": incident, "history": history})
