from django.urls import include, path

from safecity.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("incidents/import/", include("safecity.incidents.import_views")),
    path("incidents/", include("safecity.incidents.urls")),
    path("m/policing/officers/import/", include("safecity.policing.urls_roster_import")),
    path("m/policing/units/", include("safecity.policing.urls_units")),
    path("m/policing/training/attendance/", include("safecity.policing.urls_training_attendance")),
    path("m/policing/training/import/", include("safecity.policing.urls_training_import")),
    path("m/policing/training/", include("safecity.policing.urls_training")),
    path("m/policing/", include("safecity.policing.urls")),
    path("", include("safecity.core.urls")),
]

handler400 = "safecity.core.errors.bad_request"
handler403 = "safecity.core.errors.forbidden"
handler404 = "safecity.core.errors.not_found"
handler500 = "safecity.core.errors.server_error"
