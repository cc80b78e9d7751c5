from django.urls import path

from safecity.policing.views import roster

app_name = "policing"

# Each record family mounts its own URL module below (its own namespace), e.g.
#   path("training/", include("safecity.policing.urls_training")),
urlpatterns = [
    path("", roster.dashboard, name="dashboard"),
    path("officers/", roster.officer_list, name="list"),
    path("officers/new/", roster.officer_create, name="create"),
    path("officers/export.csv", roster.officer_export, name="export"),
    path("officers/<uuid:public_id>/", roster.officer_detail, name="detail"),
    path("officers/<uuid:public_id>/edit/", roster.officer_edit, name="edit"),
    path("officers/<uuid:public_id>/reassign/", roster.officer_reassign, name="reassign"),
]
