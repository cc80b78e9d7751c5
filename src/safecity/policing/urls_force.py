from django.urls import path

from safecity.policing.views import force

app_name = "policing_force"

urlpatterns = [
    path("", force.force_list, name="list"),
    path("new/", force.force_create, name="create"),
    path("export.csv", force.force_export, name="export"),
    path("summary/", force.summary, name="summary"),
    path("summary.csv", force.summary_csv, name="summary_csv"),
    path("fbi/", force.fbi_export, name="fbi"),
    path("<uuid:public_id>/", force.force_detail, name="detail"),
    path("<uuid:public_id>/edit/", force.force_edit, name="edit"),
]
