from django.urls import path

from safecity.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("<uuid:public_id>/", views.incident_detail, name="detail"),
]
