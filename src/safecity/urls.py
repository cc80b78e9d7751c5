from django.urls import include, path

from safecity.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("incidents/import/", include("safecity.incidents.import_views")),
    path("incidents/", include("safecity.incidents.urls")),
    path("m/policing/community/projects/", include("safecity.policing.urls_community")),
    path("m/policing/community/meetings/", include("safecity.policing.urls_community_meetings")),
    path("m/policing/community/surveys/import/", include("safecity.policing.import_views_surveys")),
    path("m/policing/community/surveys/", include("safecity.policing.urls_community_surveys")),
    path("m/policing/", include("safecity.policing.urls")),
    path("", include("safecity.core.urls")),
]

handler400 = "safecity.core.errors.bad_request"
handler403 = "safecity.core.errors.forbidden"
handler404 = "safecity.core.errors.not_found"
handler500 = "safecity.core.errors.server_error"
