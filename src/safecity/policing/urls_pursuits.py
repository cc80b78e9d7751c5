from django.urls import path

from safecity.policing.views import eis

app_name = "policing_pursuits"

urlpatterns = [
    path("", eis.pursuit_list, name="list"),
    path("new/", eis.pursuit_create, name="create"),
    path("export.csv", eis.pursuit_export, name="export"),
    path("<uuid:public_id>/", eis.pursuit_detail, name="detail"),
]
