from django.urls import path

from safecity.policing.views import cameras

app_name = "policing_cameras"

urlpatterns = [
    path("", cameras.camera_list, name="list"),
    path("new/", cameras.camera_create, name="create"),
    path("export.csv", cameras.camera_export, name="export"),
    path("activation/", cameras.compliance, name="compliance"),
    path("activation.csv", cameras.compliance_csv, name="compliance_csv"),
    path("purge-due/", cameras.purge_due, name="purge_due"),
    path("<uuid:public_id>/", cameras.camera_detail, name="detail"),
    path("<uuid:public_id>/edit/", cameras.camera_edit, name="edit"),
    path("<uuid:public_id>/assign/", cameras.camera_assign, name="assign"),
]
