from django.urls import path

from safecity.policing import views

app_name = "policing"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("officers/", views.officer_list, name="list"),
    path("officers/new/", views.officer_create, name="create"),
    path("officers/export.csv", views.officer_export, name="export"),
    path("officers/<uuid:public_id>/", views.officer_detail, name="detail"),
    path("officers/<uuid:public_id>/edit/", views.officer_edit, name="edit"),
]
