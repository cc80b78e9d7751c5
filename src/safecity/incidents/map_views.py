"""The basemap file behind every interactive map, served by us with range requests (docs/maps.md)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

from safecity.core.ranges import ranged_file_response
from safecity.core.roles import Module
from safecity.core.views import module_required

# Street tiles change when the city replaces the file (the ETag changes with it); a day's caching spares the
# server the same few hundred requests on every page.
BASEMAP_CACHE_SECONDS = 86_400


@module_required(Module.INCIDENTS)
def basemap(request: HttpRequest) -> HttpResponse:
    """The city's PMTiles file (SAFECITY_BASEMAP_PMTILES): 206 for one byte range, 200 for the whole file."""
    if not settings.BASEMAP_PMTILES:
        raise Http404("No basemap file is configured (SAFECITY_BASEMAP_PMTILES).")
    response = ranged_file_response(request, Path(settings.BASEMAP_PMTILES), "application/octet-stream",
                                    cache_seconds=BASEMAP_CACHE_SECONDS)
    # The whole file streams (a FileResponse); module_required's signature only knows HttpResponse.
    return cast(HttpResponse, response)
