"""Training session pages (kit), at /m/policing/training/sessions/: the list and a session with its attendance."""

from django.urls import path

from safecity.policing.views import training

app_name = "policing_sessions"

urlpatterns = [
    path("", training.session_list, name="list"),
    path("export.csv", training.session_export, name="export"),
    path("<uuid:public_id>/", training.session_detail, name="detail"),
]
