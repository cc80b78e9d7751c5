"""Training pages: courses (kit) and the compliance report with its CSV. Mounted at /m/policing/training/ from
the root URL conf; attendance and the import have their own namespaces (urls_training_attendance,
urls_training_import) because each kit owns one namespace's list/detail/create/edit/export names."""

from django.urls import path

from safecity.policing.views import training

app_name = "policing_training"

urlpatterns = [
    path("", training.compliance, name="compliance"),
    path("compliance.csv", training.compliance_csv, name="compliance_csv"),
    path("courses/", training.course_list, name="list"),
    path("courses/new/", training.course_create, name="create"),
    path("courses/export.csv", training.course_export, name="export"),
    path("courses/<uuid:public_id>/", training.course_detail, name="detail"),
    path("courses/<uuid:public_id>/edit/", training.course_edit, name="edit"),
]
