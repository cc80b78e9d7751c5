from django.urls import path

from safecity.policing.views import cameras

app_name = "policing_recordings"

urlpatterns = [
    path("", cameras.recording_list, name="list"),
    path("export.csv", cameras.recording_export, name="export"),
    path("<uuid:public_id>/", cameras.recording_detail, name="detail"),
    path("<uuid:public_id>/hold/", cameras.recording_hold, name="edit"),
]
