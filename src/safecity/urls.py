from django.urls import include, path

from safecity.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("incidents/import/", include("safecity.incidents.import_views")),
    path("incidents/", include("safecity.incidents.urls")),
    path("m/policing/eis/", include("safecity.policing.urls_eis")),
    path("m/policing/pursuits/", include("safecity.policing.urls_pursuits")),
    path("m/policing/force/", include("safecity.policing.urls_force")),
    path("m/policing/cameras/", include("safecity.policing.urls_cameras")),
    path("m/policing/recordings/import/", include("safecity.policing.urls_recordings_import")),
    path("m/policing/recordings/", include("safecity.policing.urls_recordings")),
    path("m/policing/stops/import/", include("safecity.policing.urls_stops_import")),
    path("m/policing/stops/", include("safecity.policing.urls_stops")),
    path("m/policing/complaints/import/", include("safecity.policing.urls_complaints_import")),
    path("m/policing/complaints/", include("safecity.policing.urls_complaints")),
    path("m/policing/officers/import/", include("safecity.policing.urls_roster_import")),
    path("m/policing/units/", include("safecity.policing.urls_units")),
    path("m/policing/training/attendance/", include("safecity.policing.urls_training_attendance")),
    path("m/policing/training/import/", include("safecity.policing.urls_training_import")),
    path("m/policing/training/sessions/", include("safecity.policing.urls_training_sessions")),
    path("m/policing/training/", include("safecity.policing.urls_training")),
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
