from django.urls import path

from safecity.policing.views import complaints

app_name = "policing_complaints"

urlpatterns = [
    path("", complaints.complaint_list, name="list"),
    path("new/", complaints.complaint_create, name="create"),
    path("export.csv", complaints.complaint_export, name="export"),
    path("status/", complaints.complaint_status, name="status"),
    path("<uuid:public_id>/", complaints.complaint_detail, name="detail"),
    path("<uuid:public_id>/transition/", complaints.complaint_transition, name="transition"),
    path("<uuid:public_id>/extend/", complaints.complaint_extend, name="extend"),
    path("<uuid:public_id>/comment/", complaints.complaint_comment, name="comment"),
    path("<uuid:public_id>/allegations/<uuid:allegation_id>/finding/", complaints.allegation_finding,
         name="finding"),
]
