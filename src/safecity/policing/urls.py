from django.urls import path

from safecity.policing.views import dashboard, roster

app_name = "policing"

# The start page and the roster. Each other record family has its own URL module and namespace
# (`urls_<area>.py`), mounted from the root URL conf (`safecity/urls.py`) under /m/policing/<area>/.
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("officers/", roster.officer_list, name="list"),
    path("officers/new/", roster.officer_create, name="create"),
    path("officers/export.csv", roster.officer_export, name="export"),
    path("officers/<uuid:public_id>/", roster.officer_detail, name="detail"),
    path("officers/<uuid:public_id>/edit/", roster.officer_edit, name="edit"),
    path("officers/<uuid:public_id>/reassign/", roster.officer_reassign, name="reassign"),
]
