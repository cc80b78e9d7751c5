"""The units pages (kit): list, CSV, detail. Mounted at /m/policing/units/ from the root URL conf."""

from django.urls import path

from safecity.policing.views import roster

app_name = "policing_units"

urlpatterns = [
    path("", roster.unit_list, name="list"),
    path("export.csv", roster.unit_export, name="export"),
    path("<uuid:public_id>/", roster.unit_detail, name="detail"),
]
