"""SARA problem-solving projects under /m/policing/community/projects/ (namespace "policing_sara")."""

from django.urls import path

from safecity.policing.views import community as views

app_name = "policing_sara"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("export.csv", views.project_export, name="export"),
    path("<uuid:public_id>/", views.project_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.project_edit, name="edit"),
    path("<uuid:public_id>/assessment/", views.project_assessment, name="assessment"),
    path("<uuid:public_id>/advance/", views.project_advance, name="advance"),
    path("<uuid:public_id>/activities/", views.project_activity, name="activity"),
]
