"""Resident surveys under /m/policing/community/surveys/ (namespace "policing_surveys"); the survey import's
pages are mounted beside them under surveys/import/ (namespace "policing_surveys_import")."""

from django.urls import path

from safecity.policing.views import community_surveys as views

app_name = "policing_surveys"

urlpatterns = [
    path("", views.survey_results, name="results"),
    path("results.csv", views.survey_results_csv, name="results_csv"),
    path("waves/", views.wave_list, name="list"),
    path("waves/new/", views.wave_create, name="create"),
    path("waves/export.csv", views.wave_export, name="export"),
    path("waves/<uuid:public_id>/", views.wave_detail, name="detail"),
    path("waves/<uuid:public_id>/edit/", views.wave_edit, name="edit"),
    path("waves/<uuid:public_id>/results/", views.wave_result, name="result"),
]
